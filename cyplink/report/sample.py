"""A small made-up warehouse in the DESIGN.md shape, to preview and test the report.

`write_sample_warehouse(path)` writes `publication.indicators`,
`publication.indicator_catalogue` and (optionally) `publication.linkage_quality_summary`
for the eight North West London boroughs over ten collection years. The numbers are
random draws around plausible levels, not the synthetic population and not real data;
counts below 10 are suppressed as the publication layer would suppress them.

    python -m cyplink.report.sample /tmp/sample.duckdb
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

BOROUGHS: tuple[tuple[str, str, int], ...] = (
    ("E09000005", "Brent", 75_000),
    ("E09000009", "Ealing", 82_000),
    ("E09000013", "Hammersmith and Fulham", 35_000),
    ("E09000015", "Harrow", 58_000),
    ("E09000017", "Hillingdon", 75_000),
    ("E09000018", "Hounslow", 69_000),
    ("E09000020", "Kensington and Chelsea", 25_000),
    ("E09000033", "Westminster", 38_000),
)
PERIODS = tuple(range(2016, 2026))
THRESHOLD = 10
_Z = 1.959964

CATALOGUE: tuple[tuple[str, str, str, str, str, str, str], ...] = (
    # id, name, definition, numerator, denominator, unit, polarity
    (
        "cla_31mar_count",
        "Children looked after at 31 March",
        "Children with an episode of care open on 31 March (short breaks V3/V4 excluded).",
        "children looked after at 31 March",
        "",
        "count",
        "neutral",
    ),
    (
        "cla_31mar_rate_per_10k",
        "Children looked after at 31 March per 10,000 children",
        "Children looked after at 31 March per 10,000 residents aged 0-17.",
        "children looked after at 31 March",
        "residents aged 0-17 (ONS mid-year estimate)",
        "per 10,000",
        "neutral",
    ),
    (
        "cla_started",
        "Children who started to be looked after",
        "Distinct children with a period of care starting in the year.",
        "children starting a period of care",
        "",
        "count",
        "neutral",
    ),
    (
        "cla_ceased",
        "Children who ceased to be looked after",
        "Distinct children with a period of care ending in the year.",
        "children ending a period of care",
        "",
        "count",
        "neutral",
    ),
    (
        "cla_3plus_placements_pct",
        "Three or more placements in the year",
        "Of children looked after at 31 March, % with three or more placements in the year.",
        "children with 3+ placements",
        "children looked after at 31 March",
        "%",
        "lower is better",
    ),
    (
        "cla_same_placement_2yrs_pct",
        "Same placement for two years",
        "Of children under 16 looked after for 2.5 years or more, % in the same placement "
        "for 2 years or placed for adoption.",
        "children in the same placement for 2+ years",
        "children under 16 looked after 2.5+ years",
        "%",
        "higher is better",
    ),
    (
        "oc2_cohort",
        "Looked after continuously for 12 months",
        "Children looked after continuously for 12 months at 31 March (OC2 cohort).",
        "children in the OC2 cohort",
        "",
        "count",
        "neutral",
    ),
    (
        "oc2_health_assessment_pct",
        "Annual health assessment",
        "% of the OC2 cohort whose health assessment was up to date.",
        "children with a health assessment",
        "OC2 cohort",
        "%",
        "higher is better",
    ),
    (
        "oc2_immunisations_pct",
        "Immunisations up to date",
        "% of the OC2 cohort whose immunisations were up to date.",
        "children with immunisations up to date",
        "OC2 cohort",
        "%",
        "higher is better",
    ),
    (
        "oc2_dental_check_pct",
        "Dental check",
        "% of the OC2 cohort who had their teeth checked by a dentist.",
        "children with a dental check",
        "OC2 cohort",
        "%",
        "higher is better",
    ),
    (
        "oc2_sdq_mean",
        "Mean SDQ score",
        "Mean Strengths and Difficulties Questionnaire score (0-40; higher = more difficulties).",
        "sum of SDQ scores",
        "children with an SDQ score",
        "mean score",
        "lower is better",
    ),
    (
        "cla_mh_service_contact_pct",
        "Looked-after children in contact with mental health services",
        "Of children looked after at any time in the year, % with at least one attended "
        "MHSDS care contact in the year.",
        "children with an attended mental health contact",
        "children looked after at any time in the year",
        "%",
        "neutral",
    ),
    (
        "all_mh_service_contact_pct",
        "All children in contact with mental health services",
        "Of all children aged 0-17 resident in the LA, % with at least one attended MHSDS "
        "care contact in the year.",
        "children with an attended mental health contact",
        "children aged 0-17 resident in the LA",
        "%",
        "neutral",
    ),
    (
        "cla_ae_attendance_rate_per_1000",
        "A&E attendances of looked-after children",
        "ECDS attendances in the year per 1,000 children looked after at any time in the year.",
        "A&E attendances",
        "children looked after at any time in the year",
        "per 1,000",
        "lower is better",
    ),
    (
        "all_ae_attendance_rate_per_1000",
        "A&E attendances of all children",
        "ECDS attendances in the year per 1,000 children aged 0-17 resident in the LA.",
        "A&E attendances",
        "children aged 0-17 resident in the LA",
        "per 1,000",
        "lower is better",
    ),
    (
        "cla_emergency_admission_rate_per_1000",
        "Emergency admissions of looked-after children",
        "Emergency hospital admissions in the year per 1,000 children looked after at any "
        "time in the year.",
        "emergency admissions",
        "children looked after at any time in the year",
        "per 1,000",
        "lower is better",
    ),
    (
        "all_emergency_admission_rate_per_1000",
        "Emergency admissions of all children",
        "Emergency hospital admissions in the year per 1,000 children aged 0-17 resident in "
        "the LA.",
        "emergency admissions",
        "children aged 0-17 resident in the LA",
        "per 1,000",
        "lower is better",
    ),
)


def _wilson(num: float, den: float) -> tuple[float, float]:
    p = num / den
    centre = (p + _Z**2 / (2 * den)) / (1 + _Z**2 / den)
    half = _Z * np.sqrt(p * (1 - p) / den + _Z**2 / (4 * den**2)) / (1 + _Z**2 / den)
    return 100 * (centre - half), 100 * (centre + half)


def _byar(events: float, den: float, per: float) -> tuple[float, float]:
    low = events * (1 - 1 / (9 * events) - _Z / (3 * np.sqrt(events))) ** 3 if events else 0.0
    e1 = events + 1
    high = e1 * (1 - 1 / (9 * e1) + _Z / (3 * np.sqrt(e1))) ** 3
    return per * low / den, per * high / den


def _row(ident: str, code: str, name: str, period: int, **values: object) -> dict[str, object]:
    row: dict[str, object] = {
        "indicator_id": ident,
        "area_code": code,
        "area_name": name,
        "period": period,
        "breakdown": "all",
        "breakdown_value": "all",
        "numerator": None,
        "denominator": None,
        "value": None,
        "lower_ci": None,
        "upper_ci": None,
        "status": "published",
    }
    row.update(values)
    return row


def _proportion(ident: str, code: str, name: str, period: int, num: int, den: int) -> dict:
    if num < THRESHOLD or den - num < THRESHOLD:
        return _row(ident, code, name, period, status="suppressed")
    low, high = _wilson(num, den)
    value = 100 * num / den
    return _row(
        ident,
        code,
        name,
        period,
        numerator=num,
        denominator=den,
        value=value,
        lower_ci=low,
        upper_ci=high,
    )


def _rate(ident: str, code: str, name: str, period: int, num: int, den: int, per: float) -> dict:
    if num < THRESHOLD:
        return _row(ident, code, name, period, status="suppressed")
    low, high = _byar(num, den, per)
    return _row(
        ident,
        code,
        name,
        period,
        numerator=num,
        denominator=den,
        value=per * num / den,
        lower_ci=low,
        upper_ci=high,
    )


def _count(ident: str, code: str, name: str, period: int, num: int) -> dict:
    if num < THRESHOLD:
        return _row(ident, code, name, period, status="suppressed")
    return _row(ident, code, name, period, numerator=num, value=float(num))


def sample_indicators(seed: int = 7) -> pd.DataFrame:
    """Indicator rows for the eight boroughs and ten years (random, plausible, suppressed)."""
    rng = np.random.default_rng(seed)
    rows: list[dict] = []
    mh_level = dict(
        zip([b[0] for b in BOROUGHS], rng.uniform(0.14, 0.30, len(BOROUGHS)), strict=True)
    )
    mh_level["E09000015"] = 0.42  # one borough well above the others (outside the funnel)
    for code, name, pop in BOROUGHS:
        base_rate = rng.uniform(30, 60)
        for period in PERIODS:
            drift = 1 + 0.02 * (period - 2020)
            cla = int(rng.poisson(pop * base_rate * drift / 10_000))
            started, ceased = (int(rng.poisson(0.36 * cla)) for _ in range(2))
            any_time = cla + ceased
            r = [
                _count("cla_31mar_count", code, name, period, cla),
                _rate("cla_31mar_rate_per_10k", code, name, period, cla, pop, 10_000),
                _count("cla_started", code, name, period, started),
                _count("cla_ceased", code, name, period, ceased),
                _proportion(
                    "cla_3plus_placements_pct",
                    code,
                    name,
                    period,
                    int(rng.binomial(cla, 0.11)),
                    cla,
                ),
            ]
            long_term = int(0.3 * cla)
            if period == 2016 and code == "E09000020":
                r.append(
                    _row("cla_same_placement_2yrs_pct", code, name, period, status="not applicable")
                )
            else:
                r.append(
                    _proportion(
                        "cla_same_placement_2yrs_pct",
                        code,
                        name,
                        period,
                        int(rng.binomial(long_term, 0.62)),
                        long_term,
                    )
                )
            cohort = int(0.65 * cla)
            r.append(_count("oc2_cohort", code, name, period, cohort))
            for ident, p in (
                ("oc2_health_assessment_pct", 0.9),
                ("oc2_immunisations_pct", 0.8),
                ("oc2_dental_check_pct", 0.78),
            ):
                r.append(
                    _proportion(ident, code, name, period, int(rng.binomial(cohort, p)), cohort)
                )
            with_sdq = int(0.8 * cohort)
            mean = float(rng.normal(13.5, 1.2))
            half = _Z * 6 / np.sqrt(max(with_sdq, 1))
            r.append(
                _row(
                    "oc2_sdq_mean",
                    code,
                    name,
                    period,
                    numerator=round(mean * with_sdq),
                    denominator=with_sdq,
                    value=mean,
                    lower_ci=mean - half,
                    upper_ci=mean + half,
                )
                if with_sdq >= THRESHOLD
                else _row("oc2_sdq_mean", code, name, period, status="suppressed")
            )
            mh = mh_level[code] * drift
            r += [
                _proportion(
                    "cla_mh_service_contact_pct",
                    code,
                    name,
                    period,
                    int(rng.binomial(any_time, mh)),
                    any_time,
                ),
                _proportion(
                    "all_mh_service_contact_pct",
                    code,
                    name,
                    period,
                    int(rng.binomial(pop, 0.045 * drift)),
                    pop,
                ),
                _rate(
                    "cla_ae_attendance_rate_per_1000",
                    code,
                    name,
                    period,
                    int(rng.poisson(0.48 * any_time)),
                    any_time,
                    1_000,
                ),
                _rate(
                    "all_ae_attendance_rate_per_1000",
                    code,
                    name,
                    period,
                    int(rng.poisson(0.31 * pop)),
                    pop,
                    1_000,
                ),
                _rate(
                    "cla_emergency_admission_rate_per_1000",
                    code,
                    name,
                    period,
                    int(rng.poisson(0.11 * any_time)),
                    any_time,
                    1_000,
                ),
                _rate(
                    "all_emergency_admission_rate_per_1000",
                    code,
                    name,
                    period,
                    int(rng.poisson(0.05 * pop)),
                    pop,
                    1_000,
                ),
            ]
            boys = int(rng.binomial(cla, 0.56))
            for sex, count in (("male", boys), ("female", cla - boys)):
                row = _count("cla_31mar_count", code, name, period, count)
                row.update(breakdown="sex", breakdown_value=sex)
                r.append(row)
            rows += r
    return pd.DataFrame(rows)


def sample_catalogue() -> pd.DataFrame:
    """The catalogue rows for the sample indicators."""
    columns = ["id", "name", "definition", "numerator", "denominator", "unit", "polarity"]
    frame = pd.DataFrame(list(CATALOGUE), columns=columns)
    frame["source"] = "cyplink sample data (made up for previews and tests)"
    return frame


SAMPLE_THRESHOLD = 10  # the default var('sdc_threshold')


def sample_linkage_quality(seed: int = 7) -> pd.DataFrame:
    """A per-LA linkage summary: records of each LA source linked to any health record."""
    rng = np.random.default_rng(seed + 1)
    rows = []
    for code, name, pop in BOROUGHS:
        for source, share in (("csc", 0.004), ("school_census", 0.9)):
            records = int(pop * share)
            linked = int(rng.binomial(records, rng.uniform(0.975, 0.995)))
            # The publication policy: few unlinked records -> a lower bound, no count.
            few_unlinked = 0 < records - linked < SAMPLE_THRESHOLD
            rate = None if few_unlinked else round(100 * linked / records, 1)
            rows.append(
                {
                    "area_code": code,
                    "area_name": name,
                    "source_system": source,
                    "records": records,
                    "linked_records": None if few_unlinked else linked,
                    "link_rate_pct": rate,
                    "link_rate_at_least_pct": (
                        float(np.floor(100 * (records - SAMPLE_THRESHOLD) / records))
                        if few_unlinked
                        else rate
                    ),
                    "status": "published",
                }
            )
    frame = pd.DataFrame(rows)
    frame["linked_records"] = frame["linked_records"].astype("Int64")
    return frame


def write_sample_warehouse(
    path: Path,
    *,
    indicators: pd.DataFrame | None = None,
    with_catalogue: bool = True,
    with_linkage_quality: bool = True,
) -> Path:
    """Write the sample (or the given indicator rows) to a fresh DuckDB file."""
    import duckdb

    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    frames = {"indicators": sample_indicators() if indicators is None else indicators}
    if with_catalogue:
        frames["indicator_catalogue"] = sample_catalogue()
    if with_linkage_quality:
        frames["linkage_quality_summary"] = sample_linkage_quality()
    with duckdb.connect(str(path)) as con:
        con.execute("create schema publication")
        for name, frame in frames.items():
            con.register("frame", frame)
            con.execute(f"create table publication.{name} as select * from frame")
            con.unregister("frame")
        con.execute("alter table publication.indicators alter column period type integer")
    return path


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("data/sample_warehouse.duckdb")
    print(write_sample_warehouse(target))
