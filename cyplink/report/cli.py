"""`cyplink report` (placeholder until issue 8 lands)."""

from __future__ import annotations

from pathlib import Path

import typer

from cyplink.config import DEFAULT_WAREHOUSE
from cyplink.errors import CyplinkError


def report(
    warehouse: Path = typer.Option(
        DEFAULT_WAREHOUSE, envvar="CYPLINK_WAREHOUSE", help="DuckDB warehouse file."
    ),
    out: Path = typer.Option(Path("data/report"), help="Folder for the HTML report."),
) -> None:
    """Write the static HTML report per LA and for the whole area."""
    raise CyplinkError("report is not built yet (issue 8)")
