"""Identifier rows for a change of address (issue 6).

A GP practice records a family's new address some weeks after a move, and each hospital
record carries the patient's postcode at the event, so the GP and SUS identifier extracts
hold a row for the new address. Without those rows a family that moved borough and kept
its practice looked as if it still lived in the old borough.
"""

from __future__ import annotations

import pandas as pd

from synthetic.calendar import NEVER, day
from synthetic.params import Params
from synthetic.sources import LAST_DAY, address_change_rows, gp_address_rows

NO = int(NEVER)
PC_CHANGE, MOVE = day(2018, 5, 1), day(2020, 9, 1)


def _persons() -> pd.DataFrame:
    """Person 0 changes address within the borough, then moves borough; person 1 never
    moves; person 2's within-borough change comes after the move (no new address)."""
    return pd.DataFrame(
        {
            "pc_change": [PC_CHANGE, NO, day(2022, 1, 1)],
            "move_day": [MOVE, NO, day(2019, 1, 1)],
        }
    )


def test_a_health_key_gets_a_row_at_its_first_event_after_each_move() -> None:
    first = pd.DataFrame(
        {"pid": [0, 1], "ver": [0, 0], "day": [day(2016, 1, 1)] * 2, "key": ["k0", "k1"]}
    )
    events = pd.DataFrame(
        {
            "pid": [0, 0, 0, 0, 1, 1],
            "ver": [0] * 6,
            "day": [
                day(2016, 1, 1),
                day(2019, 2, 2),  # first event after the within-borough change
                day(2021, 3, 3),  # first event after the move
                day(2022, 4, 4),
                day(2016, 1, 1),
                day(2023, 1, 1),
            ],
        }
    )
    rows = address_change_rows(first, events, _persons())
    assert sorted(zip(rows["key"], rows["day"], strict=True)) == [
        ("k0", day(2019, 2, 2)),
        ("k0", day(2021, 3, 3)),
    ]


def test_no_row_when_every_event_is_at_one_address() -> None:
    first = pd.DataFrame({"pid": [0], "ver": [0], "day": [day(2021, 1, 1)], "key": ["k0"]})
    events = pd.DataFrame({"pid": [0, 0], "ver": [0, 0], "day": [day(2021, 1, 1), day(2022, 1, 1)]})
    assert address_change_rows(first, events, _persons()).empty


def test_a_practice_records_a_move_within_its_registration_a_few_weeks_late() -> None:
    regs = pd.DataFrame(
        {
            "pid": [0, 1, 2, 0],
            "ver": [0, 0, 0, 2],
            "start": [day(2015, 1, 1), day(2015, 1, 1), day(2015, 1, 1), day(2021, 1, 1)],
            "end": [NO, NO, NO, NO],
            "patient_id": ["g0", "g1", "g2", "g0dup"],
        }
    )
    rows = gp_address_rows(regs, _persons(), Params(seed=3))
    got = {(k, w) for k, w in zip(rows["source_record_id"], rows["when"], strict=True)}
    keys = sorted(k for k, _ in got)
    # g0: the within-borough change and the move; g2: the move only (its later change is
    # not a new address); g1 never moves; the duplicate starts after both changes
    assert keys == ["g0", "g0", "g2"]
    lags = sorted(w - d for k, w in got for d in (PC_CHANGE, MOVE) if k == "g0" and 0 < w - d < 90)
    assert len(lags) == 2 and all(7 <= lag <= 60 for lag in lags)
    assert all(w < LAST_DAY for _, w in got)


def test_no_row_for_a_move_after_the_registration_ends() -> None:
    regs = pd.DataFrame(
        {
            "pid": [0],
            "ver": [0],
            "start": [day(2015, 1, 1)],
            "end": [day(2018, 4, 1)],  # left the practice before either change
            "patient_id": ["g0"],
        }
    )
    assert gp_address_rows(regs, _persons(), Params(seed=3)).empty
