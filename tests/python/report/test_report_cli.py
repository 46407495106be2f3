"""`cyplink report` end to end on the sample warehouse (bundle stubbed)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from cyplink.cli import app


def test_report_command_writes_pages_and_exits_zero(
    sample_warehouse: Path, tmp_path: Path, stub_bundle: None
) -> None:
    out = tmp_path / "report"
    result = CliRunner().invoke(
        app, ["report", "--warehouse", str(sample_warehouse), "--out", str(out), "--shared-js"]
    )
    assert result.exit_code == 0, result.output
    assert (out / "index.html").is_file() and len(list(out.glob("*.html"))) == 9
    assert (out / "assets" / "vega-bundle.js").is_file()
    assert 'src="assets/vega-bundle.js"' in (out / "E09000005.html").read_text()


def test_report_command_fails_cleanly_without_a_warehouse(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["report", "--warehouse", str(tmp_path / "none.duckdb"), "--out", str(tmp_path)]
    )
    assert result.exit_code != 0
    assert "does not exist" in str(result.exception) + result.output
