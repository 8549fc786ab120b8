"""Recommendations read back from an earlier report made by winloss-xl (``--baseline-report``).

What leadership saw last quarter is the earlier report's tblRecommendations, not what the
engine would say today about those deals; the Changes sheet follows those texts up. The
workbook is opened through the same guard as a template (:func:`.output.open_base`); one
without a tblRecommendations table on a sheet this tool generated is refused.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from .model import GENERATED_MARK

TABLE = "tblRecommendations"
COLUMN = "Recommendation"


def read_recommendations(path: str | Path) -> list[str]:
    """The Recommendation texts of an earlier report's tblRecommendations, in priority order."""
    from .output import open_base

    label = str(path)
    wb = open_base(Path(path), "earlier report")
    for ws in wb.worksheets:
        if TABLE not in ws.tables:
            continue
        if GENERATED_MARK not in ws.defined_names:
            break  # a table of that name on a sheet the tool did not make
        rows = [[c.value for c in row] for row in ws[ws.tables[TABLE].ref]]
        header = [str(v).strip() if v is not None else "" for v in rows[0]]
        if COLUMN not in header:
            break
        at = header.index(COLUMN)
        return [str(r[at]).strip() for r in rows[1:]
                if at < len(r) and isinstance(r[at], str) and r[at].strip()]
    raise InputError(f"the workbook has no {TABLE} table made by winloss-xl", file=label,
                     expected="an earlier report written by winloss-xl analyze (its "
                              "Recommendations sheet holds tblRecommendations)",
                     advice="Pass the .xlsx report of the baseline period, or use --baseline P "
                            "to recompute its recommendations from the deals")
