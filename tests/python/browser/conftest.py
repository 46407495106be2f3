"""Fixtures for browser tests: where screenshots go, one Chromium per module, a docs site."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import chromium, chromium_missing

from cyplink.config import PROJECT_ROOT


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """`test-artifacts/` at the project root (git-ignored), or CYPLINK_TEST_ARTIFACTS."""
    path = Path(os.environ.get("CYPLINK_TEST_ARTIFACTS", PROJECT_ROOT / "test-artifacts"))
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """A headless Chromium, skipped with the reason when it is not installed."""
    reason = chromium_missing()
    if reason:
        pytest.skip(reason)
    with chromium() as driver:
        yield driver


@pytest.fixture(scope="session")
def docs_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's single-file dbt docs site, built as `cyplink docs --without-warehouse`.

    No data is needed: descriptions, the overview, lineage, tests and sources come from
    the project itself (the end-to-end browser test opens the site of a real build).
    """
    from cyplink.pipeline_cli import docs

    root = tmp_path_factory.mktemp("docs-site")
    saved = os.environ.get("DBT_TARGET_PATH")
    os.environ["DBT_TARGET_PATH"] = str(root / "target")
    try:
        (root / "landing").mkdir()
        docs(
            landing=root / "landing",
            warehouse=root / "warehouse.duckdb",
            out=root / "docs",
            without_warehouse=True,
        )
    finally:
        if saved is None:
            os.environ.pop("DBT_TARGET_PATH", None)
        else:
            os.environ["DBT_TARGET_PATH"] = saved
    site = root / "docs" / "index.html"
    assert site.is_file() and site.stat().st_size > 1_000_000, site
    return site
