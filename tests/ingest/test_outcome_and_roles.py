"""The outcome from all the evidence, column roles, value semantics, joins and checked settings."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from winloss_xl.cli import main
from winloss_xl.config import Config
from winloss_xl.engine import analyze
from winloss_xl.errors import InputError
from winloss_xl.fields import role_by_header
from winloss_xl.ingest import load_deals
from winloss_xl.ingestion.mapping import match_header


def _csv(tmp: Path, text: str, name: str = "d.csv") -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def _outcomes(ds) -> list[str]:
    return ds.deals["outcome"].tolist()


# ------------------------------------------------------------------ outcome

def test_not_won_is_lost_only_when_something_says_closed(tmp_path: Path) -> None:
    """HubSpot: Is Closed Won = FALSE on a custom open stage is an open deal, not a loss."""
    ds = load_deals(_csv(tmp_path, "Deal Stage,Is Closed Won,Is Deal Closed?\n"
                                   "Closed Won,TRUE,TRUE\nPartner Referrals ,FALSE,FALSE\n"
                                   "Closed Trial,FALSE,FALSE\nClosed lost,FALSE,TRUE\n"
                                   "Deep Dive. PSP Drafted,FALSE,\n"))
    assert _outcomes(ds) == ["won", "open", "open", "lost", "open"]
    # the flags decided the custom stages: counted, not a silent default
    assert ds.quality.count_of("Unrecognised stages read from other columns") == 2
    assert ds.quality.count_of("Unrecognised stages counted as open") == 1


def test_unknown_stages_without_closed_evidence_stay_open_with_the_fixing_setting(tmp_path: Path) -> None:
    rows = "".join(f"Pausiert,{i}\n" for i in range(4)) + "".join(f"Beendet,{i}\n" for i in range(3))
    ds = load_deals(_csv(tmp_path, "Stage,Amount\nWon,1\nLost,2\n" + rows))
    assert _outcomes(ds).count("open") == 7
    q = ds.quality.to_frame().set_index("Check")
    assert q.loc["Unrecognised stages counted as open", "Count"] == 7
    assert "'Pausiert' (4)" in q.loc["Unrecognised stages counted as open", "Detail"]
    assert "won_words or lost_words" in q.loc["Unrecognised stages counted as open", "Detail"]
    fixed = load_deals(_csv(tmp_path, "Stage,Amount\nWon,1\nLost,2\n" + rows, "e.csv"),
                       config=Config(won_words=("Pausiert",), lost_words=("Beendet",)))
    assert _outcomes(fixed).count("won") == 5 and _outcomes(fixed).count("lost") == 4


def test_conflicting_sources_are_counted_and_the_flags_decide(tmp_path: Path) -> None:
    ds = load_deals(_csv(tmp_path, "StageName,IsWon,IsClosed\nClosed Won,1,1\nClosed Won,0,1\n"
                                   "Negotiation,0,1\nClosed Lost,0,0\nClosed Lost,0,1\n"))
    assert _outcomes(ds) == ["won", "lost", "lost", "open", "lost"]
    q = ds.quality.to_frame()
    conflicts = q[q["Check"] == "Outcome conflicts"]
    assert conflicts["Count"].sum() == 3
    assert any("'IsWon'" in d and "'StageName'" in d for d in conflicts["Detail"])


def test_dataloader_flags_of_one_and_blank(tmp_path: Path) -> None:
    ds = load_deals(_csv(tmp_path, "Id,StageName,IsWon,IsClosed\n1,Closed Won,1,1\n2,Closed Lost,,1\n"
                                   "3,Proposal/Quote,,\n4,Perception Analysis,,\n"))
    assert _outcomes(ds) == ["won", "lost", "open", "open"]
    assert any("blank read as FALSE" in d for d in ds.quality.to_frame()["Detail"])


def test_forecast_category_and_probability_on_closed_stages(tmp_path: Path) -> None:
    ds = load_deals(_csv(tmp_path, "Stage,ForecastCategory,Probability\nClosed,Closed,100\n"
                                   "Closed,Closed,0\nFinal Review,Omitted,0\nFinal Review,Pipeline,50\n"))
    assert _outcomes(ds) == ["won", "lost", "lost", "open"]


def test_a_lone_won_flag_reads_false_as_lost(tmp_path: Path) -> None:
    ds = load_deals(_csv(tmp_path, "Won,Amount\nTRUE,1\nFALSE,2\nyes,3\nno,4\n"))
    assert _outcomes(ds) == ["won", "lost", "won", "lost"]


# ------------------------------------------------------------------ roles and matching

@pytest.mark.parametrize("header,role", [
    ("Elapsed Days In Sales Stage", "process measure"), ("Sales Stage Change Count", "process measure"),
    ("Ratio Days Qualified To Total Days", "process measure"), ("Number of Sales Activities",
                                                                 "process measure"),
    ("LastActivityDate", "process measure"), ("Is closed lost", "outcome"),
    ("Forecast category", "outcome"), ("Weighted amount", "outcome"),
    ('Cumulative time in "Closed Won (Sales Pipeline)" (HH:mm:ss)', "outcome"),
    ("SystemModstamp", "identifier"), ("CampaignId", "identifier"), ("Contact Email", "personal"),
])
def test_roles_decided_by_the_header(header: str, role: str) -> None:
    assert role_by_header(header)[0] == role


@pytest.mark.parametrize("header,field", [
    ("Opportunity Amount USD", "amount"), ("Amount in company currency", "amount"),
    ("Total Days Identified Through Closing", "sales_cycle_days"), ("Sum of Amount", "amount"),
    ("Opportunity Result", "outcome"), ("Is Deal Closed?", "is_closed"),
])
def test_headers_matched_beyond_exact_synonyms(header: str, field: str) -> None:
    assert match_header(header)[0] == field


def test_process_and_code_columns_become_dimensions(tmp_path: Path) -> None:
    rows = "".join(f"{'Won' if i % 3 else 'Lost'},{i % 5},{i * 1.7:.1f},{i % 4 + 1}\n" for i in range(60))
    ds = load_deals(_csv(tmp_path, "Stage,Size Tier,Score Value,Days in Stage\n" + rows))
    info = ds.extra_info
    assert info["Size Tier"].kind == "code" and info["Size Tier"].role == "attribute"
    assert info["Score Value"].kind == "number"
    assert info["Days in Stage"].role == "process measure"
    p = analyze(ds).tables["tblPatterns"]
    assert p.loc[p["Dimension"] == "Size Tier", "Segment"].tolist() == ["0", "1", "2", "3", "4"]
    assert set(p.loc[p["Dimension"] == "Days in Stage", "Role"]) == {"process measure"}


def test_blank_texts_follow_one_rule_in_small_and_large_columns() -> None:
    small = pd.DataFrame({"Stage": ["Won", "Lost", "Won"], "Segment": ["N/a", "A", "B"]})
    n = 30_000
    large = pd.DataFrame({"Stage": ["Won", "Lost"] * (n // 2),
                          "Ref": ["N/a"] + [f"R{i}" for i in range(n - 1)],
                          "Segment": ["N/a"] + ["A", "B"] * (n // 2 - 1) + ["A"]})
    for frame in (small, large):
        ds = load_deals(frame)
        assert ds.deals["Segment"].isna().sum() == 1
    from winloss_xl.ingestion.values import clean_text
    assert clean_text(large["Ref"]).isna().sum() == 1


# ------------------------------------------------------------------ joins

def test_join_keys_from_the_config_and_a_note_when_few_match(tmp_path: Path) -> None:
    deals = _csv(tmp_path, "Stage,Customer Ref\nWon,K1\nLost,K2\nWon,K3\nLost,K4\n", "deals.csv")
    accounts = _csv(tmp_path, "Code,Name,Industry\nK1,Acme,Retail\nK2,Beta,Energy\n", "acc.csv")
    cfg = Config(join={"accounts_key": "Code", "deals_account_key": "Customer Ref"})
    ds = load_deals(deals, accounts=accounts, config=cfg)
    assert ds.deals["industry"].tolist() == ["Retail", "Energy", None, None]
    assert ds.quality.count_of("Accounts: Deals matched to an account") == 2
    few = load_deals(_csv(tmp_path, "Stage,Customer Ref\nWon,K1\nLost,X2\nWon,X3\n", "few.csv"),
                     accounts=accounts, config=cfg)
    row = few.quality.to_frame().set_index("Check").loc["Accounts: Join matched few deals"]
    assert "[join] accounts_key" in row["Detail"]


def test_accounts_keyed_by_id_join_automatically(tmp_path: Path) -> None:
    deals = _csv(tmp_path, "StageName,AccountId\nClosed Won,001A\nClosed Lost,001B\n", "o.csv")
    accounts = _csv(tmp_path, "Id,Name,Industry\n001A,Acme,Retail\n001B,Beta,Energy\n", "a.csv")
    ds = load_deals(deals, accounts=accounts)
    assert ds.deals["industry"].tolist() == ["Retail", "Energy"]


# ------------------------------------------------------------------ settings

@pytest.mark.parametrize("text,nearest", [
    ('[columns]\nammount = "Value"\n', "amount"), ('[column]\namount = "Value"\n', "columns"),
    ("min_deal = 4\n", "min_deals"), ('[join]\naccount_key = "Id"\n', "accounts_key"),
])
def test_unknown_settings_name_the_nearest_valid_key(tmp_path: Path, text: str, nearest: str) -> None:
    cfg = _csv(tmp_path, text, "c.toml")
    with pytest.raises(InputError) as err:
        Config.from_toml(cfg)
    assert f"did you mean '{nearest}'" in err.value.message


@pytest.mark.parametrize("text", ["fdr = 2\n", "min_deals = inf\n", "current_threshold = -5\n",
                                  "top_drivers = -1\n", "max_levels = 0\n", "fdr = nan\n",
                                  "min_accounts = 0\n", f"min_deals = {'9' * 5000}\n"])
def test_settings_outside_their_range_exit_3_with_a_short_message(tmp_path: Path, text: str,
                                                                  capsys) -> None:
    deals = _csv(tmp_path, "Stage\nWon\nLost\n")
    cfg = _csv(tmp_path, text, "c.toml")
    assert main(["inspect", str(deals), "--config", str(cfg)]) == 3
    err = capsys.readouterr().err
    assert "setting" in err and len(err) < 600 and "Traceback" not in err


def test_exclude_leaves_columns_out(tmp_path: Path) -> None:
    deals = _csv(tmp_path, "Stage,Segment,Region\nWon,A,EMEA\nLost,B,APAC\n")
    ds = load_deals(deals, config=Config(exclude=("Segment",)))
    assert "Segment" not in ds.extra_dimensions
    assert ds.quality.fates()["Segment"] == "left out (exclude setting)"
    with pytest.raises(InputError, match="did you mean 'Segment'"):
        load_deals(deals, config=Config(exclude=("Segmnt",)))


def test_columns_of_emails_phones_or_peoples_names_are_never_segments():
    import random

    from winloss_xl import WinLoss

    rng = random.Random(3)
    first = ["Jane", "John", "Maria", "Ahmed", "Wei", "Olga", "Pedro", "Aisha"]
    last = ["Okafor", "Lindqvist", "Moreau", "Tanaka", "Silva", "Novak"]
    rows = [["Stage", "Buyer", "Buyer Email", "Buyer Phone", "Region"]]
    for i in range(120):
        name = f"{rng.choice(first)} {rng.choice(last)}"
        rows.append([rng.choice(["Closed Won", "Closed Lost"]), name,
                     f"{name.split()[0].lower()}@example.com", f"+1 415 555 {1000 + i % 9:04d}",
                     rng.choice(["EMEA", "AMER"])])
    session = WinLoss(rows)
    fates = {row["Source column"]: row["Mapped to"]
             for _, row in session.dealset.quality.column_map_frame().iterrows()}
    for header in ("Buyer", "Buyer Email", "Buyer Phone"):
        assert fates[header].startswith("left out: personal"), (header, fates[header])
    dims = set(session.analysis.tables["tblPatterns"]["Dimension"])
    assert "Region" in dims and not dims & {"Buyer", "Buyer Email", "Buyer Phone"}
