"""`cyplink validate`: the DfE 903 and CIN validation rules over every return.

Local authority analysts know their data quality through the DfE validation rules,
as Data to Insight's validators (`csc-validator-be-903`, `csc-validator-be-cin`)
implement them. Those packages pin pandas<2 and the project runs pandas 3, so they
live in their own virtual environment, `.venv-validators/` (built by
`make validators` from `validators/requirements.txt`). This module starts
`validators/run_dfe_validators.py` with that environment's interpreter, shows its
progress, loads its CSV output into the warehouse and prints a summary:

* `validation.dfe_rule_results`: one row per child, rule and failing row
  (`validator, la_code, collection_year, child_id, rule_code, rule_message,
  table_name, row_number`), `rule_code = 'VALIDATOR_ERROR'` where a return, a file
  or a rule could not be validated;
* `validation.dfe_returns`: one row per return with the number of children in it,
  the denominator of "% of children flagged".

`child_id` is the LA's own child ID (903 `CHILD`, CIN `LAchildID`), the same key as
`source_record_id` in `linkage.person_key` for `source_system = 'csc'`: marts join
through the person key and keep no child IDs.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from cyplink.config import DEFAULT_LANDING, DEFAULT_WAREHOUSE, PROJECT_ROOT
from cyplink.errors import CyplinkError

VALIDATOR_VENV = PROJECT_ROOT / ".venv-validators"
RUNNER = PROJECT_ROOT / "validators" / "run_dfe_validators.py"
SCHEMA = "validation"
RESULTS_TABLE = f"{SCHEMA}.dfe_rule_results"
RETURNS_TABLE = f"{SCHEMA}.dfe_returns"
VALIDATOR_ERROR = "VALIDATOR_ERROR"
SHORT_NAMES = {"ssda903": "903", "cin_census": "CIN"}

# CSV column -> (warehouse column, DuckDB type). `table` is renamed: it is a reserved
# word in SQL and would need quoting in every model that reads it.
RESULT_COLUMNS: dict[str, tuple[str, str]] = {
    "validator": ("validator", "varchar"),
    "la_code": ("la_code", "varchar"),
    "collection_year": ("collection_year", "integer"),
    "child_id": ("child_id", "varchar"),
    "rule_code": ("rule_code", "varchar"),
    "rule_message": ("rule_message", "varchar"),
    "table": ("table_name", "varchar"),
    "row_number": ("row_number", "integer"),
}
RETURN_COLUMNS: dict[str, tuple[str, str]] = {
    "validator": ("validator", "varchar"),
    "la_code": ("la_code", "varchar"),
    "collection_year": ("collection_year", "integer"),
    "ruleset": ("ruleset", "varchar"),
    "children": ("children", "integer"),
    "rules_run": ("rules_run", "integer"),
    "rules_failed": ("rules_failed", "integer"),
    "issues": ("issues", "integer"),
    "status": ("status", "varchar"),
    "seconds": ("seconds", "double"),
    "message": ("message", "varchar"),
}


@dataclass(frozen=True)
class RuleCount:
    """Children flagged by one rule in one return, and their share of the return."""

    validator: str
    la_code: str
    collection_year: int
    rule_code: str
    rule_message: str
    children_flagged: int
    children: int | None
    pct_flagged: float | None


def validator_python(venv: Path | None = None) -> Path:
    """The validator environment's interpreter, or a one-line error saying how to build it."""
    venv = VALIDATOR_VENV if venv is None else venv
    python = venv / "bin" / "python"
    if not python.exists():
        raise CyplinkError(
            f"the DfE validator environment {venv} is missing: run `make validators` first"
        )
    return python


def run_runner(
    landing: Path,
    results_csv: Path,
    returns_csv: Path,
    *,
    python: Path,
    runner: Path = RUNNER,
    jobs: int = 1,
    show_progress: bool = True,
) -> None:
    """Run the validator script as a subprocess, with a progress bar fed by its output.

    The runner prints `PROGRESS <done> <total> <validator> <la> <year> <status>` per
    return on standard output; its log (standard error) is kept and its last lines are
    shown if it fails.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    command = [
        str(python),
        str(runner),
        "--landing",
        str(landing),
        "--out",
        str(results_csv),
        "--returns-out",
        str(returns_csv),
        *(["--jobs", str(jobs)] if jobs > 1 else []),
    ]
    log_path = results_csv.with_suffix(".log")
    with (
        log_path.open("w", encoding="utf-8") as log,
        Progress(
            TextColumn("[bold]DfE validators[/] {task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            disable=not show_progress,
            transient=False,
        ) as progress,
    ):
        task = progress.add_task("starting", total=None)
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=log, text=True, cwd=PROJECT_ROOT
        )
        assert process.stdout is not None
        for line in process.stdout:
            parts = line.split()
            if len(parts) >= 7 and parts[0] == "PROGRESS":
                done, total = int(parts[1]), int(parts[2])
                label = "" if parts[3] == "start" else " ".join(parts[3:6]) + f" ({parts[6]})"
                progress.update(task, completed=done, total=total, description=label)
        returncode = process.wait()
    if returncode != 0:
        tail = deque(log_path.read_text(encoding="utf-8", errors="replace").splitlines(), 5)
        detail = " | ".join(tail) or f"exit status {returncode}"
        raise CyplinkError(f"the DfE validator run failed: {detail}")


def _read_csv_sql(path: Path, columns: dict[str, tuple[str, str]]) -> str:
    types = ", ".join(f"'{name}': 'varchar'" for name in columns)
    select = ", ".join(
        f"cast(nullif(\"{name}\", '') as {kind}) as {target}"
        for name, (target, kind) in columns.items()
    )
    source = str(path).replace("'", "''")
    return (
        f"select {select} from read_csv('{source}', header = true, "
        f"columns = {{{types}}}, quote = '\"', escape = '\"', all_varchar = true)"
    )


def load_results(warehouse: Path, results_csv: Path, returns_csv: Path) -> tuple[int, int]:
    """Replace `validation.dfe_rule_results` and `validation.dfe_returns` from the CSVs.

    Returns the number of result rows and of returns loaded.
    """
    import duckdb

    warehouse.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(warehouse))
    except duckdb.Error as error:
        raise CyplinkError(f"cannot open the warehouse {warehouse}: {error}") from error
    try:
        con.execute(f"create schema if not exists {SCHEMA}")
        con.execute(
            f"create or replace table {RESULTS_TABLE} as "
            f"{_read_csv_sql(results_csv, RESULT_COLUMNS)}"
        )
        con.execute(
            f"create or replace table {RETURNS_TABLE} as "
            f"{_read_csv_sql(returns_csv, RETURN_COLUMNS)}"
        )
        results = con.execute(f"select count(*) from {RESULTS_TABLE}").fetchone()
        returns = con.execute(f"select count(*) from {RETURNS_TABLE}").fetchone()
    finally:
        con.close()
    return (int(results[0]) if results else 0, int(returns[0]) if returns else 0)


RULE_COUNTS_SQL = f"""
with flagged as (
    select validator, la_code, collection_year, rule_code,
        min(rule_message) as rule_message,
        count(distinct child_id) as children_flagged
    from {RESULTS_TABLE}
    where rule_code <> '{VALIDATOR_ERROR}' and child_id is not null
    group by all
)
select f.validator, f.la_code, f.collection_year, f.rule_code, f.rule_message,
    f.children_flagged, r.children,
    case when r.children > 0 then 100.0 * f.children_flagged / r.children end as pct_flagged
from flagged as f
left join {RETURNS_TABLE} as r
    on f.validator = r.validator and f.la_code = r.la_code
    and f.collection_year = r.collection_year
order by f.validator, f.la_code, f.collection_year, f.children_flagged desc, f.rule_code
"""


def rule_counts(con: Any) -> list[RuleCount]:
    """Children flagged per rule per return, with the % of the return's children."""
    rows = con.execute(RULE_COUNTS_SQL).fetchall()
    return [
        RuleCount(
            validator=row[0],
            la_code=row[1],
            collection_year=int(row[2]),
            rule_code=row[3],
            rule_message=row[4] or "",
            children_flagged=int(row[5]),
            children=None if row[6] is None else int(row[6]),
            pct_flagged=None if row[7] is None else float(row[7]),
        )
        for row in rows
    ]


def validator_errors(con: Any) -> list[tuple[str, str, int, str]]:
    """Returns, files or rules that could not be validated: (validator, la, year, message)."""
    return con.execute(
        f"select validator, la_code, collection_year, rule_message from {RESULTS_TABLE} "
        f"where rule_code = '{VALIDATOR_ERROR}' order by all"
    ).fetchall()


@dataclass(frozen=True)
class ReturnSummary:
    """One return: its children, how many any rule flagged, and its rules by size."""

    validator: str
    la_code: str
    collection_year: int
    status: str
    children: int | None
    children_flagged_any: int
    rules: tuple[RuleCount, ...]

    @property
    def pct_flagged_any(self) -> float | None:
        """% of the return's children flagged by at least one rule."""
        if not self.children:
            return None
        return 100.0 * self.children_flagged_any / self.children


def return_summaries(con: Any) -> list[ReturnSummary]:
    """Every validated return with its rule counts (largest first)."""
    by_return: dict[tuple[str, str, int], list[RuleCount]] = {}
    for count in rule_counts(con):
        key = (count.validator, count.la_code, count.collection_year)
        by_return.setdefault(key, []).append(count)
    rows = con.execute(
        f"""
        select r.validator, r.la_code, r.collection_year, r.status, r.children,
            count(distinct f.child_id) as flagged
        from {RETURNS_TABLE} as r
        left join {RESULTS_TABLE} as f
            on f.validator = r.validator and f.la_code = r.la_code
            and f.collection_year = r.collection_year
            and f.rule_code <> '{VALIDATOR_ERROR}'
        group by all
        order by r.validator, r.la_code, r.collection_year
        """
    ).fetchall()
    return [
        ReturnSummary(
            validator=row[0],
            la_code=row[1],
            collection_year=int(row[2]),
            status=row[3] or "",
            children=None if row[4] is None else int(row[4]),
            children_flagged_any=int(row[5]),
            rules=tuple(by_return.get((row[0], row[1], int(row[2])), [])),
        )
        for row in rows
    ]


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def print_summary(warehouse: Path, *, top: int = 3, console: Any | None = None) -> None:
    """Print per LA/year the children flagged, the rules flagging most, and any errors."""
    from rich.console import Console
    from rich.table import Table

    from cyplink.warehouse import connect_for_reading

    console = console or Console()
    con = connect_for_reading(warehouse)
    try:
        summaries = return_summaries(con)
        errors = validator_errors(con)
    finally:
        con.close()

    table = Table(title="DfE validation rules: children flagged per return")
    table.add_column("return")
    table.add_column("LA")
    table.add_column("year")
    table.add_column("children", justify="right")
    table.add_column("flagged", justify="right")
    table.add_column("%", justify="right")
    table.add_column(f"top {top} rules: code children (%)")
    messages: dict[str, str] = {}
    for summary in summaries:
        label = SHORT_NAMES.get(summary.validator, summary.validator)
        if summary.status != "ok":
            table.add_row(
                label,
                summary.la_code,
                str(summary.collection_year),
                "-",
                "-",
                "-",
                f"[red]{VALIDATOR_ERROR}[/]",
            )
            continue
        tops = []
        for count in summary.rules[:top]:
            tops.append(f"{count.rule_code} {count.children_flagged} ({_pct(count.pct_flagged)})")
            messages[count.rule_code] = count.rule_message
        table.add_row(
            label,
            summary.la_code,
            str(summary.collection_year),
            str(summary.children),
            str(summary.children_flagged_any),
            _pct(summary.pct_flagged_any),
            ", ".join(tops) or "-",
        )
    console.print(table)
    for code, message in sorted(messages.items()):
        console.print(f"  {code}: {message}", overflow="ellipsis", no_wrap=True)
    counts = [c for s in summaries for c in s.rules if c.pct_flagged is not None]
    worst = max(counts, key=lambda c: c.pct_flagged or 0.0, default=None)
    if worst is not None:
        console.print(
            f"highest share: rule {worst.rule_code} ({worst.validator}) flags "
            f"{worst.children_flagged} of {worst.children} children "
            f"({_pct(worst.pct_flagged)}%) in {worst.la_code} {worst.collection_year}"
        )
    for validator, la_code, year, message in errors:
        console.print(f"[red]{VALIDATOR_ERROR}[/] {validator} {la_code} {year}: {message}")
    console.print(f"all results: {RESULTS_TABLE} and {RETURNS_TABLE} in {warehouse}")


def validate(
    landing: Annotated[
        Path,
        typer.Option("--landing", envvar="CYPLINK_LANDING", help="Landing root (the contract)."),
    ] = DEFAULT_LANDING,
    warehouse: Annotated[
        Path,
        typer.Option("--warehouse", envvar="CYPLINK_WAREHOUSE", help="DuckDB warehouse file."),
    ] = DEFAULT_WAREHOUSE,
    jobs: Annotated[
        int, typer.Option("--jobs", min=1, help="Returns validated in parallel (processes).")
    ] = 1,
) -> None:
    """Run the DfE 903 and CIN validation rules over every return; load the results."""
    python = validator_python()
    if not landing.is_dir():
        raise CyplinkError(f"landing root {landing} does not exist or is not a folder")
    with tempfile.TemporaryDirectory(prefix="cyplink-validate-") as tmp:
        results_csv = Path(tmp) / "dfe_rule_results.csv"
        returns_csv = Path(tmp) / "dfe_returns.csv"
        run_runner(landing.resolve(), results_csv, returns_csv, python=python, jobs=jobs)
        n_results, n_returns = load_results(warehouse, results_csv, returns_csv)
    if n_returns == 0:
        raise CyplinkError(
            f"no 903 returns (ssda903/<la>/<year>/) or CIN census files "
            f"(cin_census/<la>/<year>/cin_census.xml) found under {landing}"
        )
    typer.echo(f"loaded {n_results} rule results for {n_returns} returns into {warehouse}")
    print_summary(warehouse)
