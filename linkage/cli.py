"""`cyplink link` and `cyplink evaluate`.

Both are plain functions too: `cyplink run` calls
`link(landing=..., warehouse=..., secret_file=...)` directly, so every parameter
has a real default (Annotated options), not a Typer placeholder.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cyplink.config import DEFAULT_LANDING, DEFAULT_TRUTH, DEFAULT_WAREHOUSE
from cyplink.errors import CyplinkError


def link(
    landing: Annotated[
        Path, typer.Option("--landing", envvar="CYPLINK_LANDING", help="Landing root.")
    ] = DEFAULT_LANDING,
    warehouse: Annotated[
        Path,
        typer.Option("--warehouse", envvar="CYPLINK_WAREHOUSE", help="DuckDB warehouse file."),
    ] = DEFAULT_WAREHOUSE,
    secret_file: Annotated[
        Path | None,
        typer.Option(
            "--secret-file",
            envvar="CYPLINK_SECRET_FILE",
            help="Pseudonymisation key file (a demo key is generated if absent).",
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Exit with status 1 if any identifier file was skipped."),
    ] = False,
) -> None:
    """Link identifier extracts into linkage.person_key and linkage.quality_* tables."""
    from linkage.pipeline import run_link

    console = Console(stderr=True)
    result = run_link(Path(landing), Path(warehouse), secret_file, console=console)
    counts = result.counts
    console.print(
        f"linked {counts.get('records', 0):,} records from {counts.get('files', 0)} files "
        f"into {counts.get('persons', 0):,} people "
        f"({counts.get('scored_pairs', 0):,} pairs scored) in "
        f"{sum(result.timings.values()):.1f} s; run log {result.run_dir / 'run_log.json'}"
    )
    if result.errors:
        console.print(f"[red]{len(result.errors)} identifier file(s) skipped:[/red]")
        for error in result.errors:
            console.print(f"  [red]-[/red] {error}")
        if strict:
            raise CyplinkError(f"{len(result.errors)} identifier file(s) skipped (--strict)")


def evaluate(
    warehouse: Annotated[
        Path,
        typer.Option("--warehouse", envvar="CYPLINK_WAREHOUSE", help="DuckDB warehouse file."),
    ] = DEFAULT_WAREHOUSE,
    truth: Annotated[
        Path, typer.Option("--truth", envvar="CYPLINK_TRUTH", help="Truth folder.")
    ] = DEFAULT_TRUTH,
) -> None:
    """Report pairwise precision, recall and F1 of the person key against truth."""
    from linkage.evaluate import evaluate_warehouse

    result = evaluate_warehouse(Path(warehouse), Path(truth))
    table = Table(title="Linkage accuracy (pairwise, against synthetic truth)")
    table.add_column("scope")
    table.add_column("sources")
    for col in ("true pairs", "predicted", "TP", "FP", "FN", "precision", "recall", "F1"):
        table.add_column(col, justify="right")
    for row in result.metrics.itertuples(index=False):
        style = "bold" if row.scope != "source_pair" else None
        table.add_row(
            row.scope,
            "all" if row.source_a == "all" else f"{row.source_a} ~ {row.source_b}",
            f"{row.true_pairs:,}",
            f"{row.predicted_pairs:,}",
            f"{row.true_positives:,}",
            f"{row.false_positives:,}",
            f"{row.false_negatives:,}",
            f"{row.precision:.4f}",
            f"{row.recall:.4f}",
            f"{row.f1:.4f}",
            style=style,
        )
    console = Console() if sys.stdout.isatty() else Console(width=140)
    console.print(table)
    if result.keys_only_in_person_key or result.keys_only_in_truth:
        console.print(
            f"record keys only in person_key: {result.keys_only_in_person_key:,}; "
            f"only in truth: {result.keys_only_in_truth:,} (not evaluated)"
        )
    console.print(f"written to linkage.quality_evaluation in {warehouse}")
