"""The `cyplink` command line.

Each subcommand lives beside the code it drives (synthetic/, linkage/, cyplink/)
and is only registered here, so this file stays a table of contents. Expected
failures (CyplinkError) print one line and exit 1; usage errors exit 2 (Typer).
"""

from __future__ import annotations

import sys

import typer

from cyplink import __version__
from cyplink.errors import CyplinkError

app = typer.Typer(
    name="cyplink",
    help=(
        "Link local authority and NHS records about children into a research-ready, "
        "disclosure-controlled dataset."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"cyplink {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", help="Show the version and exit.", callback=_version_callback
    ),
) -> None:
    """cyplink: synthetic data, linkage, dbt build, evaluation and reports."""


def _register() -> None:
    # Imported here so that each module's heavy dependencies load only when used.
    from cyplink.pipeline_cli import build, docs, run
    from cyplink.report.cli import report
    from linkage.cli import evaluate, link
    from synthetic.cli import synth

    app.command("synth")(synth)
    app.command("link")(link)
    app.command("build")(build)
    app.command("run")(run)
    app.command("evaluate")(evaluate)
    app.command("report")(report)
    app.command("docs")(docs)


_register()


def entrypoint() -> None:
    """Run the app, turning expected failures into a single clear line."""
    try:
        app(standalone_mode=True)
    except CyplinkError as error:
        typer.secho(f"error: {error}", fg=typer.colors.RED, err=True)
        sys.exit(1)
