"""Plain-English sentences that lead each page: one per headline indicator.

For an LA and the latest year the sentence says the number and what it counts, then
how it compares with the other LAs (rank, the figure for all LAs together, the range,
and the funnel plot verdict for rates and proportions) and, for looked-after children's
health service use, the figure for all children in the same LA. Suppressed values are
stated as suppressed and never given as a number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from markupsafe import Markup, escape

from cyplink.report.data import PUBLISHED, Area, ReportData
from cyplink.report.formatting import format_count, format_number, period_long
from cyplink.report.funnel import pooled_target, position
from cyplink.report.indicators import IndicatorMeta

# Lead sentences for the DESIGN.md ids. Fields: la, value, num, den, year (the year to
# 31 March YYYY), period (YYYY). `value` arrives already bold.
TEMPLATES: dict[str, str] = {
    "cla_31mar_count": "{la} looked after {value} children on 31 March {period}.",
    "cla_31mar_rate_per_10k": (
        "That is {value} children aged 0-17 living in {la} ({num} children looked after "
        "on 31 March {period})."
    ),
    "cla_started": "{value} children started to be looked after by {la} in {year}.",
    "cla_ceased": "{value} children ceased to be looked after by {la} in {year}.",
    "cla_3plus_placements_pct": (
        "{value} of the {den} children looked after by {la} on 31 March {period} "
        "({num} children) had three or more placements in {year}."
    ),
    "cla_same_placement_2yrs_pct": (
        "{value} of the {den} children under 16 looked after by {la} for 2.5 years or more "
        "({num} children) had been in the same placement for 2 years or were placed for "
        "adoption on 31 March {period}."
    ),
    "oc2_cohort": (
        "{value} children had been looked after by {la} continuously for 12 months on "
        "31 March {period}."
    ),
    "oc2_health_assessment_pct": (
        "{value} of them ({num} of {den}) had an up-to-date annual health assessment."
    ),
    "oc2_immunisations_pct": "{value} of them ({num} of {den}) were up to date with immunisations.",
    "oc2_dental_check_pct": "{value} of them ({num} of {den}) had a dental check.",
    "oc2_sdq_received_pct": (
        "{value} of them ({num} of {den}) had a Strengths and Difficulties Questionnaire score."
    ),
    "oc2_sdq_mean": (
        "Their mean Strengths and Difficulties Questionnaire score was {value} "
        "({den} children with a score; higher means more difficulties)."
    ),
    "cla_mh_service_contact_pct": (
        "{num_strong} looked-after children in {la} were in contact with NHS mental health "
        "services in {year}: {value} of the {den} children looked after at any time in the "
        "year had at least one attended care contact."
    ),
    "all_mh_service_contact_pct": (
        "Among all {den} children aged 0-17 in {la}, {num} ({value}) were in contact with "
        "NHS mental health services in {year}."
    ),
    "cla_ae_attendance_rate_per_1000": (
        "Children looked after by {la} made {num} A&E attendances in {year}: {value} "
        "children looked after at any time in the year."
    ),
    "all_ae_attendance_rate_per_1000": (
        "All children in {la} made {num} A&E attendances in {year}: {value} children."
    ),
    "cla_emergency_admission_rate_per_1000": (
        "Children looked after by {la} had {num} emergency hospital admissions in {year}: "
        "{value} children looked after at any time in the year."
    ),
    "all_emergency_admission_rate_per_1000": (
        "All children in {la} had {num} emergency hospital admissions in {year}: {value} children."
    ),
}
GENERIC = "{name} in {la}, {year}: {value}."
GENERIC_WITH_COUNTS = "{name} in {la}, {year}: {value} ({num} of {den})."


@dataclass(frozen=True)
class Statement:
    """The sentences for one indicator on one page."""

    indicator_id: str
    name: str
    lead: Markup
    comparison: Markup
    status: str  # published / suppressed / not applicable / missing


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _present(value: object) -> bool:
    if value is None or value is pd.NA:
        return False
    return not math.isnan(float(value))  # type: ignore[arg-type]


def area_word(areas: list[Area], plural: bool = True) -> str:
    """`boroughs` when every area is a London borough, else `local authorities`."""
    london = all(a.code.upper().startswith("E09") for a in areas)
    if plural:
        return "boroughs" if london else "local authorities"
    return "borough" if london else "local authority"


def count_of(n: int, word: str) -> str:
    """`1 other borough`, `2 other boroughs`: singular for one area."""
    singular = {"boroughs": "borough", "authorities": "authority"}
    if n == 1:
        head, _, last = word.rpartition(" ")
        word = f"{head} {singular.get(last, last)}".strip()
    return f"{n} {word}"


Record = dict[str, Any]


def _fields(row: Record, meta: IndicatorMeta, area: Area, period: int) -> dict[str, object]:
    return {
        "la": escape(area.name),
        "name": escape(meta.name),
        "value": Markup("<strong>{}</strong>").format(format_number(float(row["value"]), meta)),
        "num": format_count(row["numerator"]),
        "num_strong": Markup("<strong>{}</strong>").format(format_count(row["numerator"])),
        "den": format_count(row["denominator"]),
        "year": period_long(period),
        "period": period,
    }


def lead_sentence(row: Record | None, meta: IndicatorMeta, area: Area, period: int) -> Markup:
    """The first sentence: the LA's own figure (or why there is none)."""
    if row is None:
        return Markup("{}: not available for {} in {} (x).").format(
            meta.name, area.name, period_long(period)
        )
    status = str(row["status"])
    if status != PUBLISHED or not _present(row["value"]):
        why = (
            "not applicable (<strong>z</strong>)"
            if status == "not applicable"
            else "suppressed (<strong>c</strong>) to protect confidentiality"
            if status == "suppressed"
            else "not available (<strong>x</strong>)"
        )
        return Markup("{}: {} for {} in {}.").format(
            meta.name, Markup(why), area.name, period_long(period)
        )
    template = TEMPLATES.get(meta.id)
    if template is None or (
        ("{num" in template and not _present(row["numerator"]))
        or ("{den}" in template and not _present(row["denominator"]))
    ):
        has_counts = _present(row["numerator"]) and _present(row["denominator"])
        template = GENERIC_WITH_COUNTS if has_counts else GENERIC
    return Markup(escape(template).format(**_fields(row, meta, area, period)))


def _published(rows: list[Record]) -> list[Record]:
    return [r for r in rows if r["status"] == PUBLISHED and _present(r["value"])]


def _overall(published: list[Record]) -> float | None:
    """Sum of numerators over sum of denominators, when every row has both."""
    if not published or not all(
        _present(r["numerator"]) and _present(r["denominator"]) for r in published
    ):
        return None
    target = pooled_target(
        np.array([r["numerator"] for r in published], dtype=float),
        np.array([r["denominator"] for r in published], dtype=float),
    )
    return None if math.isnan(target) else target


def _others_only(published: list[Record], meta: IndicatorMeta, word: str) -> Markup:
    """Context when the LA's own figure is not published: the other LAs' figures."""
    if not published:
        return Markup("Not published for any other {} either.").format(word)
    low = min(published, key=lambda r: float(r["value"]))
    high = max(published, key=lambda r: float(r["value"]))
    target = _overall(published) if meta.kind in ("proportion", "rate") else None
    text = Markup("Published for {} {}").format(len(published), word)
    if target is not None:
        text += Markup(" ({} for them together)").format(
            format_number(target * meta.multiplier, meta)
        )
    if len(published) > 1:
        text += Markup(": from {} in {} to {} in {}").format(
            format_number(float(low["value"]), meta),
            low["area_name"],
            format_number(float(high["value"]), meta),
            high["area_name"],
        )
    else:
        text += Markup(": {} in {}").format(
            format_number(float(low["value"]), meta), low["area_name"]
        )
    return text + Markup(".")


def _place(value: float, values: list[float]) -> str | None:
    """`the highest`, `the 3rd highest`, `joint 2nd highest`; None when all are equal."""
    higher = sum(v > value for v in values)
    ties = sum(v == value for v in values)
    if ties == len(values):
        return None
    if higher == 0:
        return "joint highest" if ties > 1 else "the highest"
    if higher + ties == len(values):
        return "joint lowest" if ties > 1 else "the lowest"
    rank = _ordinal(higher + 1) + " highest"
    return f"joint {rank}" if ties > 1 else f"the {rank}"


def comparison_sentence(
    rows: list[Record], meta: IndicatorMeta, area: Area, areas: list[Area]
) -> Markup:
    """How the LA compares with the others in the same year (published values only)."""
    published = _published(rows)
    word = area_word(areas)
    own = [r for r in published if r["area_code"] == area.code]
    if not own:
        return _others_only(published, meta, word)
    if len(published) < 2:
        return Markup("")
    ranked = sorted(published, key=lambda r: -float(r["value"]))
    top, bottom = ranked[0], ranked[-1]
    place = _place(float(own[0]["value"]), [float(r["value"]) for r in ranked])
    if place is None:
        parts = [
            Markup("Every one of the {} {} with a published figure has the same value").format(
                len(ranked), word
            )
        ]
    else:
        parts = [
            Markup("That is {} of the {} {} with a published figure").format(
                place, len(ranked), word
            )
        ]
    target = _overall(published) if meta.kind in ("proportion", "rate") else None
    if target is not None:
        parts.append(
            Markup("; for all {} together it is {}").format(
                word, format_number(target * meta.multiplier, meta)
            )
        )
    parts.append(
        Markup(" (range {} in {} to {} in {})").format(
            format_number(float(bottom["value"]), meta),
            bottom["area_name"],
            format_number(float(top["value"]), meta),
            top["area_name"],
        )
    )
    sentence = Markup("").join(parts) + Markup(".")
    row = own[0]
    # A funnel needs a target strictly inside its range: with every figure 0 (or 100%)
    # there is no variation to judge, and the limits collapse onto the target.
    upper = 1.0 if meta.kind == "proportion" else math.inf
    if meta.has_funnel and target is not None and 0 < target < upper:
        verdict = position(
            float(row["value"]),
            float(row["denominator"]),
            target,
            family="binomial" if meta.kind == "proportion" else "poisson",
            multiplier=meta.multiplier,
        )
        sentence += Markup(" On the funnel plot {} is {}.").format(area.name, verdict.label)
    missing = len(rows) - len(published)
    if missing:
        sentence += Markup(" Not published for {}.").format(count_of(missing, "other " + word))
    return sentence


def all_children_sentence(
    cla_row: Record | None, all_row: Record | None, all_meta: IndicatorMeta, area: Area
) -> Markup:
    """For a `cla_` health indicator: the figure for all children in the same LA."""
    if all_row is None:
        return Markup("")
    if str(all_row["status"]) != PUBLISHED or not _present(all_row["value"]):
        return Markup("The figure for all children in {} is not published.").format(area.name)
    all_value = float(all_row["value"])
    text = Markup("For all children in {} it is {}").format(
        area.name, format_number(all_value, all_meta)
    )
    if (
        cla_row is not None
        and str(cla_row["status"]) == PUBLISHED
        and _present(cla_row["value"])
        and all_value > 0
    ):
        ratio = float(cla_row["value"]) / all_value
        text += Markup(
            ", so the figure for looked-after children is <strong>{:.1f} times</strong> as high"
        ).format(ratio)
    return text + Markup(".")


def _row_for(rows: list[Record], area: Area) -> Record | None:
    return next((r for r in rows if r["area_code"] == area.code), None)


def area_statements(data: ReportData, area: Area, period: int, ids: list[str]) -> list[Statement]:
    """Lead and comparison sentences for an LA's headline indicators in one year."""
    areas = data.areas
    out: list[Statement] = []
    for ident in ids:
        meta = data.meta(ident)
        rows = data.records(ident, period)
        row = _row_for(rows, area)
        lead = lead_sentence(row, meta, area, period)
        comparison = comparison_sentence(rows, meta, area, areas)
        if ident.startswith("cla_"):
            partner = "all_" + ident[len("cla_") :]
            partner_rows = data.records(partner, period)
            if partner_rows:
                extra = all_children_sentence(
                    row, _row_for(partner_rows, area), data.meta(partner), area
                )
                comparison = Markup(" ").join(x for x in (comparison, extra) if x)
        status = "missing" if row is None else str(row["status"])
        out.append(Statement(ident, meta.name, lead, comparison, status))
    return out


def area_summary(data: ReportData, period: int, ident: str) -> Markup:
    """For the whole-area page: all LAs together, and the range between them."""
    meta = data.meta(ident)
    year = data.records(ident, period)
    published = _published(year)
    word = area_word(data.areas)
    if not published:
        return Markup("Not published for any {} in {}.").format(word, period_long(period))
    top = max(published, key=lambda r: float(r["value"]))
    bottom = min(published, key=lambda r: float(r["value"]))
    text = Markup("")
    target = _overall(published) if meta.kind in ("proportion", "rate") else None
    if target is not None:
        text += Markup("<strong>{}</strong> for the {} {} together; ").format(
            format_number(target * meta.multiplier, meta), len(published), word
        )
    elif meta.kind == "count":
        text += Markup("<strong>{}</strong> across the {} {}; ").format(
            format_count(sum(float(r["value"]) for r in published)), len(published), word
        )
    text += Markup("from {} in {} to {} in {} ({}).").format(
        format_number(float(bottom["value"]), meta),
        bottom["area_name"],
        format_number(float(top["value"]), meta),
        top["area_name"],
        period_long(period),
    )
    hidden = len(year) - len(published)
    if hidden:
        text += Markup(" Not published for {}.").format(count_of(hidden, word))
    return text
