"""Shared test data for the report tests (imported by name; conftest keeps the fixtures)."""

from __future__ import annotations

import pandas as pd

from cyplink.report.sample import sample_indicators

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
