"""The RQ4 example analysis on a simulated cohort with known confounding (fast).

A cohort is drawn the way the synthetic generator plants RQ4 (severity raises both
the chance of early support and the outcome rate; early support multiplies the rate
by 0.6), with the SDQ score as an (almost) error-free marker of severity. The adjusted model
must recover the effect; the unadjusted one must be biased towards no benefit.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "analyses"))

import rq4_early_mh_support as analysis

TRUE_RATE_RATIO = 0.6


def simulated_cohort(
    n: int = 2000, seed: int = 7, early_leave_care_sooner: bool = False
) -> pd.DataFrame:
    """A cohort frame with the columns of marts.rq4_mh_need_cohort that the analysis reads.

    Outcomes are Poisson with rate per year at risk: placement moves and missing episodes
    while looked after, health outcomes until 18. With `early_leave_care_sooner`, children
    with early support spend half as long in care (fewer moves, but not a lower rate).
    """
    rng = np.random.default_rng(seed)
    severity = rng.standard_normal(n)
    p_early = 1 / (1 + np.exp(-(np.log(0.3 / 0.7) + 0.8 * severity)))
    early = rng.random(n) < p_early
    rate = 1.0 * np.exp(0.5 * severity) * np.where(early, TRUE_RATE_RATIO, 1.0)
    years_in_care = rng.uniform(0.2, 2.0, n) * np.where(early & early_leave_care_sooner, 0.5, 1.0)
    years_under_18 = np.where(rng.random(n) < 0.2, rng.uniform(0.1, 2.0, n), 2.0)
    in_care = rng.poisson(rate * years_in_care * 0.5, size=(2, n))
    health = rng.poisson(rate * years_under_18 * 0.5, size=(2, n))
    counts = np.vstack([in_care, health])
    sdq = np.clip(np.round(14 + 6 * severity), 0, 40)
    zeros = np.zeros(n)
    return pd.DataFrame(
        {
            "exposure_group": np.where(
                early, "within_3_months", np.where(rng.random(n) < 0.6, "later", "never")
            ),
            "placement_moves_24m": counts[0],
            "missing_episodes_24m": counts[1],
            "self_harm_aes_24m": counts[2],
            "emergency_admissions_24m": counts[3],
            "age_at_need": rng.integers(5, 17, n),
            "sex": rng.choice(["M", "F"], n),
            "la_code": rng.choice(["E09000005", "E09000009", "E09000013"], n),
            "need_source": rng.choice(["gp_mh_code", "mhsds_referral", "sdq_17_plus"], n),
            "legal_status_at_need": rng.choice(["C2", "V2"], n),
            "placement_type_at_need": rng.choice(["U4", "U6", "K2"], n),
            "had_prior_cin_episode": rng.random(n) < 0.5,
            "had_prior_cp_plan": rng.random(n) < 0.3,
            "had_prior_mh_assessment_factor": rng.random(n) < 0.1,
            "prior_ae_attendances_24m": rng.poisson(0.5, n),
            "prior_emergency_admissions_24m": rng.poisson(0.2, n),
            "prior_self_harm_presentations": zeros,
            "prior_self_harm_aes_12m_in_care": zeros,
            "years_in_care_24m": years_in_care,
            "years_under_18_24m": years_under_18,
            "prior_mh_referrals": zeros,
            "prior_mh_diagnosis_records": zeros,
            "days_in_care_before_need": rng.integers(30, 900, n),
            "latest_sdq_score": sdq,
        }
    )


def _by_model(results: list[analysis.Estimate], outcome: str) -> dict[str, analysis.Estimate]:
    return {r.model: r for r in results if r.outcome == outcome}


def test_adjusted_estimate_recovers_the_effect_and_unadjusted_is_biased() -> None:
    results = analysis.estimate(analysis.prepare(simulated_cohort()))
    combined = _by_model(results, "combined")
    adjusted, unadjusted = combined["adjusted"], combined["unadjusted"]
    assert adjusted.lower_ci is not None and adjusted.upper_ci is not None
    assert adjusted.lower_ci <= TRUE_RATE_RATIO <= adjusted.upper_ci
    assert unadjusted.rate_ratio is not None and unadjusted.lower_ci is not None
    assert unadjusted.lower_ci > TRUE_RATE_RATIO, "unadjusted should be biased towards no benefit"
    ipw = combined["ipw"]
    assert ipw.rate_ratio is not None and abs(np.log(ipw.rate_ratio / TRUE_RATE_RATIO)) < 0.15


def test_time_at_risk_offsets_keep_shorter_care_from_looking_like_benefit() -> None:
    """Early-supported children who leave care sooner have fewer placement moves but the
    same rate of them per year in care: the offset keeps that out of the rate ratio."""
    frame = analysis.prepare(simulated_cohort(n=4000, seed=11, early_leave_care_sooner=True))
    moves = _by_model(analysis.estimate(frame), "placement_moves")["adjusted"]
    assert moves.lower_ci is not None and moves.upper_ci is not None
    assert moves.lower_ci <= TRUE_RATE_RATIO <= moves.upper_ci
    # the count alone, without the time looked after, would halve the early arm's moves
    naive = frame.assign(years_in_care_24m=1.0)
    counted = _by_model(analysis.estimate(naive), "placement_moves")["adjusted"]
    assert counted.upper_ci is not None and counted.upper_ci < TRUE_RATE_RATIO


def test_children_without_time_at_risk_add_no_rows() -> None:
    frame = analysis.prepare(simulated_cohort(n=50))
    frame.loc[:9, "years_in_care_24m"] = 0.0
    rows = analysis.outcome_rows(frame, ["placement_moves", "self_harm_aes"])
    assert (rows["outcome"] == "placement_moves").sum() == 40
    assert (rows["outcome"] == "self_harm_aes").sum() == 50
    assert (rows["years_at_risk"] > 0).all()


def test_small_arms_are_suppressed_not_estimated() -> None:
    frame = analysis.prepare(simulated_cohort(n=40))
    frame = frame.assign(early=(np.arange(len(frame)) < 5).astype(int))
    results = analysis.estimate(frame, min_cell=10)
    assert {r.status for r in results} == {"suppressed"}
    assert all(r.rate_ratio is None for r in results)


def test_written_results_hold_aggregates_only(tmp_path: Path) -> None:
    results = analysis.estimate(analysis.prepare(simulated_cohort(n=600)))
    csv_path, json_path = analysis.write_results(results, tmp_path / "rq4", {"note": "test"})
    table = pd.read_csv(csv_path)
    assert list(table.columns) == [
        "outcome",
        "model",
        "status",
        "children",
        "children_early",
        "children_not_early",
        "rate_ratio",
        "lower_ci",
        "upper_ci",
        "p_value",
    ]
    assert len(table) == len(analysis.OUTCOMES) * 3
    payload = json.loads(json_path.read_text())
    assert "person_id" not in json.dumps(payload)


@pytest.mark.parametrize("column", ["person_id", "entry_id", "need_date"])
def test_person_level_columns_never_reach_the_output(tmp_path: Path, column: str) -> None:
    results = analysis.estimate(analysis.prepare(simulated_cohort(n=300)))
    csv_path, _ = analysis.write_results(results, tmp_path / "rq4", {})
    assert column not in pd.read_csv(csv_path).columns
