"""`cyplink report`: the static HTML report, read only from publication models."""

from __future__ import annotations

from pathlib import Path

import typer

from cyplink.config import DEFAULT_WAREHOUSE


def report(
    warehouse: Path = typer.Option(
        DEFAULT_WAREHOUSE, envvar="CYPLINK_WAREHOUSE", help="DuckDB warehouse file."
    ),
    out: Path = typer.Option(Path("data/report"), help="Folder for the HTML report."),
    shared_js: bool = typer.Option(
        False,
        "--shared-js",
        help=(
            "Write the chart JavaScript once as assets/vega-bundle.js instead of inlining it "
            "in every page (smaller; pages then need that folder beside them)."
        ),
    ),
    area: list[str] = typer.Option(
        [], "--area", help="Only this LA's page (ONS code; repeat for more). Default: every LA."
    ),
) -> None:
    """Write the static HTML report: index.html for the whole area and one page per LA.

    Reads only publication models (publication.indicators, the indicator catalogue,
    publication.linkage_quality_* when present). Pages open from disk without a network.
    """
    from rich.console import Console

    from cyplink.report.data import load_report_data
    from cyplink.report.render import build_report

    console = Console(stderr=True)
    with console.status("reading publication models"):
        data = load_report_data(warehouse)
    with console.status(f"writing {len(data.areas) + 1} pages"):
        pages = build_report(data, out, inline_js=not shared_js, only=area or None)
    for note in data.notes:
        typer.secho(f"note: {note}", fg=typer.colors.YELLOW, err=True)
    typer.echo(f"report: {out / 'index.html'} ({len(pages)} pages)")
