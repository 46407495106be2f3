"""The eight North West London boroughs and the published figures used for calibration.

The published figures are copied from `reference/nwl_*_published.csv` (DfE "Children
looked after in England including adoptions", 2025 release) so that the package is
self-contained; `None` marks a suppressed figure, which falls back to England.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    """One local authority: codes, size and the geography used for addresses."""

    code: str  # ONS code
    name: str
    dfe_number: int  # DfE LA number (first 3 digits of a UPN and of LAESTAB)
    children_2025: int  # resident children aged 0-17 (2025)
    outward_codes: tuple[str, ...]
    practice_prefix: str  # GP practice code prefix
    acute_trust: str  # ODS code of the local acute trust
    mh_trust: str  # ODS code of the mental health trust
    lsoa_base: int  # synthetic LSOA numbering base (E01 + 6 digits)


AREAS: tuple[Area, ...] = (
    Area(
        "E09000005",
        "Brent",
        304,
        75001,
        ("HA0", "HA9", "NW10", "NW2", "NW6", "NW9"),
        "E84",
        "R1K",
        "RV3",
        530,
    ),
    Area(
        "E09000009",
        "Ealing",
        307,
        82360,
        ("W3", "W5", "W7", "W13", "UB1", "UB2", "UB5", "UB6"),
        "E85",
        "R1K",
        "RKL",
        1170,
    ),
    Area(
        "E09000013",
        "Hammersmith and Fulham",
        205,
        31955,
        ("W6", "W12", "W14", "SW6"),
        "E85",
        "RYJ",
        "RKL",
        1940,
    ),
    Area(
        "E09000015",
        "Harrow",
        310,
        60452,
        ("HA1", "HA2", "HA3", "HA5", "HA7", "HA8"),
        "E84",
        "R1K",
        "RV3",
        2280,
    ),
    Area(
        "E09000017",
        "Hillingdon",
        312,
        75524,
        ("UB3", "UB4", "UB7", "UB8", "UB10", "HA4"),
        "E86",
        "RAS",
        "RV3",
        2470,
    ),
    Area(
        "E09000018",
        "Hounslow",
        313,
        67554,
        ("TW3", "TW4", "TW5", "TW7", "TW13", "TW14", "W4"),
        "E86",
        "RQM",
        "RKL",
        2640,
    ),
    Area(
        "E09000020",
        "Kensington and Chelsea",
        207,
        22555,
        ("W8", "W10", "W11", "SW3", "SW5"),
        "E87",
        "RQM",
        "RV3",
        2880,
    ),
    Area(
        "E09000033",
        "Westminster",
        213,
        29834,
        ("W1", "W2", "W9", "NW1", "NW8", "SW1"),
        "E87",
        "RYJ",
        "RV3",
        4590,
    ),
)

AREA_CODES: tuple[str, ...] = tuple(a.code for a in AREAS)

# children looked after at 31 March (count) by LA and year, 2021-2025
PUBLISHED_CLA: dict[str, dict[int, int]] = {
    "E09000005": {2021: 289, 2022: 341, 2023: 319, 2024: 307, 2025: 296},
    "E09000009": {2021: 307, 2022: 328, 2023: 296, 2024: 301, 2025: 275},
    "E09000013": {2021: 244, 2022: 215, 2023: 208, 2024: 205, 2025: 197},
    "E09000015": {2021: 182, 2022: 188, 2023: 179, 2024: 180, 2025: 176},
    "E09000017": {2021: 338, 2022: 401, 2023: 348, 2024: 318, 2025: 312},
    "E09000018": {2021: 254, 2022: 296, 2023: 320, 2024: 285, 2025: 263},
    "E09000020": {2021: 106, 2022: 101, 2023: 105, 2024: 122, 2025: 106},
    "E09000033": {2021: 166, 2022: 171, 2023: 182, 2024: 174, 2025: 186},
}
PUBLISHED_CLA_RATE: dict[str, dict[int, int]] = {
    "E09000005": {2021: 38, 2022: 47, 2023: 43, 2024: 41, 2025: 39},
    "E09000009": {2021: 38, 2022: 41, 2023: 37, 2024: 37, 2025: 33},
    "E09000013": {2021: 75, 2022: 68, 2023: 65, 2024: 64, 2025: 62},
    "E09000015": {2021: 31, 2022: 32, 2023: 30, 2024: 30, 2025: 29},
    "E09000017": {2021: 47, 2022: 56, 2023: 48, 2024: 43, 2025: 41},
    "E09000018": {2021: 38, 2022: 45, 2023: 48, 2024: 42, 2025: 39},
    "E09000020": {2021: 45, 2022: 44, 2023: 45, 2024: 53, 2025: 47},
    "E09000033": {2021: 52, 2022: 56, 2023: 60, 2024: 58, 2025: 62},
}

# OC2 (2024, 2025): health assessment, immunisations, dental, SDQ received %, SDQ mean
# England 2025 fallback: 90, 84, 81, 78, 14.9
OC2_FIELDS = (
    "health_assessment_pct",
    "immunisations_pct",
    "dental_pct",
    "sdq_received_pct",
    "sdq_mean",
)
ENGLAND_OC2 = {
    "health_assessment_pct": 90.0,
    "immunisations_pct": 84.0,
    "dental_pct": 81.0,
    "sdq_received_pct": 78.0,
    "sdq_mean": 14.9,
}
PUBLISHED_OC2: dict[str, dict[int, tuple[float, float, float, float, float]]] = {
    "E09000005": {2024: (93, 78, 89, 84, 11.3), 2025: (88, 72, 80, 93, 11.0)},
    "E09000009": {2024: (97, 61, 78, 100, 13.9), 2025: (99, 76, 93, 100, 15.3)},
    "E09000013": {2024: (99, 95, 90, 87, 11.7), 2025: (94, 95, 91, 85, 13.2)},
    "E09000015": {2024: (94, 73, 84, 95, 14.5), 2025: (97, 80, 96, 87, 14.1)},
    "E09000017": {2024: (93, 75, 65, 61, 14.1), 2025: (90, 76, 57, 65, 15.2)},
    "E09000018": {2024: (83, 74, 83, 94, 15.8), 2025: (95, 77, 87, 98, 16.4)},
    "E09000020": {2024: (98, 100, 86, 94, 13.4), 2025: (100, 100, 89, 93, 12.2)},
    "E09000033": {2024: (96, 100, 64, 85, 11.7), 2025: (100, 100, 91, 89, 10.9)},
}
PUBLISHED_OC2_COHORT: dict[str, dict[int, int]] = {
    "E09000005": {2024: 211, 2025: 202},
    "E09000009": {2024: 201, 2025: 184},
    "E09000013": {2024: 130, 2025: 130},
    "E09000015": {2024: 109, 2025: 100},
    "E09000017": {2024: 203, 2025: 194},
    "E09000018": {2024: 157, 2025: 167},
    "E09000020": {2024: 57, 2025: 64},
    "E09000033": {2024: 90, 2025: 102},
}

# placement stability: % with 3+ placements in the year, % same placement 2+ years
ENGLAND_STABILITY = {"placements_3plus_pct": 10.0, "same_placement_2yrs_pct": 70.0}
PUBLISHED_STABILITY: dict[str, dict[int, tuple[float, float | None]]] = {
    "E09000005": {2024: (16, 55), 2025: (14, 52)},
    "E09000009": {2024: (10, 53), 2025: (13, 69)},
    "E09000013": {2024: (11, 68), 2025: (10, 69)},
    "E09000015": {2024: (9, 78), 2025: (12, 65)},
    "E09000017": {2024: (11, 62), 2025: (9, 63)},
    "E09000018": {2024: (11, 69), 2025: (11, 79)},
    "E09000020": {2024: (9, None), 2025: (18, None)},
    "E09000033": {2024: (12, 75), 2025: (10, 84)},
}


def area_by_code() -> dict[str, Area]:
    """Areas keyed by ONS code."""
    return {a.code: a for a in AREAS}


def cla_target(code: str, year: int) -> float:
    """Target count at 31 March; years outside 2021-2025 take the nearest published year."""
    series = PUBLISHED_CLA[code]
    y = min(max(year, min(series)), max(series))
    return float(series[y])


def oc2_target(code: str, field: str, year: int) -> float:
    """Target OC2 figure; other years take the 2024/2025 mean, suppressed ones England."""
    idx = OC2_FIELDS.index(field)
    series = PUBLISHED_OC2[code]
    if year in series:
        return float(series[year][idx])
    return float(sum(v[idx] for v in series.values()) / len(series))


def stability_target(code: str, field: str, year: int) -> float:
    """Target stability figure with England fallback where suppressed."""
    idx = ("placements_3plus_pct", "same_placement_2yrs_pct").index(field)
    series = PUBLISHED_STABILITY[code]
    vals = [series[year][idx]] if year in series else [v[idx] for v in series.values()]
    known = [float(v) for v in vals if v is not None]
    return sum(known) / len(known) if known else ENGLAND_STABILITY[field]
