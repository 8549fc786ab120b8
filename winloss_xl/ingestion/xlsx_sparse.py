"""A bounded read of one worksheet whose claimed extent is too large for calamine.

python-calamine allocates the rectangle from A1 to the furthest cell, so a
sheet with 20 deals and one stray cell at XFD1048576 would need 550 GB. Such a
sheet is read here instead: its XML is streamed (defusedxml ``iterparse``, no
entity expansion), only cells that really exist are kept (at most
``max_cells``), and the table is the block that starts at the first row: it
ends at the first run of :data:`GAP` empty rows or columns. Cells beyond that
gap (the stray ones) are dropped and counted for the Data Quality sheet.

Values come as the sheet stores them: numbers as floats (dates as Excel serial
numbers, which the date parser reads), booleans, shared and inline strings,
formula results and error texts.
"""

from __future__ import annotations

import zipfile
from typing import Any

from defusedxml.ElementTree import iterparse

from ..errors import InputError
from .guard import MAX_CELL_CHARS, MAX_COLUMNS

#: Empty rows (or columns) that end the table; cells beyond them are stray.
GAP = 1_000


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _ref(ref: str) -> tuple[int, int] | None:
    """'XFD1048576' -> (1048576, 16384); None for anything else."""
    col = 0
    i = 0
    while i < len(ref) and ref[i].isalpha() and i < 3:
        col = col * 26 + (ord(ref[i].upper()) - 64)
        i += 1
    digits = ref[i:]
    if not col or not digits.isdigit() or len(digits) > 7:
        return None
    return int(digits), col


def _shared_strings(zf: zipfile.ZipFile, limit: int) -> list[str]:
    name = next((n for n in zf.namelist() if n.lower() == "xl/sharedstrings.xml"), None)
    if name is None:
        return []
    out: list[str] = []
    parts: list[str] = []
    with zf.open(name) as fh:
        for _, elem in iterparse(fh, events=("end",)):
            tag = _local(elem.tag)
            if tag == "t" and elem.text:
                parts.append(elem.text)
            elif tag == "rPh":
                parts.clear()  # phonetic runs are not part of the text
            elif tag == "si":
                out.append("".join(parts)[:MAX_CELL_CHARS])
                parts = []
                elem.clear()
                if len(out) > limit:
                    break
    return out


def _value(elem: Any, kind: str, shared: list[str]) -> Any:
    if kind == "inlineStr":
        return "".join(t.text or "" for t in elem.iter() if _local(t.tag) == "t")[:MAX_CELL_CHARS]
    v = next((c.text for c in elem if _local(c.tag) == "v"), None)
    if v is None:
        return None
    if kind == "s":
        i = int(v) if v.isdigit() else -1
        return shared[i] if 0 <= i < len(shared) else None
    if kind == "b":
        return v.strip() == "1"
    if kind in ("str", "e", "d"):
        return v[:MAX_CELL_CHARS]
    try:
        return float(v)
    except ValueError:
        return v[:MAX_CELL_CHARS]


def _cells(zf: zipfile.ZipFile, part: str, shared: list[str], label: str,
           max_cells: int) -> dict[tuple[int, int], Any]:
    cells: dict[tuple[int, int], Any] = {}
    row = col = 0
    with zf.open(part) as fh:
        for event, elem in iterparse(fh, events=("start", "end")):
            tag = _local(elem.tag)
            if event == "start":
                if tag == "row":
                    r = elem.get("r")
                    row = int(r) if r and r.isdigit() else row + 1
                    col = 0
                continue
            if tag == "c":
                where = _ref(elem.get("r", ""))
                row, col = where if where else (row, col + 1)
                value = _value(elem, elem.get("t", "n"), shared)
                if value is not None and value != "":
                    cells[(row, col)] = value
                    if len(cells) > max_cells:
                        raise InputError(f"the sheet holds over {max_cells:,} filled cells",
                                         file=label,
                                         expected=f"at most {max_cells:,} cells (max_cells setting)")
                elem.clear()
            elif tag == "row":
                elem.clear()
    return cells


def _block_end(positions: list[int]) -> int:
    """The last position before the first gap of GAP empty ones (positions sorted, from 1)."""
    end = 0
    for p in positions:
        if p - end > GAP:
            break
        end = p
    return end


def read_sheet_bounded(path: Any, part: str, label: str, max_cells: int
                       ) -> tuple[list[list[Any]], int]:
    """(rows of cell values from A1, cells dropped beyond the table) for one worksheet part."""
    with zipfile.ZipFile(path) as zf:
        shared = _shared_strings(zf, max_cells)
        cells = _cells(zf, part, shared, label, max_cells)
    if not cells:
        return [], 0
    last_row = _block_end(sorted({r for r, _ in cells}))
    last_col = min(_block_end(sorted({c for r, c in cells if r <= last_row})), MAX_COLUMNS)
    grid = [[None] * last_col for _ in range(last_row)]
    dropped = 0
    for (r, c), value in cells.items():
        if r <= last_row and c <= last_col:
            grid[r - 1][c - 1] = value
        else:
            dropped += 1
    return grid, dropped
