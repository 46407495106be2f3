"""Exports: Parquet + CSV per table and a data dictionary from dbt's manifest or DuckDB comments."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb

from cyplink.exports import export_tables


def _warehouse(path: Path) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema publication")
        con.execute("create schema marts")
        con.execute("create schema staging")
        con.execute(
            "create table publication.indicators as "
            "select 'cla_31mar_count' as indicator_id, 'E09000005' as area_code, 2025 as period"
        )
        con.execute("comment on table publication.indicators is 'Indicators (from comment).'")
        con.execute("comment on column publication.indicators.area_code is 'ONS code (comment).'")
        con.execute("create table marts.thing as select 1 as a")
        con.execute("comment on column marts.thing.a is 'The a column.'")
        con.execute("create table staging.secret as select 'x' as nhs_number")
        con.execute("create schema reference")
        con.execute("create table reference.indicator_catalogue as select 'x' as id")
        con.execute("create table reference.other_codes as select 'y' as code")
    return path


def _manifest(path: Path) -> Path:
    node = {
        "resource_type": "model",
        "schema": "publication",
        "name": "indicators",
        "alias": "indicators",
        "description": "Indicators per LA (from dbt).",
        "config": {"meta": {"grain": "one row per indicator, area and period"}},
        "columns": {"indicator_id": {"description": "Indicator id (from dbt)."}},
    }
    path.write_text(json.dumps({"nodes": {"model.cyplink.indicators": node}}))
    return path


def test_exports_write_files_and_a_dictionary(tmp_path: Path) -> None:
    warehouse = _warehouse(tmp_path / "w.duckdb")
    out = tmp_path / "exports"
    written = export_tables(warehouse, out, manifest=_manifest(tmp_path / "manifest.json"))
    names = {p.relative_to(out).as_posix() for p in written}
    assert {
        "publication/indicators.parquet",
        "publication/indicators.csv",
        "marts/thing.parquet",
        "reference/indicator_catalogue.parquet",
        "reference/indicator_catalogue.csv",
        "data_dictionary.csv",
        "data_dictionary.md",
    } <= names
    assert not any("staging" in n for n in names), "only publication and marts are exported"
    assert not any("other_codes" in n for n in names), "only the catalogue and LA list"

    rows = list(csv.DictReader((out / "data_dictionary.csv").open()))
    by_column = {(r["table"], r["column"]): r for r in rows}
    # dbt's description wins; the DuckDB comment fills what dbt does not describe.
    assert by_column[("indicators", "indicator_id")]["description"] == "Indicator id (from dbt)."
    assert by_column[("indicators", "area_code")]["description"] == "ONS code (comment)."
    assert by_column[("indicators", "area_code")]["table_description"] == (
        "Indicators per LA (from dbt)."
    )
    assert by_column[("indicators", "period")]["data_type"] == "INTEGER"
    assert by_column[("indicators", "period")]["grain"] == "one row per indicator, area and period"
    assert by_column[("thing", "a")]["description"] == "The a column."
    assert by_column[("indicators", "period")]["csv_file"] == "publication/indicators.csv"
    assert by_column[("thing", "a")]["csv_file"] == ""

    markdown = (out / "data_dictionary.md").read_text()
    assert "## publication.indicators" in markdown and "## marts.thing" in markdown
    assert "| `area_code` | VARCHAR | ONS code (comment). |" in markdown


def test_dictionary_without_a_manifest_uses_comments(tmp_path: Path) -> None:
    warehouse = _warehouse(tmp_path / "w.duckdb")
    out = tmp_path / "exports"
    export_tables(warehouse, out, manifest=tmp_path / "missing.json")
    rows = list(csv.DictReader((out / "data_dictionary.csv").open()))
    tables = {r["table"]: r["table_description"] for r in rows}
    assert tables["indicators"] == "Indicators (from comment)."


def test_the_sql_example_in_docs_bi_runs(tmp_path: Path) -> None:
    """docs/bi.md's DuckDB query runs against a warehouse in the DESIGN shape."""
    import re

    from cyplink.config import PROJECT_ROOT
    from cyplink.report.sample import sample_catalogue, write_sample_warehouse

    text = (PROJECT_ROOT / "docs" / "bi.md").read_text()
    query = re.search(r"```sql\n(.*?)```", text, re.S).group(1)
    path = write_sample_warehouse(tmp_path / "w.duckdb", with_catalogue=False)
    with duckdb.connect(str(path)) as con:
        con.register("catalogue", sample_catalogue())
        con.execute("create schema reference")
        con.execute("create table reference.indicator_catalogue as select * from catalogue")
        rows = con.execute(
            "\n".join(line for line in query.splitlines() if not line.startswith("--"))
        )
        assert len(rows.fetchall()) == 80  # 8 boroughs x 10 years
