"""`cyplink synth`: write a synthetic landing set and its truth folder."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from cyplink.config import DEFAULT_LANDING, DEFAULT_TRUTH
from cyplink.errors import CyplinkError


def synth(
    scale: float = typer.Option(0.01, help="Fraction of the real NW London child population."),
    seed: int = typer.Option(42, help="Random seed; same seed and scale give identical files."),
    landing: Path = typer.Option(DEFAULT_LANDING, envvar="CYPLINK_LANDING", help="Landing root."),
    truth: Path = typer.Option(DEFAULT_TRUTH, envvar="CYPLINK_TRUTH", help="Truth folder."),
    years: str = typer.Option("2016-2025", help="Collection years written, FIRST-LAST."),
) -> None:
    """Generate a synthetic North West London population in the landing formats."""
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from synthetic.run import generate

    if not isinstance(years, str):  # called as a Python function without --years
        years = "2016-2025"
    if scale <= 0 or scale > 5:
        raise CyplinkError(f"--scale must be in (0, 5], got {scale}")
    try:
        first, last = (int(x) for x in years.split("-"))
    except ValueError as exc:
        raise CyplinkError(f"--years must look like 2016-2025, got {years!r}") from exc
    if not 2010 <= first <= last <= 2025:
        raise CyplinkError("--years must lie within 2010-2025")
    if landing.resolve() == truth.resolve() or truth.resolve().is_relative_to(landing.resolve()):
        raise CyplinkError("the truth folder must be outside the landing root")
    console = Console(stderr=True)
    start = time.perf_counter()
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("synthetic: starting", total=None)

        def step(name: str) -> None:
            progress.update(task, description=f"synthetic: {name}")
            console.log(f"{name}")

        counts = generate(
            scale=scale, seed=seed, landing=landing, truth=truth, years=(first, last), progress=step
        )
    total = sum(counts.values())
    console.print(
        f"wrote {total:,} rows to {landing} (truth in {truth}) "
        f"in {time.perf_counter() - start:.1f} s"
    )
