"""Bad identifier files give a clear error naming the file; the other sources still link."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest
from linkage_fixtures import make_people, write_landing

from cyplink.errors import CyplinkError, InputFileError
from linkage import cli
from linkage.pipeline import LinkResult
from linkage.reader import create_raw_table, read_file


def _rewrite(path: Path, drop: str | None = None, bad_dob_row: int | None = None) -> None:
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    fields = [f for f in rows[0] if f != drop]
    if bad_dob_row is not None:
        rows[bad_dob_row - 2]["dob"] = "2015-13-45"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def con():
    connection = duckdb.connect()
    create_raw_table(connection)
    yield connection
    connection.close()


def test_missing_column_names_file_and_column(tmp_path, con):
    path = tmp_path / "identifiers.csv"
    path.write_text("source_record_id,forename\n1,Ann\n")
    with pytest.raises(InputFileError) as error:
        read_file(con, "csc", "E09000009", path)
    message = str(error.value)
    assert str(path) in message and "'dob'" in message and "missing required column" in message


def test_unreadable_date_names_file_row_and_column(tmp_path, con):
    path = tmp_path / "identifiers.csv"
    path.write_text("source_record_id,DOB\n1,2015-01-02\n2,02/01/2015\n3,2015-13-45\n")
    with pytest.raises(InputFileError) as error:
        read_file(con, "csc", "E09000009", path)
    assert error.value.row == 4
    assert error.value.column == "DOB"
    assert str(path) in str(error.value) and "2015-13-45" in str(error.value)


@pytest.mark.parametrize("content", ["", "source_record_id,dob\n"])
def test_empty_file(tmp_path, con, content):
    path = tmp_path / "identifiers.csv"
    path.write_text(content)
    with pytest.raises(InputFileError) as error:
        read_file(con, "gp", "NWL", path)
    assert str(path) in str(error.value)


def test_bom_crlf_any_case_any_order(tmp_path, con):
    path = tmp_path / "identifiers.csv"
    path.write_bytes("\ufeffDOB,Surname,SOURCE_RECORD_ID,Extra\r\n05/06/2014,Ng,7,x\r\n".encode())
    report = read_file(con, "gp", "NWL", path)
    assert report.rows == 1
    assert any("extra columns ignored" in w for w in report.warnings)
    assert con.execute("select source_record_id, dob, surname from raw_identifiers").fetchall() == [
        ("7", "05/06/2014", "Ng")
    ]


def test_bad_files_are_skipped_and_others_link(tmp_path, monkeypatch, capsys, fast_params):
    landing = tmp_path / "landing"
    write_landing(make_people(120, seed=5, twins=2), landing)
    ids = landing / "identifiers"
    missing_column = ids / "csc" / "E09000009" / "identifiers.csv"
    bad_date = ids / "school_census" / "E09000017" / "identifiers.csv"
    empty = ids / "mhsds" / "NWL" / "identifiers.csv"
    _rewrite(missing_column, drop="dob")
    _rewrite(bad_date, bad_dob_row=5)
    empty.write_text("")

    monkeypatch.chdir(tmp_path)  # the demo key is written under ./data, not in the repo
    monkeypatch.setattr("linkage.pipeline.LinkageParameters", lambda: fast_params)
    warehouse = tmp_path / "wh.duckdb"
    cli.link(landing=landing, warehouse=warehouse, secret_file=None)
    err = capsys.readouterr().err
    assert "demo key" in err
    assert (tmp_path / "data" / "demo_secret.key").is_file()
    flat = " ".join(err.split())
    for path in (missing_column, bad_date, empty):
        assert path.name in flat and path.parent.name in flat
    assert "row 5" in flat and "'dob'" in flat

    con = duckdb.connect(str(warehouse), read_only=True)
    by_source = dict(
        con.execute(
            "select source_system || '/' || provider_code, count(*) from linkage.person_key "
            "group by all"
        ).fetchall()
    )
    files = con.execute(
        "select path, status, error from linkage.quality_input_files order by path"
    ).fetchall()
    con.close()
    assert "csc/E09000009" not in by_source
    assert "school_census/E09000017" not in by_source
    assert "mhsds/NWL" not in by_source
    assert by_source["gp/NWL"] > 100 and by_source["csc/E09000017"] > 0
    skipped = {Path(path) for path, status, _ in files if status == "skipped"}
    assert skipped == {missing_column, bad_date, empty}

    # --strict turns skipped files into a failing exit
    monkeypatch.setattr(
        "linkage.pipeline.run_link",
        lambda *args, **kwargs: LinkResult("r", tmp_path, errors=["a.csv: file is empty"]),
    )
    with pytest.raises(CyplinkError, match="skipped"):
        cli.link(landing=landing, warehouse=warehouse, secret_file=None, strict=True)
