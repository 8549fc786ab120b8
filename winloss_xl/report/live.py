"""Report -> the open workbook, through xlwings (the ribbon's Analyze button).

A thin writer of the same :class:`~winloss_xl.report.model.Report` the headless writer
(``report/xlsx.py``) saves with openpyxl: every block sits at its own row/col, tables
become real Excel Tables (ListObjects) with the contract names, number formats come from
``EXCEL_FORMATS``. The same safety rule applies:

* a generated sheet carries the sheet-scoped defined name ``winloss_xl_generated``;
* a re-run replaces only marked sheets (deleted and re-added at the same position);
* a same-named sheet without the mark stops the run *before anything is changed*;
* input sheets (Deals, Contacts, Accounts, Config) are never touched.

Only xlwings members that exist in the pinned xlwings 0.37.8 on both desktop engines
are used (tests/live checks every one against the installed classes). Window-level
settings that xlwings' desktop engines do not offer (freeze panes, tab colour, gridlines)
go through ``sheet.api`` on Windows and are skipped quietly elsewhere.
"""

from __future__ import annotations

import logging
import math
import sys
from typing import Any

from ..errors import InputError
from ..excel.values import safe_text, to_cell
from .model import (
    EXCEL_FORMATS,
    GENERATED_MARK,
    INPUT_SHEETS,
    Chart,
    Kpis,
    Note,
    Report,
    SheetSpec,
    Table,
    Title,
    draw,
    unique_table_name,
)

log = logging.getLogger("winloss_xl.live")

TABLE_STYLE = "TableStyleMedium2"
NAVY = (31, 56, 100)
GREY = (89, 89, 89)
TILE = (238, 243, 249)
VERDICT_FILLS: dict[str, tuple[int, int, int]] = {
    "Strong fit": (198, 239, 206),
    "Leaning strong": (226, 240, 217),
    "Poor fit": (255, 199, 206),
    "Leaning poor": (252, 228, 214),
    "Catch-all (not a persona)": (237, 237, 237),
}
CHART_TYPES = {"bar": "column_clustered", "barh": "bar_clustered", "line": "line"}
POINTS_PER_CM = 72 / 2.54


def write_report_live(report: Report, book: Any) -> None:
    """Add or replace the report's sheets in the open ``book`` (an ``xlwings.Book``)."""
    existing = {s.name.lower(): s for s in book.sheets}
    inputs = {n.lower() for n in INPUT_SHEETS}
    for spec in report.sheets:
        key = spec.name.lower()
        if key in inputs:
            raise InputError(f"the report would overwrite the input sheet '{spec.name}'")
        if key in existing and not is_generated(existing[key]):
            raise InputError(
                f"sheet '{existing[key].name}' exists and was not created by winloss-xl",
                advice="Rename or delete it, then click Analyze again; nothing was changed",
            )
    # Excel table names are workbook-wide: names on sheets we keep are taken
    replaced = {spec.name.lower() for spec in report.sheets}
    taken = {tbl.name.lower() for key, sheet in existing.items() if key not in replaced
             for tbl in sheet.tables}
    first = None
    previous = None
    for spec in report.sheets:
        old = existing.get(spec.name.lower())
        sheet = _replace_sheet(book, old, spec.name, previous)
        mark_generated(sheet)
        write_sheet(sheet, spec, taken)
        previous = sheet
        first = first or sheet
    if first is not None:
        _quietly(first.activate)


def is_generated(sheet: Any) -> bool:
    """True when the sheet carries the winloss-xl mark (its sheet-scoped defined name)."""
    names = sheet.names
    for candidate in (GENERATED_MARK, f"'{sheet.name}'!{GENERATED_MARK}"):
        try:
            if candidate in names:
                return True
        except Exception:  # an engine that cannot look the name up: treat as not ours
            log.debug("name lookup failed for %s", candidate)
    return False


def mark_generated(sheet: Any) -> None:
    sheet.names.add(GENERATED_MARK, "=TRUE")


def _replace_sheet(book: Any, old: Any, name: str, previous: Any) -> Any:
    """A fresh sheet called ``name``: where ``old`` was, else after ``previous`` / at the end."""
    if old is not None:
        index = old.index  # 1-based
        old.delete()
        if index <= len(book.sheets):
            return book.sheets.add(name=name, before=book.sheets[index - 1])
        return book.sheets.add(name=name, after=book.sheets[len(book.sheets) - 1])
    after = previous if previous is not None else book.sheets[len(book.sheets) - 1]
    return book.sheets.add(name=name, after=after)


# --------------------------------------------------------------------------- sheet

def write_sheet(sheet: Any, spec: SheetSpec, taken: set[str] | None = None) -> None:
    """Draw one sheet's blocks onto an empty sheet; ``taken``: table names in use elsewhere."""
    taken = set() if taken is None else taken
    for col, width in sorted(spec.effective_column_widths().items()):
        sheet.range((1, col)).column_width = width
    draw(spec, _SheetWriter(sheet, spec, taken))
    _window_settings(sheet, spec)


class _SheetWriter:
    """Draws blocks onto one xlwings sheet (see model.draw for the order)."""

    def __init__(self, sheet: Any, spec: SheetSpec, taken: set[str]) -> None:
        self.sheet, self.spec, self.taken = sheet, spec, taken

    def title(self, block: Title) -> None:
        _write_title(self.sheet, block)

    def kpis(self, block: Kpis) -> None:
        _write_kpis(self.sheet, block)

    def table(self, block: Table) -> None:
        _write_table(self.sheet, block, self.taken)

    def note(self, block: Note) -> None:
        _write_note(self.sheet, block)

    def chart(self, block: Chart) -> None:
        _write_chart(self.sheet, self.spec, block)


def _cell(sheet: Any, row: int, col: int) -> Any:
    return sheet.range((row, col))


def _span(sheet: Any, row: int, col: int, rows: int, cols: int) -> Any:
    return sheet.range((row, col), (row + rows - 1, col + cols - 1))


def _write_title(sheet: Any, b: Title) -> None:
    cell = _cell(sheet, b.row, b.col)
    cell.value = safe_text(b.text)
    cell.font.bold = True
    cell.font.size = 18
    cell.font.color = NAVY
    cell.row_height = 30
    if b.subtitle:
        sub = _cell(sheet, b.row + 1, b.col)
        sub.value = safe_text(b.subtitle)
        sub.font.italic = True
        sub.font.color = GREY


def _write_kpis(sheet: Any, b: Kpis) -> None:
    for i, tile in enumerate(b.tiles):
        col = b.col + i * b.tile_width
        label = _merged(sheet, b.row, col, b.tile_width)
        label.value = safe_text(tile.label.upper())
        label.font.size = 9
        label.font.color = GREY
        value = _merged(sheet, b.row + 1, col, b.tile_width)
        if tile.value is None:
            value.value = "n/a"
        else:
            if not isinstance(tile.value, str):
                value.number_format = EXCEL_FORMATS.get(tile.fmt, "General")
            value.value = to_cell(tile.value)
        value.font.bold = True
        value.font.size = 20
        value.font.color = NAVY
        caption = _merged(sheet, b.row + 2, col, b.tile_width)
        caption.value = safe_text(tile.caption) if tile.caption else None
        caption.font.size = 9
        caption.font.color = GREY
        _span(sheet, b.row, col, 3, b.tile_width).color = TILE


def _merged(sheet: Any, row: int, col: int, width: int) -> Any:
    rng = _span(sheet, row, col, 1, width)
    if width > 1:
        rng.merge()
    return _cell(sheet, row, col)


def _headers(columns: list[str]) -> list[str]:
    """Unique, non-empty text headers (what Excel Tables need), as the headless writer makes."""
    seen: dict[str, int] = {}
    out = []
    for name in columns:
        h = name.strip() or "Column"
        if h.lower() in seen:
            seen[h.lower()] += 1
            h = f"{h} {seen[h.lower()]}"
        seen.setdefault(h.lower(), 1)
        out.append(safe_text(h))
    return out


def _write_table(sheet: Any, t: Table, taken: set[str]) -> None:
    frame = t.frame
    columns = [str(c) for c in frame.columns] or ["(none)"]
    if t.caption and t.row > 1:
        cap = _cell(sheet, t.row - 1, t.col)
        cap.value = safe_text(t.caption)
        cap.font.bold = True
        cap.font.color = NAVY
    n = len(frame)
    if n:
        body = [[to_cell(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    else:
        body = [[safe_text(t.empty_note or "No rows.")] + [None] * (len(columns) - 1)]
    _cell(sheet, t.row, t.col).value = [_headers(columns), *body]
    whole = _span(sheet, t.row, t.col, 1 + max(n, 1), len(columns))
    sheet.tables.add(source=whole, name=unique_table_name(t.name, taken),
                     table_style_name=TABLE_STYLE)
    if not n:
        return
    for j, name in enumerate(columns):
        fmt = t.formats.get(name)
        column = _span(sheet, t.row + 1, t.col + j, n, 1)
        if fmt and fmt != "text":
            column.number_format = EXCEL_FORMATS.get(fmt, "General")
        if name in getattr(t, "wrap", ()):
            column.wrap_text = True
    for r, height in t.row_heights().items():
        # wrapped text does not resize rows written through COM
        _cell(sheet, r, t.col).row_height = height
    for (i, name), fmt in getattr(t, "cell_formats", {}).items():
        if name in columns and 0 <= i < n:
            _cell(sheet, t.row + 1 + i, t.col + columns.index(name)).number_format = (
                EXCEL_FORMATS.get(fmt, "General"))
    if t.verdict_column and t.verdict_column in columns:
        j = columns.index(t.verdict_column)
        for i, verdict in enumerate(frame[t.verdict_column].tolist()):
            fill = VERDICT_FILLS.get(str(verdict))
            if fill:
                _cell(sheet, t.row + 1 + i, t.col + j).color = fill


def _write_note(sheet: Any, b: Note) -> None:
    cell = _merged(sheet, b.row, b.col, b.width)
    cell.value = safe_text(b.text)
    area = _span(sheet, b.row, b.col, 1, b.width)
    area.wrap_text = True
    if b.style == "heading":
        cell.font.bold = True
        cell.font.size = 13
        cell.font.color = NAVY
    elif b.style == "warning":
        cell.font.color = (156, 0, 6)
    elif b.style == "note":
        cell.font.italic = True
        cell.font.size = 10
        cell.font.color = GREY
    per_line = max(b.width * 10.0, 20.0)
    lines = max(1, math.ceil(len(b.text) / per_line))
    base = {"note": 12.5, "finding": 16.5, "warning": 15.0, "heading": 22.0}.get(b.style, 15.0)
    cell.row_height = base * lines + 3


def _a1(row: int, col: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row}"


def _write_chart(sheet: Any, spec: SheetSpec, c: Chart) -> None:
    t = next((x for x in spec.tables() if x.name == c.source), None)
    if t is None or t.frame.empty:
        return
    columns = [str(x) for x in t.frame.columns]
    if c.categories not in columns or any(v not in columns for v in c.values):
        return
    n = len(t.frame) - c.first if c.count is None else min(c.count, len(t.frame) - c.first)
    if n <= 0:
        return
    r0 = t.row + 1 + c.first
    r1 = r0 + n - 1
    top = t.row if c.first == 0 else r0  # with the header row the series get their names
    cols = [t.col + columns.index(v) for v in c.values]
    if cols == list(range(cols[0], cols[0] + len(cols))):  # adjacent: one area
        areas = [f"{_a1(top, cols[0])}:{_a1(r1, cols[-1])}"]
    else:
        areas = [f"{_a1(top, col)}:{_a1(r1, col)}" for col in cols]
    cat = t.col + columns.index(c.categories)
    chart = sheet.charts.add(
        width=c.width_cm * POINTS_PER_CM,
        height=c.height_cm * POINTS_PER_CM,
        chart_type=CHART_TYPES.get(c.kind, "column_clustered"),
        source=sheet.range(",".join(areas)),
        plot_by="columns",
        anchor=_cell(sheet, c.row, c.col),
    )
    chart.set_x_axis_values(sheet.range((r0, cat), (r1, cat)))
    chart.title = c.title
    axis = chart.value_axis
    axis.number_format = EXCEL_FORMATS.get(c.y_format, "General")
    if c.y_format == "percent":
        axis.minimum_scale = 0
    if c.y_title:
        axis.title = c.y_title
    if c.x_title:
        chart.category_axis.title = c.x_title
    if c.kind == "barh":
        chart.category_axis.reverse_order = True  # first row on top, as in the table
    chart.legend.visible = len(c.values) > 1


def _window_settings(sheet: Any, spec: SheetSpec) -> None:
    """Freeze panes, tab colour and gridlines: window-level, so through the COM API."""
    if not sys.platform.startswith("win"):
        return
    api = sheet.api

    def freeze() -> None:
        api.Activate()
        window = api.Application.ActiveWindow
        window.FreezePanes = False
        window.ScrollRow = 1
        window.SplitColumn = 0
        window.SplitRow = spec.freeze_row - 1
        window.FreezePanes = True

    def gridlines() -> None:
        api.Activate()
        api.Application.ActiveWindow.DisplayGridlines = False

    _quietly(gridlines)
    if spec.freeze_row and spec.freeze_row > 1:
        _quietly(freeze)
    if spec.tab_color:
        rgb = spec.tab_color.lstrip("#")
        bgr = int(rgb[4:6] + rgb[2:4] + rgb[0:2], 16)

        def tab() -> None:
            api.Tab.Color = bgr

        _quietly(tab)


def _quietly(action: Any) -> None:
    try:
        action()
    except Exception as exc:  # cosmetic only: never fail a report over a window setting
        log.debug("skipped %s: %s", getattr(action, "__name__", action), exc)
