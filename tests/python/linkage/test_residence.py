"""LA of residence from identifier postcodes (`linkage/residence.py`).

The postcode directory is the real ONS Postcode Directory, so these postcodes are real:
HA0 1AJ lies in Brent and HA0 1AL in Ealing, one postcode district split between two LAs.
"""

from __future__ import annotations

import duckdb

from linkage.residence import RECORD_RESIDENCE_COLUMNS, build_record_residence

BRENT, EALING = "E09000005", "E09000009"


def _std_rows(
    rows: list[tuple[str, str, str, str | None, str | None]],
) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        "create table std_rows (source_system varchar, provider_code varchar, "
        "source_record_id varchar, postcode varchar, record_date date)"
    )
    con.executemany("insert into std_rows values (?, ?, ?, ?, ?)", rows)
    return con


def test_a_postcode_gives_the_la_it_lies_in_on_the_record_date() -> None:
    con = _std_rows(
        [
            ("gp", "NWL", "p1", "HA0 1AJ", "2019-04-01"),
            ("gp", "NWL", "p1", "HA0 1AL", "2021-09-15"),
            ("sus", "NWL", "s1", "HA0 1AL", "2020-01-02"),
        ]
    )
    assert build_record_residence(con) == 3
    rows = con.execute("select * from record_residence order by all").fetchall()
    assert [(r[0], r[2], str(r[3]), r[4]) for r in rows] == [
        ("gp", "p1", "2019-04-01", BRENT),
        ("gp", "p1", "2021-09-15", EALING),
        ("sus", "s1", "2020-01-02", EALING),
    ]


def test_the_postcode_never_leaves_the_linkage() -> None:
    con = _std_rows([("csc", BRENT, "c1", "HA0 1AJ", "2019-04-01")])
    build_record_residence(con)
    columns = [c[0] for c in con.execute("describe record_residence").fetchall()]
    assert tuple(columns) == RECORD_RESIDENCE_COLUMNS
    assert "HA0 1AJ" not in str(con.execute("select * from record_residence").fetchall())


def test_rows_without_a_date_or_a_known_postcode_give_nothing() -> None:
    con = _std_rows(
        [
            ("gp", "NWL", "p1", "HA0 1AJ", None),  # no record date: no time to place it
            ("gp", "NWL", "p2", "ZZ9 9ZZ", "2019-04-01"),  # valid shape, not a postcode
            ("gp", "NWL", "p3", None, "2019-04-01"),  # no postcode
        ]
    )
    assert build_record_residence(con) == 0


def test_duplicate_rows_give_one_observation() -> None:
    con = _std_rows([("sus", "NWL", "s1", "HA0 1AL", "2020-01-02")] * 2)
    assert build_record_residence(con) == 1
