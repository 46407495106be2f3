"""RQ4 end to end: the cohort finds the needs the generator planted, the exposure agrees
with the generator's early-support flag, and the example analysis writes aggregates only.

Recovery of the planted effect (truth/parameters.json, rq4) needs more children than
the shared tiny `pipeline` holds, so `test_planted_effect_is_recovered` uses its own
session fixture `mid_scale_pipeline` (scale 0.1, built only up to the cohort; set
CYPLINK_RQ4_WAREHOUSE and CYPLINK_RQ4_TRUTH to run it on a run already built, e.g. at
scale 1.0). The numbers are in docs/research.md. The fast test of the estimator on a
simulated cohort is tests/python/research/test_research_rq4_analysis.py.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "analyses"))

import rq4_early_mh_support as analysis

pytestmark = pytest.mark.e2e


def cohort_with_truth(warehouse: Path, truth: Path) -> pd.DataFrame:
    """Cohort rows joined to the planted needs (same true person, need inside the period)."""
    with analysis.connect(warehouse) as con:
        con.execute(
            "create temp table person_map as select * from read_csv_auto(?, all_varchar = true)",
            [str(truth / "person_map.csv")],
        )
        con.execute(
            "create temp table planted as select * from read_csv_auto(?)",
            [str(truth / "rq4_need.csv")],
        )
        return con.execute(
            """
            with truth_of_person as (
                select person_key.person_id, mode(person_map.true_person_id) as true_person_id
                from linkage.person_key
                inner join person_map using (source_system, provider_code, source_record_id)
                group by person_key.person_id
            )
            select
                cohort.*,
                planted.need_date as planted_need_date,
                planted.early_support as planted_early_support
            from marts.rq4_mh_need_cohort as cohort
            left join truth_of_person using (person_id)
            left join planted
                on planted.true_person_id = truth_of_person.true_person_id
                and planted.need_date between cohort.period_start_date and cohort.need_date + 400
            qualify row_number() over (partition by cohort.entry_id order by planted.need_date) = 1
            """
        ).df()


def test_cohort_finds_the_planted_needs_on_their_date(pipeline) -> None:
    frame = cohort_with_truth(pipeline.warehouse, pipeline.truth)
    matched = frame[frame["planted_need_date"].notna()]
    if len(matched) < 5:
        pytest.skip(f"only {len(matched)} planted needs at this scale")
    gap = (
        pd.to_datetime(matched["need_date"]) - pd.to_datetime(matched["planted_need_date"])
    ).dt.days
    assert (gap.abs() <= 14).mean() >= 0.6, gap.describe()


def test_exposure_agrees_with_the_planted_early_support(pipeline) -> None:
    frame = cohort_with_truth(pipeline.warehouse, pipeline.truth)
    matched = frame[frame["planted_need_date"].notna() & frame["has_exposure_follow_up"]]
    if len(matched) < 5:
        pytest.skip(f"only {len(matched)} planted needs with follow-up at this scale")
    agree = matched["is_early_support"].astype(int) == matched["planted_early_support"].astype(int)
    assert agree.mean() >= 0.8


def test_example_analysis_writes_aggregates_only(pipeline, tmp_path: Path) -> None:
    results = analysis.run(pipeline.warehouse, tmp_path / "rq4", min_cell=10)
    table = pd.read_csv(tmp_path / "rq4.csv")
    assert len(table) == len(results) == len(analysis.OUTCOMES) * 3
    assert set(table["status"]) <= {"published", "suppressed"}
    assert not {"person_id", "entry_id", "need_date"} & set(table.columns)
    payload = json.loads((tmp_path / "rq4.json").read_text())
    assert payload["settings"]["cohort_table"] == "marts.rq4_mh_need_cohort"


def test_planted_effect_is_recovered(mid_scale_pipeline, tmp_path: Path) -> None:
    """On the cohort as built, the adjusted estimate recovers the planted rate ratio and
    the crude one is biased away from it (early support goes to the sicker children)."""
    planted = json.loads((mid_scale_pipeline.truth / "parameters.json").read_text())["rq4"]
    effect = float(planted["true_effect_rate_ratio_early_vs_not"])
    frame = cohort_with_truth(mid_scale_pipeline.warehouse, mid_scale_pipeline.truth)
    frame = frame[frame["has_24m_follow_up"] & frame["has_exposure_follow_up"]]
    # every need the cohort finds is one the generator planted (so carries the effect)
    assert len(frame) >= 100, len(frame)
    assert frame["planted_need_date"].notna().mean() >= 0.9
    results = analysis.run(mid_scale_pipeline.warehouse, tmp_path / "rq4", min_cell=10)
    combined = {r.model: r for r in results if r.outcome == "combined"}
    adjusted, unadjusted = combined["adjusted"], combined["unadjusted"]
    assert adjusted.status == unadjusted.status == "published"
    assert adjusted.lower_ci is not None and adjusted.upper_ci is not None
    assert adjusted.rate_ratio is not None and unadjusted.rate_ratio is not None
    assert unadjusted.lower_ci is not None
    assert adjusted.lower_ci <= effect <= adjusted.upper_ci
    # the crude comparison: biased towards harm, its interval well clear of the truth
    assert unadjusted.lower_ci > effect
    assert unadjusted.rate_ratio > 1.5 * effect
    assert abs(math.log(adjusted.rate_ratio / effect)) < abs(
        math.log(unadjusted.rate_ratio / effect)
    )
    # aggregates only: one row per outcome and model, no person-level column
    table = pd.read_csv(tmp_path / "rq4.csv")
    assert list(table.columns) == list(analysis.Estimate.__dataclass_fields__)
    assert len(table) == len(analysis.OUTCOMES) * 3
    assert (table["children"] >= 10).all()
