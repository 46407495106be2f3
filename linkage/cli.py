"""`cyplink link` and `cyplink evaluate` (placeholders until issue 4 lands)."""

from __future__ import annotations

from pathlib import Path

import typer

from cyplink.config import DEFAULT_LANDING, DEFAULT_TRUTH, DEFAULT_WAREHOUSE
from cyplink.errors import CyplinkError


def link(
    landing: Path = typer.Option(DEFAULT_LANDING, envvar="CYPLINK_LANDING", help="Landing root."),
    warehouse: Path = typer.Option(
        DEFAULT_WAREHOUSE, envvar="CYPLINK_WAREHOUSE", help="DuckDB warehouse file."
    ),
    secret_file: Path | None = typer.Option(
        None, envvar="CYPLINK_SECRET_FILE", help="Pseudonymisation key file."
    ),
) -> None:
    """Link identifier extracts into linkage.person_key."""
    raise CyplinkError("link is not built yet (issue 4)")


def evaluate(
    warehouse: Path = typer.Option(
        DEFAULT_WAREHOUSE, envvar="CYPLINK_WAREHOUSE", help="DuckDB warehouse file."
    ),
    truth: Path = typer.Option(DEFAULT_TRUTH, envvar="CYPLINK_TRUTH", help="Truth folder."),
) -> None:
    """Report pairwise precision, recall and F1 of the person key against truth."""
    raise CyplinkError("evaluate is not built yet (issue 4)")
