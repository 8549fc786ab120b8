"""Every statistic of the report, defined once (thin over scipy.stats).

- win rate = won / (won + lost)
- interval: Wilson score interval (95% by default)
- a segment is tested against the rest of the closed deals with Fisher's exact
  test on the 2x2 table (two-sided)
- a family of tests is corrected with Benjamini-Hochberg (q-values)
- lift = segment win rate / overall win rate
- verdicts: Strong fit / Poor fit (q <= fdr), Leaning strong / Leaning poor
  (|lift - 1| >= 0.2 but not significant), In line, Too few deals (n < min_deals)

All functions accept scalars or array-likes and never raise on empty input.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats as _st

STRONG = "Strong fit"
POOR = "Poor fit"
LEANING_STRONG = "Leaning strong"
LEANING_POOR = "Leaning poor"
IN_LINE = "In line"
TOO_FEW = "Too few deals"
VERDICTS = (STRONG, POOR, LEANING_STRONG, LEANING_POOR, IN_LINE, TOO_FEW)

#: |lift - 1| at or above this is "Leaning" when not significant.
LEANING_LIFT = 0.2


def win_rate(won: float, closed: float) -> float:
    """Won / closed, NaN when nothing closed.

    >>> win_rate(4, 5)
    0.8
    """
    return float(won) / float(closed) if closed else float("nan")


def wilson_interval(won, n, confidence: float = 0.95):
    """Wilson score interval for a binomial proportion.

    Returns ``(low, high)``; arrays in, arrays out. NaN where ``n`` is 0.

    >>> lo, hi = wilson_interval(4, 5)
    >>> round(float(lo), 4), round(float(hi), 4)
    (0.3755, 0.9638)
    """
    k = np.asarray(won, dtype="float64")
    m = np.asarray(n, dtype="float64")
    z = float(_st.norm.ppf(0.5 + confidence / 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / m
        denom = 1 + z * z / m
        centre = (p + z * z / (2 * m)) / denom
        half = z * np.sqrt(p * (1 - p) / m + z * z / (4 * m * m)) / denom
        low = np.where(m > 0, np.clip(centre - half, 0.0, 1.0), np.nan)
        high = np.where(m > 0, np.clip(centre + half, 0.0, 1.0), np.nan)
    # guard the float edge: the interval always contains the rate
    with np.errstate(invalid="ignore"):
        low = np.where(m > 0, np.minimum(low, p), np.nan)
        high = np.where(m > 0, np.maximum(high, p), np.nan)
    if low.ndim == 0:
        return float(low), float(high)
    return low, high


def fisher_p(a: int, b: int, c: int, d: int) -> float:
    """Two-sided Fisher exact p-value of the 2x2 table [[a, b], [c, d]].

    Rows: in segment / rest; columns: won / lost.

    >>> round(fisher_p(3, 1, 1, 3), 4)
    0.4857
    """
    if min(a + b, c + d, a + c, b + d) == 0:
        return 1.0
    return float(_st.fisher_exact([[int(a), int(b)], [int(c), int(d)]])[1])


def fisher_vs_rest(won, n, total_won: int, total_n: int) -> np.ndarray:
    """Fisher exact p-value of each segment (won, n) against the rest of the deals.

    Uses the hypergeometric distribution directly so thousands of segments over a
    million deals stay fast; equal to ``scipy.stats.fisher_exact`` (two-sided).
    """
    k = np.atleast_1d(np.asarray(won, dtype="int64"))
    m = np.atleast_1d(np.asarray(n, dtype="int64"))
    out = np.ones(k.shape, dtype="float64")
    for i, (ki, mi) in enumerate(zip(k, m)):
        if mi <= 0 or mi >= total_n or total_won in (0, total_n):
            continue
        out[i] = _hypergeom_two_sided(int(ki), int(total_n), int(total_won), int(mi))
    return out


def _hypergeom_two_sided(k: int, population: int, successes: int, draws: int) -> float:
    """Two-sided p: sum of pmf over outcomes no more likely than the observed one."""
    dist = _st.hypergeom(population, successes, draws)
    lo = max(0, draws - (population - successes))
    hi = min(draws, successes)
    support = np.arange(lo, hi + 1)
    logpmf = dist.logpmf(support)
    observed = dist.logpmf(k)
    # same relative tolerance scipy uses for ties in fisher_exact
    keep = logpmf <= observed + math.log1p(1e-7)
    p = float(np.exp(logpmf[keep]).sum())
    return min(1.0, p)


def two_proportion_p(won_a: int, n_a: int, won_b: int, n_b: int) -> float:
    """Two-sided p-value that two win rates differ (Fisher exact on the 2x2 table).

    >>> round(two_proportion_p(30, 50, 20, 50), 3)
    0.071
    """
    return fisher_p(won_a, n_a - won_a, won_b, n_b - won_b)


def benjamini_hochberg(p_values) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values); NaN stays NaN and is not counted.

    >>> benjamini_hochberg([0.01, 0.04, 0.03, 0.20]).round(3).tolist()
    [0.04, 0.053, 0.053, 0.2]
    """
    p = np.asarray(p_values, dtype="float64")
    q = np.full(p.shape, np.nan)
    mask = ~np.isnan(p)
    if not mask.any():
        return q
    pv = p[mask]
    order = np.argsort(pv, kind="mergesort")
    ranked = pv[order] * len(pv) / np.arange(1, len(pv) + 1)
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    adjusted = np.empty_like(pv)
    adjusted[order] = np.clip(ranked, 0.0, 1.0)
    q[mask] = adjusted
    return q


def lift(rate, overall: float):
    """Segment win rate divided by the overall win rate (NaN when overall is 0)."""
    r = np.asarray(rate, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        out = r / overall if overall else np.full(r.shape, np.nan)
    return float(out) if np.ndim(out) == 0 else out


def verdict(n: int, lift_value: float, q: float, *, min_deals: int = 5, fdr: float = 0.10) -> str:
    """The verdict of one segment, as DESIGN.md defines it.

    >>> verdict(5, 1.27, 0.5)
    'Leaning strong'
    >>> verdict(4, 2.0, 0.001)
    'Too few deals'
    """
    if n < min_deals or lift_value is None or math.isnan(lift_value):
        return TOO_FEW
    if q is not None and not math.isnan(q) and q <= fdr:
        return STRONG if lift_value > 1 else POOR
    if lift_value - 1 >= LEANING_LIFT:
        return LEANING_STRONG
    if 1 - lift_value >= LEANING_LIFT:
        return LEANING_POOR
    return IN_LINE


def segment_table(
    labels: Sequence[object],
    won,
    n,
    *,
    total_won: int,
    total_n: int,
    min_deals: int = 5,
    fdr: float = 0.10,
    confidence: float = 0.95,
    correct: bool = True,
) -> pd.DataFrame:
    """Deals, Won, Lost, Win rate, CI, Lift, p, q and Verdict for segments vs the rest.

    Segments below ``min_deals`` are shown but not tested (p and q empty). When
    ``correct`` is False the caller corrects q-values over a larger family
    itself (see :func:`correct_family`).

    >>> t = segment_table(["A", "B"], [8, 2], [10, 10], total_won=10, total_n=20)
    >>> t["Win rate"].tolist()
    [0.8, 0.2]
    """
    k = np.asarray(won, dtype="int64")
    m = np.asarray(n, dtype="int64")
    overall = total_won / total_n if total_n else float("nan")
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(m > 0, k / np.where(m > 0, m, 1), np.nan)
    low, high = wilson_interval(k, m, confidence)
    testable = m >= min_deals
    p = np.full(k.shape, np.nan)
    if testable.any():
        p[testable] = fisher_vs_rest(k[testable], m[testable], total_won, total_n)
    table = pd.DataFrame({
        "Segment": list(labels),
        "Deals": m,
        "Won": k,
        "Lost": m - k,
        "Win rate": rate,
        "CI low": np.atleast_1d(low),
        "CI high": np.atleast_1d(high),
        "Lift": np.atleast_1d(lift(rate, overall)),
        "p-value": p,
    })
    table["q-value"] = benjamini_hochberg(p) if correct else np.nan
    if correct:
        apply_verdicts(table, min_deals=min_deals, fdr=fdr)
    return table


def correct_family(tables: Sequence[pd.DataFrame], *, min_deals: int, fdr: float) -> None:
    """BH-correct the p-values of several tables as one family, in place, and set verdicts."""
    sizes = [len(t) for t in tables]
    if not sizes or sum(sizes) == 0:
        return
    q = benjamini_hochberg(np.concatenate([t["p-value"].to_numpy(dtype="float64")
                                           for t in tables]))
    start = 0
    for t, size in zip(tables, sizes):
        t["q-value"] = q[start:start + size]
        start += size
        apply_verdicts(t, min_deals=min_deals, fdr=fdr)


def apply_verdicts(table: pd.DataFrame, *, min_deals: int, fdr: float) -> None:
    """Set the Verdict column from Deals, Lift and q-value, in place."""
    table["Verdict"] = [
        verdict(int(n), float(lf), float(q), min_deals=min_deals, fdr=fdr)
        for n, lf, q in zip(table["Deals"], table["Lift"], table["q-value"])
    ]
