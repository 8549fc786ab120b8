"""Win rate by fiscal quarter (tblTrend by close date, tblTrendCohort by created date).

Fiscal quarters start in ``Config.fiscal_year_start_month``. With a January
start the labels are calendar quarters ("2025 Q1"); otherwise a fiscal year is
named after the calendar year in which it ends ("FY2025 Q1" starts in the
start month of 2024). A period is *complete* when the data reaches its last
day (the latest close date is on or after the period's end); the latest
complete period is compared with the one before it (two-proportion Fisher test).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import stats
from ..numbers_text import p_text
from ..periods import fiscal_quarter
from .prepare import Prepared

TREND_COLUMNS = ["Period", "Deals", "Won", "Lost", "Win rate", "CI low", "CI high",
                 "Period start", "Period end", "Complete"]


def fiscal_quarters(dates: pd.Series, start_month: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fiscal year, quarter (1-4) and a sortable period key per date (key -1 for NaT)."""
    d = pd.to_datetime(dates, errors="coerce")
    ok = d.notna().to_numpy()
    year = d.dt.year.fillna(0).to_numpy(dtype="int64")
    month = d.dt.month.fillna(1).to_numpy(dtype="int64")
    idx = (month - start_month) % 12
    quarter = idx // 3 + 1
    fy = year + ((month >= start_month) & (start_month != 1)).astype("int64")
    key = np.where(ok, fy * 4 + quarter - 1, -1)
    return fy, quarter, key


def period_label(key: int, start_month: int) -> str:
    """Readable label of a period key (periods.fiscal_quarter: one definition of a quarter).

    >>> period_label(2025 * 4, 1), period_label(2025 * 4 + 2, 2)
    ('2025 Q1', 'FY2025 Q3')
    """
    fy, q = divmod(int(key), 4)
    return fiscal_quarter(fy, q + 1, start_month).label


def period_bounds(key: int, start_month: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of a period (NaT beyond the dates pandas can hold)."""
    fy, q = divmod(int(key), 4)
    try:
        period = fiscal_quarter(fy, q + 1, start_month)
        return pd.Timestamp(period.start), pd.Timestamp(period.end)
    except (OverflowError, ValueError, pd.errors.OutOfBoundsDatetime):
        return pd.NaT, pd.NaT


def trend_table(prep: Prepared, date_field: str = "close_date") -> pd.DataFrame:
    """Win rate per fiscal quarter of ``date_field``, oldest first."""
    cfg = prep.config
    dates = prep.closed[date_field]
    _, _, key = fiscal_quarters(dates, cfg.fiscal_year_start_month)
    ok = key >= 0
    if not ok.any():
        return pd.DataFrame({c: pd.Series(dtype="object") for c in TREND_COLUMNS})
    keys, inv = np.unique(key[ok], return_inverse=True)
    n = np.bincount(inv, minlength=len(keys))
    k = np.bincount(inv, weights=prep.won[ok], minlength=len(keys)).round().astype("int64")
    low, high = stats.wilson_interval(k, n, cfg.confidence)
    # completeness is judged against close dates: the data's horizon
    horizon = pd.to_datetime(prep.closed["close_date"], errors="coerce").max()
    bounds = [period_bounds(int(x), cfg.fiscal_year_start_month) for x in keys]
    return pd.DataFrame({
        "Period": [period_label(int(x), cfg.fiscal_year_start_month) for x in keys],
        "Deals": n,
        "Won": k,
        "Lost": n - k,
        "Win rate": k / n,
        "CI low": np.atleast_1d(low),
        "CI high": np.atleast_1d(high),
        "Period start": [b[0] for b in bounds],
        "Period end": [b[1] for b in bounds],
        "Complete": ["Yes" if pd.notna(horizon) and pd.notna(b[1]) and horizon >= b[1] else "No"
                     for b in bounds],
    })


def trend_sentence(table: pd.DataFrame, fdr: float, what: str = "closed") -> str:
    """Latest complete period vs the previous one, as a plain sentence."""
    complete = table.index[table["Complete"] == "Yes"].tolist() if len(table) else []
    if not complete:
        return "There is no complete quarter yet to compare win rates over time."
    last = complete[-1]
    if last == 0:
        row = table.loc[last]
        return (f"{row['Period']} is the only complete quarter: win rate {row['Win rate']:.0%} "
                f"over {row['Deals']:,} {what} deals; there is no earlier quarter to compare with.")
    cur, prev = table.loc[last], table.loc[last - 1]
    diff = (cur["Win rate"] - prev["Win rate"]) * 100
    p = stats.two_proportion_p(int(cur["Won"]), int(cur["Deals"]), int(prev["Won"]), int(prev["Deals"]))
    change = ("unchanged" if abs(diff) < 0.05
              else f"{'up' if diff > 0 else 'down'} {abs(diff):.1f} points")
    verdict = ("a statistically significant change" if p <= fdr
               else "not a statistically significant change")
    return (f"In {cur['Period']} the win rate was {cur['Win rate']:.0%} over {cur['Deals']:,} {what} deals, "
            f"{change} from {prev['Period']} ({prev['Win rate']:.0%} over {prev['Deals']:,}); "
            f"{verdict} (p {p_text(p, equals=True)}).")


def trend_change(table: pd.DataFrame) -> tuple[float, float, str, str] | None:
    """(points difference, p, latest period, previous period) for the latest complete pair."""
    complete = table.index[table["Complete"] == "Yes"].tolist() if len(table) else []
    if not complete or complete[-1] == 0:
        return None
    cur, prev = table.loc[complete[-1]], table.loc[complete[-1] - 1]
    p = stats.two_proportion_p(int(cur["Won"]), int(cur["Deals"]), int(prev["Won"]), int(prev["Deals"]))
    return (cur["Win rate"] - prev["Win rate"]) * 100, p, str(cur["Period"]), str(prev["Period"])
