"""Fixtures for browser tests: where screenshots go, and one Chromium per module."""

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
