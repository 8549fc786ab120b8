"""engine/changes.py rules beyond the planted suite: accounts, process measures, loss reasons,
periods that cannot be compared. Every count is checked against an independent pandas count."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from winloss_xl import stats
from winloss_xl.config import Config
from winloss_xl.dealset import DealSet, ExtraDimension
from winloss_xl.engine.changes import compare_periods
from winloss_xl.engine.prepare import prepare
from winloss_xl.engine.synthetic import REASONS, make_deals
from winloss_xl.fields import PROCESS

CUT = np.datetime64("2025-01-01")


def _periods(prep):
    dates = pd.to_datetime(prep.closed["close_date"]).to_numpy()
    return (dates >= np.datetime64("2024-10-01")) & (dates < CUT), dates >= CUT


@pytest.fixture(scope="module")
def clustered():
    df, extras = make_deals(6000, 4, accounts=300, traps=True)
    rng = np.random.default_rng(4)
    # one account's 30 deals in each period under a lead source of its own
    for in_period in ((df["close_date"] >= "2024-10-01") & (df["close_date"] < "2025-01-01"),
                      df["close_date"] >= "2025-01-01"):
        rows = rng.choice(np.flatnonzero(in_period & (df["outcome"] != "open")), 30, replace=False)
        df.loc[rows, ["account_key", "lead_source"]] = ["Account solo", "Solo Source"]
    df["loss_reason"] = np.where(df["outcome"] == "lost", rng.choice(list(REASONS), len(df)), None)
    ds = DealSet.from_frame(df, extra_dimensions=extras,
                            extra_info={"Days in Stage": ExtraDimension("number", PROCESS)})
    prep = prepare(ds, Config())
    base, cur = _periods(prep)
    return df, prep, compare_periods(prep, base, cur, labels=("2024 Q4", "2025"))


def test_accounts_per_period_and_too_few_accounts(clustered):
    df, _, ch = clustered
    closed = df[df["outcome"] != "open"]
    seg = ch.segments.set_index(["Dimension", "Segment"])
    q4 = closed[(closed["close_date"] >= "2024-10-01") & (closed["close_date"] < "2025-01-01")]
    for source, n_accounts in q4.groupby("lead_source")["account_key"].nunique().items():
        assert seg.loc[("Lead source", source), "Baseline accounts"] == n_accounts
    few = seg[(seg[["Baseline accounts", "Current accounts"]].min(axis=1) < 5)
              & (seg[["Baseline deals", "Current deals"]].min(axis=1) >= 5)]
    assert ("Lead source", "Solo Source") in few.index
    assert (few["Verdict"] == stats.TOO_FEW_ACCOUNTS).all()
    assert few["p-value"].isna().all()


def test_process_measures_are_their_own_family_and_never_a_driver(clustered):
    _, _, ch = clustered
    seg = ch.segments
    process = seg[seg["Role"] == PROCESS]
    assert len(process) and set(process["Dimension"]) == {"Days in Stage"}
    assert "Days in Stage" not in set(ch.drivers["Dimension"])
    p = process["p-value"].to_numpy(dtype=float)
    np.testing.assert_allclose(process["q-value"].to_numpy(dtype=float), stats.benjamini_hochberg(p))


def test_loss_reason_shares_against_an_independent_count(clustered):
    df, _, ch = clustered
    lost = df[df["outcome"] == "lost"]
    cur = lost[lost["close_date"] >= "2025-01-01"]
    table = ch.loss_reasons.set_index("Loss reason")
    # one reason per deal in the generated data: "Price too high" -> Price
    price = int((cur["loss_reason"] == "Price too high").sum())
    assert table.loc["Price", "Current lost deals"] == price
    assert table.loc["Price", "Current share"] == pytest.approx(price / len(cur))
    assert table["q-value"].notna().all()


def test_overlapping_periods_are_refused_and_one_period_is_a_note():
    df, _ = make_deals(500, 1)
    prep = prepare(DealSet.from_frame(df), Config())
    everything = np.ones(prep.n, dtype=bool)
    with pytest.raises(ValueError):
        compare_periods(prep, everything, everything)
    ch = compare_periods(prep, np.zeros(prep.n, dtype=bool), everything, labels=("2023 Q4", "2024"))
    assert not ch.comparable and "2023 Q4 holds no closed deals" in ch.note
    assert ch.segments.empty and ch.drivers.empty
