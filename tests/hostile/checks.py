"""Checks shared by the hostile runner and the privacy tests."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import openpyxl

#: Excel's limit on characters in one cell.
EXCEL_CELL_CHARS = 32_767


def file_hashes(paths) -> dict[str, str | None]:
    """sha256 of each input (None for a folder or a missing path)."""
    out: dict[str, str | None] = {}
    for p in paths:
        p = Path(p)
        out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else None
    return out


def workbook_problems(path: Path, injections: tuple[str, ...] = ()) -> list[str]:
    """Cells a real Excel would reject or run: over-long text, NaN/inf numbers, injected formulas."""
    problems: list[str] = []
    try:
        wb = openpyxl.load_workbook(path)
    except Exception as exc:
        return [f"output cannot be opened by openpyxl: {type(exc).__name__}: {exc}"]
    markers = [i.strip("\t\r=+-@ ")[:12] for i in injections if i.strip("\t\r=+-@ ")]
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                v = c.value
                if v is None:
                    continue
                where = f"{ws.title}!{c.coordinate}"
                if c.data_type == "f":
                    text = str(v)
                    if any(m in text for m in markers):
                        problems.append(f"{where} is a live formula built from input text: {text[:80]!r}")
                if isinstance(v, str) and len(v) > EXCEL_CELL_CHARS:
                    problems.append(f"{where} holds {len(v):,} characters "
                                    f"(Excel allows {EXCEL_CELL_CHARS:,})")
                if isinstance(v, float) and not math.isfinite(v):
                    problems.append(f"{where} holds {v!r}, which Excel cannot store")
    return problems


def all_sheet_text(path: Path) -> list[tuple[str, str]]:
    """(where, text) for every non-empty cell of every sheet, plus sheet titles and table names."""
    wb = openpyxl.load_workbook(path)
    out: list[tuple[str, str]] = []
    for ws in wb.worksheets:
        out.append((f"sheet title {ws.title}", ws.title))
        for name, ref in ws.tables.items():
            out.append((f"{ws.title} table {name}", f"{name} {ref}"))
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    out.append((f"{ws.title}!{c.coordinate}", str(c.value)))
                if c.comment is not None:
                    out.append((f"{ws.title}!{c.coordinate} comment", c.comment.text))
    for name in wb.defined_names:
        out.append((f"defined name {name}", str(wb.defined_names[name].attr_text)))
    props = wb.properties
    for attr in ("title", "subject", "creator", "keywords", "description", "lastModifiedBy", "category"):
        val = getattr(props, attr, None)
        if val:
            out.append((f"document property {attr}", str(val)))
    return out
