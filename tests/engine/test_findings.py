"""Drivers, bands, qualification, trend and recommendation behaviour on small planted datasets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from winloss_xl import stats
from winloss_xl.config import Config
from winloss_xl.dealset import DealSet
from winloss_xl.engine import analyze
from winloss_xl.engine.bands import band_labels, nice_number, quantile_edges
from winloss_xl.engine.losses import categorize, split_reasons
from winloss_xl.engine.synthetic import make_deals
from winloss_xl.errors import InputError
from winloss_xl.session import WinLoss


def _interaction_deals(seed: int = 0, n: int = 6000) -> pd.DataFrame:
    """Win rate 40% everywhere except Technology x EMEA (75%): a pure two-condition driver."""
    rng = np.random.default_rng(seed)
    industry = rng.choice(["Technology", "Retail", "Finance", "Media"], n)
    region = rng.choice(["EMEA", "APAC", "North America"], n)
    source = rng.choice(["Inbound", "Outbound", "Partner"], n)
    p = np.where((industry == "Technology") & (region == "EMEA"), 0.75, 0.40)
    won = rng.random(n) < p
    return pd.DataFrame({"outcome": np.where(won, "won", "lost"), "industry": industry,
                         "region": region, "lead_source": source,
                         "account_key": [f"Secret Account {i}" for i in range(n)],
                         "deal_id": [f"Deal Name {i}" for i in range(n)]})


def test_driver_found_and_non_redundant():
    a = analyze(DealSet.from_frame(_interaction_deals()))
    d = a.tables["tblDrivers"]
    assert len(d) >= 1
    assert d.iloc[0]["Segment"] == "Industry = Technology and Region = EMEA"
    assert d.iloc[0]["Lift"] > 1
    assert (d["q-value"] <= a.config.fdr).all()
    assert len(d) <= a.config.top_drivers
    # a driver beats both of its single conditions
    top = d.iloc[0]
    assert top["Win rate"] > top["Win rate of first condition"]
    assert top["Win rate"] > top["Win rate of second condition"]
    assert any(r.startswith("Make Industry = Technology and Region = EMEA")
               for r in a.tables["tblRecommendations"]["Recommendation"])


def test_no_names_in_sentences_or_recommendations():
    a = analyze(DealSet.from_frame(_interaction_deals()))
    texts = list(a.sentences.values()) + [f.sentence for f in a.findings]
    rec = a.tables["tblRecommendations"]
    texts += rec["Recommendation"].tolist() + rec["Evidence"].tolist()
    assert texts
    for t in texts:
        assert "Secret Account" not in t and "Deal Name" not in t
    assert "Account" not in set(a.tables["tblPatterns"]["Dimension"])


def test_top_drivers_setting_caps_the_table():
    df, _ = make_deals(6000, 2, noise_dimensions=0)
    a = analyze(DealSet.from_frame(df), Config(top_drivers=2))
    assert len(a.tables["tblDrivers"]) <= 2


def test_revenue_bands_fall_back_to_readable_quantiles_with_a_note():
    rng = np.random.default_rng(1)
    revenue = rng.uniform(100e6, 900e6, 400)  # every company above 100M: the default bands do not split
    df = pd.DataFrame({"outcome": rng.choice(["won", "lost"], 400), "company_revenue": revenue})
    a = analyze(DealSet.from_frame(df))
    segs = a.tables["tblPatterns"].query("Dimension == 'Company revenue'")["Segment"].tolist()
    assert len(segs) >= 3 and segs[-1].endswith("+")
    assert all("M" in s for s in segs)
    dq = a.tables["tblDataQuality"]
    assert "Revenue bands fitted to the data" in set(dq["Check"])


def test_band_helpers():
    assert nice_number(23_456) == 25_000
    assert band_labels((0, 10_000, 25_000)) == ["0-10K", "10K-25K", "25K+"]
    edges = quantile_edges(np.arange(1, 1001, dtype=float) * 100, 4)
    assert edges[0] == 0 and all(nice_number(e) == e for e in edges[1:])


def test_min_deals_segments_shown_not_tested_or_recommended():
    df, extras = make_deals(3000, 4, noise_dimensions=1, noise_levels=40)
    df.loc[df.index[:3], "industry"] = "Tiny"
    df.loc[df.index[:3], "outcome"] = "won"
    a = analyze(DealSet.from_frame(df, extra_dimensions=extras), Config(min_deals=5))
    t = a.tables["tblPatterns"]
    tiny = t[(t["Dimension"] == "Industry") & (t["Segment"] == "Tiny")].iloc[0]
    assert tiny["Verdict"] == stats.TOO_FEW and np.isnan(tiny["p-value"])
    assert not a.tables["tblRecommendations"]["Recommendation"].str.contains("Tiny").any()


def test_qualification_recommends_a_better_threshold():
    rng = np.random.default_rng(0)
    n = 600
    score = rng.uniform(0, 1, n)
    won = score >= 0.4
    flip = rng.random(n) < 0.05
    won = np.where(flip, ~won, won)
    df = pd.DataFrame({"outcome": np.where(won, "won", "lost"), "qualification_score": score.round(2)})
    a = analyze(DealSet.from_frame(df))
    q = a.tables["tblQualification"]
    best = q[q["Note"].str.contains("Best accuracy")].iloc[0]
    assert 0.35 <= best["Threshold"] <= 0.45
    recs = a.tables["tblRecommendations"]
    row = recs[recs["Area"] == "Qualification"].iloc[0]
    assert row["Recommendation"].startswith("Change the qualification threshold from 0.7 to")
    assert row["Confidence"] == "High"
    assert "AUC" in a.sentences["qualification"] and "0.7" in a.sentences["qualification"]


def test_trend_sentence_reports_a_significant_drop():
    rng = np.random.default_rng(0)
    q3 = pd.date_range("2025-07-01", "2025-09-30", periods=500)
    q4 = pd.date_range("2025-10-01", "2025-12-31", periods=500)
    won = np.concatenate([rng.random(500) < 0.6, rng.random(500) < 0.35])
    df = pd.DataFrame({"outcome": np.where(won, "won", "lost"), "close_date": q3.append(q4)})
    a = analyze(DealSet.from_frame(df))
    s = a.sentences["trend"]
    assert s.startswith("In 2025 Q4 the win rate was") and "down" in s and "from 2025 Q3" in s
    assert "statistically significant change" in s and "not a" not in s
    assert (a.tables["tblRecommendations"]["Area"] == "Trend").any()


def test_incomplete_latest_quarter_is_not_compared():
    dates = pd.to_datetime(["2025-01-15", "2025-02-10", "2025-04-02", "2025-05-20", "2025-06-30",
                            "2025-07-03"])
    df = pd.DataFrame({"outcome": ["won", "lost", "won", "lost", "won", "lost"], "close_date": dates})
    a = analyze(DealSet.from_frame(df))
    t = a.tables["tblTrend"]
    assert t["Complete"].tolist() == ["Yes", "Yes", "No"]
    assert a.sentences["trend"].startswith("In 2025 Q2")


def test_dominant_loss_reason_becomes_a_pricing_action():
    rows = ([{"outcome": "lost", "loss_reason": "Too expensive"}] * 60
            + [{"outcome": "lost", "loss_reason": "Timing"}] * 10 + [{"outcome": "won"}] * 70)
    a = analyze(DealSet.from_frame(pd.DataFrame(rows)))
    recs = a.tables["tblRecommendations"]
    assert (recs["Area"] == "Pricing").any()
    assert "Price is cited in 86% of lost deals." in [f.sentence for f in a.findings]


def test_loss_categories():
    assert categorize("No decision made") == "No decision"
    assert categorize("Lost to Salesforce") == "Competitor"
    assert categorize("Budget frozen") == "Budget"
    assert categorize("Our champion left the company") == "Champion left"
    assert categorize("Missing SSO integration") == "Product gap"
    assert categorize("Not a fit for their use case") == "Poor fit"
    assert categorize("Next year") == "Timing"
    assert split_reasons("Price | Timing\nprice") == ["Price", "Timing"]


def test_filter_numeric_and_unknown_value():
    df = pd.DataFrame({"outcome": ["won", "lost", "won"], "amount": [100.0, 200.0, 100.0],
                       "region": ["EMEA", "emea ", "APAC"]})
    ds = DealSet.from_frame(df)
    session = WinLoss.of(ds)
    assert len(session.where({"Deal size": "100"}).dealset.deals) == 2
    assert len(session.where({"region": "EMEA"}).dealset.deals) == 2
    with pytest.raises(InputError, match=r"no deal has Region = .Mars"):
        session.where({"region": "Mars"})


@pytest.mark.parametrize("lead", ["all", "excl_no_decision"])
def test_lead_rate_is_named(lead):
    df = pd.DataFrame({"outcome": ["won", "lost", "lost"], "no_decision": [False, True, False]})
    a = analyze(DealSet.from_frame(df), Config(lead_rate=lead))
    assert a.summary_value("Win rate excl. no decision") == pytest.approx(0.5)
    assert a.summary_value("Win rate") == pytest.approx(1 / 3)
    assert ("excluding no-decision" in a.sentences["win_rate"]) == (lead == "excl_no_decision")


def test_owner_expected_rate_falls_back_to_overall_without_mix_columns():
    rows = ([{"outcome": "won", "owner": "A"}] * 30 + [{"outcome": "lost", "owner": "A"}] * 10
            + [{"outcome": "won", "owner": "B"}] * 10 + [{"outcome": "lost", "owner": "B"}] * 30)
    a = analyze(DealSet.from_frame(pd.DataFrame(rows)))
    t = a.tables["tblOwners"].set_index("Owner")
    assert t["Expected win rate"].tolist() == pytest.approx([0.5, 0.5])
    assert t.loc["A", "Difference"] == pytest.approx(0.25)
    assert t.loc["A", "Assessment"] == "Above expected" and t.loc["B", "Assessment"] == "Below expected"
    assert "overall win rate" in a.notes["tblOwners"]
    # a significantly weak owner gets a coaching recommendation naming them, a sentence that does not
    recs = a.tables["tblRecommendations"]
    assert recs["Recommendation"].str.contains("with B").any()
    assert all(" B " not in f.sentence for f in a.findings)


def test_filter_by_date():
    df = pd.DataFrame({"outcome": ["won", "lost"],
                       "close_date": pd.to_datetime(["2025-03-31 10:00", "2025-04-01 00:00"])})
    session = WinLoss.of(DealSet.from_frame(df))
    with pytest.raises(InputError, match="--period"):  # dates are selected by period
        session.where({"Close date": "2025-03-31"})
    assert len(session.in_period("2025-03-31..2025-03-31").dealset.deals) == 1


def test_sweet_spot_revenue_band_and_test_further_items():
    rng = np.random.default_rng(7)
    n = 3000
    revenue = rng.choice([5e6, 20e6, 70e6, 300e6], n)
    source = rng.choice(["Inbound", "Outbound", "Partner", "Event"], n)
    p = np.where(revenue == 20e6, 0.65, 0.40)
    won = rng.random(n) < p
    # a small segment well above average but far from significant: leaning, "Test further"
    product = np.array(["Core"] * n, dtype=object)
    product[:8] = "Beta"
    won[:8] = [True] * 6 + [False] * 2
    df = pd.DataFrame({"outcome": np.where(won, "won", "lost"), "company_revenue": revenue,
                       "lead_source": source, "product": product})
    a = analyze(DealSet.from_frame(df))
    recs = a.tables["tblRecommendations"]
    icp = recs[recs["Recommendation"].str.startswith("Sweet spot")]
    assert len(icp) == 1 and "10-50M" in icp.iloc[0]["Recommendation"]
    assert icp.iloc[0]["Area"] == "ICP"
    further = recs[recs["Confidence"] == "Test further"]
    assert len(further) >= 1
    assert further["Recommendation"].str.startswith("Test further").all()
    # significant items come first
    conf = recs["Confidence"].tolist()
    assert conf == sorted(conf, key=lambda c: c == "Test further")


def test_nested_conditions_are_not_reported_as_a_second_driver():
    """A subgroup inside its group is one condition: no driver pairs them, and of two drivers
    that share most of their deals (Group = G and X, Subgroup = S and X, S most of G) only one
    is reported."""
    rng = np.random.default_rng(5)
    n = 6000
    sub = rng.choice(["S1", "S2", "S3", "S4", "S5", "S6"], n, p=[0.25, 0.05, 0.2, 0.2, 0.15, 0.15])
    group = np.where(np.isin(sub, ["S1", "S2"]), "G1", np.where(np.isin(sub, ["S3", "S4"]), "G2", "G3"))
    route = rng.choice(["Reseller", "Field"], n)
    logit = -0.3 + 1.2 * ((sub == "S1") & (route == "Reseller"))
    won = rng.random(n) < 1 / (1 + np.exp(-logit))
    df = pd.DataFrame({"outcome": np.where(won, "won", "lost"), "Supplies Subgroup": sub,
                       "Supplies Group": group, "Route To Market": route})
    a = analyze(DealSet.from_frame(df, extra_dimensions=["Supplies Subgroup", "Supplies Group",
                                                         "Route To Market"]))
    drivers = a.tables["tblDrivers"]
    assert not drivers.empty
    assert not drivers["Segment"].str.contains("Supplies Group").any() or not drivers[
        "Segment"].str.contains("Supplies Subgroup = S1 and Route To Market = Reseller").any()
    masks = []
    for seg in drivers["Segment"]:
        mask = np.ones(n, dtype=bool)
        for cond in seg.split(" and "):
            col, value = cond.split(" = ")
            mask &= (df[col] == value).to_numpy()
        masks.append(mask)
    for i in range(len(masks)):
        for j in range(i):
            both = (masks[i] & masks[j]).sum()
            assert both < 0.8 * min(masks[i].sum(), masks[j].sum())
    for seg in drivers["Segment"]:
        assert not ("Supplies Group" in seg and "Supplies Subgroup" in seg), seg


def test_configured_revenue_bands_kept_when_quantiles_split_no_better():
    """Eight deals falling 4 / 4 into 0-10M / 10-50M keep the configured bands."""
    df = pd.DataFrame({"outcome": ["won", "lost"] * 4,
                       "company_revenue": [2e6, 3e6, 5e6, 8e6, 12e6, 20e6, 30e6, 40e6]})
    p = analyze(DealSet.from_frame(df)).tables["tblPatterns"]
    segs = p.loc[p["Dimension"] == "Company revenue", ["Segment", "Deals"]].values.tolist()
    assert segs == [["0-10M", 4], ["10-50M", 4]]
