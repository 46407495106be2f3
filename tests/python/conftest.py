"""Shared fixtures: one tiny synthetic landing set, linked and built once per session.

End-to-end tests (marked `e2e`) share `pipeline`, which runs what `make demo` runs —
synth, link, dbt build, docs generate, exports — into a temporary folder, so the suite
never touches `data/` or the project's `target/`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

E2E_SCALE = float(os.environ.get("CYPLINK_TEST_SCALE", "0.005"))
E2E_SEED = 20261126


@dataclass(frozen=True)
class Pipeline:
    """Where the session's end-to-end run put everything."""

    root: Path
    landing: Path
    truth: Path
    warehouse: Path
    exports: Path
    target: Path
    docs: Path


@contextmanager
def run_environment(root: Path, target: Path, *also_restore: str) -> Iterator[Path]:
    """Point dbt's target path and the pseudonymisation key at this run (the key is a
    throwaway written under `root`, yielded), and restore those variables and
    `also_restore` afterwards."""
    names = ("DBT_TARGET_PATH", "CYPLINK_SECRET_FILE", *also_restore)
    saved = {name: os.environ.get(name) for name in names}
    key = root / "test_secret.key"
    key.write_bytes(b"cyplink-test-key-not-secret-0123456789abcdef")
    os.environ["DBT_TARGET_PATH"] = str(target)
    os.environ["CYPLINK_SECRET_FILE"] = str(key)
    try:
        yield key
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture(scope="session")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    """Synthesise, link, build and document a tiny population once for all e2e tests."""
    from cyplink.pipeline_cli import build, docs
    from linkage.cli import link
    from synthetic.cli import synth

    root = tmp_path_factory.mktemp("e2e")
    run = Pipeline(
        root=root,
        landing=root / "landing",
        truth=root / "truth",
        warehouse=root / "warehouse.duckdb",
        exports=root / "exports",
        target=root / "target",
        docs=root / "docs",
    )
    with run_environment(root, run.target) as key:
        synth(scale=E2E_SCALE, seed=E2E_SEED, landing=run.landing, truth=run.truth)
        link(landing=run.landing, warehouse=run.warehouse, secret_file=key)
        build(landing=run.landing, warehouse=run.warehouse, exports=run.exports, select=None)
        docs(landing=run.landing, warehouse=run.warehouse, out=run.docs)
        yield run


# Statistical checks need more children than the tiny `pipeline`: RQ4 recovery of the
# planted effect and the pooled linked-health indicators against truth (one unlinkable
# record moves a tiny-scale percentage by several points).
MID_SCALE = float(os.environ.get("CYPLINK_RQ4_TEST_SCALE", "0.1"))
MID_SEED = 42


@dataclass(frozen=True)
class MidScaleRun:
    """A warehouse holding the RQ4 cohort and the indicators, and the truth of the run."""

    warehouse: Path
    truth: Path


@pytest.fixture(scope="session")
def mid_scale_pipeline(tmp_path_factory: pytest.TempPathFactory) -> MidScaleRun:
    """A population big enough to recover the RQ4 planted effect and to compare linked
    indicators with truth, built only up to `rq4_mh_need_cohort` and `indicator_values`
    (seeds and models, no tests or exports: the shared `pipeline`
    tests the models). CYPLINK_RQ4_WAREHOUSE and CYPLINK_RQ4_TRUTH point it at a run already built
    (e.g. scale 1.0) instead; CYPLINK_RQ4_TEST_SCALE changes the scale it builds."""
    given = os.environ.get("CYPLINK_RQ4_WAREHOUSE"), os.environ.get("CYPLINK_RQ4_TRUTH")
    if given[0] and given[1]:
        return MidScaleRun(Path(given[0]), Path(given[1]))
    from cyplink.dbt_runner import run_dbt
    from cyplink.ingest import run_ingest
    from linkage.cli import link
    from synthetic.cli import synth

    root = tmp_path_factory.mktemp("rq4")
    landing, truth, warehouse = root / "landing", root / "truth", root / "warehouse.duckdb"
    # run_dbt points CYPLINK_* at this warehouse: give other tests theirs back at once
    with run_environment(root, root / "target", "CYPLINK_LANDING", "CYPLINK_WAREHOUSE") as key:
        synth(scale=MID_SCALE, seed=MID_SEED, landing=landing, truth=truth)
        link(landing=landing, warehouse=warehouse, secret_file=key)
        run_ingest(landing, warehouse)
        only_models = ["--resource-type", "seed", "--resource-type", "model"]
        run_dbt(
            ["build", "--select", "+rq4_mh_need_cohort +indicator_values", *only_models],
            landing=landing,
            warehouse=warehouse,
        )
    return MidScaleRun(warehouse, truth)
