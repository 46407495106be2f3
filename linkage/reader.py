"""Find and read `identifiers/<source_system>/<provider_code>/identifiers.csv`.

Decisions:

- Files are read by DuckDB's CSV reader with every column as text, comma
  delimiter and RFC 4180 quoting (the landing contract). A UTF-8 byte-order mark
  and CRLF line ends are tolerated by the reader.
- Column names are matched case-insensitively and in any order; unknown extra
  columns are ignored and reported. `source_record_id` and `dob` are required
  (the contract marks them so); the other identifier columns are nullable and a
  file without one of them is read with that column empty, with a warning.
- A file that cannot be used (empty, no data rows, missing a required column,
  a date of birth that is present but in neither `YYYY-MM-DD` nor `DD/MM/YYYY`)
  raises `InputFileError` naming the file (and row/column). The caller skips
  that file, reports it, and links the others: one bad file never stops a run.
- Row numbers in messages count the header as row 1, as a spreadsheet does.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from cyplink.errors import InputFileError

REQUIRED_COLUMNS: tuple[str, ...] = ("source_record_id", "dob")
OPTIONAL_COLUMNS: tuple[str, ...] = (
    "nhs_number",
    "upn",
    "forename",
    "surname",
    "sex",
    "postcode",
    "record_date",
)
ALL_COLUMNS: tuple[str, ...] = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

DOB_PARSE_SQL = (
    "coalesce(try_strptime(trim({col}), '%Y-%m-%d'), try_strptime(trim({col}), '%d/%m/%Y'))::date"
)
"""Both contract date formats; anything else is unreadable."""

RAW_TABLE = "raw_identifiers"


@dataclass
class FileReport:
    """What happened to one identifier file (one row of `linkage.quality_input_files`)."""

    path: str
    source_system: str
    provider_code: str
    sha256: str
    status: str = "loaded"
    rows: int = 0
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


def discover(landing: Path) -> list[tuple[str, str, Path]]:
    """Return (source_system, provider_code, path) for every identifier file, sorted."""
    root = landing / "identifiers"
    found = []
    for path in sorted(root.glob("*/*/identifiers.csv")):
        found.append((path.parent.parent.name, path.parent.name, path))
    return found


def file_sha256(path: Path) -> str:
    """Hash a file in 1 MiB blocks (recorded in the run log; never its content)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def create_raw_table(con: duckdb.DuckDBPyConnection) -> None:
    """The table every readable file is appended to (all text, as landed)."""
    cols = ", ".join(f"{name} varchar" for name in ALL_COLUMNS)
    con.execute(
        f"create or replace table {RAW_TABLE} (source_system varchar, provider_code varchar, "
        f"source_file varchar, file_row integer, {cols})"
    )


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def read_file(
    con: duckdb.DuckDBPyConnection, source_system: str, provider_code: str, path: Path
) -> FileReport:
    """Validate one file and append its rows to `raw_identifiers`.

    Raises InputFileError (after nothing has been appended) if the file is unusable.
    """
    report = FileReport(str(path), source_system, provider_code, file_sha256(path))
    if path.stat().st_size == 0:
        raise InputFileError(path, "file is empty", expected="a header row and data rows")
    reader = (
        f"read_csv({_quote(str(path))}, all_varchar=true, header=true, delim=',', "
        "quote='\"', escape='\"')"
    )
    try:
        described = con.execute(f"describe select * from {reader}").fetchall()
    except duckdb.Error as error:
        raise InputFileError(path, f"cannot be read as CSV: {error}") from error
    by_lower: dict[str, str] = {}
    for row in described:
        name = str(row[0])
        by_lower.setdefault(name.strip().lstrip("\ufeff").lower(), name)
    missing = [col for col in REQUIRED_COLUMNS if col not in by_lower]
    if missing:
        raise InputFileError(
            path,
            f"missing required column(s) {', '.join(missing)}; "
            f"found {', '.join(by_lower) or 'none'}",
            column=missing[0],
            expected=f"columns {', '.join(ALL_COLUMNS)} (any case, any order)",
        )
    for col in OPTIONAL_COLUMNS:
        if col not in by_lower:
            report.warnings.append(f"column {col!r} absent: read as empty")
    extra = sorted(set(by_lower) - set(ALL_COLUMNS))
    if extra:
        report.warnings.append(f"extra columns ignored: {', '.join(extra)}")

    def src(col: str) -> str:
        return f'"{by_lower[col]}"' if col in by_lower else "null::varchar"

    select_cols = ", ".join(f"{src(col)} as {col}" for col in ALL_COLUMNS)
    con.execute(
        "create or replace temp table _file_rows as "
        f"select (row_number() over () + 1)::integer as file_row, {select_cols} from {reader}"
    )
    n_rows = con.execute("select count(*) from _file_rows").fetchall()[0][0]
    if n_rows == 0:
        raise InputFileError(path, "file has a header but no data rows", expected="data rows")
    bad = con.execute(
        "select file_row, dob from _file_rows where nullif(trim(dob), '') is not null and "
        f"{DOB_PARSE_SQL.format(col='dob')} is null order by file_row limit 1"
    ).fetchall()
    if bad:
        row, value = bad[0]
        raise InputFileError(
            path,
            f"unreadable date of birth {value!r}",
            row=int(row),
            column=by_lower["dob"],
            expected="YYYY-MM-DD or DD/MM/YYYY",
        )
    con.execute(
        f"insert into {RAW_TABLE} select {_quote(source_system)}, {_quote(provider_code)}, "
        f"{_quote(str(path))}, file_row, {', '.join(ALL_COLUMNS)} from _file_rows"
    )
    con.execute("drop table _file_rows")
    report.rows = int(n_rows)
    return report


def read_all(
    con: duckdb.DuckDBPyConnection, landing: Path
) -> tuple[list[FileReport], list[InputFileError]]:
    """Read every identifier file under `landing`; bad files are skipped and returned."""
    create_raw_table(con)
    reports: list[FileReport] = []
    errors: list[InputFileError] = []
    for source_system, provider_code, path in discover(landing):
        try:
            reports.append(read_file(con, source_system, provider_code, path))
        except InputFileError as error:
            errors.append(error)
            reports.append(
                FileReport(
                    str(path),
                    source_system,
                    provider_code,
                    file_sha256(path),
                    status="skipped",
                    error=str(error),
                )
            )
    return reports, errors
