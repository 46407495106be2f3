"""Children in need: referrals, assessments with factors, section 47, CP plans.

Every period of care is preceded by a CIN referral that stays open while the child is
looked after; other children are referred at a rate that rises with deprivation and
latent mental health severity. Episodes of one child never overlap.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthetic.arrays import MISSING
from synthetic.calendar import NEVER, add_years, day
from synthetic.params import Params
from synthetic.population import la_at
from synthetic.rng import component_rng

W0 = day(2012, 4, 1)
LAST_DAY = day(2025, 3, 31)
SOURCES = np.array(
    [
        "1A",
        "1B",
        "1C",
        "1D",
        "2A",
        "2B",
        "3A",
        "3B",
        "3C",
        "3D",
        "3E",
        "3F",
        "4",
        "5A",
        "5B",
        "5C",
        "5D",
        "6",
        "7",
        "8",
        "9",
        "10",
    ],
    dtype=object,
)
SOURCE_W = np.array([3, 3, 2, 2, 18, 2, 3, 3, 1, 2, 3, 2, 3, 5, 2, 2, 3, 25, 3, 8, 2, 3], float)
HEALTH_SOURCES = np.array([6, 7, 8, 9, 10, 11])
NEED = np.array(["N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9"], dtype=object)
NEED_W = np.array([50, 8, 5, 10, 15, 5, 1, 4, 2], float)
OTHER_FACTORS = np.array(
    ["1B", "2B", "3A", "3B", "4B", "5B", "6B", "10A", "11A", "14A", "16A", "17A", "18C", "24A"],
    dtype=object,
)
ABUSE = np.array(["NEG", "PHY", "SAB", "EMO", "MUL"], dtype=object)


def working_day(days: np.ndarray) -> np.ndarray:
    """Move Saturdays and Sundays to the following Monday (1 January 1970 was a Thursday)."""
    d = np.asarray(days, np.int64)
    dow = (d + 3) % 7  # Monday = 0
    return d + np.where(dow == 5, 2, np.where(dow == 6, 1, 0))


def _draw(rng: np.random.Generator, codes: np.ndarray, w: np.ndarray, n: int) -> np.ndarray:
    return codes[rng.choice(len(codes), size=n, p=w / w.sum())]


def simulate_cin(persons: pd.DataFrame, periods: pd.DataFrame, p: Params) -> pd.DataFrame:
    """One row per CIN episode (referral to closure) with its assessment, S47 and CP plan."""
    rng = component_rng(p.seed, "cin")
    # referrals leading into care
    pid_c = periods["pid"].to_numpy()
    start_c = periods["start"].to_numpy().astype(np.int64)
    end_c = periods["end"].to_numpy().astype(np.int64)
    nc = len(periods)
    lead = np.where(rng.random(nc) < 0.3, 0, rng.integers(1, 240, nc))
    ref_c = np.maximum(start_c - lead, persons["dob"].to_numpy()[pid_c])
    ref_c = np.maximum(ref_c, persons["arrive"].to_numpy()[pid_c])
    ref_c = np.minimum(ref_c, start_c)
    close_c = np.where(end_c >= int(NEVER), int(NEVER), end_c + rng.integers(0, 90, nc))
    close_c = np.where(close_c > LAST_DAY, int(NEVER), close_c)
    care = pd.DataFrame(
        {
            "pid": pid_c,
            "la": periods["la"].to_numpy(),
            "ref": ref_c,
            "close": close_c,
            "into_care": True,
            "exit": periods["exit"].to_numpy(),
            "period_id": periods["period_id"].to_numpy(),
        }
    )
    # other referrals
    n = len(persons)
    dob = persons["dob"].to_numpy().astype(np.int64)
    lo = np.maximum(np.maximum(persons["arrive"].to_numpy(), dob), W0).astype(np.int64)
    hi = np.minimum.reduce(
        [
            persons["leave"].to_numpy().astype(np.int64),
            persons["death"].to_numpy().astype(np.int64),
            add_years(dob, 18).astype(np.int64) - 1,
            np.full(n, LAST_DAY),
        ]
    )
    span = np.maximum(hi - lo, 0)
    rate = (
        0.03
        * np.where(persons["fsm"].to_numpy(), 2.5, 1.0)
        * np.exp(0.3 * persons["mh_sev"].to_numpy())
    )
    k = rng.poisson(rate * span / 365.25)
    rep = np.repeat(np.arange(n), k)
    ref_o = lo[rep] + (rng.random(len(rep)) * span[rep]).astype(np.int64)
    nfa = rng.random(len(rep)) < 0.25
    # no-further-action referrals close on the day or the next day
    length = np.where(nfa, rng.integers(0, 2, len(rep)), rng.gamma(1.5, 120, len(rep)) + 20)
    close_o = ref_o + length.astype(np.int64)
    close_o = np.where(close_o > LAST_DAY, int(NEVER), close_o)
    other = pd.DataFrame(
        {
            "pid": rep,
            "la": la_at(persons, rep, ref_o),
            "ref": ref_o,
            "close": close_o,
            "into_care": False,
            "exit": -1,
            "period_id": -1,
        }
    )
    cin = pd.concat([care, other], ignore_index=True).sort_values(
        ["pid", "ref", "into_care"], ascending=[True, True, False], ignore_index=True
    )
    # drop episodes that overlap an earlier one of the same child (care-led ones are kept)
    cm = cin.groupby("pid")["close"].cummax()
    prev_close = cm.groupby(cin["pid"]).shift(1)
    overlap = cin["ref"].to_numpy() <= prev_close.fillna(-1).to_numpy()
    keep = ~overlap | cin["into_care"].to_numpy()
    cin = cin[keep].reset_index(drop=True)
    # a care-led episode overlapping an earlier general one: close that one the day before
    nxt_ref = cin.groupby("pid")["ref"].shift(-1).to_numpy()
    clash = ~np.isnan(nxt_ref) & (cin["close"].to_numpy() >= np.nan_to_num(nxt_ref, nan=0))
    cin.loc[clash, "close"] = (nxt_ref[clash] - 1).astype(np.int64)
    bad = cin["close"].to_numpy() < cin["ref"].to_numpy()
    cin = cin[~bad].reset_index(drop=True)
    m = len(cin)
    ic = cin["into_care"].to_numpy()
    ref = cin["ref"].to_numpy().astype(np.int64)
    close = cin["close"].to_numpy().astype(np.int64)
    src = _draw(rng, SOURCES, SOURCE_W, m)
    # RQ3: referrals leading into care come from health more often
    health_src = ic & (rng.random(m) < 0.15)
    src = np.where(health_src, SOURCES[HEALTH_SOURCES[rng.integers(0, 6, m)]], src)
    need = _draw(rng, NEED, NEED_W, m)
    need = np.where(ic, np.where(rng.random(m) < 0.65, "N1", need), need)
    nfa = ~ic & (close - ref < 2) & (close < int(NEVER))
    asmt_start = ref + rng.integers(0, 10, m)
    asmt_auth = asmt_start + rng.integers(5, 45, m)
    has_asmt = ~nfa & (asmt_auth < np.minimum(close, LAST_DAY + 1))
    sev = persons["mh_sev"].to_numpy()[cin["pid"].to_numpy()]
    f_mh = has_asmt & (rng.random(m) < 1 / (1 + np.exp(-(-2.0 + 1.2 * sev))))
    f_sh = has_asmt & (rng.random(m) < 1 / (1 + np.exp(-(-3.5 + 1.2 * sev))))
    f_other1 = OTHER_FACTORS[rng.integers(0, len(OTHER_FACTORS), m)]
    f_other2 = OTHER_FACTORS[rng.integers(0, len(OTHER_FACTORS), m)]
    two = (rng.random(m) < 0.5) & (f_other1 != f_other2)
    factors = pd.Series(f_other1, dtype=object)
    factors = factors.where(~two, factors + "," + pd.Series(f_other2, dtype=object))
    factors = factors.where(~f_mh, factors + ",4A").where(~f_sh, lambda s: s + ",15A")
    factors = factors.where(has_asmt, None)
    s47 = has_asmt & ((ic & (rng.random(m) < 0.6)) | (~ic & (rng.random(m) < 0.15)))
    s47_day = ref + rng.integers(0, 15, m)
    icpc = s47 & (rng.random(m) < np.where(ic, 0.6, 0.35))
    icpc_day = working_day(s47_day + rng.integers(5, 15, m))
    cpp = icpc & (rng.random(m) < 0.85) & (icpc_day < np.minimum(close, LAST_DAY))
    cpp_end = icpc_day + rng.integers(90, 600, m)
    cpp_end = np.where(
        cpp_end >= np.minimum(close, LAST_DAY + 1),
        np.where(close < int(NEVER), close, int(NEVER)),
        cpp_end,
    )
    plan = has_asmt & ~cpp & (rng.random(m) < 0.35) & ~ic
    plan_start = asmt_auth + rng.integers(1, 20, m)
    plan_end = plan_start + rng.integers(60, 400, m)
    plan = plan & (plan_start < np.minimum(close, LAST_DAY))
    plan_end = np.where(
        plan_end >= close, np.where(close < int(NEVER), close, int(NEVER)), plan_end
    )
    plan_end = np.where(plan_end > LAST_DAY, int(NEVER), plan_end)
    ex = cin["exit"].to_numpy()
    closed_after_assessment = has_asmt & ~plan & ~s47 & ~cpp
    # an episode closed after its assessment closes soon after it, in the same census year
    # (so the assessment is in the return that reports the closure)
    from synthetic.calendar import collection_year, days_from_ymd

    auth_year_end = days_from_ymd(
        collection_year(np.minimum(asmt_auth, LAST_DAY)), np.full(m, 3), np.full(m, 31)
    )
    quick = ~ic & closed_after_assessment
    quick_close = np.maximum(
        asmt_auth, np.minimum(asmt_auth + rng.integers(0, 10, m), auth_year_end)
    )
    close = np.where(quick, quick_close, close)
    close = np.where(quick & (close > LAST_DAY), int(NEVER), close)
    cin["close"] = close
    # RC8/RC9 (closed after assessment) only for an assessment and nothing after it;
    # no-further-action referrals and episodes with plans close as RC7 (services ceased)
    reason = np.select(
        [
            nfa,
            ic & (ex == 0),
            ic & (ex == 1),
            ic & (ex == 4),
            ic & (ex == 5),
            ~ic & closed_after_assessment & (rng.random(m) < 0.3),
            ~ic & closed_after_assessment,
        ],
        ["RC7", "RC1", "RC4", "RC6", "RC2", "RC9", "RC8"],
        "RC7",
    ).astype(object)
    cat = ABUSE[rng.choice(5, m, p=[0.5, 0.07, 0.04, 0.33, 0.06])]
    cat2 = np.where(rng.random(m) < 0.1, ABUSE[rng.integers(0, 5, m)], cat)
    cin = cin.assign(
        source=src,
        need=need,
        nfa=nfa,
        asmt_start=np.where(has_asmt, asmt_start, NEVER),
        asmt_auth=np.where(has_asmt, asmt_auth, NEVER),
        factors=factors.to_numpy(),
        s47_day=np.where(s47, s47_day, NEVER),
        icpc_day=np.where(icpc, icpc_day, NEVER),
        cpp_start=np.where(cpp, icpc_day, NEVER),
        cpp_end=np.where(cpp, cpp_end, NEVER),
        cpp_cat=np.where(cpp, cat, MISSING),
        cpp_cat_latest=np.where(cpp, cat2, MISSING),
        plan_start=np.where(plan, plan_start, NEVER),
        plan_end=np.where(plan, plan_end, NEVER),
        close_reason=np.where(close < int(NEVER), reason, MISSING),
    )
    cin["cin_id"] = np.arange(len(cin), dtype=np.int64)
    return cin
