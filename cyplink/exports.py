"""Export publication (and marts) tables to Parquet and CSV for BI tools, with a data dictionary.

Layout of the exports folder (one folder a BI tool can point at):

    <out>/publication/<table>.parquet, <table>.csv
    <out>/marts/<table>.parquet
    <out>/reference/indicator_catalogue.parquet, .csv   (and the LA list: labels for BI)
    <out>/data_dictionary.csv      one row per exported column
    <out>/data_dictionary.md       the same, per table, for people

Descriptions come from dbt's `manifest.json` when one is found (the YAML every model
documents), else from the DuckDB comments that dbt's `persist_docs` writes, so the
dictionary can be rebuilt from the warehouse alone.
"""

from __future__ import annotations

import csv
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cyplink.config import PROJECT_ROOT

EXPORTED_SCHEMAS = ("publication", "marts")
CSV_SCHEMAS = ("publication", "reference")
# Reference tables a BI tool needs beside the publication tables (labels, definitions).
REFERENCE_TABLES = ("indicator_catalogue", "ref_local_authorities")
DICTIONARY_CSV = "data_dictionary.csv"
DICTIONARY_MD = "data_dictionary.md"
DICTIONARY_COLUMNS = (
    "schema",
    "table",
    "column",
    "position",
    "data_type",
    "description",
    "table_description",
    "grain",
    "parquet_file",
    "csv_file",
)


def export_tables(
    warehouse: Path,
    out_dir: Path,
    schemas: tuple[str, ...] = EXPORTED_SCHEMAS,
    *,
    manifest: Path | None = None,
) -> list[Path]:
    """Write each table of the schemas as `<schema>/<table>.parquet` (+ .csv for publication).

    The reference tables that label the publication tables (REFERENCE_TABLES) go too.
    Then writes the data dictionary (CSV and Markdown) beside them. Returns the files
    written. `manifest` is dbt's manifest.json (default: the project's target folder,
    or $DBT_TARGET_PATH).
    """
    from cyplink.warehouse import connect_for_reading

    written: list[Path] = []
    with connect_for_reading(warehouse) as con:
        rows = con.execute(
            """
            select table_schema, table_name
            from information_schema.tables
            where table_schema in (select unnest(?::varchar[]))
                or (table_schema = 'reference' and table_name in (select unnest(?::varchar[])))
            order by table_schema, table_name
            """,
            [list(schemas), list(REFERENCE_TABLES)],
        ).fetchall()
        files: dict[tuple[str, str], dict[str, str]] = {}
        for schema, table in rows:
            target = out_dir / schema
            target.mkdir(parents=True, exist_ok=True)
            parquet = target / f"{table}.parquet"
            con.execute(f"copy {schema}.{table} to '{parquet}' (format parquet)")
            written.append(parquet)
            files[(schema, table)] = {"parquet_file": f"{schema}/{table}.parquet"}
            if schema in CSV_SCHEMAS:
                csv_path = target / f"{table}.csv"
                con.execute(f"copy {schema}.{table} to '{csv_path}' (format csv, header)")
                written.append(csv_path)
                files[(schema, table)]["csv_file"] = f"{schema}/{table}.csv"
        tables = read_dictionary(
            con, (*schemas, "reference"), manifest=manifest or default_manifest()
        )
    for table in tables:
        table.files = files.get((table.schema, table.name), {})
    out_dir.mkdir(parents=True, exist_ok=True)
    written += write_dictionary([t for t in tables if t.files], out_dir)
    return written


# --- data dictionary ----------------------------------------------------------------


@dataclass
class ColumnDoc:
    """One column as the dictionary describes it."""

    name: str
    position: int
    data_type: str
    description: str = ""


@dataclass
class TableDoc:
    """One exported table, its description and columns."""

    schema: str
    name: str
    description: str = ""
    grain: str = ""
    columns: list[ColumnDoc] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)


def default_manifest() -> Path:
    """dbt's manifest.json in $DBT_TARGET_PATH or the project's target folder."""
    target = os.environ.get("DBT_TARGET_PATH")
    folder = Path(target) if target else PROJECT_ROOT / "target"
    if not folder.is_absolute():
        folder = PROJECT_ROOT / folder
    return folder / "manifest.json"


def _clean(text: Any) -> str:
    return " ".join(str(text or "").split())


def manifest_docs(manifest: Path | None) -> dict[tuple[str, str], dict[str, Any]]:
    """(schema, relation name) -> description, grain and column descriptions, from dbt."""
    if manifest is None or not manifest.is_file():
        return {}
    nodes = json.loads(manifest.read_text(encoding="utf-8")).get("nodes", {})
    docs: dict[tuple[str, str], dict[str, Any]] = {}
    for node in nodes.values():
        if node.get("resource_type") not in ("model", "seed", "snapshot"):
            continue
        relation = node.get("alias") or node.get("name")
        meta = {**node.get("meta", {}), **node.get("config", {}).get("meta", {})}
        docs[(str(node.get("schema")), str(relation))] = {
            "description": _clean(node.get("description")),
            "grain": _clean(meta.get("grain")),
            "columns": {
                name.lower(): _clean(column.get("description"))
                for name, column in node.get("columns", {}).items()
            },
        }
    return docs


def read_dictionary(
    con: object, schemas: tuple[str, ...], *, manifest: Path | None = None
) -> list[TableDoc]:
    """Tables and columns of the schemas with types from DuckDB and descriptions.

    A description comes from the dbt manifest if it has one, else from the DuckDB
    comment (dbt persist_docs), else stays empty.
    """
    from_dbt = manifest_docs(manifest)
    relations = con.execute(  # type: ignore[attr-defined]
        """
        select schema_name, table_name, comment from duckdb_tables()
        where schema_name in (select unnest(?::varchar[]))
        union all
        select schema_name, view_name, comment from duckdb_views()
        where schema_name in (select unnest(?::varchar[])) and not internal
        order by 1, 2
        """,
        [list(schemas), list(schemas)],
    ).fetchall()
    columns = con.execute(  # type: ignore[attr-defined]
        """
        select schema_name, table_name, column_name, column_index, data_type, comment
        from duckdb_columns()
        where schema_name in (select unnest(?::varchar[]))
        order by schema_name, table_name, column_index
        """,
        [list(schemas)],
    ).fetchall()
    tables: dict[tuple[str, str], TableDoc] = {}
    for schema, name, comment in relations:
        dbt = from_dbt.get((schema, name), {})
        tables[(schema, name)] = TableDoc(
            schema=schema,
            name=name,
            description=dbt.get("description") or _clean(comment),
            grain=dbt.get("grain", ""),
        )
    for schema, name, column, position, data_type, comment in columns:
        table = tables.get((schema, name))
        if table is None:
            continue
        described = from_dbt.get((schema, name), {}).get("columns", {}).get(column.lower())
        table.columns.append(
            ColumnDoc(column, int(position), str(data_type), described or _clean(comment))
        )
    return list(tables.values())


def write_dictionary(tables: list[TableDoc], out_dir: Path) -> list[Path]:
    """Write data_dictionary.csv and data_dictionary.md; returns both paths."""
    csv_path = out_dir / DICTIONARY_CSV
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(DICTIONARY_COLUMNS)
        for table in tables:
            for column in table.columns:
                writer.writerow(
                    [
                        table.schema,
                        table.name,
                        column.name,
                        column.position,
                        column.data_type,
                        column.description,
                        table.description,
                        table.grain,
                        table.files.get("parquet_file", ""),
                        table.files.get("csv_file", ""),
                    ]
                )
    md_path = out_dir / DICTIONARY_MD
    md_path.write_text(dictionary_markdown(tables), encoding="utf-8")
    return [csv_path, md_path]


def _cell(text: str) -> str:
    return text.replace("|", "\\|") or "—"


def dictionary_markdown(tables: list[TableDoc]) -> str:
    """The dictionary as Markdown: a contents list, then one section per table."""
    lines = [
        "# cyplink exports: data dictionary",
        "",
        "Every exported table, its grain and its columns. `publication` tables are",
        "disclosure-controlled (suppressed cells have a null value and `status = suppressed`);",
        "`reference` tables label them (indicator definitions, LA names); `marts` tables are",
        "pseudonymised research tables for use inside the trusted research environment only.",
        "How to open these files in a BI tool: `docs/bi.md`.",
        "",
        "| table | files | grain |",
        "|---|---|---|",
    ]
    for table in tables:
        files = ", ".join(f"`{f}`" for f in table.files.values())
        anchor = f"{table.schema}-{table.name}".replace("_", "-").lower()
        lines.append(
            f"| [{table.schema}.{table.name}](#{anchor}) | {files} | {_cell(table.grain)} |"
        )
    for table in tables:
        lines += ["", f"## {table.schema}.{table.name}", ""]
        if table.description:
            lines += [table.description, ""]
        if table.grain:
            lines += [f"**Grain:** {table.grain}", ""]
        lines += ["| column | type | description |", "|---|---|---|"]
        lines += [f"| `{c.name}` | {c.data_type} | {_cell(c.description)} |" for c in table.columns]
    return "\n".join(lines) + "\n"
