"""Planted two-period suite: a falling segment, a mix shift at constant rates, noise within the FDR.

Two quarters of 2,500 closed deals each. Win probability is additive,
p = a[region, period] + b[industry, period]:

- Healthcare falls 30 points (b from +0.15 to -0.15) while the other industries rise
  enough to keep the industry mean constant;
- the deals shift toward APAC (10% -> 35% of deals), whose rate stays 0.25, while the
  other regions rise so that the overall rate (and so every independent segment's rate)
  is the same in both quarters;
- lead source, product, deal type, owner and two 12-level columns are pure noise: their
  segments' true rates do not change, so any Improved / Declined there is a false discovery.

Expected effects are computed here from the planted probabilities, independently of the engine.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from winloss_xl.config import Config
from winloss_xl.dealset import DealSet
from winloss_xl.engine.changes import DECLINED, IMPROVED, compare_periods
from winloss_xl.engine.prepare import prepare

SEEDS = range(20)
PER_QUARTER = 2500
INDUSTRIES = ("Technology", "Retail", "Healthcare", "Finance", "Manufacturing", "Education",
              "Energy", "Media")
REGIONS = ("APAC", "EMEA", "LATAM", "North America", "Nordics")
SHARES = {0: np.array([0.10, 0.225, 0.225, 0.225, 0.225]),
          1: np.array([0.35, 0.1625, 0.1625, 0.1625, 0.1625])}
APAC_RATE = 0.25
BASE_OTHER = 0.50
#: the other regions' current rate that keeps the overall rate at its baseline value
MEAN_RATE = float(SHARES[0] @ np.array([APAC_RATE, *[BASE_OTHER] * 4]))
CUR_OTHER = (MEAN_RATE - SHARES[1][0] * APAC_RATE) / SHARES[1][1:].sum()
REGION_RATE = {0: np.array([APAC_RATE, *[BASE_OTHER] * 4]), 1: np.array([APAC_RATE, *[CUR_OTHER] * 4])}
HEALTHCARE_SHIFT = {0: 0.15, 1: -0.15}
NOISE = {"Lead source", "Product", "Deal type", "Owner", "Noise 1", "Noise 2"}
QUARTER_START = {0: pd.Timestamp("2025-07-01"), 1: pd.Timestamp("2025-10-01")}


def _industry_shift(period: int) -> np.ndarray:
    hc = HEALTHCARE_SHIFT[period]
    return np.array([hc if i == "Healthcare" else -hc / (len(INDUSTRIES) - 1) for i in INDUSTRIES])


def planted_deals(seed: int) -> pd.DataFrame:
    """Two quarters of closed deals with the planted effects above."""
    rng = np.random.default_rng(seed)
    frames = []
    for period in (0, 1):
        n = PER_QUARTER
        reg = rng.choice(len(REGIONS), n, p=SHARES[period])
        ind = rng.integers(0, len(INDUSTRIES), n)
        p = REGION_RATE[period][reg] + _industry_shift(period)[ind]
        won = rng.random(n) < p
        frames.append(pd.DataFrame({
            "deal_id": [f"P{period}-{i}" for i in range(n)],
            "outcome": np.where(won, "won", "lost"),
            "close_date": QUARTER_START[period] + pd.to_timedelta(rng.integers(0, 92, n), unit="D"),
            "industry": np.array(INDUSTRIES, dtype=object)[ind],
            "region": np.array(REGIONS, dtype=object)[reg],
            "lead_source": rng.choice(["Inbound", "Outbound", "Partner", "Event", "Referral", "Web"], n),
            "product": rng.choice(["Core", "Pro", "Enterprise", "Analytics", "Add-on", "Services",
                                   "Starter"], n),
            "deal_type": rng.choice(["New business", "Upsell", "Renewal"], n),
            "owner": rng.choice([f"Rep {i:02d}" for i in range(25)], n),
            "Noise 1": rng.choice([f"A{i:02d}" for i in range(12)], n),
            "Noise 2": rng.choice([f"B{i:02d}" for i in range(12)], n),
        }))
    return pd.concat(frames, ignore_index=True)


def _compare(seed: int):
    df = planted_deals(seed)
    prep = prepare(DealSet.from_frame(df, extra_dimensions=["Noise 1", "Noise 2"]), Config())
    dates = pd.to_datetime(prep.closed["close_date"]).to_numpy()
    cur = dates >= np.datetime64(QUARTER_START[1])
    return compare_periods(prep, ~cur, cur, labels=("2025 Q3", "2025 Q4"))


@pytest.fixture(scope="module")
def runs():
    return [_compare(seed) for seed in SEEDS]


def _expected_region_mix() -> float:
    """Midpoint mix effect of the region shift from the planted shares and rates, in points."""
    r0, r1 = REGION_RATE[0], REGION_RATE[1]
    overall = (SHARES[0] @ r0 + SHARES[1] @ r1) / 2
    return float((((r0 + r1) / 2 - overall) * (SHARES[1] - SHARES[0])).sum() * 100)


def test_falling_segment_declines_in_95_percent_of_seeds(runs):
    hits = 0
    for ch in runs:
        rows = ch.segments.set_index(["Dimension", "Segment"])
        hc = rows.loc[("Industry", "Healthcare")]
        hits += hc["Verdict"] == DECLINED
        assert -40 < hc["Change (pts)"] < -20
        assert hc["CI low (pts)"] <= hc["Change (pts)"] <= hc["CI high (pts)"]
    assert hits >= 0.95 * len(runs)


def test_mix_shift_is_a_negative_mix_effect_of_the_right_size(runs):
    expected = _expected_region_mix()
    assert expected < -5  # the planted shift is large
    mixes, apac_rate = [], []
    for ch in runs:
        region = ch.drivers.set_index("Dimension").loc["Region"]
        mixes.append(region["Mix effect (pts)"])
        assert region["Largest mix contribution"] == "APAC"
        seg = ch.segments.set_index(["Dimension", "Segment"]).loc[("Region", "APAC")]
        apac_rate.append(seg["Rate effect (pts)"])
        assert seg["Mix effect (pts)"] < 0
        assert abs(region["Mix effect (pts)"] - expected) < 1.5
        assert abs(seg["Rate effect (pts)"]) < 3.0
    assert abs(np.mean(mixes) - expected) < 0.5
    assert abs(np.mean(apac_rate)) < 0.75


def test_noise_flagged_within_the_fdr_on_average(runs):
    fdr = Config().fdr
    fdp, tested_noise = [], 0
    for ch in runs:
        seg = ch.segments
        flagged = seg["Verdict"].isin([IMPROVED, DECLINED])
        noise = seg["Dimension"].isin(NOISE)
        tested_noise += int((noise & seg["p-value"].notna()).sum())
        fdp.append(int((flagged & noise).sum()) / max(int(flagged.sum()), 1))
    assert tested_noise >= len(runs) * 60
    assert float(np.mean(fdp)) <= fdr


def test_rate_plus_mix_is_the_total_for_every_dimension(runs):
    for ch in runs:
        total = (ch.cur_won / ch.cur_n - ch.base_won / ch.base_n) * 100
        assert len(ch.drivers) == 8  # every dimension, none is a process measure
        for row in ch.drivers.to_dict("records"):
            assert row["Total (pts)"] == pytest.approx(total, abs=1e-12)
            assert abs(row["Rate effect (pts)"] + row["Mix effect (pts)"] - total) <= 1e-9
        # and per dimension the segment terms add up to the dimension's effects
        sums = ch.segments.groupby("Dimension")[["Rate effect (pts)", "Mix effect (pts)"]].sum()
        for row in ch.drivers.to_dict("records"):
            assert sums.loc[row["Dimension"], "Rate effect (pts)"] == pytest.approx(
                row["Rate effect (pts)"], abs=1e-9)


def test_counts_match_an_independent_count():
    df = planted_deals(0)
    ch = _compare(0)
    cur = df["close_date"] >= QUARTER_START[1]
    rows = ch.segments.set_index(["Dimension", "Segment"])
    for period, col in ((False, "Baseline"), (True, "Current")):
        part = df[cur == period]
        counts = part.groupby("industry")["outcome"].agg(["size", lambda s: (s == "won").sum()])
        for industry, (n, k) in counts.iterrows():
            assert rows.loc[("Industry", industry), f"{col} deals"] == n
            assert rows.loc[("Industry", industry), f"{col} win rate"] == pytest.approx(k / n)
    assert ch.base_n == int((~cur).sum()) and ch.cur_n == int(cur.sum())
