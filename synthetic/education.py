"""Schools: UPN allocation, termly pupil-level census rows, exclusions and KS4 results.

A child in a state school starts reception in the September after turning four and
stays until Year 11. `<year>` of a census folder is the academic year named by its end
(2024 = 2023/24): autumn census on 5 October, spring on 18 January, summer on 16 May.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from synthetic.areas import AREAS
from synthetic.arrays import MISSING
from synthetic.calendar import NEVER, day, days_from_ymd, ymd
from synthetic.ids import make_temporary_upns, make_upns
from synthetic.params import Params
from synthetic.population import la_at, resident_mask
from synthetic.rng import component_rng

TERMS = ("autumn", "spring", "summer")
EXCLUSION_REASONS = np.array(
    ["PP", "PA", "VP", "VA", "BU", "RA", "SM", "DA", "DM", "TH", "DB", "OT"], dtype=object
)
EXCL_W = np.array([30, 8, 3, 4, 3, 1, 2, 3, 1, 2, 25, 18], float)


def census_day(year: int, term: str) -> int:
    """Census day of a term of the academic year ending in `year`."""
    return {"autumn": day(year - 1, 10, 5), "spring": day(year, 1, 18), "summer": day(year, 5, 16)}[
        term
    ]


def term_bounds(year: int, term: str) -> tuple[int, int]:
    """First and last day of a term (used for exclusions)."""
    return {
        "autumn": (day(year - 1, 9, 3), day(year - 1, 12, 20)),
        "spring": (day(year, 1, 6), day(year, 3, 31)),
        "summer": (day(year, 4, 15), day(year, 7, 20)),
    }[term]


@dataclass
class Pupils:
    """Per-person school facts used by every census term."""

    reception_year: np.ndarray  # calendar year of the September of reception
    upn: np.ndarray  # permanent UPN or None
    temp_upn: np.ndarray  # temporary UPN or None
    temp_until: np.ndarray  # day from which the permanent UPN is used
    issue_day: np.ndarray  # first day on a school roll (NEVER if never)
    issue_la: np.ndarray
    sen: np.ndarray  # N/K/E
    absence: np.ndarray  # absence propensity
    n_primary: np.ndarray  # schools per LA
    n_secondary: np.ndarray


def n_schools(p: Params) -> tuple[np.ndarray, np.ndarray]:
    """Primary and secondary school counts per borough at this scale."""
    kids = np.array([a.children_2025 for a in AREAS]) * p.scale
    return np.maximum(1, np.round(kids * 7 / 18 / 420)).astype(int), np.maximum(
        1, np.round(kids * 5 / 18 / 1000)
    ).astype(int)


def school_of(pid: np.ndarray, la: np.ndarray, secondary: np.ndarray, p: Params) -> np.ndarray:
    """LAESTAB (LA number * 10000 + establishment) of a pupil's school."""
    n_prim, n_sec = n_schools(p)
    h = (pid * 2654435761 + la * 97) % 100003
    estab = np.where(secondary, 4000 + h % n_sec[la], 2000 + h % n_prim[la])
    la_num = np.array([a.dfe_number for a in AREAS])[la]
    return (la_num * 10000 + estab).astype(np.int64)


def allocate_pupils(persons: pd.DataFrame, ever_cla: np.ndarray, p: Params) -> Pupils:
    """Decide who is in a state school and allocate UPNs (some start on a temporary UPN)."""
    rng = component_rng(p.seed, "education.upn")
    n = len(persons)
    y, m, _ = ymd(persons["dob"].to_numpy())
    reception = (y + 4 + (m >= 9)).astype(np.int64)
    start = days_from_ymd(reception, np.full(n, 9), np.full(n, 3)).astype(np.int64)
    end = days_from_ymd(reception + 12, np.full(n, 7), np.full(n, 20)).astype(np.int64)
    arrive = persons["arrive"].to_numpy().astype(np.int64)
    first = np.maximum(start, arrive)
    leave = np.minimum(persons["leave"].to_numpy(), persons["death"].to_numpy()).astype(np.int64)
    state = persons["state_school"].to_numpy() | ever_cla
    pupil = state & (first < np.minimum(end, leave)) & (first <= day(2025, 7, 20))
    issue = np.where(pupil, first, NEVER).astype(np.int64)
    la = la_at(persons, np.arange(n), np.minimum(issue, day(2025, 7, 20))).astype(np.int64)
    iy, _, _ = ymd(np.minimum(issue, day(2025, 7, 20)))
    secondary = (iy - reception) >= 7
    laestab = school_of(persons["pid"].to_numpy(), la, secondary, p)
    frame = pd.DataFrame({"estab": laestab, "yy": iy})
    serial = frame.groupby(["estab", "yy"]).cumcount().to_numpy()
    la_num = laestab // 10000
    upn = make_upns(la_num, laestab % 10000, iy, serial)
    temp = make_temporary_upns(rng, la_num, laestab % 10000, iy)
    has_temp = pupil & (rng.random(n) < p.errors.temporary_upn_pupils)
    temp_until = np.where(has_temp, issue + rng.integers(60, 300, n), issue)
    u = rng.random(n)
    sen = np.where(
        ever_cla,
        np.where(u < 0.25, "E", np.where(u < 0.55, "K", "N")),
        np.where(u < 0.04, "E", np.where(u < 0.17, "K", "N")),
    ).astype(object)
    absence = rng.gamma(2.0, 0.5, n) * np.where(ever_cla, 1.5, 1.0)
    n_prim, n_sec = n_schools(p)
    return Pupils(
        reception,
        np.where(pupil, upn.astype(object), MISSING),
        np.where(has_temp, temp.astype(object), MISSING),
        temp_until,
        issue,
        la,
        sen,
        absence,
        n_prim,
        n_sec,
    )


def iter_census(
    persons: pd.DataFrame, pupils: Pupils, ever_cla: np.ndarray, p: Params
) -> Iterator[tuple[int, str, pd.DataFrame, pd.DataFrame]]:
    """Yield (year, term, pupilonroll rows, exclusion rows) with an `la` column, term by term."""
    rng = component_rng(p.seed, "education.census")
    pid = persons["pid"].to_numpy()
    dob = persons["dob"].to_numpy()
    sev = persons["mh_sev"].to_numpy()
    has_temp_all = pd.notna(pupils.temp_upn)
    cand = np.flatnonzero(
        (pupils.issue_day < NEVER)
        & (pupils.reception_year + 12 >= p.years[0] - 1)
        & (pupils.reception_year <= p.years[1])
    )
    for year in range(p.years[0], p.years[1] + 1):
        for term in TERMS:
            cday = census_day(year, term)
            nc_c = (year - 1) - pupils.reception_year[cand]
            sub = cand[(nc_c >= 0) & (nc_c <= 11) & (pupils.issue_day[cand] <= cday)]
            on = resident_mask(persons, sub, np.full(len(sub), cday, np.int64))
            idx = sub[on]
            nc = np.zeros(len(persons), np.int64)
            nc[idx] = (year - 1) - pupils.reception_year[idx]
            when = np.full(len(persons), cday, np.int64)
            la = la_at(persons, idx, when[idx]).astype(np.int64)
            secondary = nc[idx] >= 7
            laestab = school_of(pid[idx], la, secondary, p)
            phase_start = days_from_ymd(
                pupils.reception_year[idx] + np.where(secondary, 7, 0),
                np.full(len(idx), 9),
                np.full(len(idx), 3),
            )
            mv = persons["move_day"].to_numpy()[idx]
            entry = np.maximum.reduce(
                [
                    phase_start.astype(np.int64),
                    persons["arrive"].to_numpy()[idx].astype(np.int64),
                    np.where(mv <= cday, mv, 0).astype(np.int64),
                ]
            )
            has_temp = has_temp_all[idx]
            use_temp = has_temp & (cday < pupils.temp_until[idx])
            upn = np.where(use_temp, pupils.temp_upn[idx], pupils.upn[idx])
            former = np.where(~use_temp & has_temp, pupils.temp_upn[idx], None)
            possible = {"autumn": 140, "spring": 116, "summer": 122}[term]
            k = len(idx)
            poss = np.full(k, possible) - rng.integers(0, 6, k) * 2
            rate = np.minimum(0.04 * pupils.absence[idx], 0.6)
            absent = rng.binomial(poss, rate)
            unauth = rng.binomial(absent, np.where(ever_cla[idx], 0.35, 0.22))
            ncy = np.where(nc[idx] == 0, "R", nc[idx].astype(str)).astype(object)
            roll = pd.DataFrame(
                {
                    "la": la,
                    "pid": pid[idx],
                    "upn": upn,
                    "formerupn": former,
                    "dob": dob[idx],
                    "gender": np.where(persons["male"].to_numpy()[idx], "M", "F"),
                    "ethnicity": persons["ethnic"].to_numpy()[idx],
                    "laestab": laestab,
                    "entrydate": entry,
                    "enrolstatus": "C",
                    "ncyearactual": ncy,
                    "senprovision": pupils.sen[idx],
                    "fsmeligible": persons["fsm"].to_numpy()[idx].astype(np.int8),
                    "termlysessionspossible": poss,
                    "termlysessionsauthorised": absent - unauth,
                    "termlysessionsunauthorised": unauth,
                }
            )
            # exclusions
            p_ex = (
                0.010 * np.exp(0.6 * sev[idx]) * np.where(ever_cla[idx], 3.0, 1.0) * (nc[idx] >= 3)
            )
            ex = rng.random(k) < np.minimum(p_ex, 0.5)
            j = np.flatnonzero(ex)
            t0, t1 = term_bounds(year, term)
            u = rng.random(len(j))
            cat = np.where(u < 0.02, "PERM", np.where(u < 0.08, "LNCH", "FIXD")).astype(object)
            excl = pd.DataFrame(
                {
                    "la": la[j],
                    "pid": pid[idx][j],
                    "upn": upn[j],
                    "laestab": laestab[j],
                    "startdate": rng.integers(t0, t1, len(j)),
                    "sessions": np.where(cat == "LNCH", 1, rng.integers(1, 11, len(j))),
                    "category": cat,
                    "reason": EXCLUSION_REASONS[
                        rng.choice(len(EXCLUSION_REASONS), len(j), p=EXCL_W / EXCL_W.sum())
                    ],
                }
            )
            yield year, term, roll, excl


def ks4_results(
    roll_summer: pd.DataFrame, persons: pd.DataFrame, ever_cla: np.ndarray, p: Params, year: int
) -> pd.DataFrame:
    """Attainment 8 and basics for Year 11 pupils in the summer census."""
    rng = component_rng(p.seed, f"education.ks4.{year}")
    y11 = roll_summer[roll_summer["ncyearactual"] == "11"]
    pid = y11["pid"].to_numpy()
    att8 = (
        47
        + 15 * persons["ability"].to_numpy()[pid]
        - 18 * ever_cla[pid]
        - 5 * persons["fsm"].to_numpy()[pid]
        + rng.normal(0, 6, len(pid))
    )
    att8 = np.round(np.clip(att8, 0, 90), 1)
    basics = (rng.random(len(pid)) < 1 / (1 + np.exp(-(att8 - 45) / 6))).astype(np.int8)
    return pd.DataFrame(
        {
            "la": y11["la"].to_numpy(),
            "pid": pid,
            "upn": y11["upn"].to_numpy(),
            "laestab": y11["laestab"].to_numpy(),
            "year": year,
            "att8": att8,
            "basics_94": basics,
        }
    )
