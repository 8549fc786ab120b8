"""tblFollowUp: the baseline's recommendations (same engine, baseline deals) and what happened next.

Baseline quarter: Technology wins 70%, Retail 20%, EMEA 75% (in the other industries),
product Legacy 80%, the rest 45%.
Current quarter: Technology's share rises from 1/8 to 30% at the same rate (acted on, held);
Retail's share stays (not acted on); EMEA's share rises but its rate falls to the rest's
(acted on, but the rate fell); Legacy is no longer sold (too few deals to tell).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from winloss_xl.config import Config
from winloss_xl.dealset import DealSet
from winloss_xl.engine import analyze
from winloss_xl.engine.followup import FELL, HELD, NOT_ACTED, TOO_FEW_TO_TELL, follow_up, read_advice
from winloss_xl.engine.prepare import prepare

INDUSTRIES = ("Technology", "Retail", "Healthcare", "Finance", "Manufacturing", "Education",
              "Energy", "Media")
REGIONS = ("EMEA", "North America", "APAC", "LATAM")
Q3, Q4 = pd.Timestamp("2025-07-01"), pd.Timestamp("2025-10-01")


def _quarter(rng, n: int, start: pd.Timestamp, industry_p, region_p, emea_rate: float,
             legacy: int) -> pd.DataFrame:
    ind = rng.choice(INDUSTRIES, n, p=industry_p)
    reg = rng.choice(REGIONS, n, p=region_p)
    product = rng.choice(["Core", "Pro", "Enterprise"], n).astype(object)
    product[:legacy] = "Legacy"
    rate = np.full(n, 0.45)
    rate[ind == "Technology"] = 0.70
    rate[ind == "Retail"] = 0.20
    rate[(reg == "EMEA") & ~np.isin(ind, ["Technology", "Retail"])] = emea_rate
    rate[product == "Legacy"] = 0.80
    won = rng.random(n) < rate
    return pd.DataFrame({
        "deal_id": [f"{start.month}-{i}" for i in range(n)],
        "outcome": np.where(won, "won", "lost"), "industry": ind, "region": reg, "product": product,
        "close_date": start + pd.to_timedelta(rng.integers(0, 92, n), unit="D"),
    })


@pytest.fixture(scope="module")
def setting():
    rng = np.random.default_rng(7)
    uniform = np.full(8, 1 / 8)
    shifted = np.array([0.30, *[0.70 / 7] * 7])
    shifted[1] = 1 / 8  # Retail keeps its share
    shifted[2:] = (1 - 0.30 - 1 / 8) / 6
    base = _quarter(rng, 2500, Q3, uniform, [0.25] * 4, 0.75, legacy=120)
    cur = _quarter(rng, 2500, Q4, shifted, [0.45, 0.55 / 3, 0.55 / 3, 0.55 / 3], 0.45, legacy=2)
    deals = pd.concat([base, cur], ignore_index=True)
    cfg = Config()
    baseline_recs = analyze(DealSet.from_frame(base), cfg).tables["tblRecommendations"]
    prep = prepare(DealSet.from_frame(deals), cfg)
    in_cur = (pd.to_datetime(prep.closed["close_date"]) >= Q4).to_numpy()
    table, note = follow_up(prep, ~in_cur, in_cur, baseline_recs["Recommendation"].tolist())
    return deals, baseline_recs, table.set_index("Segment"), note


def test_the_baseline_engine_recommends_the_planted_segments(setting):
    _, recs, table, _ = setting
    for seg in ("Industry = Technology", "Industry = Retail", "Region = EMEA", "Product = Legacy"):
        assert seg in table.index, recs["Recommendation"].tolist()


def test_share_rose_and_rate_held_is_acted_on_and_held(setting):
    deals, _, table, _ = setting
    row = table.loc["Industry = Technology"]
    assert row["Outcome"] == HELD
    # independent count
    cur = deals[deals["close_date"] >= Q4]
    tech = cur[cur["industry"] == "Technology"]
    assert row["Current share of deals"] == pytest.approx(len(tech) / len(cur))
    assert row["Current win rate"] == pytest.approx((tech["outcome"] == "won").mean())
    assert row["Current share of deals"] > row["Baseline share of deals"] + 0.1


def test_share_that_did_not_move_is_not_acted_on(setting):
    _, _, table, _ = setting
    row = table.loc["Industry = Retail"]
    assert row["Outcome"] == NOT_ACTED
    assert abs(row["Current share of deals"] - row["Baseline share of deals"]) < 0.03


def test_share_rose_but_rate_fell(setting):
    _, _, table, _ = setting
    assert table.loc["Region = EMEA", "Outcome"] == FELL


def test_segment_gone_is_too_few_to_tell(setting):
    _, _, table, note = setting
    assert table.loc["Product = Legacy", "Outcome"] == TOO_FEW_TO_TELL
    assert "BH-corrected" in note


def test_recommendations_without_a_segment_are_not_followed():
    df = pd.DataFrame({"deal_id": ["a", "b"], "outcome": ["won", "lost"],
                       "industry": ["Retail", "Media"]})
    prep = prepare(DealSet.from_frame(df), Config())
    assert read_advice("Review pricing and packaging", prep) is None
    assert read_advice("Prioritise Industry = Retail deals: aim prospecting", prep).direction == 1
    adv = read_advice("Test further: qualify Industry = Media deals harder or review how they are sold",
                      prep)
    assert adv is not None and adv.direction == -1 and adv.label(prep) == "Industry = Media"
