"""Win rate by dimension (tblPatterns), key drivers (tblDrivers) and fair owner comparison (tblOwners).

All counts are ``numpy.bincount`` over the integer codes of :mod:`prepare`;
every statistic comes from :mod:`winloss_xl.stats`.

- Patterns: one row per segment of every dimension, tested against the rest of
  the closed deals (Fisher exact); the whole table is one Benjamini-Hochberg
  family.
- Drivers: two-condition segments (A = a and B = b). A driver must differ from
  the overall win rate *and* from each one-condition parent, all in the same
  direction: its p-value is the largest of the three Fisher p-values (an
  intersection-union test), and the candidates are one BH family.
- Owners: expected win rate by indirect standardisation: every deal is given
  the win rate of its stratum (industry x deal-size band over all closed deals);
  an owner's expected rate is the mean over their deals. Actual vs expected wins
  is tested with the exact Poisson-binomial test (normal approximation for
  owners with very many deals); owners are one BH family.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import stats
from .prepare import NOT_RECORDED, Dimension, Prepared

PATTERN_COLUMNS = ["Dimension", "Segment", "Deals", "Won", "Lost", "Win rate", "CI low", "CI high",
                   "Lift", "p-value", "q-value", "Verdict", "Avg won amount", "Won amount",
                   "Median cycle (days)"]
DRIVER_COLUMNS = ["Segment", "Deals", "Won", "Win rate", "CI low", "CI high", "Lift", "q-value",
                  "Lost", "p-value", "Verdict", "Win rate of first condition",
                  "Win rate of second condition"]
OWNER_COLUMNS = ["Owner", "Deals", "Won", "Win rate", "Expected win rate", "Difference", "q-value",
                 "Lost", "CI low", "CI high", "Expected wins", "p-value", "Assessment"]

#: Driver candidates whose approximate p exceeds this are not tested exactly (they keep the
#: approximate p, which is far above any false-discovery rate and so cannot be significant).
SCREEN_P = 0.5

#: Dimensions never combined into drivers (owners are compared fairly on their own).
DRIVER_EXCLUDED = ("owner",)


def empty(columns: list[str]) -> pd.DataFrame:
    """A table with the given columns and no rows."""
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


class GroupMedian:
    """Medians of one value array per group of any coding, sorting the values only once.

    The values are sorted once; per coding, a stable (radix) sort of the group
    codes in value order puts each group's values in order, and the median is
    read at the middle rank(s) of each group.
    """

    #: Use a (group x distinct value) histogram when it has at most this many cells.
    MAX_HISTOGRAM = 4_000_000

    def __init__(self, values: np.ndarray) -> None:
        self.known = ~np.isnan(values)
        v = values[self.known]
        self.uniq, self.rank = np.unique(v, return_inverse=True)
        self.order = None
        self.sorted = v

    def __call__(self, codes: np.ndarray, size: int) -> np.ndarray:
        out = np.full(size, np.nan)
        if self.sorted.size == 0:
            return out
        n_u = len(self.uniq)
        if n_u * size <= self.MAX_HISTOGRAM:
            # few distinct values (whole days): per-group histogram, median from cumulative counts
            hist = np.bincount(codes[self.known] * n_u + self.rank, minlength=size * n_u).reshape(size, n_u)
            cum = np.cumsum(hist, axis=1)
            counts = cum[:, -1]
            has = np.flatnonzero(counts > 0)
            lo_rank = (counts[has] - 1) // 2
            hi_rank = counts[has] // 2
            lo = (cum[has] > lo_rank[:, None]).argmax(axis=1)
            hi = (cum[has] > hi_rank[:, None]).argmax(axis=1)
            out[has] = (self.uniq[lo] + self.uniq[hi]) / 2
            return out
        if self.order is None:
            self.order = np.argsort(self.sorted, kind="stable")
            self.sorted = self.sorted[self.order]
        dtype = "int16" if size < 2 ** 15 else "int64"
        c = codes[self.known][self.order].astype(dtype)
        perm = np.argsort(c, kind="stable")
        vals = self.sorted[perm]
        counts = np.bincount(c, minlength=size)
        starts = np.cumsum(counts) - counts
        has = counts > 0
        lo = starts[has] + (counts[has] - 1) // 2
        hi = starts[has] + counts[has] // 2
        out[has] = (vals[lo] + vals[hi]) / 2
        return out


def patterns_table(prep: Prepared) -> pd.DataFrame:
    """tblPatterns: every dimension's segments, tested and corrected together as one family.

    All segments go through one :func:`stats.segment_table` call (every segment is compared
    with the rest of the same closed deals); rows follow the dimension order of ``prep``.
    """
    if not prep.n or not prep.dims:
        return empty(PATTERN_COLUMNS)
    cfg = prep.config
    won = prep.won
    amount_known = ~np.isnan(prep.amount)
    won_amount = np.where(won & amount_known, prep.amount, 0.0)
    # outcome and "won with a known amount" in one small code: 0 lost, 1 won without, 3 won with amount
    status = won.astype("int64") + 2 * (won & amount_known)
    has_amount = bool((won & amount_known).any())
    median = GroupMedian(prep.cycle)
    labels: list[object] = []
    dim_labels: list[str] = []
    k_all, n_all, wcnt_all, wsum_all, med_all = [], [], [], [], []
    for dim in prep.dims:
        codes = dim.codes_with_missing()
        size = dim.size + 1
        counts = np.bincount(codes * 4 + status, minlength=size * 4).reshape(size, 4)
        n = counts.sum(axis=1)
        k = counts[:, 1] + counts[:, 3]
        wcnt = counts[:, 3]
        with np.errstate(over="ignore", invalid="ignore"):
            wsum = (np.bincount(codes, weights=won_amount, minlength=size) if has_amount
                    else np.zeros(size))
        wsum = np.where(np.isfinite(wsum), wsum, np.nan)
        keep = np.flatnonzero(n > 0)
        level_names = [*dim.levels, NOT_RECORDED]
        labels += [level_names[i] for i in keep]
        dim_labels += [dim.label] * len(keep)
        k_all.append(k[keep])
        n_all.append(n[keep])
        wcnt_all.append(wcnt[keep])
        wsum_all.append(wsum[keep])
        med_all.append(median(codes, size)[keep])
    table = stats.segment_table(
        labels, np.concatenate(k_all), np.concatenate(n_all), total_won=prep.total_won,
        total_n=prep.n, min_deals=cfg.min_deals, fdr=cfg.fdr, confidence=cfg.confidence)
    table.insert(0, "Dimension", dim_labels)
    wcnt, wsum = np.concatenate(wcnt_all), np.concatenate(wsum_all)
    with np.errstate(divide="ignore", invalid="ignore"):
        table["Avg won amount"] = np.where(wcnt > 0, wsum / wcnt, np.nan)
    table["Won amount"] = np.where(wcnt > 0, wsum, np.nan)
    table["Median cycle (days)"] = np.concatenate(med_all)
    return table[PATTERN_COLUMNS]


def by_dimension(prep: Prepared, table: pd.DataFrame) -> list[tuple[Dimension, pd.DataFrame]]:
    """:func:`patterns_table`'s rows split per dimension (renumbered from 0), in dimension order.

    Split by position, as the table was built: each dimension has one row per level (and
    "not recorded") that holds closed deals, so two dimensions with the same label stay apart.
    """
    if table.empty:
        return []
    sizes = [int(np.count_nonzero(np.bincount(d.codes_with_missing(), minlength=d.size + 1)))
             for d in prep.dims]
    bounds = np.cumsum([0, *sizes])
    return [(dim, table.iloc[a:b].reset_index(drop=True))
            for dim, a, b in zip(prep.dims, bounds[:-1], bounds[1:])]


def drivers_table(prep: Prepared) -> tuple[pd.DataFrame, int]:
    """tblDrivers (significant drivers, strongest first, at most ``top_drivers``) and family size."""
    cfg = prep.config
    dims = [d for d in prep.dims if d.field not in DRIVER_EXCLUDED]
    total_n, total_won = prep.n, prep.total_won
    if len(dims) < 2 or total_n == 0:
        return empty(DRIVER_COLUMNS), 0
    won = prep.won.astype("int64")
    parents = []
    for d in dims:
        c = d.codes_with_missing()
        parents.append((c, np.bincount(c, minlength=d.size + 1),
                        np.bincount(c, weights=won, minlength=d.size + 1).round().astype("int64")))
    rows = {"label": [], "k": [], "n": [], "ka": [], "na": [], "kb": [], "nb": []}
    with_won = [c * 2 + won for c, _, _ in parents]  # second-condition code and outcome in one
    for i in range(len(dims)):
        ca, na, ka = parents[i]
        la = dims[i].size + 1
        for j in range(i + 1, len(dims)):
            _, nb, kb = parents[j]
            lb = dims[j].size + 1
            combo = ca * (lb * 2) + with_won[j]
            counts = np.bincount(combo, minlength=la * lb * 2).reshape(la, lb, 2)
            n = counts[:, :, 0] + counts[:, :, 1]
            k = counts[:, :, 1]
            n_par_a = na[:, None]
            n_par_b = nb[None, :]
            cand = (n >= cfg.min_deals) & (n < n_par_a) & (n < n_par_b)
            cand[-1, :] = False  # "not recorded" is never a driver condition
            cand[:, -1] = False
            ia, ib = np.nonzero(cand)
            if ia.size == 0:
                continue
            rows["k"].append(k[ia, ib])
            rows["n"].append(n[ia, ib])
            rows["ka"].append(ka[ia])
            rows["na"].append(na[ia])
            rows["kb"].append(kb[ib])
            rows["nb"].append(nb[ib])
            rows["label"].extend(
                f"{dims[i].label} = {dims[i].levels[a]} and {dims[j].label} = {dims[j].levels[b]}"
                for a, b in zip(ia, ib))
    if not rows["label"]:
        return empty(DRIVER_COLUMNS), 0
    k, n, ka, na, kb, nb = (np.concatenate(rows[c]) for c in ("k", "n", "ka", "na", "kb", "nb"))
    rate = k / n
    overall = total_won / total_n
    rate_a, rate_b = ka / na, kb / nb
    # exact tests only where the normal approximation leaves any chance of significance
    p_all = stats.z_vs_rest_p(k, n, total_won, total_n)
    screen = np.flatnonzero(p_all <= SCREEN_P)
    p_all[screen] = stats.fisher_vs_rest_fast(k[screen], n[screen], total_won, total_n)
    sign = np.sign(rate - overall)
    same_way = (sign != 0) & (np.sign(rate - rate_a) == sign) & (np.sign(rate - rate_b) == sign)
    # The parent tests only matter where p_all could still be significant: a candidate
    # whose p exceeds fdr can neither be significant nor pull another q-value to or
    # below fdr, so for the others p_all (a lower bound of their p) is kept.
    p = np.where(same_way, p_all, 1.0)
    live = np.flatnonzero(same_way & (p_all <= cfg.fdr))
    if live.size:
        p_a = stats.fisher_vs_rest_fast(k[live], n[live], ka[live], na[live])
        p_b = stats.fisher_vs_rest_fast(k[live], n[live], kb[live], nb[live])
        p[live] = np.maximum(np.maximum(p_all[live], p_a), p_b)
    q = stats.benjamini_hochberg(p)
    family = len(p)
    sig = np.flatnonzero(q <= cfg.fdr)
    if sig.size == 0:
        return empty(DRIVER_COLUMNS), family
    labels = np.asarray(rows["label"], dtype=object)
    strength = np.abs(np.log(np.where(rate > 0, rate, 1e-9) / overall))
    order = sorted(sig, key=lambda i: (q[i], -strength[i], labels[i]))[: cfg.top_drivers]
    order = np.asarray(order, dtype="int64")
    low, high = stats.wilson_interval(k[order], n[order], cfg.confidence)
    table = pd.DataFrame({
        "Segment": labels[order].tolist(),
        "Deals": n[order],
        "Won": k[order],
        "Win rate": rate[order],
        "CI low": np.atleast_1d(low),
        "CI high": np.atleast_1d(high),
        "Lift": np.atleast_1d(stats.lift(rate[order], overall)),
        "q-value": q[order],
        "Lost": n[order] - k[order],
        "p-value": p[order],
    })
    table["Verdict"] = [stats.verdict(int(m), float(lf), float(qq), min_deals=cfg.min_deals, fdr=cfg.fdr)
                        for m, lf, qq in zip(table["Deals"], table["Lift"], table["q-value"])]
    table["Win rate of first condition"] = rate_a[order]
    table["Win rate of second condition"] = rate_b[order]
    return table[DRIVER_COLUMNS], family


def owners_table(prep: Prepared) -> tuple[pd.DataFrame, str]:
    """tblOwners and a note saying what the expected win rate is standardised over."""
    cfg = prep.config
    owner = prep.dim("owner")
    if owner is None or prep.n == 0:
        return empty(OWNER_COLUMNS), "No owner column was found, so owners are not compared."
    strata_dims = [d for d in (prep.dim("industry"), prep.dim("amount")) if d is not None]
    strata = np.zeros(prep.n, dtype="int64")
    size = 1
    for d in strata_dims:
        strata = strata * (d.size + 1) + d.codes_with_missing()
        size *= d.size + 1
    if strata_dims:
        note = ("Expected win rate: each deal gets the win rate of all deals in its "
                + " x ".join(d.label.lower() for d in strata_dims)
                + " group; an owner's expected rate is the average over their deals.")
    else:
        note = ("Expected win rate is the overall win rate, because neither industry nor deal "
                "size was recorded to adjust for each owner's deal mix.")
    won = prep.won.astype("int64")
    s_n = np.bincount(strata, minlength=size)
    s_k = np.bincount(strata, weights=won, minlength=size)
    with np.errstate(divide="ignore", invalid="ignore"):
        s_rate = np.where(s_n > 0, s_k / np.maximum(s_n, 1), 0.0)
    oc = owner.codes
    has = oc >= 0
    o_size = owner.size
    mix = np.bincount(oc[has] * size + strata[has], minlength=o_size * size).reshape(o_size, size)
    n = mix.sum(axis=1)
    k = np.bincount(oc[has], weights=won[has], minlength=o_size).round().astype("int64")
    expected = mix @ s_rate
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(n > 0, k / np.maximum(n, 1), np.nan)
        exp_rate = np.where(n > 0, expected / np.maximum(n, 1), np.nan)
    p = np.full(o_size, np.nan)
    for o in np.flatnonzero(n >= cfg.min_deals):
        cols = np.flatnonzero(mix[o])
        p[o] = stats.expected_vs_actual_p(int(k[o]), s_rate[cols], mix[o, cols])
    q = stats.benjamini_hochberg(p)
    low, high = stats.wilson_interval(k, n, cfg.confidence)
    table = pd.DataFrame({
        "Owner": owner.levels,
        "Deals": n,
        "Won": k,
        "Win rate": rate,
        "Expected win rate": exp_rate,
        "Difference": rate - exp_rate,
        "q-value": q,
        "Lost": n - k,
        "CI low": np.atleast_1d(low),
        "CI high": np.atleast_1d(high),
        "Expected wins": expected,
        "p-value": p,
    })
    table["Assessment"] = [_assessment(int(m), float(d), float(qq), cfg.min_deals, cfg.fdr)
                           for m, d, qq in zip(n, table["Difference"], q)]
    table = table[table["Deals"] > 0]
    table = table.sort_values(["Deals", "Owner"], ascending=[False, True], kind="mergesort")
    return table.reset_index(drop=True)[OWNER_COLUMNS], note


def _assessment(n: int, diff: float, q: float, min_deals: int, fdr: float) -> str:
    if n < min_deals:
        return stats.TOO_FEW
    if not np.isnan(q) and q <= fdr:
        return "Above expected" if diff > 0 else "Below expected"
    return "As expected"
