"""End to end in the browser: the report and the dbt docs site of the session's pipeline run.

Uses the shared `pipeline` fixture (tests/python/conftest.py): a tiny synthetic
population synthesised, linked, built and documented once per session.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from helpers import DBT_DOCS_KNOWN_NOISE, open_and_check

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def test_pipeline_report_renders(pipeline: object, browser: object, artifacts: Path) -> None:
    from cyplink.report.data import load_report_data
    from cyplink.report.render import build_report

    warehouse: Path = pipeline.warehouse  # type: ignore[attr-defined]
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            tables = {
                r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()
            }
    except duckdb.ConnectionException:
        tables = {"indicators"}  # held open by dbt in this process: the report copes
    if "indicators" not in tables:
        pytest.skip("the pipeline built no publication.indicators")
    data = load_report_data(warehouse)
    out = pipeline.root / "report"  # type: ignore[attr-defined]
    first = data.areas[0]
    build_report(data, out, only=[first.code])
    open_and_check(
        out / "index.html",
        {"#areas a[data-area]": len(data.areas), "#key-facts .fact": 5},
        artifacts / "pipeline-report-index.png",
        driver=browser,
    )
    open_and_check(
        out / first.slug,
        {"#in-brief li": 1, "#trend-table tr[data-indicator]": 5},
        artifacts / "pipeline-report-la.png",
        driver=browser,
        expected_text=[first.name],
    )


def test_pipeline_docs_site_renders(pipeline: object, browser: object, artifacts: Path) -> None:
    docs = pipeline.docs / "index.html"  # type: ignore[attr-defined]
    assert docs.is_file(), f"`cyplink docs` wrote no {docs}"
    open_and_check(
        docs,
        {".app-title": 1, "[ui-view]": 1, "a[href*='#!/overview']": 1},
        artifacts / "pipeline-dbt-docs.png",
        driver=browser,
        settle=3.0,
        expected_text=["cyplink: linked data on children", "How good the linkage is"],
        ignore=DBT_DOCS_KNOWN_NOISE,
    )
