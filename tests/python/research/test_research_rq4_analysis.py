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


def simulated_cohort(n: int = 2000, seed: int = 7) -> pd.DataFrame:
    """A cohort frame with the columns of marts.rq4_mh_need_cohort that the analysis reads."""
    rng = np.random.default_rng(seed)
    severity = rng.standard_normal(n)
    p_early = 1 / (1 + np.exp(-(np.log(0.3 / 0.7) + 0.8 * severity)))
    early = rng.random(n) < p_early
    rate = 1.0 * np.exp(0.5 * severity) * np.where(early, TRUE_RATE_RATIO, 1.0)
    counts = rng.poisson(rate * 0.5, size=(4, n))
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
