"""The real DfE validators on a tiny hand-made landing root (needs `make validators`).

Skipped, with the reason, when `.venv-validators/` has not been built.
"""

from __future__ import annotations

import csv
import subprocess
from pathlib import Path

import duckdb
import pytest
from dfe_fixtures import (
    BROKEN_903_CHILD,
    BROKEN_CIN_CHILD,
    LA,
    RUNNER_PATH,
    VALIDATOR_PYTHON,
    write_tiny_landing,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not VALIDATOR_PYTHON.exists(),
        reason="DfE validator environment .venv-validators/ not built (run `make validators`)",
    ),
]


@pytest.fixture(scope="module")
def runner_output(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict], list[dict]]:
    """Results and per-return rows of one runner run over the tiny landing root."""
    tmp_path = tmp_path_factory.mktemp("dfe")
    tiny_landing = write_tiny_landing(tmp_path / "landing")
    out = tmp_path / "results.csv"
    completed = subprocess.run(
        [
            str(VALIDATOR_PYTHON),
            str(RUNNER_PATH),
            "--landing",
            str(tiny_landing),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "PROGRESS 3 3" in completed.stdout
    with (
        out.open(encoding="utf-8") as results,
        out.with_name("results.returns.csv").open(encoding="utf-8") as returns,
    ):
        return list(csv.DictReader(results)), list(csv.DictReader(returns))


def test_903_rule_356_flags_the_episode_ending_before_it_starts(runner_output) -> None:
    results, _ = runner_output
    hits = [
        r
        for r in results
        if r["validator"] == "ssda903"
        and r["collection_year"] == "2024"
        and r["rule_code"] == "356"
    ]
    assert [(r["child_id"], r["table"], r["row_number"]) for r in hits] == [
        (BROKEN_903_CHILD, "Episodes", "1")
    ]
    assert "ceased is before" in hits[0]["rule_message"]


def test_cin_rule_8630_flags_the_closure_before_the_referral(runner_output) -> None:
    results, _ = runner_output
    hits = {
        (r["child_id"], r["table"])
        for r in results
        if r["validator"] == "cin_census" and r["rule_code"] == "8630"
    }
    assert hits == {(BROKEN_CIN_CHILD, "CINdetails")}


def test_every_return_is_validated_with_its_ruleset(runner_output) -> None:
    results, returns = runner_output
    assert not [r for r in results if r["rule_code"] == "VALIDATOR_ERROR"]
    summary = {(r["validator"], r["collection_year"]): r for r in returns}
    assert summary[("ssda903", "2024")]["ruleset"] == "lac2023_24"
    assert summary[("ssda903", "2024")]["children"] == "2"
    assert summary[("cin_census", "2024")]["ruleset"] == "cin2023_24"
    assert {r["status"] for r in returns} == {"ok"}


def test_a_broken_return_is_recorded_and_the_others_still_run(
    tiny_landing: Path, tmp_path: Path
) -> None:
    (tiny_landing / "cin_census" / LA / "2024" / "cin_census.xml").write_text(
        "<Message><Header>", encoding="utf-8"
    )
    out = tmp_path / "results.csv"
    subprocess.run(
        [
            str(VALIDATOR_PYTHON),
            str(RUNNER_PATH),
            "--landing",
            str(tiny_landing),
            "--out",
            str(out),
        ],
        capture_output=True,
        check=True,
        timeout=300,
    )
    with out.open(encoding="utf-8") as handle:
        results = list(csv.DictReader(handle))
    errors = [r for r in results if r["rule_code"] == "VALIDATOR_ERROR"]
    assert [(r["validator"], r["la_code"]) for r in errors] == [("cin_census", LA)]
    assert "not well-formed XML" in errors[0]["rule_message"]
    assert any(r["rule_code"] == "356" for r in results)


def test_cyplink_validate_loads_the_warehouse(tiny_landing: Path, tmp_path: Path) -> None:
    from cyplink.validate import validate

    warehouse = tmp_path / "warehouse.duckdb"
    validate(landing=tiny_landing, warehouse=warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select child_id, table_name, row_number from validation.dfe_rule_results "
            "where rule_code = '356' and collection_year = 2024"
        ).fetchall()
        returns = con.execute("select count(*) from validation.dfe_returns").fetchone()
    assert rows == [(BROKEN_903_CHILD, "Episodes", 1)]
    assert returns == (3,)


INGEST_CHECK = """
import sys, xml.etree.ElementTree as ET
import pandas as pd
sys.path.insert(0, sys.argv[1])
import run_dfe_validators as runner
from cin_validator import cin_validator
original = cin_validator.convert_data(ET.parse(sys.argv[2]).getroot())
fast = runner.fast_convert_cin(runner.strip_namespaces(ET.parse(sys.argv[2]).getroot()))
assert list(original) == list(fast)
# same values and element types; a missing cell may be NaN in one and pd.NA in the other
same_missing = lambda frame: frame.astype(object).where(frame.notna(), None)
kinds = lambda frame: same_missing(frame).applymap(lambda value: type(value).__name__)
for name in original:
    pd.testing.assert_frame_equal(same_missing(original[name]), same_missing(fast[name]))
    assert (original[name].dtypes == fast[name].dtypes).all(), name
    assert kinds(original[name]).equals(kinds(fast[name])), name
print("same")
"""


def test_fast_cin_ingest_builds_the_validators_tables(tmp_path: Path) -> None:
    landing = write_tiny_landing(tmp_path / "landing")
    xml = landing / "cin_census" / LA / "2024" / "cin_census.xml"
    plain = tmp_path / "plain.xml"  # the validator's own reader needs no namespace
    plain.write_text(
        xml.read_text(encoding="utf-8").replace(' xmlns="http://www.dfe.gov.uk/CIN"', ""),
        encoding="utf-8",
    )
    completed = subprocess.run(
        [str(VALIDATOR_PYTHON), "-c", INGEST_CHECK, str(RUNNER_PATH.parent), str(plain)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "same"
