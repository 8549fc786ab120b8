"""Each CRM export shape in CRM_EXPORTS.md loads to the same truth the generator started from."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from crm_exports import (
    TrueDeal,
    true_deals,
    write_dataloader_csv,
    write_dynamics_csv,
    write_euro_csv,
    write_hubspot_csv,
    write_legacy_json,
    write_pipedrive_csv,
    write_salesforce_report_xlsx,
)

from winloss_xl import load_deals


def expected(deals: list[TrueDeal]) -> dict:
    """Counts, closed amount and cycle days computed straight from the truth."""
    closed = [d for d in deals if d.outcome != "open"]
    return {
        "won": sum(d.outcome == "won" for d in deals),
        "lost": sum(d.outcome == "lost" for d in deals),
        "open": sum(d.outcome == "open" for d in deals),
        "amount": sum(d.amount for d in closed),
        "cycles": sorted(round(d.cycle_days, 4) for d in closed),
    }


def check(ds, truth: dict, *, cycles: bool = True) -> None:
    deals = ds.deals
    assert int((deals["outcome"] == "won").sum()) == truth["won"]
    assert int((deals["outcome"] == "lost").sum()) == truth["lost"]
    assert int((deals["outcome"] == "open").sum()) == truth["open"]
    closed = deals[deals["outcome"] != "open"]
    assert closed["amount"].sum() == pytest.approx(truth["amount"], abs=0.01)
    if cycles:
        got = sorted(round(x, 4) for x in closed["sales_cycle_days"])
        assert got == pytest.approx(truth["cycles"], abs=1e-3)
    assert list(deals.columns[:21]) == list(ds.deals.columns[:21])


def test_salesforce_report_xlsx_with_titles_and_footer(tmp_path: Path) -> None:
    deals = true_deals(40)
    path = write_salesforce_report_xlsx(tmp_path / "sf_report.xlsx", deals)
    ds = load_deals(path)
    check(ds, expected(deals))
    q = ds.quality
    assert q.count_of("Title rows above the header skipped") == 4
    assert q.count_of("Footer rows dropped") == 3
    assert q.count_of("Blank rows dropped") >= 2
    fates, roles = q.fates(), q.roles()
    assert roles["Opportunity Name"] == "personal"
    assert (fates["Account Name"], roles["Account Name"]) == ("Account", "identifier")
    # the probability is outcome evidence, never a dimension; the fiscal period is the close date's
    assert (fates["Probability (%)"], roles["Probability (%)"]) == ("Probability", "outcome")
    assert (fates["Stage"], roles["Stage"]) == ("Outcome", "outcome")
    assert fates["Fiscal Period"] == "left out: a date or period"
    assert "Fiscal Period" not in ds.extra_dimensions
    assert set(ds.deals["industry"].dropna()) <= {"Software", "Retail", "Healthcare",
                                                  "Manufacturing", "Finance"}
    assert ds.deals["company_revenue"].min() >= 5_000_000
    # names never reach the frame
    assert not ds.deals.astype(str).apply(lambda c: c.str.contains("- Deal ")).any().any()


def test_dataloader_csv_flags_and_iso_timestamps(tmp_path: Path) -> None:
    deals = true_deals(36, seed=3, with_time=True)
    ds = load_deals(write_dataloader_csv(tmp_path / "Opportunity.csv", deals))
    check(ds, expected(deals))
    fates, roles = ds.quality.fates(), ds.quality.roles()
    assert (fates["IsWon"], roles["IsWon"]) == ("Won flag", "outcome")
    assert (fates["AccountId"], roles["AccountId"]) == ("Account", "identifier")
    assert roles["Name"] == "personal"
    assert ds.deals["loss_reason"].notna().sum() == expected(deals)["lost"]


def test_hubspot_csv_currency_text_and_timestamps(tmp_path: Path) -> None:
    deals = true_deals(30, seed=5, with_time=True)
    # HubSpot's Days to close is whole days: make created and close share the time of day
    for d in deals:
        d.closed = d.closed.replace(hour=d.created.hour, minute=d.created.minute)
    ds = load_deals(write_hubspot_csv(tmp_path / "hubspot-deals.csv", deals))
    check(ds, expected(deals))
    fates, roles = ds.quality.fates(), ds.quality.roles()
    assert (fates["Closed Won Reason"], roles["Closed Won Reason"]) == (
        "left out: restates the outcome", "outcome")
    assert roles["Deal Name"] == "personal"
    assert fates["Associated Company"] == "Account"
    assert ds.deals["close_date"].dt.hour.max() > 0


def test_pipedrive_prefixes_won_lost_time_and_deleted(tmp_path: Path) -> None:
    deals = true_deals(33, seed=11, with_time=True)
    ds = load_deals(write_pipedrive_csv(tmp_path / "deals-export.csv", deals, deleted=2))
    truth = expected(deals)
    check(ds, truth, cycles=False)
    closed = ds.deals[ds.deals["outcome"] != "open"]
    assert sorted(round(x, 4) for x in closed["sales_cycle_days"]) == pytest.approx(truth["cycles"])
    assert ds.quality.count_of("Deleted deals excluded") == 2
    fates, roles = ds.quality.fates(), ds.quality.roles()
    assert fates["Deal - Lost time"] == "close date (fills gaps)"
    assert fates["Organization - Industry"] == "Industry"
    assert roles["Deal - Title"] == "personal"


def test_dynamics_status_reason_canceled_is_no_decision(tmp_path: Path) -> None:
    deals = true_deals(48, seed=13, with_time=True)
    ds = load_deals(write_dynamics_csv(tmp_path / "Opportunities.csv", deals))
    check(ds, expected(deals))
    nd = sum(d.no_decision for d in deals)
    assert nd > 0
    assert int(ds.deals["no_decision"].sum()) == nd
    lost = ds.deals[ds.deals["outcome"] == "lost"]
    assert set(lost["loss_reason"]) == {"Canceled", "Out-Sold"}
    # open deals take the estimated close date
    assert ds.deals.loc[ds.deals["outcome"] == "open", "close_date"].notna().all()


def test_semicolon_cp1252_decimal_comma_csv(tmp_path: Path) -> None:
    deals = true_deals(40, seed=17)
    path = write_euro_csv(tmp_path / "export_eu.csv", deals)
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    ds = load_deals(path)
    check(ds, expected(deals))
    assert ds.deals["account_key"].str.contains("Société").all()
    assert any("decimal comma" in e.detail for e in ds.quality.entries)
    # day-first dates: 13th or later of a month must be read as the day
    assert ds.deals["close_date"].dt.day.max() > 12


@pytest.mark.parametrize("wrapped", [False, True])
def test_legacy_nested_json(tmp_path: Path, wrapped: bool) -> None:
    deals = true_deals(25, seed=19)
    ds = load_deals(write_legacy_json(tmp_path / "deals.json", deals, wrapped=wrapped))
    check(ds, expected(deals))
    assert len(ds.contacts) == sum(len(d.titles) for d in deals)
    assert list(ds.contacts.columns) == ["deal_id", "title", "role", "department", "seniority"]
    assert set(ds.contacts["deal_id"]) <= set(ds.deals["deal_id"])
    assert not ds.contacts.astype(str).apply(lambda c: c.str.contains("@|Person")).any().any()
    assert ds.deals["industry"].notna().all()
    assert ds.deals["company_revenue"].min() >= 12_000_000
    lost = ds.deals[ds.deals["outcome"] == "lost"]
    multi = lost[lost["loss_reason"] == "Price; Timing"]
    assert len(multi) and all(t == ("Price", "Timing") for t in multi["loss_reasons"])


def test_same_deals_as_dataframe(tmp_path: Path) -> None:
    deals = true_deals(30, seed=23)
    path = write_hubspot_csv(tmp_path / "h.csv", deals)
    from_file = load_deals(path).deals
    from_frame = load_deals(pd.read_csv(path), name="frame").deals
    pd.testing.assert_frame_equal(from_file, from_frame)
    assert not math.isnan(from_frame["amount"].sum())
