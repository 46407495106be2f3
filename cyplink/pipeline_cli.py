"""`cyplink build`, `cyplink run` and `cyplink docs`: dbt and exports around linkage."""

from __future__ import annotations

from pathlib import Path

import typer

from cyplink.config import DEFAULT_EXPORTS, DEFAULT_LANDING, DEFAULT_WAREHOUSE, PROJECT_ROOT
from cyplink.dbt_runner import run_dbt
from cyplink.errors import CyplinkError

LandingOption = typer.Option(
    DEFAULT_LANDING, "--landing", envvar="CYPLINK_LANDING", help="Landing root (the contract)."
)
WarehouseOption = typer.Option(
    DEFAULT_WAREHOUSE, "--warehouse", envvar="CYPLINK_WAREHOUSE", help="DuckDB warehouse file."
)
ExportsOption = typer.Option(
    DEFAULT_EXPORTS, "--exports", envvar="CYPLINK_EXPORTS", help="Folder for Parquet/CSV exports."
)

FreshnessAsOfOption = typer.Option(
    None,
    "--freshness-as-of",
    envvar="CYPLINK_FRESHNESS_AS_OF",
    help=(
        "Judge source freshness as of this date (YYYY-MM-DD) or `now`. "
        "Default: the landing's GP extract date (the release's date)."
    ),
)


def _require_landing(landing: Path) -> None:
    if not landing.is_dir():
        raise CyplinkError(f"landing root {landing} does not exist or is not a folder")


def build(
    landing: Path = LandingOption,
    warehouse: Path = WarehouseOption,
    exports: Path = ExportsOption,
    select: str | None = typer.Option(None, "--select", "-s", help="dbt selector to build."),
    freshness_as_of: str | None = FreshnessAsOfOption,
) -> None:
    """Run `dbt build` (seeds, models, tests) and export marts and publication tables.

    Then checks source freshness (reported, never fatal: policy in models/docs/overview.md).
    """
    from cyplink.exports import export_tables
    from cyplink.freshness import check_freshness, summary_lines
    from cyplink.ingest import run_ingest

    _require_landing(landing)
    typer.echo(run_ingest(landing, warehouse))
    args = ["build"]
    if select:
        # Cautious: a partial build runs only the tests whose every parent was built,
        # so tests on models outside the selection do not fail on missing tables.
        args += ["--select", select, "--indirect-selection", "cautious"]
    run_dbt(args, landing=landing, warehouse=warehouse)
    written = export_tables(warehouse, exports)
    typer.echo(f"exported {len(written)} files to {exports}")
    if not select:
        # Called from Python (tests, `run`) the option may still be Typer's default object.
        as_of = freshness_as_of if isinstance(freshness_as_of, str) else None
        for line in summary_lines(check_freshness(landing, warehouse, as_of)):
            typer.echo(line)


def docs(
    landing: Path = LandingOption,
    warehouse: Path = WarehouseOption,
    out: Path = typer.Option(Path("data/docs"), "--out", help="Folder for the static docs site."),
    without_warehouse: bool = typer.Option(
        False,
        "--without-warehouse",
        help=(
            "Document the project without reading the warehouse: descriptions, lineage, "
            "tests and sources, but no column types or row counts from the database."
        ),
    ),
) -> None:
    """Generate the dbt docs site as one static HTML file that opens without a server."""
    import os
    import shutil

    target = Path(os.environ.get("DBT_TARGET_PATH") or PROJECT_ROOT / "target")
    if without_warehouse is True:
        # `--no-compile` reads the manifest that `parse` writes; no query touches data.
        run_dbt(["parse"], landing=landing, warehouse=warehouse)
        run_dbt(
            ["docs", "generate", "--static", "--no-compile", "--empty-catalog"],
            landing=landing,
            warehouse=warehouse,
        )
    else:
        run_dbt(["docs", "generate", "--static"], landing=landing, warehouse=warehouse)
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(target / "static_index.html", out / "index.html")
    typer.echo(f"docs site: {out / 'index.html'}")


def run(
    landing: Path = LandingOption,
    warehouse: Path = WarehouseOption,
    exports: Path = ExportsOption,
    secret_file: Path | None = typer.Option(
        None, "--secret-file", envvar="CYPLINK_SECRET_FILE", help="Pseudonymisation key file."
    ),
    freshness_as_of: str | None = FreshnessAsOfOption,
) -> None:
    """Link, build and export: from raw extracts to publication marts in one command."""
    from linkage.cli import link

    _require_landing(landing)
    link(landing=landing, warehouse=warehouse, secret_file=secret_file)
    build(
        landing=landing,
        warehouse=warehouse,
        exports=exports,
        select=None,
        freshness_as_of=freshness_as_of,
    )
