"""How far each sheet of an .xlsx really reaches, measured before any reader loads it.

python-calamine allocates the whole rectangle from A1 to the furthest cell a
sheet holds, so one stray cell at XFD1048576 asks for about 550 GB and the
process dies without a message. This module streams each worksheet part out
of the zip, reads the cell references (``<c r="XFD1048576"``) with a regular
expression, and reports the rectangle, so the caller can refuse it with a
message a user can act on. The small package XML (workbook.xml and its rels),
which maps parts to sheet names, is parsed with defusedxml.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass

from defusedxml import ElementTree as SafeET

_CELL_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"')
_CHUNK = 4 * 2**20
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


@dataclass(frozen=True)
class SheetExtent:
    """The furthest row and column (1-based) holding a cell, and the reference of that corner."""

    name: str
    rows: int
    cols: int

    @property
    def cells(self) -> int:
        return self.rows * self.cols

    @property
    def corner(self) -> str:
        return f"{column_letters(self.cols)}{self.rows}"


def column_letters(index: int) -> str:
    """1 -> 'A', 16384 -> 'XFD'."""
    out = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out or "A"


def _column_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def sheet_extents(zf: zipfile.ZipFile) -> list[SheetExtent]:
    """The extent of every worksheet in the package, named as Excel shows them.

    Parts the workbook does not name (or a workbook.xml that cannot be read) are
    reported under their part name, so nothing escapes the check.
    """
    names = _sheet_part_names(zf)
    out = []
    for info in zf.infolist():
        part = info.filename
        if not (part.startswith("xl/worksheets/") and part.endswith(".xml")):
            continue
        rows = cols = 0
        tail = b""
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(_CHUNK)
                if not chunk:
                    break
                data = tail + chunk
                for col, row in _CELL_REF.findall(data):
                    c, r = _column_index(col), int(row)
                    if c > cols:
                        cols = c
                    if r > rows:
                        rows = r
                # keep the end of the chunk: a reference may straddle two reads
                tail = data[-256:]
        out.append(SheetExtent(names.get(part, posixpath.basename(part)), rows, cols))
    return out


def _sheet_part_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """worksheet part path -> sheet name, from xl/workbook.xml and its relationships."""
    try:
        workbook = SafeET.fromstring(zf.read("xl/workbook.xml"))
        rels = SafeET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except Exception:  # missing or hostile package XML: fall back to part names
        return {}
    targets = {}
    for rel in rels.iter(f"{_NS_PKG_REL}Relationship"):
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join("xl", target))
        targets[rel.get("Id")] = path
    out = {}
    for sheet in workbook.iter(f"{_NS_MAIN}sheet"):
        part = targets.get(sheet.get(f"{_NS_REL}id"))
        if part:
            out[part] = sheet.get("name", part)
    return out
