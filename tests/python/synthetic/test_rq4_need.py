"""RQ4 need process: the need is the first need signal of any process, as the cohort
defines it, and early support depends on the recorded prior self-harm only."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthetic import need
from synthetic.calendar import year_end
from synthetic.codes import GP_SNOMED
from synthetic.params import Params

MH_CODES = {code for code, _, group in GP_SNOMED if group == "mental_health"}


def _periods() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period_id": [0, 1, 2],
            "pid": [0, 0, 1],
            "start": [100, 1000, 100],
            "end": [500, 1500, 400],
        }
    )


def test_first_signal_is_the_earliest_inside_the_period_with_the_cohort_tie_break() -> None:
    signals = pd.DataFrame(
        {
            "pid": [0, 0, 0, 0, 1],
            "day": [50, 300, 200, 1200, 401],
            "source": ["sdq", "gp_mh_code", "sdq", "sdq", "gp_mh_code"],
        }
    )
    tie = pd.DataFrame({"pid": [0], "day": [200], "source": ["mhsds_referral"]})
    first = need.first_signal_in_period(_periods(), pd.concat([signals, tie]))
    got = {int(r.period_id): (int(r.day), r.source) for r in first.itertuples()}
    # day 50 is before period 0; period 2 has no signal inside it (401 > end 400)
    assert got == {0: (200, "mhsds_referral"), 1: (1200, "sdq")}


def test_outcome_window_follows_each_of_several_needs() -> None:
    nd = pd.DataFrame({"pid": [0, 0, 1], "need_day": [100, 2000, 50]})
    pid = np.array([0, 0, 0, 0, 0, 1, 2])
    when = np.array([100, 101, 830, 831, 2100, 700, 101])
    assert need.in_outcome_window(nd, pid, when).tolist() == [
        False,
        True,
        True,
        False,
        True,
        True,
        False,
    ]
    # the exposure window starts on the need day itself
    assert need.in_exposure_window(nd, pid[:1], when[:1]).tolist() == [True]


@pytest.fixture(scope="module")
def world() -> dict:
    from synthetic.run import simulate

    return simulate(Params(scale=0.02, seed=7))


def _observed_first_signals(w: dict, p: Params) -> pd.DataFrame:
    """The cohort's need rule applied to the generated records (not to the need table)."""
    oc2 = w["oc2"][w["oc2"]["sdq_score"] >= p.rq4_need_sdq_threshold]
    cin = w["cin"]
    factors = cin["factors"].fillna("").astype(str).str.split(",")
    mh = factors.map(lambda f: "4A" in f or "15A" in f).to_numpy(dtype=bool)
    gp = w["gp_events"][w["gp_events"]["code"].isin(MH_CODES)]
    signals = pd.concat(
        [
            pd.DataFrame(
                {
                    "pid": oc2["pid"],
                    "day": [year_end(int(y)) for y in oc2["year"]],
                    "source": "sdq",
                }
            ),
            pd.DataFrame(
                {
                    "pid": cin["pid"].to_numpy()[mh],
                    "day": cin["asmt_start"].to_numpy()[mh],
                    "source": "cin_assessment_factor",
                }
            ),
            pd.DataFrame({"pid": gp["pid"], "day": gp["day"], "source": "gp_mh_code"}),
            pd.DataFrame(
                {"pid": w["refs"]["pid"], "day": w["refs"]["ref"], "source": "mhsds_referral"}
            ),
        ],
        ignore_index=True,
    ).astype({"pid": np.int64, "day": np.int64})
    return need.first_signal_in_period(w["periods"], signals)


def test_every_need_the_cohort_would_find_is_a_planted_need_on_its_date(world: dict) -> None:
    p: Params = world["params"]
    nd = world["need"]
    observed = _observed_first_signals(world, p)
    from synthetic.calendar import collection_year

    cy = collection_year(observed["day"].to_numpy())
    observed = observed[(cy >= p.years[0]) & (cy <= p.years[1])]
    planted = nd.set_index("period_id")["need_day"]
    both = observed.set_index("period_id")["day"].to_frame("observed").join(planted, how="inner")
    assert len(nd) >= 30
    # nearly every planted need is seen on its day (a few own needs are dated after the
    # child's 18th birthday or outside the health window and so leave no record)
    assert len(both) >= 0.9 * len(nd)
    assert (both["observed"] == both["need_day"]).mean() >= 0.97
    # and every period the cohort would pick up (under 18, in the years) is a planted one
    persons = world["persons"]
    dob = persons["dob"].to_numpy()[
        world["periods"].set_index("period_id").loc[observed["period_id"], "pid"].to_numpy()
    ]
    under_18 = (observed["day"].to_numpy() - dob) / 365.25 < 18
    missing = set(observed["period_id"][under_18]) - set(nd["period_id"])
    assert len(missing) <= 0.03 * len(nd), sorted(missing)[:10]


def test_early_support_depends_on_the_recorded_prior_self_harm_only(world: dict) -> None:
    nd = world["need"]
    none_before = nd[nd["prior_self_harm"] == 0]
    several = nd[nd["prior_self_harm"] >= 2]
    assert several["early"].mean() > none_before["early"].mean() + 0.2
    # severity is higher where more self-harm was recorded (the confounding path)
    assert several["severity"].mean() > none_before["severity"].mean() + 0.5
