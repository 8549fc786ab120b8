"""Issue "Excel on a real analyst's desk", in a real Excel: text stays text, re-runs keep
references and sheet order, long notes, and ``winloss-xl doctor --excel``.

Marked ``excel``; skipped where Excel is absent (see conftest.py). Run on Windows (or
macOS, where the Windows-only parts skip) with ``pytest -m excel tests/excel``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.excel

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS / "udf"))

LABELS = ("001", "5-10", "1/2", "True", "May 2020", "10-25", "2025-10", "False", "50%")


@pytest.fixture
def book(excel_app):
    book = excel_app.books.add()
    yield book
    book.close()


def _deals_with_labels() -> list[list[object]]:
    from excel_shaped import demo_export

    values = demo_export(600, seed=3)[0]
    rows = [[*values[0], "Tier"]]
    rows += [[*r, LABELS[i % len(LABELS)]] for i, r in enumerate(values[1:])]
    return rows


def test_segment_labels_stay_text(book) -> None:
    from winloss_xl import analyze, load_deals
    from winloss_xl.report.build import build_report
    from winloss_xl.report.live import write_report_live

    report = build_report(analyze(load_deals(_deals_with_labels(), name="Deals sheet")))
    write_report_live(report, book)
    t = report.table("tblPatterns")
    rng = book.sheets["Patterns"].tables["tblPatterns"].range.options(ndim=2).value
    assert rng[0] == list(t.frame.columns)
    col = rng[0].index("Segment")
    got = [row[col] for row in rng[1:]]
    assert got == list(t.frame["Segment"])  # exactly the text, nothing parsed
    assert set(LABELS) <= set(got)


def _paste_deals(book) -> None:
    from excel_shaped import demo_export

    sheet = book.sheets[0]
    sheet.name = "Deals"
    sheet["A1"].value = demo_export(600, seed=3)[1]


def test_a_reference_to_a_report_cell_survives_a_rerun(book) -> None:
    from winloss_xl.excel.addin import run_button

    _paste_deals(book)
    assert run_button(book) is None
    mine = book.sheets.add("My sums", after=book.sheets[len(book.sheets) - 1])
    mine["A1"].formula = "=Summary!C5"
    assert run_button(book) is None
    assert mine["A1"].formula == "=Summary!C5"
    assert "#REF!" not in mine["A1"].formula


@pytest.mark.skipif(sys.platform != "win32", reason="adds a chart sheet through COM")
def test_sheet_order_is_stable_with_a_chart_sheet(book) -> None:
    from winloss_xl.excel.addin import run_button

    _paste_deals(book)
    chart = book.api.Charts.Add(After=book.sheets["Deals"].api)  # a chart sheet after Deals
    chart.Name = "Pipeline chart"
    assert run_button(book) is None
    order = [s.Name for s in book.api.Sheets]
    assert order[:2] == ["Deals", "Pipeline chart"]
    assert run_button(book) is None
    assert [s.Name for s in book.api.Sheets] == order


def test_long_notes_do_not_fail(book) -> None:
    from winloss_xl.report.live import write_report_live
    from winloss_xl.report.model import Note, Report, SheetSpec, Table, Title

    text = "Win rates differ by segment and period. " * 1200
    spec = SheetSpec(name="Summary", blocks=[
        Title(row=2, col=2, text="Long"),
        Note(row=4, col=2, text=text, width=8, style="finding"),
        Table(row=7, col=2, name="tblLong", frame=pd.DataFrame({"Recommendation": [text]}),
              wrap=("Recommendation",), widths={"Recommendation": 60}),
    ])
    write_report_live(Report(sheets=[spec]), book)
    sheet = book.sheets["Summary"]
    assert sheet["B4"].row_height <= 409
    assert len(sheet["B4"].value) == 32767


def test_doctor_excel_smoke_test(excel_app) -> None:
    """The smoke test starts its own hidden Excel (``excel_app`` only skips where none runs)."""
    from winloss_xl.doctor import NA, OK, Machine, addin_folder, run_checks
    from winloss_xl.excel.xlam import ADDIN_FILENAME

    machine = Machine()
    checks = run_checks(machine, excel=True)
    smoke = {c.name: c for c in checks[-4:]}
    assert smoke["Excel starts"].status == OK, smoke
    assert smoke["Analyze button (main())"].status == OK, smoke
    formula = smoke["A formula (=WINRATE)"]
    if sys.platform != "win32":
        assert formula.status == NA
    elif (addin_folder(machine) / ADDIN_FILENAME).is_file():
        assert formula.status == OK, formula
