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

import contextlib
import io
import math
import os
import re
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, LineChart, Reference, Series
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.drawing.line import LineProperties
from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, TwoCellAnchor
from openpyxl.formatting.rule import ColorScaleRule, DataBarRule
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.units import pixels_to_EMU
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.table import Table as XlTable
from openpyxl.worksheet.table import TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from ..errors import InputError
from .model import (
    EXCEL_FORMATS,
    GENERATED_MARK,
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

#: Document and zip timestamps of every generated file (same input, same bytes).
FIXED_TIME = datetime(2000, 1, 1, 0, 0, 0)
ZIP_TIME = (2000, 1, 1, 0, 0, 0)

#: Characters that make Excel treat typed text as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

TABLE_STYLE = "TableStyleMedium2"

NAVY = "1F3864"
ACCENT = "2E75B6"
GREY = "595959"
LIGHT = "EEF3F9"

VERDICT_FILLS: dict[str, tuple[str, str]] = {  # verdict -> (fill, font colour)
    "Strong fit": ("C6EFCE", "006100"),
    "Leaning strong": ("E2F0D9", "375623"),
    "Poor fit": ("FFC7CE", "9C0006"),
    "Leaning poor": ("FCE4D6", "843C0C"),
    "Too few deals": ("EDEDED", "7F7F7F"),
    "In line": ("FFFFFF", "404040"),
    "Catch-all (not a persona)": ("EDEDED", "7F7F7F"),
}


def _named_styles() -> list[NamedStyle]:
    thin = Side(style="thin", color="D9D9D9")
    white = Side(style="thick", color="FFFFFF")
    tile_fill = PatternFill("solid", fgColor=LIGHT)
    return [
        NamedStyle("WinLoss Title", font=Font(name="Calibri", size=20, bold=True, color=NAVY),
                   alignment=Alignment(vertical="bottom")),
        NamedStyle("WinLoss Subtitle", font=Font(name="Calibri", size=11, color=GREY),
                   alignment=Alignment(vertical="top")),
        NamedStyle("WinLoss Heading", font=Font(name="Calibri", size=13, bold=True, color=NAVY),
                   border=Border(bottom=Side(style="medium", color=ACCENT)),
                   alignment=Alignment(vertical="bottom")),
        NamedStyle("WinLoss Caption", font=Font(name="Calibri", size=12, bold=True, color=NAVY),
                   alignment=Alignment(vertical="bottom")),
        NamedStyle("WinLoss Finding", font=Font(name="Calibri", size=11, color="262626"),
                   alignment=Alignment(wrap_text=True, vertical="top")),
        NamedStyle("WinLoss Note", font=Font(name="Calibri", size=10, italic=True, color=GREY),
                   alignment=Alignment(wrap_text=True, vertical="top")),
        NamedStyle("WinLoss Warning", font=Font(name="Calibri", size=10, bold=True, color="9C5700"),
                   fill=PatternFill("solid", fgColor="FFEB9C"),
                   alignment=Alignment(wrap_text=True, vertical="top")),
        NamedStyle("WinLoss KPI label", font=Font(name="Calibri", size=10, bold=True, color=GREY),
                   fill=tile_fill, border=Border(left=white, right=white, top=Side(
                       style="thick", color=ACCENT)),
                   alignment=Alignment(horizontal="left", vertical="bottom", indent=1)),
        NamedStyle("WinLoss KPI value", font=Font(name="Calibri", size=24, bold=True, color=NAVY),
                   fill=tile_fill, border=Border(left=white, right=white),
                   alignment=Alignment(horizontal="left", vertical="center", indent=1)),
        NamedStyle("WinLoss KPI caption", font=Font(name="Calibri", size=9, color=GREY),
                   fill=tile_fill, border=Border(left=white, right=white, bottom=white),
                   alignment=Alignment(horizontal="left", vertical="top", indent=1)),
        NamedStyle("WinLoss Cell", font=Font(name="Calibri", size=10, color="262626"),
                   border=Border(bottom=thin), alignment=Alignment(vertical="top")),
        NamedStyle("WinLoss Header", font=Font(name="Calibri", size=10, bold=True, color="FFFFFF"),
                   fill=PatternFill("solid", fgColor=NAVY),
                   border=Border(left=Side(style="thin", color=NAVY), right=Side(style="thin", color=NAVY)),
                   alignment=Alignment(wrap_text=True, vertical="center")),
    ]


# shared style objects (openpyxl hashes each one it registers; reuse keeps writing fast)
_TEXT = Alignment(vertical="top", indent=1)
_TEXT_WRAP = Alignment(wrap_text=True, vertical="top", indent=1)
_VERDICT_LOOK = {v: (PatternFill("solid", fgColor=fill), Font(name="Calibri", size=10, bold=True, color=font))
                 for v, (fill, font) in VERDICT_FILLS.items()}

STYLE_FOR_NOTE = {"note": "WinLoss Note", "finding": "WinLoss Finding", "warning": "WinLoss Warning",
                  "heading": "WinLoss Heading"}


def ensure_styles(wb: Workbook) -> None:
    """Add the named styles the workbook lacks; existing ones (a restyled template) stay as they are."""
    have = set(wb.named_styles)
    for style in _named_styles():
        if style.name not in have:
            wb.add_named_style(style)


# --------------------------------------------------------------------------- values

def safe_text(value: str) -> str:
    """Text with the characters XML cannot hold removed."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def put(cell, value) -> None:
    """Write ``value``; text is always stored as text (never run as a formula)."""
    value = _plain(value)
    if isinstance(value, str):
        value = safe_text(value)[:32767]  # Excel's limit per cell
        cell.value = value
        cell.data_type = "s"  # openpyxl would turn "=..." into a formula; force a string
    else:
        cell.value = value


def _plain(value):
    """numpy / pandas scalars -> plain Python; missing -> None."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (np.floating, float)):
        v = float(value)
        return None if math.isnan(v) or math.isinf(v) else v
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime().replace(tzinfo=None)
    if isinstance(value, (datetime, date, int, str)):
        return value
    if isinstance(value, (tuple, list)):
        return "; ".join(str(v) for v in value)
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


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
        total += w if w else 8.43
    return total


def _write_title(ws: Worksheet, b: Title) -> None:
    put(ws.cell(b.row, b.col), b.text)
    ws.cell(b.row, b.col).style = "WinLoss Title"
    ws.row_dimensions[b.row].height = 30
    if b.subtitle:
        put(ws.cell(b.row + 1, b.col), b.subtitle)
        ws.cell(b.row + 1, b.col).style = "WinLoss Subtitle"


def _write_note(ws: Worksheet, b: Note) -> None:
    style = STYLE_FOR_NOTE.get(b.style, "WinLoss Note")
    _merge(ws, b.row, b.col, b.width, style)
    put(ws.cell(b.row, b.col), b.text)
    per_line = max(_span_chars(ws, b.col, b.width) * (1.25 if b.style == "note" else 1.05), 20)
    lines = max(1, math.ceil(len(b.text) / per_line))
    base = {"note": 12.5, "finding": 16.5, "warning": 15.0, "heading": 22.0}.get(b.style, 15.0)
    ws.row_dimensions[b.row].height = base * lines + (3 if b.style != "heading" else 0)


def _write_kpis(ws: Worksheet, b: Kpis) -> None:
    for i, tile in enumerate(b.tiles):
        c = b.col + i * b.tile_width
        _merge(ws, b.row, c, b.tile_width, "WinLoss KPI label")
        put(ws.cell(b.row, c), tile.label.upper())
        _merge(ws, b.row + 1, c, b.tile_width, "WinLoss KPI value")
        put(ws.cell(b.row + 1, c), tile.value if tile.value is not None else "n/a")
        if tile.value is not None and not isinstance(tile.value, str):
            ws.cell(b.row + 1, c).number_format = EXCEL_FORMATS.get(tile.fmt, "General")
        _merge(ws, b.row + 2, c, b.tile_width, "WinLoss KPI caption")
        put(ws.cell(b.row + 2, c), tile.caption)
    ws.row_dimensions[b.row].height = 22
    ws.row_dimensions[b.row + 1].height = 36
    ws.row_dimensions[b.row + 2].height = 20


def _write_table(ws: Worksheet, t: Table, used_names: set[str]) -> None:
    frame = t.frame
    columns = [str(c) for c in frame.columns] or ["(none)"]
    if t.caption:
        cap = ws.cell(t.row - 1, t.col)
        put(cap, t.caption)
        cap.style = "WinLoss Caption"
        ws.row_dimensions[t.row - 1].height = 20
    seen: dict[str, int] = {}
    headers = []
    for name in columns:  # Excel needs unique, non-empty text headers
        h = safe_text(name).strip() or "Column"
        if h.lower() in seen:
            seen[h.lower()] += 1
            h = f"{h} {seen[h.lower()]}"
        seen.setdefault(h.lower(), 1)
        headers.append(h)
    for j, h in enumerate(headers):
        cell = ws.cell(t.row, t.col + j)
        put(cell, h)
        cell.style = "WinLoss Header"
        if t.formats.get(columns[j], "text") not in ("text", "date"):
            cell.alignment = Alignment(horizontal="right", vertical="center", wrap_text=True)
    ws.row_dimensions[t.row].height = 30
    codes = {c: EXCEL_FORMATS.get(t.formats.get(c, "text"), "General") for c in columns}
    wrap = set(t.wrap)
    if frame.empty:
        for j in range(len(columns)):
            ws.cell(t.row + 1, t.col + j).style = "WinLoss Cell"
        note = ws.cell(t.row + 1, t.col)
        put(note, t.empty_note or "No rows.")
        note.style = "WinLoss Note"
        note.alignment = Alignment(wrap_text=False, vertical="top")
    else:
        values = frame.to_numpy(dtype=object)
        for i, row in enumerate(values):
            r = t.row + 1 + i
            for j, v in enumerate(row):
                cell = ws.cell(r, t.col + j)
                cell.style = "WinLoss Cell"
                put(cell, v)
                name = columns[j]
                fmt = t.cell_formats.get((i, name))
                code = EXCEL_FORMATS.get(fmt, "General") if fmt else codes[name]
                if cell.value is not None and not isinstance(cell.value, str):
                    cell.number_format = code
                if isinstance(cell.value, str):
                    cell.alignment = _TEXT_WRAP if name in wrap else _TEXT
        for r, height in t.row_heights().items():
            ws.row_dimensions[r].height = height
        if t.verdict_column and t.verdict_column in columns:
            j = columns.index(t.verdict_column)
            for i in range(len(frame)):
                cell = ws.cell(t.row + 1 + i, t.col + j)
                look = _VERDICT_LOOK.get(str(cell.value))
                if look:
                    cell.fill, cell.font = look
    last_row = t.row + max(len(frame), 1)
    last_col = t.col + len(columns) - 1
    ref = f"{ws.cell(t.row, t.col).coordinate}:{ws.cell(last_row, last_col).coordinate}"
    name = unique_table_name(t.name, used_names)
    table = XlTable(displayName=name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True,
                                          showColumnStripes=False, showFirstColumn=False,
                                          showLastColumn=False)
    ws.add_table(table)
    if not frame.empty:
        _conditional(ws, t, columns, last_row)


def _conditional(ws: Worksheet, t: Table, columns: list[str], last_row: int) -> None:
    for name in t.data_bars:
        if name in columns:
            col = get_column_letter(t.col + columns.index(name))
            ws.conditional_formatting.add(
                f"{col}{t.row + 1}:{col}{last_row}",
                DataBarRule(start_type="num", start_value=0, end_type="num", end_value=1,
                            color="9DC3E6", showValue=True))
    for name in t.color_scales:
        if name in columns:
            col = get_column_letter(t.col + columns.index(name))
            lo, mid, hi = (0.5, 1, 1.5) if name.lower().startswith("lift") else (-0.2, 0, 0.2)
            ws.conditional_formatting.add(
                f"{col}{t.row + 1}:{col}{last_row}",
                ColorScaleRule(start_type="num", start_value=lo, start_color="F8A5A5",
                               mid_type="num", mid_value=mid, mid_color="FFFFFF",
                               end_type="num", end_value=hi, end_color="8FD19E"))


def _column_widths(ws: Worksheet, spec: SheetSpec) -> None:
    for c, w in sorted(spec.effective_column_widths().items()):
        ws.column_dimensions[get_column_letter(c)].width = w


# --------------------------------------------------------------------------- charts

def _find_table(spec: SheetSpec, name: str) -> Table | None:
    return next((t for t in spec.tables() if t.name == name), None)


def _axis_format(fmt: str) -> str:
    return {"percent": "0%", "lift": '0.0"x"', "currency": "#,##0", "integer": "#,##0"}.get(
        fmt, "General")


def _write_chart(ws: Worksheet, spec: SheetSpec, c: Chart) -> None:
    t = _find_table(spec, c.source)
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
    colours = [ACCENT, "A5A5A5", "A5A5A5"]
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
            s.graphicalProperties = GraphicalProperties(solidFill=ACCENT if k == 0 else "A5A5A5")
            s.graphicalProperties.line.solidFill = ACCENT if k == 0 else "A5A5A5"
        chart.series.append(s)
    have_interval = (c.error_low in columns and c.error_high in columns) if (
        c.error_low and c.error_high) else False
    if have_interval and c.kind == "line":
        # the interval as two thin dashed series referencing the table cells
        for name in (c.error_low, c.error_high):
            vcol = t.col + columns.index(name)
            s = Series(Reference(ws, min_col=vcol, min_row=r0, max_row=r1), title=name)
            s.graphicalProperties.line = LineProperties(solidFill="9DC3E6", prstDash="dash", w=12700)
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
            s.marker.graphicalProperties = GraphicalProperties(solidFill="404040")
            s.marker.graphicalProperties.line.solidFill = "404040"
            s.smooth = False
            marks.series.append(s)
        marks.set_categories(cats)
        chart += marks
    chart.set_categories(cats)
    chart.y_axis.number_format = _axis_format(c.y_format)
    chart.y_axis.numFmt.sourceLinked = False  # type: ignore[union-attr]
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    chart.y_axis.title = c.y_title or None
    if c.x_title:
        chart.x_axis.title = c.x_title
    chart.y_axis.majorGridlines.spPr = GraphicalProperties(  # type: ignore[union-attr]
        ln=LineProperties(solidFill="E0E0E0"))
    if c.y_format == "percent":
        chart.y_axis.scaling.min = 0
        top = pd.to_numeric(t.frame[[v for v in (c.error_high, *c.values) if v in columns]]
                            .iloc[c.first:c.first + n].stack(), errors="coerce").max()
        if c.kind != "line" and pd.notna(top):
            chart.y_axis.scaling.max = min(1.0, math.ceil(float(top) * 10 + 0.5) / 10)
    if c.kind == "barh":
        chart.x_axis.scaling.orientation = "maxMin"  # first row on top
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

def is_generated(ws: Worksheet) -> bool:
    """True when the sheet carries the winloss-xl mark (a sheet-scoped defined name)."""
    return GENERATED_MARK in ws.defined_names


def mark_generated(ws: Worksheet) -> None:
    ws.defined_names[GENERATED_MARK] = DefinedName(GENERATED_MARK, attr_text="TRUE")


class _SheetWriter:
    """Draws blocks onto one openpyxl worksheet (see model.draw for the order)."""

    def __init__(self, ws: Worksheet, spec: SheetSpec, used_names: set[str]) -> None:
        self.ws, self.spec, self.used_names = ws, spec, used_names

    def title(self, block: Title) -> None:
        _write_title(self.ws, block)

    def kpis(self, block: Kpis) -> None:
        _write_kpis(self.ws, block)

    def table(self, block: Table) -> None:
        _write_table(self.ws, block, self.used_names)

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
    if spec.freeze_row:
        ws.freeze_panes = ws.cell(spec.freeze_row, 1).coordinate
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # type: ignore[union-attr]
    ws.print_options.horizontalCentered = False
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    mark_generated(ws)


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))


def check_output(path: Path, inputs: Iterable[str | os.PathLike]) -> None:
    """Refuse an output path that is one of the inputs."""
    for src in inputs:
        if src is None:
            continue
        if _same_file(path, Path(src)):
            raise InputError("the report would overwrite an input file", file=str(path),
                             expected="an output path (-o) different from every input")


def _open_base(path: Path, what: str) -> Workbook:
    """Open a template or an earlier report; its XML is parsed by openpyxl through defusedxml."""
    if not openpyxl.DEFUSEDXML:
        # openpyxl uses defusedxml when it is installed (it is a dependency) unless the
        # environment turns it off; we never parse a user's workbook XML unhardened.
        raise InputError(f"{what} cannot be opened safely: OPENPYXL_DEFUSEDXML is set to False",
                         file=str(path), advice="unset OPENPYXL_DEFUSEDXML and run again")
    try:
        return load_workbook(path, keep_vba=False, keep_links=True, rich_text=False)
    except FileNotFoundError:
        raise InputError(f"{what} not found", file=str(path)) from None
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException ...
        advice = ("make a fresh one with 'winloss-xl template -o FILE' and restyle it again"
                  if what == "template" else "choose another output name or delete the file")
        raise InputError(f"{what} is not a readable .xlsx workbook ({type(exc).__name__})",
                         file=str(path), expected="an .xlsx file saved by Excel or winloss-xl",
                         advice=advice) from None


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


def _emit(fh, data: bytes) -> None:
    """Write ``data`` to the temporary file (a seam for the crash tests)."""
    view = memoryview(data)
    for start in range(0, len(view), 1 << 20):
        fh.write(view[start:start + (1 << 20)])


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    """Write ``data`` to a temporary file beside ``path`` and rename it into place."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise InputError("the output folder does not exist", file=str(path),
                         expected="an existing folder")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            _emit(fh, data)
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists():
            with contextlib.suppress(OSError):
                os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path


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
    if out.suffix.lower() != ".xlsx":  # openpyxl writes no macros: .xlsm would not open
        raise InputError("the report must be an .xlsx file", file=str(out),
                         expected="an output name ending in .xlsx")
    protected = [*inputs, *([template] if template else [])]
    check_output(out, protected)
    if template is not None:
        base = _open_base(Path(template), "template")
    elif out.exists():
        base = _open_base(out, "existing output file")
    else:
        base = None
    wb = build_workbook(report, base)
    return atomic_write_bytes(out, workbook_bytes(wb))
