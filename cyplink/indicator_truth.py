"""Compare the indicators a warehouse built with the values the synthetic generator planted.

`truth/expected_indicators.csv` is computed by the generator from its own simulated
state with DESIGN.md's definitions, before disclosure control. The pipeline rebuilds
the same indicators from the landing files alone; this module lines the two up on the
headline rows (`breakdown = 'all'`) of `marts.indicator_values`, the unsuppressed input
of `publication.indicators`, and judges each LA and year:

- counts within 1% (at least one child, so a count of 40 may be off by one);
- percentages within 1 percentage point;
- rates (per 1,000 or per 10,000) within 1% of the rate;
- means within 0.1.

The e2e test uses it at the tiny scale; run it on any warehouse and truth folder with
`python -m cyplink.indicator_truth WAREHOUSE TRUTH_DIR` for a table of the worst
agreement per indicator.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from cyplink.errors import CyplinkError
from cyplink.warehouse import connect_for_reading

COUNT_INDICATORS = frozenset({"cla_31mar_count", "cla_started", "cla_ceased", "oc2_cohort"})
RULE_INDICATORS = COUNT_INDICATORS | {
    "cla_31mar_rate_per_10k",
    "cla_3plus_placements_pct",
    "cla_same_placement_2yrs_pct",
    "oc2_health_assessment_pct",
    "oc2_immunisations_pct",
    "oc2_dental_check_pct",
    "oc2_sdq_mean",
}
LINKED_INDICATORS = frozenset(
    {
        "cla_mh_service_contact_pct",
        "cla_ae_attendance_rate_per_1000",
        "cla_emergency_admission_rate_per_1000",
        "all_mh_service_contact_pct",
        "all_ae_attendance_rate_per_1000",
        "all_emergency_admission_rate_per_1000",
    }
)
# The 903 returns start in 2016, so the 2.5-years-in-care cohort of placement stability
# cannot be seen in an LA's first two years (`periods_of_care.is_left_censored`).
FIRST_FULLY_OBSERVED_STABILITY_YEAR = 2018

_COMPARISON_SQL = """
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
    select
        indicator_id,
        area_code,
        cast(period as integer) as period,
        cast(numerator as double) as numerator,
        cast(denominator as double) as denominator,
        cast(value as double) as value
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


@dataclass(frozen=True)
class ComparedRow:
    """One headline indicator value for one LA and year, from truth and from the warehouse."""

    indicator_id: str
    area_code: str
    period: int
    truth_numerator: float | None
    truth_denominator: float | None
    truth_value: float | None
    built_numerator: float | None
    built_denominator: float | None
    built_value: float | None

    @property
    def kind(self) -> str:
        """count, pct, mean or rate: decides the tolerance and how a gap is measured."""
        if self.indicator_id in COUNT_INDICATORS:
            return "count"
        if self.indicator_id.endswith("_pct"):
            return "pct"
        if self.indicator_id.endswith("_mean"):
            return "mean"
        return "rate"

    @property
    def is_fully_observed(self) -> bool:
        """False for rows the landing data cannot show in full (left-censored cohorts)."""
        return not (
            self.indicator_id == "cla_same_placement_2yrs_pct"
            and self.period < FIRST_FULLY_OBSERVED_STABILITY_YEAR
        )

    @property
    def gap(self) -> float | None:
        """Built minus truth: in points for pct and mean, as a % of truth for counts and rates.

        None when either side has no value (both empty is agreement, see `agrees`).
        """
        if self.truth_value is None or self.built_value is None:
            return None
        difference = self.built_value - self.truth_value
        if self.kind in {"pct", "mean"}:
            return difference
        if self.truth_value == 0:
            return 0.0 if difference == 0 else float("inf")
        return 100.0 * difference / abs(self.truth_value)

    def agrees(self, *, small_number_allowance: bool = False) -> bool:
        """Within tolerance of truth (see the module docstring).

        With `small_number_allowance` a row also passes when its numerator and
        denominator are each within 1% (at least one child) of truth: at a tiny scale
        one child moves a percentage by several points.
        """
        if self.truth_value is None or self.built_value is None:
            return self.truth_value is None and self.built_value is None
        if self.kind == "count":
            return _within_one_percent(self.built_value, self.truth_value)
        if self.kind == "pct":
            value_ok = abs(self.built_value - self.truth_value) <= 1.0
        elif self.kind == "mean":
            value_ok = abs(self.built_value - self.truth_value) <= 0.1
        else:
            value_ok = abs(self.built_value - self.truth_value) <= 0.01 * abs(self.truth_value)
        if value_ok or not small_number_allowance:
            return value_ok
        return _within_one_percent(
            self.built_numerator, self.truth_numerator
        ) and _within_one_percent(self.built_denominator, self.truth_denominator)


def _within_one_percent(built: float | None, truth: float | None) -> bool:
    if truth is None or built is None:
        return truth is None and built is None
    return abs(built - truth) <= max(1.0, 0.01 * abs(truth))


def compare_with_truth(warehouse: Path, truth_dir: Path) -> list[ComparedRow]:
    """Every headline truth row beside the warehouse's value (None where it has none)."""
    truth_file = truth_dir / "expected_indicators.csv"
    if not truth_file.is_file():
        raise CyplinkError(f"no truth file at {truth_file}: pass the generator's truth folder")
    if not warehouse.is_file():
        raise CyplinkError(f"no warehouse at {warehouse}")
    with connect_for_reading(warehouse) as con:
        rows = con.execute(_COMPARISON_SQL, [str(truth_file)]).fetchall()
    if not rows:
        raise CyplinkError(f"{truth_file} has no headline (breakdown = 'all') rows")
    return [ComparedRow(*row) for row in rows]


@dataclass(frozen=True)
class IndicatorAgreement:
    """How one indicator agrees with truth over all its fully observed LAs and years."""

    indicator_id: str
    kind: str
    rows: int
    rows_outside_tolerance: int
    worst_row: ComparedRow | None
    pooled_gap: float | None

    @property
    def worst_gap(self) -> float | None:
        return self.worst_row.gap if self.worst_row else None


def summarise(rows: list[ComparedRow]) -> list[IndicatorAgreement]:
    """Per indicator: rows outside tolerance, the worst row, and the gap pooled over all rows.

    The pooled gap compares sum(numerator) / sum(denominator) (for counts, the sums
    themselves), in the same unit as `ComparedRow.gap`.
    """
    by_indicator: dict[str, list[ComparedRow]] = {}
    for row in rows:
        if row.is_fully_observed:
            by_indicator.setdefault(row.indicator_id, []).append(row)
    summaries = []
    for indicator_id, group in sorted(by_indicator.items()):
        with_gap = [row for row in group if row.gap is not None]
        worst = max(with_gap, key=lambda row: abs(row.gap or 0.0), default=None)
        summaries.append(
            IndicatorAgreement(
                indicator_id=indicator_id,
                kind=group[0].kind,
                rows=len(group),
                rows_outside_tolerance=sum(not row.agrees() for row in group),
                worst_row=worst,
                pooled_gap=_pooled_gap(group),
            )
        )
    return summaries


def _pooled_gap(group: list[ComparedRow]) -> float | None:
    kind = group[0].kind
    needed = (
        ("truth_numerator", "built_numerator")
        if kind == "count"
        else ("truth_numerator", "truth_denominator", "built_numerator", "built_denominator")
    )
    pairs = [row for row in group if all(getattr(row, name) is not None for name in needed)]
    if not pairs:
        return None
    truth_num = sum(row.truth_numerator or 0.0 for row in pairs)
    built_num = sum(row.built_numerator or 0.0 for row in pairs)
    if kind == "count":
        return 100.0 * (built_num - truth_num) / truth_num if truth_num else None
    truth_den = sum(row.truth_denominator or 0.0 for row in pairs)
    built_den = sum(row.built_denominator or 0.0 for row in pairs)
    if truth_den == 0 or built_den == 0:
        return None
    truth_value, built_value = truth_num / truth_den, built_num / built_den
    if kind == "pct":
        return 100.0 * (built_value - truth_value)
    if kind == "mean":
        return built_value - truth_value
    return 100.0 * (built_value - truth_value) / truth_value if truth_value else None


def _format_gap(gap: float | None, kind: str) -> str:
    if gap is None:
        return "-"
    if kind == "pct":
        return f"{gap:+.2f} pp"
    if kind == "mean":
        return f"{gap:+.3f}"
    return f"{gap:+.2f}%"


def agreement_table(summaries: list[IndicatorAgreement]) -> str:
    """A Markdown table: one line per indicator with its worst LA and year."""
    lines = [
        "| indicator | tolerance | LA-years | outside | worst gap (LA, year: built vs truth) "
        "| pooled gap |",
        "|---|---|---|---|---|---|",
    ]
    tolerance = {"count": "1%", "pct": "1 pp", "rate": "1%", "mean": "0.1"}
    for summary in summaries:
        worst = summary.worst_row
        where = (
            f"{_format_gap(worst.gap, summary.kind)} ({worst.area_code}, {worst.period}: "
            f"{worst.built_value:g} vs {worst.truth_value:g})"
            if worst and worst.built_value is not None and worst.truth_value is not None
            else "-"
        )
        lines.append(
            f"| `{summary.indicator_id}` | {tolerance[summary.kind]} | {summary.rows} "
            f"| {summary.rows_outside_tolerance} | {where} "
            f"| {_format_gap(summary.pooled_gap, summary.kind)} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m cyplink.indicator_truth",
        description="Compare a warehouse's headline indicators with the synthetic truth.",
    )
    parser.add_argument("warehouse", type=Path, help="DuckDB warehouse built by `cyplink build`.")
    parser.add_argument("truth", type=Path, help="Truth folder written by `cyplink synth`.")
    args = parser.parse_args(argv)
    try:
        rows = compare_with_truth(args.warehouse, args.truth)
    except CyplinkError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(agreement_table(summarise(rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
