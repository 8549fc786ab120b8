"""Columns that restate the outcome, found by their values.

A column can say won or lost without saying so in its header: a "Deal health"
that is Green on every won deal and Red on every lost one, a "Weighted amount"
that is 0 on every lost deal, a reason filled only when a deal was won. Such a
column always "explains" the win rate perfectly and would top every table, so
it is left out and listed as "restates the outcome".

- categories (text, codes, bands): the share of closed deals in groups (a value,
  or "not recorded") of at least two deals that are all won or all lost; at
  :data:`PURE_SHARE` or more the column restates the outcome;
- continuous numbers: the probability that a won deal's value is above a lost
  deal's (the AUC); at most ``1 - SEPARATION`` or at least ``SEPARATION`` (with
  most deals carrying a value) the column restates the outcome.

Both rules need enough deals of each outcome to mean anything
(:data:`MIN_EACH`); with fewer only the header rules of ingestion apply.
"""

from __future__ import annotations

import numpy as np
from scipy import stats as _st

PURE_SHARE = 0.98
SEPARATION = 0.98
MIN_EACH = 20
#: a numeric column is judged by the AUC only when this share of closed deals has a value
MIN_FILLED = 0.9


def restates_by_groups(codes: np.ndarray, size: int, won: np.ndarray) -> bool:
    """True when groups of ``codes`` (-1 = not recorded, its own group) are almost all pure."""
    if min(int(won.sum()), int((~won).sum())) < MIN_EACH:
        return False
    c = np.where(codes < 0, size, codes).astype("int64")
    n = np.bincount(c, minlength=size + 1)
    k = np.bincount(c, weights=won.astype("float64"), minlength=size + 1)
    pure = (n >= 2) & ((k == 0) | (k == n))
    return bool(n[pure].sum() >= PURE_SHARE * len(won))


def restates_by_order(values: np.ndarray, won: np.ndarray) -> bool:
    """True when a numeric column separates won from lost almost perfectly (AUC rule)."""
    if min(int(won.sum()), int((~won).sum())) < MIN_EACH:
        return False
    known = ~np.isnan(values)
    if known.mean() < MIN_FILLED:
        return False
    v, w = values[known], won[known]
    n_won, n_lost = int(w.sum()), int((~w).sum())
    if min(n_won, n_lost) < MIN_EACH:
        return False
    u = _st.mannwhitneyu(v[w], v[~w], method="asymptotic").statistic
    auc = float(u) / (n_won * n_lost)
    return bool(auc >= SEPARATION or auc <= 1 - SEPARATION)
