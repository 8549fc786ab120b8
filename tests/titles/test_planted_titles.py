"""Planted signal on real-world titles: finance heads on a deal lift the win rate.

Every deal has one to three contacts drawn from a pool of real-world titles in the languages
our customers sell in (chief executives, heads of other functions, staff, assistants,
deputies, unreadable titles). On 40% of the deals a finance head is involved, written the
many ways finance heads are ("Geschäftsführer (CFO)", "Kaufmännischer Geschäftsführer",
"Kfm. Leiter", "DAF", "Økonomidirektør", ...); those deals win 52% against 28% for the rest.
A rare "Leiterin Recht" sits on six won deals only: significant perhaps, but too few deals to
recommend. Over 20 seeds:

- the finance effect is found every seed (buying group Finance and a finance persona);
- CEO and catch-all rows are never Strong fit (the finance titles are not misread as them);
- no persona with fewer than 20 deals is recommended outright;
- tblBuyingGroups shows Finance as Strong fit, with lift = win rate with / without.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from winloss_xl import stats
from winloss_xl.config import Config
from winloss_xl.dealset import DealSet
from winloss_xl.engine import analyze
from winloss_xl.engine.personas import CATCH_ALL, MIN_RECOMMEND_DEALS, persona_analysis
from winloss_xl.titles import is_catch_all, read_title

FINANCE_HEADS = [
    "CFO", "Chief Financial Officer", "Geschäftsführer (CFO)", "Kaufmännischer Geschäftsführer",
    "Kaufmännische Geschäftsführerin", "Finanzvorstand", "Vorstand Finanzen", "Kfm. Leiter",
    "Leiterin Finanzen", "Head of Finance", "VP Finance", "Director of Finance",
    "Directeur administratif et financier", "DAF", "Directrice financière", "Director Financiero",
    "Diretora Financeira", "Direttore Finanziario", "Financieel Directeur", "Økonomidirektør",
    "Ekonomidirektör", "Dyrektor Finansowy", "Finance Director", "CFO / Prokurist",
    "EVP & Chief Financial Officer", "Deputy CFO",
]
OTHERS = [
    "CEO", "Geschäftsführer", "Directeur Général", "Managing Director", "President & CEO", "PDG",
    "Gerente General", "Prezes Zarządu", "VD", "Inhaber", "Founder", "Director IT",
    "Head of Procurement", "Leiter Einkauf", "Directeur Commercial", "IT-Leiter",
    "Vertriebsleiter", "Head of Marketing", "Directeur des Achats", "Software Engineer",
    "Einkäuferin", "Buyer", "Key Account Manager", "Responsable Informatique", "Gerente de TI",
    "Project Manager", "Director", "Consultant", "Astronaut", "n/a", "Директор по продажам",
    "Assistentin der Geschäftsführung", "Executive Assistant to the CEO",
    "Stellvertretender Geschäftsführer", "Operations Manager", "HR Manager", "Legal Counsel",
]
ROLES = ["Decision Maker", "Economic Buyer", "Champion", "Influencer", "Evaluator", "Other"]
RARE = "Leiterin Recht"
SEEDS = range(20)


def planted(seed: int, n: int = 1200) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    ids = [f"D{seed}-{i:05d}" for i in range(n)]
    finance = rng.random(n) < 0.40
    won = rng.random(n) < np.where(finance, 0.52, 0.28)
    deals = pd.DataFrame({"deal_id": ids, "outcome": np.where(won, "won", "lost")})
    rows = []
    for i, did in enumerate(ids):
        if finance[i]:
            rows.append((did, FINANCE_HEADS[rng.integers(len(FINANCE_HEADS))],
                         ROLES[rng.integers(2)]))
        for _ in range(rng.integers(1, 4)):
            rows.append((did, OTHERS[rng.integers(len(OTHERS))], ROLES[rng.integers(len(ROLES))]))
    won_ids = [d for d, w in zip(ids, won) if w]
    rows += [(did, RARE, "Influencer") for did in won_ids[:6]]
    contacts = pd.DataFrame(rows, columns=["deal_id", "title", "role"])
    return deals, contacts


def test_the_finance_titles_are_read_as_finance_and_the_others_are_not():
    assert {read_title(t)[2] for t in FINANCE_HEADS} == {"Finance"}
    assert all(read_title(t)[1] in ("C-level", "VP", "Director") for t in FINANCE_HEADS)
    assert not [t for t in OTHERS if read_title(t)[2] == "Finance"]
    assert read_title(RARE)[0] == "Director Legal"


@pytest.fixture(scope="module")
def runs():
    out = []
    for seed in SEEDS:
        deals, contacts = planted(seed)
        out.append((seed, deals, contacts, persona_analysis(deals, contacts, Config())))
    return out


def test_finance_effect_is_found_every_seed(runs):
    for seed, deals, contacts, res in runs:
        groups = res.tables["tblBuyingGroups"].set_index("Function")
        fin = groups.loc["Finance"]
        assert fin["Verdict"] == stats.STRONG, seed
        # independent count: deals with any finance contact, with and without
        fin_deals = set(contacts.loc[[read_title(t)[2] == "Finance" for t in contacts["title"]],
                                     "deal_id"])
        has = deals["deal_id"].isin(fin_deals)
        won = deals["outcome"] == "won"
        assert fin["Deals with"] == int(has.sum())
        assert fin["Won with"] == int((has & won).sum())
        rate_with, rate_without = won[has].mean(), won[~has].mean()
        assert fin["Win rate with"] == pytest.approx(rate_with)
        assert fin["Win rate without"] == pytest.approx(rate_without)
        assert fin["Lift"] == pytest.approx(rate_with / rate_without)
        personas = res.tables["tblPersonas"].set_index("Persona")
        finance_rows = personas[personas["Function"] == "Finance"]
        assert (finance_rows["Verdict"] == stats.STRONG).any(), seed
        assert any(f.significant and "finance buyer" in f.sentence for f in res.findings), seed


def test_ceo_and_catch_all_rows_are_never_strong_fit(runs):
    for seed, _deals, _contacts, res in runs:
        personas = res.tables["tblPersonas"]
        verdicts = dict(zip(personas["Persona"], personas["Verdict"]))
        assert verdicts.get("CEO") != stats.STRONG, seed
        catch = personas[personas["Persona"].map(is_catch_all)]
        assert set(catch["Verdict"]) <= {CATCH_ALL}, seed
        assert catch.index.min() > personas.index[~personas["Persona"].map(is_catch_all)].max()
        dm = res.tables["tblDecisionMakers"]
        dm_personas = dm[dm["Pattern"] == "Persona"]
        assert not dm_personas["Decision maker"].map(is_catch_all).any(), seed
        assert (dm_personas.loc[dm_personas["Decision maker"] == "CEO", "Verdict"]
                != stats.STRONG).all(), seed
        assert not [f for f in res.findings
                    if f.sentence.startswith(("Deals involving CEO ", "Deals involving Other"))
                    and f.significant]


def test_no_persona_with_fewer_than_20_deals_is_recommended(runs):
    small_seen = 0
    for seed, _deals, _contacts, res in runs:
        personas = res.tables["tblPersonas"].set_index("Persona")
        small = set(personas.index[personas["Deals with"] < MIN_RECOMMEND_DEALS])
        small_seen += len(small)
        for f in res.findings:
            if not f.sentence.startswith("Deals involving "):
                continue
            who = f.evidence.split(":")[0]
            if who in small:
                assert not f.significant and f.recommendation.startswith("Test further"), seed
        rare = personas.loc["Director Legal"]
        assert rare["Deals with"] == 6
        assert "Test further" in rare["Recommendation"] or rare["Verdict"] != stats.STRONG
    assert small_seen >= 20  # the rule was exercised


def test_full_report_recommendations_follow_the_persona_rules():
    deals, contacts = planted(3)
    deals = deals.assign(amount=1000.0, close_date=pd.Timestamp("2025-06-30"))
    a = analyze(DealSet.from_frame(deals, contacts=contacts), Config())
    recs = a.tables["tblRecommendations"]
    personas = a.tables["tblPersonas"].set_index("Persona")
    groups = a.tables["tblBuyingGroups"]
    assert groups.loc[groups["Function"] == "Finance", "Verdict"].item() == stats.STRONG
    outright = recs[(recs["Area"] == "Personas") & (recs["Confidence"] != "Test further")]
    assert outright["Recommendation"].str.contains("finance buyer").any()
    for text in outright["Recommendation"]:
        assert "CEO" not in text and "Other" not in text and "(other" not in text
        for persona, row in personas.iterrows():
            if f"Target {persona}:" in text:
                assert row["Deals with"] >= MIN_RECOMMEND_DEALS
