"""Identifiers stop at staging: scan every model downstream for identifier names and values.

Downstream = schemas `linked`, `marts`, `publication`. A column fails if its name is an
identifier's (NHS number, UPN, names, full postcode, full date of birth, source record
keys), if a text value has the shape of an NHS number, a UPN or a full postcode, or if a
date column about birth holds a day other than the 1st (a full DOB). Values planted in
the landing set (UPNs, DOBs, postcodes) must not appear anywhere downstream either.
"""

from __future__ import annotations

import re

import duckdb
import pytest

pytestmark = pytest.mark.e2e

DOWNSTREAM_SCHEMAS = ("linked", "marts", "publication")

IDENTIFIER_COLUMN = re.compile(
    r"^(nhs_?number|nhs_no|der_pseudo_nhs_number|upn|former_?upn|forename|surname|first_name"
    r"|last_name|full_name|middle_names?|given_name|family_name|postcode|post_code|home_post"
    r"|pl_post|home_postcode|placement_postcode|dob|date_of_birth|person_?birth_?date"
    r"|mc_dob|patient_id|mhsds_person_id)$"
)
NHS_NUMBER = r"^[0-9]{3} ?[0-9]{3} ?[0-9]{4}$"
UPN = r"^[A-Z][0-9]{11}[0-9A-Z]$"
FULL_POSTCODE = r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$"
PLANTED_VALUES = ("A123456789012", "HA9 0AA", "HA9 1BB", "23/07/2015", "2015-07-23")


def downstream_columns(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str, str]]:
    """(schema, table, column, type) of every relation downstream of staging."""
    schemas = ", ".join(f"'{s}'" for s in DOWNSTREAM_SCHEMAS)
    return con.execute(
        "select table_schema, table_name, column_name, data_type from information_schema.columns "
        f"where table_schema in ({schemas}) order by all"
    ).fetchall()


def identifier_violations(
    con: duckdb.DuckDBPyConnection, planted: tuple[str, ...] = PLANTED_VALUES
) -> list[str]:
    """Every identifier-shaped column name or value downstream of staging, in words."""
    found: list[str] = []
    for schema, table, column, data_type in downstream_columns(con):
        where = f"{schema}.{table}.{column}"
        if IDENTIFIER_COLUMN.match(column.lower()):
            found.append(f"{where}: identifier column name")
        quoted = f'"{schema}"."{table}"."{column}"'
        relation = f'"{schema}"."{table}"'
        if data_type == "VARCHAR":
            checks = {
                "NHS-number-shaped value": f"regexp_matches(trim({quoted}), '{NHS_NUMBER}')",
                "UPN-shaped value": f"regexp_matches(upper(trim({quoted})), '{UPN}')",
                "full postcode": f"regexp_matches(upper(trim({quoted})), '{FULL_POSTCODE}')",
            }
            if planted:
                planted_list = ", ".join(f"'{v}'" for v in planted)
                checks["planted identifier value"] = f"trim({quoted}) in ({planted_list})"
            for label, condition in checks.items():
                (hits,) = con.execute(
                    f"select count(*) from {relation} where {condition}"
                ).fetchall()
                if hits[0]:
                    found.append(f"{where}: {hits[0]} {label}(s)")
        if data_type == "DATE" and "birth" in column.lower():
            (hits,) = con.execute(
                f"select count(*) from {relation} where day({quoted}) != 1"
            ).fetchall()
            if hits[0]:
                found.append(f"{where}: {hits[0]} full date(s) of birth")
    return found


def test_scan_flags_identifiers_it_is_shown(tmp_path) -> None:
    con = duckdb.connect(str(tmp_path / "probe.duckdb"))
    con.execute("create schema marts")
    con.execute(
        "create table marts.leaky as select '9434765919' as ref, 'A123456789012' as code, "
        "'NW1 2DB' as area, date '2015-07-23' as birth_month, 'x' as surname"
    )
    found = identifier_violations(con)
    assert any("marts.leaky.ref" in f and "NHS" in f for f in found)
    assert any("marts.leaky.code" in f and "UPN" in f for f in found)
    assert any("marts.leaky.area" in f and "postcode" in f for f in found)
    assert any("marts.leaky.birth_month" in f for f in found)
    assert any("marts.leaky.surname" in f and "column name" in f for f in found)


def test_no_identifiers_downstream_of_staging_in_dirty_build(dirty_db) -> None:
    assert downstream_columns(dirty_db), "nothing downstream of staging was built"
    assert identifier_violations(dirty_db) == []


def test_no_identifiers_downstream_of_staging_in_pipeline(pipeline) -> None:
    """The whole demo pipeline (synth, link, build): linked, marts and publication are clean."""
    con = duckdb.connect(str(pipeline.warehouse))
    try:
        assert identifier_violations(con, planted=()) == []
    finally:
        con.close()
