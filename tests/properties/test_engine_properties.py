"""Engine invariants over arbitrary canonical deal frames.

The full ``analyze`` costs ~0.3 s even for 30 deals (pandas overhead), too slow for
2,000 examples in the CI budget, so these properties drive the engine's own
building blocks (prepare, summary, patterns, losses -- the code analyze runs for
tblSummary, tblPatterns and tblLossReasons); one test runs the full analyze on
fewer examples as a cross-check that the tables are the same.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given, settings

from winloss_xl.config import Config
from winloss_xl.dealset import DealSet
from winloss_xl.engine import analyze, losses, patterns, summary
from winloss_xl.engine.prepare import prepare
from winloss_xl.errors import InputError

from .strategies import deal_frames

TOL = 1e-9


def _dealset(frame: pd.DataFrame) -> DealSet:
    return DealSet(deals=frame)


def check_summary(table: pd.DataFrame, frame: pd.DataFrame) -> None:
    values = dict(zip(table["Metric"].tolist(), table["Value"].tolist()))

    def _value(_table, metric: str):
        assert metric in values, f"tblSummary lacks {metric!r}"
        return values[metric]

    won = int((frame["outcome"] == "won").sum())
    lost = int((frame["outcome"] == "lost").sum())
    opened = int((frame["outcome"] == "open").sum())
    assert int(_value(table, "Won")) + int(_value(table, "Lost")) == int(_value(table, "Closed deals"))
    assert (int(_value(table, "Won")), int(_value(table, "Lost"))) == (won, lost)
    assert int(_value(table, "Open deals excluded")) == opened
    rate, lo, hi = (float(_value(table, m)) for m in ("Win rate", "Win rate CI low", "Win rate CI high"))
    if won + lost == 0:
        assert all(math.isnan(x) for x in (rate, lo, hi)) or rate != rate
        return
    assert math.isclose(rate, won / (won + lost), rel_tol=TOL)
    assert 0.0 <= lo <= rate + TOL and rate - TOL <= hi <= 1.0, (lo, rate, hi)
    excl = float(_value(table, "Win rate excl. no decision"))
    assert math.isnan(excl) or 0.0 <= excl <= 1.0


def check_patterns(table: pd.DataFrame, closed: int) -> None:
    if table.empty:
        return
    dims = table["Dimension"].to_numpy()
    deals = table["Deals"].to_numpy(dtype="int64")
    won = table["Won"].to_numpy(dtype="int64")
    lost = table["Lost"].to_numpy(dtype="int64")
    assert (won + lost == deals).all(), "won + lost != deals in a segment"
    totals: dict[object, int] = {}
    for d, n in zip(dims.tolist(), deals.tolist()):
        totals[d] = totals.get(d, 0) + n
    bad = {d: n for d, n in totals.items() if n != closed}
    assert not bad, f"segment deals do not sum to the {closed} closed deals: {bad}"
    rate = table["Win rate"].to_numpy(dtype="float64")
    lo = table["CI low"].to_numpy(dtype="float64")
    hi = table["CI high"].to_numpy(dtype="float64")
    assert ((rate >= 0) & (rate <= 1)).all(), "segment win rate outside [0, 1]"
    assert (lo <= rate + TOL).all() and (rate - TOL <= hi).all(), "interval does not contain the rate"
    assert ((lo >= 0) & (hi <= 1)).all()
    for col in ("p-value", "q-value"):
        v = table[col].to_numpy(dtype="float64")
        v = v[~np.isnan(v)]
        assert ((v >= 0) & (v <= 1 + TOL)).all(), f"{col} outside [0, 1]"
    tested = table["p-value"].notna()
    assert (table.loc[tested, "q-value"].to_numpy(dtype="float64")
            >= table.loc[tested, "p-value"].to_numpy(dtype="float64") - TOL).all(), "q < p"


def check_losses(table: pd.DataFrame, lost: int) -> None:
    if lost == 0 or table.empty:
        return
    share = table["Share of losses"].to_numpy(dtype="float64")
    assert ((share >= 0) & (share <= 1 + TOL)).all()
    assert math.isclose(share.sum(), 1.0, rel_tol=1e-6), f"loss shares sum to {share.sum()}"
    amount_share = table["Share of lost amount"].to_numpy(dtype="float64")
    amount_share = amount_share[~np.isnan(amount_share)]
    if amount_share.size:
        assert math.isclose(amount_share.sum(), 1.0, rel_tol=1e-6) or amount_share.sum() == 0, (
            f"lost-amount shares sum to {amount_share.sum()}")


@given(deal_frames())
def test_engine_invariants(frame):
    cfg = Config()
    try:
        prep = prepare(_dealset(frame), cfg)
    except InputError:
        return
    lost = int((frame["outcome"] == "lost").sum())
    check_summary(summary.summary_table(prep), frame)
    check_patterns(patterns.patterns_table(prep), prep.n)
    tables, _notes = losses.loss_tables(prep)
    check_losses(tables["tblLossReasons"], lost)


@settings(max_examples=150)
@given(deal_frames())
def test_full_analyze_invariants(frame):
    """The same invariants on analyze() itself (150 examples: it costs ~0.15-0.3 s each)."""
    try:
        result = analyze(_dealset(frame))
    except InputError:
        return
    check_summary(result.tables["tblSummary"], frame)
    closed = int((frame["outcome"] != "open").sum())
    check_patterns(result.tables["tblPatterns"], closed)
    check_losses(result.tables["tblLossReasons"], int((frame["outcome"] == "lost").sum()))
