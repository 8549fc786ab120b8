"""Planted suite through the whole path (CSV export -> ingestion -> engine), over 20 seeds.

Deals sit in 400 accounts with an account-level random effect (deals of one account are
correlated). Real effects: Industry = Technology (+), Industry = Retail (-), Region = EMEA (+),
each spread over many accounts. Traps that must never be recommended: a 40-deal lead source
that is a single account winning 90%, a "Deal Health" column that restates the outcome, and a
"Days in Stage" process duration that is short on lost deals because they are closed out early.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from winloss_xl import stats
from winloss_xl.config import Config
from winloss_xl.engine import analyze
from winloss_xl.engine.synthetic import TRAP_SOURCE, make_deals
from winloss_xl.ingest import load_deals

SEEDS = range(20)
REAL = {("Industry", "Technology"): stats.STRONG, ("Industry", "Retail"): stats.POOR,
        ("Region", "EMEA"): stats.STRONG}
HEADERS = {"deal_id": "Opportunity ID", "account_key": "Account Name", "industry": "Industry",
           "region": "Region", "lead_source": "Lead Source", "deal_type": "Type",
           "product": "Product", "owner": "Opportunity Owner", "amount": "Amount",
           "close_date": "Close Date"}
STAGES = {"won": "Closed Won", "lost": "Closed Lost", "open": "Prospecting"}


def _export(seed: int, folder: Path) -> Path:
    df, _ = make_deals(4000, seed, noise_dimensions=4, noise_levels=15, owners=20, accounts=400,
                       traps=True)
    out = df.rename(columns=HEADERS)
    out.insert(2, "Stage", df["outcome"].map(STAGES))
    out = out.drop(columns=["outcome"])
    out["Close Date"] = df["close_date"].dt.strftime("%m/%d/%Y")
    path = folder / f"deals-{seed}.csv"
    out.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("planted")
    return [analyze(load_deals(_export(seed, folder))) for seed in SEEDS]


def test_real_multi_account_effects_are_found(runs):
    hits = 0
    for a in runs:
        verdict = a.tables["tblPatterns"].set_index(["Dimension", "Segment"])["Verdict"]
        hits += sum(verdict.get(key) == want for key, want in REAL.items())
    assert hits >= 0.95 * len(REAL) * len(runs)


def test_one_account_segment_is_never_significant_or_recommended(runs):
    for a in runs:
        p = a.tables["tblPatterns"].set_index(["Dimension", "Segment"])
        row = p.loc[("Lead source", TRAP_SOURCE)]
        assert row["Accounts"] == 1 and row["Deals"] >= 30
        assert row["Verdict"] == stats.TOO_FEW_ACCOUNTS and np.isnan(row["q-value"])
        texts = [*a.tables["tblRecommendations"]["Recommendation"], *a.tables["tblDrivers"]["Segment"]]
        assert not any(TRAP_SOURCE in t for t in texts)


def test_leak_column_is_left_out_as_restating_the_outcome(runs):
    for a in runs:
        assert "Deal Health" not in set(a.tables["tblPatterns"]["Dimension"])
        cmap = a.tables["tblColumnMap"].set_index("Source column")
        assert cmap.loc["Deal Health", "Role"] == "outcome"
        assert "restates the outcome" in cmap.loc["Deal Health", "Mapped to"]
        texts = [*a.tables["tblRecommendations"]["Recommendation"], *a.tables["tblDrivers"]["Segment"]]
        assert not any("Deal Health" in t for t in texts)


def test_process_duration_is_descriptive_only(runs):
    for a in runs:
        p = a.tables["tblPatterns"]
        days = p[p["Dimension"] == "Days in Stage"]
        assert len(days) >= 2 and set(days["Role"]) == {"process measure"}
        assert days["Verdict"].isin([stats.STRONG, stats.POOR]).any()  # the artefact is strong
        assert not a.tables["tblDrivers"]["Segment"].str.contains("Days in Stage").any()
        recs = a.tables["tblRecommendations"]
        targeting = recs[recs["Area"].isin(["Targeting", "ICP"])]
        assert not targeting["Recommendation"].str.contains("Days in Stage").any()
        assert (recs.loc[recs["Recommendation"].str.contains("Days in Stage"), "Area"] == "Process").all()
        for i in (1, 2, 3):
            assert "Days in Stage" not in a.sentences.get(f"headline_{i}", "")


def test_false_discoveries_stay_within_the_fdr(runs):
    fdr = Config().fdr
    fdp = []
    for a in runs:
        p = a.tables["tblPatterns"]
        attr = p[p["Role"] == "attribute"]
        sig = attr["Verdict"].isin([stats.STRONG, stats.POOR])
        real = attr["Dimension"].isin({d for d, _ in REAL})
        fdp.append(int((sig & ~real).sum()) / max(int(sig.sum()), 1))
    assert float(np.mean(fdp)) <= fdr
