"""The validity screen: which rows are deals at all, and which deal rows count once.

Drops, each counted in the data-quality record by the pipeline: blank rows,
report footers (totals, confidentiality and copyright lines), rows without an
outcome, deleted deals, deals excluded on purpose, and repeated deal IDs
(the first row wins).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .header import is_footer_text
from .values import blank_cells, parse_bools


def blank_rows(frame: pd.DataFrame, candidates: np.ndarray) -> pd.Series:
    """True for rows with no value in any column; only ``candidates`` (rows with no outcome
    evidence) are tested, so a million rows with an outcome cost nothing."""
    blank = pd.Series(False, index=frame.index)
    idx = frame.index[candidates]
    if len(idx):
        sub = frame.loc[idx]
        blank.loc[idx] = np.logical_and.reduce([blank_cells(sub[c]).to_numpy() for c in sub.columns])
    return blank


def footer_rows(frame: pd.DataFrame, suspect: pd.Series) -> pd.Series:
    """True for ``suspect`` rows (no recognisable outcome) whose first filled cell reads like a
    report footer ("Grand Totals (6 records)", "Confidential Information", "© 2025 ...")."""
    footer = pd.Series(False, index=frame.index)
    if not suspect.any():
        return footer
    sub = frame.loc[suspect]
    firsts = pd.Series([_first_filled(row) for row in sub.itertuples(index=False, name=None)],
                       index=sub.index, dtype=object)
    codes, uniques = pd.factorize(firsts, use_na_sentinel=True)
    flags = np.array([is_footer_text(u) for u in uniques] + [False], dtype=bool)
    footer.loc[sub.index] = flags[codes]
    return footer


def excluded_rows(column: pd.Series) -> pd.Series:
    """True where an Exclude column is TRUE (yes, x, 1)."""
    return parse_bools(column).values.eq(True).astype(bool)


def duplicate_ids(ids: pd.Series) -> pd.Series | None:
    """True for every repeat of an earlier deal ID; None when all IDs are distinct.

    One set answers "any repeats?" for the usual all-unique column more cheaply than
    ``duplicated()``.
    """
    if len(set(ids.to_numpy())) == len(ids):
        return None
    return ids.duplicated(keep="first")


def _first_filled(row: tuple) -> object:
    for v in row:
        if v is not None and not (isinstance(v, float) and v != v) and v is not pd.NA \
                and not (isinstance(v, str) and v == ""):
            return v
    return None
