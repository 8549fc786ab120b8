"""analyze(): contract tables, legacy cases, filters and splits, the Maven sample."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from winloss_xl import privacy, stats
from winloss_xl.config import Config
from winloss_xl.dealset import DealSet
from winloss_xl.engine import analyze
from winloss_xl.engine.analysis import CONTRACT_TABLES
from winloss_xl.engine.synthetic import make_deals
from winloss_xl.errors import InputError
from winloss_xl.session import WinLoss

CONTRACT_COLUMNS = {
    "tblActions": ["Priority", "Action", "Evidence", "Area"],
    "tblSummary": ["Metric", "Value"],
    "tblPatterns": ["Dimension", "Segment", "Deals", "Won", "Lost", "Win rate", "CI low", "CI high",
                    "Lift", "p-value", "q-value", "Verdict"],
    "tblOwners": ["Owner", "Deals", "Won", "Win rate", "Expected win rate", "Difference", "q-value"],
    "tblDrivers": ["Segment", "Deals", "Won", "Win rate", "CI low", "CI high", "Lift", "q-value"],
    "tblTrend": ["Period", "Deals", "Won", "Lost", "Win rate", "CI low", "CI high"],
    "tblLossReasons": ["Loss reason", "Lost deals", "Share of losses", "Lost amount",
                       "Share of lost amount"],
    "tblCompetitors": ["Competitor", "Deals", "Won", "Lost", "Win rate", "CI low", "CI high", "q-value"],
    "tblPersonas": ["Persona", "Seniority", "Function", "Deals with", "Won with", "Lost with",
                    "Share of wins", "Share of losses", "Win rate with", "Win rate without", "Lift",
                    "q-value", "Verdict", "Typical role"],
    "tblCommittee": ["Contacts on deal", "Deals", "Won", "Win rate", "CI low", "CI high", "q-value"],
    "tblQualification": ["Threshold", "Accuracy", "Precision", "Recall", "False positives",
                         "False negatives"],
    "tblRecommendations": ["Priority", "Area", "Recommendation", "Evidence", "Confidence"],
    "tblDataQuality": ["Check", "Count", "Detail"],
    "tblColumnMap": ["Source column", "Mapped to"],
    "tblChanges": ["Dimension", "Segment", "Baseline deals", "Baseline win rate", "Current deals",
                   "Current win rate", "Change (pts)", "CI low (pts)", "CI high (pts)", "q-value",
                   "Verdict"],
    "tblChangeDrivers": ["Dimension", "Rate effect (pts)", "Mix effect (pts)", "Total (pts)"],
    "tblChangeLossReasons": ["Loss reason", "Baseline share", "Current share", "Change (pts)",
                             "q-value"],
    "tblFollowUp": ["Recommendation", "Segment", "Baseline share of deals", "Current share of deals",
                    "Baseline win rate", "Current win rate", "Outcome"],
}
SUMMARY_METRICS = ["Closed deals", "Won", "Lost", "Open deals excluded", "Win rate", "Win rate CI low",
                   "Win rate CI high", "Win rate excl. no decision", "Value win rate", "Avg won amount",
                   "Avg lost amount", "Median cycle (won) (days)".replace("(won) ", "won "),
                   "Median cycle lost (days)"]


@pytest.fixture(scope="module")
def generated() -> tuple[DealSet, object]:
    df, extras = make_deals(3000, 3, noise_dimensions=2)
    ds = DealSet.from_frame(df, extra_dimensions=extras)
    return ds, analyze(ds, Config(trend_by="created"))


def _contract_ok(analysis) -> None:
    for name in CONTRACT_TABLES:
        table = analysis.tables[name]
        cols = CONTRACT_COLUMNS[name]
        assert list(table.columns[: len(cols)]) == cols, name
        if table.empty:
            assert analysis.notes.get(name), f"{name} is empty without a note"


def test_every_contract_table_with_contract_columns(generated):
    _, a = generated
    _contract_ok(a)
    assert list(a.tables)[: len(CONTRACT_TABLES)] == list(CONTRACT_TABLES)
    for extra in ("tblLossReasonsRaw", "tblLossStages", "tblTrendCohort"):
        assert extra in a.tables
    metrics = a.tables["tblSummary"]["Metric"].tolist()
    for m in SUMMARY_METRICS:
        assert m in metrics


def test_summary_counts(generated):
    ds, a = generated
    closed = ds.deals[ds.deals["outcome"] != "open"]
    won = int((closed["outcome"] == "won").sum())
    assert a.summary_value("Closed deals") == len(closed)
    assert a.summary_value("Won") == won
    assert a.summary_value("Open deals excluded") == ds.open_count
    assert a.summary_value("Win rate") == pytest.approx(won / len(closed))
    lo, hi = stats.wilson_interval(won, len(closed))
    assert a.summary_value("Win rate CI low") == pytest.approx(lo)
    assert a.summary_value("Win rate CI high") == pytest.approx(hi)
    nd = int(closed["no_decision"].sum())
    assert a.summary_value("Win rate excl. no decision") == pytest.approx(won / (len(closed) - nd))


def test_bands_are_readable_and_ordered(generated):
    _, a = generated
    p = a.tables["tblPatterns"]
    assert set(p["Dimension"]) >= {"Industry", "Company revenue", "Deal size", "Sales cycle", "Lead source",
                                   "Noise 1"}
    rev = p.loc[p["Dimension"] == "Company revenue", "Segment"].tolist()
    assert rev[:4] == ["0-10M", "10-50M", "50-100M", "100M+"]
    size = p.loc[p["Dimension"] == "Deal size", "Segment"].tolist()
    assert size[0].startswith("0-") and size[-1].endswith("+")
    cycle = p.loc[p["Dimension"] == "Sales cycle", "Segment"].tolist()
    assert all(s.endswith("days") for s in cycle)


def test_verdicts_consistent_with_q_and_min_deals(generated):
    _, a = generated
    cfg = a.config
    for name in ("tblPatterns", "tblCompetitors", "tblDrivers"):
        t = a.tables[name]
        sig = t["Verdict"].isin([stats.STRONG, stats.POOR])
        assert (t.loc[sig, "q-value"] <= cfg.fdr).all()
        assert not (t.loc[~sig & t["q-value"].notna(), "q-value"] <= cfg.fdr).any()
        few = t["Deals"] < cfg.min_deals
        assert (t.loc[few, "Verdict"] == stats.TOO_FEW).all()
        assert t.loc[few, "p-value"].isna().all()


def test_patterns_attributes_and_process_measures_are_two_bh_families(generated):
    _, a = generated
    p = a.tables["tblPatterns"]
    assert set(p["Role"]) == {"attribute", "process measure"}
    assert set(p.loc[p["Role"] == "process measure", "Dimension"]) == {"Sales cycle"}
    for role in ("attribute", "process measure"):
        tested = p["p-value"].notna() & (p["Role"] == role)
        np.testing.assert_allclose(p.loc[tested, "q-value"],
                                   stats.benjamini_hochberg(p.loc[tested, "p-value"].to_numpy()))


def test_recommendations_carry_evidence_and_priority(generated):
    _, a = generated
    r = a.tables["tblRecommendations"]
    assert len(r) > 0
    assert r["Priority"].tolist() == list(range(1, len(r) + 1))
    assert set(r["Confidence"]) <= {"High", "Medium", "Test further"}
    assert r["Evidence"].str.len().gt(0).all()
    strengths = [f.strength for f in a.findings if f.significant]
    assert strengths == sorted(strengths, reverse=True)
    for i in (1, 2, 3):
        assert a.sentences[f"headline_{i}"]
    assert "trend" in a.sentences and "qualification" in a.sentences


def test_deterministic(generated):
    ds, a = generated
    b = analyze(ds, Config(trend_by="created"))
    for name, t in a.tables.items():
        pd.testing.assert_frame_equal(t, b.tables[name], check_dtype=False)
    assert a.sentences == b.sentences


def test_trend_fiscal_labels():
    df, _ = make_deals(1500, 5, noise_dimensions=0)
    a = analyze(DealSet.from_frame(df), Config(fiscal_year_start_month=2))
    periods = a.tables["tblTrend"]["Period"].tolist()
    assert periods[0] == "FY2024 Q4"  # January 2024 closes FY2024 (Feb 2023 - Jan 2024)
    assert periods[1] == "FY2025 Q1"
    assert "points" in a.sentences["trend"] or "unchanged" in a.sentences["trend"]
    calendar = analyze(DealSet.from_frame(df)).tables["tblTrend"]["Period"].tolist()
    assert calendar[0] == "2024 Q1"


# ------------------------------------------------------------------ legacy cases


def _rows(count: int, outcome: str, **values: object) -> list[dict]:
    return [{"outcome": outcome, **values} for _ in range(count)]


def _deals(rows: list[dict]) -> DealSet:
    return DealSet.from_frame(pd.DataFrame(rows))


def test_legacy_technology_four_of_five():
    rows = (_rows(4, "won", industry="Technology") + _rows(1, "lost", industry="Technology")
            + _rows(2, "won", industry="Retail") + _rows(3, "lost", industry="Retail"))
    a = analyze(_deals(rows))
    t = a.tables["tblPatterns"]
    tech = t[(t["Dimension"] == "Industry") & (t["Segment"] == "Technology")].iloc[0]
    assert tech["Win rate"] == pytest.approx(0.8)
    assert tech["Deals"] == 5
    assert tech["Verdict"] not in (stats.STRONG,)


def test_legacy_revenue_three_of_four_with_min_deals_three():
    rows = (_rows(3, "won", company_revenue=20e6) + _rows(1, "lost", company_revenue=30e6)
            + _rows(1, "won", company_revenue=2e6) + _rows(3, "lost", company_revenue=5e6))
    a = analyze(_deals(rows), Config(min_deals=3))
    t = a.tables["tblPatterns"]
    band = t[(t["Dimension"] == "Company revenue") & (t["Segment"] == "10-50M")].iloc[0]
    assert band["Win rate"] == pytest.approx(0.75)
    assert band["Deals"] == 4
    assert band["Verdict"] != stats.TOO_FEW


def test_legacy_loss_shares_price_three_timing_two():
    rows = _rows(3, "lost", loss_reason="Price") + _rows(2, "lost", loss_reason="Timing") + _rows(4, "won")
    a = analyze(_deals(rows))
    t = a.tables["tblLossReasons"].set_index("Loss reason")
    assert t.loc["Price", "Share of losses"] == pytest.approx(0.6)
    assert t.loc["Timing", "Share of losses"] == pytest.approx(0.4)
    assert t["Share of losses"].sum() == pytest.approx(1.0)
    raw = a.tables["tblLossReasonsRaw"]
    # a raw value is shown only when at least 3 deals share it (privacy.MIN_SHARED_DEALS);
    # "Timing" (2 deals) is folded into its category's "not shown" row and still counted
    assert raw.set_index("Loss reason").loc["Price", "Lost deals"] == 3
    hidden = raw[raw["Loss reason"] == privacy.NOT_SHOWN]
    assert hidden[["Category", "Lost deals"]].values.tolist() == [["Timing", 2]]
    assert raw["Lost deals"].sum() == 5


def test_loss_reasons_several_per_cell_and_blanks():
    rows = [{"outcome": "lost", "loss_reason": "Too expensive; went with competitor", "amount": 100.0},
            {"outcome": "lost", "loss_reason": None, "amount": 50.0},
            {"outcome": "lost", "loss_reason": "budget frozen", "amount": 50.0},
            {"outcome": "won", "amount": 10.0}]
    t = analyze(_deals(rows)).tables["tblLossReasons"].set_index("Loss reason")
    assert set(t.index) == {"Price", "Competitor", "Unspecified", "Budget"}
    assert t["Lost deals"].sum() == 4  # deal x category citations
    assert t["Share of losses"].sum() == pytest.approx(1.0)
    assert t["Share of lost amount"].sum() == pytest.approx(1.0)
    assert t.loc["Price", "Share of lost deals"] == pytest.approx(1 / 3)


def test_qualification_needs_scored_won_and_lost_deals():
    rows = [{"outcome": "won", "qualification_score": 0.85}, {"outcome": "won", "qualification_score": 0.90},
            {"outcome": "lost", "qualification_score": 0.50}, {"outcome": "lost"}]
    a = analyze(_deals(rows))
    assert a.tables["tblQualification"].empty
    assert "2 won and 1 lost" in a.notes["tblQualification"]
    assert not any(f.area == "Qualification" for f in a.findings)


def test_scores_on_open_deals_only_are_not_assessed():
    rows = ([{"outcome": "won"}] * 6 + [{"outcome": "lost"}] * 6
            + [{"outcome": "open", "qualification_score": 0.9}] * 4)
    a = analyze(_deals(rows))
    assert a.tables["tblQualification"].empty
    assert "4 open deals carry one" in a.notes["tblQualification"]


def test_legacy_qualification_threshold_separates():
    rows = ([{"outcome": "won", "qualification_score": 0.85}, {"outcome": "won", "qualification_score": 0.90}]
            * 3 + [{"outcome": "lost", "qualification_score": 0.50}] * 5)
    a = analyze(_deals(rows))
    q = a.tables["tblQualification"]
    best = q[q["Note"].str.contains("best accuracy", case=False)].iloc[0]
    assert best["Accuracy"] == 1.0
    assert 0.50 < best["Threshold"] <= 0.85
    assert best["False positives"] == 0 and best["False negatives"] == 0
    assert "AUC 1.00" in a.sentences["qualification"]


def test_competitor_aliases_and_no_competitor_left_out():
    rows = (_rows(3, "won", competitor="MSFT") + _rows(3, "lost", competitor="Microsoft")
            + _rows(10, "won", competitor=None) + _rows(2, "lost", competitor="Oracle")
            + _rows(2, "won", competitor="none"))
    a = analyze(_deals(rows), Config(competitor_aliases={"Big Red": "Oracle"}))
    t = a.tables["tblCompetitors"].set_index("Competitor")
    # "none" in a competitor column is the real segment "No competitor"; blanks are left out
    assert set(t.index) == {"Microsoft", "Oracle", "No competitor"}
    assert t.loc["No competitor", "Deals"] == 2
    assert t.loc["Microsoft", "Deals"] == 6 and t.loc["Microsoft", "Win rate"] == pytest.approx(0.5)
    assert t.loc["Oracle", "Win rate"] == 0.0
    assert "left out" in a.notes["tblCompetitors"]


def test_lost_stages_share():
    rows = ([{"outcome": "lost", "lost_stage": "Demo"}] * 3 + [{"outcome": "lost", "lost_stage": "Proposal"}]
            + [{"outcome": "won"}])
    t = analyze(_deals(rows)).tables["tblLossStages"]
    assert t["Lost at stage"].tolist() == ["Demo", "Proposal"]
    assert t["Share of losses"].tolist() == pytest.approx([0.75, 0.25])


def test_empty_and_tiny_inputs_keep_the_contract():
    for rows in ([], [{"outcome": "open"}], [{"outcome": "won"}], [{"outcome": "lost"}]):
        a = analyze(_deals(rows) if rows else DealSet.from_frame(pd.DataFrame({"outcome": []})))
        _contract_ok(a)
        assert a.sentences["headline_1"]


def test_owner_expected_rate_adjusts_for_mix():
    # Rep A sells only hard enterprise deals (industry X, 40%); rep B only easy ones (industry Y, 70%):
    # both sell exactly at their industry's rate, so neither differs from expectation.
    rows = ([{"outcome": "won", "industry": "X", "owner": "A"}] * 40
            + [{"outcome": "lost", "industry": "X", "owner": "A"}] * 60
            + [{"outcome": "won", "industry": "Y", "owner": "B"}] * 70
            + [{"outcome": "lost", "industry": "Y", "owner": "B"}] * 30)
    t = analyze(_deals(rows)).tables["tblOwners"].set_index("Owner")
    assert t.loc["A", "Expected win rate"] == pytest.approx(0.4)
    assert t.loc["B", "Expected win rate"] == pytest.approx(0.7)
    assert t.loc["A", "Difference"] == pytest.approx(0.0)
    assert t["q-value"].min() > 0.5
    assert (t["Assessment"] == "As expected").all()


def test_amount_recording_won_value_only_is_not_a_dimension():
    rows = ([{"outcome": "won", "amount": 100.0 + i, "industry": "A"} for i in range(10)]
            + [{"outcome": "lost", "amount": 0.0, "industry": "B"} for _ in range(10)])
    a = analyze(_deals(rows))
    assert "Deal size" not in set(a.tables["tblPatterns"]["Dimension"])
    assert np.isnan(a.summary_value("Value win rate"))
    assert "Deal size not compared" in set(a.tables["tblDataQuality"]["Check"])


# ------------------------------------------------------------------ filter / split


def test_filter_by_label_name_or_extra_header(generated):
    ds, _ = generated
    emea = WinLoss.of(ds).where({"Region": "emea"}).dealset
    assert len(emea.deals) == int((ds.deals["region"] == "EMEA").sum()) > 0
    both = WinLoss.of(ds).where({"lead source": "Partner", "noise 1": "N1 01"}).dealset
    mask = (ds.deals["lead_source"] == "Partner") & (ds.deals["Noise 1"] == "N1 01")
    assert len(both.deals) == int(mask.sum())


def test_filter_unknown_column_names_it_and_lists_available(generated):
    ds, _ = generated
    with pytest.raises(InputError) as err:
        WinLoss.of(ds).where({"Planet": "EMEA"})
    assert "Planet" in str(err.value) and "Region" in str(err.value) and "Noise 1" in str(err.value)


def test_split_by_region_sorted(generated):
    ds, _ = generated
    parts = WinLoss.of(ds).split("Region")
    assert list(parts) == sorted(parts, key=str.casefold)
    assert sum(len(p.dealset.deals) for p in parts.values()) == int(ds.deals["region"].notna().sum())
    emea = parts["EMEA"]
    assert emea.analysis.summary_value("Closed deals") == int((emea.dealset.deals["outcome"] != "open").sum())


# ------------------------------------------------------------------ Maven


def test_maven_win_rate_and_honest_sectors(maven_dir):
    from winloss_xl.ingest import load_deals

    try:
        ds = load_deals(maven_dir / "sales_pipeline.csv", accounts=maven_dir / "accounts.csv")
    except NotImplementedError:
        pytest.skip("ingestion not built yet")
    a = analyze(ds)
    assert a.summary_value("Closed deals") == 6711
    assert a.summary_value("Won") == 4238
    assert round(a.summary_value("Win rate"), 4) == 0.6315
    p = a.tables["tblPatterns"]
    sectors = p[p["Dimension"] == "Industry"]
    assert len(sectors) >= 5
    sig = sectors["Verdict"].isin([stats.STRONG, stats.POOR])
    assert (sectors.loc[sig, "q-value"] <= a.config.fdr).all()
    # a sector of fewer than min_accounts accounts is not tested (no q-value)
    few = sectors["Verdict"] == stats.TOO_FEW_ACCOUNTS
    assert (sectors.loc[few, "Accounts"] < a.config.min_accounts).all()
    assert sectors.loc[few, "q-value"].isna().all()
    assert (sectors.loc[~sig & ~few, "q-value"] > a.config.fdr).all()
    # no recommendation about a sector that is not significant
    for seg in sectors.loc[~sig, "Segment"]:
        assert not a.tables["tblRecommendations"]["Recommendation"].str.contains(
            f"Industry = {seg} ", regex=False).any() or False


def test_random_small_inputs_never_fail():
    rng = np.random.default_rng(0)
    optional = {
        "industry": lambda n: rng.choice(["A", "B", None, " "], n),
        "amount": lambda n: np.where(rng.random(n) < 0.3, np.nan, rng.uniform(0, 1e5, n)),
        "company_revenue": lambda n: rng.choice([np.nan, 5e6, 2e7, 2e8], n),
        "sales_cycle_days": lambda n: rng.choice([np.nan, 3.0, 30.0, 300.0], n),
        "close_date": lambda n: pd.to_datetime(rng.choice(["2024-01-05", "2024-05-05", None], n)),
        "created_date": lambda n: pd.to_datetime(rng.choice(["2023-11-05", None], n)),
        "owner": lambda n: rng.choice(["R1", "R2", None], n),
        "competitor": lambda n: rng.choice(["MSFT", "none", "Oracle; SAP", None], n),
        "loss_reason": lambda n: rng.choice(["price", "", None, "x / timing"], n),
        "qualification_score": lambda n: rng.choice([np.nan, 0.2, 0.9], n),
        "lost_stage": lambda n: rng.choice(["Demo", None], n),
        "no_decision": lambda n: rng.random(n) < 0.2,
    }
    for trial in range(40):
        n = int(rng.integers(0, 25))
        frame = {"outcome": rng.choice(["won", "lost", "open"], n)}
        for name, make in optional.items():
            if rng.random() < 0.6:
                frame[name] = make(n)
        a = analyze(DealSet.from_frame(pd.DataFrame(frame)), Config(min_deals=3, trend_by="created"))
        _contract_ok(a)
        assert a.sentences["headline_1"], trial


def test_competitor_names_without_latin_letters_are_kept():
    rows = _rows(3, "won", competitor="日本ソフト") + _rows(3, "lost", competitor="-") + _rows(2, "lost")
    t = analyze(_deals(rows)).tables["tblCompetitors"]
    assert set(t["Competitor"]) == {"日本ソフト", "-"}
    assert t["Deals"].sum() == 6


def test_hostile_numbers_and_far_dates():
    n = 16
    values = [-5e3, np.nan, np.inf, -np.inf, 1e-300, 5e-324, 1e308, -0.0] * 2
    df = pd.DataFrame({
        "outcome": ["won", "lost"] * (n // 2),
        "amount": values, "company_revenue": values[::-1], "employees": values,
        "sales_cycle_days": values, "qualification_score": values,
        "close_date": pd.to_datetime(["1900-01-01", "2200-12-31"] * (n // 2)),
        "created_date": pd.to_datetime(["1899-06-01", "2200-01-01"] * (n // 2)),
    })
    a = analyze(DealSet.from_frame(df), Config(min_deals=3, trend_by="created"))
    _contract_ok(a)
    assert np.isfinite(a.summary_value("Avg won amount")) or np.isnan(a.summary_value("Avg won amount"))
    assert a.tables["tblTrend"]["Period"].tolist() == ["1900 Q1", "2200 Q4"]


def test_frequency_only_personas_are_stated_in_data_quality():
    # Legacy shape: only won deals carry contacts, so personas are frequencies, and
    # Data Quality must say so (not only the Personas note).
    import pandas as pd

    from winloss_xl.dealset import DealSet
    from winloss_xl.engine import analyze

    deals = pd.DataFrame({
        "deal_id": [f"d{i}" for i in range(20)],
        "outcome": ["won"] * 10 + ["lost"] * 10,
    })
    contacts = pd.DataFrame({
        "deal_id": [f"d{i}" for i in range(10)],
        "title": ["VP Sales"] * 10,
        "role": ["Champion"] * 10,
    })
    result = analyze(DealSet.from_frame(deals, contacts=contacts))
    checks = " ".join(result.tables["tblDataQuality"]["Check"].astype(str)).lower()
    assert "frequenc" in checks


def test_values_seen_only_on_open_deals_are_not_segments():
    """Dimensions are coded over all deals and narrowed to the closed ones: a value that only
    open deals carry is no level, and the codes match coding the closed deals alone."""
    from winloss_xl.engine.prepare import prepare, text_codes

    outcome = ["won", "lost"] * 20 + ["open"] * 6
    industry = ["Retail", "Tech", "Health", None, "Retail"] * 8 + ["Mining"] * 3 + ["Retail"] * 3
    region = ["EMEA"] * 40 + ["APAC"] * 6  # one closed value plus one open-only value
    ds = DealSet.from_frame(pd.DataFrame({"outcome": outcome, "industry": industry,
                                          "region": region}))
    prep = prepare(ds, Config())
    dim = prep.dim("industry")
    assert dim.levels == ["Health", "Retail", "Tech"]
    closed = ds.deals[ds.deals["outcome"] != "open"]["industry"]
    want_codes, want_levels = text_codes(closed)
    assert want_levels == dim.levels
    np.testing.assert_array_equal(dim.codes, want_codes)
    assert prep.dim("region") is None  # one value among closed deals: not compared
    assert "Mining" not in analyze(ds).table("tblPatterns")["Segment"].tolist()


def test_patterns_split_per_dimension_by_position_even_with_equal_labels() -> None:
    from dataclasses import replace

    from winloss_xl.config import Config
    from winloss_xl.demo_data import demo_dealset
    from winloss_xl.engine import patterns
    from winloss_xl.engine.prepare import NOT_RECORDED, prepare

    prep = prepare(demo_dealset(), Config())
    first, second = prep.dims[0], prep.dims[1]
    prep.dims[1] = replace(second, label=first.label)  # two dimensions, one label
    table = patterns.patterns_table(prep)
    parts = patterns.by_dimension(prep, table)
    assert [d for d, _ in parts] == prep.dims
    assert sum(len(t) for _, t in parts) == len(table)
    assert list(parts[1][1]["Segment"]) == [
        lab for lab, n in zip([*second.levels, NOT_RECORDED],
                              np.bincount(second.codes_with_missing(), minlength=second.size + 1))
        if n > 0]
