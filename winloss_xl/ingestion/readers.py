"""Read any accepted source into a headed table of raw cell values.

Sources: CSV-like text files (encoding and separator detected), XLSX/XLSM
(python-calamine, which parses the workbook XML in Rust without entity
expansion), the legacy nested JSON, a pandas DataFrame, and a 2-D list of
cell values as xlwings hands them over. Every reader finds the header row
under any title lines and returns a :class:`RawTable`; problems a user can fix
are raised as :class:`InputError` naming the file.
"""

from __future__ import annotations

import csv
import io
import logging
import zipfile
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from ..config import Config
from ..errors import InputError
from ..fields import header_variants, normalize_header
from ..words import BLANK_CELL_TEXTS
from . import guard
from .encoding import decode_plan
from .header import HEADER_SCAN_ROWS, find_header_row, known_headers
from .mapping import is_key_header
from .values import blank_cells, is_blank_value
from .xlsx_extent import ExtentScanner, SheetExtent, extents_from_scanners

log = logging.getLogger(__name__)

TEXT_EXTENSIONS = (".csv", ".tsv", ".txt")
EXCEL_EXTENSIONS = (".xlsx", ".xlsm")
ACCEPTED_EXTENSIONS = (*TEXT_EXTENSIONS, *EXCEL_EXTENSIONS, ".json")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: Read as missing while parsing text files: Excel error texts only. Words such as "None" or
#: "N/A" stay text, because in some columns they are a value ("None": no competitor); the
#: column parsers decide blanks with the one rule of :func:`values.is_blank_value`.
_NA_TEXTS = sorted(t for t in BLANK_CELL_TEXTS if t.startswith("#") or t == "")


@dataclass
class RawTable:
    """A table as read: headers as columns, raw cell values, and what the reader decided."""

    frame: pd.DataFrame
    label: str
    title_rows: int = 0
    decimal_hint: str | None = None
    notes: list[tuple[str, int, str]] = field(default_factory=list)
    nested_contacts: pd.DataFrame | None = None
    data_row_offset: int = 0


# --------------------------------------------------------------------- entry

def read_source(source: Any, *, label: str, sheet: str | None, config: Config,
                what: str = "deals") -> RawTable:
    """Read ``source`` (path, DataFrame or 2-D list) into a :class:`RawTable`."""
    if isinstance(source, pd.DataFrame):
        return _from_dataframe(source, label, config)
    if isinstance(source, (list, tuple)):
        if (source and isinstance(source[0], dict)) or (not source and what == "deals"):
            return _from_records(list(source), label, config)
        rows = source if set(map(type, source)) <= {list, tuple} else [
            r if isinstance(r, (list, tuple)) else [r] for r in source]  # a one-column range
        # cells from an Excel range are within Excel's own cell limit: no length pass needed
        return _from_grid(list(rows), label, config, cut_cells=False)
    if isinstance(source, (str, Path)):
        return read_path(Path(source), sheet=sheet, config=config, label=label, what=what)
    raise InputError(
        f"cannot read a {type(source).__name__} as {what}", file=label,
        expected="a file path, a pandas DataFrame or a 2-D list of cell values with a header row",
    )


def read_path(path: Path, *, sheet: str | None, config: Config, label: str,
              what: str = "deals") -> RawTable:
    """Read a file by its extension; unknown, legacy and broken files raise InputError."""
    ext = path.suffix.lower()
    if ext == ".xls":
        raise InputError(
            "legacy Excel 97-2003 workbook (.xls) cannot be read", file=label,
            expected="an .xlsx, .xlsm, .csv or .json file",
            advice="Open it in Excel and use File > Save As > Excel Workbook (.xlsx)",
        )
    if ext not in ACCEPTED_EXTENSIONS:
        raise InputError(
            f"unknown file type '{ext or '(none)'}'", file=label,
            expected="one of " + ", ".join(ACCEPTED_EXTENSIONS),
        )
    guard.check_input_file(path, label, what=f"{what} export file")
    if ext in EXCEL_EXTENSIONS:
        return _read_xlsx(path, sheet, config, label, what)
    if ext == ".json":
        return _read_json(path, config, label)
    return _read_text(path, config, label)


# ----------------------------------------------------------------------- text

def _sniff_separator(lines: list[str], ext: str) -> str:
    """The separator that splits the sample lines most consistently into the most columns."""
    if ext == ".tsv":
        return "\t"
    best, best_score = ",", (-1, -1)
    for sep in (",", ";", "\t", "|"):
        counts = []
        for row in csv.reader(lines, delimiter=sep):
            if any(c.strip() for c in row):
                counts.append(len(row))
        if not counts:
            continue
        common = max(set(counts), key=counts.count)
        score = (counts.count(common) if common > 1 else 0, common)
        if score > best_score:
            best, best_score = sep, score
    return best


def _physical_line_of(lines: list[str], sep: str, header_idx: int) -> int:
    """Physical line number of the ``header_idx``-th CSV record (quoted newlines allowed)."""
    reader = csv.reader(lines, delimiter=sep)
    line = 0
    for i, _row in enumerate(reader):
        if i == header_idx:
            return line
        line = reader.line_num
    return line


def _read_text(path: Path, config: Config, label: str) -> RawTable:
    data = guard.read_file_bytes(path, label, what="text export")
    if data.startswith(b"PK\x03\x04") or data.startswith(_OLE_MAGIC):
        raise InputError(
            "this is an Excel workbook with a text-file name", file=label,
            expected="a comma- or semicolon-separated text file",
            advice="Rename it to .xlsx, or save it from Excel as CSV",
        )
    plan = decode_plan(data)
    head = plan.head
    lines = head.splitlines()[:200]
    if len(lines) > 1 and not data.endswith((b"\n", b"\r")) and len(head) < len(data):
        lines = lines[:-1]  # the last probed line may be cut in half
    # the csv module refuses fields over 128 KiB; the probe only needs the first part of a line
    lines = [line[:100_000] for line in lines]
    if not any(line.strip() for line in lines):
        raise InputError("the file is empty", file=label,
                         expected="a header row and at least one deal below it")
    sep = _sniff_separator(lines[:60], path.suffix.lower())
    rows = list(csv.reader(lines[:HEADER_SCAN_ROWS + 5], delimiter=sep))
    header_idx = find_header_row(rows)
    if header_idx is None:
        raise InputError(
            "no header row found", file=label,
            expected="a first row of column names such as Stage, Amount, Close Date",
        )
    skip = _physical_line_of(lines, sep, header_idx)
    _check_header_width(data, plan.encoding, sep, skip, label)
    newline_count = data.count(b"\n")
    if newline_count > config.max_rows + skip + 1:
        _too_big(label, newline_count, config)
    header = rows[header_idx]
    width = len(header)
    if (newline_count - skip) * width > config.max_cells:
        _too_big(label, newline_count, config, cells=(newline_count - skip) * width)
    frame = _parse_text(data, plan.encoding, sep, skip, header, header_idx, lines, label,
                        newline_count)
    if frame.size > config.max_cells:
        _too_big(label, len(frame), config, cells=int(frame.size))
    cut = 0
    if _may_hold_long_cells(data, len(frame), skip, newline_count):
        cut = cut_long_cells(frame)
    frame = _tidy_headers(frame, label)
    hint = "," if sep == ";" else None
    notes = [("Encoding", 0, f"{plan.encoding}; separator {'tab' if sep == chr(9) else repr(sep)}"),
             *plan.notes]
    if cut:
        notes.append(_cut_note(cut))
    return RawTable(frame, label, title_rows=header_idx, decimal_hint=hint, notes=notes,
                    data_row_offset=skip + 2)


def _check_header_width(data: bytes, encoding: str, sep: str, skip: int, label: str) -> None:
    """Refuse a header row wider than MAX_COLUMNS, counted on its bytes before any parsing.

    The probe only sees the first 100,000 characters of a line; a one-line file of
    many megabytes would otherwise reach pandas, whose renaming of duplicate headers
    is quadratic. Quoted separators count too, so the count is an upper bound.
    """
    if encoding.startswith("utf-16"):
        return  # two bytes per character: the cell limits below bound these files
    start = 0
    for _ in range(skip):
        start = data.find(b"\n", start) + 1
        if start == 0:
            return
    end = data.find(b"\n", start)
    line = data[start:end if end >= 0 else len(data)]
    columns = line.count(sep.encode()) + 1
    if columns > guard.MAX_COLUMNS:
        raise InputError(f"the header row has about {columns:,} columns", file=label,
                         expected=f"at most {guard.MAX_COLUMNS:,} columns (Excel's own limit)",
                         advice="Export only the columns you need")


def _parse_text(data: bytes, encoding: str, sep: str, skip: int, header: list[str],
                header_idx: int, lines: list[str], label: str, newline_count: int
                ) -> pd.DataFrame:
    """pandas' C parser over the whole file; headers named by us when some repeat.

    pandas renames repeated headers with a quadratic loop (a one-line file of a
    few MB took minutes), so when the header holds duplicates the parser is given
    numbered placeholder names and the real headers are put back afterwards for
    :func:`_tidy_headers` to make unique in one pass.
    """
    common: dict[str, Any] = dict(sep=sep, encoding=encoding, encoding_errors="replace",
                                  engine="c", keep_default_na=False, na_values=_NA_TEXTS,
                                  index_col=False)
    duplicated = len(set(header)) < len(header)
    if duplicated:
        body = _physical_line_of(lines, sep, header_idx + 1)
        common.update(skiprows=body, header=None, names=list(range(len(header))))
        keys: dict[Any, Any] = {i: str for i, h in enumerate(header) if h.strip() and is_key_header(h)}
    else:
        common.update(skiprows=skip, header=0)
        keys = {h: str for h in header if h.strip() and is_key_header(h)}
    if newline_count > 50_000:
        keys.update(_category_columns(data, common, keys))
    try:
        frame = pd.read_csv(io.BytesIO(data), skip_blank_lines=False, dtype=keys or None, **common)
    except (pd.errors.ParserError, ValueError, UnicodeError, OverflowError) as exc:
        raise InputError(f"the file cannot be read as {'tab' if sep == chr(9) else repr(sep)}-"
                         f"separated text ({type(exc).__name__})", file=label,
                         expected="one row per deal with the same number of columns") from None
    if duplicated:
        frame.columns = [None if not h.strip() else h for h in header][:frame.shape[1]] + [
            None] * max(0, frame.shape[1] - len(header))
    return frame


def _may_hold_long_cells(data: bytes, records: int, skip: int, newline_count: int) -> bool:
    """False when no cell can be longer than MAX_CELL_CHARS, judged from line lengths.

    Every record sits on one physical line when the parser found as many records
    as there are lines; then no cell is longer than the longest line.
    """
    if len(data) <= guard.MAX_CELL_CHARS:
        return False
    if records + skip + 1 < newline_count - 1:
        return True  # quoted line breaks: a cell may span lines
    return _longest_line(data) > guard.MAX_CELL_CHARS


def _longest_line(data: bytes) -> int:
    """Bytes in the longest physical line (numpy over 16 MiB windows)."""
    longest, last, step = 0, -1, 16 << 20
    for start in range(0, len(data), step):
        window = np.frombuffer(data, dtype=np.uint8, count=min(step, len(data) - start),
                               offset=start)
        ends = np.flatnonzero(window == 10) + start
        if len(ends):
            longest = max(longest, int(ends[0] - last - 1))
            if len(ends) > 1:
                longest = max(longest, int(np.diff(ends).max() - 1))
            last = int(ends[-1])
    return max(longest, len(data) - last - 1)


def _text_length(value: object) -> int:
    return len(value) if value.__class__ is str else 0


def cut_long_cells(frame: pd.DataFrame) -> int:
    """Cut text cells longer than MAX_CELL_CHARS (Excel's cell limit) in place; how many.

    A 100 MB cell would otherwise reach every text rule (loss-reason keywords,
    title reading) whole. Category columns are checked on their categories.
    """
    limit, cut = guard.MAX_CELL_CHARS, 0
    for j in range(frame.shape[1]):
        col = frame.iloc[:, j]
        if isinstance(col.dtype, pd.CategoricalDtype):
            long = [c for c in col.cat.categories if _text_length(c) > limit]
            if long:
                cut += int(col.isin(long).sum())
                names = [c[:limit] if _text_length(c) > limit else c for c in col.cat.categories]
                if len(set(names)) == len(names):
                    frame.isetitem(j, col.cat.rename_categories(names))
                else:  # two long values alike in their first part: plain text
                    frame.isetitem(j, col.astype(object).map(
                        lambda v: v[:limit] if _text_length(v) > limit else v))
            continue
        if isinstance(col.dtype, pd.StringDtype):  # pandas 3 reads text as its str dtype
            over = col.str.len().to_numpy(dtype="float64", na_value=0) > limit
            if over.any():
                cut += int(over.sum())
                frame.isetitem(j, col.where(~over, col.str.slice(0, limit)))
            continue
        if col.dtype != object:
            continue
        values = col.to_numpy()
        lengths = np.fromiter(map(_text_length, values), dtype=np.int64, count=len(values))
        over = np.flatnonzero(lengths > limit)
        if len(over):
            cut += len(over)
            fixed = values.copy()
            for i in over:
                fixed[i] = fixed[i][:limit]
            frame.isetitem(j, pd.Series(fixed, index=frame.index, dtype=object))
    return cut


def _cut_note(count: int) -> tuple[str, int, str]:
    return ("Long cells cut", count,
            f"cells over {guard.MAX_CELL_CHARS:,} characters (Excel's cell limit) were cut to "
            f"that length before analysis")


def _category_columns(data: bytes, common: dict[str, Any], keys: dict[str, Any]
                      ) -> dict[str, str]:
    """Text columns with few distinct values in a sample: read as categories (much faster).

    Only worth it on large files; the categories are plain strings, so every
    later step treats them like text.
    """
    try:
        sample = pd.read_csv(io.BytesIO(data), nrows=5000, dtype=keys or None,
                             **common)
    except (pd.errors.ParserError, ValueError, UnicodeError):
        return {}
    out = {}
    limit = max(50, len(sample) // 10)
    for col in sample.columns:
        series = sample[col]
        if col in keys or not ptypes.is_string_dtype(series.dtype):
            continue
        if series.nunique() <= limit:
            out[col] = "category"
    return out


def _too_big(label: str, rows: int, config: Config, cells: int | None = None) -> None:
    if cells is not None:
        raise InputError(
            f"the table has about {cells:,} cells", file=label,
            expected=f"at most {config.max_cells:,} cells (max_cells setting)",
            advice="Filter the export to the period or pipeline you want to analyse",
        )
    raise InputError(
        f"the table has about {rows:,} rows", file=label,
        expected=f"at most {config.max_rows:,} rows (max_rows setting)",
        advice="Filter the export to the period or pipeline you want to analyse",
    )


def _tidy_headers(frame: pd.DataFrame, label: str) -> pd.DataFrame:
    """Readable, unique string headers in one linear pass; unnamed empty columns dropped.

    A repeated header gets `` (2)``, `` (3)``... (the next number not taken, so a
    literal "Amount (2)" elsewhere cannot collide); headers are cut to
    MAX_HEADER_CHARS; more than MAX_COLUMNS columns are refused.
    """
    if frame.shape[1] > guard.MAX_COLUMNS:
        raise InputError(f"the table has {frame.shape[1]:,} columns", file=label,
                         expected=f"at most {guard.MAX_COLUMNS:,} columns (Excel's own limit)",
                         advice="Export only the columns you need")
    names: list[str] = []
    keep: list[int] = []
    taken: set[str] = set()
    next_number: dict[str, int] = {}
    for i, col in enumerate(frame.columns):
        text = "" if col is None else str(col).strip()[:guard.MAX_HEADER_CHARS]
        if text.startswith("Unnamed: ") or is_blank_value(text):
            if blank_cells(frame.iloc[:, i]).all():
                continue
            text = f"Column {i + 1}"
        if text in taken:
            base, n = text, next_number.get(text, 2)
            while f"{base} ({n})" in taken:
                n += 1
            next_number[base] = n + 1
            text = f"{base} ({n})"
        taken.add(text)
        names.append(text)
        keep.append(i)
    out = frame.iloc[:, keep]
    out.columns = names
    if out.shape[1] == 0:
        raise InputError("no columns found", file=label,
                         expected="a header row of column names such as Stage, Amount, Close Date")
    return out


# ----------------------------------------------------------------------- grid

def _from_grid(rows: list[list[Any]], label: str, config: Config,
               title_offset: int = 0, cut_cells: bool = True) -> RawTable:
    """A 2-D grid of cell values (xlsx sheet, xlwings range) -> RawTable."""
    if not rows or all(all(is_blank_value(c) for c in r) for r in rows):
        raise InputError("the table is empty", file=label,
                         expected="a header row and at least one deal below it")
    header_idx = find_header_row(rows)
    if header_idx is None:
        raise InputError("no header row found", file=label,
                         expected="a first row of column names such as Stage, Amount, Close Date")
    header = list(rows[header_idx])
    body = rows[header_idx + 1:]
    lengths = set(map(len, body))
    width = max(len(header), max(lengths)) if body else len(header)
    if len(body) > config.max_rows:
        _too_big(label, len(body), config)
    if len(body) * width > config.max_cells:
        _too_big(label, len(body), config, cells=len(body) * width)
    header = header + [None] * (width - len(header))
    if body and lengths != {width}:
        body = [r if len(r) == width else (list(r) + [None] * (width - len(r)))[:width]
                for r in body]
    grid = _object_grid(body, width)
    # dtype=object: keep cells as read (pandas 3 would otherwise convert text columns to its
    # slower Python-backed string dtype, which every parser then converts back). Empty cells
    # stay "" as calamine and xlwings give them: the parsers read "" as blank and row checks
    # use values.blank_cells, so no pass over every cell is spent replacing them.
    frame = pd.DataFrame(grid, columns=range(width), index=pd.RangeIndex(len(body)), dtype=object,
                         copy=False)  # the grid is ours: no second copy of every cell
    frame.columns = [None if is_blank_value(h) else _header_text(h) for h in header]
    frame = _tidy_headers(frame, label)
    cut = cut_long_cells(frame) if cut_cells else 0
    return RawTable(frame, label, title_rows=header_idx, notes=[_cut_note(cut)] if cut else [],
                    data_row_offset=title_offset + header_idx + 2)


def _object_grid(body: list, width: int) -> np.ndarray:
    """The rows (each ``width`` cells long) as a (rows x width) object array; cells stay as read.

    One C-level pass in row order: ``np.fromiter`` stores each cell as it comes, without
    ``np.array``'s search for nested sequences (twice as fast), and a cell holding a list
    stays one cell.
    """
    cells = chain.from_iterable(body)
    return np.fromiter(cells, dtype=object, count=len(body) * width).reshape(len(body), width)


def _header_text(h: Any) -> str:
    if isinstance(h, float) and h.is_integer():
        return str(int(h))
    return " ".join(str(h)[:4 * guard.MAX_HEADER_CHARS].split())


def _from_dataframe(df: pd.DataFrame, label: str, config: Config) -> RawTable:
    """A DataFrame with headers as columns; a frame with numbered columns is treated as a grid."""
    if all(isinstance(c, int) for c in df.columns) and len(df.columns):
        return _from_grid(df.astype(object).values.tolist(), label, config)
    if df.shape[0] > config.max_rows:
        _too_big(label, df.shape[0], config)
    if df.size > config.max_cells:
        _too_big(label, df.shape[0], config, cells=int(df.size))
    if df.shape[1] == 0:
        raise InputError("the table has no columns", file=label,
                         expected="a header row of column names such as Stage, Amount, Close Date")
    known = known_headers()
    if not any(any(v in known for v in header_variants(c)) for c in df.columns):
        # Perhaps the real header is a row inside the frame (read without header=...).
        grid = [list(df.columns), *df.astype(object).values.tolist()]
        idx = find_header_row(grid)
        if idx:
            return _from_grid(grid, label, config)
    frame = _tidy_headers(df.reset_index(drop=True), label)  # a new frame: the caller's stays
    cut = cut_long_cells(frame)
    return RawTable(frame, label, notes=[_cut_note(cut)] if cut else [], data_row_offset=2)


# ----------------------------------------------------------------------- xlsx

def _read_xlsx(path: Path, sheet: str | None, config: Config, label: str,
               what: str = "deals") -> RawTable:
    from python_calamine import CalamineWorkbook

    with path.open("rb") as fh:
        magic = fh.read(8)
    if magic == _OLE_MAGIC:
        raise InputError(
            "the workbook is password-protected (encrypted) or an old .xls under an .xlsx name",
            file=label, expected="an unprotected .xlsx workbook",
            advice="Open it in Excel, remove the password (File > Info > Protect Workbook), "
                   "and save it as .xlsx",
        )
    if not magic.startswith(b"PK") or not zipfile.is_zipfile(path):
        raise InputError("the workbook is damaged (not a valid .xlsx zip package)", file=label,
                         expected="an .xlsx workbook saved by Excel",
                         advice="Open it in Excel and save it again, or export the deals again")
    extents = measured_extents(path, label, guard.ZipLimits(
        max_unpacked=max(config.max_cells * 60, 256 * 2**20), setting="max_cells setting"))
    oversized = {e.name: e for e in extents if e.cells > config.max_cells}
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several error types for broken packages
        raise InputError(f"the workbook cannot be opened ({type(exc).__name__})", file=label,
                         expected="an .xlsx workbook saved by Excel",
                         advice="Open it in Excel and save it again") from None
    try:
        names = list(wb.sheet_names)
        chosen = _choose_sheet(wb, names, sheet, label, what, skip=set(oversized))
        unnamed = [e for e in oversized.values() if e.name not in names]
        if unnamed:  # a part we cannot tie to a sheet name may be the chosen sheet
            _refuse_extent(unnamed[0], label, config)
        if chosen in oversized:
            return _read_oversized(path, oversized[chosen], names, label, config)
        ws = wb.get_sheet_by_name(chosen)
        height, width = ws.total_height or 0, ws.total_width or 0
        if height > config.max_rows + HEADER_SCAN_ROWS:
            _too_big(label, height, config)
        if height * width > config.max_cells:
            _too_big(label, height, config, cells=height * width)
        rows = ws.to_python(skip_empty_area=False)
    except InputError:
        raise
    except Exception as exc:
        raise InputError(f"the workbook cannot be read ({type(exc).__name__})", file=label,
                         expected="an .xlsx workbook saved by Excel",
                         advice="Open it in Excel and save it again") from None
    finally:
        wb.close()
    table = _from_grid(rows, f"{label} [{chosen}]" if len(names) > 1 else label, config)
    table.label = label
    table.notes.append(("Sheet read", 0, chosen))
    return table


def _read_oversized(path: Path, extent: SheetExtent, names: list[str], label: str,
                    config: Config) -> RawTable:
    """A sheet whose far corner calamine cannot allocate: read its real cells, bounded."""
    from .xlsx_sparse import read_sheet_bounded

    rows, dropped = read_sheet_bounded(path, extent.part, label, config.max_cells)
    table = _from_grid(rows, f"{label} [{extent.name}]" if len(names) > 1 else label, config)
    table.label = label
    table.notes.append(("Sheet read", 0, extent.name))
    table.notes.append(("Stray cells far from the table ignored", dropped,
                        f"the sheet reaches {extent.corner}; cells after a gap of "
                        "1,000 empty rows or columns are not part of the table"))
    return table


#: Package parts that never hold a sheet's cells (not measured; their CRC is still checked).
_NOT_SHEET_PARTS = ("xl/sharedstrings.xml", "xl/styles.xml", "xl/theme/", "xl/calcchain.xml",
                    "docprops/", "[content_types].xml", "_rels/", "xl/workbook.xml",
                    "xl/drawings/", "xl/charts/", "xl/tables/", "xl/printersettings/")


def measured_extents(path: Path, label: str, limits: guard.ZipLimits,
                     what: str = "workbook") -> list[SheetExtent]:
    """Verify the package (guard.verify_zip) and measure every XML part's cell extent.

    Every ``.xml`` part is measured, not only ``xl/worksheets/``: a workbook's
    relationships may point a sheet at any part, and calamine follows them.
    """
    scanners: dict[str, ExtentScanner] = {}

    def sink_for(name: str):
        low = name.lower()
        if not low.endswith(".xml") or low.startswith(_NOT_SHEET_PARTS) or "/_rels/" in low:
            return None
        scanners[name] = ExtentScanner()
        return scanners[name].feed

    guard.verify_zip(path, label, limits, what=what, sink_for=sink_for)
    with zipfile.ZipFile(path) as zf:
        return [e for e in extents_from_scanners(zf, scanners) if e.cells]


def _refuse_extent(extent: SheetExtent, label: str, config: Config) -> None:
    raise InputError(
        f"sheet '{extent.name}' reaches cell {extent.corner}, so it spans {extent.cells:,} cells",
        file=label, expected=f"at most {config.max_cells:,} cells (max_cells setting)",
        advice="A stray cell far from the data makes the sheet this large (Ctrl+End in Excel "
               "shows it): delete the empty rows and columns after the data and save, or export "
               "the deals as CSV",
    )


def _choose_sheet(wb: Any, names: list[str], sheet: str | None, label: str,
                  what: str = "deals", skip: set[str] | None = None) -> str:
    """``sheet`` if given; else the sheet named after ``what`` (Deals / Contacts / Accounts);
    else the first sheet with a recognisable header; else the first sheet."""
    if not names:
        raise InputError("the workbook has no sheets", file=label, expected="a sheet of deals")
    if sheet is not None:
        for n in names:
            if n == sheet or n.strip().lower() == sheet.strip().lower():
                return n
        raise InputError(f"no sheet named '{sheet}'", file=label,
                         expected="one of the sheets " + ", ".join(f"'{n}'" for n in names))
    for n in names:
        if n.strip().lower() == what:
            return n
    known = known_headers()
    for n in names:
        if skip and n in skip:  # never load a sheet too large to hold in memory
            continue
        try:
            head = wb.get_sheet_by_name(n).to_python(skip_empty_area=False, nrows=HEADER_SCAN_ROWS)
        except Exception:  # an unreadable sheet is simply not chosen
            continue
        for row in head:
            if sum(any(v in known for v in header_variants(c)) for c in row if isinstance(c, str)) >= 2:
                return n
    return names[0]


# ----------------------------------------------------------------------- json

def _read_json(path: Path, config: Config, label: str) -> RawTable:
    data = guard.load_json(guard.read_file_bytes(path, label, what="JSON export"), label)
    if isinstance(data, dict):
        for key in ("deals", "opportunities", "data", "records", "results"):
            if isinstance(data.get(key), list):
                data = data[key]
                break
    if not isinstance(data, list):
        raise InputError("the JSON holds no list of deals", file=label,
                         expected="a list of deals, or an object with a \"deals\" list")
    return _from_records(data, label, config)


def _account_header(key: str) -> str:
    k = normalize_header(key)
    if k in ("name", "accountname", "company", "companyname"):
        return "Account Name"
    if k in ("revenue", "annualrevenue"):
        return "Account Revenue"
    if k in ("id", "accountid"):
        return "Account ID"
    return f"Account {key}"


def _from_records(records: list[Any], label: str, config: Config) -> RawTable:
    """Legacy nested JSON deals (``account`` object, ``contacts`` list) -> RawTable."""
    if not records:
        raise InputError("the JSON list of deals is empty", file=label,
                         expected="at least one deal")
    if len(records) > config.max_rows:
        _too_big(label, len(records), config)
    keys = set().union(*(r for r in records if isinstance(r, dict)))  # one C-level pass
    if len(keys) > guard.MAX_COLUMNS:
        raise InputError(f"the deals hold {len(keys):,} different keys", file=label,
                         expected=f"at most {guard.MAX_COLUMNS:,} columns (Excel's own limit)",
                         advice="Export only the fields you need")
    cells = len(records) * max(len(keys), 1)  # the table is as wide as all keys together
    if cells > config.max_cells:
        _too_big(label, len(records), config, cells=cells)
    flat: list[dict[str, Any]] = []
    contacts: list[dict[str, Any]] = []
    for n, rec in enumerate(records, start=1):
        if not isinstance(rec, dict):
            raise InputError(f"deal number {n} is not an object", file=label,
                             expected="each deal as {\"deal_id\": ..., \"outcome\": ...}")
        row: dict[str, Any] = {}
        nested: list[Any] = []
        for key, value in rec.items():
            if isinstance(value, dict) and normalize_header(key) in ("account", "company",
                                                                      "organization"):
                for k2, v2 in value.items():
                    if not isinstance(v2, (dict, list)):
                        row[_account_header(k2)] = v2
            elif isinstance(value, list) and normalize_header(key) in ("contacts", "contactroles",
                                                                        "buyers", "stakeholders"):
                nested = value
            elif isinstance(value, list):
                row[key] = "; ".join(str(v) for v in value if not isinstance(v, (dict, list)))
            elif not isinstance(value, dict):
                row[key] = value
        flat.append(row)
        for c in nested:
            if isinstance(c, dict):
                contacts.append({"__deal_row__": n, **{k: v for k, v in c.items()
                                                        if not isinstance(v, (dict, list))}})
    frame = pd.DataFrame.from_records(flat)
    frame = frame.astype(object).where(frame.notna(), None)
    nested_frame = pd.DataFrame.from_records(contacts) if contacts else None
    frame = _tidy_headers(frame, label)
    cut = cut_long_cells(frame)
    if nested_frame is not None:
        cut += cut_long_cells(nested_frame)
    return RawTable(frame, label, nested_contacts=nested_frame, data_row_offset=1,
                    notes=[_cut_note(cut)] if cut else [])
