"""Every statistic of the report, defined once; scipy.stats wherever scipy has the test.

Our own code remains only where scipy would be far slower on a report's shape: the
vectorised Fisher tails of thousands of segments (:mod:`winloss_xl.fisher`, cross-checked
against ``scipy.stats.fisher_exact`` in the tests) and the screening z-test of driver
candidates.

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

from .fisher import fisher_vs_rest_fast

STRONG = "Strong fit"
POOR = "Poor fit"
LEANING_STRONG = "Leaning strong"
LEANING_POOR = "Leaning poor"
IN_LINE = "In line"
TOO_FEW = "Too few deals"
TOO_FEW_ACCOUNTS = "Too few accounts"
VERDICTS = (STRONG, POOR, LEANING_STRONG, LEANING_POOR, IN_LINE, TOO_FEW, TOO_FEW_ACCOUNTS)

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
    return fisher_vs_rest_fast(won, n, total_won, total_n)


def two_proportion_p(won_a: int, n_a: int, won_b: int, n_b: int) -> float:
    """Two-sided p-value that two win rates differ (Fisher exact on the 2x2 table).

    >>> round(two_proportion_p(30, 50, 20, 50), 3)
    0.071
    """
    return fisher_p(won_a, n_a - won_a, won_b, n_b - won_b)



def rate_difference_interval(won_a, n_a, won_b, n_b, confidence: float = 0.95):
    """Interval of the difference of two win rates, rate a - rate b (Newcombe's hybrid score).

    Built from the two Wilson intervals (Newcombe 1998, method 10), so it stays inside
    [-1, 1] and behaves at rates near 0 or 1. Counts may be fractional (cluster-adjusted).
    Arrays in, arrays out; NaN where either ``n`` is 0.

    >>> lo, hi = rate_difference_interval(56, 70, 48, 80)
    >>> round(float(lo), 4), round(float(hi), 4)
    (0.0524, 0.3339)
    """
    ka, ma = np.asarray(won_a, dtype="float64"), np.asarray(n_a, dtype="float64")
    kb, mb = np.asarray(won_b, dtype="float64"), np.asarray(n_b, dtype="float64")
    la, ua = wilson_interval(ka, ma, confidence)
    lb, ub = wilson_interval(kb, mb, confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        pa, pb = ka / ma, kb / mb
        diff = pa - pb
        low = diff - np.sqrt((pa - la) ** 2 + (ub - pb) ** 2)
        high = diff + np.sqrt((ua - pa) ** 2 + (pb - lb) ** 2)
    if np.ndim(low) == 0:
        return float(low), float(high)
    return low, high


def two_rates_p(won_a, n_a, won_b, n_b) -> np.ndarray:
    """Two-sided Fisher exact p that rates a and b differ, vectorised over pairs of groups.

    The same test as :func:`two_proportion_p`, run through :func:`fisher_vs_rest_fast`
    (group a against the pooled deals of both groups). 1 where either group is empty.

    >>> round(float(two_rates_p([30], [50], [20], [50])[0]), 3)
    0.071
    """
    ka, ma = np.atleast_1d(won_a).astype("int64"), np.atleast_1d(n_a).astype("int64")
    kb, mb = np.atleast_1d(won_b).astype("int64"), np.atleast_1d(n_b).astype("int64")
    p = fisher_vs_rest_fast(ka, ma, ka + kb, ma + mb)
    return np.where((ma > 0) & (mb > 0), p, 1.0)


def benjamini_hochberg(p_values) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values); NaN stays NaN and is not counted.

    scipy's ``false_discovery_control`` over the tested p-values only, so an untested
    segment (NaN) neither gets a q-value nor enlarges the family.

    >>> benjamini_hochberg([0.01, 0.04, 0.03, 0.20]).round(3).tolist()
    [0.04, 0.053, 0.053, 0.2]
    """
    p = np.asarray(p_values, dtype="float64")
    q = np.full(p.shape, np.nan)
    mask = ~np.isnan(p)
    if mask.any():
        q[mask] = _st.false_discovery_control(np.clip(p[mask], 0.0, 1.0), method="bh")
    return q


def lift(rate, overall: float):
    """Segment win rate divided by the overall win rate (NaN when overall is 0)."""
    r = np.asarray(rate, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        out = r / overall if overall else np.full(r.shape, np.nan)
    return float(out) if np.ndim(out) == 0 else out


def verdict(n: int, lift_value: float, q: float, *, min_deals: int = 5, fdr: float = 0.10,
            accounts: int | None = None, min_accounts: int = 5) -> str:
    """The verdict of one segment, as DESIGN.md defines it.

    ``accounts`` is the segment's number of distinct accounts (None when the deals carry
    no account key): a segment of fewer than ``min_accounts`` accounts is never significant.

    >>> verdict(5, 1.27, 0.5)
    'Leaning strong'
    >>> verdict(4, 2.0, 0.001)
    'Too few deals'
    >>> verdict(40, 2.0, 0.001, accounts=1)
    'Too few accounts'
    """
    if n < min_deals or lift_value is None or math.isnan(lift_value):
        return TOO_FEW
    if accounts is not None and accounts < min_accounts:
        return TOO_FEW_ACCOUNTS
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
    accounts=None,
    min_accounts: int = 5,
    effective=None,
) -> pd.DataFrame:
    """Deals, Won, Lost, Win rate, CI, Lift, p, q and Verdict for segments vs the rest.

    Segments below ``min_deals`` (or, with ``accounts`` given, below ``min_accounts``
    distinct accounts) are shown but not tested (p and q empty). ``effective`` holds the
    cluster-adjusted ``(won, n, total_won, total_n)`` arrays the exact test runs on (see
    :mod:`winloss_xl.engine.clusters`); rates, intervals and lifts always use the real
    counts. When ``correct`` is False the caller corrects q-values over its own families
    (see :func:`correct_families`).

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
    if accounts is not None:
        testable &= np.asarray(accounts) >= min_accounts
    p = np.full(k.shape, np.nan)
    if testable.any():
        if effective is None:
            p[testable] = fisher_vs_rest(k[testable], m[testable], total_won, total_n)
        else:
            ek, en, etk, etn = (np.asarray(a, dtype="int64")[testable] for a in effective)
            p[testable] = fisher_vs_rest(ek, en, etk, etn)
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
    if accounts is not None:
        table["Accounts"] = np.asarray(accounts, dtype="int64")
    table["q-value"] = benjamini_hochberg(p) if correct else np.nan
    if correct:
        apply_verdicts(table, min_deals=min_deals, fdr=fdr, min_accounts=min_accounts)
    return table


def correct_families(table: pd.DataFrame, family: np.ndarray, *, min_deals: int, fdr: float,
                     min_accounts: int = 5) -> None:
    """BH-correct the p-values of each family (rows sharing a ``family`` label), in place,
    and set the verdicts."""
    q = np.full(len(table), np.nan)
    p = table["p-value"].to_numpy(dtype="float64")
    for label in pd.unique(family):
        rows = np.flatnonzero(family == label)
        q[rows] = benjamini_hochberg(p[rows])
    table["q-value"] = q
    apply_verdicts(table, min_deals=min_deals, fdr=fdr, min_accounts=min_accounts)


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


def apply_verdicts(table: pd.DataFrame, *, min_deals: int, fdr: float, min_accounts: int = 5) -> None:
    """Set the Verdict column from Deals, Lift, q-value (and Accounts when present), in place."""
    accounts = table["Accounts"] if "Accounts" in table.columns else [None] * len(table)
    table["Verdict"] = [
        verdict(int(n), float(lf), float(q), min_deals=min_deals, fdr=fdr,
                accounts=None if a is None else int(a), min_accounts=min_accounts)
        for n, lf, q, a in zip(table["Deals"], table["Lift"], table["q-value"], accounts)
    ]


def practical_effect(rate: float, overall: float, lift_value: float) -> bool:
    """True when a difference is large enough to act on: |lift - 1| >= 0.10 and at least
    3 points of win rate (DESIGN.md: "High" needs significance and this).

    >>> practical_effect(0.46, 0.37, 1.24), practical_effect(0.225, 0.23, 0.98)
    (True, False)
    """
    if any(v is None or math.isnan(v) for v in (rate, overall, lift_value)):
        return False
    tol = 1e-12  # 0.9 must count as a 0.10 change
    return abs(lift_value - 1) >= MIN_LIFT_CHANGE - tol and abs(rate - overall) >= MIN_POINTS - tol


#: Practical effect: |lift - 1| at least this ...
MIN_LIFT_CHANGE = 0.10
#: ... and at least this difference in win rate (3 points).
MIN_POINTS = 0.03


# ------------------------------------------------------------------ engine additions


def z_vs_rest_p(won, n, total_won, total_n) -> np.ndarray:
    """Two-sided p of the normal approximation (pooled two-proportion z) of a segment vs the rest.

    Used only to screen: a candidate whose approximate p is far above the
    false-discovery rate cannot become significant, so its exact test can be skipped.
    """
    k = np.atleast_1d(np.asarray(won, dtype="float64"))
    m = np.atleast_1d(np.asarray(n, dtype="float64"))
    big_k = np.asarray(total_won, dtype="float64")
    big_n = np.asarray(total_n, dtype="float64")
    rest_n = big_n - m
    pooled = big_k / np.where(big_n > 0, big_n, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.sqrt(pooled * (1 - pooled) * (1 / m + 1 / rest_n))
        z = (k / m - (big_k - k) / rest_n) / se
    p = 2 * _st.norm.sf(np.abs(z))
    return np.where((m > 0) & (rest_n > 0) & (se > 0), p, 1.0)


def poisson_binomial_p(observed: int, probs, counts=None) -> float:
    """Exact two-sided p that ``observed`` successes arise from independent Bernoulli trials.

    ``probs`` are the success probabilities; ``counts`` (optional) says how many
    trials share each probability (a deal mix: expected win rate per stratum and
    deals per stratum). The p-value sums the probability of all outcomes no
    more likely than the observed one (same rule as Fisher's test).

    >>> round(poisson_binomial_p(3, [0.5], [3]), 4)
    0.25
    """
    p = np.atleast_1d(np.asarray(probs, dtype="float64"))
    c = np.ones(p.shape, dtype="int64") if counts is None else np.atleast_1d(
        np.asarray(counts, dtype="int64"))
    keep = c > 0
    p, c = p[keep], c[keep]
    total = int(c.sum())
    if total == 0:
        return 1.0
    pmf = np.array([1.0])
    for pi, ci in zip(p, c):
        pmf = np.convolve(pmf, _binom_pmf(int(ci), min(max(float(pi), 0.0), 1.0)))
    if not 0 <= observed <= total:
        return 0.0
    obs = pmf[int(observed)]
    return float(min(1.0, pmf[pmf <= obs * (1 + 1e-7)].sum()))


def _binom_pmf(n: int, p: float) -> np.ndarray:
    """Binomial pmf over 0..n (scipy; exact at p = 0 and p = 1)."""
    return _st.binom.pmf(np.arange(n + 1), n, p)


def expected_wins_p(won, expected, variance) -> np.ndarray:
    """Two-sided normal-approximation p that actual wins differ from expected wins.

    For many deals the Poisson-binomial count of wins is close to normal with
    mean ``expected`` (sum of the deals' expected win probabilities) and
    ``variance`` (sum of p(1-p)); a continuity correction of 0.5 is applied.

    >>> round(float(expected_wins_p(60, 50.0, 25.0)[0]), 4)
    0.0574
    """
    k = np.atleast_1d(np.asarray(won, dtype="float64"))
    e = np.atleast_1d(np.asarray(expected, dtype="float64"))
    v = np.atleast_1d(np.asarray(variance, dtype="float64"))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.maximum(np.abs(k - e) - 0.5, 0.0) / np.sqrt(v)
    p = 2 * _st.norm.sf(z)
    return np.where(v > 0, np.clip(p, 0.0, 1.0), np.where(k == e, 1.0, 0.0))


#: Owners with at most this many deals get the exact Poisson-binomial test.
EXACT_OWNER_LIMIT = 2000


def expected_vs_actual_p(won: int, probs, counts) -> float:
    """p that an owner's wins differ from the wins expected from their deal mix.

    Exact (:func:`poisson_binomial_p`) up to :data:`EXACT_OWNER_LIMIT` deals,
    normal approximation (:func:`expected_wins_p`) beyond.
    """
    p = np.atleast_1d(np.asarray(probs, dtype="float64"))
    c = np.atleast_1d(np.asarray(counts, dtype="int64"))
    if int(c.sum()) <= EXACT_OWNER_LIMIT:
        return poisson_binomial_p(won, p, c)
    return float(expected_wins_p(won, float((p * c).sum()), float((c * p * (1 - p)).sum()))[0])


def _clean_scores(scores_won, scores_lost) -> tuple[np.ndarray, np.ndarray]:
    w = np.asarray(scores_won, dtype="float64")
    lo = np.asarray(scores_lost, dtype="float64")
    return w[~np.isnan(w)], lo[~np.isnan(lo)]


#: Above this many scores the AUC p-value is scipy's asymptotic one (its exact method is
#: quadratic in memory and time and no more informative at this size).
AUC_EXACT_LIMIT = 5000


def auc_test(scores_won, scores_lost) -> tuple[float, float]:
    """AUC and its two-sided p against 0.5: ``scipy.stats.mannwhitneyu`` of won vs lost.

    AUC = U / (n_won * n_lost) with mid-ranks for ties (a tie counts 1/2). Up to
    :data:`AUC_EXACT_LIMIT` scores scipy picks its method; beyond, its normal
    approximation (tie-corrected variance, continuity correction).
    """
    w, lo = _clean_scores(scores_won, scores_lost)
    n1, n2 = len(w), len(lo)
    if n1 == 0 or n2 == 0:
        return float("nan"), float("nan")
    if np.unique(np.concatenate([w, lo])).size == 1:
        return 0.5, 1.0
    method = "auto" if n1 + n2 <= AUC_EXACT_LIMIT else "asymptotic"
    result = _st.mannwhitneyu(w, lo, alternative="two-sided", method=method)
    return float(result.statistic) / (n1 * n2), float(result.pvalue)


def auc(scores_won, scores_lost) -> float:
    """Area under the ROC curve: P(score of a won deal > score of a lost deal), ties 1/2.

    Computed from ranks (the Mann-Whitney U statistic divided by n_won * n_lost).

    >>> auc([0.85, 0.90], [0.50])
    1.0
    """
    return auc_test(scores_won, scores_lost)[0]


def auc_p(scores_won, scores_lost) -> float:
    """Two-sided p that the AUC differs from 0.5 (Mann-Whitney U test)."""
    return auc_test(scores_won, scores_lost)[1]


def mcnemar_p(only_first_right: int, only_second_right: int) -> float:
    """Exact McNemar p: do two classifiers on the same deals differ in accuracy?

    The arguments are the discordant counts; the test is a two-sided binomial
    test of one against their sum at 1/2.

    >>> round(mcnemar_p(10, 2), 4)
    0.0386
    """
    b, c = int(only_first_right), int(only_second_right)
    if b + c == 0:
        return 1.0
    return float(_st.binomtest(b, b + c, 0.5).pvalue)


def share_exceeds_p(count, total, share: float) -> np.ndarray:
    """One-sided exact binomial p that a share ``count / total`` exceeds ``share``.

    >>> round(float(share_exceeds_p(8, 10, 0.5)[0]), 4)
    0.0547
    """
    k = np.atleast_1d(np.asarray(count, dtype="int64"))
    n = np.atleast_1d(np.asarray(total, dtype="int64"))
    return np.where(n > 0, _st.binom.sf(k - 1, np.maximum(n, 1), share), 1.0)
