"""Deals cluster in accounts: distinct accounts per segment and cluster-adjusted counts.

Deals of one account are not independent: a 40-deal segment that is one
customer is one piece of evidence, not forty. When the deals carry an account
key, every segment reports its number of distinct accounts, and its test uses
the Rao-Scott adjustment for clustered binary data (Rao & Scott 1992, "A simple
method for the analysis of clustered binary data", Biometrics 48:577-585):

- for the segment and for the rest of the deals separately, the design effect
  ``deff = V_cluster / V_binomial`` compares the cluster-robust variance of the
  win rate (the ratio-estimator variance over accounts,
  ``m/(m-1) * sum_c (won_c - p * deals_c)^2 / n^2``) with the binomial variance
  ``p (1 - p) / n``; a deff below 1 is taken as 1, and a group of a single
  account has deff ``n`` (one account is one observation);
- deals and wins are divided by their group's deff (the *effective* counts) and
  the exact test runs on the effective 2x2 table.

Without clustering every deff is 1 and the test is the plain exact test. Deals
without an account key count as an account each. See docs/statistics.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Accounts:
    """Account codes of the closed deals (each deal without a key is an account of its own)."""

    codes: np.ndarray
    count: int
    #: deals and wins per account
    deals: np.ndarray
    wins: np.ndarray

    @classmethod
    def from_codes(cls, codes: np.ndarray, won: np.ndarray) -> Accounts:
        """From account codes (``-1`` = no key) of the closed deals and their outcome."""
        codes = np.asarray(codes, dtype="int64").copy()
        missing = codes < 0
        known = int(codes.max()) + 1 if (~missing).any() else 0
        codes[missing] = known + np.arange(int(missing.sum()))
        count = known + int(missing.sum())
        deals = np.bincount(codes, minlength=count).astype("float64")
        wins = np.bincount(codes, weights=won.astype("float64"), minlength=count)
        return cls(codes, count, deals, wins)


@dataclass(frozen=True)
class SegmentClusters:
    """Per segment: distinct accounts, and the effective (cluster-adjusted) counts."""

    accounts: np.ndarray
    eff_won: np.ndarray
    eff_n: np.ndarray
    eff_total_won: np.ndarray
    eff_total_n: np.ndarray


def segment_clusters(groups: np.ndarray, size: int, acc: Accounts, won: np.ndarray
                     ) -> SegmentClusters:
    """Accounts and effective counts of each group ``0..size-1`` of ``groups`` (one per deal)
    against the rest of the deals."""
    pair = groups.astype("int64") * acc.count + acc.codes
    uniq, inverse = np.unique(pair, return_inverse=True)
    seg = uniq // acc.count
    cluster = uniq % acc.count
    n_sc = np.bincount(inverse, minlength=len(uniq)).astype("float64")
    k_sc = np.bincount(inverse, weights=won.astype("float64"), minlength=len(uniq))
    accounts = np.bincount(seg, minlength=size)
    n_s = np.bincount(seg, weights=n_sc, minlength=size)
    k_s = np.bincount(seg, weights=k_sc, minlength=size)
    n_tot, k_tot = float(acc.deals.sum()), float(acc.wins.sum())
    n_r, k_r = n_tot - n_s, k_tot - k_s
    with np.errstate(divide="ignore", invalid="ignore"):
        p_s = np.where(n_s > 0, k_s / n_s, 0.0)
        p_r = np.where(n_r > 0, k_r / n_r, 0.0)
    # segment: sum over its accounts of (k_sc - p_s n_sc)^2
    ss_s = np.bincount(seg, weights=(k_sc - p_s[seg] * n_sc) ** 2, minlength=size)
    # rest: sum over all accounts of (k_c - k_sc - p_r (n_c - n_sc))^2, from global sums
    a_all = _rest_sum_of_squares(acc, p_r)
    a_c = acc.wins[cluster] - p_r[seg] * acc.deals[cluster]
    b_sc = k_sc - p_r[seg] * n_sc
    ss_r = a_all + np.bincount(seg, weights=b_sc ** 2 - 2 * a_c * b_sc, minlength=size)
    full = np.bincount(seg, weights=(n_sc >= acc.deals[cluster]).astype("float64"), minlength=size)
    m_r = acc.count - full
    deff_s = _deff(ss_s, accounts, n_s, p_s)
    deff_r = _deff(ss_r, m_r, n_r, p_r)
    eff_n_s, eff_k_s = _effective(n_s, k_s, deff_s)
    eff_n_r, eff_k_r = _effective(n_r, k_r, deff_r)
    return SegmentClusters(accounts, eff_k_s, eff_n_s, eff_k_s + eff_k_r, eff_n_s + eff_n_r)


def _rest_sum_of_squares(acc: Accounts, p: np.ndarray) -> np.ndarray:
    """sum_c (wins_c - p deals_c)^2 for each p, from three global sums."""
    kk = float((acc.wins ** 2).sum())
    kn = float((acc.wins * acc.deals).sum())
    nn = float((acc.deals ** 2).sum())
    return kk - 2 * p * kn + p * p * nn


def _deff(sum_sq: np.ndarray, clusters: np.ndarray, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Design effect of a group's win rate (at least 1; a one-account group counts as one deal)."""
    m = clusters.astype("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        v_cluster = np.where(m > 1, m / (m - 1) * sum_sq / (n * n), np.nan)
        v_binom = p * (1 - p) / n
        deff = np.where(v_binom > 0, v_cluster / v_binom, 1.0)
    deff = np.where(m <= 1, np.maximum(n, 1.0), deff)
    return np.maximum(np.nan_to_num(deff, nan=1.0, posinf=1.0), 1.0)


def _effective(n: np.ndarray, k: np.ndarray, deff: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Counts divided by the design effect, rounded, wins kept within deals."""
    eff_n = np.maximum(np.rint(n / deff), np.where(n > 0, 1, 0)).astype("int64")
    eff_k = np.clip(np.rint(k / deff), 0, eff_n).astype("int64")
    return eff_n, eff_k
