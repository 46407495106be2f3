"""The docs-coverage check finds undocumented models and columns, from a real dbt run."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

from cyplink.docs_coverage import Gap, check, find_gaps, main

PROFILE = """
tiny:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: "{path}"
      schema: main
"""


def _tiny_project(root: Path, *, document_column_b: bool) -> Path:
    (root / "models").mkdir(parents=True)
    (root / "dbt_project.yml").write_text(
        "name: tiny\nversion: '1.0'\nconfig-version: 2\nprofile: tiny\n"
    )
    (root / "profiles.yml").write_text(PROFILE.format(path=root / "tiny.duckdb"))
    (root / "models" / "things.sql").write_text("select 1 as a, 2 as b\n")
    column_b = (
        "      - name: b\n        description: The second thing.\n" if document_column_b else ""
    )
    (root / "models" / "_models.yml").write_text(
        textwrap.dedent(
            """\
            version: 2
            models:
              - name: things
                description: Two things.
                columns:
                  - name: a
                    description: The first thing.
            """
        )
        + column_b
    )
    return root


def _docs_generate(project: Path) -> Path:
    from dbt.cli.main import dbtRunner

    cwd = Path.cwd()
    os.chdir(project)
    try:
        # An explicit target path: the e2e fixture sets DBT_TARGET_PATH for the session.
        common = ["--profiles-dir", str(project), "--target-path", str(project / "target")]
        for args in (["run"], ["docs", "generate"]):
            result = dbtRunner().invoke([*args, *common, "--quiet"])
            assert result.success, result.exception
    finally:
        os.chdir(cwd)
    return project / "target"


def test_undocumented_column_fails_the_check(tmp_path: Path, capsys) -> None:
    target = _docs_generate(_tiny_project(tmp_path / "p", document_column_b=False))
    gaps = check(target)
    assert gaps == [Gap("model.tiny.things", "b")]
    assert main([str(target)]) == 1
    assert "undocumented: model.tiny.things: column 'b'" in capsys.readouterr().out


def test_fully_documented_project_passes(tmp_path: Path) -> None:
    target = _docs_generate(_tiny_project(tmp_path / "p", document_column_b=True))
    assert check(target) == []
    assert main([str(target)]) == 0


def test_missing_model_description_is_a_gap() -> None:
    manifest = {
        "metadata": {"project_name": "x"},
        "nodes": {
            "model.x.m": {
                "resource_type": "model",
                "package_name": "x",
                "description": "",
                "columns": {"c": {"description": "documented"}},
            },
            "model.other.n": {
                "resource_type": "model",
                "package_name": "other",
                "description": "",
                "columns": {},
            },
        },
        "sources": {},
    }
    assert find_gaps(manifest, None) == [Gap("model.x.m", None)]
