"""Findings that hold on real CRM exports (IBM, Salesforce Data Loader, Maven, a full HubSpot export).

Every expected number is an independent pandas count of the raw file, never what the tool
printed before.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.conftest import SHARED
from tests.fixtures.hubspot_full import PROCESS_HEADERS, write_hubspot_full_export
from winloss_xl import stats
from winloss_xl.cli import main
from winloss_xl.engine import analyze
from winloss_xl.ingest import load_deals

IBM = SHARED / "data" / "ibm-sales-win-loss" / "WA_Fn-UseC_-Sales-Win-Loss.csv"
SFDL = SHARED / "data" / "salesforce-dataloader"
MAVEN = SHARED / "data" / "maven-crm"
IBM_PROCESS = ("Sales cycle", "Elapsed Days In Sales Stage", "Sales Stage Change Count",
               "Total Days Identified Through Qualified", "Ratio Days Identified To Total Days",
               "Ratio Days Validated To Total Days", "Ratio Days Qualified To Total Days")
TARGETING = ("Targeting", "ICP")


def _lift_of(evidence: str) -> float | None:
    m = re.search(r"lift (\d+\.\d+)", evidence)
    return float(m.group(1)) if m else None


@pytest.fixture(scope="module")
def ibm():
    if not IBM.exists():
        pytest.skip("IBM sample not present")
    raw = pd.read_csv(IBM).drop_duplicates("Opportunity Number")
    return raw, analyze(load_deals(IBM))


def test_ibm_counts_amount_and_cycle_match_pandas(ibm):
    raw, a = ibm
    won = raw["Opportunity Result"] == "Won"
    assert a.summary_value("Closed deals") == len(raw) == 77_829
    assert a.summary_value("Won") == int(won.sum()) == 17_548
    assert a.summary_value("Lost") == int((~won).sum()) == 60_281
    assert a.summary_value("Avg won amount") == pytest.approx(
        raw.loc[won, "Opportunity Amount USD"].mean(), rel=1e-9)
    assert round(a.summary_value("Avg won amount"), 2) == 73_008.56
    assert a.summary_value("Median cycle won (days)") == pytest.approx(
        raw.loc[won, "Total Days Identified Through Closing"].median())


@pytest.mark.parametrize("column", ["Revenue From Client Past Two Years", "Deal Size Category"])
def test_ibm_integer_codes_are_dimensions_with_their_real_effects(ibm, column):
    raw, a = ibm
    p = a.tables["tblPatterns"].query("Dimension == @column").set_index("Segment")
    rates = raw.assign(won=raw["Opportunity Result"] == "Won").groupby(column)["won"].agg(["mean", "size"])
    assert list(p.index) == [str(v) for v in rates.index]  # one level per code, in numeric order
    overall = (raw["Opportunity Result"] == "Won").mean()
    for code, row in rates.iterrows():
        seg = p.loc[str(code)]
        assert seg["Deals"] == row["size"]
        assert seg["Win rate"] == pytest.approx(row["mean"])
        if abs(row["mean"] - overall) > 0.05:  # a real effect: significant, in its direction
            assert seg["Verdict"] == (stats.STRONG if row["mean"] > overall else stats.POOR), code


def test_ibm_no_competitor_is_a_real_segment(ibm):
    raw, a = ibm
    p = a.tables["tblPatterns"].query("Dimension == 'Competitor Type'").set_index("Segment")
    none = raw["Competitor Type"].isna()  # pandas reads the text None as missing
    assert p.loc["None", "Deals"] == int(none.sum()) == 9_223
    assert p.loc["None", "Win rate"] == pytest.approx((raw.loc[none, "Opportunity Result"] == "Won").mean())
    assert p.loc["None", "Verdict"] == stats.STRONG
    assert "Not recorded" not in p.index


def test_ibm_process_measures_drive_nothing(ibm):
    _, a = ibm
    p = a.tables["tblPatterns"]
    assert set(p.loc[p["Role"] == "process measure", "Dimension"]) == set(IBM_PROCESS)
    for text in a.tables["tblDrivers"]["Segment"]:
        assert not any(f"{m} = " in text for m in IBM_PROCESS), text
    recs = a.tables["tblRecommendations"]
    for _, r in recs[recs["Area"].isin(TARGETING)].iterrows():
        assert not any(m in r["Recommendation"] for m in IBM_PROCESS), r["Recommendation"]
    for i in (1, 2, 3):
        assert not any(m in a.sentences.get(f"headline_{i}", "") for m in IBM_PROCESS)


def test_ibm_high_recommendations_have_a_practical_effect(ibm):
    _, a = ibm
    recs = a.tables["tblRecommendations"]
    high = recs[recs["Confidence"] == "High"]
    assert len(high) > 3
    for ev in high["Evidence"]:
        lift = _lift_of(ev)
        assert lift is None or abs(lift - 1) >= 0.10, ev


def test_salesforce_dataloader_joins_and_claims_nothing(tmp_path: Path, capsys):
    if not SFDL.exists():
        pytest.skip("Salesforce Data Loader sample not present")
    out = tmp_path / "sf.xlsx"
    rc = main(["analyze", str(SFDL / "Opportunity.csv"), "--accounts", str(SFDL / "Account.csv"),
               "-o", str(out), "--json", "-q"])
    assert rc == 0 and out.exists()
    raw = pd.read_csv(SFDL / "Opportunity.csv", encoding="utf-8-sig")
    ds = load_deals(SFDL / "Opportunity.csv", accounts=SFDL / "Account.csv")
    counts = ds.deals["outcome"].value_counts().to_dict()
    won = raw["IsWon"].eq(1)
    closed = raw["IsClosed"].eq(1)
    assert counts == {"won": int(won.sum()), "lost": int((closed & ~won).sum()),
                      "open": int((~closed).sum())} == {"won": 12, "lost": 3, "open": 35}
    assert ds.quality.count_of("Accounts: Deals matched to an account") == len(raw)
    a = analyze(ds)
    dims = set(a.tables["tblPatterns"]["Dimension"])
    assert "Industry" in dims
    outcome_or_system = {"Probability", "ForecastCategory", "ForecastCategoryName", "SystemModstamp",
                         "IsClosed", "IsWon", "IsDeleted", "FiscalQuarter", "FiscalYear", "Fiscal",
                         "LastModifiedDate", "CreatedById"}
    assert not dims & outcome_or_system
    assert not a.tables["tblPatterns"]["Verdict"].isin([stats.STRONG, stats.POOR]).any()
    assert a.tables["tblDrivers"].empty
    assert not (a.tables["tblRecommendations"]["Confidence"] != "Test further").any()


@pytest.fixture(scope="module")
def maven():
    if not MAVEN.exists():
        pytest.skip("Maven sample not present")
    ds = load_deals(MAVEN / "sales_pipeline.csv", accounts=MAVEN / "accounts.csv")
    return ds, analyze(ds)


def test_maven_findings_rest_on_attributes_of_many_accounts(maven):
    _, a = maven
    p = a.tables["tblPatterns"]
    few = p.loc[p["Accounts"] < a.config.min_accounts, ["Dimension", "Segment"]]
    process = p.loc[p["Role"] == "process measure", "Dimension"].unique()
    assert "Sales cycle" in process
    recs = a.tables["tblRecommendations"]
    targeting = recs[recs["Area"].isin(TARGETING)]
    texts = [*targeting["Recommendation"], *(a.sentences.get(f"headline_{i}", "") for i in (1, 2, 3))]
    for text in texts:
        assert not any(f"{d} = " in text or f"of {d.lower()}" in text for d in process), text
        for _, seg in few.iterrows():
            assert f"{seg['Dimension']} = {seg['Segment']} " not in text, text
    # the single-account revenue band is never significant
    rev = p[p["Dimension"] == "Company revenue"]
    assert not rev.loc[rev["Accounts"] < 5, "Verdict"].isin([stats.STRONG, stats.POOR]).any()


def test_maven_revenue_bands_split_the_deals(maven):
    _, a = maven
    p = a.tables["tblPatterns"]
    rev = p[(p["Dimension"] == "Company revenue") & (p["Segment"] != "Not recorded")]
    assert len(rev) >= 3
    assert rev["Deals"].max() < 0.6 * rev["Deals"].sum()
    assert "Revenue bands fitted to the data" in set(a.tables["tblDataQuality"]["Check"])


def test_maven_real_effects_still_shown(maven):
    """Whatever the tests find significant among attributes of many accounts stays in Patterns."""
    ds, a = maven
    closed = ds.closed
    won = (closed["outcome"] == "won").to_numpy()
    p = a.tables["tblPatterns"].set_index(["Dimension", "Segment"])
    overall = won.mean()
    for (dim, seg), row in p[p["Role"] == "attribute"].iterrows():
        if dim == "Product" and seg != "Not recorded":
            mask = (closed["product"] == seg).to_numpy()
            assert row["Deals"] == mask.sum()
            assert row["Win rate"] == pytest.approx(won[mask].mean())
    assert 0.60 < overall < 0.66


@pytest.fixture(scope="module")
def hubspot(tmp_path_factory):
    path = tmp_path_factory.mktemp("hubspot") / "hubspot-crm-exports-all-deals.csv"
    truth = write_hubspot_full_export(path)
    ds = load_deals(path)
    return truth, ds, analyze(ds)


def test_hubspot_counts_are_exact(hubspot):
    truth, ds, a = hubspot
    assert ds.deals["outcome"].value_counts().to_dict() == {
        "won": truth.won, "lost": truth.lost, "open": truth.open}
    assert a.summary_value("Win rate") == pytest.approx(truth.won / (truth.won + truth.lost))
    dq = a.tables["tblDataQuality"]
    assert "Outcome conflicts" not in set(dq["Check"])  # a consistent export has none
    assert "Closed Trial" in " ".join(dq["Detail"])  # unknown stages are listed by name


def test_hubspot_outcome_columns_are_never_analysed(hubspot):
    truth, _, a = hubspot
    dims = set(a.tables["tblPatterns"]["Dimension"])
    texts = [*a.tables["tblDrivers"]["Segment"], *a.tables["tblRecommendations"]["Recommendation"]]
    for header in truth.outcome_headers:
        assert header not in dims
        assert not any(header in t for t in texts), header
    roles = a.tables["tblColumnMap"].set_index("Source column")["Role"]
    for header in truth.outcome_headers:
        assert roles[header] == "outcome", header
    for header in PROCESS_HEADERS:
        assert roles[header] == "process measure", header


def test_hubspot_no_qualification_claim_and_no_coaching_for_open_only_owner(hubspot):
    truth, _, a = hubspot
    assert a.tables["tblQualification"].empty
    assert "open deals" in a.notes["tblQualification"]
    assert not any(f.area == "Qualification" for f in a.findings)
    owners = a.tables["tblOwners"]["Owner"].tolist()
    assert truth.open_only_owner not in owners
    assert not a.tables["tblRecommendations"]["Recommendation"].str.contains(
        truth.open_only_owner.split()[0]).any()


def test_hubspot_real_deal_type_effect_is_found(hubspot):
    truth, _, a = hubspot
    p = a.tables["tblPatterns"].query("Dimension == 'Deal type'").set_index("Segment")
    for deal_type, rate in truth.deal_type_rates.items():
        assert p.loc[deal_type, "Win rate"] == pytest.approx(rate)
    assert p.loc["Existing Business", "Verdict"] == stats.STRONG
    assert p.loc["New Business", "Verdict"] == stats.POOR
    recs = a.tables["tblRecommendations"]["Recommendation"]
    assert recs.str.contains("Deal type = Existing Business").any()


def test_hubspot_amount_in_company_currency_is_preferred(hubspot):
    _, ds, a = hubspot
    fates = ds.quality.fates()
    assert fates["Amount in company currency"] == "Deal size"
    assert fates["Amount"].startswith("left out: 'Amount in company currency'")
    assert np.isfinite(a.summary_value("Avg won amount"))
