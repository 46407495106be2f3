"""Fixtures for the report tests: a sample warehouse and a report built from it once.

The Vega JavaScript bundle is replaced by a one-line stub here (building the real one
takes seconds); the browser test uses the real bundle.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pandas as pd
import pytest

from cyplink.report.sample import sample_indicators, write_sample_warehouse

STUB_BUNDLE = "window.vegaEmbed = function () { return Promise.resolve({}); };"
# A Brent row published in the sample, turned into a suppressed row that still
# (wrongly) carries numbers: none of them may reach the report.
LEAK_ROW = {
    "indicator_id": "cla_mh_service_contact_pct",
    "area_code": "E09000005",
    "period": 2025,
}
LEAK_VALUES = {
    "numerator": 8642.0,
    "denominator": 97531.0,
    "value": 88.6071,
    "lower_ci": 77.4213,
    "upper_ci": 93.5791,
}


def leaky_indicators() -> pd.DataFrame:
    """The sample with LEAK_ROW suppressed but its numbers left in place."""
    frame = sample_indicators()
    hit = (
        (frame["indicator_id"] == LEAK_ROW["indicator_id"])
        & (frame["area_code"] == LEAK_ROW["area_code"])
        & (frame["period"] == LEAK_ROW["period"])
        & (frame["breakdown"] == "all")
    )
    assert hit.sum() == 1
    frame.loc[hit, "status"] = "suppressed"
    for column, value in LEAK_VALUES.items():
        frame.loc[hit, column] = value
    return frame


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample warehouse with one suppressed-but-leaky row."""
    path = tmp_path_factory.mktemp("report") / "warehouse.duckdb"
    return write_sample_warehouse(path, indicators=leaky_indicators())


@pytest.fixture(scope="session")
def stub_bundle() -> Iterator[None]:
    """Use a stub instead of the real Vega bundle."""
    with mock.patch("cyplink.report.charts.vega_bundle", return_value=STUB_BUNDLE):
        yield


@pytest.fixture(scope="session")
def report_dir(
    sample_warehouse: Path, tmp_path_factory: pytest.TempPathFactory, stub_bundle: None
) -> Path:
    """The report built from the sample warehouse."""
    from cyplink.report.data import load_report_data
    from cyplink.report.render import build_report

    out = tmp_path_factory.mktemp("report-out")
    build_report(load_report_data(sample_warehouse), out)
    return out
