"""Agreement metrics against values computed by hand."""

import math

import numpy as np
import pytest

from sinojp import stats


def test_accuracy_and_macro_f1_by_hand():
    gold = [1, 1, 0, -1, -1, 0]
    pred = [1, 0, 0, -1, 1, 0]
    assert stats.accuracy(gold, pred) == pytest.approx(4 / 6)
    # class 1: tp1 fp1 fn1 -> 0.5; class 0: tp2 fp1 fn0 -> 0.8; class -1: tp1 fp0 fn1 -> 2/3
    assert stats.macro_f1(gold, pred) == pytest.approx((0.5 + 0.8 + 2 / 3) / 3)


def test_spearman_by_hand_and_constant_series():
    # ranks x: 1 2 3 4, y: 2 1 4 3 -> d^2 = 1+1+1+1 = 4; rho = 1 - 6*4/(4*15) = 0.6
    assert stats.spearman([1, 2, 3, 4], [20, 10, 40, 30]) == pytest.approx(0.6)
    assert math.isnan(stats.spearman([1, 1, 1], [1, 2, 3]))


def test_krippendorff_alpha_nominal_by_hand():
    # 4 items, 2 coders: (1,1) (0,0) (1,0) (0,0). Values: 1x3, 0x5, n=8.
    # Do = 2/8 (one disagreeing pair counted twice over n pairable values)
    # De = 2*3*5 / (8*7) = 30/56; alpha = 1 - (2/8)/(30/56) = 1 - 56/120
    a, b = [1, 0, 1, 0], [1, 0, 0, 0]
    assert stats.krippendorff_alpha(a, b, "nominal") == pytest.approx(1 - 56 / 120)


def test_krippendorff_alpha_interval_by_hand():
    # items (1,1) (-1,0) (0,0): values 1,1,-1,0,0,0 (n=6)
    # Do = 2*(1)^2 / 6 = 1/3 ; De = sum over ordered pairs of (v-v')^2 / (n(n-1))
    vals = [1, 1, -1, 0, 0, 0]
    de = sum((x - y) ** 2 for i, x in enumerate(vals) for j, y in enumerate(vals) if i != j) / 30
    expected = 1 - (1 / 3) / de
    assert stats.krippendorff_alpha([1, -1, 0], [1, 0, 0], "interval") == pytest.approx(expected)


def test_krippendorff_alpha_ordinal_perfect_and_undefined():
    assert stats.krippendorff_alpha([-1, 0, 1, 1], [-1, 0, 1, 1], "ordinal") == pytest.approx(1.0)
    assert math.isnan(stats.krippendorff_alpha([0, 0], [0, 0], "ordinal"))


def test_ordinal_metric_counts_values_between_ranks():
    dist = stats._ordinal_distance_factory([-1, -1, 0, 1, 1, 1])  # n(-1)=2, n(0)=1, n(1)=3
    # delta(-1, 1) = (2 + 1 + 3 - (2 + 3)/2)^2 = 3.5^2
    assert dist(-1, 1) == pytest.approx(12.25)
    assert dist(0, 0) == pytest.approx(0.0)


def test_bootstrap_ci_is_seeded_and_brackets_the_mean():
    values = np.arange(20, dtype=float)
    lo, hi = stats.bootstrap_ci(values, n_boot=500, random_state=3)
    assert (lo, hi) == stats.bootstrap_ci(values, n_boot=500, random_state=3)
    assert lo < values.mean() < hi


def test_permutation_and_mann_whitney_on_separated_groups():
    # three values all above three others: exact one-sided p = 1 / C(6,3) = 0.05
    u, p = stats.mann_whitney([3, 4, 5], [0, 1, 2], "greater")
    assert u == 9 and p == pytest.approx(0.05)
    perm = stats.permutation_pvalue([3, 4, 5], [0, 1, 2], n_perm=4000, random_state=0)
    assert perm == pytest.approx(0.05, abs=0.015)
