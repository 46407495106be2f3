"""Drift: every table the linkage step writes is declared, column for column, in its source YAML.

dbt reads the linkage outputs as the source `linkage`; a column added in Python but not
in `models/staging/linkage/_linkage__sources.yml` would be undocumented in the docs site,
and a declared column that is no longer written would break staging.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cyplink.config import PROJECT_ROOT
from cyplink.warehouse import connect_for_reading

SOURCES_YAML = PROJECT_ROOT / "models" / "staging" / "linkage" / "_linkage__sources.yml"
# Written by `cyplink evaluate` only (synthetic data with truth), not by `cyplink link`.
EVALUATE_ONLY = {"quality_evaluation"}


def declared_columns() -> dict[str, list[str]]:
    (source,) = yaml.safe_load(SOURCES_YAML.read_text())["sources"]
    return {t["name"]: [c["name"] for c in t.get("columns", [])] for t in source["tables"]}


def test_every_declared_linkage_table_documents_its_columns() -> None:
    declared = declared_columns()
    assert {"quality_input_files", "quality_run_summary", "quality_model_parameters"} <= set(
        declared
    )
    assert set(declared) >= EVALUATE_ONLY
    assert all(columns for columns in declared.values()), declared


@pytest.mark.e2e
def test_linkage_outputs_match_the_source_yaml(pipeline: object) -> None:
    warehouse: Path = pipeline.warehouse  # type: ignore[attr-defined]
    con = connect_for_reading(warehouse)
    try:
        rows = con.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_schema = 'linkage' order by table_name, ordinal_position"
        ).fetchall()
    finally:
        con.close()
    written: dict[str, list[str]] = {}
    for table, column in rows:
        written.setdefault(table, []).append(column)
    declared = declared_columns()
    assert set(written) == set(declared) - EVALUATE_ONLY
    for table, columns in written.items():
        assert columns == declared[table], table
