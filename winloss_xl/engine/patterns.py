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

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import stats
from ..fields import ATTRIBUTE, PROCESS
from .clusters import SegmentClusters, segment_clusters
from .prepare import NOT_RECORDED, Dimension, Prepared

PATTERN_COLUMNS = ["Dimension", "Segment", "Deals", "Won", "Lost", "Win rate", "CI low", "CI high",
                   "Lift", "p-value", "q-value", "Verdict", "Role", "Avg won amount", "Won amount",
                   "Median cycle (days)"]
#: Shown after the contract columns when the deals carry an account key.
ACCOUNTS = "Accounts"
DRIVER_COLUMNS = ["Segment", "Deals", "Won", "Win rate", "CI low", "CI high", "Lift", "q-value",
                  "Lost", "p-value", "Verdict", "Win rate of first condition",
                  "Win rate of second condition"]
OWNER_COLUMNS = ["Owner", "Deals", "Won", "Win rate", "Expected win rate", "Difference", "q-value",
                 "Lost", "CI low", "CI high", "Expected wins", "p-value", "Assessment"]

#: Driver candidates whose approximate p exceeds this are not tested exactly (they keep the
#: approximate p). Safe for every accepted setting: such a candidate's exact p is above
#: config.MAX_FDR, so it could not be significant at any false-discovery rate a user may set.
SCREEN_P = 0.5

#: Dimensions never combined into drivers (owners are compared fairly on their own).
DRIVER_EXCLUDED = ("owner",)
#: A condition pair covering this share of either condition's deals is one condition, not two.
NEST_SHARE = 0.95
#: Two drivers sharing this share of the smaller one's deals are one finding.
OVERLAP_SHARE = 0.8


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
    """tblPatterns: every dimension's segments, each tested against the rest of the closed deals.

    All segments go through one :func:`stats.segment_table` call; rows follow the dimension
    order of ``prep``. Attributes are one Benjamini-Hochberg family and process measures
    another (they are descriptive: a difference there partly follows from the outcome).
    With account keys, every segment shows its accounts and is tested on cluster-adjusted
    counts (:mod:`.clusters`).
    """
    if not prep.n or not prep.dims:
        return empty(PATTERN_COLUMNS)
    cfg = prep.config
    median = GroupMedian(prep.cycle)
    parts = [_segment_counts(prep, dim, median) for dim in prep.dims]
    cat = {key: np.concatenate([p[key] for p in parts]) for key in parts[0] if key != "labels"}
    clusters = _clusters(prep, parts) if prep.accounts is not None else None
    table = stats.segment_table(
        [lab for p in parts for lab in p["labels"]], cat["k"], cat["n"], total_won=prep.total_won,
        total_n=prep.n, min_deals=cfg.min_deals, fdr=cfg.fdr, confidence=cfg.confidence,
        correct=False, accounts=None if clusters is None else clusters.accounts,
        min_accounts=cfg.min_accounts,
        effective=None if clusters is None else (clusters.eff_won, clusters.eff_n,
                                                 clusters.eff_total_won, clusters.eff_total_n))
    roles = np.concatenate([np.full(len(p["k"]), PROCESS if d.is_process else ATTRIBUTE, dtype=object)
                            for p, d in zip(parts, prep.dims)])
    stats.correct_families(table, roles, min_deals=cfg.min_deals, fdr=cfg.fdr,
                           min_accounts=cfg.min_accounts)
    table.insert(0, "Dimension", [d.label for p, d in zip(parts, prep.dims) for _ in p["k"]])
    table["Role"] = roles
    with np.errstate(divide="ignore", invalid="ignore"):
        table["Avg won amount"] = np.where(cat["wcnt"] > 0, cat["wsum"] / cat["wcnt"], np.nan)
    table["Won amount"] = np.where(cat["wcnt"] > 0, cat["wsum"], np.nan)
    table["Median cycle (days)"] = cat["median"]
    columns = PATTERN_COLUMNS if clusters is None else [*PATTERN_COLUMNS[:13], ACCOUNTS,
                                                        *PATTERN_COLUMNS[13:]]
    return table[columns]


def _segment_counts(prep: Prepared, dim: Dimension, median: GroupMedian) -> dict:
    """Deals, wins, won amounts and median cycle of one dimension's segments that hold deals."""
    won = prep.won
    amount_known = ~np.isnan(prep.amount)
    # outcome and "won with a known amount" in one small code: 0 lost, 1 won without, 3 won with amount
    status = won.astype("int64") + 2 * (won & amount_known)
    codes = dim.codes_with_missing()
    size = dim.size + 1
    counts = np.bincount(codes * 4 + status, minlength=size * 4).reshape(size, 4)
    n = counts.sum(axis=1)
    won_amount = np.where(won & amount_known, prep.amount, 0.0)
    with np.errstate(over="ignore", invalid="ignore"):
        wsum = (np.bincount(codes, weights=won_amount, minlength=size) if (won & amount_known).any()
                else np.zeros(size))
    keep = np.flatnonzero(n > 0)
    names = [*dim.levels, NOT_RECORDED]
    return {"labels": [names[i] for i in keep], "k": (counts[:, 1] + counts[:, 3])[keep],
            "n": n[keep], "wcnt": counts[keep, 3],
            "wsum": np.where(np.isfinite(wsum), wsum, np.nan)[keep],
            "median": median(codes, size)[keep], "levels": keep}


def _clusters(prep: Prepared, parts: list[dict]) -> SegmentClusters:
    """Accounts and cluster-adjusted counts of every segment, in table order."""
    assert prep.accounts is not None
    out = []
    for dim, part in zip(prep.dims, parts):
        res = segment_clusters(dim.codes_with_missing(), dim.size + 1, prep.accounts, prep.won)
        out.append([getattr(res, f)[part["levels"]] for f in
                    ("accounts", "eff_won", "eff_n", "eff_total_won", "eff_total_n")])
    return SegmentClusters(*(np.concatenate([o[i] for o in out]) for i in range(5)))


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


@dataclass
class _Candidates:
    """Two-condition segments: labels, conditions, counts and their parents' counts."""

    label: list[str] = field(default_factory=list)
    cond: list[tuple[int, int, int, int]] = field(default_factory=list)  # dim i, level a, dim j, level b
    parts: dict[str, list[np.ndarray]] = field(default_factory=lambda: {
        c: [] for c in ("k", "n", "ka", "na", "kb", "nb", "accounts", "ek", "en", "etk", "etn")})

    def arrays(self) -> dict[str, np.ndarray]:
        return {c: np.concatenate(v) if v else np.zeros(0, dtype="int64")
                for c, v in self.parts.items()}


def driver_dimensions(prep: Prepared) -> list[Dimension]:
    """Dimensions that may be a driver condition: attributes other than owner."""
    return [d for d in prep.dims if d.field not in DRIVER_EXCLUDED and not d.is_process]


def drivers_table(prep: Prepared) -> tuple[pd.DataFrame, int]:
    """tblDrivers (significant drivers, strongest first, at most ``top_drivers``) and family size.

    A candidate holds at least ``min_deals`` deals (and ``min_accounts`` accounts when known),
    and each condition leaves out at least a twentieth of the other's deals: a pair where one
    condition nearly implies the other (a subgroup inside its group) is one condition, not two.
    Of two significant drivers that share most of their deals only the stronger is reported.
    """
    cfg = prep.config
    dims = driver_dimensions(prep)
    if len(dims) < 2 or prep.n == 0:
        return empty(DRIVER_COLUMNS), 0
    cands = _driver_candidates(prep, dims)
    if not cands.label:
        return empty(DRIVER_COLUMNS), 0
    a = cands.arrays()
    p = _driver_p(prep, a)
    q = stats.benjamini_hochberg(p)
    sig = np.flatnonzero(q <= cfg.fdr)
    if sig.size == 0:
        return empty(DRIVER_COLUMNS), len(p)
    order = _select_drivers(prep, dims, cands, a, q, sig)
    return _driver_rows(prep, cands, a, p, q, order), len(p)


def _driver_candidates(prep: Prepared, dims: list[Dimension]) -> _Candidates:
    cfg = prep.config
    won = prep.won.astype("int64")
    parents = []
    for d in dims:
        c = d.codes_with_missing()
        parents.append((c, np.bincount(c, minlength=d.size + 1),
                        np.bincount(c, weights=won, minlength=d.size + 1).round().astype("int64")))
    out = _Candidates()
    with_won = [c * 2 + won for c, _, _ in parents]  # second-condition code and outcome in one
    for i in range(len(dims)):
        ca, na, ka = parents[i]
        la = dims[i].size + 1
        for j in range(i + 1, len(dims)):
            _, nb, kb = parents[j]
            lb = dims[j].size + 1
            counts = np.bincount(ca * (lb * 2) + with_won[j], minlength=la * lb * 2).reshape(la, lb, 2)
            n, k = counts[:, :, 0] + counts[:, :, 1], counts[:, :, 1]
            cand = (n >= cfg.min_deals) & (n < NEST_SHARE * na[:, None]) & (n < NEST_SHARE * nb[None, :])
            cand[-1, :] = False  # "not recorded" is never a driver condition
            cand[:, -1] = False
            clusters = None
            if prep.accounts is not None and cand.any():
                clusters = segment_clusters(ca * lb + parents[j][0], la * lb, prep.accounts, prep.won)
                cand &= clusters.accounts.reshape(la, lb) >= cfg.min_accounts
            ia, ib = np.nonzero(cand)
            if ia.size == 0:
                continue
            _add_candidates(out, dims, (i, j), (ia, ib), (k, n, ka, na, kb, nb), clusters, lb)
    return out


def _add_candidates(out: _Candidates, dims: list[Dimension], pair: tuple[int, int], idx,
                    counts, clusters: SegmentClusters | None, lb: int) -> None:
    (i, j), (ia, ib) = pair, idx
    k, n, ka, na, kb, nb = counts
    flat = ia * lb + ib
    values = {"k": k[ia, ib], "n": n[ia, ib], "ka": ka[ia], "na": na[ia], "kb": kb[ib], "nb": nb[ib]}
    if clusters is not None:
        values.update(accounts=clusters.accounts[flat], ek=clusters.eff_won[flat],
                      en=clusters.eff_n[flat], etk=clusters.eff_total_won[flat],
                      etn=clusters.eff_total_n[flat])
    for key, v in values.items():
        out.parts[key].append(np.asarray(v, dtype="int64"))
    out.label.extend(f"{dims[i].label} = {dims[i].levels[a]} and {dims[j].label} = {dims[j].levels[b]}"
                     for a, b in zip(ia, ib))
    out.cond.extend((i, int(a), j, int(b)) for a, b in zip(ia, ib))


def _driver_p(prep: Prepared, a: dict[str, np.ndarray]) -> np.ndarray:
    """Intersection-union p of each candidate: the largest of its tests against the rest and
    against each of its two conditions alone, all in the same direction."""
    cfg = prep.config
    k, n = a["k"], a["n"]
    tk, tn = prep.total_won, prep.n
    if a["en"].size:  # cluster-adjusted counts for the test against the rest
        k_t, n_t, tk, tn = a["ek"], a["en"], a["etk"], a["etn"]
    else:
        k_t, n_t = k, n
    rate, overall = k / n, prep.total_won / prep.n
    # exact tests only where the normal approximation leaves any chance of significance
    p_all = stats.z_vs_rest_p(k_t, n_t, tk, tn)
    screen = np.flatnonzero(p_all <= SCREEN_P)
    p_all[screen] = stats.fisher_vs_rest_fast(k_t[screen], n_t[screen],
                                              np.broadcast_to(tk, k.shape)[screen],
                                              np.broadcast_to(tn, k.shape)[screen])
    sign = np.sign(rate - overall)
    same_way = ((sign != 0) & (np.sign(rate - a["ka"] / a["na"]) == sign)
                & (np.sign(rate - a["kb"] / a["nb"]) == sign))
    # The parent tests only matter where p_all could still be significant: a candidate
    # whose p exceeds fdr can neither be significant nor pull another q-value to or
    # below fdr, so for the others p_all (a lower bound of their p) is kept.
    p = np.where(same_way, p_all, 1.0)
    live = np.flatnonzero(same_way & (p_all <= cfg.fdr))
    if live.size:
        p_a = stats.fisher_vs_rest_fast(k[live], n[live], a["ka"][live], a["na"][live])
        p_b = stats.fisher_vs_rest_fast(k[live], n[live], a["kb"][live], a["nb"][live])
        p[live] = np.maximum(np.maximum(p_all[live], p_a), p_b)
    return p


def _select_drivers(prep: Prepared, dims: list[Dimension], cands: _Candidates,
                    a: dict[str, np.ndarray], q: np.ndarray, sig: np.ndarray) -> np.ndarray:
    """The strongest significant drivers, skipping any that mostly repeats a kept one's deals."""
    rate = a["k"] / a["n"]
    overall = prep.total_won / prep.n
    strength = np.abs(np.log(np.where(rate > 0, rate, 1e-9) / overall))
    ranked = sorted(sig, key=lambda i: (q[i], -strength[i], cands.label[i]))
    kept: list[int] = []
    masks: list[np.ndarray] = []
    for idx in ranked:
        if len(kept) >= prep.config.top_drivers:
            break
        i, la, j, lb = cands.cond[idx]
        mask = (dims[i].codes == la) & (dims[j].codes == lb)
        size = int(mask.sum())
        if any(int((mask & m).sum()) >= OVERLAP_SHARE * min(size, int(m.sum())) for m in masks):
            continue
        kept.append(idx)
        masks.append(mask)
    return np.asarray(kept, dtype="int64")


def _driver_rows(prep: Prepared, cands: _Candidates, a: dict[str, np.ndarray], p: np.ndarray,
                 q: np.ndarray, order: np.ndarray) -> pd.DataFrame:
    cfg = prep.config
    k, n = a["k"][order], a["n"][order]
    rate, overall = k / n, prep.total_won / prep.n
    low, high = stats.wilson_interval(k, n, cfg.confidence)
    table = pd.DataFrame({
        "Segment": [cands.label[i] for i in order], "Deals": n, "Won": k, "Win rate": rate,
        "CI low": np.atleast_1d(low), "CI high": np.atleast_1d(high),
        "Lift": np.atleast_1d(stats.lift(rate, overall)), "q-value": q[order], "Lost": n - k,
        "p-value": p[order],
    })
    table["Verdict"] = [stats.verdict(int(m), float(lf), float(qq), min_deals=cfg.min_deals, fdr=cfg.fdr)
                        for m, lf, qq in zip(table["Deals"], table["Lift"], table["q-value"])]
    table["Win rate of first condition"] = (a["ka"] / a["na"])[order]
    table["Win rate of second condition"] = (a["kb"] / a["nb"])[order]
    columns = list(DRIVER_COLUMNS)
    if a["accounts"].size:
        table[ACCOUNTS] = a["accounts"][order]
        columns.append(ACCOUNTS)
    return table[columns]


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
