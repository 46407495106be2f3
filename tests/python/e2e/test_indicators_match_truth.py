"""Indicators built by the pipeline agree with the values the generator planted.

`truth/expected_indicators.csv` is computed by the synthetic generator from its own
simulated state with DESIGN.md's definitions, before disclosure control; the pipeline
rebuilds the same indicators from the landing files alone (903 returns, linkage,
health data). They are compared on the headline rows (`breakdown = 'all'`) of
`marts.indicator_values`, the unsuppressed input of `publication.indicators`.

Two tiers, because the two kinds of indicator fail for different reasons:

- 903-only indicators (counts, OC2, placement stability) depend on the DfE rules
  alone: every LA and year must agree — counts within 1%, percentages within
  1 percentage point, means within 0.1. At the tiny test scale one child moves a
  percentage by several points, so a row also passes when its numerator and
  denominator are each within 1% (at least one child) of truth.
  `cla_same_placement_2yrs_pct` is compared from 2018: the returns start in 2016, so
  the 2.5-years-in-care cohort cannot be seen in an LA's first two years
  (`periods_of_care.is_left_censored`).
- Linked health indicators also carry linkage error (a missed link loses a contact).
  They are compared on the scale-0.1 `mid_scale_pipeline` (at the tiny scale one child
  whose only mental health record cannot be linked moves the pooled share by almost 3
  points): in every LA and year within the issue's tolerances, a row also passing when
  its numerator is within one event or child of truth (a looked-after child's emergency
  admissions are a handful per LA-year at 0.1), and pooled within 1 percentage point
  (shares) or 1% (rates). Pointed at a scale-1.0 run (CYPLINK_RQ4_WAREHOUSE,
  CYPLINK_RQ4_TRUTH) the same tests check issue 6's scale-1.0 target; at 1.0 seed 42
  every row is within tolerance without the allowance (docs/indicators.md).
"""

from __future__ import annotations

import pytest

from cyplink.indicator_truth import (
    LINKED_INDICATORS,
    RULE_INDICATORS,
    ComparedRow,
    compare_with_truth,
)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def comparison(pipeline) -> list[ComparedRow]:
    return compare_with_truth(pipeline.warehouse, pipeline.truth)


@pytest.fixture(scope="module")
def mid_scale_comparison(mid_scale_pipeline) -> list[ComparedRow]:
    return compare_with_truth(mid_scale_pipeline.warehouse, mid_scale_pipeline.truth)


def test_truth_covers_every_required_indicator(comparison) -> None:
    assert {row.indicator_id for row in comparison} >= RULE_INDICATORS | LINKED_INDICATORS


def test_dfe_rule_indicators_agree_in_every_la_and_year(comparison) -> None:
    rows = [
        row for row in comparison if row.indicator_id in RULE_INDICATORS and row.is_fully_observed
    ]
    disagreements = [row for row in rows if not row.agrees(small_number_allowance=True)]
    shown = "\n".join(str(row) for row in disagreements[:25])
    assert not disagreements, (
        f"{len(disagreements)} of {len(rows)} headline rows disagree with truth:\n{shown}"
    )


@pytest.mark.parametrize("indicator_id", sorted(LINKED_INDICATORS))
def test_linked_health_indicators_agree_in_every_la_and_year(
    mid_scale_comparison, indicator_id: str
) -> None:
    rows = [
        row
        for row in mid_scale_comparison
        if row.indicator_id == indicator_id and row.truth_value is not None
    ]
    assert rows
    disagreements = [row for row in rows if not row.agrees(small_number_allowance=True)]
    shown = "\n".join(str(row) for row in disagreements[:25])
    assert not disagreements, (
        f"{len(disagreements)} of {len(rows)} LA-years disagree with truth:\n{shown}"
    )


# The looked-after children's A&E and emergency admission rates were once about 12% low
# here, from a generator bug and from post-adoption events the truth counted; both are
# fixed (docs/linkage.md). Per LA-year at scale 1.0 see docs/indicators.md.
@pytest.mark.parametrize("indicator_id", sorted(LINKED_INDICATORS))
def test_linked_health_indicators_agree_pooled(mid_scale_comparison, indicator_id: str) -> None:
    rows = [
        row
        for row in mid_scale_comparison
        if row.indicator_id == indicator_id and row.truth_value is not None
    ]
    assert rows
    assert all(row.built_value is not None for row in rows), "an LA/year the truth has is missing"
    truth_value = sum(row.truth_numerator or 0.0 for row in rows) / sum(
        row.truth_denominator or 0.0 for row in rows
    )
    built_value = sum(row.built_numerator or 0.0 for row in rows) / sum(
        row.built_denominator or 0.0 for row in rows
    )
    if indicator_id.endswith("_pct"):
        assert abs(100 * built_value - 100 * truth_value) <= 1.0
    else:
        assert built_value == pytest.approx(truth_value, rel=0.01)
