"""Hypothesis strategies: Excel-shaped tables of mixed cells, and canonical deal frames.

Kept small on purpose (<= 30 rows x 6 columns) so each example costs tens of
milliseconds and 2,000 examples per property fit the CI budget.
"""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pandas as pd
from hypothesis import strategies as st

from winloss_xl.fields import DEAL_COLUMNS

OUTCOME_HEADERS = ["Stage", "Status", "Outcome", "Deal Stage", "StageName", "Won", "IsWon",
                   "Deal - Status", "Win/Loss"]
OTHER_HEADERS = ["Amount", "Close Date", "Created Date", "Industry", "Deal ID", "Loss Reason",
                 "Owner", "Region", "Lead Source", "Competitor", "Qualification Score",
                 "Annual Revenue", "Employees", "Days to close", "Account Name", "Contact Email",
                 "Champion Title", "Notes", "IsClosed", "Exclude", ""]
OUTCOME_WORDS = ["Closed Won", "Closed Lost", "Won", "Lost", "won", "closedlost", "Open",
                 "Prospecting", "Closed - No Decision", "Disqualified", "Deleted", "TRUE", "FALSE",
                 "yes", "0", "1", "#09 WON", "Negotiation/Review"]
ERROR_TEXTS = ["#N/A", "#REF!", "#DIV/0!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!"]
FORMULA_LIKE = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-1+1", "@SUM(1)", "\t=1",
                "\r=2", "=1/0"]
INDUSTRIES = ["Retail", "Software", "Health", "تجارة", "בריאות", "🚀 Space", "", "  "]

text_cells = st.one_of(
    st.text(max_size=12),
    st.sampled_from(OUTCOME_WORDS + ERROR_TEXTS + FORMULA_LIKE + INDUSTRIES),
    st.sampled_from(["$1,234.50", "(1,200)", "25M", "1.2B", "1.234,56", "3/11/2017", "25/12/2017",
                     "2024-02-30", "45292", "1e308", "-inf", "nan", "NULL", "Price; Timing"]),
)
datetimes = st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31))

#: One cell as xlwings hands it over (plus a few things only a Python caller could pass).
cells = st.one_of(
    st.none(),
    text_cells,
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1e7, max_value=1e7, allow_nan=False),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.booleans(),
    datetimes,
    st.dates(min_value=dt.date(1, 1, 1)),
    st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-10**9, max_value=10**9),
)


@st.composite
def tables(draw, max_rows: int = 30, max_cols: int = 6) -> list[list[object]]:
    """A header-first 2-D list with an outcome-like column, mixed cell types below.

    Hypothesis draws the shape, the headers and a small palette of nasty cells; a
    seeded RNG spreads the palette over the rows. Drawing every cell separately
    costs ~10x more time per example for little extra coverage.
    """
    ncols = draw(st.integers(1, max_cols))
    headers = draw(st.lists(st.one_of(st.sampled_from(OTHER_HEADERS), st.text(max_size=8), st.none(),
                                      st.integers(-5, 5)),
                            min_size=ncols, max_size=ncols))
    out_col = draw(st.integers(0, ncols - 1))
    headers[out_col] = draw(st.sampled_from(OUTCOME_HEADERS))
    nrows = draw(st.integers(0, max_rows))
    palette = draw(st.lists(cells, min_size=1, max_size=12))
    outcomes = draw(st.lists(st.one_of(st.sampled_from(OUTCOME_WORDS), cells), min_size=1, max_size=5))
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    rows = [list(headers)]
    for _ in range(nrows):
        row = [rng.choice(palette) for _ in range(ncols)]
        row[out_col] = rng.choice(outcomes)
        rows.append(row)
    return rows


# ------------------------------------------------------------------ canonical frames

_LEVELS = st.one_of(st.none(), st.sampled_from(["A", "B", "C", "Retail", "تجارة", "=1+1", "🚀"]))
_REASONS = st.one_of(st.none(), st.sampled_from(["Price", "Timing", "Competitor", "No budget",
                                                 "Price; Timing", "Other", ""]))
# subnormal amounts (5e-324) crash band labelling; tests/hostile covers them (subnormal_amounts),
# excluded here so that known bug does not stop hypothesis from looking for others
_AMOUNTS = st.one_of(st.just(float("nan")), st.floats(-1e6, 1e9, allow_nan=False, allow_subnormal=False),
                     st.sampled_from([0.0, 1e15, -0.0]))


@st.composite
def deal_frames(draw, max_rows: int = 30) -> pd.DataFrame:
    """A canonical deals frame (fields.DEAL_COLUMNS) with won/lost/open outcomes and a few dimensions.

    Palettes (level names, amounts, reasons) come from hypothesis; a seeded RNG assigns them to rows.
    """
    n = draw(st.integers(0, max_rows))
    p_won = draw(st.sampled_from([0.0, 0.1, 0.5, 0.9, 1.0]))
    p_open = draw(st.sampled_from([0.0, 0.2, 0.5]))
    levels = draw(st.lists(_LEVELS, min_size=1, max_size=5))
    amounts = draw(st.lists(_AMOUNTS, min_size=1, max_size=5))
    reasons = draw(st.lists(_REASONS, min_size=1, max_size=4))
    scores = draw(st.lists(st.one_of(st.just(np.nan), st.floats(0, 1)), min_size=1, max_size=3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    u = rng.random(n)
    outcome = np.where(u < p_open, "open", np.where(rng.random(n) < p_won, "won", "lost")).tolist()
    no_dec = [o == "lost" and bool(rng.random() < 0.3) for o in outcome]

    def pick(pal):
        return [pal[i] for i in rng.integers(0, len(pal), n)]

    days = [None if rng.random() < 0.2 else int(d) for d in rng.integers(0, 3 * 365, n)]
    reason = [r if o == "lost" else None for r, o in zip(pick(reasons), outcome)]
    frame = pd.DataFrame({
        "deal_id": [f"d{i}" for i in range(n)],
        "outcome": pd.Series(outcome, dtype="object"),
        "no_decision": pd.Series(no_dec, dtype="bool"),
        "amount": pd.Series(pick(amounts), dtype="float64"),
        "close_date": pd.Series([pd.NaT if d is None else pd.Timestamp("2023-01-01") + pd.Timedelta(days=d)
                                 for d in days], dtype="datetime64[ns]"),
        "created_date": pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]"),
        "sales_cycle_days": pd.Series(np.where(rng.random(n) < 0.3, np.nan, rng.random(n) * 900),
                                      dtype="float64"),
        "industry": pd.Series(pick(levels), dtype="object"),
        "company_revenue": pd.Series(pick(amounts), dtype="float64"),
        "employees": pd.Series(np.nan, index=range(n), dtype="float64"),
        "region": pd.Series(pick(levels[::-1]), dtype="object"),
        "lead_source": pd.Series(pick(levels), dtype="object"),
        "deal_type": pd.Series([None] * n, dtype="object"),
        "product": pd.Series([None] * n, dtype="object"),
        "owner": pd.Series(pick(levels), dtype="object"),
        "competitor": pd.Series(pick(levels), dtype="object"),
        "loss_reason": pd.Series(reason, dtype="object"),
        "loss_reasons": pd.Series([tuple(p.strip() for p in r.split(";") if p.strip()) if r else ()
                                   for r in reason], dtype="object"),
        "qualification_score": pd.Series(pick(scores), dtype="float64"),
        "lost_stage": pd.Series([None] * n, dtype="object"),
        "account_key": pd.Series([None] * n, dtype="object"),
    })
    assert list(frame.columns) == list(DEAL_COLUMNS)
    return frame
