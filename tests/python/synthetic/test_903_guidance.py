"""The 903 returns follow the DfE guide where the DfE validation rules check it.

Short breaks (LS V3/V4) carry no placement location (rules 398, 214, 420) but their
children have a previous-permanence row (rule 630); every child with a placement order
(LS E1) has a placed-for-adoption row (rule 553).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from synth_tiny import TinyRun

from synthetic.calendar import NEVER
from synthetic.landing import adoption_decisions, location_columns, short_break_starters


def _returns(tiny_run: TinyRun) -> list[tuple[int, dict[str, pd.DataFrame]]]:
    """(collection year, tables) of every 903 return."""
    return [
        (
            int(folder.name),
            {
                name: pd.read_csv(folder / f"{name}.csv", dtype=str)
                for name in ("episodes", "prev_perm", "placed_for_adoption")
            },
        )
        for folder in sorted(tiny_run.landing.glob("ssda903/*/*"))
    ]


def test_short_breaks_have_no_placement_location() -> None:
    ls = np.array(["V3", "V4", "C2", "V2"], dtype=object)
    uasc = np.array([False, False, False, True])
    home = np.array(["HA1 1AA"] * 4, dtype=object)
    place = np.array(["NW1 1AA"] * 4, dtype=object)
    urn = np.array(["SC123456", "XXXXXXX", "SC654321", "XXXXXXX"], dtype=object)
    cols = location_columns(ls, uasc, home, place, urn)
    assert list(cols["HOME_POST"]) == [None, None, "HA1 1AA", None]
    assert list(cols["PL_POST"]) == [None, None, "NW1 1AA", "NW1 1AA"]
    assert list(cols["URN"]) == [None, None, "SC654321", "XXXXXXX"]


def test_short_break_starters_are_the_years_v3_v4_children() -> None:
    eps = pd.DataFrame(
        {
            "pid": [1, 1, 2, 3, 4],
            "la": [0, 0, 1, 1, 2],
            "ls": ["V3", "V3", "V4", "V3", "C2"],
            "decom": [100, 130, 150, 50, 120],  # 3 started before the year, 4 not a break
        }
    )
    got = short_break_starters(eps, ys=90, ye=200)
    assert got.values.tolist() == [[1, 0], [2, 1]]


def test_every_placement_order_gets_a_decision_adopted_or_not() -> None:
    eps = pd.DataFrame(
        {
            "period_id": [10, 10, 11, 12],
            "pid": [1, 1, 2, 3],
            "la": [0, 0, 1, 1],
            "ls": ["C2", "E1", "E1", "C2"],
            "decom": [100, 500, 700, 100],
        }
    )
    adoptions = pd.DataFrame(
        {
            "period_id": [10, 12],
            "pid": [1, 3],
            "la": [0, 1],
            "decision": [450, 80],
            "day": [900, 300],
        }
    )
    got = adoption_decisions(eps, adoptions).sort_values("pid").reset_index(drop=True)
    assert got["pid"].tolist() == [1, 2, 3]
    # adopted: the adoption's own decision; not yet adopted: before the placement order
    assert got.loc[0, "decision"] == 450 and got.loc[0, "day"] == 900
    assert 700 - 120 < got.loc[1, "decision"] <= 700 - 20 and got.loc[1, "day"] == int(NEVER)
    assert got.loc[2, "decision"] == 80 and got.loc[2, "day"] == 300


def test_every_child_starting_care_has_previous_permanence(tiny_run: TinyRun) -> None:
    starters = 0
    for year, r in _returns(tiny_run):
        ep = r["episodes"]
        decom = pd.to_datetime(ep["DECOM"], format="%d/%m/%Y")
        new = ep[(ep["RNE"] == "S") & (decom >= pd.Timestamp(year - 1, 4, 1))]
        assert set(new["CHILD"]) <= set(r["prev_perm"]["CHILD"]), year
        starters += new["CHILD"].nunique()
    assert starters > 0


def test_every_placement_order_has_a_placed_for_adoption_row(tiny_run: TinyRun) -> None:
    orders = 0
    for year, r in _returns(tiny_run):
        e1 = set(r["episodes"][r["episodes"]["LS"] == "E1"]["CHILD"])
        pa = r["placed_for_adoption"]
        assert e1 <= set(pa["CHILD"]), year
        assert pa["DATE_PLACED"].notna().all()
        orders += len(e1)
    assert orders > 0


def test_adopters_legal_status_matches_their_number_and_sexes(tiny_run: TinyRun) -> None:
    allowed = {"L0": {"M1", "F1"}, "L11": {"MF"}, "L12": {"MM", "FF"}, "L2": {"MM", "FF"}}
    allowed["L4"] = {"MM", "FF"}
    ad1 = pd.concat(
        pd.read_csv(path, dtype=str) for path in tiny_run.landing.glob("ssda903/*/*/ad1.csv")
    )
    assert len(ad1) > 0
    for ls, sex, nb in ad1[["LS_ADOPTR", "SEX_ADOPTR", "NB_ADOPTR"]].itertuples(index=False):
        assert sex in allowed[ls], (ls, sex)
        assert (nb == "1") == (ls == "L0"), (ls, nb)
