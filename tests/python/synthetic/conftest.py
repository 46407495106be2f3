"""A tiny synthetic run shared by the synthetic tests (scale 0.002, about 1,000 children)."""

from __future__ import annotations

import pytest
from synth_tiny import TINY_SCALE, TINY_SEED, TinyRun


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> TinyRun:
    """Generate once per session."""
    import synthetic

    root = tmp_path_factory.mktemp("synth_tiny")
    counts = synthetic.generate(
        scale=TINY_SCALE, seed=TINY_SEED, landing=root / "landing", truth=root / "truth"
    )
    return TinyRun(root / "landing", root / "truth", counts)
