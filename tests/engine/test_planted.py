"""Planted signals: real effects are found with the right sign, noise stays within the FDR."""

from __future__ import annotations

import numpy as np

from winloss_xl import stats
from winloss_xl.config import Config
from winloss_xl.dealset import DealSet
from winloss_xl.engine import analyze
from winloss_xl.engine.synthetic import make_deals

REAL = {"Industry", "Region"}
SEEDS = range(20)


def _run(seed: int):
    df, extras = make_deals(4000, seed, noise_dimensions=4, noise_levels=15, owners=20)
    return analyze(DealSet.from_frame(df, extra_dimensions=extras), Config())


def test_planted_effects_found_and_noise_within_fdr():
    fdr = Config().fdr
    fdp, noise_flagged, noise_total = [], 0, 0
    for seed in SEEDS:
        a = _run(seed)
        p = a.tables["tblPatterns"]
        verdict = p.set_index(["Dimension", "Segment"])["Verdict"]
        # the planted effects, with the right sign, every seed
        assert verdict[("Industry", "Technology")] == stats.STRONG, seed
        assert verdict[("Industry", "Retail")] == stats.POOR, seed
        assert verdict[("Region", "EMEA")] == stats.STRONG, seed
        sig = p["Verdict"].isin([stats.STRONG, stats.POOR])
        noise = ~p["Dimension"].isin(REAL) & p["p-value"].notna()
        false = int((sig & noise).sum())
        fdp.append(false / max(int(sig.sum()), 1))
        noise_flagged += false
        noise_total += int(noise.sum())
        # recommendations never rest on a noise segment flagged only as leaning... unless labelled so
        recs = a.tables["tblRecommendations"]
        for _, r in recs.iterrows():
            if r["Confidence"] != "Test further":
                assert "Test further" not in r["Recommendation"]
    assert noise_total > 20 * 60
    assert float(np.mean(fdp)) <= fdr
    assert noise_flagged / noise_total <= fdr
