"""Hostile corpus bookkeeping: which cases behaved, and the summary line at the end.

Every runner test records ``record_property("hostile_case", name)``; a case has
behaved as expected when all of its runs (CLI analyze, CLI inspect, library,
formulas) passed.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

_RESULTS: dict[str, list[bool]] = defaultdict(list)


def _case_of(report: pytest.TestReport) -> str | None:
    for key, value in getattr(report, "user_properties", ()):
        if key == "hostile_case":
            return str(value)
    return None


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    name = _case_of(report)
    if name is None:
        return
    if report.when == "call":
        if report.skipped and not hasattr(report, "wasxfail"):
            return  # not applicable to this case (e.g. formulas on a non-tabular input)
        _RESULTS[name].append(report.passed and not hasattr(report, "wasxfail"))
    elif report.failed:  # setup / teardown errors
        _RESULTS[name].append(False)


def hostile_summary() -> tuple[int, int, list[str]]:
    bad = sorted(n for n, runs in _RESULTS.items() if not all(runs))
    return len(_RESULTS) - len(bad), len(_RESULTS), bad


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if not _RESULTS:
        return
    from .corpus import CASES
    from .round2 import ROUND2

    total = len(CASES) + len(ROUND2)
    good, ran, bad = hostile_summary()
    line = f"hostile corpus: {good}/{ran} cases behaved as expected"
    if ran < total:
        line += f" ({total - ran} of {total} cases not run)"
    terminalreporter.write_sep("-", line, bold=True, red=bool(bad), green=not bad)
    if bad:
        terminalreporter.write_line("misbehaving: " + ", ".join(bad))
