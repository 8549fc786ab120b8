"""Fixtures for the formula tests: Excel-shaped values and the headless results to match."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from excel_shaped import demo_export, maven_joined

from winloss_xl.excel import udfs


@pytest.fixture(autouse=True)
def _fresh_caches():
    udfs.clear_caches()
    yield
    udfs.clear_caches()


@pytest.fixture(scope="session")
def maven_values(maven_dir):
    return maven_joined(maven_dir)


@pytest.fixture(scope="session")
def maven_headless(maven_dir):
    """The headless pipeline on the files, as the command line runs it (WinLoss of the paths)."""
    from winloss_xl import WinLoss

    return WinLoss(maven_dir / "sales_pipeline.csv", accounts=maven_dir / "accounts.csv")


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """(Excel-shaped values, the same deals saved as .xlsx, headless analysis of that file)."""
    from winloss_xl import WinLoss


    values, clean = demo_export()
    path = tmp_path_factory.mktemp("demo") / "demo-deals.xlsx"
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Deals"
    for row in clean:
        ws.append(row)
    wb.save(path)
    return values, path, WinLoss(str(path))  # .table(): each table as the report shows it
