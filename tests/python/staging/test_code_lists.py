"""Seeds: code lists cover the codes the synthetic generator writes, and keep the ECHILD layout."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from cyplink.config import PROJECT_ROOT

SEEDS = PROJECT_ROOT / "seeds"
CODES_USED = PROJECT_ROOT / "synthetic" / "codes_used.md"
ECHILD_COLUMNS = [
    "code",
    "dataset",
    "field",
    "code_type",
    "description",
    "group",
    "subgroup",
    "flag",
]
GROUP_TO_LIST = {
    "mental_health": "mental_health",
    "self_harm": "self_harm",
    "injury": "injuries",
    "chronic": "chronic_conditions",
}


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def _codes_used() -> list[tuple[str, str, str]]:
    """(section, code, group) rows of the generator's codes_used.md tables."""
    rows, section = [], ""
    for line in CODES_USED.read_text().splitlines():
        if line.startswith("## "):
            section = line[3:]
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) >= 3 and cells[0] not in {"code", "---"}:
            rows.append((section, cells[0], cells[-1]))
    return rows


def _covered(code: str, section: str, code_list: list[dict[str, str]]) -> bool:
    if "ICD-10" in section:
        plain = code.replace(".", "").upper()
        return any(
            row["code_type"] == "icd10" and plain.startswith(row["code"].replace(".", "").upper())
            for row in code_list
        )
    return any(row["code_type"] == "snomedct" and row["code"] == code for row in code_list)


@pytest.mark.parametrize("name", sorted(set(GROUP_TO_LIST.values())))
def test_code_lists_have_the_echild_layout_and_a_removals_log(name: str) -> None:
    rows = _read(SEEDS / "codelists" / f"codelist__{name}_v1.csv")
    assert rows
    assert list(rows[0]) == ECHILD_COLUMNS
    assert {r["flag"] for r in rows} <= {"prefix", "exact"}
    removals = _read(SEEDS / "codelists" / f"codelist__{name}_v1_removals.csv")
    assert all(r["reason_for_removal"] for r in removals)
    removed = {(r["code"], r["dataset"]) for r in removals}
    assert not removed & {(r["code"], r["dataset"]) for r in rows}


@pytest.mark.skipif(not CODES_USED.exists(), reason="synthetic generator has not listed its codes")
def test_code_lists_cover_the_synthetic_clinical_codes() -> None:
    missing = []
    for section, code, group in _codes_used():
        if group not in GROUP_TO_LIST or not re.search(r"ICD-10|SNOMED", section):
            continue
        code_list = _read(SEEDS / "codelists" / f"codelist__{GROUP_TO_LIST[group]}_v1.csv")
        if not _covered(code, section, code_list):
            missing.append(f"{section}: {code} ({group})")
    assert missing == []


@pytest.mark.skipif(not CODES_USED.exists(), reason="synthetic generator has not listed its codes")
def test_code_sets_cover_the_synthetic_nhs_codes() -> None:
    nhs = {(r["code_set"], r["code"]) for r in _read(SEEDS / "codesets" / "nhs_codes.csv")}
    functions = {r["code"] for r in _read(SEEDS / "codesets" / "treatment_function_codes.csv")}
    missing = []
    for section, code, _ in _codes_used():
        if section.startswith("APC admission method") and ("ADMIMETH", code) not in nhs:
            missing.append(f"admimeth {code}")
        if section.startswith("MHSDS AttendOrDNACode") and ("ATTEND_OR_DNA", code) not in nhs:
            missing.append(f"AttendOrDNACode {code}")
        if section.startswith("Treatment specialty") and code not in functions:
            missing.append(f"tretspef {code}")
    assert missing == []
