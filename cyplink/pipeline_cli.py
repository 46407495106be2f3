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


def _require_landing(landing: Path) -> None:
    if not landing.is_dir():
        raise CyplinkError(f"landing root {landing} does not exist or is not a folder")


def build(
    landing: Path = LandingOption,
    warehouse: Path = WarehouseOption,
    exports: Path = ExportsOption,
    select: str | None = typer.Option(None, "--select", "-s", help="dbt selector to build."),
) -> None:
    """Run `dbt build` (seeds, models, tests) and export marts and publication tables."""
    from cyplink.exports import export_tables
    from cyplink.ingest import run_ingest

    _require_landing(landing)
    typer.echo(run_ingest(landing, warehouse))
    args = ["build"]
    if select:
        args += ["--select", select]
    run_dbt(args, landing=landing, warehouse=warehouse)
    written = export_tables(warehouse, exports)
    typer.echo(f"exported {len(written)} files to {exports}")


def docs(
    landing: Path = LandingOption,
    warehouse: Path = WarehouseOption,
    out: Path = typer.Option(Path("data/docs"), "--out", help="Folder for the static docs site."),
) -> None:
    """Generate the dbt docs site as one static HTML file that opens without a server."""
    import os
    import shutil

    target = Path(os.environ.get("DBT_TARGET_PATH") or PROJECT_ROOT / "target")
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
) -> None:
    """Link, build and export: from raw extracts to publication marts in one command."""
    from linkage.cli import link

    _require_landing(landing)
    link(landing=landing, warehouse=warehouse, secret_file=secret_file)
    build(landing=landing, warehouse=warehouse, exports=exports, select=None)
