"""Fixtures for the DfE validator tests (data and helpers in dfe_fixtures.py)."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest
from dfe_fixtures import load_runner, write_tiny_landing


@pytest.fixture
def tiny_landing(tmp_path: Path) -> Path:
    """A landing root with two 903 returns and one CIN return (see dfe_fixtures)."""
    return write_tiny_landing(tmp_path / "landing")


@pytest.fixture(scope="session")
def runner() -> ModuleType:
    """The runner script imported as a module."""
    return load_runner()
