"""The Analyze button path and the formulas in a real Excel (Windows; macOS for the button).

Marked ``excel``; skipped when Excel is absent (see conftest.py).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.excel

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS / "udf"))


@pytest.fixture
def deals_book(excel_app, tmp_path):
    """A workbook with the demo deals in a Deals sheet (from the template when present)."""
    from excel_shaped import demo_export

    values = demo_export(600, seed=3)[1]
    template = Path(__file__).resolve().parents[2] / "templates" / "WinLoss.xlsx"
    path = tmp_path / "WinLoss.xlsx"
    if template.exists():
        shutil.copyfile(template, path)
        book = excel_app.books.open(str(path))
        sheet = book.sheets["Deals"]
        sheet.used_range.clear_contents()
    else:
        book = excel_app.books.add()
        sheet = book.sheets[0]
        sheet.name = "Deals"
    sheet["A1"].value = values
    yield book
    book.close()


def test_button_writes_report_tabs(deals_book) -> None:
    from winloss_xl.excel.addin import run_button
    from winloss_xl.report.live import is_generated
    from winloss_xl.report.model import GENERATED_SHEETS

    deals_before = deals_book.sheets["Deals"].used_range.value
    assert run_button(deals_book) is None
    names = [s.name for s in deals_book.sheets]
    for name in GENERATED_SHEETS:
        assert name in names
        assert is_generated(deals_book.sheets[name])
    tables = {t.name for s in deals_book.sheets for t in s.tables}
    assert {"tblSummary", "tblPatterns", "tblLossReasons", "tblPersonas",
            "tblRecommendations", "tblDataQuality"} <= tables
    assert deals_book.sheets["Deals"].used_range.value == deals_before
    # a re-run replaces only its own sheets
    assert run_button(deals_book) is None
    assert [s.name for s in deals_book.sheets] == names
    app = deals_book.app
    assert app.screen_updating is True


def test_button_through_the_caller_mechanism(deals_book) -> None:
    import winloss_xl

    deals_book.set_mock_caller()
    winloss_xl.main()
    assert "Summary" in [s.name for s in deals_book.sheets]


def test_unmarked_sheet_is_not_overwritten(deals_book) -> None:
    from winloss_xl.errors import InputError
    from winloss_xl.excel.addin import analyze_book

    mine = deals_book.sheets.add("Patterns")
    mine["A1"].value = "my pivot"
    with pytest.raises(InputError):
        analyze_book(deals_book)
    assert deals_book.sheets["Patterns"]["A1"].value == "my pivot"


@pytest.mark.skipif(sys.platform != "win32", reason="classic xlwings formulas are Windows-only")
def test_formulas_after_import_udfs(deals_book, tmp_path) -> None:
    """import_udfs into the workbook (needs 'Trust access to the VBA project object model')."""
    import xlwings as xw

    from winloss_xl.excel import udfs

    deals_book.save(str(tmp_path / "WinLoss.xlsm"))
    try:
        xw.import_udfs("winloss_xl.excel.udfs", deals_book.api)
    except Exception as exc:
        pytest.skip(f"VBA project access is not trusted here: {exc}")
    sheet = deals_book.sheets.add("Formulas")
    values = deals_book.sheets["Deals"].used_range.options(ndim=2).value
    n = len(values)
    sheet["A1"].formula2 = f'=WINRATE_BY(Deals!A1:R{n}, "Industry")'
    sheet["A20"].formula2 = f"=WINRATE(Deals!A1:R{n})"
    sheet["A21"].formula2 = f"=WINRATE(Deals!A2:R{n})"
    deals_book.app.calculate()
    expected = udfs.WINRATE_BY(values, "Industry")
    got = sheet["A1"].expand().value
    assert got[0] == expected[0]
    assert [r[0] for r in got[1:]] == [r[0] for r in expected[1:]]
    assert sheet["A20"].value == pytest.approx(udfs.WINRATE(values))
    assert str(sheet["A21"].value).startswith("#WINLOSS! the range has no header row")
