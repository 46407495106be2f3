"""The validator runner's file handling, tested without the validator environment.

The runner's top level uses the standard library only, so discovery, ruleset choice
and CSV normalisation run in the project's own environment.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from dfe_fixtures import BROKEN_903_CHILD, LA

EXPECTED_HEADER = ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]


def test_discovers_903_folders_and_cin_files_sorted(runner, tiny_landing: Path) -> None:
    (tiny_landing / "ssda903" / LA / "notes").mkdir()  # not a year: ignored
    found = runner.discover_returns(tiny_landing)
    assert [(r.validator, r.la_code, r.year) for r in found] == [
        ("cin_census", LA, 2024),
        ("ssda903", LA, 2023),
        ("ssda903", LA, 2024),
    ]
    only_903 = runner.discover_returns(tiny_landing, ["ssda903"])
    assert {r.validator for r in only_903} == {"ssda903"}


def test_previous_return_is_the_year_before_when_present(runner, tiny_landing: Path) -> None:
    by_year = {r.year: r for r in runner.discover_returns(tiny_landing, ["ssda903"])}
    assert runner.previous_return(by_year[2024]) == by_year[2023].path
    assert runner.previous_return(by_year[2023]) is None


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2016, "lac2022_23"), (2023, "lac2022_23"), (2025, "lac2024_25"), (2031, "lac2025_26")],
)
def test_ruleset_is_clamped_to_the_rulesets_shipped(runner, year: int, expected: str) -> None:
    shipped = ["lac2022_23", "lac2023_24", "lac2024_25", "lac2025_26", "not_a_ruleset"]
    assert runner.choose_ruleset(year, shipped, "lac") == expected


def test_normalise_handles_bom_case_order_extra_columns_and_blank_rows(
    runner, tmp_path: Path
) -> None:
    path = tmp_path / "header.csv"
    path.write_text(
        "\ufeffdob,child,Sex,ETHNIC,UPN,MOTHER,MC_DOB,EXTRA\n"
        "15/06/2012,c001,1,WBRI,A1,,,x\n"
        ",,,,,,,\n"
        "01/02/2010, C002 ,2,BAFR,A2,,,y\n",
        encoding="utf-8",
    )
    table = runner.normalise_903_csv(path, "Header", EXPECTED_HEADER)
    lines = table.content.decode("utf-8").splitlines()
    assert lines[0] == ",".join(EXPECTED_HEADER)
    assert lines[1] == "c001,1,15/06/2012,WBRI,A1,,"
    assert table.child_ids == [BROKEN_903_CHILD, "C002"]
    assert table.source_rows == [1, 3]  # the blank second row is dropped, numbering kept


def test_normalise_rejects_a_file_missing_a_column(runner, tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text("CHILD,SEX\nC1,1\n", encoding="utf-8")
    with pytest.raises(runner.ReturnFileError, match="missing column"):
        runner.normalise_903_csv(path, "Header", EXPECTED_HEADER)


def test_normalise_rejects_an_empty_file(runner, tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text("", encoding="utf-8")
    with pytest.raises(runner.ReturnFileError, match="empty file"):
        runner.normalise_903_csv(path, "Header", EXPECTED_HEADER)


def test_read_folder_reports_unknown_and_broken_files(runner, tmp_path: Path) -> None:
    (tmp_path / "header.csv").write_text("CHILD,SEX\nC1,1\n", encoding="utf-8")
    (tmp_path / "notes.csv").write_text("a\n1\n", encoding="utf-8")
    tables, problems = runner.read_903_folder(tmp_path, {"Header": EXPECTED_HEADER})
    assert tables == {}
    assert any("missing column" in p for p in problems)
    assert any("notes.csv" in p and "ignored" in p for p in problems)


def test_strip_namespaces_lets_the_cin_reader_find_elements(runner) -> None:
    root = ET.fromstring('<Message xmlns="urn:x"><Header/><Children/></Message>')
    stripped = runner.strip_namespaces(root)
    assert stripped.find("Header") is not None
    assert stripped.find("Children") is not None


def test_error_rows_have_every_result_column(runner, tiny_landing: Path) -> None:
    ret = runner.discover_returns(tiny_landing)[0]
    row = runner.error_row(ret, "boom")
    assert tuple(row) == runner.RESULT_COLUMNS
    assert row["rule_code"] == "VALIDATOR_ERROR"


def test_summary_report_separates_artefacts_from_data_faults(tmp_path: Path) -> None:
    from dfe_fixtures import load_script

    summarise = load_script("summarise_results")
    results = tmp_path / "out.csv"
    results.write_text(
        "validator,la_code,collection_year,child_id,rule_code,rule_message,table,row_number\n"
        "ssda903,E1,2025,A,202,sex changed,Header,1\n"
        "ssda903,E1,2025,B,202,sex changed,Header,2\n"
        "ssda903,E1,2025,A,356,DEC before DECOM,Episodes,1\n"
        "ssda903,E1,2024,A,202,sex changed,Header,1\n"
        "ssda903,E1,2025,,VALIDATOR_ERROR,rule 1 could not run,,\n",
        encoding="utf-8",
    )
    (tmp_path / "out.returns.csv").write_text(
        "validator,la_code,collection_year,ruleset,children,rules_run,rules_failed,issues,"
        "status,seconds,message\n"
        "ssda903,E1,2025,lac2024_25,4,1,1,3,ok,1,\n"
        "ssda903,E1,2024,lac2023_24,10,1,0,1,ok,1,\n",
        encoding="utf-8",
    )
    text = summarise.markdown(results, tmp_path / "out.returns.csv", 2.0)
    assert "flagged by any rule: **50.0%** (ssda903 rule 202, E1 2025: 2 of 4)" in text
    assert "except known artefacts: **25.0%** (ssda903 rule 356, E1 2025: 1 of 4)" in text
    assert "VALIDATOR_ERROR rows: 1" in text
    # 202 in 2024 is not the M/F switch year: it counts as a data fault there
    assert summarise.artefact_note("ssda903", "202", "2024") == ""
    assert summarise.artefact_note("ssda903", "202", "2025") != ""
    per_return = summarise.per_return_markdown(results, tmp_path / "out.returns.csv")
    assert "| ssda903 | E1 | 2025 | 4 | 202 2 (50), 356 1 (25) |" in per_return


def test_summary_counts_injected_faults_apart(tmp_path: Path) -> None:
    from dfe_fixtures import load_script

    summarise = load_script("summarise_results")
    results = tmp_path / "out.csv"
    results.write_text(
        "validator,la_code,collection_year,child_id,rule_code,rule_message,table,row_number\n"
        "ssda903,E1,2025,A,503D,placement differs from last year,Episodes,1\n"
        "ssda903,E1,2025,B,503D,placement differs from last year,Episodes,2\n",
        encoding="utf-8",
    )
    (tmp_path / "out.returns.csv").write_text(
        "validator,la_code,collection_year,ruleset,children,rules_run,rules_failed,issues,"
        "status,seconds,message\n"
        "ssda903,E1,2025,lac2024_25,10,1,1,2,ok,1,\n",
        encoding="utf-8",
    )
    faults = tmp_path / "injected_faults.csv"
    # planted in the 2024 return, so the correction shows in 2025; B is planted in another LA
    faults.write_text(
        "la_code,return_year,CHILD,DECOM,kind\nE1,2024,A,01/02/2024,place\nE2,2024,B,x,place\n",
        encoding="utf-8",
    )
    injected = summarise.read_injected(faults)
    assert ("E1", "2025", "A") in injected and ("E1", "2025", "B") not in injected
    text = summarise.markdown(results, tmp_path / "out.returns.csv", 2.0, injected)
    assert "except known artefacts: **20.0%**" in text
    assert "except known artefacts and injected faults: **10.0%**" in text
    # one of the two flagged children is planted; 10% is still over 2%
    assert "| E1 2025 | 1 | 1 |" in text
    plain = summarise.markdown(results, tmp_path / "out.returns.csv", 2.0)
    assert "injected faults:" not in plain
