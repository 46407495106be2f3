"""End to end on a tiny synthetic population: what `make demo` produces is all there."""

from __future__ import annotations

import pytest

from cyplink.docs_coverage import check
from cyplink.warehouse import connect_for_reading

pytestmark = pytest.mark.e2e

WAREHOUSE_SCHEMAS = {"linkage", "staging", "linked", "marts", "publication"}


def _query(pipeline, sql: str) -> list[tuple]:
    with connect_for_reading(pipeline.warehouse) as con:
        return con.execute(sql).fetchall()


def test_warehouse_has_the_designed_schemas(pipeline) -> None:
    schemas = {
        row[0] for row in _query(pipeline, "select schema_name from information_schema.schemata")
    }
    assert schemas >= WAREHOUSE_SCHEMAS


def test_every_model_and_column_is_documented(pipeline) -> None:
    gaps = check(pipeline.target)
    assert gaps == [], "\n".join(str(gap) for gap in gaps)


def test_docs_site_is_one_static_file(pipeline) -> None:
    index = pipeline.docs / "index.html"
    html = index.read_text()
    assert len(html) > 100_000
    # The static site embeds manifest and catalog instead of fetching them.
    assert "manifest.json" not in html or '"nodes"' in html


def test_person_key_grain(pipeline) -> None:
    rows = _query(
        pipeline,
        """
        select count(*), count(distinct (source_system, provider_code, source_record_id)),
               count(*) filter (where person_id is null)
        from linkage.person_key
        """,
    )
    total, distinct_keys, null_ids = rows[0]
    assert total > 0
    assert total == distinct_keys
    assert null_ids == 0


def test_publication_tables_are_exported(pipeline) -> None:
    tables = [
        row[0]
        for row in _query(
            pipeline,
            "select table_name from information_schema.tables where table_schema = 'publication'",
        )
    ]
    assert "indicators" in tables
    for table in tables:
        assert (pipeline.exports / "publication" / f"{table}.parquet").exists()
        assert (pipeline.exports / "publication" / f"{table}.csv").exists()
