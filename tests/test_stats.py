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
