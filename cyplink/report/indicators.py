"""What the report knows about indicators beyond the catalogue: kind, scale, order, pairs.

The catalogue (`publication.indicator_catalogue`, one row per indicator id) says what an
indicator *is*; this module decides how the report *shows* it:

- `kind`: `proportion` (binomial funnel plot), `rate` (Poisson funnel plot), `mean` or
  `count` (compared with a dot chart, no funnel), read from the id's suffix as DESIGN.md
  names them (`_pct`, `_rate_per_10k`, `_rate_per_1000`, `_mean`, `_count`) and, for ids
  that do not follow that pattern, from the catalogue's unit;
- `multiplier`: value = multiplier x numerator / denominator (100 for percentages,
  10,000 or 1,000 for rates), inferred from the published rows themselves where
  possible so that a table holding proportions as 0-1 fractions is still plotted right;
- the order and grouping of headline indicators on a page, and the `cla_*` / `all_*`
  pairs that compare looked-after children with all children.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

Kind = Literal["proportion", "rate", "mean", "count"]

# Sections of a page, in order; ids not listed here go to "Other indicators".
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Children looked after",
        ("cla_31mar_count", "cla_31mar_rate_per_10k", "cla_started", "cla_ceased"),
    ),
    (
        "Placement stability",
        ("cla_3plus_placements_pct", "cla_same_placement_2yrs_pct"),
    ),
    (
        "Health of children looked after for 12 months (OC2)",
        (
            "oc2_cohort",
            "oc2_health_assessment_pct",
            "oc2_immunisations_pct",
            "oc2_dental_check_pct",
            "oc2_sdq_received_pct",
            "oc2_sdq_mean",
        ),
    ),
    (
        "Health service use: looked-after children and all children",
        (
            "cla_mh_service_contact_pct",
            "all_mh_service_contact_pct",
            "cla_ae_attendance_rate_per_1000",
            "all_ae_attendance_rate_per_1000",
            "cla_emergency_admission_rate_per_1000",
            "all_emergency_admission_rate_per_1000",
        ),
    ),
)
OTHER_SECTION = "Other indicators"

# Multipliers a published value may carry relative to numerator / denominator.
_MULTIPLIERS = (1.0, 100.0, 1_000.0, 10_000.0, 100_000.0)


@dataclass(frozen=True)
class IndicatorMeta:
    """One indicator as the report describes it (catalogue fields plus display rules)."""

    id: str
    name: str
    definition: str = ""
    numerator: str = ""
    denominator: str = ""
    unit: str = ""
    source: str = ""
    polarity: str = ""
    kind: Kind = "count"
    multiplier: float = 1.0

    @property
    def has_funnel(self) -> bool:
        """Rates and proportions get funnel plots; means and counts do not."""
        return self.kind in ("proportion", "rate")


def kind_of(indicator_id: str, unit: str = "") -> Kind:
    """Classify an indicator from its id suffix, falling back on the catalogue unit."""
    ident = indicator_id.lower()
    if ident.endswith("_pct") or ident.endswith("_percent"):
        return "proportion"
    if "_rate" in ident or "_per_" in ident:
        return "rate"
    if ident.endswith("_mean"):
        return "mean"
    if ident.endswith("_count") or ident.endswith("_cohort"):
        return "count"
    text = unit.lower()
    if "%" in text or "percent" in text or "proportion" in text:
        return "proportion"
    if "per " in text or "rate" in text:
        return "rate"
    if "mean" in text or "score" in text:
        return "mean"
    return "count"


def default_multiplier(indicator_id: str, kind: Kind) -> float:
    """The multiplier the id promises (`_pct` -> 100, `_per_10k` -> 10,000, ...)."""
    ident = indicator_id.lower()
    if kind == "proportion":
        return 100.0
    if kind == "rate":
        if "10k" in ident or "10000" in ident:
            return 10_000.0
        if "100k" in ident or "100000" in ident:
            return 100_000.0
        if "1000" in ident or "1k" in ident:
            return 1_000.0
    return 1.0


def infer_multiplier(ratios: list[float], fallback: float) -> float:
    """Snap the median of value / (numerator / denominator) to a known multiplier.

    `ratios` come from published rows with a positive numerator and denominator. With
    none, the id's promise (`fallback`) stands.
    """
    usable = sorted(r for r in ratios if r > 0)
    if not usable:
        return fallback
    median = usable[len(usable) // 2]
    best = min(_MULTIPLIERS, key=lambda m: abs(m - median) / m)
    return best if abs(best - median) / best < 0.05 else fallback


def humanise_id(indicator_id: str) -> str:
    """A readable name for an id the catalogue does not describe."""
    words = indicator_id.replace("_pct", " (%)").replace("_", " ").strip()
    words = words.replace("cla ", "looked-after children: ", 1).replace("31mar", "31 March")
    return words[:1].upper() + words[1:]


def with_display_rules(meta: IndicatorMeta, ratios: list[float]) -> IndicatorMeta:
    """Fill `kind` and `multiplier` for a catalogue entry, given its published ratios."""
    kind = kind_of(meta.id, meta.unit)
    multiplier = default_multiplier(meta.id, kind)
    if kind in ("proportion", "rate"):
        multiplier = infer_multiplier(ratios, multiplier)
    return replace(meta, kind=kind, multiplier=multiplier)


def section_order(indicator_ids: list[str]) -> list[tuple[str, list[str]]]:
    """Group the ids present into the page sections, known order first, then the rest."""
    present = set(indicator_ids)
    placed: set[str] = set()
    sections: list[tuple[str, list[str]]] = []
    for title, ids in SECTIONS:
        found = [i for i in ids if i in present]
        placed.update(found)
        if found:
            sections.append((title, found))
    rest = sorted(present - placed)
    if rest:
        sections.append((OTHER_SECTION, rest))
    return sections


def comparison_pairs(indicator_ids: list[str]) -> list[tuple[str, str]]:
    """The (`cla_x`, `all_x`) pairs present, in section order."""
    present = set(indicator_ids)
    ordered = [i for _, ids in section_order(indicator_ids) for i in ids]
    return [
        (ident, "all_" + ident[len("cla_") :])
        for ident in ordered
        if ident.startswith("cla_") and "all_" + ident[len("cla_") :] in present
    ]
