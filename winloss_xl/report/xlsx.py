"""Report -> .xlsx file with openpyxl (the headless writer).

Safety rules (DESIGN.md):

- the output may not be an input (``inputs``), else :class:`InputError`;
- the workbook is built in memory, written to a temporary file in the output's
  directory and renamed into place with ``os.replace``: a crash or a kill leaves
  the earlier report intact;
- text Excel would run as a formula (``= + - @``, tab, CR) is stored as a string;
- identical reports give identical bytes: fixed document timestamps, fixed zip
  entry times and attributes;
- generated sheets carry the sheet-scoped defined name ``winloss_xl_generated``;
  a re-run replaces only marked sheets, and a same-named sheet without the mark
  stops the run.

Look: cells take named styles ("WinLoss Title", "WinLoss KPI value", ...). A
style that already exists in the base workbook (a restyled template) is used as
it is, so ``--template`` keeps the user's fonts and colours.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference, Series
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.drawing.line import LineProperties
from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, TwoCellAnchor
from openpyxl.formatting.rule import ColorScaleRule, DataBarRule
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.units import pixels_to_EMU
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.table import Table as XlTable
from openpyxl.worksheet.table import TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from ..errors import InputError
from . import theme
from .base import is_generated, load_base, mark_generated
from .cells import KPI_MISSING, clean_text, table_headers, to_cell
from .model import (
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
from .output import atomic_write_bytes, check_output

#: Document and zip timestamps of every generated file (same input, same bytes).
FIXED_TIME = datetime(2000, 1, 1, 0, 0, 0)
ZIP_TIME = (2000, 1, 1, 0, 0, 0)

#: Names other modules import from here (defined in theme).
EXCEL_FORMATS = theme.EXCEL_FORMATS
NAVY = theme.NAVY


def _font(look: theme.Look) -> Font:
    return Font(name=theme.FONT, size=look.size, bold=look.bold or None, italic=look.italic or None,
                color=look.color)


def _style(key: str, alignment: Alignment, border: Border | None = None) -> NamedStyle:
    """The named style of one theme look (its font, fill and wrap come from the theme)."""
    look = theme.LOOKS[key]
    extra = {"fill": PatternFill("solid", fgColor=look.fill)} if look.fill else {}
    if border is not None:
        extra["border"] = border
    return NamedStyle(look.style, font=_font(look), alignment=alignment, **extra)


def _named_styles() -> list[NamedStyle]:
    thin = Side(style="thin", color="D9D9D9")
    white = Side(style="thick", color=theme.WHITE)
    navy = Side(style="thin", color=theme.NAVY)
    top = Alignment(wrap_text=True, vertical="top")
    tile = {"horizontal": "left", "indent": 1}
    return [
        _style("title", Alignment(vertical="bottom")),
        _style("subtitle", Alignment(vertical="top")),
        _style("heading", Alignment(vertical="bottom"),
               Border(bottom=Side(style="medium", color=theme.ACCENT))),
        _style("caption", Alignment(vertical="bottom")),
        _style("finding", top),
        _style("note", top),
        _style("warning", top),
        _style("kpi_label", Alignment(vertical="bottom", **tile),
               Border(left=white, right=white, top=Side(style="thick", color=theme.ACCENT))),
        _style("kpi_value", Alignment(vertical="center", **tile), Border(left=white, right=white)),
        _style("kpi_caption", Alignment(vertical="top", **tile),
               Border(left=white, right=white, bottom=white)),
        _style("cell", Alignment(vertical="top"), Border(bottom=thin)),
        _style("header", Alignment(wrap_text=True, vertical="center"), Border(left=navy, right=navy)),
    ]


# shared style objects (openpyxl hashes each one it registers; reuse keeps writing fast)
_TEXT = Alignment(vertical="top", indent=1)
_TEXT_WRAP = Alignment(wrap_text=True, vertical="top", indent=1)
#: numbers sit at the top of their row, as wrapped text does (their formats keep room on the
#: right: theme.PAD)
_NUMBER = Alignment(horizontal="right", vertical="top")
_VERDICT_LOOK = {v: (PatternFill("solid", fgColor=look.fill),
                     Font(name=theme.FONT, size=theme.LOOKS["cell"].size, bold=True, color=look.color))
                 for v, look in theme.VERDICT_LOOKS.items()}

STYLE_FOR_NOTE = {k: theme.LOOKS[k].style for k in ("note", "finding", "warning", "heading")}


def ensure_styles(wb: Workbook) -> None:
    """Add the named styles the workbook lacks; existing ones (a restyled template) stay as they are."""
    have = set(wb.named_styles)
    for style in _named_styles():
        if style.name not in have:
            wb.add_named_style(style)


# --------------------------------------------------------------------------- values

def put(cell, value) -> None:
    """Write ``value`` (see ``cells.to_cell``); text is always stored as text, never run
    as a formula."""
    value = to_cell(value)
    if isinstance(value, str):
        cell.value = clean_text(value)
        cell.data_type = "s"  # openpyxl would turn "=..." into a formula; force a string
    else:
        cell.value = value


# --------------------------------------------------------------------------- blocks

def _merge(ws: Worksheet, row: int, col: int, width: int, style: str) -> None:
    for c in range(col, col + width):
        ws.cell(row, c).style = style
    if width > 1:
        ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=col + width - 1)


def _span_chars(ws: Worksheet, col: int, width: int) -> float:
    total = 0.0
    for c in range(col, col + width):
        w = ws.column_dimensions[get_column_letter(c)].width
        total += w if w else theme.DEFAULT_COLUMN_WIDTH
    return total


def _write_title(ws: Worksheet, b: Title) -> None:
    put(ws.cell(b.row, b.col), b.text)
    ws.cell(b.row, b.col).style = theme.LOOKS["title"].style
    ws.row_dimensions[b.row].height = theme.TITLE_ROW_HEIGHT
    if b.subtitle:
        put(ws.cell(b.row + 1, b.col), b.subtitle)
        ws.cell(b.row + 1, b.col).style = theme.LOOKS["subtitle"].style


def _write_note(ws: Worksheet, b: Note) -> None:
    style = STYLE_FOR_NOTE.get(b.style, theme.LOOKS["note"].style)
    _merge(ws, b.row, b.col, b.width, style)
    put(ws.cell(b.row, b.col), b.text)
    _grow_row(ws, b.row, theme.note_height(b.text, b.style, _span_chars(ws, b.col, b.width)))


def _write_kpis(ws: Worksheet, b: Kpis) -> None:
    label, value, caption = (theme.LOOKS[k].style for k in ("kpi_label", "kpi_value", "kpi_caption"))
    for tile, (c, span) in zip(b.tiles, b.positions()):
        _merge(ws, b.row, c, span, label)
        put(ws.cell(b.row, c), tile.label.upper())
        _merge(ws, b.row + 1, c, span, value)
        put(ws.cell(b.row + 1, c), tile.value if tile.value is not None else KPI_MISSING)
        if tile.value is not None and not isinstance(tile.value, str):
            ws.cell(b.row + 1, c).number_format = theme.number_format(tile.fmt)
        _merge(ws, b.row + 2, c, span, caption)
        put(ws.cell(b.row + 2, c), tile.caption)
    for k, height in enumerate(theme.KPI_ROW_HEIGHTS):
        ws.row_dimensions[b.row + k].height = height


def _grow_row(ws: Worksheet, row: int, height: float) -> None:
    """Set a row's height, never lowering what another block on the same row needs."""
    now = ws.row_dimensions[row].height
    ws.row_dimensions[row].height = max(now or 0.0, height)


def _write_table(ws: Worksheet, t: Table, used_names: set[str], widths: dict[int, float]) -> None:
    frame = t.frame
    columns = t.column_names()
    if t.caption:
        cap = ws.cell(t.row - 1, t.col)
        put(cap, t.caption)
        cap.style = theme.LOOKS["caption"].style
        _grow_row(ws, t.row - 1, theme.CAPTION_ROW_HEIGHT)
    for j, h in enumerate(table_headers(columns)):
        cell = ws.cell(t.row, t.col + j)
        put(cell, h)
        cell.style = theme.LOOKS["header"].style
        if t.formats.get(columns[j], "text") not in ("text", "date"):
            cell.alignment = Alignment(horizontal="right", vertical="center", wrap_text=True, indent=1)
    _grow_row(ws, t.row, t.header_height(widths))
    if frame.empty:
        for j in range(len(columns)):
            ws.cell(t.row + 1, t.col + j).style = theme.LOOKS["cell"].style
        note = ws.cell(t.row + 1, t.col)
        put(note, t.empty_text())
        note.style = theme.LOOKS["note"].style
        note.alignment = Alignment(wrap_text=False, vertical="top")
    else:
        _write_body(ws, t, columns, widths)
    last_row = t.last_row
    last_col = t.col + len(columns) - 1
    ref = f"{ws.cell(t.row, t.col).coordinate}:{ws.cell(last_row, last_col).coordinate}"
    name = unique_table_name(t.name, used_names)
    table = XlTable(displayName=name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name=theme.TABLE_STYLE, showRowStripes=True,
                                          showColumnStripes=False, showFirstColumn=False,
                                          showLastColumn=False)
    ws.add_table(table)
    if not frame.empty:
        _conditional(ws, t)


def _write_body(ws: Worksheet, t: Table, columns: list[str], widths: dict[int, float]) -> None:
    """The table's rows: values, number formats, alignment, row heights, verdict looks."""
    codes = {c: theme.number_format(t.formats.get(c, "text")) for c in columns}
    wrap = set(t.wrapped(widths))
    cell_style = theme.LOOKS["cell"].style
    for i, row in enumerate(t.frame.to_numpy(dtype=object)):
        r = t.row + 1 + i
        for j, v in enumerate(row):
            cell = ws.cell(r, t.col + j)
            cell.style = cell_style
            put(cell, v)
            name = columns[j]
            fmt = t.cell_formats.get((i, name))
            code = theme.number_format(fmt) if fmt else codes[name]
            if cell.value is not None and not isinstance(cell.value, str):
                cell.number_format = code
                cell.alignment = _NUMBER
            if isinstance(cell.value, str):
                cell.alignment = _TEXT_WRAP if name in wrap else _TEXT
    for r, height in t.row_heights(widths).items():
        _grow_row(ws, r, height)
    verdicts = t.body_column(t.verdict_column) if t.verdict_column else None
    if verdicts is not None:
        col, first, _last = verdicts
        for i in range(len(t.frame)):
            cell = ws.cell(first + i, col)
            look = _VERDICT_LOOK.get(str(cell.value))
            if look:
                cell.fill, cell.font = look


def _conditional(ws: Worksheet, t: Table) -> None:
    low, high = theme.DATA_BAR_RANGE
    for name in t.data_bars:
        span = t.body_column(name)
        if span:
            ws.conditional_formatting.add(
                _column_ref(span),
                DataBarRule(start_type="num", start_value=low, end_type="num", end_value=high,
                            color=theme.DATA_BAR_COLOUR, showValue=True))
    below, neutral, above = theme.SCALE_COLOURS
    for name in t.color_scales:
        span = t.body_column(name)
        if span:
            lo, mid, hi = theme.scale_thresholds(name, t.formats.get(name))
            ws.conditional_formatting.add(
                _column_ref(span),
                ColorScaleRule(start_type="num", start_value=lo, start_color=below,
                               mid_type="num", mid_value=mid, mid_color=neutral,
                               end_type="num", end_value=hi, end_color=above))


def _column_ref(span: tuple[int, int, int]) -> str:
    col, first, last = span
    letter = get_column_letter(col)
    return f"{letter}{first}:{letter}{last}"


def _column_widths(ws: Worksheet, spec: SheetSpec) -> None:
    for c, w in sorted(spec.effective_column_widths().items()):
        ws.column_dimensions[get_column_letter(c)].width = w


def _fold_detail_columns(ws: Worksheet, spec: SheetSpec) -> None:
    """Group and collapse each table's detail columns (model.Table.collapsed)."""
    for t in spec.tables():
        cols = t.collapsed_columns()
        if cols:
            ws.column_dimensions.group(get_column_letter(cols[0]), get_column_letter(cols[-1]),
                                       outline_level=1, hidden=True)
    if any(t.collapsed for t in spec.tables()):
        ws.sheet_properties.outlinePr.summaryRight = False  # type: ignore[union-attr]


# --------------------------------------------------------------------------- charts

def _write_chart(ws: Worksheet, spec: SheetSpec, c: Chart) -> None:
    t = spec.table_named(c.source)
    rows = c.plotted_rows(t) if t is not None else None
    if t is None or rows is None:
        return
    columns = t.column_names()
    r0, r1 = rows
    cat_col = t.col + columns.index(c.categories)
    cats = Reference(ws, min_col=cat_col, min_row=r0, max_row=r1)
    if c.kind == "line":
        chart = LineChart()
    else:
        chart = BarChart()
        chart.type = "bar" if c.kind == "barh" else "col"
        chart.gapWidth = 60
    chart.style = 2
    chart.title = c.title
    chart.width, chart.height = c.width_cm, c.height_cm
    colours = [theme.ACCENT, theme.SECOND_SERIES, theme.SECOND_SERIES]
    for k, name in enumerate(c.values):
        vcol = t.col + columns.index(name)
        ref = Reference(ws, min_col=vcol, min_row=r0, max_row=r1)
        s = Series(ref, title=name)
        if c.kind == "line":
            s.graphicalProperties.line.solidFill = colours[k % 3]
            s.graphicalProperties.line.width = 28575
            s.marker.symbol = "circle"
            s.marker.size = 6
            s.marker.graphicalProperties = GraphicalProperties(solidFill=colours[k % 3])
            s.marker.graphicalProperties.line.solidFill = colours[k % 3]
            s.smooth = False
        else:
            s.graphicalProperties = GraphicalProperties(solidFill=colours[min(k, 1)])
            s.graphicalProperties.line.solidFill = colours[min(k, 1)]
        chart.series.append(s)
    have_interval = (c.error_low in columns and c.error_high in columns) if (
        c.error_low and c.error_high) else False
    if have_interval and c.kind == "line":
        # the interval as two thin dashed series referencing the table cells
        for name in (c.error_low, c.error_high):
            vcol = t.col + columns.index(name)
            s = Series(Reference(ws, min_col=vcol, min_row=r0, max_row=r1), title=name)
            s.graphicalProperties.line = LineProperties(solidFill=theme.INTERVAL_LINE, prstDash="dash",
                                                       w=12700)
            s.marker.symbol = "none"
            s.smooth = False
            chart.series.append(s)
    elif have_interval:
        # interval ends as dash markers over the bars (renders in Excel and LibreOffice)
        marks = LineChart()
        for name in (c.error_low, c.error_high):
            vcol = t.col + columns.index(name)
            s = Series(Reference(ws, min_col=vcol, min_row=r0, max_row=r1), title=name)
            s.graphicalProperties.line.noFill = True
            s.marker.symbol = "dash"
            s.marker.size = 9
            s.marker.graphicalProperties = GraphicalProperties(solidFill=theme.INTERVAL_MARK)
            s.marker.graphicalProperties.line.solidFill = theme.INTERVAL_MARK
            s.smooth = False
            marks.series.append(s)
        marks.set_categories(cats)
        chart += marks
    chart.set_categories(cats)
    chart.y_axis.number_format = theme.axis_format(c.y_format)
    chart.y_axis.numFmt.sourceLinked = False  # type: ignore[union-attr]
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    chart.y_axis.title = c.y_title or None
    if c.x_title:
        chart.x_axis.title = c.x_title
    chart.y_axis.majorGridlines.spPr = GraphicalProperties(  # type: ignore[union-attr]
        ln=LineProperties(solidFill=theme.GRIDLINE))
    if c.y_format == "percent":
        chart.y_axis.scaling.min = 0
        top = c.axis_maximum(t)
        if top is not None:
            chart.y_axis.scaling.max = top
    if c.kind == "barh":
        chart.x_axis.scaling.orientation = "maxMin"  # first row on top
        chart.x_axis.tickLblPos = "low"  # labels at the left edge, clear of bars below zero
    if len(chart.series) <= 1 and not have_interval:
        chart.legend = None
    else:
        chart.legend.position = "b"
    chart.anchor = _cell_anchor(ws, c.row, c.col, c.width_cm, c.height_cm)
    ws.add_chart(chart)


def _cell_anchor(ws: Worksheet, row: int, col: int, width_cm: float, height_cm: float) -> TwoCellAnchor:
    """Anchor a chart to the cells it covers (Excel's column metrics), so it keeps
    its place relative to the tables in every application, whatever fonts it has."""
    px_per_cm = 96 / 2.54
    remaining = width_cm * px_per_cm
    c = col
    while True:
        w = ws.column_dimensions[get_column_letter(c)].width or 8.43
        cw = int(w * 7 + 5)
        if remaining <= cw:
            break
        remaining -= cw
        c += 1
    col_off = remaining
    remaining = height_cm * px_per_cm
    r = row
    while True:
        h = ws.row_dimensions[r].height or 15
        rh = h * 96 / 72
        if remaining <= rh:
            break
        remaining -= rh
        r += 1
    return TwoCellAnchor(
        _from=AnchorMarker(col=col - 1, colOff=0, row=row - 1, rowOff=0),
        to=AnchorMarker(col=c - 1, colOff=pixels_to_EMU(int(col_off)), row=r - 1,
                        rowOff=pixels_to_EMU(int(remaining))))


# --------------------------------------------------------------------------- sheets

class _SheetWriter:
    """Draws blocks onto one openpyxl worksheet (see model.draw for the order)."""

    def __init__(self, ws: Worksheet, spec: SheetSpec, used_names: set[str]) -> None:
        self.ws, self.spec, self.used_names = ws, spec, used_names
        self.widths = spec.effective_column_widths()

    def title(self, block: Title) -> None:
        _write_title(self.ws, block)

    def kpis(self, block: Kpis) -> None:
        _write_kpis(self.ws, block)

    def table(self, block: Table) -> None:
        _write_table(self.ws, block, self.used_names, self.widths)

    def note(self, block: Note) -> None:
        _write_note(self.ws, block)

    def chart(self, block: Chart) -> None:
        _write_chart(self.ws, self.spec, block)


def write_sheet(ws: Worksheet, spec: SheetSpec, used_names: set[str]) -> None:
    """Draw one sheet's blocks onto an empty worksheet."""
    ws.sheet_view.showGridLines = False
    ws.sheet_view.zoomScale = 100
    if spec.tab_color:
        ws.sheet_properties.tabColor = spec.tab_color
    _column_widths(ws, spec)
    draw(spec, _SheetWriter(ws, spec, used_names))
    _fold_detail_columns(ws, spec)
    if spec.freeze_row:
        ws.freeze_panes = ws.cell(spec.freeze_row, 1).coordinate
    _page_setup(ws, spec)
    mark_generated(ws)


def _page_setup(ws: Worksheet, spec: SheetSpec) -> None:
    """Landscape; fit to width or a fixed scale; page breaks; print titles (model.PrintSetup)."""
    p = spec.printing
    ws.page_setup.orientation = "landscape"
    if p.fit_width:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True  # type: ignore[union-attr]
    else:
        ws.page_setup.scale = p.scale
        ws.sheet_properties.pageSetUpPr.fitToPage = False  # type: ignore[union-attr]
    for col in p.col_breaks:
        ws.col_breaks.append(Break(id=col))
    for row in p.row_breaks:
        ws.row_breaks.append(Break(id=row))
    if p.title_rows:
        ws.print_title_rows = f"{p.title_rows[0]}:{p.title_rows[1]}"
    if p.areas:
        ws.print_area = p.area_refs()
    ws.print_options.horizontalCentered = False
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5


def build_workbook(report: Report, base: Workbook | None = None) -> Workbook:
    """The report's sheets drawn into ``base`` (a loaded template / earlier report) or a new workbook."""
    if base is None:
        wb = Workbook()
        wb.remove(wb.active)
    else:
        wb = base
    for spec in report.sheets:
        if spec.name in wb.sheetnames and not is_generated(wb[spec.name]):
            raise InputError(f"sheet '{spec.name}' exists and was not created by winloss-xl; "
                             "rename or delete it")
    ensure_styles(wb)
    ours = {s.name for s in report.sheets}
    used = {n.lower() for ws in wb.worksheets if ws.title not in ours for n in ws.tables}
    for ws in wb.worksheets:
        if ws.title in ours:
            continue
        for spec in report.sheets:
            for t in spec.tables():
                if t.name.lower() in {n.lower() for n in ws.tables}:
                    raise InputError(f"sheet '{ws.title}' already has an Excel table named '{t.name}', "
                                     "the name of a report table; rename that table")
    first_index = None
    for spec in report.sheets:
        if spec.name in wb.sheetnames:
            old = wb[spec.name]
            index = wb.sheetnames.index(spec.name)
            tab = old.sheet_properties.tabColor
            wb.remove(old)
            ws = wb.create_sheet(spec.name, index)
            if tab is not None and spec.tab_color is None:
                ws.sheet_properties.tabColor = tab
        else:
            ws = wb.create_sheet(spec.name)
        write_sheet(ws, spec, used)
        if first_index is None:
            first_index = wb.sheetnames.index(spec.name)
    if first_index is not None:
        wb.active = first_index
        for ws in wb.worksheets:
            ws.sheet_view.tabSelected = wb.sheetnames.index(ws.title) == first_index
    props = wb.properties
    props.creator = "winloss-xl"
    props.lastModifiedBy = "winloss-xl"
    props.title = report.title
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    return wb


_CORE_TIME = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def workbook_bytes(wb: Workbook) -> bytes:
    """The workbook as .xlsx bytes with fixed timestamps (same workbook, same bytes)."""
    raw = io.BytesIO()
    wb.save(raw)
    raw.seek(0)
    out = io.BytesIO()
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _CORE_TIME.sub(lambda m: m.group(1) + stamp + m.group(3), data)
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.create_system = 0
            zi.external_attr = 0
            dst.writestr(zi, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
    return out.getvalue()


def write_report(
    report: Report,
    path: str | os.PathLike,
    *,
    template: str | os.PathLike | None = None,
    inputs: Sequence[str | os.PathLike] = (),
) -> Path:
    """Write ``report`` to ``path`` (atomic) and return the path.

    The base workbook is ``template`` when given, else the existing file at
    ``path`` (a re-run replaces only the sheets winloss-xl made), else a new one.
    Raises :class:`InputError` when ``path`` is an input or the template,
    or when a same-named sheet was not made by winloss-xl.
    """
    out = Path(path)
    return atomic_write_bytes(out, report_bytes(report, out, template=template, inputs=inputs))


def report_bytes(
    report: Report,
    path: str | os.PathLike,
    *,
    template: str | os.PathLike | None = None,
    inputs: Sequence[str | os.PathLike] = (),
) -> bytes:
    """The .xlsx bytes :func:`write_report` would write to ``path`` (the same checks first).

    ``--split-by`` stages these bytes for every part before renaming any of them
    (``output.OutputBatch``).
    """
    out = Path(path)
    if out.suffix.lower() != ".xlsx":  # openpyxl writes no macros: .xlsm would not open
        raise InputError("the report must be an .xlsx file", file=str(out),
                         expected="an output name ending in .xlsx")
    protected = [*inputs, *([template] if template else [])]
    check_output(out, protected)
    base = load_base(out, template, [spec.name for spec in report.sheets])
    try:
        return workbook_bytes(build_workbook(report, base))
    except OSError as exc:  # openpyxl spools large sheets to temporary files (File too large, ...)
        from .output import _write_error

        raise _write_error(out, exc) from None
