"""Accounts per segment and the Rao-Scott design effect, against a direct computation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from winloss_xl import stats
from winloss_xl.dealset import DealSet
from winloss_xl.engine import analyze
from winloss_xl.engine.clusters import Accounts, segment_clusters


def _deff_direct(won: np.ndarray, acc: np.ndarray) -> float:
    """The ratio-estimator design effect of one group, written out from its definition."""
    n, p = len(won), won.mean()
    sums = pd.DataFrame({"a": acc, "w": won}).groupby("a")["w"].agg(["sum", "size"])
    m = len(sums)
    if m <= 1:
        return float(n)
    v_cluster = m / (m - 1) * ((sums["sum"] - p * sums["size"]) ** 2).sum() / n ** 2
    v_binom = p * (1 - p) / n
    return max(1.0, v_cluster / v_binom) if v_binom > 0 else 1.0


def test_effective_counts_follow_the_design_effect_definition():
    rng = np.random.default_rng(3)
    n = 3000
    acc = rng.integers(0, 120, n)
    seg = rng.integers(0, 4, n)
    won = rng.random(n) < 0.3 + 0.4 * (rng.random(120) < 0.5)[acc]  # strongly clustered outcome
    res = segment_clusters(seg, 4, Accounts.from_codes(acc, won), won)
    for s in range(4):
        inside, rest = seg == s, seg != s
        assert res.accounts[s] == len(np.unique(acc[inside]))
        d_in, d_rest = _deff_direct(won[inside], acc[inside]), _deff_direct(won[rest], acc[rest])
        assert d_in > 1.5  # the planted clustering is real
        assert res.eff_n[s] == round(inside.sum() / d_in)
        assert res.eff_won[s] == round(won[inside].sum() / d_in)
        assert res.eff_total_n[s] - res.eff_n[s] == round(rest.sum() / d_rest)


def test_one_account_segment_is_not_strong_fit_but_a_spread_effect_is():
    rng = np.random.default_rng(8)
    n = 4000
    acc = rng.integers(0, 300, n).astype(object)
    source = rng.choice(["Web", "Event", "Outbound"], n).astype(object)
    source[:40] = "Partner X"
    acc[:40] = "one account"
    won = rng.random(n) < np.where(source == "Event", 0.55, 0.4)
    won[:40] = rng.random(40) < 0.9
    df = pd.DataFrame({"outcome": np.where(won, "won", "lost"), "lead_source": source,
                       "account_key": [f"A{a}" for a in acc]})
    p = analyze(DealSet.from_frame(df)).tables["tblPatterns"].set_index("Segment")
    assert p.loc["Partner X", "Verdict"] == stats.TOO_FEW_ACCOUNTS
    assert p.loc["Event", "Verdict"] == stats.STRONG
    assert p.loc["Event", "Accounts"] == pytest.approx(len({a for a, s in zip(acc, source)
                                                            if s == "Event"}))


def test_clustering_makes_a_one_customer_effect_weaker_evidence():
    """The same counts are weaker evidence when the segment's wins sit in few accounts."""
    rng = np.random.default_rng(1)
    n = 2000
    seg = np.zeros(n, dtype=int)
    seg[:300] = 1
    won = np.concatenate([rng.random(300) < 0.6, rng.random(n - 300) < 0.4])
    spread = rng.integers(0, 1000, n)
    few = spread.copy()
    few[:300] = np.where(won[:300], 0, 1) + 2000  # segment wins in one account, losses in another
    p = {}
    for name, acc in (("spread", spread), ("few", few)):
        res = segment_clusters(seg, 2, Accounts.from_codes(acc, won), won)
        p[name] = stats.fisher_vs_rest(res.eff_won[1:], res.eff_n[1:], res.eff_total_won[1:],
                                       res.eff_total_n[1:])[0]
    assert p["spread"] < 1e-6 < p["few"]
