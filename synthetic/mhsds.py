"""Mental health referrals and care contacts (MHSDS), with monthly resubmissions.

Three sources of referrals: the general child population (rate rising with latent
severity), looked-after children (a per-LA annual probability: the RQ1 planted LA
differences) and the RQ4 needs (first attended contact early or late as planned). The
first two are need signals for RQ4 (`background_referrals`, computed before need).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthetic import codes
from synthetic.areas import AREAS
from synthetic.calendar import NEVER, day, ymd
from synthetic.health import Windows, poisson_in
from synthetic.need import in_exposure_window
from synthetic.params import Params
from synthetic.population import la_at
from synthetic.rng import component_rng

LAST_DAY = day(2025, 3, 31)


def uniq_month_id(days: np.ndarray) -> np.ndarray:
    """NHS Digital UniqMonthID (April 2018 = 1417)."""
    y, m, _ = ymd(days)
    return ((y - 1900) * 12 + m - 3).astype(np.int64)


def background_referrals(
    persons: pd.DataFrame, periods: pd.DataFrame, w: Windows, p: Params
) -> pd.DataFrame:
    """Referrals outside the RQ4 need process (pid, day): the general child population
    (rate rising with latent severity) and looked-after children (a per-LA yearly chance,
    the RQ1 planted LA differences, rising with severity around the same mean).

    Computed before the RQ4 need process, which treats them as need signals.
    """
    rng = component_rng(p.seed, "mhsds.background")
    dob = persons["dob"].to_numpy().astype(np.int64)
    sev = persons["mh_sev"].to_numpy().astype(np.float64)
    lo = np.maximum(w.lo, dob + 4 * 365)
    r1, d1 = poisson_in(rng, lo, w.hi, p.mh_referral_per_year * np.exp(0.7 * sev - 0.245))
    # looked-after children: yearly chance by LA (RQ1); exp(0.5 sev - 0.125) has mean 1
    pr = np.array([p.cla_mh_referral_by_la[a.code] for a in AREAS])
    cp = periods["pid"].to_numpy()
    cs = np.maximum(periods["start"].to_numpy().astype(np.int64), dob[cp] + 4 * 365)
    ce = np.minimum(periods["end"].to_numpy().astype(np.int64), LAST_DAY + 1)
    rate = -np.log(1 - pr[periods["la"].to_numpy()]) * np.exp(0.5 * sev[cp] - 0.125)
    r2, d2 = poisson_in(rng, cs, ce, rate)
    out = pd.DataFrame({"pid": np.concatenate([r1, cp[r2]]), "day": np.concatenate([d1, d2])})
    return out[out["day"].to_numpy() <= LAST_DAY].reset_index(drop=True)


def simulate_referrals(
    persons: pd.DataFrame,
    periods: pd.DataFrame,
    need: pd.DataFrame,
    w: Windows,
    p: Params,
    background: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Referrals (one row each) and care contacts (one row each, latest state)."""
    rng = component_rng(p.seed, "mhsds")
    if background is None:
        background = background_referrals(persons, periods, w, p)
    pid = background["pid"].to_numpy()
    ref = background["day"].to_numpy()
    # children with an RQ4 need: no other referral in the 3 months from need, where it
    # could change the planted exposure (a referral that is itself the need signal is
    # replaced by the RQ4 referral); before and after, the RQ1 referrals go on
    clash = in_exposure_window(need, pid, ref)
    pid, ref = pid[~clash], ref[~clash]
    kind = np.zeros(len(pid), np.int8)
    first = ref + rng.integers(7, 150, len(pid))
    # RQ4 referrals: on the need day when the referral records the need, else soon after
    has_first = need["first_contact"].to_numpy() >= 0
    keep = need["referred"].to_numpy().astype(bool)
    nref = need["need_day"].to_numpy() + rng.integers(0, 14, len(need))
    nref = np.where(has_first, np.minimum(nref, need["first_contact"].to_numpy() - 1), nref)
    on_need_day = (need["source"].to_numpy() == "mhsds_referral") | (
        (need["source"].to_numpy() == "own") & ~need["recorded_at_gp"].to_numpy().astype(bool)
    )
    nref = np.where(on_need_day, need["need_day"].to_numpy(), nref)
    pid = np.concatenate([pid, need["pid"].to_numpy()[keep]])
    ref = np.concatenate([ref, nref[keep]])
    first = np.concatenate(
        [first, np.where(has_first, need["first_contact"].to_numpy(), NEVER)[keep]]
    )
    kind = np.concatenate([kind, np.ones(keep.sum(), np.int8)])
    ok = ref <= LAST_DAY
    pid, ref, first, kind = pid[ok], ref[ok], first[ok], kind[ok]
    n = len(pid)
    length = rng.gamma(1.6, 130, n).astype(np.int64) + 30
    disch = np.maximum(first, ref) + length
    disch = np.where(first >= int(NEVER), ref + rng.integers(30, 200, n), disch)
    disch = np.where(disch > LAST_DAY, NEVER, disch)
    la = la_at(persons, pid, ref)
    trust = np.array([a.mh_trust for a in AREAS], dtype=object)[la]
    refs = pd.DataFrame(
        {
            "pid": pid,
            "ref": ref,
            "first": first,
            "disch": disch,
            "kind": kind,
            "la": la,
            "org": trust,
        }
    )
    refs = refs.sort_values(["pid", "ref"], ignore_index=True)
    refs["ref_id"] = np.arange(len(refs), dtype=np.int64)
    m = len(refs)
    src = np.array(list(codes.MH_SOURCE_OF_REFERRAL), dtype=object)
    refs["source"] = src[rng.choice(len(src), m, p=[0.35, 0.1, 0.2, 0.2, 0.05, 0.1])]
    reasons = np.array(list(codes.MH_PRIMARY_REASON), dtype=object)
    refs["reason"] = reasons[rng.integers(0, len(reasons), m)]
    teams = np.array(list(codes.MH_TEAM_TYPE), dtype=object)
    refs["team"] = teams[rng.choice(len(teams), m, p=[0.15, 0.35, 0.1, 0.4])]
    # contacts: the first attended one at `first`, then a Poisson number more
    f = refs["first"].to_numpy()
    d = refs["disch"].to_numpy()
    r0 = refs["ref"].to_numpy()
    end = np.minimum(d, LAST_DAY + 1)
    has = f < end
    k = np.where(has, rng.poisson(5, m), 0)
    rows = np.repeat(np.arange(m), k)
    when = f[rows] + (rng.random(len(rows)) * np.maximum(end[rows] - f[rows], 1)).astype(np.int64)
    # some DNA / cancelled contacts before the first attended one
    pre = rng.random(m) < 0.3
    pre_rows = np.flatnonzero(pre & (f - r0 > 3))
    pre_when = r0[pre_rows] + (
        rng.random(len(pre_rows))
        * np.maximum(np.minimum(f[pre_rows], end[pre_rows]) - r0[pre_rows], 1)
    ).astype(np.int64)
    first_rows = np.flatnonzero(has)
    c_rows = np.concatenate([first_rows, rows, pre_rows])
    c_when = np.concatenate([f[first_rows], when, pre_when])
    c_kind = np.concatenate(
        [
            np.zeros(len(first_rows), np.int8),
            np.ones(len(rows), np.int8),
            np.full(len(pre_rows), 2, np.int8),
        ]
    )
    u = rng.random(len(c_rows))
    attend = np.where(
        c_kind == 0,
        np.where(u < 0.9, "5", "6"),
        np.where(
            c_kind == 2,
            np.where(u < 0.5, "3", np.where(u < 0.8, "2", "4")),
            np.where(
                u < 0.75,
                "5",
                np.where(
                    u < 0.82,
                    "6",
                    np.where(u < 0.9, "3", np.where(u < 0.95, "2", np.where(u < 0.98, "4", "7"))),
                ),
            ),
        ),
    )
    # later contacts are never before the first attended one
    contacts = pd.DataFrame(
        {
            "ref_id": c_rows,
            "pid": refs["pid"].to_numpy()[c_rows],
            "day": c_when,
            "attend": attend,
            "mech": np.array(list(codes.MH_CONS_MECHANISM), dtype=object)[
                rng.choice(3, len(c_rows), p=[0.7, 0.2, 0.1])
            ],
        }
    )
    contacts = contacts[contacts["day"] <= LAST_DAY]
    # earlier referrals' contacts must not change the RQ4 planned exposure either
    other = refs["kind"].to_numpy()[contacts["ref_id"].to_numpy()] == 0
    blur = other & in_exposure_window(need, contacts["pid"].to_numpy(), contacts["day"].to_numpy())
    contacts = contacts[~blur]
    contacts = contacts.sort_values(["ref_id", "day"], ignore_index=True)
    contacts["contact_id"] = np.arange(len(contacts), dtype=np.int64)
    return refs, contacts


def submissions(
    refs: pd.DataFrame, contacts: pd.DataFrame, p: Params
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Monthly submission rows: MHS101 and MHS102 per open month, MHS201 per contact month.

    A referral appears in every month it is open (ServDischDate only from the month of
    discharge); 8% of contacts are submitted again the next month, and where the first
    submission said DNA (3) some resubmissions correct it to attended.
    """
    rng = component_rng(p.seed, "mhsds.submissions")
    m0 = uniq_month_id(refs["ref"].to_numpy())
    last = uniq_month_id(np.array([LAST_DAY]))[0]
    m1 = np.where(
        refs["disch"].to_numpy() >= int(NEVER),
        last,
        uniq_month_id(np.minimum(refs["disch"].to_numpy(), LAST_DAY)),
    )
    k = (m1 - m0 + 1).astype(np.int64)
    rows = np.repeat(np.arange(len(refs)), k)
    off = np.arange(len(rows)) - np.repeat(np.cumsum(k) - k, k)
    month = m0[rows] + off
    disch_shown = month >= m1[rows]
    r101 = pd.DataFrame(
        {
            "month": month,
            "ref_id": refs["ref_id"].to_numpy()[rows],
            "pid": refs["pid"].to_numpy()[rows],
            "ref": refs["ref"].to_numpy()[rows],
            "source": refs["source"].to_numpy()[rows],
            "reason": refs["reason"].to_numpy()[rows],
            "disch": np.where(
                disch_shown & (refs["disch"].to_numpy()[rows] < int(NEVER)),
                refs["disch"].to_numpy()[rows],
                NEVER,
            ),
            "org": refs["org"].to_numpy()[rows],
            "team": refs["team"].to_numpy()[rows],
        }
    )
    cm = uniq_month_id(contacts["day"].to_numpy())
    again = (rng.random(len(contacts)) < 0.08) & (cm < last)
    first_attend = contacts["attend"].to_numpy().copy()
    corrected = again & (rng.random(len(contacts)) < 0.3) & np.isin(first_attend, ["5", "6"])
    first_attend = np.where(corrected, "3", first_attend)
    c1 = contacts.assign(month=cm, attend=first_attend)
    c2 = contacts[again].assign(month=cm[again] + 1)
    r201 = pd.concat([c1, c2], ignore_index=True).sort_values(
        ["month", "contact_id"], ignore_index=True
    )
    return r101, r101[["month", "ref_id", "team"]], r201
