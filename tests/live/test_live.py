"""report/live.py and the Analyze button, on an in-memory double of xlwings."""

from __future__ import annotations

import copy
import datetime as dt
import sys

import pytest

from winloss_xl.errors import InputError
from winloss_xl.excel import addin
from winloss_xl.report import theme
from winloss_xl.report.cells import clean_text, runs_as_formula, table_headers
from winloss_xl.report.live import write_report_live
from winloss_xl.report.model import EXCEL_FORMATS, GENERATED_MARK, GENERATED_SHEETS, Table

from .double import FakeBook, Recorder
from .xlwings_api import check_recording, engine_gaps


def book_with_deals(values, **more) -> FakeBook:
    book = FakeBook(Recorder())
    book._add_input("Deals", values)
    for name, vals in more.items():
        book._add_input(name, vals)
    return book


def sheet_names(book: FakeBook) -> list[str]:
    return [s._name for s in book.sheets._list]


def check_table_block(sheet, t: Table) -> None:
    tables = {x._name: x for x in sheet.tables._list}
    assert t.name in tables
    src = tables[t.name]._source
    assert (src._r1, src._c1) == (t.row, t.col)
    assert (src._r2, src._c2) == (t.last_row, t.last_col)
    assert [sheet._value(t.row, t.col + j) for j in range(len(t.frame.columns))] == (
        table_headers(t.frame.columns))
    for i, rec in enumerate(t.frame.itertuples(index=False, name=None)):
        for j, v in enumerate(rec):
            got = sheet._value(t.row + 1 + i, t.col + j)
            if isinstance(v, str):
                assert got == clean_text(v), (t.name, i, j)  # exactly the text, never parsed
            elif isinstance(v, float) and v != v:
                assert got is None
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                assert got == pytest.approx(float(v))
            fmt = t.cell_formats.get((i, str(t.frame.columns[j]))) or t.formats.get(
                str(t.frame.columns[j]))
            if fmt and fmt != "text":
                assert sheet._formats.get((t.row + 1 + i, t.col + j)) == EXCEL_FORMATS[fmt]


def test_writes_every_sheet_table_and_mark(demo_values, pipeline_report) -> None:
    book = book_with_deals(demo_values)
    write_report_live(pipeline_report, book)
    assert sheet_names(book) == ["Deals", *[s.name for s in pipeline_report.sheets]]
    assert [s.name for s in pipeline_report.sheets] == list(GENERATED_SHEETS)
    for spec in pipeline_report.sheets:
        sheet = book._sheet(spec.name)
        assert GENERATED_MARK in sheet.names
        for t in spec.tables():
            check_table_block(sheet, t)
    summary = book._sheet("Summary")
    assert any(isinstance(v, str) and v for v in summary._cells.values())
    assert book.active_sheet._name == "Summary"


def test_charts_come_from_their_tables(pipeline_report) -> None:
    book = FakeBook(Recorder())
    book._add_input("Deals", [["x"]])
    write_report_live(pipeline_report, book)
    n_specs = sum(1 for s in pipeline_report.sheets for b in s.blocks if b.__class__.__name__ == "Chart")
    charts = [c for s in book.sheets._list for c in s.charts._list]
    assert n_specs and 0 < len(charts) <= n_specs
    for c in charts:
        assert c.chart_type in ("column_clustered", "bar_clustered", "line")
        assert c.plot_by == "columns" and c.source is not None and c.x_values is not None
        assert c.x_values._c1 == c.x_values._c2  # one category column
        assert len(c.source._areas) == 1  # one contiguous range (macOS splits on ":")
        assert c.value_axis.number_format in theme.AXIS_FORMATS.values()


def test_formula_like_text_is_written_as_text(contract_report) -> None:
    book = FakeBook(Recorder())
    book._add_input("Deals", [["x"]])
    write_report_live(contract_report, book)  # the double refuses raw formula text
    found = [(s, key, v) for s in book.sheets._list for key, v in s._cells.items()
             if isinstance(v, str) and runs_as_formula(v)]
    assert any(v.startswith("=HYPERLINK(") for _s, _k, v in found)
    assert all(key in s._prefixed for s, key, _v in found)  # stored as text


def test_rerun_rewrites_marked_sheets_in_place(demo_values, pipeline_report) -> None:
    book = book_with_deals(demo_values, Notes=[["my own notes"]])
    deals_before = copy.deepcopy(book._sheet("Deals")._cells)
    write_report_live(pipeline_report, book)
    first = sheet_names(book)
    objects = [id(s) for s in book.sheets._list]
    tables_first = sorted(book._table_names)
    cells_first = {s._name: dict(s._cells) for s in book.sheets._list}
    write_report_live(pipeline_report, book)
    assert sheet_names(book) == first
    assert [id(s) for s in book.sheets._list] == objects  # the same sheet objects
    assert not any(call[1] == "delete" and call[0] == "Sheet" for call in book._rec.calls)
    assert sorted(book._table_names) == tables_first
    assert {s._name: dict(s._cells) for s in book.sheets._list} == cells_first
    for spec in pipeline_report.sheets:
        sheet = book._sheet(spec.name)
        assert sheet._clears == 1  # cleared once, before the second drawing
        assert len(sheet.charts._list) == sum(1 for b in spec.blocks if type(b).__name__ == "Chart")
        assert [t._name for t in sheet.tables._list] == [t.name for t in spec.tables()]
    assert book._sheet("Deals")._cells == deals_before
    assert book._sheet("Notes")._cells == {(1, 1): "my own notes"}


def test_unmarked_same_name_sheet_stops_before_any_change(demo_values, pipeline_report) -> None:
    book = book_with_deals(demo_values, Patterns=[["someone's pivot"]])
    before = sheet_names(book)
    with pytest.raises(InputError, match="'Patterns' exists and was not created by winloss-xl"):
        write_report_live(pipeline_report, book)
    assert sheet_names(book) == before
    assert book._sheet("Patterns")._cells == {(1, 1): "someone's pivot"}


def test_windows_window_settings_go_through_api(monkeypatch, pipeline_report) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    book = FakeBook(Recorder())
    book._add_input("Deals", [["x"]])
    write_report_live(pipeline_report, book)
    frozen = [s for s in pipeline_report.sheets if s.freeze_row and s.freeze_row > 1]
    for spec in frozen:
        log = book._sheet(spec.name).api_log
        assert f"Sheets({spec.name!r}).Application.ActiveWindow.SplitRow = {spec.freeze_row - 1}" in log
        assert f"Sheets({spec.name!r}).Application.ActiveWindow.FreezePanes = True" in log


# ----------------------------------------------------------------------- the button

def test_button_runs_the_whole_pipeline(demo_values) -> None:
    book = book_with_deals(demo_values, Config=[["Setting", "Value"], ["min_deals", 4]])
    assert addin.run_button(book) is None
    app = book.app
    assert app.alerts == []
    assert sheet_names(book)[:2] == ["Deals", "Config"]
    assert set(GENERATED_SHEETS) <= set(sheet_names(book))
    assert app.screen_updating is True and app.calculation == "automatic"
    assert app.status_bar is False
    assert any("reading" in str(s) for s in app.status_history)


def test_button_missing_deals_sheet_is_a_message_box() -> None:
    book = FakeBook(Recorder())
    book._add_input("Sheet1", [["a", "b"]])
    shown = addin.run_button(book)
    assert shown and "no sheet named 'Deals'" in shown
    assert book.app.alerts == [(shown, "Win/Loss", "critical")]
    assert book.app.screen_updating is True and book.app.calculation == "automatic"


def test_button_bug_is_a_plain_message(monkeypatch, demo_values, tmp_path) -> None:
    import winloss_xl.engine as engine

    def boom(*_a, **_k):
        raise KeyError("Acme Corp")  # must not reach the user or the log

    monkeypatch.setattr(engine, "analyze", boom)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("USERPROFILE", str(tmp_path))
    book = book_with_deals(demo_values)
    shown = addin.run_button(book)
    assert shown and "unexpected problem" in shown and "Acme" not in shown
    assert "Traceback" not in shown
    log = (tmp_path / ".winloss-xl" / "last-error.log").read_text()
    assert "KeyError" in log and "Acme" not in log
    assert book.app.calculation == "automatic" and book.app.screen_updating is True
    assert sheet_names(book) == ["Deals"]


def test_button_restores_state_when_the_writer_fails(demo_values) -> None:
    book = book_with_deals(demo_values, Summary=[["not ours"]])
    shown = addin.run_button(book)
    assert shown and "Summary" in shown and "not created by winloss-xl" in shown
    assert book.app.screen_updating is True and book.app.calculation == "automatic"


# ------------------------------------------------------------ real xlwings signatures

@pytest.fixture(scope="module")
def full_recording(demo_values, pipeline_report, contract_report) -> Recorder:
    """Everything live.py and the button touch, over complete runs (both platforms' paths)."""
    rec = Recorder()
    book = FakeBook(rec)
    book._add_input("Deals", demo_values)
    book._add_input("Contacts", [["Deal ID", "Title"], ["D1", "CFO"]])
    book._add_input("Config", [["min_deals", 5]])
    mine = book._add_input("Mine", [["a", "b"], [1.0, 2.0]])
    mine.tables.add(source=mine.range((1, 1), (2, 2)), name="tblMine")
    addin.run_button(book)                     # first run: sheets added
    addin.run_button(book)                     # re-run: marked sheets rewritten
    write_report_live(contract_report, book)
    for platform in ("win32", "darwin"):       # the platform-specific paths
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(sys, "platform", platform)
            write_report_live(pipeline_report, book)
    empty = FakeBook(rec)
    addin.run_button(empty)                    # the message-box path
    return rec


def test_recording_covers_the_writer(full_recording) -> None:
    touched = {f"{k}.{a}" for k, a in full_recording.touched}
    for expected in ("Book.sheets", "Sheets.add", "Sheet.clear", "Names.add", "Tables.add",
                     "Charts.add", "Range.value", "Range.number_format", "Range.column_width",
                     "App.alert", "App.screen_updating", "App.calculation", "App.status_bar",
                     "Sheet.used_range", "Range.options", "Chart.set_x_axis_values",
                     "Names.__contains__", "Tables.__iter__", "Table.name", "Table.api",
                     "Charts.__iter__", "Chart.delete", "Range.conditional_formats",
                     "ConditionalFormats.add_data_bar", "ConditionalFormats.add_color_scale",
                     "Sheet.show_gridlines", "Font.name", "Range.row_height"):
        assert expected in touched, expected


def test_every_xlwings_member_used_exists_with_compatible_signature(full_recording) -> None:
    assert check_recording(full_recording) == []


def test_every_member_used_is_implemented_by_the_desktop_engines(full_recording) -> None:
    assert engine_gaps(full_recording) == []


def test_the_checker_catches_misuse() -> None:
    """The checks are not vacuous: known 0.37.8 traps are reported."""
    rec = Recorder()
    rec.touched |= {("Sheet", "freeze_panes"), ("Sheet", "tab_color"), ("Names", "__iter__")}
    rec.calls.append(("Tables", "add", ("A1:B2",), {"style": "x"}))
    rec.touched.add(("Tables", "add"))
    rec.touched.add(("Range", "address"))
    rec.sets.append(("Range", "address", "A1"))
    problems = check_recording(rec)
    assert any("Sheet.tab_color does not exist" in p for p in problems)
    assert any("Tables.add" in p and "style" in p for p in problems)
    assert any("Range.address is read-only" in p for p in problems)
    gaps = engine_gaps(rec)
    assert any("Sheet.freeze_panes needs _xlwindows.Sheet.freeze_panes" in g for g in gaps)
    assert any("Names.__iter__ needs _xlwindows.Names.snapshot" in g for g in gaps)


def test_dates_reach_cells_as_datetimes(pipeline_report) -> None:
    book = FakeBook(Recorder())
    book._add_input("Deals", [["x"]])
    write_report_live(pipeline_report, book)
    values = [v for s in book.sheets._list for v in s._cells.values()]
    assert not any(type(v).__module__.startswith(("numpy", "pandas")) for v in values)
    assert all(type(v) in (str, int, float, bool, dt.datetime) for v in values)


def test_button_on_the_shipped_template(demo_values) -> None:
    """The template as an analyst gets it: empty Contacts/Accounts, Config with a '#' header,
    a marked Summary placeholder (replaced), a How-to sheet (kept)."""
    from importlib import resources

    from openpyxl import load_workbook

    path = resources.files("winloss_xl") / "templates" / "WinLoss.xlsx"
    wb = load_workbook(str(path))
    book = FakeBook(Recorder(), name="WinLoss.xlsx")
    for ws in wb.worksheets:
        values = [list(r) for r in ws.iter_rows(values_only=True)]
        sheet = book._add_input(ws.title, demo_values if ws.title == "Deals" else values)
        if GENERATED_MARK in ws.defined_names:
            sheet.names.add(GENERATED_MARK, "=TRUE")
    assert addin.run_button(book) is None, book.app.alerts
    names = sheet_names(book)
    assert names[:5] == ["How to use", "Deals", "Contacts", "Accounts", "Config"]
    assert names[5:] == list(GENERATED_SHEETS)
    assert book._sheet("Summary")._value(3, 2) != (
        "This sheet is replaced by the report. Restyle the \"WinLoss\" cell styles to change "
        "how every report looks.")


def test_table_name_taken_by_a_users_sheet(demo_values, pipeline_report) -> None:
    """Excel table names are workbook-wide: a user's tblPatterns elsewhere is kept."""
    book = book_with_deals(demo_values)
    mine = book._add_input("My analysis", [["Segment", "Note"], ["x", "y"]])
    mine.tables.add(source=mine.range((1, 1), (2, 2)), name="tblPatterns")
    write_report_live(pipeline_report, book)
    names = {t._name for t in book._sheet("Patterns").tables._list}
    assert "tblPatterns2" in names and "tblPatterns" not in names
    assert [t._name for t in mine.tables._list] == ["tblPatterns"]
    write_report_live(pipeline_report, book)  # a re-run frees and reuses its own names
    assert "tblPatterns2" in {t._name for t in book._sheet("Patterns").tables._list}


def test_button_excel_refusal_is_explained(monkeypatch, demo_values, tmp_path) -> None:
    import winloss_xl.report.live as live

    com_error = type("com_error", (Exception,), {})

    def refuse(*_a, **_k):
        raise com_error(-2146827284, "Exception occurred.", None, None)

    monkeypatch.setattr(live, "write_report_live", refuse)
    monkeypatch.setenv("HOME", str(tmp_path))
    book = book_with_deals(demo_values)
    shown = addin.run_button(book)
    assert shown.startswith("Excel refused a change") and "protected" in shown
    assert book.app.screen_updating is True
