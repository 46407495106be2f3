"""H5 supported accommodation and its Ofsted registration on 28 October 2023 (903 rules
230 and 503F): a placement running through that day continues in a same-carer episode
that carries the URN, and the episode before it keeps the details of the earlier return."""

from __future__ import annotations

import pandas as pd

from synthetic.calendar import NEVER, day
from synthetic.care import H5_REGISTRATION_DAY, split_at_h5_registration


def _episodes() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "row": [0, 0, 1, 2],
            "day": [day(2022, 5, 1), day(2022, 9, 1), day(2023, 1, 1), day(2022, 1, 1)],
            "dec": [day(2022, 9, 1), int(NEVER), day(2023, 6, 1), day(2024, 2, 1)],
            "rne": ["S", "L", "S", "S"],
            "place": ["H5", "H5", "H5", "U4"],
            "urn": ["SC000001", "SC000001", "XXXXXXX", "XXXXXXX"],
            "rec": ["X1", None, "E8", "E13"],
        }
    )


def test_a_placement_running_through_registration_continues_in_a_registered_episode() -> None:
    out = split_at_h5_registration(_episodes())
    child = out[out["row"] == 0].reset_index(drop=True)
    assert list(child["rne"]) == ["S", "L", "T"]
    assert list(child["day"]) == [day(2022, 5, 1), day(2022, 9, 1), H5_REGISTRATION_DAY]
    assert list(child["dec"]) == [day(2022, 9, 1), H5_REGISTRATION_DAY, int(NEVER)]
    # unregistered before the day, registered (same URN for the rest of the placement) after
    assert list(child["urn"]) == ["XXXXXXX", "XXXXXXX", "SC000001"]
    # the split episode continues; the open episode is the new one
    assert list(child["rec"][:2]) == ["X1", "X1"]
    assert pd.isna(child["rec"].iloc[2])


def test_placements_ended_before_registration_or_not_h5_are_untouched() -> None:
    episodes = _episodes()
    out = split_at_h5_registration(episodes)
    assert len(out) == len(episodes) + 1
    for period in (1, 2):
        pd.testing.assert_frame_equal(
            out[out["row"] == period].reset_index(drop=True),
            episodes[episodes["row"] == period].reset_index(drop=True),
        )
