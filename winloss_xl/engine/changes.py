"""What changed between two periods: segment changes, the rate/mix split and loss reasons.

The two periods are masks over the closed deals of one :class:`~.prepare.Prepared`, so
both periods share the same segments and bands (a quantile band means the same deals
in both). Every statistic comes from :mod:`winloss_xl.stats`:

- tblChanges: every segment of every dimension, baseline against current: deals and
  win rate in each period, the change in points with Newcombe's 95% interval, and the
  two-sided Fisher exact test of the two rates. Attributes are one Benjamini-Hochberg
  family and process measures another (as in tblPatterns). With account keys, the test
  and interval run on cluster-adjusted counts per period (:mod:`.clusters`), and a
  segment with fewer than ``min_accounts`` accounts in either period is not tested.
- tblChangeDrivers: per dimension, the midpoint shift-share split of the overall change.
  With segment shares ``w`` and win rates ``r``, ``R1 - R0 = sum (w0 + w1)/2 (r1 - r0)``
  (rate effect) ``+ sum ((r0 + r1)/2 - Rbar) (w1 - w0)`` (mix effect), exactly; ``Rbar``
  is the mean of the two overall rates (it adds zero, as the shares' changes sum to zero,
  but makes each segment's mix term read "a shift toward deals that win less").
  A segment empty in one period takes the other period's rate (no rate change measurable).
- tblChangeLossReasons: each loss category's share of lost deals in each period and
  the Fisher exact test of the two shares, one BH family.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import stats
from ..fields import ATTRIBUTE, PROCESS, field_label
from ..numbers_text import p_text, points_text
from .clusters import Accounts, segment_clusters
from .findings import evidence_words
from .losses import CATEGORIES, UNSPECIFIED, reason_categories
from .prepare import NOT_RECORDED, Dimension, Prepared

IMPROVED, DECLINED, NO_CLEAR_CHANGE = "Improved", "Declined", "No clear change"
CHANGE_VERDICTS = (IMPROVED, DECLINED, NO_CLEAR_CHANGE, stats.TOO_FEW, stats.TOO_FEW_ACCOUNTS)

CHANGE_COLUMNS = ["Dimension", "Segment", "Baseline deals", "Baseline win rate", "Current deals",
                  "Current win rate", "Change (pts)", "CI low (pts)", "CI high (pts)", "q-value",
                  "Verdict", "Baseline won", "Current won", "p-value", "Rate effect (pts)",
                  "Mix effect (pts)", "Role"]
DRIVER_COLUMNS = ["Dimension", "Rate effect (pts)", "Mix effect (pts)", "Total (pts)",
                  "Largest rate contribution", "Largest mix contribution"]
LOSS_CHANGE_COLUMNS = ["Loss reason", "Baseline share", "Current share", "Change (pts)", "q-value",
                       "Baseline lost deals", "Current lost deals", "p-value", "Verdict"]
#: Shown after the change columns when the deals carry an account key.
ACCOUNT_COLUMNS = ["Baseline accounts", "Current accounts"]


@dataclass
class Changes:
    """The comparison of two periods of closed deals (tables carry the contract columns)."""

    baseline: str
    current: str
    base_n: int = 0
    base_won: int = 0
    cur_n: int = 0
    cur_won: int = 0
    #: overall change in points, its interval, and the exact test's p
    change: float = float("nan")
    low: float = float("nan")
    high: float = float("nan")
    p: float = float("nan")
    segments: pd.DataFrame = field(default_factory=lambda: _empty(CHANGE_COLUMNS))
    drivers: pd.DataFrame = field(default_factory=lambda: _empty(DRIVER_COLUMNS))
    loss_reasons: pd.DataFrame = field(default_factory=lambda: _empty(LOSS_CHANGE_COLUMNS))
    #: why there is nothing to compare (empty when there is)
    note: str = ""
    #: why tblChangeLossReasons is empty although the periods compare
    loss_note: str = ""
    fdr: float = 0.10

    @property
    def comparable(self) -> bool:
        """True when both periods hold enough deals to compare."""
        return not self.note

    @property
    def significant(self) -> bool:
        """The overall win rate changed significantly (exact test, p <= fdr)."""
        return self.comparable and not np.isnan(self.p) and self.p <= self.fdr

    @property
    def base_rate(self) -> float:
        return stats.win_rate(self.base_won, self.base_n)

    @property
    def cur_rate(self) -> float:
        return stats.win_rate(self.cur_won, self.cur_n)


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


def compare_periods(prep: Prepared, baseline: np.ndarray, current: np.ndarray, *,
                    labels: tuple[str, str] = ("Baseline", "Current")) -> Changes:
    """Compare the closed deals of ``baseline`` with those of ``current`` (boolean masks over
    ``prep``'s closed deals, which must not overlap). Pure and deterministic."""
    cfg = prep.config
    base, cur = np.asarray(baseline, dtype=bool), np.asarray(current, dtype=bool)
    if (base & cur).any():
        raise ValueError("the baseline and current periods overlap")
    out = Changes(labels[0], labels[1], fdr=cfg.fdr)
    out.base_n, out.cur_n = int(base.sum()), int(cur.sum())
    out.base_won, out.cur_won = int(prep.won[base].sum()), int(prep.won[cur].sum())
    out.note = _why_not(out, cfg.min_deals)
    if out.note:
        return out
    out.change = (out.cur_rate - out.base_rate) * 100
    low, high = stats.rate_difference_interval(out.cur_won, out.cur_n, out.base_won, out.base_n,
                                               cfg.confidence)
    out.low, out.high = low * 100, high * 100
    out.p = float(stats.two_rates_p(out.cur_won, out.cur_n, out.base_won, out.base_n)[0])
    sel = base | cur
    period = cur[sel].astype("int64")  # 0 baseline, 1 current
    won = prep.won[sel]
    accounts = _accounts_of(prep, sel, won)
    rows = np.flatnonzero(sel)  # positions, found once (a mask would search them per dimension)
    parts = [_dimension_counts(d, _codes_in(d, rows), period, won, accounts) for d in prep.dims]
    if parts:
        out.segments = _segment_table(prep, parts)
        out.drivers = _driver_table(parts, out.segments, out.change)
    out.loss_reasons = _loss_table(prep, base, cur)
    if out.loss_reasons.empty or set(out.loss_reasons["Loss reason"]) <= {UNSPECIFIED}:
        out.loss_reasons = _empty(LOSS_CHANGE_COLUMNS)
        out.loss_note = ("No loss reasons were recorded on the lost deals of these periods, so "
                         "there are no loss reasons to compare.")
    return out


def _why_not(out: Changes, min_deals: int) -> str:
    """Why two periods cannot be compared, or "" when they can."""
    if out.base_n == 0 and out.cur_n == 0:
        return (f"Neither {out.baseline} nor {out.current} holds closed deals, so there is "
                "nothing to compare.")
    for name, n in ((out.baseline, out.base_n), (out.current, out.cur_n)):
        if n == 0:
            return (f"{name} holds no closed deals: the data covers one period only, so there is "
                    "nothing to compare it with.")
    for name, n in ((out.baseline, out.base_n), (out.current, out.cur_n)):
        if n < min_deals:
            return (f"{name} holds {n} closed deal{'s' if n != 1 else ''}, fewer than min_deals "
                    f"({min_deals}), too few deals to compare win rates.")
    return ""


def _accounts_of(prep: Prepared, sel: np.ndarray, won: np.ndarray) -> Accounts | None:
    """The accounts of the deals of both periods (renumbered, so none is empty)."""
    if prep.accounts is None:
        return None
    _, codes = np.unique(prep.accounts.codes[sel], return_inverse=True)
    return Accounts.from_codes(codes.astype("int64"), won)


def _codes_in(dim: Dimension, rows: np.ndarray) -> np.ndarray:
    """The dimension's codes of the deals at ``rows``, "not recorded" as the extra level ``size``."""
    codes = dim.codes.take(rows)
    return np.where(codes < 0, dim.size, codes).astype("int64")


def _dimension_counts(dim: Dimension, codes: np.ndarray, period: np.ndarray, won: np.ndarray,
                      accounts: Accounts | None) -> dict:
    """Deals and wins of each segment in each period, and the counts the tests run on."""
    size = dim.size + 1
    groups = codes * 2 + period  # segment x period
    counts = np.bincount(groups * 2 + won, minlength=size * 4).reshape(size, 2, 2)
    n, k = counts.sum(axis=2), counts[:, :, 1]  # (segment, period)
    keep = np.flatnonzero(n.sum(axis=1) > 0)
    part = {"dim": dim, "labels": [[*dim.levels, NOT_RECORDED][i] for i in keep],
            "n": n[keep], "k": k[keep], "en": n[keep], "ek": k[keep], "accounts": None}
    if accounts is not None:
        res = segment_clusters(groups, size * 2, accounts, won)
        part["accounts"] = res.accounts.reshape(size, 2)[keep]
        part["en"] = res.eff_n.reshape(size, 2)[keep]
        part["ek"] = res.eff_won.reshape(size, 2)[keep]
    return part


def _segment_table(prep: Prepared, parts: list[dict]) -> pd.DataFrame:
    """tblChanges: every segment's change, tested, BH-corrected per role, with its verdict."""
    cfg = prep.config
    cat = {key: np.concatenate([p[key] for p in parts]) for key in ("n", "k", "en", "ek")}
    n0, n1, k0, k1 = cat["n"][:, 0], cat["n"][:, 1], cat["k"][:, 0], cat["k"][:, 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        r0, r1 = k0 / n0, k1 / n1
    testable = (n0 >= cfg.min_deals) & (n1 >= cfg.min_deals)
    has_accounts = parts[0]["accounts"] is not None
    if has_accounts:
        acc = np.concatenate([p["accounts"] for p in parts])
        few_accounts = testable & (acc.min(axis=1) < cfg.min_accounts)
        testable &= ~few_accounts
    en, ek = cat["en"], cat["ek"]
    p = np.full(len(n0), np.nan)
    p[testable] = stats.two_rates_p(ek[testable, 1], en[testable, 1], ek[testable, 0],
                                    en[testable, 0])
    # the interval's width from the (adjusted) counts, centred on the real rates
    low, high = stats.rate_difference_interval(r1 * en[:, 1], en[:, 1], r0 * en[:, 0], en[:, 0],
                                               cfg.confidence)
    change = (r1 - r0) * 100
    roles = np.concatenate([np.full(len(pt["labels"]), PROCESS if pt["dim"].is_process else ATTRIBUTE,
                                    dtype=object) for pt in parts])
    q = np.full(len(p), np.nan)
    for role in (ATTRIBUTE, PROCESS):
        rows = np.flatnonzero(roles == role)
        q[rows] = stats.benjamini_hochberg(p[rows])
    verdict = np.where(q <= cfg.fdr, np.where(change > 0, IMPROVED, DECLINED), NO_CLEAR_CHANGE)
    verdict = np.where(testable, verdict, stats.TOO_FEW).astype(object)
    if has_accounts:
        verdict[few_accounts] = stats.TOO_FEW_ACCOUNTS
    rate_fx, mix_fx = _shift_share(parts)
    table = pd.DataFrame({
        "Dimension": [pt["dim"].label for pt in parts for _ in pt["labels"]],
        "Segment": [lab for pt in parts for lab in pt["labels"]],
        "Baseline deals": n0, "Baseline win rate": r0, "Current deals": n1, "Current win rate": r1,
        "Change (pts)": change,
        "CI low (pts)": np.where(testable, np.minimum(low * 100, change), np.nan),
        "CI high (pts)": np.where(testable, np.maximum(high * 100, change), np.nan),
        "q-value": q, "Verdict": verdict, "Baseline won": k0, "Current won": k1, "p-value": p,
        "Rate effect (pts)": rate_fx, "Mix effect (pts)": mix_fx, "Role": roles,
    })
    if has_accounts:
        table[ACCOUNT_COLUMNS[0]], table[ACCOUNT_COLUMNS[1]] = acc[:, 0], acc[:, 1]
    return table


def _shift_share(parts: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    """Each segment's rate and mix contribution to the overall change, in points (midpoint)."""
    rate_out, mix_out = [], []
    for pt in parts:
        n, k = pt["n"].astype("float64"), pt["k"].astype("float64")
        totals = n.sum(axis=0)
        w = n / totals  # share of each period's deals
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.where(n > 0, k / np.where(n > 0, n, 1), np.nan)
        # an empty period takes the other's rate: no rate change can be measured there
        r = np.where(np.isnan(r), r[:, ::-1], r)
        overall = k.sum(axis=0) / totals
        rate_out.append((w.mean(axis=1) * (r[:, 1] - r[:, 0])) * 100)
        mix_out.append(((r.mean(axis=1) - overall.mean()) * (w[:, 1] - w[:, 0])) * 100)
    return np.concatenate(rate_out), np.concatenate(mix_out)


def _driver_table(parts: list[dict], segments: pd.DataFrame, total: float) -> pd.DataFrame:
    """tblChangeDrivers: per attribute dimension, the rate and mix effects and their largest
    segment terms (process measures partly follow from the outcome: never a driver)."""
    rows = []
    bounds = np.cumsum([0, *(len(pt["labels"]) for pt in parts)])
    for pt, a, b in zip(parts, bounds[:-1], bounds[1:]):
        if pt["dim"].is_process:
            continue
        seg = segments.iloc[a:b]
        rate, mix = seg["Rate effect (pts)"].to_numpy(), seg["Mix effect (pts)"].to_numpy()
        rows.append((pt["dim"].label, float(rate.sum()), float(mix.sum()), total,
                     _largest(seg, "Rate effect (pts)"), _largest(seg, "Mix effect (pts)")))
    if not rows:
        return _empty(DRIVER_COLUMNS)
    return pd.DataFrame(rows, columns=DRIVER_COLUMNS)


def _largest(seg: pd.DataFrame, column: str) -> str:
    """The segment with the largest term of ``column`` (by size), or "" when all are 0."""
    values = seg[column].to_numpy(dtype="float64")
    if not len(values) or np.nanmax(np.abs(values)) < 0.005:
        return ""
    i = int(np.nanargmax(np.abs(values)))
    return str(seg["Segment"].iloc[i])


def _loss_table(prep: Prepared, base: np.ndarray, cur: np.ndarray) -> pd.DataFrame:
    """tblChangeLossReasons: each category's share of lost deals in both periods, tested."""
    cfg = prep.config
    lost = ~prep.won & (base | cur)
    if not (~prep.won & base).any() or not (~prep.won & cur).any():
        return _empty(LOSS_CHANGE_COLUMNS)
    cats = reason_categories(prep, lost)
    in_cur = cur[lost]
    per = [np.bincount(cats.codes[in_cur == side], minlength=len(cats.cited)) for side in (False, True)]
    citing = np.vstack([c @ cats.ind for c in per])  # period x category: deals citing
    lost_n = np.array([int((~in_cur).sum()), int(in_cur.sum())])
    present = np.flatnonzero(citing.sum(axis=0) > 0)
    c0, c1 = citing[0, present].round().astype("int64"), citing[1, present].round().astype("int64")
    s0, s1 = c0 / lost_n[0], c1 / lost_n[1]
    testable = (c0 + c1) >= cfg.min_deals
    p = np.full(len(present), np.nan)
    p[testable] = stats.two_rates_p(c1[testable], np.full(testable.sum(), lost_n[1]),
                                    c0[testable], np.full(testable.sum(), lost_n[0]))
    q = stats.benjamini_hochberg(p)
    change = (s1 - s0) * 100
    verdict = np.where(q <= cfg.fdr, np.where(change > 0, "Cited more", "Cited less"),
                       NO_CLEAR_CHANGE)
    table = pd.DataFrame({
        "Loss reason": [CATEGORIES[i] for i in present], "Baseline share": s0, "Current share": s1,
        "Change (pts)": change, "q-value": q, "Baseline lost deals": c0, "Current lost deals": c1,
        "p-value": p, "Verdict": np.where(testable, verdict, stats.TOO_FEW),
    })
    table["_order"] = present
    table = table.sort_values(["Current lost deals", "_order"], ascending=[False, True],
                              kind="mergesort")
    return table.drop(columns="_order").reset_index(drop=True)


#: Contract table names of the Changes sheet, in sheet order.
CHANGE_TABLES = ("tblChanges", "tblChangeDrivers", "tblChangeLossReasons", "tblFollowUp")
#: A mix term is named in the summary only from this many points.
MIN_MIX_POINTS = 0.5


def change_sentence(ch: Changes) -> str:
    """The Summary's sentence: the change and its largest contributions when significant,
    else "no clear change since <baseline>", else why nothing can be compared."""
    if not ch.comparable:
        return ch.note
    rates = (f"{ch.base_rate:.0%} over {ch.base_n:,} closed deals in {ch.baseline}, "
             f"{ch.cur_rate:.0%} over {ch.cur_n:,} in {ch.current}")
    if not ch.significant:
        return f"No clear change since {ch.baseline}: {rates} (exact test p = {ch.p:.2g})."
    way = "fell" if ch.change < 0 else "rose"
    parts = [p for p in (_rate_part(ch), _mix_part(ch)) if p]
    because = (": " + ", ".join(parts)) if parts else ""
    return (f"The win rate {way} {abs(ch.change):.1f} points since {ch.baseline} "
            f"({rates}; p {p_text(ch.p, equals=True)}){because}.")


def _attributes(ch: Changes) -> pd.DataFrame:
    """Segments a sentence may name: attributes, recorded, and not an owner (sentences
    describe owners, never name them; tblChanges does, as tblOwners does)."""
    seg = ch.segments
    return seg[(seg["Role"] == ATTRIBUTE) & (seg["Segment"] != NOT_RECORDED)
               & (seg["Dimension"] != field_label("owner"))]


def _rate_part(ch: Changes) -> str:
    """The significant segment change that moved the overall rate most, the same way."""
    seg = _attributes(ch)
    want = DECLINED if ch.change < 0 else IMPROVED
    seg = seg[seg["Verdict"] == want]
    if seg.empty:
        return ""
    row = seg.loc[seg["Rate effect (pts)"].abs().idxmax()]
    return (f"{abs(row['Rate effect (pts)']):.1f} from {row['Dimension']} = {row['Segment']} "
            f"converting {'worse' if ch.change < 0 else 'better'} "
            f"({row['Baseline win rate']:.0%} to {row['Current win rate']:.0%})")


def _mix_part(ch: Changes) -> str:
    """The largest shift of deals between segments that moved the overall rate the same way."""
    seg = _attributes(ch)
    seg = seg[np.sign(seg["Mix effect (pts)"]) == np.sign(ch.change)]
    if seg.empty:
        return ""
    row = seg.loc[seg["Mix effect (pts)"].abs().idxmax()]
    if abs(row["Mix effect (pts)"]) < MIN_MIX_POINTS:
        return ""
    more = row["Current deals"] / ch.cur_n > row["Baseline deals"] / ch.base_n
    wins_less = (row["Baseline win rate"] + row["Current win rate"]) / 2 < (ch.base_rate + ch.cur_rate) / 2
    toward = "toward" if more else "away from"
    return (f"{abs(row['Mix effect (pts)']):.1f} from a shift {toward} {row['Dimension']} = "
            f"{row['Segment']} deals, which win {'less' if wins_less else 'more'}")


def change_notes(ch: Changes) -> dict[str, str]:
    """How to read each Changes table, or why it is empty."""
    if not ch.comparable:
        return {name: ch.note for name in CHANGE_TABLES[:3]}
    return {
        "tblChanges": (f"Every segment, {ch.baseline} (baseline) against {ch.current} (current): "
                       "the change is in points of win rate with a 95% interval (Newcombe); each "
                       "segment's two rates are compared with Fisher's exact test, and q-values are "
                       "Benjamini-Hochberg corrected over all attribute segments (process measures "
                       "are a family of their own). Rate and mix effects are the segment's share of "
                       "the overall change (see the next table)."),
        "tblChangeDrivers": ("The overall change split, for each dimension, into a rate effect "
                             "(segments converting better or worse, weighted by their average "
                             "share of deals) and a mix effect (more or fewer deals in segments "
                             "that convert well); midpoint weights, so rate + mix = total exactly. "
                             "Process measures are left out: they partly follow from the outcome."),
        "tblChangeLossReasons": ch.loss_note or (
            "Each loss category's share of lost deals in both periods (a deal giving several "
            "reasons counts in each); the shares are compared with Fisher's exact test, q-values "
            "BH-corrected over the categories."),
    }


@dataclass
class Comparison:
    """Everything the Changes sheet shows: the period comparison and the follow-up."""

    changes: Changes
    follow_up: pd.DataFrame
    follow_up_note: str
    #: where the followed recommendations came from ("the baseline's deals", a report file)
    source: str = ""

    def tables(self) -> dict[str, pd.DataFrame]:
        """The four contract tables, by name."""
        ch = self.changes
        return {"tblChanges": ch.segments, "tblChangeDrivers": ch.drivers,
                "tblChangeLossReasons": ch.loss_reasons, "tblFollowUp": self.follow_up}

    def notes(self) -> dict[str, str]:
        """How to read each table, or why it is empty."""
        return {**change_notes(self.changes), "tblFollowUp": self.follow_up_note}

    def sentence(self) -> str:
        """The Summary's one sentence on the change."""
        return change_sentence(self.changes)


def decline_action(ch: Changes) -> tuple[str, str, str, str] | None:
    """The Changes sheet's action for tblActions: the customer segment whose win rate fell
    most clearly since the baseline (Declined, an attribute, not an owner), or None.

    >>> decline_action(Changes("2025 Q3", "2025 Q4")) is None
    True
    """
    seg = ch.segments
    if seg.empty:
        return None
    fell = seg[(seg["Verdict"] == DECLINED) & (seg["Role"] == ATTRIBUTE) & (seg["Dimension"] != "Owner")]
    if fell.empty:
        return None
    row = fell.sort_values(["q-value", "Change (pts)"], kind="stable").iloc[0]
    q, change = float(row["q-value"]), float(row["Change (pts)"])
    practical = abs(change) >= stats.MIN_POINTS * 100
    action = (f"{row['Dimension']} = {row['Segment']} fell from {row['Baseline win rate']:.0%} to "
              f"{row['Current win rate']:.0%} since {ch.baseline}: review what changed there")
    evidence = (f"{int(row['Current deals']):,} deals in {ch.current}, {points_text(change, signed=True)}, "
                f"{evidence_words(q, practical=practical)}")
    confidence = "High" if q <= 0.01 and practical else "Medium"
    return action, evidence, "Changes", confidence
