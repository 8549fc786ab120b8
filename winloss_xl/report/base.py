"""The workbook a report is drawn into: a user's template, or an earlier report with the
user's own sheets, read back and made safe.

Both writers' file path starts here (report/xlsx.py): a base is cleaned of DDE formulas
and references into other workbooks, a sheet named like a report sheet in other letter
case stops the run, and sheets this tool made carry a mark so a re-run recognises them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from ..errors import InputError
from .model import GENERATED_MARK
from .output import open_base

#: A DDE call: ``=cmd|' /C calc'!A0``, ``=+MSEXCEL|'\\..\\calc'!''``, ``=@SUM(1)+cmd|...``.
_DDE = re.compile(r"""(?:^|[=+\-@(,;&*/\s])'?[A-Za-z0-9_.\\ -]+'?\s*\|""")
#: A reference into another workbook: ``[1]Sheet1!A1`` or ``'C:\\x\\[book.xlsx]Sheet'!A1``.
_EXTERNAL_REF = re.compile(r"\[[^\]]+\][^!]*!")

def is_dde_formula(text: str) -> bool:
    """True for a formula that calls another program through DDE (``=cmd|' /C calc'!A0``)."""
    return text.startswith("=") and bool(_DDE.search(text[1:] if text[1:2] != "=" else text[2:]))


def sanitize_base(wb: Workbook) -> dict[str, int]:
    """Drop DDE formulas and formulas into other workbooks from a loaded template or report.

    Returns what was dropped, by kind (for the Data Quality sheet). External link
    parts are already left out by ``load_workbook(keep_links=False)``; data
    connections are parts openpyxl never writes back.
    """
    dropped = {"DDE formulas": 0, "Formulas into other workbooks": 0}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type != "f" or not isinstance(cell.value, str):
                    continue
                if is_dde_formula(cell.value):
                    dropped["DDE formulas"] += 1
                    cell.value = None
                elif _EXTERNAL_REF.search(cell.value):
                    dropped["Formulas into other workbooks"] += 1
                    cell.value = None
    for name in list(wb.defined_names):
        text = str(wb.defined_names[name].attr_text or "")
        if is_dde_formula("=" + text) or _EXTERNAL_REF.search(text):
            del wb.defined_names[name]
            dropped["DDE formulas" if "|" in text else "Formulas into other workbooks"] += 1
    return dropped


def check_sheet_names(wb: Workbook, report_sheets: list[str], label: str, what: str) -> None:
    """Stop when a base sheet has a report sheet's name in other letter case.

    Excel treats ``summary`` and ``Summary`` as one name, so the report cannot
    add its own sheet beside it, and replacing it would lose the user's sheet.
    """
    ours = {n.casefold(): n for n in report_sheets}
    for title in wb.sheetnames:
        mine = ours.get(title.casefold())
        if mine is not None and mine != title:
            raise InputError(
                f"the {what} has a sheet named '{title}', the name of the report sheet "
                f"'{mine}' in other letter case (Excel treats them as the same name)", file=label,
                advice="Rename or delete that sheet, then run again")


def is_generated(ws: Worksheet) -> bool:
    """True when the sheet carries the winloss-xl mark (a sheet-scoped defined name)."""
    return GENERATED_MARK in ws.defined_names


def mark_generated(ws: Worksheet) -> None:
    ws.defined_names[GENERATED_MARK] = DefinedName(GENERATED_MARK, attr_text="TRUE")


def load_base(out: Path, template: str | os.PathLike | None, sheet_names: Iterable[str]) -> Any:
    """The workbook a report is drawn into, or None for a new one.

    ``template`` when given; else the existing file at ``out`` when it holds a
    sheet winloss-xl did not make (the user's sheets are kept); an earlier report
    made only of our sheets is rebuilt from scratch, byte for byte as a first run.
    Either base is cleaned of DDE formulas, external links and data connections,
    and a sheet named like a report sheet in other letter case stops the run.
    """
    if template is not None:
        base, what = open_base(Path(template), "template"), "template"
    elif os.path.lexists(out) and Path(out).exists():
        base, what = open_base(Path(out), "existing output file"), "existing output file"
        if all(is_generated(ws) for ws in base.worksheets):
            return None
    else:
        return None
    sanitize_base(base)
    check_sheet_names(base, list(sheet_names), str(template or out), what)
    _fresh_style_table(base)
    return base


def _fresh_style_table(wb: Any) -> None:
    """Start the workbook's cell-format table empty: it is refilled as the cells are written.

    openpyxl keeps every format the loaded file listed, used or not, and appends
    the report's; each re-run onto an earlier report would grow the table and
    change the bytes. Every cell holds its own style array, and openpyxl assigns
    table indexes while it writes the sheets (before the stylesheet), so a fresh
    table lists exactly the formats in use, in the order they are met.
    """
    from openpyxl.styles.cell_style import StyleArray
    from openpyxl.utils.indexed_list import IndexedList

    wb._cell_styles = IndexedList([StyleArray()])
