"""persona_analysis: planted signals, committee size, the legacy won-only case, empty input."""

from __future__ import annotations

import math
import time

import numpy as np
import pandas as pd
import pytest

from winloss_xl.config import Config
from winloss_xl.engine import titles as tt
from winloss_xl.engine.analysis import Finding
from winloss_xl.engine.personas import (
    COMMITTEE_COLUMNS,
    DECISION_MAKER_COLUMNS,
    FREQUENCY_ONLY,
    PERSONA_COLUMNS,
    PersonaResult,
    persona_analysis,
)

CFG = Config()
VP_SPELLINGS = ["VP Sales", "SVP, Worldwide Sales", "Vice President of Sales", "vp sales"]
CFO_SPELLINGS = ["CFO", "Chief Financial Officer", "C.F.O."]


def frames(deals: list[tuple[str, str]], contacts: list[tuple[str, str, str]]):
    d = pd.DataFrame(deals, columns=["deal_id", "outcome"])
    c = pd.DataFrame(contacts, columns=["deal_id", "title", "role"])
    c["department"] = None
    c["seniority"] = None
    return d, c


def planted_deals():
    """200 won, 200 lost. VP Sales champion in 80% of wins and 30% of losses; CFO economic
    buyer in 60% of both; a software engineer evaluator in half of both."""
    deals, contacts = [], []
    for i in range(400):
        won = i < 200
        j = i if won else i - 200
        did = f"D{i:04d}"
        deals.append((did, "won" if won else "lost"))
        if j < (160 if won else 60):
            contacts.append((did, VP_SPELLINGS[j % len(VP_SPELLINGS)], "Champion"))
        if j % 10 < 6:
            contacts.append((did, CFO_SPELLINGS[j % len(CFO_SPELLINGS)], "Economic Buyer"))
        if j % 2 == 0:
            contacts.append((did, "Software Engineer", "Evaluator"))
    return frames(deals, contacts)


def row(table: pd.DataFrame, persona: str) -> pd.Series:
    hit = table[table["Persona"] == persona]
    assert len(hit) == 1, f"{persona} not in {table['Persona'].tolist()}"
    return hit.iloc[0]


# ------------------------------------------------------------------ planted signal

def test_planted_signal_vp_sales_is_a_driver_and_cfo_is_in_line():
    deals, contacts = planted_deals()
    res = persona_analysis(deals, contacts, CFG)
    assert isinstance(res, PersonaResult) and not res.frequency_only
    t = res.tables["tblPersonas"]
    assert list(t.columns[: len(PERSONA_COLUMNS)]) == PERSONA_COLUMNS

    vp = row(t, "VP Sales")
    assert (vp["Seniority"], vp["Function"]) == ("VP", "Sales")
    assert (vp["Deals with"], vp["Won with"], vp["Lost with"]) == (220, 160, 60)
    assert vp["Share of wins"] == pytest.approx(0.8)
    assert vp["Share of losses"] == pytest.approx(0.3)
    assert vp["Win rate with"] == pytest.approx(160 / 220)
    assert vp["Win rate without"] == pytest.approx(40 / 180)
    assert vp["Lift"] == pytest.approx((160 / 220) / (40 / 180))  # with / without
    assert vp["q-value"] <= CFG.fdr
    assert vp["Verdict"] == "Strong fit"
    assert vp["Typical role"] == "Champion (100%)"
    assert vp["CI low"] < vp["Win rate with"] < vp["CI high"]
    assert t.iloc[0]["Persona"] == "VP Sales"  # strongest evidence first
    assert vp["Lift within committee size"] > 1.2  # not just a bigger committee

    cfo = row(t, "CFO")
    assert (cfo["Seniority"], cfo["Function"]) == ("C-level", "Finance")
    assert cfo["Share of wins"] == pytest.approx(0.6)
    assert cfo["Share of losses"] == pytest.approx(0.6)
    assert cfo["Lift"] == pytest.approx(1.0)
    assert cfo["q-value"] > CFG.fdr
    assert cfo["Verdict"] == "In line"
    assert cfo["Typical role"] == "Decision maker (100%)"

    # findings: VP Sales recommended, CFO never presented as a driver
    assert all(isinstance(f, Finding) and f.area == "Personas" for f in res.findings)
    vp_findings = [f for f in res.findings if "VP Sales" in f.sentence]
    assert len(vp_findings) == 1 and vp_findings[0].significant
    assert vp_findings[0].recommendation.startswith("Target VP Sales")
    assert "typically as champion" in vp_findings[0].recommendation
    lift = f"lift {(160 / 220) / (40 / 180):.2f}"
    assert ("q = " in vp_findings[0].evidence or "q < 0.0001" in vp_findings[0].evidence) \
        and lift in vp_findings[0].evidence
    assert "very strong evidence" in vp_findings[0].sentence
    assert not [f for f in res.findings if "CFO" in f.sentence + f.recommendation]
    assert row(t, "IT staff")["Verdict"] == "In line"

    # the decision-maker pattern: CFO / C-level, in line
    dm = res.tables["tblDecisionMakers"]
    assert list(dm.columns) == DECISION_MAKER_COLUMNS
    top = dm.groupby("Pattern").head(1).set_index("Pattern")
    assert top.loc["Persona", "Decision maker"] == "CFO"
    assert top.loc["Seniority", "Decision maker"] == "C-level"
    assert top.loc["Persona", "Lift"] == pytest.approx(1.0)
    assert top.loc["Persona", "Verdict"] == "In line"
    assert "CFO" in res.notes["tblDecisionMakers"]


def test_each_deal_counts_once_per_persona_and_open_deals_are_ignored():
    deals, contacts = frames(
        [("A", "won"), ("B", "lost"), ("C", "open")],
        [("A", "VP Sales", "Champion"), ("A", "SVP Sales", "Influencer"),
         ("B", "VP Sales", "Champion"), ("C", "VP Sales", "Champion"),
         ("Z", "CFO", "Decision Maker")])
    res = persona_analysis(deals, contacts, CFG)
    vp = row(res.tables["tblPersonas"], "VP Sales")
    assert (vp["Deals with"], vp["Won with"], vp["Lost with"]) == (2, 1, 1)
    assert vp["Verdict"] == "Too few deals"
    assert vp["Typical role"] == "Champion (67%)"
    assert math.isnan(vp["q-value"])
    assert res.tables["tblPersonas"]["Persona"].tolist() == ["VP Sales"]
    assert res.findings == []


def test_same_input_same_tables_whatever_the_contact_order():
    deals, contacts = planted_deals()
    a = persona_analysis(deals, contacts, CFG)
    b = persona_analysis(deals.sample(frac=1, random_state=3),
                         contacts.sample(frac=1, random_state=4), CFG)
    for name, table in a.tables.items():
        pd.testing.assert_frame_equal(table, b.tables[name], check_dtype=False)
    assert [f.sentence for f in a.findings] == [f.sentence for f in b.findings]


# ------------------------------------------------------------------- committee size

COMMITTEE_TITLES = ["VP Sales", "CFO", "Director IT", "Procurement Manager", "Software Engineer",
                    "Head of Legal", "Data Analyst"]
COMMITTEE_RATES = {1: 0.20, 2: 0.35, 3: 0.50, 4: 0.70, 5: 0.70, 6: 0.70}


def committee_deals():
    deals, contacts = [], []
    for size, rate in COMMITTEE_RATES.items():
        n = 120 if size <= 3 else 40
        for j in range(n):
            did = f"S{size}-{j:03d}"
            deals.append((did, "won" if j < round(rate * n) else "lost"))
            for k in range(size):
                contacts.append((did, COMMITTEE_TITLES[(j + k) % len(COMMITTEE_TITLES)],
                                 "Influencer"))
    return frames(deals, contacts)


def test_win_rate_rises_with_committee_size_and_four_plus_is_significant():
    deals, contacts = committee_deals()
    res = persona_analysis(deals, contacts, CFG)
    t = res.tables["tblCommittee"]
    assert list(t.columns[: len(COMMITTEE_COLUMNS)]) == COMMITTEE_COLUMNS
    assert t["Contacts on deal"].tolist() == ["1", "2", "3", "4+"]  # no deal without contacts
    assert t["Deals"].tolist() == [120, 120, 120, 120]
    rates = t["Win rate"].to_numpy()
    assert np.all(np.diff(rates) > 0)
    assert rates.tolist() == pytest.approx([0.2, 0.35, 0.5, 0.7])
    assert np.all(t["CI low"] < t["Win rate"]) and np.all(t["Win rate"] < t["CI high"])
    assert t["CI high"].iloc[0] < t["CI low"].iloc[-1]
    four = t.iloc[-1]
    assert four["q-value"] <= CFG.fdr
    assert four["Verdict"] == "Strong fit"
    assert t.iloc[0]["Verdict"] == "Poor fit"
    four_plus = [f for f in res.findings if "4 or more contacts" in f.sentence]
    assert len(four_plus) == 1 and four_plus[0].significant
    assert four_plus[0].recommendation == "Multi-thread: involve more people on each deal"
    # every persona rides on committee size here: shown, but none recommended
    personas = res.tables["tblPersonas"]
    assert (personas["Lift"] > 1.1).all()
    assert (personas["Lift within committee size"] - 1).abs().max() < 0.05
    assert set(personas["Recommendation"]) == {"Goes with committee size: not recommended on its own"}
    assert not [f for f in res.findings if f.sentence.startswith("Deals involving")]
    assert "committee size" in res.notes["tblPersonas"]
    by_level = res.tables["tblCommitteeSeniority"]
    assert by_level.columns[0] == "Seniorities on deal"
    assert by_level["Deals"].sum() == len(deals)


def test_zero_band_appears_when_some_deals_have_no_contacts():
    deals, contacts = committee_deals()
    extra = pd.DataFrame({"deal_id": [f"N{i}" for i in range(30)],
                          "outcome": ["lost"] * 20 + ["won"] * 10})
    res = persona_analysis(pd.concat([deals, extra], ignore_index=True), contacts, CFG)
    t = res.tables["tblCommittee"]
    assert t["Contacts on deal"].tolist() == ["0", "1", "2", "3", "4+"]
    assert t.iloc[0]["Deals"] == 30 and t.iloc[0]["Won"] == 10


# ------------------------------------------------------------------------ legacy case

def legacy_deals():
    """Won deals only carry contacts (as the legacy nested JSON does)."""
    deals, contacts = [], []
    for i in range(100):
        did = f"W{i:03d}"
        deals.append((did, "won"))
        contacts.append((did, VP_SPELLINGS[i % len(VP_SPELLINGS)], "Champion"))
        if i < 90:
            contacts.append((did, CFO_SPELLINGS[i % len(CFO_SPELLINGS)], "Decision Maker"))
        if i < 20:
            contacts.append((did, "Director IT", "Evaluator"))
    deals += [(f"L{i:03d}", "lost") for i in range(80)]
    return frames(deals, contacts)


def test_legacy_won_only_contacts_give_frequencies_only():
    deals, contacts = legacy_deals()
    res = persona_analysis(deals, contacts, CFG)
    assert res.frequency_only is True
    t = res.tables["tblPersonas"]
    assert t["Persona"].tolist()[:2] == ["VP Sales", "CFO"]
    assert t["Share of wins"].tolist()[:2] == pytest.approx([1.0, 0.9])
    assert set(t["Verdict"]) == {FREQUENCY_ONLY}
    for col in ("Win rate with", "Win rate without", "Lift", "q-value", "p-value", "Share of losses"):
        assert t[col].isna().all(), col
    note = res.notes["tblPersonas"]
    assert "Frequency only" in note and "only won deals carry contacts" in note.lower()

    dm = res.tables["tblDecisionMakers"]
    top = dm.groupby("Pattern").head(1).set_index("Pattern")
    assert top.loc["Persona", "Decision maker"] == "CFO"
    assert top.loc["Seniority", "Decision maker"] == "C-level"
    assert (top["Verdict"] == FREQUENCY_ONLY).all()
    assert top["Lift"].isna().all()
    assert "CFO" in res.notes["tblDecisionMakers"] and "C-level" in res.notes["tblDecisionMakers"]
    assert "Frequency among wins only" in res.notes["tblDecisionMakers"]

    committee = res.tables["tblCommittee"]
    assert committee["Win rate"].isna().all() and committee["q-value"].isna().all()
    assert res.findings == []  # never a driver
    assert res.quality[0][:2] == ("Personas: frequency only", 100)


# ------------------------------------------------------------------------- no contacts

@pytest.mark.parametrize("contacts", [
    None,
    pd.DataFrame(columns=["deal_id", "title", "role", "department", "seniority"]),
    pd.DataFrame({"deal_id": ["elsewhere"], "title": ["CFO"], "role": ["Champion"],
                  "department": [None], "seniority": [None]}),
])
def test_no_contacts_gives_empty_tables_with_a_note(contacts):
    deals = pd.DataFrame({"deal_id": ["A", "B"], "outcome": ["won", "lost"]})
    res = persona_analysis(deals, contacts, CFG)
    assert list(res.tables["tblPersonas"].columns[:14]) == PERSONA_COLUMNS
    assert list(res.tables["tblCommittee"].columns[:7]) == COMMITTEE_COLUMNS
    for name in ("tblPersonas", "tblCommittee", "tblCommitteeSeniority", "tblDecisionMakers"):
        assert res.tables[name].empty
        assert res.notes[name].startswith("No contacts were given")
    assert res.findings == [] and not res.frequency_only


def test_contacts_frame_gains_no_name_or_email_columns():
    deals, contacts = planted_deals()
    res = persona_analysis(deals, contacts, CFG)
    for table in res.tables.values():
        assert not [c for c in table.columns if "name" in c.lower() or "mail" in c.lower()]


# ------------------------------------------------------------------------------ speed

def test_fifty_thousand_deals_with_150k_contacts_is_fast():
    rng = np.random.default_rng(7)
    n = 50_000
    ids = np.array([f"D{i}" for i in range(n)], dtype=object)
    deals = pd.DataFrame({"deal_id": ids, "outcome": np.where(rng.random(n) < 0.3, "won", "lost")})
    pool = np.array(["VP Sales", "CFO", "Director IT", "Procurement Manager", "Software Engineer",
                     "Head of Legal", "Data Analyst", "CEO", "Chief Revenue Officer",
                     "Sr. Manager, Marketing Ops"] + [f"Account Executive {i}" for i in range(500)],
                    dtype=object)
    roles = np.array(["Champion", "Decision Maker", "Influencer", "Evaluator", "Other"], dtype=object)
    m = 3 * n
    contacts = pd.DataFrame({"deal_id": ids[rng.integers(0, n, m)],
                             "title": pool[rng.integers(0, len(pool), m)],
                             "role": roles[rng.integers(0, len(roles), m)],
                             "department": None, "seniority": None})
    start = time.perf_counter()
    res = persona_analysis(deals, contacts, CFG)
    assert time.perf_counter() - start < 5.0
    assert res.tables["tblPersonas"]["Deals with"].max() <= n


def test_deal_keys_meet_across_types_and_odd_values_do_not_break_anything():
    deals = pd.DataFrame({"deal_id": [1, 2, 3, 4, 5, 6],
                          "outcome": ["won", "lost", "won", "lost", "won", "lost"]})
    contacts = pd.DataFrame({"deal_id": ["1", "2", 3, 4.0, None, "6"],
                             "title": ["CFO", None, "VP Sales", 12, "CTO", "=1+1"],
                             "role": [None, "Champion", 3, "x", "y", "z"]})
    res = persona_analysis(deals, contacts, CFG)
    t = res.tables["tblPersonas"].set_index("Persona")
    assert t.loc["CFO", "Won with"] == 1 and t.loc["VP Sales", "Won with"] == 1
    assert t.loc["Other", "Deals with"] == 3  # deals 2, 4 and 6
    assert "CTO" not in t.index  # its contact has no deal key
    assert res.tables["tblCommittee"]["Deals"].sum() == 6


def test_poor_and_leaning_personas_give_review_and_test_further_findings():
    """Every deal has two contacts, so committee size explains nothing here."""
    deals, contacts = [], []
    for i in range(300):
        won = i < 150
        j = i if won else i - 150
        did = f"P{i:03d}"
        deals.append((did, "won" if won else "lost"))
        first = "Procurement Specialist" if j < (30 if won else 105) else "Astronaut"
        second = "Head of Legal" if (won and j < 9) or (not won and j < 3) else "Ninja"
        contacts += [(did, first, "Blocker"), (did, second, "Evaluator")]
    res = persona_analysis(*frames(deals, contacts), CFG)
    t = res.tables["tblPersonas"]
    proc, legal = row(t, "Procurement staff"), row(t, "Director Legal")
    assert proc["Verdict"] == "Poor fit" and proc["Lift within committee size"] < 0.8
    assert legal["Verdict"] == "Leaning strong" and legal["q-value"] > CFG.fdr
    by_who = {f.evidence.split(":")[0]: f for f in res.findings if f.sentence.startswith("Deals involving")}
    assert set(by_who) == {"Procurement staff", "Director Legal"}
    assert by_who["Procurement staff"].significant
    assert by_who["Procurement staff"].recommendation.startswith("Review deals involving Procurement staff")
    assert not by_who["Director Legal"].significant
    assert by_who["Director Legal"].recommendation.startswith("Test further: target Director Legal")
    assert "not yet significant" in by_who["Director Legal"].sentence
    assert row(t, "Other")["Persona"] == "Other"  # unreadable titles shown, never a finding
    assert not [f for f in res.findings if "Other" in f.sentence]
    assert res.tables["tblCommittee"]["Contacts on deal"].tolist() == ["1", "2", "3", "4+"]
    assert res.quality[0][:2] == ("Contact titles not recognised", 600 - (30 + 105) - (9 + 3))


# ------------------------------------------------------ issue 18: honest persona statistics

def test_lift_is_with_over_without_and_catch_alls_come_last_untested():
    deals, contacts = planted_deals()
    extra = [(f"D{i:04d}", t, "Influencer") for i, t in
             [(0, "Director"), (1, "Astronaut"), (200, "Director"), (2, "Finance")]]
    contacts = pd.concat([contacts, pd.DataFrame(extra, columns=contacts.columns[:3])],
                         ignore_index=True)
    res = persona_analysis(deals, contacts, CFG)
    t = res.tables["tblPersonas"]
    with_rate = t["Won with"] / t["Deals with"]
    won = (deals["outcome"] == "won").sum()
    without = (won - t["Won with"]) / (len(deals) - t["Deals with"])
    assert (t["Lift"] - with_rate / without).abs().max() < 1e-12
    catch = t["Persona"].map(lambda p: p == "Other" or p.endswith(("(other function)",
                                                                   "(other level)")))
    assert catch.sum() == 3  # Director (other function), Other, Finance (other level)
    assert catch.iloc[-3:].all() and not catch.iloc[:-3].any()
    assert (t.loc[catch, "Verdict"] == "Catch-all (not a persona)").all()
    assert t.loc[catch, "p-value"].isna().all() and t.loc[catch, "q-value"].isna().all()
    assert not [f for f in res.findings if "other function" in f.sentence or "Other" in f.sentence]
    assert "with the persona divided by the win rate without" in res.notes["tblPersonas"]
    assert "more than 100%" in res.notes["tblPersonas"]


def _two_group_deals(n_with: int, won_with: int, n_without: int, won_without: int,
                     title: str = "Head of Legal"):
    deals, contacts = [], []
    for i in range(n_with + n_without):
        did = f"G{i:05d}"
        with_ = i < n_with
        won = i < won_with if with_ else (i - n_with) < won_without
        deals.append((did, "won" if won else "lost"))
        contacts.append((did, title if with_ else "Software Engineer", "Influencer"))
        contacts.append((did, "Software Engineer", "Evaluator"))
    return frames(deals, contacts)


def test_a_significant_persona_under_20_deals_is_test_further_at_most():
    deals, contacts = _two_group_deals(12, 12, 300, 90)
    res = persona_analysis(deals, contacts, CFG)
    legal = row(res.tables["tblPersonas"], "Director Legal")
    assert legal["Verdict"] == "Strong fit" and legal["Deals with"] == 12
    assert legal["Recommendation"].startswith("Test further")
    found = [f for f in res.findings if f.evidence.startswith("Director Legal:")]
    assert len(found) == 1 and not found[0].significant
    assert found[0].recommendation.startswith("Test further: target Director Legal")


def test_a_tiny_difference_is_not_recommended_however_significant():
    # 20,000 deals with the persona at 31% against 29% without: significant, too small to act on
    deals, contacts = _two_group_deals(20_000, 6_200, 20_000, 5_800)
    res = persona_analysis(deals, contacts, CFG)
    legal = row(res.tables["tblPersonas"], "Director Legal")
    assert legal["Verdict"] == "Strong fit" and legal["q-value"] < 0.01
    assert abs(legal["Win rate with"] - legal["Win rate without"]) < 0.03
    assert legal["Recommendation"] == "No action: the difference is too small to act on"
    assert not [f for f in res.findings if f.evidence.startswith(("Director Legal:",
                                                                  "Buying group Legal:"))]


def test_buying_groups_count_deals_where_anyone_of_a_function_appears():
    deals, contacts = planted_deals()
    res = persona_analysis(deals, contacts, CFG)
    groups = res.tables["tblBuyingGroups"]
    assert list(groups.columns[:8]) == ["Function", "Deals with", "Won with", "Win rate with",
                                        "Win rate without", "Lift", "q-value", "Verdict"]
    info = tt.classify_contacts(contacts)
    won = deals.set_index("deal_id")["outcome"] == "won"
    for g in groups.to_dict("records"):
        ids = set(contacts.loc[info["function"] == g["Function"], "deal_id"])
        has = won.index.isin(list(ids))
        assert g["Deals with"] == has.sum() and g["Won with"] == (won[has]).sum()
        rate_without = won[~has].mean()
        assert g["Win rate without"] == pytest.approx(rate_without)
        assert g["Lift"] == pytest.approx(won[has].mean() / rate_without)
    by = groups.set_index("Function")
    assert by.loc["Sales", "Verdict"] == "Strong fit"  # the VP Sales champions
    assert by.loc["Finance", "Verdict"] == "In line"   # CFOs in 60% of wins and losses
    sales = [f for f in res.findings if f.evidence.startswith("Buying group Sales:")]
    assert len(sales) == 1 and sales[0].significant
    assert sales[0].recommendation == "Involve the buyer's sales team early in every deal"
    assert "Buying group" not in " ".join(f.evidence for f in res.findings
                                          if "Finance" in f.evidence)


def test_decision_makers_never_a_catch_all_and_the_note_keeps_persona_and_seniority_apart():
    deals, contacts = planted_deals()
    extra = pd.DataFrame([(f"D{i:04d}", "Director", "Decision Maker") for i in range(0, 400, 3)],
                         columns=contacts.columns[:3])
    res = persona_analysis(deals, pd.concat([contacts, extra], ignore_index=True), CFG)
    dm = res.tables["tblDecisionMakers"]
    personas = dm[dm["Pattern"] == "Persona"]["Decision maker"].tolist()
    assert "Director (other function)" not in personas and "CFO" in personas
    note = res.notes["tblDecisionMakers"]
    assert note.startswith("In won deals the decision maker's persona is most often CFO")
    assert "seniority is most often C-level" in note
    assert "and most often" not in note
