"""Funnel plot control limits: exact binomial / Poisson with Spiegelhalter's interpolation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cyplink.report.funnel import (
    control_limits,
    curve_denominators,
    pooled_target,
    position,
)


def test_binomial_limits_match_a_hand_computed_case() -> None:
    # n = 100, target 0.5, upper 95% limit: r_p = 60 (F(59) = 0.9716 < 0.975 <= F(60) = 0.9824),
    # alpha = (0.9824 - 0.975) / (0.9824 - 0.9716) = 0.683, limit = (60 - 0.683) / 100.
    # Lower: r_p = 40 (F(39) = 0.0176 < 0.025 <= F(40) = 0.0284), alpha = 0.317.
    # (The interpolation puts count r at the top of [r - 1, r], so the pair is centred
    # half a child below n x target, as in Spiegelhalter's appendix.)
    lower, upper = control_limits([100], 0.5, family="binomial")
    assert upper[0] == pytest.approx(0.5932, abs=5e-4)
    assert lower[0] == pytest.approx(0.3968, abs=5e-4)


@pytest.mark.parametrize(("level", "z"), [("95", 1.959964), ("99.8", 3.090232)])
def test_binomial_limits_approach_the_normal_approximation(level: str, z: float) -> None:
    n, p = 200_000, 0.3
    lower, upper = control_limits([n], p, family="binomial", level=level, multiplier=100)
    half = 100 * z * math.sqrt(p * (1 - p) / n)
    assert lower[0] == pytest.approx(30 - half, abs=0.01)
    assert upper[0] == pytest.approx(30 + half, abs=0.01)


def test_poisson_limits_approach_the_normal_approximation() -> None:
    n, rate = 100_000, 0.45  # 45,000 expected events; per 1,000
    lower, upper = control_limits([n], rate, family="poisson", multiplier=1000)
    half = 1000 * 1.959964 * math.sqrt(rate * n) / n
    assert lower[0] == pytest.approx(450 - half, abs=0.1)
    assert upper[0] == pytest.approx(450 + half, abs=0.1)


@pytest.mark.parametrize("family", ["binomial", "poisson"])
def test_limits_contain_the_target_narrow_with_size_and_nest(family: str) -> None:
    sizes = np.array([20, 50, 100, 500, 2_000, 10_000])
    target = 0.2
    lo95, hi95 = control_limits(sizes, target, family=family, multiplier=100)
    lo998, hi998 = control_limits(sizes, target, family=family, level="99.8", multiplier=100)
    assert np.all(lo998 <= lo95) and np.all(lo95 <= 20) and np.all(hi95 >= 20)
    assert np.all(hi95 <= hi998)
    width = hi95 - lo95
    assert np.all(np.diff(width) < 0), "limits must narrow as the denominator grows"


def test_binomial_limits_stay_within_0_and_1_and_bad_sizes_give_nan() -> None:
    lower, upper = control_limits([0, -3, 5, 8], 0.95, family="binomial", level="99.8")
    assert math.isnan(lower[0]) and math.isnan(upper[1])
    assert np.all(lower[2:] >= 0) and np.all(upper[2:] <= 1)


def test_targets_out_of_range_are_rejected() -> None:
    with pytest.raises(ValueError):
        control_limits([10], 1.5, family="binomial")
    with pytest.raises(ValueError):
        control_limits([10], -0.1, family="poisson")


def test_position_classifies_points_against_both_limits() -> None:
    # n = 400, target 20%: 95% limits about 16.1-24.0%, 99.8% about 14.3-26.4%.
    kwargs = {"family": "binomial", "multiplier": 100}
    assert position(20.0, 400, 0.2, **kwargs).flag == "within"
    assert position(25.0, 400, 0.2, **kwargs).flag == "high-95"
    assert position(30.0, 400, 0.2, **kwargs).flag == "high-998"
    assert position(15.0, 400, 0.2, **kwargs).flag == "low-95"
    assert position(10.0, 400, 0.2, **kwargs).flag == "low-998"


def test_pooled_target_and_curve_grid() -> None:
    assert pooled_target(np.array([10, 30]), np.array([100, 100])) == pytest.approx(0.2)
    assert math.isnan(pooled_target(np.array([1.0]), np.array([0.0])))
    grid = curve_denominators([50, 400])
    assert grid.min() <= 50 and grid.max() >= 400 and np.all(np.diff(grid) > 0)
    assert curve_denominators([]).size == 0
