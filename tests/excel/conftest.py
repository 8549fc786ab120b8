"""Real-Excel tests: run only where Microsoft Excel is installed (Windows / macOS).

Skipped everywhere else, and skipped when xlwings cannot start an Excel instance.
Run them on an analyst-like machine with ``pytest -m excel tests/excel``.
"""

from __future__ import annotations

import contextlib
import sys

import pytest


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/excel/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.excel)


@pytest.fixture(scope="session")
def excel_app():
    if sys.platform not in ("win32", "darwin"):
        pytest.skip("Microsoft Excel runs on Windows and macOS only")
    try:
        import xlwings as xw

        app = xw.App(visible=False, add_book=False)
    except Exception as exc:  # no Excel installed, no licence, no COM / AppleScript access
        pytest.skip(f"xlwings cannot start Excel here: {exc}")
    app.display_alerts = False
    try:
        yield app
    finally:
        with contextlib.suppress(Exception):
            app.quit()
