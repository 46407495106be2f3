"""Session fixture: the dirty landing set (staging_fixtures) through ingest and dbt staging."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from staging_fixtures import write_dirty_landing, write_stand_in_person_key


@dataclass(frozen=True)
class DirtyBuild:
    """Where the dirty build put things, and whether dbt succeeded."""

    landing: Path
    warehouse: Path
    ingest: Path
    target: Path


STAGING_SELECTION = [
    "path:seeds/codesets",
    "path:seeds/codelists",
    "path:models/staging",
    "path:models/marts/data_quality",
    "path:tests/singular/staging_every_file_reconciles.sql",
]


@pytest.fixture(scope="session")
def dirty_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DirtyBuild]:
    """Ingest + `dbt build` of the staging layer over the dirty landing set (once)."""
    from cyplink.dbt_runner import run_dbt
    from cyplink.ingest import run_ingest

    root = tmp_path_factory.mktemp("dirty")
    landing = root / "landing"
    warehouse = root / "warehouse.duckdb"
    ingest = root / "ingest"
    target = root / "target"
    write_dirty_landing(landing)
    write_stand_in_person_key(warehouse)
    saved = os.environ.get("CYPLINK_INGEST")
    try:
        run_ingest(landing, warehouse)
        run_dbt(
            [
                "build",
                "--select",
                *STAGING_SELECTION,
                # linkage quality staging needs the real `cyplink link` output, not the stand-in
                "--exclude",
                "path:models/staging/linkage",
                "--target-path",
                str(target),
            ],
            landing=landing,
            warehouse=warehouse,
        )
    finally:
        if saved is None:
            os.environ.pop("CYPLINK_INGEST", None)
        else:
            os.environ["CYPLINK_INGEST"] = saved
    yield DirtyBuild(landing=landing, warehouse=warehouse, ingest=ingest, target=target)


@pytest.fixture(scope="session")
def dirty_db(dirty_build: DirtyBuild) -> Iterator[duckdb.DuckDBPyConnection]:
    """Connection to the dirty build's warehouse (same process as dbt, so same config)."""
    con = duckdb.connect(str(dirty_build.warehouse))
    try:
        yield con
    finally:
        con.close()
