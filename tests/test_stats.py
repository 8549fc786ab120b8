"""stats.py pinned to independent references (published values and hand computation)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as st

from winloss_xl import stats


# Wilson 95% bounds. Reference values: Newcombe (1998), Stat Med 17:857, Table I
# (method 3, Wilson score without continuity correction).
@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_matches_newcombe_table(k, n, low, high):
    lo, hi = stats.wilson_interval(k, n)
    assert lo == pytest.approx(low, abs=1e-4)
    assert hi == pytest.approx(high, abs=1e-4)


def test_wilson_by_hand_for_four_of_five():
    z = 1.959963984540054
    p, n = 0.8, 5
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    lo, hi = stats.wilson_interval(4, 5)
    assert (lo, hi) == pytest.approx((centre - half, centre + half))


def test_wilson_is_nan_without_deals_and_vectorised():
    lo, hi = stats.wilson_interval(np.array([0, 3]), np.array([0, 10]))
    assert math.isnan(lo[0]) and math.isnan(hi[0])
    assert lo[1] < 0.3 < hi[1]


def test_fisher_tea_tasting_reference():
    # Fisher's lady tasting tea: [[3, 1], [1, 3]] two-sided p = 34/70.
    assert stats.fisher_p(3, 1, 1, 3) == pytest.approx(34 / 70)


def test_fisher_vs_rest_equals_scipy_on_random_tables():
    rng = np.random.default_rng(7)
    for _ in range(300):
        total = int(rng.integers(2, 400))
        total_won = int(rng.integers(0, total + 1))
        n = int(rng.integers(1, total))
        k = int(rng.integers(max(0, n - (total - total_won)), min(n, total_won) + 1))
        ours = stats.fisher_vs_rest([k], [n], total_won, total)[0]
        ref = st.fisher_exact([[k, n - k], [total_won - k, total - total_won - (n - k)]])[1]
        assert ours == pytest.approx(ref, rel=1e-9, abs=1e-12)


def test_benjamini_hochberg_worked_example():
    # Benjamini & Hochberg (1995), section 4: 15 p-values; at q*=0.05 the first
    # four are rejected. Adjusted values computed by hand: p(i) * m / i, made monotone.
    p = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344,
         0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.0000]
    q = stats.benjamini_hochberg(p)
    assert (q <= 0.05).sum() == 4
    assert q[0] == pytest.approx(0.0015)
    assert q[3] == pytest.approx(0.0095 * 15 / 4)
    assert q[4] == pytest.approx(0.0201 * 15 / 5)
    assert q[5] == pytest.approx(0.0298 * 15 / 7)  # step-up: rank 7 is smaller than rank 6
    np.testing.assert_allclose(q, st.false_discovery_control(p))


def test_bh_keeps_nan_out_of_the_family():
    q = stats.benjamini_hochberg([0.01, float("nan"), 0.02])
    assert math.isnan(q[1])
    assert q[0] == pytest.approx(0.02) and q[2] == pytest.approx(0.02)


@pytest.mark.parametrize(
    ("n", "lift", "q", "expected"),
    [
        (5, 1.3, 0.05, stats.STRONG),
        (50, 0.5, 0.01, stats.POOR),
        (5, 1.27, 0.5, stats.LEANING_STRONG),
        (30, 0.75, 0.3, stats.LEANING_POOR),
        (30, 1.1, 0.3, stats.IN_LINE),
        (4, 2.0, 0.001, stats.TOO_FEW),
    ],
)
def test_verdicts(n, lift, q, expected):
    assert stats.verdict(n, lift, q) == expected


def test_segment_table_legacy_four_of_five_is_not_strong():
    # The old script called 4 wins of 5 a "Strong fit"; with the rest at 50% it is not significant.
    t = stats.segment_table(["Technology", "Other"], [4, 5], [5, 10], total_won=9, total_n=15)
    row = t.iloc[0]
    assert row["Win rate"] == pytest.approx(0.8)
    assert row["Deals"] == 5
    assert row["Verdict"] in (stats.LEANING_STRONG, stats.IN_LINE)
    assert row["CI low"] < row["Win rate"] < row["CI high"]


# ---------------------------------------------------------------- engine additions


def test_fisher_vs_rest_fast_with_one_population_per_segment():
    rng = np.random.default_rng(11)
    totals = rng.integers(2, 300, 400)
    total_won = np.array([rng.integers(0, t + 1) for t in totals])
    n = np.array([rng.integers(1, t) for t in totals])
    k = np.array([rng.integers(max(0, m - (t - w)), min(m, w) + 1) for m, t, w in zip(n, totals, total_won)])
    ours = stats.fisher_vs_rest_fast(k, n, total_won, totals)
    ref = [st.fisher_exact([[a, m - a], [w - a, t - w - (m - a)]])[1]
           for a, m, w, t in zip(k, n, total_won, totals)]
    np.testing.assert_allclose(ours, ref, rtol=1e-9, atol=1e-12)


def test_fisher_vs_rest_fast_on_a_million_deals_matches_scipy():
    k, n = np.array([30_050, 5_000, 61_000]), np.array([50_000, 9_000, 100_000])
    ours = stats.fisher_vs_rest_fast(k, n, 600_000, 1_000_000)
    ref = [st.fisher_exact([[a, m - a], [600_000 - a, 400_000 - (m - a)]])[1] for a, m in zip(k, n)]
    np.testing.assert_allclose(ours, ref, rtol=1e-6)


def test_z_screen_never_hides_a_fisher_result_below_the_fdr():
    # the driver screen skips exact tests whose normal-approximation p exceeds SCREEN_P; that is
    # safe only if such a candidate's exact p exceeds every false-discovery rate Config accepts
    from winloss_xl.config import MAX_FDR
    from winloss_xl.engine.patterns import SCREEN_P

    for total in range(4, 41):  # every table up to 40 deals
        for total_won in range(1, total):
            cells = [(k, n) for n in range(1, total)
                     for k in range(max(0, n - (total - total_won)), min(n, total_won) + 1)]
            k, n = np.array(cells).T
            screened = stats.z_vs_rest_p(k, n, total_won, total) > SCREEN_P
            assert (stats.fisher_vs_rest(k[screened], n[screened], total_won, total) > MAX_FDR).all()
    rng = np.random.default_rng(5)
    for _ in range(3000):  # and random ones up to 200,000 deals
        total = int(rng.integers(41, 200_000))
        total_won = int(rng.integers(1, total))
        n = int(rng.integers(3, max(4, total // 3)))
        k = int(rng.integers(max(0, n - (total - total_won)), min(n, total_won) + 1))
        if stats.z_vs_rest_p([k], [n], total_won, total)[0] > SCREEN_P:
            assert stats.fisher_vs_rest([k], [n], total_won, total)[0] > MAX_FDR


def test_config_refuses_a_false_discovery_rate_the_driver_screen_is_not_safe_for():
    from winloss_xl.config import MAX_FDR, Config
    from winloss_xl.errors import InputError

    with pytest.raises(InputError, match="fdr"):
        Config.from_pairs([["fdr", MAX_FDR * 1.2]], source="test")


def test_auc_by_hand():
    # won 0.9, 0.8, 0.4; lost 0.7, 0.4, 0.1 -> pairs won > lost: 0.9 beats 3, 0.8 beats 3,
    # 0.4 beats 0.1 and ties 0.4 (1/2): (3 + 3 + 1.5) / 9
    assert stats.auc([0.9, 0.8, 0.4], [0.7, 0.4, 0.1]) == pytest.approx(7.5 / 9)
    assert stats.auc([0.85, 0.90], [0.50]) == 1.0
    assert stats.auc([0.1], [0.9]) == 0.0
    assert math.isnan(stats.auc([], [0.3]))
    w, lo = [0.9, 0.8, 0.4, 0.6], [0.7, 0.4, 0.1]
    u = st.mannwhitneyu(w, lo).statistic
    assert stats.auc(w, lo) == pytest.approx(u / (len(w) * len(lo)))


def test_poisson_binomial_against_enumeration():
    import itertools

    probs = [0.2, 0.5, 0.5, 0.9, 0.7]
    pmf = np.zeros(len(probs) + 1)
    for outcome in itertools.product([0, 1], repeat=len(probs)):
        pr = np.prod([p if o else 1 - p for p, o in zip(probs, outcome)])
        pmf[sum(outcome)] += pr
    for observed in range(len(probs) + 1):
        expected = pmf[pmf <= pmf[observed] * (1 + 1e-7)].sum()
        assert stats.poisson_binomial_p(observed, probs) == pytest.approx(expected)
    # grouped form: same probabilities given as counts
    assert stats.poisson_binomial_p(2, [0.2, 0.5, 0.9, 0.7], [1, 2, 1, 1]) == pytest.approx(
        stats.poisson_binomial_p(2, probs))
    # one probability: the exact binomial test
    assert stats.poisson_binomial_p(9, [0.4], [20]) == pytest.approx(st.binomtest(9, 20, 0.4).pvalue)


def test_expected_wins_normal_approximation_close_to_exact_for_many_deals():
    probs, counts = np.array([0.3, 0.6, 0.8]), np.array([900, 700, 600])
    mean = float((probs * counts).sum())
    var = float((counts * probs * (1 - probs)).sum())
    for observed in (int(mean) - 40, int(mean) + 25):
        exact = stats.poisson_binomial_p(observed, probs, counts)
        approx = stats.expected_wins_p(observed, mean, var)[0]
        assert approx == pytest.approx(exact, rel=0.05)
    assert stats.expected_vs_actual_p(int(mean) + 25, probs, counts) == pytest.approx(
        stats.expected_wins_p(int(mean) + 25, mean, var)[0])


def test_mcnemar_is_exact_binomial_on_discordant_pairs():
    # 10 vs 2 discordant: 2 * P(X <= 2 | 12, 1/2) = 2 * 79 / 4096
    assert stats.mcnemar_p(10, 2) == pytest.approx(2 * 79 / 4096)
    assert stats.mcnemar_p(0, 0) == 1.0


def test_share_exceeds_is_one_sided_binomial():
    assert stats.share_exceeds_p(8, 10, 0.5)[0] == pytest.approx(
        st.binomtest(8, 10, 0.5, alternative="greater").pvalue)


def test_auc_p_matches_scipy_small_and_large():
    rng = np.random.default_rng(3)
    w, lo = rng.normal(0.6, 0.2, 40).round(2), rng.normal(0.5, 0.2, 30).round(2)
    assert stats.auc_p(w, lo) == pytest.approx(st.mannwhitneyu(w, lo).pvalue)
    w, lo = rng.normal(0.52, 0.2, 4000).round(2), rng.normal(0.5, 0.2, 3000).round(2)
    ref = st.mannwhitneyu(w, lo, method="asymptotic")
    a, p = stats.auc_test(w, lo)
    assert p == pytest.approx(ref.pvalue, rel=1e-6)
    assert a == pytest.approx(ref.statistic / (len(w) * len(lo)))


def test_fisher_vs_rest_fast_matches_scipy_on_large_segments_from_mode_to_far_tails():
    # the tail sums grow their window until the rest is negligible: segments near the mode
    # (long slow tails) and far out (p far below 1e-100) must both agree with scipy
    rng = np.random.default_rng(23)
    total, total_won = 50_000, 21_000
    n = rng.integers(1, total, 120)
    expected = n * total_won / total
    spread = np.sqrt(np.maximum(expected * (1 - total_won / total), 1))
    shift = rng.choice([0.0, 0.3, 1.0, 3.0, 8.0, 25.0], n.size) * rng.choice([-1, 1], n.size)
    lo, hi = np.maximum(0, n - (total - total_won)), np.minimum(n, total_won)
    k = np.clip(np.round(expected + shift * spread), lo, hi).astype(int)
    ours = stats.fisher_vs_rest_fast(k, n, total_won, total)
    ref = [st.fisher_exact([[a, m - a], [total_won - a, total - total_won - (m - a)]])[1]
           for a, m in zip(k, n)]
    np.testing.assert_allclose(ours, ref, rtol=1e-9, atol=1e-300)
    assert (np.asarray(ref) < 1e-100).any() and (np.asarray(ref) > 0.5).any()
