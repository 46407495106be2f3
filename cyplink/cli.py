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
    from cyplink.validate import validate
    from linkage.cli import evaluate, link
    from synthetic.cli import synth

    app.command("synth")(synth)
    app.command("link")(link)
    app.command("build")(build)
    app.command("run")(run)
    app.command("evaluate")(evaluate)
    app.command("report")(report)
    app.command("docs")(docs)
    app.command("validate")(validate)


_register()


def entrypoint() -> None:
    """Run the app; usage errors and expected failures print one line each.

    Usage errors (unknown option, bad value) exit 2, like Click; expected failures
    (CyplinkError) exit 1; anything else is a bug and keeps its traceback.
    """
    # Typer vendors Click; its exception classes are only reachable here.
    from typer import Abort
    from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError

    try:
        code = app(standalone_mode=False)
    except NoArgsIsHelpError as error:
        typer.echo(error.ctx.get_help() if error.ctx else "")
        sys.exit(0)
    except UsageError as error:
        command = error.ctx.command_path if error.ctx else "cyplink"
        typer.secho(f"error: {error.format_message()} (try '{command} --help')", fg="red", err=True)
        sys.exit(2)
    except ClickException as error:
        typer.secho(f"error: {error.format_message()}", fg="red", err=True)
        sys.exit(error.exit_code)
    except Abort:
        typer.secho("error: aborted", fg="red", err=True)
        sys.exit(130)
    except CyplinkError as error:
        typer.secho(f"error: {error}", fg="red", err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
