"""Identifiers as recorded on a day: the adoption switch, the end of the data and the
LA record of an adopted child (issue 6).

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
from synthetic.sources import csc_identity_day


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


def test_la_record_of_a_child_known_before_adoption_keeps_the_birth_identity_day() -> None:
    adopted_on = day(2019, 6, 1)
    first = np.array([day(2017, 1, 1), day(2017, 1, 1), day(2020, 2, 1), day(2017, 1, 1)])
    when = np.array([day(2017, 1, 1), day(2021, 3, 1), day(2021, 3, 1), day(2021, 3, 1)])
    adopted = np.array([adopted_on, adopted_on, adopted_on, int(NEVER)])
    got = csc_identity_day(first, when, adopted)
    # in care: unchanged; known before adoption, last seen after: the day before adoption;
    # first known after adoption: the new identity's day; never adopted: unchanged
    assert list(got) == [day(2017, 1, 1), adopted_on - 1, day(2021, 3, 1), day(2021, 3, 1)]


def test_la_identifiers_of_an_adopted_child_keep_the_identity_known_in_care(
    tiny_run: TinyRun,
) -> None:
    """The LA's identifier rows for a child it adopted out are dated before the adoption,
    so they carry the birth identity (the in-care health records' NHS number), never the
    adoptive surname and new NHS number."""
    adopted = []
    for path in tiny_run.landing.glob("ssda903/*/*/episodes.csv"):
        episodes = pd.read_csv(path, dtype=str, usecols=["CHILD", "DEC", "REC"])
        done = episodes[episodes["REC"].isin(["E11", "E12"])]
        adopted.append(done.assign(la=path.parent.parent.name))
    adoptions = pd.concat(adopted).drop_duplicates(["la", "CHILD"])
    adoptions["adopted_on"] = pd.to_datetime(adoptions["DEC"], format="%d/%m/%Y")
    assert len(adoptions) >= 1, "the tiny run should hold an adoption"
    rows = []
    for path in tiny_run.landing.glob("identifiers/csc/*/identifiers.csv"):
        ids = pd.read_csv(path, dtype=str, usecols=["source_record_id", "record_date"])
        rows.append(ids.assign(la=path.parent.name))
    csc = pd.concat(rows).merge(
        adoptions, left_on=["la", "source_record_id"], right_on=["la", "CHILD"]
    )
    assert len(csc) >= len(adoptions)
    late = csc[pd.to_datetime(csc["record_date"]) >= csc["adopted_on"]]
    assert late.empty, late.head().to_string()
