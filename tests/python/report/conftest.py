"""Fixtures for the report tests: a sample warehouse and a report built from it once.

The Vega JavaScript bundle is replaced by a one-line stub here (building the real one
takes seconds); the browser test uses the real bundle.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from report_fixtures import STUB_BUNDLE, leaky_indicators

from cyplink.report.sample import write_sample_warehouse


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample warehouse with one suppressed-but-leaky row."""
    path = tmp_path_factory.mktemp("report") / "warehouse.duckdb"
    return write_sample_warehouse(path, indicators=leaky_indicators())


@pytest.fixture
def stub_bundle() -> Iterator[None]:
    """Use a stub instead of the real Vega bundle (for one test only)."""
    with mock.patch("cyplink.report.charts.vega_bundle", return_value=STUB_BUNDLE):
        yield


@pytest.fixture(scope="session")
def report_dir(sample_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report built from the sample warehouse (with the stub bundle)."""
    from cyplink.report.data import load_report_data
    from cyplink.report.render import build_report

    out = tmp_path_factory.mktemp("report-out")
    with mock.patch("cyplink.report.charts.vega_bundle", return_value=STUB_BUNDLE):
        build_report(load_report_data(sample_warehouse), out)
    return out
