"""3+ placements calibration works both ways and never touches the planted RQ4 moves.

The cases are built so that calibration has work to do: background move rates several
times too high push every LA-year over its target (only leaving moves out can fix that),
and rates far too low leave every LA-year under it, with a quiet window (as the RQ4
outcome window) covering part of the year for the children with planted moves. The same
episodes keep two 903 rules that the rebuilds exposed: adopted children end in a placement
with adopters (rule 390) and SGOs to former foster carers follow a foster placement (516).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property

import numpy as np
import pandas as pd
import pytest

from synthetic import care
from synthetic.calendar import year_end, year_start
from synthetic.params import Params
from synthetic.population import simulate_population

YEARS = (2024, 2025)
QUIET_DAYS = 200


@contextmanager
def _numpy_strings() -> Iterator[None]:
    """As `synthetic.generate` runs: object string columns, pandas' warnings silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pd.option_context("future.infer_string", False):
            yield


class Case:
    """A population, its periods, planted moves and the quiet window after each of them."""

    def __init__(self, rate_factor: float) -> None:
        self.p = Params(
            seed=3,
            scale=0.1,
            years=(2023, 2025),
            move_rate_first_year=0.5 * rate_factor,
            move_rate_later=0.18 * rate_factor,
        )
        with _numpy_strings():
            self.persons = simulate_population(self.p)
            self.periods = care.simulate_periods(self.persons, self.p)
        self.moves = self._planted()
        self.plant_day = np.full(len(self.persons), np.nan)
        self.plant_day[self.periods["pid"].to_numpy()[self.moves["period_id"].to_numpy()]] = (
            self.moves["day"].to_numpy()
        )

    def _planted(self) -> pd.DataFrame:
        # every fourth child looked after across 2025 (not heading for adoption) is moved
        # 30 days into the year, as the RQ4 need process would
        ys = year_start(2025)
        per = self.periods
        ok = (per["start"] < ys) & (per["end"] > year_end(2025)) & (per["exit"] != 0)
        chosen = per[ok].iloc[::4]
        return pd.DataFrame(
            {"period_id": chosen["period_id"].to_numpy(), "day": ys + 30, "reason": "CREQB"}
        )

    def quiet(self, pid: np.ndarray, when: np.ndarray) -> np.ndarray:
        start = self.plant_day[pid]
        return ~np.isnan(start) & (when > start) & (when <= start + QUIET_DAYS)

    @cached_property
    def calibrated(self) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        """Episodes, calibration moves and dropped moves."""
        with _numpy_strings():
            return care.calibrate_placements(
                self.persons, self.periods, self.p, self.moves, quiet=self.quiet
            )

    def gaps(self, episodes: pd.DataFrame) -> np.ndarray:
        """Children with 3+ placements wanted minus those there are, [year, borough]."""
        return np.array(
            [
                care._gap_to_target(care.placements_in_year(episodes, self.periods, y), y)
                for y in YEARS
            ]
        )


def _starts(episodes: pd.DataFrame, rne: tuple[str, ...] = ("P", "B", "T")) -> set:
    moved = episodes[episodes["rne"].isin(rne)]
    return set(zip(moved["period_id"], moved["decom"], strict=True))


def _pairs(moves: pd.DataFrame) -> set:
    return set(zip(moves["period_id"], moves["day"], strict=True))


@pytest.fixture(scope="module")
def over() -> Case:
    return Case(rate_factor=4.0)


@pytest.fixture(scope="module")
def under() -> Case:
    return Case(rate_factor=0.3)


@pytest.mark.parametrize(
    ("which", "sign"),
    [("over", -1), ("under", 1)],
    ids=["over_target_comes_down", "under_target_comes_up"],
)
def test_each_la_year_meets_its_3plus_target_after_calibration(
    which: str, sign: int, request: pytest.FixtureRequest
) -> None:
    case: Case = request.getfixturevalue(which)
    with _numpy_strings():
        before = case.gaps(
            care.build_episodes(
                case.persons, case.periods, case.p, case.moves, quiet_moves=case.quiet
            )
        )
    # the case is meaningful: most LA-years start well off target in the expected direction
    assert (sign * before > 0).sum() >= 10
    assert (sign * before).clip(min=0).sum() >= 25
    episodes, _added, _dropped = case.calibrated
    after = case.gaps(episodes)
    # within one child of target (a child whose extra moves are all planted cannot go down)
    assert np.abs(after).max() <= 1, after


@pytest.mark.parametrize("which", ["over", "under"])
def test_planted_and_calibration_moves_are_never_dropped(
    which: str, request: pytest.FixtureRequest
) -> None:
    case: Case = request.getfixturevalue(which)
    episodes, added, dropped = case.calibrated
    assert len(added if which == "under" else dropped) > 20
    kept = _pairs(case.moves) | _pairs(added)
    assert not kept & _pairs(dropped)
    # every planted and calibration move still starts an episode
    assert kept <= _starts(episodes)
    # calibration moves keep out of the quiet (RQ4) window
    pid = case.periods["pid"].to_numpy()[added["period_id"].to_numpy()]
    assert not case.quiet(pid, added["day"].to_numpy()).any()


def test_h5_registration_episodes_are_not_taken_for_moves_to_drop(over: Case) -> None:
    # an H5 registration episode (same carer, 28 October 2023) is not a move: choosing it
    # to drop would leave the child at 3+ placements and the LA-year over target
    episodes, _added, dropped = over.calibrated
    registration = episodes[
        (episodes["rne"] == "T") & (episodes["decom"] == care.H5_REGISTRATION_DAY)
    ]
    assert len(registration) > 0
    assert not _pairs(dropped) & set(
        zip(registration["period_id"], registration["decom"], strict=True)
    )


def test_drop_moves_leaves_out_background_moves_only(over: Case) -> None:
    def build(drop: pd.DataFrame | None) -> pd.DataFrame:
        return care.build_episodes(
            over.persons, over.periods, over.p, over.moves, quiet_moves=over.quiet, drop_moves=drop
        )

    full = build(None)
    every_move = pd.DataFrame(sorted(_starts(full)), columns=["period_id", "day"])
    legal = _starts(full, ("L", "B"))
    left = build(every_move)
    # asked to drop every move, build_episodes keeps the planted moves, the placements
    # with adopters and the H5 registration episodes (same carer, not a move); same-day
    # legal-status changes stay as episodes (RNE L)
    adopters = full[full["place"].isin(care.ADOPTION_PLACEMENTS) & full["rne"].isin(["P", "B"])]
    registered = left[(left["decom"] == care.H5_REGISTRATION_DAY) & (left["rne"] == "T")]
    assert (registered["place"] == "H5").all()
    assert _starts(left) == _pairs(over.moves) | set(
        zip(adopters["period_id"], adopters["decom"], strict=True)
    ) | set(zip(registered["period_id"], registered["decom"], strict=True))
    assert legal <= _starts(left, ("L", "B"))


def test_adopted_children_end_in_a_placement_with_adopters(over: Case) -> None:
    # the placement with adopters is a new carer, never turned into a same-carer (T)
    # change of foster placement; 903 rule 390: adopted (E11/E12) means placed for adoption
    episodes = over.calibrated[0]
    adopted = episodes[episodes["rec"].isin(["E11", "E12"])]
    assert len(adopted) > 20
    assert adopted["place"].isin(care.ADOPTION_PLACEMENTS).all()


def test_sgo_to_former_foster_carers_only_from_a_foster_placement(over: Case) -> None:
    # 903 rule 516: REC E45/E46 needs a placement U1-U6; other SGOs are E47/E48
    episodes = over.calibrated[0]
    sgo = episodes[episodes["rec"].isin(["E45", "E46", "E47", "E48"])]
    fostered = sgo["place"].isin(["U1", "U2", "U3", "U4", "U5", "U6"])
    assert fostered.sum() > 20 and (~fostered).sum() > 0
    assert sgo.loc[~fostered, "rec"].isin(["E47", "E48"]).all()
