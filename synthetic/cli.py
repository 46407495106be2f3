"""`cyplink synth`: write a synthetic landing set (placeholder until issue 3 lands)."""

from __future__ import annotations

from pathlib import Path

import typer

from cyplink.config import DEFAULT_LANDING, DEFAULT_TRUTH
from cyplink.errors import CyplinkError


def synth(
    scale: float = typer.Option(0.01, help="Fraction of the real NW London child population."),
    seed: int = typer.Option(42, help="Random seed; same seed and scale give identical files."),
    landing: Path = typer.Option(DEFAULT_LANDING, envvar="CYPLINK_LANDING", help="Landing root."),
    truth: Path = typer.Option(DEFAULT_TRUTH, envvar="CYPLINK_TRUTH", help="Truth folder."),
) -> None:
    """Generate a synthetic North West London population in the landing formats."""
    raise CyplinkError("synth is not built yet (issue 3)")
