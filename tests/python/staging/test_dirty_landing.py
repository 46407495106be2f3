"""A dirty landing set builds to completion with every bad row and file accounted for."""

from __future__ import annotations

import duckdb
import pytest
from staging_fixtures import LA_A, LA_B, PLANTED_ROW_ERRORS

pytestmark = pytest.mark.e2e


def _files(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], tuple[str, str | None, int]]:
    rows = con.execute(
        "select landing_table, source_file, file_status, message, rows_read "
        "from staging.stg_landing__files"
    ).fetchall()
    return {
        (table, path.split("/landing/", 1)[1]): (status, message, n)
        for table, path, status, message, n in rows
    }


def test_unreadable_files_are_listed_with_a_clear_message(dirty_db) -> None:
    files = _files(dirty_db)
    status, message, rows = files[("ssda903.header", f"ssda903/{LA_A}/2024/header.csv")]
    assert status == "rejected"
    assert "missing required column(s) dob" in message
    assert rows == 2
    assert files[("ssda903.header", f"ssda903/{LA_B}/2024/header.csv")][0] == "empty"
    status, message, _ = files[("ssda903.episodes", f"ssda903/{LA_B}/2024/episodes.csv")]
    assert (status, message) == ("rejected", "file is not UTF-8 text: not read")
    status, message, _ = files[("cin_census.xml", f"cin_census/{LA_B}/2024/cin_census.xml")]
    assert status == "rejected"
    assert "not well-formed XML" in message


def test_bom_crlf_case_and_extra_columns_are_read(dirty_db) -> None:
    status, message, rows = _files(dirty_db)[
        ("ssda903.episodes", f"ssda903/{LA_A}/2023/episodes.csv")
    ]
    assert status == "loaded"
    assert rows == 6
    assert "extra column(s) ignored: notes" in message
    first = dirty_db.execute(
        "select la_child_id, episode_start_date::varchar, placement_type, home_postcode "
        "from staging.base_ssda903__episodes where source_file like '%/2023/episodes.csv' "
        "and source_row_number = 1"
    ).fetchall()
    assert first == [("C1", "2022-05-01", "U4", "HA9 0AA")]


@pytest.mark.parametrize(("table", "la", "column", "reason"), PLANTED_ROW_ERRORS)
def test_every_planted_bad_row_is_quarantined(dirty_db, table, la, column, reason) -> None:
    found = dirty_db.execute(
        "select count(*) from staging.stg_quarantine where quarantine_level = 'row' "
        "and landing_table = ? and column_name = ? and reason like ? "
        "and (la_code = ? or ? is null)",
        [table, column, f"%{reason}%", la, la],
    ).fetchall()[0][0]
    assert found >= 1


def test_quarantine_names_file_row_and_value(dirty_db) -> None:
    rows = dirty_db.execute(
        "select source_row_number, raw_value, reason from staging.stg_quarantine "
        "where landing_table = 'ssda903.episodes' and column_name = 'DECOM'"
    ).fetchall()
    assert rows == [(2, "31/02/2022", "not a valid date (expected DD/MM/YYYY)")]


def test_rejected_files_are_quarantined_at_file_level(dirty_db) -> None:
    files = dirty_db.execute(
        "select landing_table, column_name from staging.stg_quarantine "
        "where quarantine_level = 'file' order by landing_table"
    ).fetchall()
    assert files == [
        ("cin_census.xml", None),
        ("ssda903.episodes", None),
        ("ssda903.header", "dob"),
    ]


def test_every_file_reconciles(dirty_db) -> None:
    rows = dirty_db.execute(
        "select landing_table, source_file, rows_read, rows_loaded, rows_quarantined, reconciles "
        "from staging.stg_reconciliation"
    ).fetchall()
    assert rows
    assert [r for r in rows if not r[-1]] == []
    totals = dirty_db.execute(
        "select sum(rows_read), sum(rows_loaded), sum(rows_quarantined) "
        "from staging.stg_reconciliation"
    ).fetchall()[0]
    assert totals[0] == totals[1] + totals[2]
    episodes_2023 = next(r for r in rows if r[1].endswith(f"{LA_A}/2023/episodes.csv"))
    assert episodes_2023[2:5] == (6, 1, 5)


def test_latest_return_wins_and_identifiers_are_reduced(dirty_db) -> None:
    episode = dirty_db.execute(
        "select source_collection_year, n_returns, episode_end_date::varchar, "
        "reason_episode_ceased, home_postcode_district "
        "from staging.stg_ssda903__episodes where la_child_id = 'C1'"
    ).fetchall()
    assert episode == [(2024, 2, "2023-06-10", "E11", "HA9")]
    columns = {
        row[0]
        for row in dirty_db.execute(
            "select column_name from information_schema.columns "
            "where table_schema = 'staging' and table_name like 'stg\\_%' escape '\\'"
        ).fetchall()
    }
    forbidden = {"upn", "former_upn", "date_of_birth", "home_postcode", "placement_postcode"}
    forbidden |= {"der_pseudo_nhs_number", "patient_id", "mhsds_person_id", "forename", "surname"}
    assert columns & forbidden == set()


def test_mhsds_latest_submission_and_quarantine_stats(dirty_db) -> None:
    referral = dirty_db.execute(
        "select person_id, uniq_month_id, discharge_date::varchar, n_submissions "
        "from staging.stg_mhsds__referrals"
    ).fetchall()
    assert referral == [("P_mhsds_M1", 1402, "2023-06-30", 2)]
    contacts = dirty_db.execute(
        "select care_contact_id, attend_or_dna_code, is_attended, person_id "
        "from staging.stg_mhsds__care_contacts"
    ).fetchall()
    assert contacts == [("K1", "5", True, "P_mhsds_M1")]


def test_apc_diagnoses_normalised(dirty_db) -> None:
    apc = dirty_db.execute(
        "select episode_id, diagnoses, is_emergency_admission from staging.stg_sus__apc"
    ).fetchall()
    assert apc == [("E1", ["F329", "X60"], True)]


def test_data_quality_mart_counts_planted_problems(dirty_db) -> None:
    checks = dict(
        dirty_db.execute(
            "select check_id || '|' || la_code || '|' || collection_year, n_failing "
            "from marts.data_quality_checks"
        ).fetchall()
    )
    assert checks[f"sdq_out_of_range|{LA_B}|2024"] == 1
    assert checks[f"dec_before_decom|{LA_A}|2023"] == 1
    assert checks[f"dec_before_decom|{LA_A}|2024"] == 0
    assert checks[f"quarantined_rows__ssda903.episodes|{LA_A}|2023"] == 5
    assert checks[f"rejected_file_rows__ssda903.header|{LA_A}|2024"] == 2
    assert checks[f"oc2_not_continuously_looked_after|{LA_B}|2024"] == 1  # B2 quarantined
