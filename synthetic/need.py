"""RQ4 planted structure: mental health need among looked-after children and early support.

One need process per period of care, driven by the child's latent severity:

* Need. The need date is the first need *signal* inside the period, exactly as the RQ4
  cohort (`marts.rq4_mh_need_cohort`) identifies it: an OC2 SDQ score of 17 or more
  (31 March of the return year), a CIN assessment factor 4A/15A (assessment start), a
  mental health code at the GP or an MHSDS referral, from whichever process made it;
  or, if earlier, a need the process itself raises (recorded at the GP and/or by an
  MHSDS referral on that day). So every need the cohort finds is a planted one.
* Recorded severity. In the year before the need (while looked after) the child presents
  at A&E with self-harm a Poisson number of times, more often the higher the severity
  (`prior_self_harm`).
* Exposure. Services triage on that record: the chance of a first attended MHSDS
  contact within 90 days ("early") rises with log(1 + prior self-harm presentations),
  and with nothing else. Severity therefore confounds the crude comparison (early
  support goes to the sicker children), while adjusting for the recorded presentations
  removes the confounding.
* Outcomes. Over the 24 months after need, placement moves, missing episodes, self-harm
  A&E attendances and emergency admissions occur at rates rising with severity (directly,
  and with the recorded prior self-harm), times `rq4_early_effect_rr` for early support
  (the planted causal effect). Background events
  of these kinds (placement moves and calibration moves too) are left out inside the
  window, so the rate ratio of the observable counts is the planted one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthetic.calendar import collection_year, day, year_end
from synthetic.params import Params
from synthetic.rng import component_rng

LAST_DAY = day(2025, 3, 31)
WINDOW_DAYS = 730
PRIOR_DAYS = 365
EXPOSURE_DAYS = 92  # the cohort's "within 3 months of need" is at most 92 days
# the cohort's tie-break for signals on the same day (models/marts/research/rq4_*.sql)
SOURCE_PRIORITY = {"gp_mh_code": 1, "mhsds_referral": 2, "cin_assessment_factor": 3, "sdq": 4}


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def _logit(q: float) -> float:
    return float(np.log(q / (1 - q)))


def observed_signals(
    oc2: pd.DataFrame,
    cin: pd.DataFrame,
    gp_mh: pd.DataFrame,
    referrals: pd.DataFrame,
    p: Params,
) -> pd.DataFrame:
    """Every need signal other processes make, as the cohort dates it: (pid, day, source).

    `oc2` (pid, year, sdq_score), `cin` (pid, asmt_start, factors), `gp_mh` (pid, day) the
    background mental health codes at the GP, `referrals` (pid, day) the background MHSDS
    referrals.
    """
    sdq = oc2[oc2["sdq_score"].to_numpy() >= p.rq4_need_sdq_threshold]
    sdq_day = np.array([year_end(int(y)) for y in sdq["year"].to_numpy()], dtype=np.int64)
    factors = cin["factors"].fillna("").astype(str).str.split(",")
    mh = factors.map(lambda f: "4A" in f or "15A" in f).to_numpy(dtype=bool)
    frames = [
        pd.DataFrame({"pid": sdq["pid"].to_numpy(), "day": sdq_day, "source": "sdq"}),
        pd.DataFrame(
            {
                "pid": cin["pid"].to_numpy()[mh],
                "day": cin["asmt_start"].to_numpy()[mh].astype(np.int64),
                "source": "cin_assessment_factor",
            }
        ),
        pd.DataFrame(
            {"pid": gp_mh["pid"].to_numpy(), "day": gp_mh["day"].to_numpy(), "source": "gp_mh_code"}
        ),
        pd.DataFrame(
            {
                "pid": referrals["pid"].to_numpy(),
                "day": referrals["day"].to_numpy(),
                "source": "mhsds_referral",
            }
        ),
    ]
    out = pd.concat(frames, ignore_index=True)
    out["pid"] = out["pid"].astype(np.int64)
    out["day"] = out["day"].astype(np.int64)
    return out


def first_signal_in_period(periods: pd.DataFrame, signals: pd.DataFrame) -> pd.DataFrame:
    """The first signal dated inside each period (start to end, or the end of data):
    (period_id, day, source), ties broken as the cohort breaks them."""
    per = pd.DataFrame(
        {
            "period_id": periods["period_id"].to_numpy(),
            "pid": periods["pid"].to_numpy().astype(np.int64),
            "start": periods["start"].to_numpy().astype(np.int64),
            "end": np.minimum(periods["end"].to_numpy().astype(np.int64), LAST_DAY),
        }
    )
    both = per.merge(signals, on="pid")
    both = both[(both["day"] >= both["start"]) & (both["day"] <= both["end"])]
    both = both.assign(priority=both["source"].map(SOURCE_PRIORITY))
    both = both.sort_values(["period_id", "day", "priority"], kind="stable")
    return both.drop_duplicates("period_id")[["period_id", "day", "source"]]


def simulate_need(
    persons: pd.DataFrame,
    periods: pd.DataFrame,
    p: Params,
    signals: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per period with a need: need day and source, severity, recorded prior
    self-harm, early flag, first attended contact day, whether a referral is made and
    whether the GP records the need (own needs only)."""
    rng = component_rng(p.seed, "rq4.need")
    n = len(periods)
    pid = periods["pid"].to_numpy()
    start = periods["start"].to_numpy().astype(np.int64)
    end = np.minimum(periods["end"].to_numpy().astype(np.int64), LAST_DAY)
    dob = persons["dob"].to_numpy().astype(np.int64)[pid]
    sev = persons["mh_sev"].to_numpy()[pid].astype(np.float64)
    dur = end - start
    # a need the process raises itself (recorded at the GP and/or by a referral)
    p_need = _sigmoid(-0.6 + 1.3 * sev)
    own_day = (
        start + (rng.random(n) * np.minimum(np.maximum(dur - 30, 1), 3 * 365)).astype(np.int64) + 30
    )
    own_age = (own_day - dob) / 365.25
    own = (
        (rng.random(n) < p_need)
        & (dur > 60)
        & (own_day <= end)
        & (own_age >= 5)
        & (own_day >= day(p.health_from, 4, 1))
    )
    need_day = np.where(own, own_day, np.iinfo(np.int64).max)
    source = np.full(n, None, dtype=object)
    source[own] = "own"
    if signals is not None and len(signals):
        first = first_signal_in_period(periods, signals)
        pos = np.searchsorted(periods["period_id"].to_numpy(), first["period_id"].to_numpy())
        sooner = first["day"].to_numpy() < need_day[pos]
        need_day[pos[sooner]] = first["day"].to_numpy()[sooner]
        source[pos[sooner]] = first["source"].to_numpy()[sooner]
    age = (need_day - dob) / 365.25
    cy = collection_year(np.minimum(need_day, LAST_DAY))
    has = (
        (need_day <= end)
        & (age < 18)
        & (cy >= p.years[0])
        & (cy <= p.years[1])
        & (need_day >= day(p.health_from, 4, 1))
    )
    need_day = np.where(has, need_day, start)
    # recorded severity: self-harm presentations in the year before need, inside the period
    # (not before entry, which would blur RQ3); a need soon after entry gets them in the
    # days it has, so how many depends on severity only
    lo = np.maximum(start, need_day - PRIOR_DAYS)
    prior_mean = p.rq4_prior_self_harm_mean * np.exp(p.rq4_severity_on_prior_self_harm_log_rr * sev)
    prior_k = np.where(has & (need_day - lo >= 1), rng.poisson(prior_mean), 0)
    p_early = _sigmoid(
        _logit(p.rq4_p_early_base) + p.rq4_prior_self_harm_on_early_logit * np.log1p(prior_k)
    )
    early = rng.random(n) < p_early
    later = ~early & (rng.random(n) < 0.6)
    first_contact = np.where(
        early,
        need_day + rng.integers(5, 90, n),
        np.where(later, need_day + rng.integers(91, 540, n), -1),
    )
    # a referral whenever the need is an MHSDS referral or a contact follows; half the rest
    referred = (source == "mhsds_referral") | (first_contact >= 0) | (rng.random(n) < 0.5)
    # a need the process raises is recorded at the GP most of the time, always when no
    # referral follows; otherwise the referral on the need day records it
    at_gp = (source == "own") & ((rng.random(n) < 0.7) | ~referred)
    out = pd.DataFrame(
        {
            "period_id": periods["period_id"].to_numpy(),
            "pid": pid,
            "la": periods["la"].to_numpy(),
            "need_day": need_day,
            "source": source,
            "severity": sev,
            "prior_self_harm": prior_k,
            "early": early,
            "first_contact": first_contact,
            "referred": referred,
            "recorded_at_gp": at_gp,
        }
    )
    return out[has].reset_index(drop=True)


def prior_self_harm_events(need: pd.DataFrame, periods: pd.DataFrame, p: Params) -> pd.DataFrame:
    """The recorded prior self-harm presentations of each need (pid, day), in the year
    before need and inside the period of care."""
    rng = component_rng(p.seed, "rq4.prior_self_harm")
    k = need["prior_self_harm"].to_numpy().astype(np.int64)
    pos = np.searchsorted(periods["period_id"].to_numpy(), need["period_id"].to_numpy())
    nd = need["need_day"].to_numpy().astype(np.int64)
    lo = np.maximum(periods["start"].to_numpy().astype(np.int64)[pos], nd - PRIOR_DAYS)
    rep = np.repeat(np.arange(len(need)), k)
    span = np.maximum(nd[rep] - lo[rep], 1)
    when = lo[rep] + (rng.random(len(rep)) * span).astype(np.int64)
    return pd.DataFrame({"pid": need["pid"].to_numpy()[rep], "day": np.minimum(when, nd[rep] - 1)})


def outcome_events(
    need: pd.DataFrame, p: Params, outcome: str, window_days: int = WINDOW_DAYS
) -> pd.DataFrame:
    """Extra events of one outcome kind in the 24 months after need (pid, day)."""
    rng = component_rng(p.seed, f"rq4.outcome.{outcome}")
    base = p.rq4_outcome_base_rates[outcome]
    rate = (
        base
        * np.exp(p.rq4_severity_on_outcome_log_rr * need["severity"].to_numpy())
        * np.exp(p.rq4_prior_self_harm_on_outcome_log_rr * np.log1p(need["prior_self_harm"]))
        * np.where(need["early"].to_numpy(), p.rq4_early_effect_rr, 1.0)
    )
    k = rng.poisson(rate * window_days / 365.25)
    rep = np.repeat(np.arange(len(need)), k)
    when = need["need_day"].to_numpy()[rep] + rng.integers(1, window_days + 1, len(rep))
    return pd.DataFrame(
        {
            "pid": need["pid"].to_numpy()[rep],
            "day": when.astype(np.int64),
            "period_id": need["period_id"].to_numpy()[rep],
        }
    )


def _latest_need_before(
    need: pd.DataFrame, pid: np.ndarray, when: np.ndarray, inclusive: bool
) -> np.ndarray:
    """Per event, the latest need day of the same person before (or on) `when`; NaN if none."""
    out = np.full(len(pid), np.nan)
    if len(need) == 0 or len(pid) == 0:
        return out
    left = pd.DataFrame(
        {
            "pid": np.asarray(pid, np.int64),
            "when": np.asarray(when, np.int64),
            "row": np.arange(len(pid)),
        }
    ).sort_values("when", kind="stable")
    right = (
        pd.DataFrame(
            {
                "pid": need["pid"].to_numpy().astype(np.int64),
                "when": need["need_day"].to_numpy().astype(np.int64),
            }
        )
        .assign(need_day=lambda f: f["when"].astype(float))
        .sort_values("when", kind="stable")
    )
    hit = pd.merge_asof(
        left, right, on="when", by="pid", direction="backward", allow_exact_matches=inclusive
    )
    out[hit["row"].to_numpy()] = hit["need_day"].to_numpy()
    return out


def in_outcome_window(
    need: pd.DataFrame, pid: np.ndarray, when: np.ndarray, window_days: int = WINDOW_DAYS
) -> np.ndarray:
    """True where person `pid` is within the 24 months after one of their needs on `when`.

    Background events of the RQ4 outcome kinds are removed inside this window, so that the
    outcome counts there follow the RQ4 outcome model exactly (severity and early support).
    """
    nd = _latest_need_before(need, pid, when, inclusive=False)
    return ~np.isnan(nd) & (np.asarray(when) <= nd + window_days)


def in_exposure_window(
    need: pd.DataFrame, pid: np.ndarray, when: np.ndarray, window_days: int = EXPOSURE_DAYS
) -> np.ndarray:
    """True where `when` is on or up to 3 months after one of the person's needs: other
    processes' referrals and attended MHSDS contacts there would change the planted
    exposure (early or not)."""
    nd = _latest_need_before(need, pid, when, inclusive=True)
    return ~np.isnan(nd) & (np.asarray(when) <= nd + window_days)


def before_need_window_end(
    need: pd.DataFrame, pid: np.ndarray, when: np.ndarray, window_days: int = WINDOW_DAYS
) -> np.ndarray:
    """True where `when` is before the end of the person's last need window (the person's
    background self-harm there would blur the recorded prior self-harm or the outcome)."""
    if len(need) == 0 or len(pid) == 0:
        return np.zeros(len(pid), bool)
    last = need.groupby("pid")["need_day"].max()
    nd = pd.Series(np.asarray(pid)).map(last).to_numpy(dtype=float)
    return ~np.isnan(nd) & (np.asarray(when) <= nd + window_days)
