"""`cyplink validate`'s project side: loading results, summaries, the subprocess plumbing.

Fast: a small hand-made results CSV and a fake runner stand in for the validators.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pytest
from rich.console import Console

from cyplink import validate as v
from cyplink.errors import CyplinkError

RESULTS_CSV = """validator,la_code,collection_year,child_id,rule_code,rule_message,table,row_number
ssda903,E09000005,2024,C1,356,"DEC before DECOM, same episode",Episodes,1
ssda903,E09000005,2024,C1,356,"DEC before DECOM, same episode",Episodes,4
ssda903,E09000005,2024,C2,356,"DEC before DECOM, same episode",Episodes,2
ssda903,E09000005,2024,C2,209,UPN unknown,Header,2
ssda903,E09000005,2024,,VALIDATOR_ERROR,rule 999 could not run on this return: KeyError,,
ssda903,E09000009,2024,,VALIDATOR_ERROR,return could not be validated: UploadError: bad,,
cin_census,E09000005,2024,C9,8630,Closure before referral,CINdetails,3
cin_census,E09000005,2024,,2887Q,Less than 8 disability codes,,
"""
RETURNS_CSV = (
    "validator,la_code,collection_year,ruleset,children,rules_run,rules_failed,issues,"
    "status,seconds,message\n"
    """ssda903,E09000005,2024,lac2023_24,40,130,1,4,ok,1.5,
ssda903,E09000009,2024,,,0,0,0,error,0.1,return could not be validated: UploadError: bad
cin_census,E09000005,2024,cin2023_24,10,105,0,2,ok,1.0,
"""
)


@pytest.fixture
def loaded(tmp_path: Path) -> Path:
    results = tmp_path / "results.csv"
    returns = tmp_path / "returns.csv"
    results.write_text(RESULTS_CSV, encoding="utf-8")
    returns.write_text(RETURNS_CSV, encoding="utf-8")
    warehouse = tmp_path / "wh" / "warehouse.duckdb"
    assert v.load_results(warehouse, results, returns) == (8, 3)
    return warehouse


def _query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_missing_validator_env_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(CyplinkError, match="make validators") as error:
        v.validator_python(tmp_path / ".venv-validators")
    assert "\n" not in str(error.value)


def test_validate_command_stops_before_running_without_the_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(v, "VALIDATOR_VENV", tmp_path / "absent")
    with pytest.raises(CyplinkError, match="run `make validators` first"):
        v.validate(landing=tmp_path, warehouse=tmp_path / "w.duckdb")


def test_results_load_typed_into_the_validation_schema(loaded: Path) -> None:
    columns = _query(
        loaded,
        "select column_name, data_type from information_schema.columns "
        "where table_schema = 'validation' and table_name = 'dfe_rule_results' "
        "order by ordinal_position",
    )
    assert columns == [
        ("validator", "VARCHAR"),
        ("la_code", "VARCHAR"),
        ("collection_year", "INTEGER"),
        ("child_id", "VARCHAR"),
        ("rule_code", "VARCHAR"),
        ("rule_message", "VARCHAR"),
        ("table_name", "VARCHAR"),
        ("row_number", "INTEGER"),
    ]
    # empty fields are nulls, quoted commas survive
    assert _query(
        loaded,
        "select count(*) from validation.dfe_rule_results where child_id is null "
        "and row_number is null",
    ) == [(3,)]
    assert _query(
        loaded,
        "select distinct rule_message from validation.dfe_rule_results where rule_code='356'",
    ) == [("DEC before DECOM, same episode",)]


def test_loading_again_replaces_rather_than_appends(loaded: Path, tmp_path: Path) -> None:
    v.load_results(loaded, tmp_path / "results.csv", tmp_path / "returns.csv")
    assert _query(loaded, "select count(*) from validation.dfe_rule_results") == [(8,)]
    assert _query(loaded, "select count(*) from validation.dfe_returns") == [(3,)]


def test_rule_counts_count_distinct_children_over_the_return(loaded: Path) -> None:
    with duckdb.connect(str(loaded), read_only=True) as con:
        counts = {(c.validator, c.la_code, c.rule_code): c for c in v.rule_counts(con)}
    assert set(counts) == {
        ("ssda903", "E09000005", "356"),
        ("ssda903", "E09000005", "209"),
        ("cin_census", "E09000005", "8630"),
    }  # errors and return-level issues (no child) are not child counts
    rule_356 = counts[("ssda903", "E09000005", "356")]
    assert rule_356.children_flagged == 2  # C1 twice counts once
    assert rule_356.children == 40
    assert rule_356.pct_flagged == pytest.approx(5.0)
    assert counts[("cin_census", "E09000005", "8630")].pct_flagged == pytest.approx(10.0)


def test_return_summaries_give_children_flagged_by_any_rule(loaded: Path) -> None:
    with duckdb.connect(str(loaded), read_only=True) as con:
        summaries = {(s.validator, s.la_code): s for s in v.return_summaries(con)}
    ok = summaries[("ssda903", "E09000005")]
    assert (ok.children, ok.children_flagged_any) == (40, 2)
    assert ok.pct_flagged_any == pytest.approx(5.0)
    assert [r.rule_code for r in ok.rules] == ["356", "209"]  # largest first
    failed = summaries[("ssda903", "E09000009")]
    assert failed.status == "error"
    assert failed.pct_flagged_any is None


def test_summary_names_rules_shares_and_errors(loaded: Path) -> None:
    console = Console(record=True, width=140)
    v.print_summary(loaded, console=console)
    text = console.export_text()
    assert "356 2 (5.0)" in text
    assert "highest share: rule 8630" in text
    assert "VALIDATOR_ERROR ssda903 E09000009 2024" in text


FAKE_RUNNER = """
import argparse, pathlib, sys
p = argparse.ArgumentParser()
for name in ("--landing", "--out", "--returns-out"):
    p.add_argument(name)
a = p.parse_args()
if "fail" in a.landing:
    print("something broke", file=sys.stderr)
    sys.exit(3)
print("PROGRESS 0 1 start - - -", flush=True)
pathlib.Path(a.out).write_text(RESULTS)
pathlib.Path(a.returns_out).write_text(RETURNS)
print("PROGRESS 1 1 ssda903 E09000005 2024 ok", flush=True)
"""


def _fake_runner(tmp_path: Path) -> Path:
    script = tmp_path / "fake_runner.py"
    script.write_text(
        f"RESULTS = {RESULTS_CSV!r}\nRETURNS = {RETURNS_CSV!r}\n" + FAKE_RUNNER, encoding="utf-8"
    )
    return script


def test_runner_subprocess_writes_both_csvs(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    landing.mkdir()
    results, returns = tmp_path / "r.csv", tmp_path / "ret.csv"
    v.run_runner(
        landing,
        results,
        returns,
        python=Path(sys.executable),
        runner=_fake_runner(tmp_path),
        show_progress=False,
    )
    assert results.read_text(encoding="utf-8") == RESULTS_CSV
    assert returns.read_text(encoding="utf-8") == RETURNS_CSV


def test_runner_failure_is_a_cyplink_error_with_its_log(tmp_path: Path) -> None:
    landing = tmp_path / "fail"
    landing.mkdir()
    with pytest.raises(CyplinkError, match="something broke"):
        v.run_runner(
            landing,
            tmp_path / "r.csv",
            tmp_path / "ret.csv",
            python=Path(sys.executable),
            runner=_fake_runner(tmp_path),
            show_progress=False,
        )
