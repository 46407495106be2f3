"""RQ4 planted structure: mental health need among looked-after children and early support.

For a share of periods of care (more likely the higher the child's latent severity) a
mental health need arises at `need_day`. Support is "early" when the first attended
MHSDS contact is within 90 days of need. The chance of early support rises with
severity (confounding), outcomes over the next 24 months rise with severity, and early
support multiplies outcome rates by `rq4_early_effect_rr` (the planted causal effect).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthetic.calendar import day
from synthetic.params import Params
from synthetic.rng import component_rng

LAST_DAY = day(2025, 3, 31)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def simulate_need(persons: pd.DataFrame, periods: pd.DataFrame, p: Params) -> pd.DataFrame:
    """One row per period with a need: need day, severity, early flag, first contact day."""
    rng = component_rng(p.seed, "rq4.need")
    n = len(periods)
    pid = periods["pid"].to_numpy()
    start = periods["start"].to_numpy().astype(np.int64)
    end = np.minimum(periods["end"].to_numpy().astype(np.int64), LAST_DAY)
    dob = persons["dob"].to_numpy().astype(np.int64)[pid]
    sev = persons["mh_sev"].to_numpy()[pid].astype(np.float64)
    dur = end - start
    p_need = _sigmoid(-0.6 + 1.3 * sev)
    need_day = (
        start + (rng.random(n) * np.minimum(np.maximum(dur - 30, 1), 3 * 365)).astype(np.int64) + 30
    )
    age_need = (need_day - dob) / 365.25
    has = (
        (rng.random(n) < p_need)
        & (dur > 60)
        & (need_day < end)
        & (age_need >= 5)
        & (age_need < 17.5)
        & (need_day >= day(p.health_from, 4, 1))
    )
    logit = np.log(p.rq4_p_early_base / (1 - p.rq4_p_early_base))
    p_early = _sigmoid(logit + p.rq4_severity_on_early_logit * sev)
    early = rng.random(n) < p_early
    later = ~early & (rng.random(n) < 0.6)
    first = np.where(
        early,
        need_day + rng.integers(5, 90, n),
        np.where(later, need_day + rng.integers(91, 540, n), -1),
    )
    out = pd.DataFrame(
        {
            "period_id": periods["period_id"].to_numpy(),
            "pid": pid,
            "la": periods["la"].to_numpy(),
            "need_day": need_day,
            "severity": sev,
            "early": early,
            "first_contact": first,
        }
    )
    return out[has].reset_index(drop=True)


def outcome_events(
    need: pd.DataFrame, p: Params, outcome: str, window_days: int = 730
) -> pd.DataFrame:
    """Extra events of one outcome kind in the 24 months after need (pid, day)."""
    rng = component_rng(p.seed, f"rq4.outcome.{outcome}")
    base = p.rq4_outcome_base_rates[outcome]
    rate = (
        base
        * np.exp(p.rq4_severity_on_outcome_log_rr * need["severity"].to_numpy())
        * np.where(need["early"].to_numpy(), p.rq4_early_effect_rr, 1.0)
    )
    k = rng.poisson(rate * window_days / 365.25)
    rep = np.repeat(np.arange(len(need)), k)
    when = need["need_day"].to_numpy()[rep] + rng.integers(1, window_days, len(rep))
    return pd.DataFrame(
        {
            "pid": need["pid"].to_numpy()[rep],
            "day": when.astype(np.int64),
            "period_id": need["period_id"].to_numpy()[rep],
        }
    )


def in_outcome_window(
    need: pd.DataFrame, pid: np.ndarray, when: np.ndarray, window_days: int = 730
) -> np.ndarray:
    """True where person `pid` is within the 24 months after (one of) their needs on `when`.

    Background events of the RQ4 outcome kinds are removed inside this window, so that the
    outcome counts there follow the RQ4 outcome model exactly (severity and early support).
    """
    if len(need) == 0 or len(pid) == 0:
        return np.zeros(len(pid), bool)
    first = need.groupby("pid")["need_day"].min()
    nd = pd.Series(np.asarray(pid)).map(first).to_numpy(dtype=float)
    return ~np.isnan(nd) & (when > nd) & (when <= nd + window_days)
