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
import zipfile
from dataclasses import dataclass

import numpy as np
from defusedxml import ElementTree as SafeET

_CHUNK = 4 * 2**20
_ATTR = np.frombuffer(b' r="', dtype=np.uint8)
#: a cell reference after ' r="': up to 3 letters and 7 digits
_REF_WIDTH = 10


@dataclass(frozen=True)
class SheetExtent:
    """The furthest row and column (1-based) holding a cell, and the reference of that corner."""

    name: str
    rows: int
    cols: int
    #: the package part holding the sheet (``xl/worksheets/sheet1.xml``)
    part: str = ""

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


def _furthest_cell(data: bytes) -> tuple[int, int]:
    """Largest row and column of the cell references (``r="XFD1048576"``) in ``data``.

    Vectorised with numpy: a sheet of 100,000 rows holds over a million references,
    too many to walk in Python. Only references that start with letters count, so
    row elements (``<row r="7">``) are left out.
    """
    # quote padding ends a reference cut at the chunk's end (the caller re-reads it whole)
    buf = np.frombuffer(data + b'"' * _REF_WIDTH, dtype=np.uint8)
    n = len(data) - len(_ATTR) + 1
    if n <= 0:
        return 0, 0
    hit = np.ones(n, dtype=bool)
    for k, byte in enumerate(_ATTR):
        hit &= buf[k:k + n] == byte
    starts = np.flatnonzero(hit) + len(_ATTR)
    if not len(starts):
        return 0, 0
    window = buf[starts[:, None] + np.arange(_REF_WIDTH)]
    letter = (window >= 65) & (window <= 90)
    digit = (window >= 48) & (window <= 57)
    col = np.zeros(len(starts), dtype=np.int64)
    in_letters = np.ones(len(starts), dtype=bool)
    n_letters = np.zeros(len(starts), dtype=np.int64)
    for k in range(3):
        in_letters &= letter[:, k]
        col = np.where(in_letters, col * 26 + (window[:, k].astype(np.int64) - 64), col)
        n_letters += in_letters
    row = np.zeros(len(starts), dtype=np.int64)
    in_digits = n_letters > 0
    for k in range(7):
        pos = np.minimum(n_letters + k, _REF_WIDTH - 1)
        ch = np.take_along_axis(window, pos[:, None], axis=1)[:, 0]
        in_digits &= np.take_along_axis(digit, pos[:, None], axis=1)[:, 0]
        row = np.where(in_digits, row * 10 + (ch.astype(np.int64) - 48), row)
    valid = (n_letters > 0) & (row > 0)
    if not valid.any():
        return 0, 0
    return int(row[valid].max()), int(col[valid].max())


class ExtentScanner:
    """Measures one worksheet part fed in pieces (a reference may straddle two pieces).

    Used as a sink of :func:`winloss_xl.ingestion.guard.verify_zip`, so the sheet
    is measured in the same pass that checks its CRC, never inflated twice.
    """

    def __init__(self) -> None:
        self.rows = self.cols = 0
        self._tail = b""
        self._pending = b""

    def feed(self, data: bytes) -> None:
        self._pending += data
        if len(self._pending) >= _CHUNK:
            self._scan()

    def _scan(self) -> None:
        data = self._tail + self._pending
        self._pending = b""
        r, c = _furthest_cell(data)
        self.rows, self.cols = max(self.rows, r), max(self.cols, c)
        # keep the end: a reference may straddle two reads
        self._tail = data[-(len(_ATTR) + _REF_WIDTH):]

    def finish(self) -> tuple[int, int]:
        if self._pending:
            self._scan()
        return self.rows, self.cols


def is_sheet_part(part: str) -> bool:
    """True for a worksheet part of the package (``xl/worksheets/sheet1.xml``)."""
    return part.startswith("xl/worksheets/") and part.endswith(".xml")


def sheet_extents(zf: zipfile.ZipFile) -> list[SheetExtent]:
    """The extent of every worksheet in the package, named as Excel shows them.

    Parts the workbook does not name (or a workbook.xml that cannot be read) are
    reported under their part name, so nothing escapes the check.
    """
    names = _sheet_part_names(zf)
    out = []
    for info in zf.infolist():
        part = info.filename
        if not is_sheet_part(part):
            continue
        scanner = ExtentScanner()
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(_CHUNK)
                if not chunk:
                    break
                scanner.feed(chunk)
        rows, cols = scanner.finish()
        out.append(SheetExtent(names.get(part, posixpath.basename(part)), rows, cols, part))
    return out


def extents_from_scanners(zf: zipfile.ZipFile, scanners: dict[str, ExtentScanner]
                          ) -> list[SheetExtent]:
    """SheetExtents from scanners already fed (by ``verify_zip``), named as Excel shows them."""
    names = _sheet_part_names(zf)
    out = []
    for part, scanner in scanners.items():
        rows, cols = scanner.finish()
        out.append(SheetExtent(names.get(part, posixpath.basename(part)), rows, cols, part))
    return out


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _sheet_part_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """worksheet part path -> sheet name, from xl/workbook.xml and its relationships.

    Namespace prefixes are ignored (strict OOXML uses other namespaces) and targets
    are normalised as readers resolve them: backslashes, absolute paths, ``..``.
    Part paths are returned as stored in the package when one matches regardless
    of letter case.
    """
    try:
        workbook = SafeET.fromstring(zf.read("xl/workbook.xml"))
        rels = SafeET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except Exception:  # missing or hostile package XML: fall back to part names
        return {}
    stored = {name.lower(): name for name in zf.namelist()}
    targets = {}
    for rel in rels.iter():
        if _local(rel.tag) != "Relationship":
            continue
        target = rel.get("Target", "").replace("\\", "/")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join("xl", target))
        targets[rel.get("Id")] = stored.get(path.lower(), path)
    out = {}
    for sheet in workbook.iter():
        if _local(sheet.tag) != "sheet":
            continue
        rid = next((v for k, v in sheet.attrib.items() if _local(k) == "id"), None)
        part = targets.get(rid)
        if part:
            out[part] = sheet.get("name", part)
    return out
