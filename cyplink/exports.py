"""Export publication (and marts) tables to Parquet and CSV for BI tools."""

from __future__ import annotations

from pathlib import Path

EXPORTED_SCHEMAS = ("publication", "marts")


def export_tables(
    warehouse: Path, out_dir: Path, schemas: tuple[str, ...] = EXPORTED_SCHEMAS
) -> list[Path]:
    """Write each table of the schemas as `<schema>/<table>.parquet` (+ .csv for publication).

    Returns the files written.
    """
    import duckdb

    written: list[Path] = []
    # Not read-only: dbt-duckdb may still hold this file open in-process, and DuckDB
    # refuses a second connection to one file with a different configuration.
    with duckdb.connect(str(warehouse)) as con:
        rows = con.execute(
            """
            select table_schema, table_name
            from information_schema.tables
            where table_schema in (select unnest(?::varchar[]))
            order by table_schema, table_name
            """,
            [list(schemas)],
        ).fetchall()
        for schema, table in rows:
            target = out_dir / schema
            target.mkdir(parents=True, exist_ok=True)
            parquet = target / f"{table}.parquet"
            con.execute(f"copy {schema}.{table} to '{parquet}' (format parquet)")
            written.append(parquet)
            if schema == "publication":
                csv = target / f"{table}.csv"
                con.execute(f"copy {schema}.{table} to '{csv}' (format csv, header)")
                written.append(csv)
    return written
