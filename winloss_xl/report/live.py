"""Report -> the open workbook, through xlwings (the ribbon's Analyze button).

A thin writer of the same :class:`~winloss_xl.report.model.Report` the headless writer
(``report/xlsx.py``) saves with openpyxl: every block sits at its own row/col, tables
become real Excel Tables (ListObjects) with the contract names, and values, text,
colours and number formats come from ``report/cells.py`` and ``report/theme.py``, as in
the headless writer.

* Text stays text. Excel parses a string written through ``Range.value`` as if it were
  typed in (``001`` -> 1, ``1/2`` -> a date, ``True`` -> a boolean, ``=...`` -> a
  formula), so every text goes through :func:`~winloss_xl.report.cells.typed_text`.
* A generated sheet carries the sheet-scoped defined name ``winloss_xl_generated``. A
  re-run rewrites such a sheet *in place*: the sheet object and its position stay, its
  charts, tables, contents and formats are cleared, then the blocks are drawn again.
  A user's formula that points at ``Summary!C5`` keeps pointing at the Summary sheet.
* A same-named sheet without the mark stops the run *before anything is changed*;
  input sheets (Deals, Contacts, Accounts, Config) are never touched.
* New sheets go after the previous report sheet, placed by ``before=`` the next
  worksheet (``Sheet.index`` counts chart sheets while ``book.sheets`` lists worksheets
  only, so index arithmetic would misplace sheets in a book with chart sheets).

Only xlwings members that exist in the pinned xlwings 0.37.8 on both desktop engines
are used (tests/live checks every one against the installed classes). What the
desktop engines do not offer goes through ``.api`` on Windows (freeze panes, tab
colour) and is skipped on macOS; docs/excel.md lists what each platform does not draw.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from ..errors import InputError
from . import theme
from .cells import KPI_MISSING, clean_text, table_headers, to_cell, typed_text
from .model import (
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

CHART_TYPES = {"bar": "column_clustered", "barh": "bar_clustered", "line": "line"}
POINTS_PER_CM = 72 / 2.54


def write_report_live(report: Report, book: Any) -> None:
    """Add or rewrite the report's sheets in the open ``book`` (an ``xlwings.Book``)."""
    existing = {s.name.lower(): s for s in book.sheets}
    _check_sheet_names(report, existing)
    # Excel table names are workbook-wide: names on sheets we keep are taken
    ours = {spec.name.lower() for spec in report.sheets}
    taken = {tbl.name.lower() for key, sheet in existing.items() if key not in ours
             for tbl in sheet.tables}
    first = previous = None
    for i, spec in enumerate(report.sheets):
        sheet = existing.get(spec.name.lower())
        if sheet is None:
            later = (existing.get(s.name.lower()) for s in report.sheets[i + 1:])
            sheet = _add_sheet(book, spec.name, previous, next((s for s in later if s), None))
            mark_generated(sheet)
        else:
            clear_sheet(sheet, taken)
        write_sheet(sheet, spec, taken)
        previous = sheet
        first = first or sheet
    if first is not None:
        _quietly(first.activate)


def _check_sheet_names(report: Report, existing: dict[str, Any]) -> None:
    """Refuse, before any change, a report sheet that is an input or a sheet not ours."""
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


def _add_sheet(book: Any, name: str, previous: Any, following: Any) -> Any:
    """A new worksheet called ``name``: right after the report sheet ``previous``, else
    right before the report sheet ``following``, else after the last worksheet.

    ``before=`` a worksheet is used wherever one exists: xlwings' Windows engine places
    ``after=`` by ``Sheet.index``, which counts chart sheets, in the list of worksheets,
    which does not. ``after=`` the last worksheet is safe on both engines.
    """
    sheets = list(book.sheets)
    if previous is not None:
        names = [s.name.lower() for s in sheets]
        at = names.index(previous.name.lower())
        if at + 1 < len(sheets):
            return book.sheets.add(name=name, before=sheets[at + 1])
    elif following is not None:
        return book.sheets.add(name=name, before=following)
    return book.sheets.add(name=name, after=sheets[-1])


def clear_sheet(sheet: Any, taken: set[str]) -> None:
    """Empty a generated sheet in place: charts, tables, contents, formats, row heights
    and column widths. A table that cannot be removed keeps its name in ``taken``."""
    used = sheet.used_range
    for chart in list(sheet.charts):
        chart.delete()
    for table in list(sheet.tables):
        if not _drop_table(table):
            taken.add(table.name.lower())
    sheet.clear()  # contents and formats: fonts, fills, merges, number and conditional formats
    used.row_height = theme.DEFAULT_ROW_HEIGHT
    used.column_width = theme.DEFAULT_COLUMN_WIDTH


def _drop_table(table: Any) -> bool:
    """Turn an Excel Table back into plain cells (``sheet.clear`` then empties them).

    xlwings 0.37.8 has no ``Table.delete``; Excel's own "convert to range" (``Unlist`` on
    Windows, ``convert to range`` in Excel for Mac's AppleScript) never shifts cells.
    """
    try:
        if sys.platform == "darwin":
            table.api.convert_to_range()
        else:
            table.api.Unlist()
        return True
    except Exception as exc:
        log.debug("could not remove table %s: %s", getattr(table, "name", "?"), exc)
        return False


# --------------------------------------------------------------------------- sheet

def write_sheet(sheet: Any, spec: SheetSpec, taken: set[str] | None = None) -> None:
    """Draw one sheet's blocks onto an empty sheet; ``taken``: table names in use elsewhere."""
    taken = set() if taken is None else taken
    widths = spec.effective_column_widths()
    for col, width in sorted(widths.items()):
        sheet.range((1, col)).column_width = width
    draw(spec, _SheetWriter(sheet, spec, taken, widths))
    _quietly(lambda: setattr(sheet, "show_gridlines", False))
    _window_settings(sheet, spec)


class _SheetWriter:
    """Draws blocks onto one xlwings sheet (see model.draw for the order)."""

    def __init__(self, sheet: Any, spec: SheetSpec, taken: set[str],
                 widths: dict[int, float]) -> None:
        self.sheet, self.spec, self.taken, self.widths = sheet, spec, taken, widths

    def title(self, block: Title) -> None:
        _write_title(self.sheet, block)

    def kpis(self, block: Kpis) -> None:
        _write_kpis(self.sheet, block)

    def table(self, block: Table) -> None:
        _write_table(self.sheet, block, self.taken, self.widths)

    def note(self, block: Note) -> None:
        span = sum(self.widths.get(c, theme.DEFAULT_COLUMN_WIDTH)
                   for c in range(block.col, block.col + block.width))
        _write_note(self.sheet, block, span)

    def chart(self, block: Chart) -> None:
        _write_chart(self.sheet, self.spec, block)


def _cell(sheet: Any, row: int, col: int) -> Any:
    return sheet.range((row, col))


def _span(sheet: Any, row: int, col: int, rows: int, cols: int) -> Any:
    return sheet.range((row, col), (row + rows - 1, col + cols - 1))


def _look(rng: Any, key: str) -> None:
    """Font, fill and wrap of the theme look ``key`` on ``rng``."""
    look = theme.LOOKS[key]
    font = rng.font
    font.name = theme.FONT
    font.size = look.size
    font.bold = look.bold
    font.italic = look.italic
    font.color = theme.rgb(look.color)
    if look.fill:
        rng.color = theme.rgb(look.fill)
    if look.wrap:
        rng.wrap_text = True


def _write_title(sheet: Any, b: Title) -> None:
    cell = _cell(sheet, b.row, b.col)
    cell.value = typed_text(b.text)
    _look(cell, "title")
    cell.row_height = theme.TITLE_ROW_HEIGHT
    if b.subtitle:
        sub = _cell(sheet, b.row + 1, b.col)
        sub.value = typed_text(b.subtitle)
        _look(sub, "subtitle")


def _write_kpis(sheet: Any, b: Kpis) -> None:
    for tile, (col, span) in zip(b.tiles, b.positions()):
        _span(sheet, b.row, col, 3, span).color = theme.rgb(theme.LIGHT)
        label = _merged(sheet, b.row, col, span)
        label.value = typed_text(tile.label.upper())
        _look(label, "kpi_label")
        value = _merged(sheet, b.row + 1, col, span)
        if tile.value is None:
            value.value = typed_text(KPI_MISSING)
        else:
            if not isinstance(tile.value, str):
                value.number_format = theme.number_format(tile.fmt)
            value.value = to_cell(tile.value, guard=True)
        _look(value, "kpi_value")
        caption = _merged(sheet, b.row + 2, col, span)
        caption.value = typed_text(tile.caption) if tile.caption else None
        _look(caption, "kpi_caption")
    for k, height in enumerate(theme.KPI_ROW_HEIGHTS):
        _cell(sheet, b.row + k, b.col).row_height = height


def _merged(sheet: Any, row: int, col: int, width: int) -> Any:
    rng = _span(sheet, row, col, 1, width)
    if width > 1:
        rng.merge()
    return _cell(sheet, row, col)


def _write_table(sheet: Any, t: Table, taken: set[str], widths: dict[int, float]) -> None:
    frame = t.frame
    columns = t.column_names()
    if t.caption and t.row > 1:
        cap = _cell(sheet, t.row - 1, t.col)
        cap.value = typed_text(t.caption)
        _look(cap, "caption")
        cap.row_height = theme.CAPTION_ROW_HEIGHT
    n = len(frame)
    if n:
        body = [[to_cell(v, guard=True) for v in row]
                for row in frame.itertuples(index=False, name=None)]
    else:
        body = [[typed_text(t.empty_text())] + [None] * (len(columns) - 1)]
    headers = [typed_text(h) for h in table_headers(columns)]
    _cell(sheet, t.row, t.col).value = [headers, *body]
    whole = _span(sheet, t.row, t.col, 1 + max(n, 1), len(columns))
    sheet.tables.add(source=whole, name=unique_table_name(t.name, taken),
                     table_style_name=theme.TABLE_STYLE)
    header = _span(sheet, t.row, t.col, 1, len(columns))
    _look(header, "header")
    header.row_height = _taller(header.row_height, t.header_height(widths))
    _look(_span(sheet, t.row + 1, t.col, max(n, 1), len(columns)), "cell")
    if n:
        _format_body(sheet, t, columns, widths)
    else:  # the note under the header of an empty table
        note = _cell(sheet, t.row + 1, t.col).font
        note.italic = True
        note.color = theme.rgb(theme.LOOKS["note"].color)


def _taller(now: Any, need: float) -> float:
    """The larger of a row's current height (None when rows differ) and what a block needs."""
    try:
        return max(float(now), need)
    except (TypeError, ValueError):
        return need


def _format_body(sheet: Any, t: Table, columns: list[str], widths: dict[int, float]) -> None:
    """Number formats, wrapping, row heights, verdict looks and conditional formats."""
    n = len(t.frame)
    wrapped = set(t.wrapped(widths))
    for j, name in enumerate(columns):
        fmt = t.formats.get(name)
        column = _span(sheet, t.row + 1, t.col + j, n, 1)
        if fmt and fmt != "text":
            column.number_format = theme.number_format(fmt)
        if name in wrapped:
            column.wrap_text = True
    for r, height in t.row_heights(widths).items():
        # wrapped text does not resize rows written through COM
        cell = _cell(sheet, r, t.col)
        cell.row_height = _taller(cell.row_height, height)
    for (i, name), fmt in t.cell_formats.items():
        if name in columns and 0 <= i < n:
            _cell(sheet, t.row + 1 + i, t.col + columns.index(name)).number_format = (
                theme.number_format(fmt))
    _verdicts(sheet, t)
    _conditional_formats(sheet, t)


def _verdicts(sheet: Any, t: Table) -> None:
    span = t.body_column(t.verdict_column)
    if span is None:
        return
    col, first, last = span
    sheet.range((first, col), (last, col)).font.bold = True
    for i, verdict in enumerate(t.frame[t.verdict_column].tolist()):
        look = theme.verdict_look(verdict)
        if look:
            cell = _cell(sheet, first + i, col)
            cell.color = theme.rgb(look.fill)
            cell.font.color = theme.rgb(look.color)


def _conditional_formats(sheet: Any, t: Table) -> None:
    """Data bars and colour scales, as the headless writer draws them."""
    low, high = theme.DATA_BAR_RANGE
    for name in t.data_bars:
        span = t.body_column(name)
        if span:
            col, first, last = span
            sheet.range((first, col), (last, col)).conditional_formats.add_data_bar(
                theme.rgb(theme.DATA_BAR_COLOUR), minimum=low, maximum=high,
                threshold_type="number", show_value=True)
    colours = [theme.rgb(c) for c in theme.SCALE_COLOURS]
    for name in t.color_scales:
        span = t.body_column(name)
        if span:
            col, first, last = span
            sheet.range((first, col), (last, col)).conditional_formats.add_color_scale(
                colours, thresholds=list(theme.scale_thresholds(name, t.formats.get(name))),
                threshold_type="number")


def _write_note(sheet: Any, b: Note, span_chars: float) -> None:
    cell = _merged(sheet, b.row, b.col, b.width)
    cell.value = typed_text(b.text)
    _look(_span(sheet, b.row, b.col, 1, b.width), b.style if b.style in theme.LOOKS else "note")
    _span(sheet, b.row, b.col, 1, b.width).wrap_text = True
    cell.row_height = _taller(cell.row_height, theme.note_height(b.text, b.style, span_chars))


def _write_chart(sheet: Any, spec: SheetSpec, c: Chart) -> None:
    t = spec.table_named(c.source)
    rows = c.plotted_rows(t) if t is not None else None
    if t is None or rows is None:
        return
    r0, r1 = rows
    columns = t.column_names()
    cols = [t.col + columns.index(v) for v in c.values]
    # one contiguous source (xlwings' macOS engine splits an address on ":", so a
    # multi-area source "B5:B9,D5:D9" would shrink to one cell): the first run of
    # side-by-side value columns is drawn
    run = [cols[0]]
    while len(run) < len(cols) and cols[len(run)] == run[-1] + 1:
        run.append(cols[len(run)])
    if len(run) < len(cols):
        log.info("chart %r: only its first %d adjacent value columns are drawn", c.title, len(run))
    top = t.row if c.first == 0 else r0  # with the header row the series get their names
    cat = t.col + columns.index(c.categories)
    chart = sheet.charts.add(
        width=c.width_cm * POINTS_PER_CM,
        height=c.height_cm * POINTS_PER_CM,
        chart_type=CHART_TYPES.get(c.kind, "column_clustered"),
        source=sheet.range((top, run[0]), (r1, run[-1])),
        plot_by="columns",
        anchor=_cell(sheet, c.row, c.col),
    )
    chart.set_x_axis_values(sheet.range((r0, cat), (r1, cat)))
    chart.title = clean_text(c.title)
    _chart_axes(chart, t, c)
    chart.legend.visible = len(run) > 1


def _chart_axes(chart: Any, t: Table, c: Chart) -> None:
    axis = chart.value_axis
    axis.number_format = theme.axis_format(c.y_format)
    if c.y_format == "percent":
        axis.minimum_scale = 0
        top = c.axis_maximum(t)
        if top is not None:
            axis.maximum_scale = top
    if c.y_title:
        axis.title = clean_text(c.y_title)
    if c.x_title:
        chart.category_axis.title = clean_text(c.x_title)
    if c.kind == "barh":
        chart.category_axis.reverse_order = True  # first row on top, as in the table


def _window_settings(sheet: Any, spec: SheetSpec) -> None:
    """Freeze panes, tab colour and page setup: not in xlwings' engines, so through COM on Windows.

    Both are reset first, so a rewritten sheet does not keep an earlier run's settings.
    """
    if not sys.platform.startswith("win"):
        return
    api = sheet.api

    def freeze() -> None:
        api.Activate()
        window = api.Application.ActiveWindow
        window.FreezePanes = False
        window.ScrollRow = 1
        window.SplitColumn = 0
        window.SplitRow = spec.freeze_row - 1 if spec.freeze_row and spec.freeze_row > 1 else 0
        window.FreezePanes = bool(spec.freeze_row and spec.freeze_row > 1)

    def tab() -> None:
        if spec.tab_color:
            rgb = spec.tab_color.lstrip("#")
            api.Tab.Color = int(rgb[4:6] + rgb[2:4] + rgb[0:2], 16)  # Excel colours are BGR
        else:
            api.Tab.ColorIndex = XL_COLOR_INDEX_NONE

    def page() -> None:
        setup, p = api.PageSetup, spec.printing
        setup.Orientation = XL_LANDSCAPE
        if p.fit_width:
            setup.Zoom = False
            setup.FitToPagesWide = 1
            setup.FitToPagesTall = False
        else:
            setup.Zoom = p.scale
        setup.PrintTitleRows = f"${p.title_rows[0]}:${p.title_rows[1]}" if p.title_rows else ""
        setup.PrintArea = ",".join(p.area_refs(absolute=True))  # "" prints the used range
        api.ResetAllPageBreaks()
        for col in p.col_breaks:
            api.VPageBreaks.Add(api.Cells(1, col + 1))
        for row in p.row_breaks:
            api.HPageBreaks.Add(api.Cells(row + 1, 1))

    def fold() -> None:
        for t in spec.tables():
            cols = t.collapsed_columns()
            if cols:
                group = api.Range(api.Cells(1, cols[0]), api.Cells(1, cols[-1])).EntireColumn
                group.Group()
                group.Hidden = True

    _quietly(freeze)
    _quietly(tab)
    _quietly(page)
    _quietly(fold)


#: Excel's ``xlLandscape`` page orientation.
XL_LANDSCAPE = 2
#: Excel's ``xlColorIndexNone``: no tab colour.
XL_COLOR_INDEX_NONE = -4142


def _quietly(action: Callable[[], Any]) -> None:
    try:
        action()
    except Exception as exc:  # cosmetic only: never fail a report over a window setting
        log.debug("skipped %s: %s", getattr(action, "__name__", action), exc)
