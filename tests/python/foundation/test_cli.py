"""The `cyplink` command: help on every subcommand, one-line errors, exit codes."""

from __future__ import annotations

import subprocess
import sys

import pytest

SUBCOMMANDS = ["synth", "link", "build", "run", "evaluate", "report", "docs", "validate"]


def _cyplink(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from cyplink.cli import entrypoint; entrypoint()", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_help_lists_every_subcommand() -> None:
    result = _cyplink("--help")
    assert result.returncode == 0
    for name in SUBCOMMANDS:
        assert name in result.stdout


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_every_subcommand_has_help(name: str) -> None:
    result = _cyplink(name, "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage" in result.stdout


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["build", "--no-such-option"], "No such option: --no-such-option"),
        (["no-such-command"], "No such command 'no-such-command'"),
        (["synth", "--scale", "lots"], "Invalid value for '--scale'"),
    ],
)
def test_wrong_argument_gives_one_line_error(args: list[str], fragment: str) -> None:
    result = _cyplink(*args)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert fragment in lines[0]


def test_expected_failure_is_one_line_and_exit_1(tmp_path) -> None:
    missing = tmp_path / "no-landing-here"
    result = _cyplink("build", "--landing", str(missing), "--warehouse", str(tmp_path / "w.duckdb"))
    assert result.returncode == 1
    assert (
        result.stderr.strip() == f"error: landing root {missing} does not exist or is not a folder"
    )


def test_version() -> None:
    result = _cyplink("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("cyplink ")
