"""Shared fixtures for linkage tests: fast model parameters and a key file."""

from __future__ import annotations

from pathlib import Path

import pytest

from linkage.model_settings import LinkageParameters


@pytest.fixture
def fast_params() -> LinkageParameters:
    """Smaller training samples: the tiny fixtures do not need millions of pairs."""
    return LinkageParameters(u_max_pairs=2e5, em_max_pairs=2e5, em_max_iterations=6, u_num_chunks=1)


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.key"
    path.write_text("test-key-for-linkage-tests-only-0123456789\n")
    return path
