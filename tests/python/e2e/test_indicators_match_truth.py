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
- Linked health indicators also carry linkage error (a missed link loses a contact):
  pooled over all LAs and years they must agree within 1 percentage point or 3%
  of the rate.
"""

from __future__ import annotations

import pytest

from cyplink.warehouse import connect_for_reading

pytestmark = pytest.mark.e2e

COUNT_INDICATORS = {"cla_31mar_count", "cla_started", "cla_ceased", "oc2_cohort"}
RULE_INDICATORS = COUNT_INDICATORS | {
    "cla_31mar_rate_per_10k",
    "cla_3plus_placements_pct",
    "cla_same_placement_2yrs_pct",
    "oc2_health_assessment_pct",
    "oc2_immunisations_pct",
    "oc2_dental_check_pct",
    "oc2_sdq_mean",
}
LINKED_INDICATORS = {
    "cla_mh_service_contact_pct",
    "cla_ae_attendance_rate_per_1000",
    "cla_emergency_admission_rate_per_1000",
    "all_mh_service_contact_pct",
    "all_ae_attendance_rate_per_1000",
    "all_emergency_admission_rate_per_1000",
}
FIRST_FULLY_OBSERVED_STABILITY_YEAR = 2018

COMPARISON = """
with truth as (
    select
        indicator_id,
        area_code,
        cast(period as integer) as period,
        try_cast(numerator as double) as numerator,
        try_cast(denominator as double) as denominator,
        try_cast(value as double) as value
    from read_csv(?, all_varchar = true)
    where breakdown = 'all'
),

built as (
    select indicator_id, area_code, period, numerator, denominator, value
    from marts.indicator_values
    where breakdown = 'all'
)

select
    truth.indicator_id,
    truth.area_code,
    truth.period,
    truth.numerator,
    truth.denominator,
    truth.value,
    built.numerator,
    built.denominator,
    built.value
from truth
left join built
    on truth.indicator_id = built.indicator_id
    and truth.area_code = built.area_code
    and truth.period = built.period
order by 1, 2, 3
"""


def _within_one_percent(built: float | None, truth: float | None) -> bool:
    if truth is None or built is None:
        return truth is None and built is None
    return abs(built - truth) <= max(1.0, 0.01 * abs(truth))


def _rule_row_agrees(row: tuple) -> bool:
    indicator_id, _, _, t_num, t_den, t_val, b_num, b_den, b_val = row
    if t_val is None or b_val is None:
        return t_val is None and b_val is None
    if indicator_id in COUNT_INDICATORS:
        return _within_one_percent(b_val, t_val)
    if indicator_id.endswith("_pct"):
        value_ok = abs(b_val - t_val) <= 1.0
    elif indicator_id.endswith("_mean"):
        value_ok = abs(b_val - t_val) <= 0.1
    else:
        value_ok = abs(b_val - t_val) <= 0.01 * abs(t_val)
    return value_ok or (_within_one_percent(b_num, t_num) and _within_one_percent(b_den, t_den))


@pytest.fixture(scope="module")
def comparison(pipeline) -> list[tuple]:
    truth_file = pipeline.truth / "expected_indicators.csv"
    with connect_for_reading(pipeline.warehouse) as con:
        rows = con.execute(COMPARISON, [str(truth_file)]).fetchall()
    assert rows, "the truth file has no headline rows"
    return rows


def test_truth_covers_every_required_indicator(comparison) -> None:
    assert {row[0] for row in comparison} >= RULE_INDICATORS | LINKED_INDICATORS


def test_dfe_rule_indicators_agree_in_every_la_and_year(comparison) -> None:
    rows = [
        row
        for row in comparison
        if row[0] in RULE_INDICATORS
        and not (
            row[0] == "cla_same_placement_2yrs_pct" and row[2] < FIRST_FULLY_OBSERVED_STABILITY_YEAR
        )
    ]
    disagreements = [row for row in rows if not _rule_row_agrees(row)]
    shown = "\n".join(str(row) for row in disagreements[:25])
    assert not disagreements, (
        f"{len(disagreements)} of {len(rows)} headline rows disagree with truth "
        f"(indicator, area, period, truth num/den/value, built num/den/value):\n{shown}"
    )


# Known gap (issue 6 stays open): at the tiny test scale the A&E and emergency
# admission rates of looked-after children come out about 12% low, because the few
# records linkage misses belong to children with many attendances. With the true
# person map the pipeline reproduces truth exactly (measured at scale 0.1, where the
# linked shortfall is 3%). Strict: the test fails once linkage closes the gap.
LINKAGE_SHORTFALL = pytest.mark.xfail(
    strict=True, reason="linkage misses heavy A&E users among looked-after children"
)


@pytest.mark.parametrize(
    "indicator_id",
    [
        pytest.param(name, marks=LINKAGE_SHORTFALL)
        if name in {"cla_ae_attendance_rate_per_1000", "cla_emergency_admission_rate_per_1000"}
        else name
        for name in sorted(LINKED_INDICATORS)
    ],
)
def test_linked_health_indicators_agree_pooled(comparison, indicator_id: str) -> None:
    rows = [row for row in comparison if row[0] == indicator_id and row[5] is not None]
    assert rows
    assert all(row[6] is not None for row in rows), "an LA/year the truth has is missing"
    truth_value = sum(row[3] for row in rows) / sum(row[4] for row in rows)
    built_value = sum(row[6] for row in rows) / sum(row[7] for row in rows)
    if indicator_id.endswith("_pct"):
        assert abs(100 * built_value - 100 * truth_value) <= 1.0
    else:
        assert built_value == pytest.approx(truth_value, rel=0.03)
