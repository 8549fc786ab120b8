"""The live writer against what Excel does: typed-text conversion, references to report
cells across re-runs, chart sheets in the sheet order, Excel's cell and row limits, and
the same look (verdicts, data bars, colour scales) as the headless report."""

from __future__ import annotations

import datetime as dt
import sys

import pandas as pd
import pytest
from openpyxl import load_workbook

from winloss_xl import analyze, load_deals
from winloss_xl.report import cells, theme
from winloss_xl.report.build import build_report
from winloss_xl.report.live import write_report_live
from winloss_xl.report.model import Note, Report, SheetSpec, Table, Title
from winloss_xl.report.xlsx import write_report

from .double import ExcelError, FakeBook, Recorder
from .typed_entry import WouldRunAsFormula, typed_entry

#: Segment labels Excel would turn into numbers, dates or booleans when typed in.
LABELS = ("001", "5-10", "1/2", "True", "May 2020", "10-25", "2025-10", "False", "50%")


@pytest.fixture(scope="module")
def label_report(demo_values) -> Report:
    """The real pipeline on deals with a 'Tier' column holding the tricky labels."""
    rows = [[*demo_values[0], "Tier"]]
    rows += [[*r, LABELS[i % len(LABELS)]] for i, r in enumerate(demo_values[1:])]
    return build_report(analyze(load_deals(rows, name="Deals sheet")))


def fresh_book(*inputs: str) -> FakeBook:
    book = FakeBook(Recorder())
    book._add_input("Deals", [["x"]])
    for name in inputs:
        book._add_input(name, [["mine"]])
    return book


def names(book: FakeBook) -> list[str]:
    return book._order_names()


# ----------------------------------------------------------------- the Excel model

def test_the_double_converts_typed_text_as_excel_does() -> None:
    """The model is not vacuous: raw strings change, prefixed ones do not."""
    year = dt.date.today().year
    assert typed_entry("001") == (1.0, False)
    assert typed_entry("5-10") == (dt.datetime(year, 5, 10), False)
    assert typed_entry("1/2") == (dt.datetime(year, 1, 2), False)
    assert typed_entry("May 2020") == (dt.datetime(2020, 5, 1), False)
    assert typed_entry("True") == (True, False)
    assert typed_entry("50%") == (0.5, False)
    assert typed_entry("#N/A") == (ExcelError("#N/A"), False)
    assert typed_entry("'quoted") == ("quoted", True)
    assert typed_entry("0-10M") == ("0-10M", False)
    assert typed_entry("001", "@") == ("001", False)
    with pytest.raises(WouldRunAsFormula):
        typed_entry("=HYPERLINK(\"x\")")
    book = fresh_book()
    cell = book._sheet("Deals").range((5, 5))
    cell.value = [["001", "'001"]]
    assert book._sheet("Deals")._cells[(5, 5)] == 1.0
    assert book._sheet("Deals")._cells[(5, 6)] == "001"


def _headless_tables(report: Report, tmp_path) -> dict[str, list[list[object]]]:
    out = write_report(report, tmp_path / "headless.xlsx")
    wb = load_workbook(out)
    grids = {}
    for ws in wb.worksheets:
        for name, ref in ws.tables.items():
            grids[name] = [[c.value for c in row] for row in ws[ref]]
    return grids


def _live_grid(sheet, t: Table) -> list[list[object]]:
    return [[sheet._value(r, c) for c in range(t.col, t.col + len(t.column_names()))]
            for r in range(t.row, t.last_row + 1)]


def _same(a: object, b: object) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return not isinstance(b, bool) and b == pytest.approx(a)
    if a in ("", None) and b in ("", None):
        return True
    return type(a) is type(b) and a == b


def test_labels_stay_exactly_as_the_headless_report_has_them(label_report, tmp_path) -> None:
    segments = label_report.table("tblPatterns").frame
    tier = set(segments.loc[segments["Dimension"] == "Tier", "Segment"])
    assert tier == set(LABELS)  # the labels reach the report as text
    headless = _headless_tables(label_report, tmp_path)
    book = fresh_book()
    write_report_live(label_report, book)
    compared = 0
    for spec in label_report.sheets:
        sheet = book._sheet(spec.name)
        for t in spec.tables():
            live = _live_grid(sheet, t)
            want = headless[t.name]
            assert len(live) == len(want), t.name
            for i, (got_row, want_row) in enumerate(zip(live, want)):
                for j, (got, exp) in enumerate(zip(got_row, want_row)):
                    assert _same(exp, got), (t.name, i, j, exp, got)
                    compared += 1
    assert compared > 1000
    patterns = book._sheet("Patterns")
    live_labels = {v for v in patterns._cells.values() if isinstance(v, str)}
    assert set(LABELS) <= live_labels


def test_without_the_text_prefix_the_double_catches_the_change(label_report, monkeypatch) -> None:
    """The regression the issue describes: raw strings through Range.value change labels."""
    monkeypatch.setattr(cells, "TEXT_PREFIX", "")
    book = fresh_book()
    write_report_live(label_report, book)
    patterns = book._sheet("Patterns")
    values = list(patterns._cells.values())
    assert "001" not in values and 1.0 in values
    assert "May 2020" not in values and dt.datetime(2020, 5, 1) in values


# ------------------------------------------------------- references and sheet order

def test_a_users_reference_to_a_report_cell_survives_a_rerun(pipeline_report) -> None:
    book = fresh_book()
    write_report_live(pipeline_report, book)
    mine = book._add_input("My sums", [["share of the pipeline"]])
    ref = book._refer(mine, (1, 2), "Summary", "C5")
    summary = book._sheet("Summary")
    write_report_live(pipeline_report, book)  # the second Analyze
    assert ref.formula == "=Summary!C5"
    assert ref.target is summary and book._sheet("Summary") is summary
    # the double notices a deleted sheet: this is what delete-and-re-add used to do
    other = book._refer(mine, (2, 2), "Patterns", "B3")
    book._sheet("Patterns").delete()
    assert other.formula == "=#REF!"


def test_sheet_order_is_stable_with_a_chart_sheet(pipeline_report) -> None:
    book = fresh_book()
    book._add_chart_sheet("Pipeline chart", after="Deals")
    book._add_input("Notes", [["mine"]])
    write_report_live(pipeline_report, book)
    report = [s.name for s in pipeline_report.sheets]
    assert names(book) == ["Deals", "Pipeline chart", "Notes", *report]
    book._add_chart_sheet("Trend chart", after="Summary")
    order = names(book)
    write_report_live(pipeline_report, book)
    assert names(book) == order
    # a report sheet the user deleted comes back after the one before it
    book._sheet("Drivers").delete()
    write_report_live(pipeline_report, book)
    worksheets = [s._name for s in book.sheets._list]
    assert worksheets[worksheets.index("Patterns") + 1] == "Drivers"
    assert names(book)[:5] == ["Deals", "Pipeline chart", "Notes", "Summary", "Trend chart"]
    # ... and the first one comes back before the others
    book._sheet("Summary").delete()
    write_report_live(pipeline_report, book)
    worksheets = [s._name for s in book.sheets._list]
    assert worksheets == ["Deals", "Notes", *report]


def test_the_double_places_after_as_xlwings_windows_engine_does() -> None:
    """Worksheets(after.Index + 1) with a chart sheet in front lands one sheet too far."""
    book = fresh_book("A", "B", "C")
    book._add_chart_sheet("Chart1", after="Deals")
    book.sheets.add(name="New", after=book._sheet("A"))
    assert names(book) == ["Deals", "Chart1", "A", "B", "New", "C"]


# ------------------------------------------------------------------------ limits

def _long_text_report(text: str) -> Report:
    frame = pd.DataFrame({"Recommendation": [text], "Deals": [3]})
    sheet = SheetSpec(name="Summary", blocks=[
        Title(row=2, col=2, text="Long"),
        Note(row=4, col=2, text=text, width=8, style="finding"),
        Table(row=7, col=2, name="tblLong", frame=frame, formats={"Deals": "integer"},
              wrap=("Recommendation",), widths={"Recommendation": 60}),
    ])
    return Report(sheets=[sheet])


def test_long_notes_do_not_fail_the_run(tmp_path) -> None:
    text = "Win rates differ by segment and period. " * 1200  # 48,000 characters
    report = _long_text_report(text)
    book = fresh_book()
    write_report_live(report, book)  # the double refuses heights > 409 and text > 32,767
    sheet = book._sheet("Summary")
    assert sheet._heights[4] == theme.MAX_ROW_HEIGHT
    assert (4, 2) in sheet._wrap
    assert sheet._value(4, 2) == text[:cells.MAX_CELL_CHARS]
    assert sheet._heights[8] == theme.MAX_ROW_HEIGHT
    ws = load_workbook(write_report(report, tmp_path / "long.xlsx"))["Summary"]
    assert ws.row_dimensions[4].height == theme.MAX_ROW_HEIGHT
    assert ws.cell(4, 2).value == text[:cells.MAX_CELL_CHARS]


# ------------------------------------------------------------------ the same look

def test_every_verdict_gets_the_headless_look(pipeline_report, contract_report) -> None:
    seen = set()
    for report in (pipeline_report, contract_report):
        book = fresh_book()
        write_report_live(report, book)
        for spec in report.sheets:
            sheet = book._sheet(spec.name)
            for t in spec.tables():
                span = t.body_column(t.verdict_column)
                if span is None:
                    continue
                col, first, _ = span
                for i, verdict in enumerate(t.frame[t.verdict_column]):
                    look = theme.verdict_look(verdict)
                    assert look is not None, verdict  # every verdict has a look
                    assert sheet._colors[(first + i, col)] == theme.rgb(look.fill)
                    assert sheet._fonts[(first + i, col)]["color"] == theme.rgb(look.color)
                    seen.add(verdict)
    assert {"Strong fit", "Poor fit", "In line", "Too few deals", "Leaning strong",
            "Leaning poor"} <= seen


def _headless_rules(path) -> set[tuple[str, str]]:
    wb = load_workbook(path)
    out = set()
    for ws in wb.worksheets:
        for rng in ws.conditional_formatting:
            for rule in rng.rules:
                out.add((ws.title, f"{rule.type}:{rng.sqref}"))
    return out


def test_data_bars_and_colour_scales_as_in_the_headless_report(pipeline_report, tmp_path) -> None:
    from .double import a1

    book = fresh_book()
    write_report_live(pipeline_report, book)
    live = set()
    for s in book.sheets._list:
        for kind, r1, c1, r2, c2, spec in s._rules:
            live.add((s._name, f"{kind.replace('_', '').lower()}:{a1(r1, c1)}:{a1(r2, c2)}"))
            if kind == "data_bar":  # the spec xlwings hands its engine
                assert spec["thresholds"] == theme.DATA_BAR_RANGE
                assert spec["threshold_types"] == ("number", "number")
                assert spec["bar_color"] == theme.rgb(theme.DATA_BAR_COLOUR)
            else:
                assert spec["colors"] == tuple(theme.rgb(c) for c in theme.SCALE_COLOURS)
                assert spec["threshold_types"] == ("number",) * 3
    headless = {(sheet, rule.replace("dataBar", "databar").replace("colorScale", "colorscale"))
                for sheet, rule in _headless_rules(write_report(pipeline_report,
                                                                tmp_path / "r.xlsx"))}
    assert live and live == headless


def test_rewritten_sheet_keeps_no_old_formats(pipeline_report, contract_report) -> None:
    """A re-run with another report leaves nothing of the first one behind."""
    book = fresh_book()
    write_report_live(pipeline_report, book)
    write_report_live(contract_report, book)
    fresh = fresh_book()
    write_report_live(contract_report, fresh)
    for spec in contract_report.sheets:
        old, new = book._sheet(spec.name), fresh._sheet(spec.name)
        assert old._cells == new._cells, spec.name
        assert old._formats == new._formats, spec.name
        assert old._colors == new._colors, spec.name
        assert sorted(old._merged) == sorted(new._merged), spec.name
        assert old._rules == new._rules, spec.name
        assert len(old.charts._list) == len(new.charts._list), spec.name


def test_tables_are_unlisted_the_way_each_platform_can(monkeypatch, pipeline_report) -> None:
    for platform, call in (("win32", "Unlist"), ("darwin", "convert_to_range")):
        monkeypatch.setattr(sys, "platform", platform)
        book = fresh_book()
        write_report_live(pipeline_report, book)
        first = [t for s in book.sheets._list for t in s.tables._list if s._name != "Deals"]
        write_report_live(pipeline_report, book)
        assert first and all(t.api.calls == [call] for t in first)


def test_the_macos_table_command_exists_in_xlwings_dictionary() -> None:
    """``convert_to_range`` is the command xlwings' Excel for Mac terminology defines
    (``table.api`` is an appscript reference there)."""
    from xlwings import mac_dict

    assert "convert_to_range" in {c[0] for c in mac_dict.commands}
    assert "list_object" in {c[0] for c in mac_dict.classes}
