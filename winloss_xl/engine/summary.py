"""tblSummary: the headline counts and rates of the closed deals.

Win rate counts no-decision and disqualified closes as losses; the rate
without them is reported next to it, and ``Config.lead_rate`` says which one
leads (the "Leading rate" metric names it). Median cycles are reported for won
and lost deals separately.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import stats
from .prepare import Prepared

SUMMARY_COLUMNS = ["Metric", "Value", "Note"]

LEAD_LABELS = {
    "all": "Win rate (no-decision closes count as losses)",
    "excl_no_decision": "Win rate excl. no decision",
}


def finite_or_nan(value: float) -> float:
    """The value, or NaN when it overflowed (sums of absurd amounts) or is undefined."""
    value = float(value)
    return value if np.isfinite(value) else float("nan")


def _nan_stat(fn, values: np.ndarray) -> float:
    v = values[~np.isnan(values)]
    if not v.size:
        return float("nan")
    with np.errstate(over="ignore", invalid="ignore"):
        return finite_or_nan(fn(v))


def summary_table(prep: Prepared) -> pd.DataFrame:
    """tblSummary rows (Metric, Value, Note); rates are fractions, dates are timestamps."""
    cfg = prep.config
    n, won = prep.n, prep.total_won
    lost = n - won
    nd = int(prep.no_decision.sum())
    low, high = stats.wilson_interval(won, n, cfg.confidence)
    amount, w = prep.amount, prep.won
    if prep.amount_won_only:  # lost amounts are not recorded: no value rate, no lost average
        amount = np.where(w, amount, np.nan)
    known = ~np.isnan(amount)
    with np.errstate(over="ignore", invalid="ignore"):
        closed_amount = finite_or_nan(amount[known].sum())
        won_amount = finite_or_nan(amount[known & w].sum())
    dates = pd.to_datetime(prep.closed["close_date"], errors="coerce")
    first = dates.min() if dates.notna().any() else pd.NaT
    last = dates.max() if dates.notna().any() else pd.NaT
    pct = f"{cfg.confidence:.0%}"
    value_rate = (finite_or_nan(won_amount / closed_amount)
                  if closed_amount > 0 and not prep.amount_won_only else float("nan"))
    rows = [
        ("Closed deals", n, "won + lost; open deals are excluded from every rate"),
        ("Won", won, ""),
        ("Lost", lost, "includes no-decision and disqualified closes"),
        ("Open deals excluded", prep.open_count, "not yet won or lost"),
        ("Win rate", stats.win_rate(won, n), "won / closed"),
        ("Win rate CI low", low, f"Wilson {pct} interval"),
        ("Win rate CI high", high, f"Wilson {pct} interval"),
        ("Win rate excl. no decision", stats.win_rate(won, n - nd),
         "won / (closed - no-decision and disqualified losses)"),
        ("Value win rate", value_rate, "won amount / closed amount"
         + ("; not available: lost deals carry no amount" if prep.amount_won_only else "")),
        ("Avg won amount", _nan_stat(np.mean, amount[w]), ""),
        ("Avg lost amount", _nan_stat(np.mean, amount[~w]), ""),
        ("Median cycle won (days)", _nan_stat(np.median, prep.cycle[w]), "won deals only"),
        ("Median cycle lost (days)", _nan_stat(np.median, prep.cycle[~w]), "lost deals only"),
        ("No-decision losses", nd, "no decision or disqualified; counted as losses"),
        ("Won amount", won_amount if known.any() else float("nan"), ""),
        ("First close date", first, ""),
        ("Last close date", last, ""),
        ("Leading rate", LEAD_LABELS[cfg.lead_rate], "set by lead_rate"),
    ]
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS).astype({"Value": "object"})


def win_rate_sentence(prep: Prepared) -> str:
    """The leading win rate as a plain sentence."""
    cfg = prep.config
    n, won = prep.n, prep.total_won
    if n == 0:
        return "There are no closed deals to analyse yet."
    nd = int(prep.no_decision.sum())
    if cfg.lead_rate == "excl_no_decision" and n - nd > 0:
        low, high = stats.wilson_interval(won, n - nd, cfg.confidence)
        return (f"Win rate excluding no-decision closes is {won / (n - nd):.0%} over {n - nd:,} "
                f"decided deals ({cfg.confidence:.0%} interval {low:.0%} to {high:.0%}).")
    low, high = stats.wilson_interval(won, n, cfg.confidence)
    return (f"Win rate is {won / n:.0%} over {n:,} closed deals "
            f"({cfg.confidence:.0%} interval {low:.0%} to {high:.0%}).")
