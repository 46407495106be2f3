"""Planted 903 corrections can be corrected (issue 6).

A `late_end` fault shows an episode still open in year Y's return and leaves out what
followed it. Year Y+1's return only holds episodes open in Y+1, so an episode that began
and ended in the omitted weeks would be in no return at all: the truth counted a
placement no pipeline could see. Faults are planted only where the next episode is still
open at 31 March.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthetic.calendar import day
from synthetic.params import Params
from synthetic.returns903 import plant_corrections

COPIES = 400  # each pattern many times: a fault is planted with probability 3%


def _episodes() -> pd.DataFrame:
    """Per copy, two periods ending an episode in the last 45 days of 2020-21: in period
    `lost` the next episode also ends before 31 March 2021; in `kept` it runs on."""
    rows = []
    for copy in range(COPIES):
        lost, kept = 2 * copy, 2 * copy + 1
        rows += [
            (lost, day(2020, 6, 1), day(2021, 3, 1), "X1", "first"),
            (lost, day(2021, 3, 1), day(2021, 3, 20), "X1", "short"),
            (lost, day(2021, 3, 20), day(2021, 9, 1), "E4A", "third"),
            (kept, day(2020, 6, 1), day(2021, 3, 1), "X1", "first"),
            (kept, day(2021, 3, 1), day(2021, 9, 1), "E4A", "second"),
        ]
    frame = pd.DataFrame(rows, columns=["period_id", "decom", "dec", "rec", "role"])
    return frame.assign(ls="C2", place="U1")


def test_a_late_end_is_planted_only_where_the_next_episode_runs_past_31_march() -> None:
    episodes = _episodes()
    faults = plant_corrections(episodes, Params(seed=11, years=(2016, 2025)))
    late = episodes.iloc[faults.loc[faults["kind"] == "late_end", "ep"].to_numpy()]
    # `first` of a `lost` period would hide `short`, which no later return holds;
    # `short` itself (followed by `third`, open at 31 March) and `first` of a `kept`
    # period (followed by `second`) are fair faults
    planted = set(zip(late["period_id"].to_numpy() % 2 == 1, late["role"], strict=True))
    assert planted == {(True, "first"), (False, "short")}
    assert np.all(late["dec"].to_numpy() > day(2021, 3, 31) - 45)
