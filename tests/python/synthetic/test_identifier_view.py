"""Identifiers as recorded on a day: the adoption switch and the end of the data (issue 6).

A child still in care when the data end has an open "last involvement" (day `NEVER`).
Before the fix that sentinel counted as "after adoption" for every child, so the LA
record of a child never adopted carried a second valid NHS number, no surname and no
record date; linkage then rightly kept it apart from the child's health records, and the
looked-after children's A&E rates came out about 12% low at the test scale.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from synth_tiny import TinyRun

from synthetic.calendar import NEVER, day
from synthetic.care import LAST_DAY
from synthetic.identifiers import person_view


def _persons() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "forename": ["amira", "ben"],
            "surname": ["khan", "cole"],
            "surname_a": ["khan", "cole"],
            "surname_b": [None, None],
            "dob": [day(2012, 5, 1), day(2014, 2, 3)],
            "male": [False, True],
            "nhs": ["9434765919", "9434765870"],
            "nhs_after_adoption": ["4010232137", "4857773456"],
            "pc1": ["HA0 1AA", "W3 9SL"],
            "pc2": ["HA0 1AA", "W3 9SL"],
            "pc3": ["NW10 2WQ", "W3 9SL"],
            "pc_change": [int(NEVER), int(NEVER)],
            "move_day": [day(2020, 1, 1), int(NEVER)],
        }
    )


def test_open_involvement_is_recorded_on_the_last_day_under_the_same_identity() -> None:
    persons = _persons()
    no_adoptions = pd.DataFrame({"pid": np.array([], int), "day": [], "surname": []})
    view = person_view(persons, np.array([0, 0]), np.array([day(2016, 1, 1), NEVER]), no_adoptions)
    assert list(view["nhs"]) == ["9434765919", "9434765919"]
    assert list(view["surname"]) == ["khan", "khan"]
    assert list(view["when"]) == [day(2016, 1, 1), LAST_DAY]
    assert not view["adopted_version"].any()
    assert view["postcode"].iloc[1] == "NW10 2WQ"


def test_adopted_child_takes_the_new_identity_from_the_adoption_day() -> None:
    persons = _persons()
    adoption = pd.DataFrame({"pid": [1], "day": [day(2019, 6, 1)], "surname": ["reid"]})
    when = np.array([day(2019, 5, 31), day(2019, 6, 1), NEVER])
    view = person_view(persons, np.array([1, 1, 1]), when, adoption)
    assert list(view["nhs"]) == ["9434765870", "4857773456", "4857773456"]
    assert list(view["surname"]) == ["cole", "reid", "reid"]
    assert list(view["adopted_version"]) == [False, True, True]


def test_every_identifier_row_is_dated_within_the_data(tiny_run: TinyRun) -> None:
    for path in tiny_run.landing.glob("identifiers/*/*/identifiers.csv"):
        dates = pd.read_csv(path, dtype=str)["record_date"]
        assert dates.notna().all(), f"{path}: a row without record_date"
        assert (dates <= "2025-03-31").all(), path
