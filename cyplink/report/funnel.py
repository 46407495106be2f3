"""Funnel plot control limits for proportions (binomial) and rates (Poisson).

A funnel plot puts each LA's value against its denominator, with the target (the
value pooled over all LAs) and control limits that narrow as the denominator grows.
An LA outside the 95% limits differs from the target more than chance would make
likely about 1 time in 20; outside the 99.8% limits, about 1 time in 500.

Limits are exact, with the interpolation of Spiegelhalter (2005), "Funnel plots for
comparing institutional performance", Statistics in Medicine 24:1185-1202, appendix
A.1.1, as Public Health England's technical guide "Funnel plots" (2018) applies it:
for a probability p (0.001, 0.025, 0.975, 0.999) and a distribution F of the count
(binomial(n, target) for proportions; Poisson(target x n) for rates),

    r_p   = the smallest r with F(r) >= p
    alpha = (F(r_p) - p) / (F(r_p) - F(r_p - 1))
    limit = (r_p - alpha) / n          (x multiplier, e.g. 100 for a percentage)

so the limits are smooth in n rather than stepped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import stats

Family = Literal["binomial", "poisson"]

# Two-sided coverage -> (lower, upper) tail probabilities.
LEVELS: dict[str, tuple[float, float]] = {
    "95": (0.025, 0.975),
    "99.8": (0.001, 0.999),
}


def _interpolated_quantile(prob: float, n: np.ndarray, target: float, family: Family) -> np.ndarray:
    """r_p - alpha for each n: the count at probability `prob`, smoothed (see module doc)."""
    if family == "binomial":
        r_p = stats.binom.ppf(prob, n, target)
        at = stats.binom.cdf(r_p, n, target)
        below = stats.binom.cdf(r_p - 1, n, target)
    else:
        mu = target * n
        r_p = stats.poisson.ppf(prob, mu)
        at = stats.poisson.cdf(r_p, mu)
        below = stats.poisson.cdf(r_p - 1, mu)
    step = at - below
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = np.where(step > 0, (at - prob) / step, 0.0)
    return r_p - alpha


def control_limits(
    denominators: np.ndarray | list[float],
    target: float,
    *,
    family: Family,
    level: str = "95",
    multiplier: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper limits at each denominator, on the indicator's scale.

    `target` is a proportion (0-1) for the binomial family and events per unit of
    denominator for the Poisson family; limits come back multiplied by `multiplier`
    (100 for percentages, 1,000 for rates per 1,000). Denominators of 0 or less give
    NaN. Binomial denominators are rounded to whole children.
    """
    low_p, high_p = LEVELS[level]
    n = np.asarray(denominators, dtype=float)
    valid = n > 0
    if family == "binomial":
        n = np.round(n)
        if not 0.0 <= target <= 1.0:
            raise ValueError(f"a binomial target must lie in [0, 1], got {target}")
    elif target < 0:
        raise ValueError(f"a Poisson target must be non-negative, got {target}")
    safe_n = np.where(valid, n, 1.0)
    lower = _interpolated_quantile(low_p, safe_n, target, family) / safe_n
    upper = _interpolated_quantile(high_p, safe_n, target, family) / safe_n
    lower = np.clip(lower, 0.0, None)
    if family == "binomial":
        upper = np.clip(upper, None, 1.0)
    lower = np.where(valid, lower * multiplier, np.nan)
    upper = np.where(valid, upper * multiplier, np.nan)
    return lower, upper


@dataclass(frozen=True)
class FunnelPosition:
    """Where a point lies against the limits."""

    label: str  # e.g. "within the 95% limits"
    flag: str  # "high-998", "high-95", "within", "low-95", "low-998"


def position(
    value: float,
    denominator: float,
    target: float,
    *,
    family: Family,
    multiplier: float = 1.0,
) -> FunnelPosition:
    """Classify one LA's value against the 95% and 99.8% limits at its denominator."""
    (lo95,), (hi95,) = control_limits([denominator], target, family=family, multiplier=multiplier)
    (lo998,), (hi998,) = control_limits(
        [denominator], target, family=family, level="99.8", multiplier=multiplier
    )
    if value > hi998:
        return FunnelPosition("above the 99.8% limit", "high-998")
    if value > hi95:
        return FunnelPosition("above the 95% limit", "high-95")
    if value < lo998:
        return FunnelPosition("below the 99.8% limit", "low-998")
    if value < lo95:
        return FunnelPosition("below the 95% limit", "low-95")
    return FunnelPosition("within the 95% limits", "within")


def pooled_target(numerators: np.ndarray, denominators: np.ndarray) -> float:
    """Sum of numerators over sum of denominators (NaN when there is no denominator)."""
    num = float(np.nansum(numerators))
    den = float(np.nansum(denominators))
    return num / den if den > 0 else float("nan")


def curve_denominators(observed: np.ndarray | list[float], points: int = 80) -> np.ndarray:
    """A geometric grid of denominators spanning the observed ones (for drawing limits)."""
    values = np.asarray(observed, dtype=float)
    values = values[values > 0]
    if values.size == 0:
        return np.array([], dtype=float)
    low = max(1.0, values.min() * 0.5)
    high = max(values.max() * 1.15, low + 1.0)
    return np.unique(np.round(np.geomspace(low, high, points)))
