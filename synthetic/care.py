"""Periods of care and their episodes (903 semantics), calibrated per borough.

A period of care is a run of chained episodes: the first starts with RNE S, each later
one starts the day the previous ended with REC X1. Changes inside a period are legal
status changes (RNE L), placement changes (P, T) or both (B). Short breaks (LS V3) are
separate single-episode periods for a few disabled children.

Calibration: entry into care is a person-level draw with probability
`c[la] * w[ethnic group, sex] * g[la, entry year]`; `c` and `g` are solved in a few
vectorised passes so that the count looked after at 31 March matches the published
count (times the scale) in each borough and year. The share with 3+ placements in the year
is then brought to its target both ways (`calibrate_placements`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from synthetic.areas import AREAS, cla_target, stability_target
from synthetic.arrays import MISSING
from synthetic.calendar import (
    NEVER,
    add_years,
    collection_year,
    day,
    year_end,
    year_start,
)
from synthetic.params import Params
from synthetic.population import GROUP_MIX, GROUPS, la_at, resident_mask
from synthetic.rng import component_rng

LAST_DAY = day(2025, 3, 31)
AGE_BANDS = ("<1", "1-4", "5-9", "10-15", "16+")
BAND_LIMITS = (
    (0, 365),
    (365, 5 * 365),
    (5 * 365, 10 * 365),
    (10 * 365, 16 * 365),
    (16 * 365 + 4, 18 * 365 - 20),
)
# per band: share short, short mean days, long mean years, exit mix for long stays
SHORT_SHARE = (0.22, 0.33, 0.40, 0.45, 0.22)
SHORT_MEAN = (120, 150, 160, 170, 150)
LONG_MEAN_YEARS = (2.2, 2.8, 5.0, 6.0, 3.0)
# exits before 18 for long stays: adoption, SGO, home, other
LONG_EXIT_MIX = (
    (0.50, 0.25, 0.20, 0.05),
    (0.30, 0.30, 0.32, 0.08),
    (0.02, 0.25, 0.58, 0.15),
    (0.0, 0.10, 0.65, 0.25),
    (0.0, 0.0, 0.55, 0.45),
)
PLACE_BY_AGE = {
    "young": (
        ("U6", 0.45),
        ("U4", 0.2),
        ("U3", 0.15),
        ("U1", 0.08),
        ("P1", 0.05),
        ("U5", 0.04),
        ("R3", 0.03),
    ),
    "older": (
        ("U6", 0.35),
        ("U4", 0.2),
        ("U3", 0.1),
        ("U1", 0.07),
        ("K2", 0.2),
        ("P1", 0.04),
        ("K1", 0.01),
        ("S1", 0.02),
        ("R1", 0.01),
    ),
    "leaving": (("U6", 0.2), ("U4", 0.1), ("U3", 0.05), ("K2", 0.15), ("H5", 0.45), ("P2", 0.05)),
}
REASON_CHANGE = (
    ("CARPL", 0.36),
    ("CREQB", 0.10),
    ("CREQO", 0.08),
    ("CHILD", 0.06),
    ("LAREQ", 0.08),
    ("CLOSE", 0.05),
    ("ALLEG", 0.02),
    ("STAND", 0.03),
    ("APPRR", 0.01),
    ("OTHER", 0.21),
)


def _choice(rng: np.random.Generator, table: tuple[tuple[str, float], ...], n: int) -> np.ndarray:
    codes = np.array([c for c, _ in table], dtype=object)
    w = np.array([x for _, x in table])
    return codes[rng.choice(len(codes), size=n, p=w / w.sum())]


def _selection_weights(persons: pd.DataFrame, la: np.ndarray, p: Params) -> np.ndarray:
    """Relative entry propensity so that CLA sex and ethnic mix follow the England figures."""
    group = persons["group"].to_numpy()
    male = persons["male"].to_numpy()
    mix = np.array([GROUP_MIX[a.code] for a in AREAS])  # [la, group]
    target = np.array([p.cla_ethnic_mix[g] for g in GROUPS])
    w_group = target[None, :] / mix
    w_group = w_group / (w_group * mix).sum(axis=1, keepdims=True)
    w_sex = np.where(male, p.cla_male_share / 0.512, (1 - p.cla_male_share) / 0.488)
    return w_group[la, group] * w_sex


def _period_draws(persons: pd.DataFrame, p: Params, rng: np.random.Generator) -> pd.DataFrame:
    """For every person, a candidate first period of care (start, end, exit kind)."""
    n = len(persons)
    dob = persons["dob"].to_numpy().astype(np.int64)
    probs = np.array([p.cla_age_at_entry[b] for b in AGE_BANDS])
    band = rng.choice(len(AGE_BANDS), size=n, p=probs / probs.sum())
    lo = np.array([b[0] for b in BAND_LIMITS])[band]
    hi = np.array([b[1] for b in BAND_LIMITS])[band]
    age_days = rng.uniform(lo, hi)
    newborn = (band == 0) & (rng.random(n) < 0.35)
    age_days = np.where(newborn, rng.uniform(0, 14, n), age_days)
    start = (dob + age_days).astype(np.int64)
    eighteenth = add_years(dob, 18).astype(np.int64)
    short = rng.random(n) < np.array(SHORT_SHARE)[band]
    dur_short = rng.exponential(np.array(SHORT_MEAN)[band]) + 7
    dur_long = rng.gamma(2.0, np.array(LONG_MEAN_YEARS)[band] * 365.25 / 2.0)
    dur = np.where(short, dur_short, dur_long)
    end = start + np.maximum(dur, 2).astype(np.int64)
    exit_kind = np.full(n, 2, np.int8)  # 0 adoption, 1 SGO, 2 home, 3 other, 4 at 18, 5 died
    mix = np.array(LONG_EXIT_MIX)[band]
    u = rng.random(n)
    exit_kind = np.where(~short, (u[:, None] > np.cumsum(mix, axis=1)).sum(axis=1), exit_kind)
    exit_kind = np.where(short & (rng.random(n) < 0.2), 3, exit_kind).astype(np.int8)
    at18 = end >= eighteenth
    end = np.where(at18, eighteenth, end)
    exit_kind = np.where(at18, 4, exit_kind)
    death = persons["death"].to_numpy().astype(np.int64)
    died = death < end
    end = np.where(died, death, end)
    exit_kind = np.where(died, 5, exit_kind)
    # the 903 never has DEC on 31 March in this generator (keeps the 31 March rules unambiguous)
    _y, m, d = _ymd(end)
    end = np.where((m == 3) & (d == 31), end - 1, end)
    valid = (
        (start >= persons["arrive"].to_numpy())
        & (start < persons["leave"].to_numpy())
        & (start < death)
        & (start <= LAST_DAY)
        & (end > start)
    )
    uasc = (band == 4) & (rng.random(n) < p.uasc_share_16plus)
    return pd.DataFrame(
        {
            "pid": persons["pid"].to_numpy(),
            "start": start,
            "end": end,
            "exit": exit_kind,
            "band": band,
            "valid": valid,
            "uasc": uasc,
            "short": short,
        }
    )


def _ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    from synthetic.calendar import ymd

    return ymd(days)


def _stock(starts: np.ndarray, ends: np.ndarray, la: np.ndarray, years: np.ndarray) -> np.ndarray:
    """Count open at 31 March by [la, year index]."""
    out = np.zeros((len(AREAS), len(years)))
    for j, y in enumerate(years):
        ye = year_end(int(y))
        open_ = (starts <= ye) & (ends > ye)
        out[:, j] = np.bincount(la[open_], minlength=len(AREAS))
    return out


def simulate_periods(persons: pd.DataFrame, p: Params) -> pd.DataFrame:
    """Periods of care (non short-break) for the selected children, calibrated to targets."""
    rng = component_rng(p.seed, "care.periods")
    cand = _period_draws(persons, p, rng)
    n = len(cand)
    idx = np.arange(n)
    la = la_at(persons, idx, np.minimum(cand["start"].to_numpy(), int(NEVER) - 1)).astype(np.int64)
    w = _selection_weights(persons, la, p)
    # entries at older ages are less often valid (the child must still live here): reweight
    # by band so that the age at entry of starters follows the target mix
    band = cand["band"].to_numpy()
    inside = cand["start"].to_numpy() <= LAST_DAY  # ignore entries cut off by the end of data
    valid_rate = np.bincount(
        band[inside], weights=cand["valid"].to_numpy()[inside], minlength=len(AGE_BANDS)
    ) / np.maximum(np.bincount(band[inside], minlength=len(AGE_BANDS)), 1)
    w = w / np.maximum(valid_rate[band], 1e-6) * valid_rate.mean()
    u = rng.random(n)
    # re-entry: a second period after a return home
    re = (rng.random(n) < p.reentry_share * 1.6) & np.isin(cand["exit"].to_numpy(), (2, 3))
    gap = rng.exponential(365, n) + 30
    s2 = cand["end"].to_numpy() + gap.astype(np.int64)
    dob = persons["dob"].to_numpy().astype(np.int64)
    e18 = add_years(dob, 18).astype(np.int64)
    d2 = rng.gamma(1.5, 365.0, n).astype(np.int64) + 14
    e2 = np.minimum(s2 + d2, e18)
    re = re & (s2 < e18 - 30) & (s2 <= LAST_DAY) & (s2 < persons["death"].to_numpy())
    e2 = np.where(persons["death"].to_numpy() < e2, persons["death"].to_numpy(), e2)
    _y, m, d = _ymd(e2)
    e2 = np.where((m == 3) & (d == 31), e2 - 1, e2)
    years = np.arange(2008, 2026)
    target = np.array([[cla_target(a.code, int(yy)) * p.scale for yy in years] for a in AREAS])
    valid = cand["valid"].to_numpy()
    start = cand["start"].to_numpy()
    end = cand["end"].to_numpy()
    cy = np.clip(collection_year(start), years[0], years[-1]) - years[0]
    cy2 = np.clip(collection_year(np.minimum(s2, LAST_DAY)), years[0], years[-1]) - years[0]
    score = u / w
    c = np.full(len(AREAS), 0.03)
    g = np.ones((len(AREAS), len(years)))
    for _ in range(6):
        thr = c[la] * g[la, cy]
        sel = valid & (score < thr)
        sel2 = sel & re
        st = _stock(
            np.concatenate([start[sel], s2[sel2]]),
            np.concatenate([end[sel], e2[sel2]]),
            np.concatenate([la[sel], la[sel2]]),
            years,
        )
        ratio = np.where(st > 0, target / np.maximum(st, 1e-9), 2.0)
        # stock in year y reflects entries in y and the two years before
        r = ratio.copy()
        r[:, :-1] = 0.6 * ratio[:, :-1] + 0.4 * ratio[:, 1:]
        c = c * np.exp(np.log(ratio[:, 8:]).mean(axis=1) * 0.9)
        g = g * np.exp(0.6 * (np.log(r) - np.log(ratio[:, 8:]).mean(axis=1, keepdims=True)))
    thr = c[la] * g[la, cy]
    sel = valid & (score < thr)
    sel2 = sel & re
    _ = cy2
    first = cand[sel].assign(la=la[sel], seq=1)
    second = pd.DataFrame(
        {
            "pid": cand["pid"].to_numpy()[sel2],
            "start": s2[sel2],
            "end": e2[sel2],
            "exit": np.where(e2[sel2] >= e18[sel2], 4, 2),
            "band": cand["band"].to_numpy()[sel2],
            "valid": True,
            "uasc": False,
            "short": False,
            "la": la[sel2],
            "seq": 2,
        }
    )
    periods = pd.concat([first, second], ignore_index=True)
    periods["exit"] = periods["exit"].astype(np.int8)
    periods = periods.sort_values(["pid", "start"], ignore_index=True)
    periods["open"] = periods["end"] > LAST_DAY
    periods.loc[periods["open"], "end"] = NEVER
    periods["calib_c"] = c[periods["la"].to_numpy()]
    periods = periods.drop(columns=["valid"])
    periods["period_id"] = np.arange(len(periods), dtype=np.int64)
    return periods


def simulate_short_breaks(persons: pd.DataFrame, periods: pd.DataFrame, p: Params) -> pd.DataFrame:
    """Short-break (LS V3) episodes for a few disabled children not otherwise in care."""
    rng = component_rng(p.seed, "care.short_breaks")
    in_care = np.zeros(len(persons), bool)
    in_care[periods["pid"].to_numpy()] = True
    n_children = int(
        sum(a.children_2025 for a in AREAS) * p.scale * p.short_break_children_per_10k / 10_000 * 3
    )
    pool = np.flatnonzero(
        ~in_care
        & (persons["dob"].to_numpy() < day(2019, 1, 1))
        & (persons["dob"].to_numpy() > day(2001, 1, 1))
    )
    kids = np.sort(rng.choice(pool, size=min(n_children, len(pool)), replace=False))
    k = rng.integers(3, 13, len(kids))
    pid = np.repeat(kids, k)
    first = rng.integers(day(2015, 4, 1), day(2024, 10, 1), len(kids))
    offsets = np.concatenate([np.arange(x) for x in k]) * 30 if len(k) else np.array([], int)
    start = np.repeat(first, k) + offsets + rng.integers(0, 20, len(pid))
    end = start + rng.integers(1, 4, len(pid))
    dob = persons["dob"].to_numpy()[pid]
    ok = resident_mask(persons, pid, start) & (end < add_years(dob, 18)) & (end < LAST_DAY)
    _y, m, d = _ymd(end)
    ok &= ~((m == 3) & (d == 31))
    pid, start, end = pid[ok], start[ok], end[ok]
    la = la_at(persons, pid, start)
    return pd.DataFrame(
        {
            "pid": pid,
            "start": start.astype(np.int64),
            "end": end.astype(np.int64),
            "la": la.astype(np.int64),
        }
    )


def move_rates(p: Params) -> tuple[np.ndarray, np.ndarray]:
    """Per-borough placement-move rates (first year, later years) scaled to stability targets."""
    england3, england2 = 10.0, 70.0
    first = np.array(
        [
            p.move_rate_first_year
            * (
                min(stability_target(a.code, "placements_3plus_pct", y) for y in (2024, 2025))
                / england3
            )
            ** 0.9
            for a in AREAS
        ]
    )
    later = np.array(
        [
            p.move_rate_later
            * max(
                0.2,
                np.log(stability_target(a.code, "same_placement_2yrs_pct", 2025) / 100)
                / np.log(england2 / 100),
            )
            for a in AREAS
        ]
    )
    return first, later


def _key(row: np.ndarray, when: np.ndarray) -> np.ndarray:
    """One int64 per (period row, day): days are below 2**31 (NEVER), rows far fewer."""
    return np.asarray(row, np.int64) * (1 << 32) + np.asarray(when, np.int64)


def _move_keys(periods: pd.DataFrame, moves: pd.DataFrame | None) -> np.ndarray:
    """Keys of (period_id, day) pairs, with the period as its row in `periods`."""
    if moves is None or len(moves) == 0:
        return np.zeros(0, np.int64)
    pos = np.searchsorted(periods["period_id"].to_numpy(), moves["period_id"].to_numpy())
    return _key(pos, moves["day"].to_numpy())


H5_REGISTRATION_DAY = day(2023, 10, 28)
"""Supported accommodation (H5) had to be registered with Ofsted from this day."""


def split_at_h5_registration(ep: pd.DataFrame) -> pd.DataFrame:
    """An H5 placement running through 28 October 2023 continues in a new episode.

    The placement became Ofsted-registered that day: the episode up to it has no URN
    (XXXXXXX) and ends on it; a same-carer episode (RNE T) from it carries the URN
    (903 rule 230), so the episode open at the end of 2022-23 keeps the details that
    return gave it (rule 503F). `ep` has one row per episode with `row` (period),
    `day` (start), `dec`, `rne`, `place`, `urn` and `rec`; the result is in that order.
    """
    start = ep["day"].to_numpy()
    spans = (
        (ep["place"].to_numpy() == "H5")
        & (start < H5_REGISTRATION_DAY)
        & (ep["dec"].to_numpy() > H5_REGISTRATION_DAY)
    )
    if not spans.any():
        return ep
    registered = ep[spans].copy()
    registered["day"] = H5_REGISTRATION_DAY
    registered["rne"] = "T"
    for col in ("legal", "adopt_place", "pval"):
        if col in registered:
            registered[col] = None
    out = ep.copy()
    out.loc[spans, "dec"] = H5_REGISTRATION_DAY
    out.loc[spans, "rec"] = "X1"
    out = pd.concat([out, registered], ignore_index=True)
    out = out.sort_values(["row", "day"], kind="stable", ignore_index=True)
    unregistered = (out["place"].to_numpy() == "H5") & (out["day"].to_numpy() < H5_REGISTRATION_DAY)
    out.loc[unregistered, "urn"] = "XXXXXXX"
    return out


def build_episodes(
    persons: pd.DataFrame,
    periods: pd.DataFrame,
    p: Params,
    extra_moves: pd.DataFrame | None = None,
    later_scale: np.ndarray | None = None,
    quiet_moves: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
    drop_moves: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Split each period into chained episodes with legal statuses and placements.

    `extra_moves` (period_id, day) adds placement moves (the RQ4 outcome), recorded with
    reason CREQB (carer requests end due to the child's behaviour) half of the time.
    `quiet_moves(pid, day)` is True where background moves are left out (the RQ4 window).
    `drop_moves` (period_id, day) leaves out the background moves on those days (the
    calibration downwards); it never removes an extra move or a legal-status change.
    """
    rng = component_rng(p.seed, "care.episodes")
    n = len(periods)
    start = periods["start"].to_numpy().astype(np.int64)
    end_true = periods["end"].to_numpy().astype(np.int64)
    end = np.minimum(end_true, LAST_DAY + 400)  # open periods: simulate a little beyond
    dur = end - start
    pid = periods["pid"].to_numpy()
    dob = persons["dob"].to_numpy().astype(np.int64)[pid]
    age0 = (start - dob) / 365.25
    la = periods["la"].to_numpy()
    exit_kind = periods["exit"].to_numpy().copy()
    # initial legal status
    u = rng.random(n)
    ls0 = np.where(u < 0.40, "V2", np.where(u < 0.75, "C1", np.where(u < 0.90, "L1", "L2")))
    ls0 = np.where((age0 >= 10) & (rng.random(n) < 0.06), "J1", ls0)
    ls0 = np.where(periods["uasc"].to_numpy(), "V2", ls0)
    ls0 = np.where(exit_kind == 0, np.where(rng.random(n) < 0.5, "C1", "L2"), ls0).astype(object)
    events_pid, events_day, events_kind, events_val = [], [], [], []

    def add(mask: np.ndarray, when: np.ndarray, kind: str, val: np.ndarray | str) -> None:
        ok = mask & (when > start) & (when < end)
        events_pid.append(np.flatnonzero(ok))
        events_day.append(when[ok].astype(np.int64))
        events_kind.append(np.full(ok.sum(), kind, dtype=object))
        v = np.asarray(val, dtype=object)
        events_val.append(np.broadcast_to(v, (n,))[ok] if v.ndim else np.full(ok.sum(), v, object))

    # emergency statuses become interim care orders within days
    emerg = np.isin(ls0, ("L1", "L2"))
    # police protection (L1) lasts at most 72 hours; an EPO (L2) up to 8 days
    t_ico = start + np.where(ls0 == "L1", rng.integers(1, 4, n), rng.integers(2, 9, n))
    add(emerg, t_ico, "L", "C1")
    # interim to full care order
    t_full = np.where(emerg, t_ico, start) + rng.integers(90, 330, n)
    has_ico = np.isin(ls0, ("C1", "L1", "L2"))
    add(has_ico, t_full, "L", "C2")
    v2_to_c2 = (ls0 == "V2") & (dur > 400) & (rng.random(n) < 0.35) & ~periods["uasc"].to_numpy()
    add(v2_to_c2, start + rng.integers(150, 400, n), "L", "C2")
    # adoption: placement order then placement with adopters
    adopt = exit_kind == 0
    t_po = end - rng.integers(300, 480, n)
    t_place = end - rng.integers(150, 290, n)
    ok_adopt = adopt & (t_po > t_full + 20) & (t_place > t_po + 10)
    exit_kind = np.where(adopt & ~ok_adopt, 1, exit_kind)
    add(ok_adopt, t_po, "L", "E1")
    add(ok_adopt, t_place, "A", np.where(rng.random(n) < 0.8, "A6", "A5"))
    # placement moves: Poisson, higher in the first year
    r1, r2 = move_rates(p)
    if later_scale is not None:
        r2 = r2 * later_scale
    lam1 = r1[la] * np.minimum(dur, 365) / 365.25
    lam2 = r2[la] * np.maximum(dur - 365, 0) / 365.25
    stop = np.where(ok_adopt, t_place - 1, end)
    k1 = rng.poisson(lam1)
    k2 = rng.poisson(lam2)
    rep1 = np.repeat(np.arange(n), k1)
    rep2 = np.repeat(np.arange(n), k2)
    t1 = start[rep1] + (rng.random(len(rep1)) * np.minimum(dur[rep1], 365)).astype(np.int64)
    t2 = (
        start[rep2]
        + 365
        + (rng.random(len(rep2)) * np.maximum(dur[rep2] - 365, 1)).astype(np.int64)
    )
    dropped = _move_keys(periods, drop_moves)
    for rep, t in ((rep1, t1), (rep2, t2)):
        ok = (t > start[rep]) & (t < stop[rep])
        if quiet_moves is not None:
            ok &= ~quiet_moves(pid[rep], t)
        if len(dropped):
            ok &= ~np.isin(_key(rep, t), dropped)
        events_pid.append(rep[ok])
        events_day.append(t[ok])
        events_kind.append(np.full(ok.sum(), "P", dtype=object))
        events_val.append(np.full(ok.sum(), None, dtype=object))
    if extra_moves is not None and len(extra_moves):
        pos = np.searchsorted(periods["period_id"].to_numpy(), extra_moves["period_id"].to_numpy())
        t = extra_moves["day"].to_numpy().astype(np.int64)
        ok = (t > start[pos]) & (t < stop[pos])
        events_pid.append(pos[ok])
        events_day.append(t[ok])
        events_kind.append(np.full(ok.sum(), "P", dtype=object))
        vals = (
            extra_moves["reason"].to_numpy()
            if "reason" in extra_moves
            else np.full(len(extra_moves), "CREQB", dtype=object)
        )
        events_val.append(vals[ok].astype(object))
    ev = pd.DataFrame(
        {
            "row": np.concatenate(events_pid),
            "day": np.concatenate(events_day),
            "kind": np.concatenate(events_kind),
            "val": np.concatenate(events_val),
        }
    )
    ev = ev.sort_values(["row", "day", "kind"], kind="stable", ignore_index=True)
    # collapse same-day events: legal + placement on one day becomes B
    agg = ev.groupby(["row", "day"], sort=False).agg(kinds=("kind", "".join), lval=("val", "first"))
    agg = agg.reset_index()
    lv = ev[ev["kind"] == "L"].drop_duplicates(["row", "day"]).set_index(["row", "day"])["val"]
    pv = ev[ev["kind"] == "A"].drop_duplicates(["row", "day"]).set_index(["row", "day"])["val"]
    key = pd.MultiIndex.from_frame(agg[["row", "day"]])
    agg["legal"] = lv.reindex(key).to_numpy()
    agg["adopt_place"] = pv.reindex(key).to_numpy()
    mv = (
        ev[(ev["kind"] == "P") & ev["val"].notna()]
        .drop_duplicates(["row", "day"])
        .set_index(["row", "day"])["val"]
    )
    agg["pval"] = mv.reindex(key).to_numpy()
    has_l = agg["kinds"].str.contains("L")
    has_p = agg["kinds"].str.contains("P") | agg["kinds"].str.contains("A")
    rne = np.where(has_l & has_p, "B", np.where(has_l, "L", "P")).astype(object)
    # episode table: one start row per period plus each event
    ep = pd.concat(
        [
            pd.DataFrame(
                {
                    "row": np.arange(n),
                    "day": start,
                    "rne": "S",
                    "legal": ls0,
                    "adopt_place": None,
                    "pval": None,
                }
            ),
            pd.DataFrame(
                {
                    "row": agg["row"].to_numpy(),
                    "day": agg["day"].to_numpy(),
                    "rne": rne,
                    "legal": agg["legal"].to_numpy(),
                    "adopt_place": agg["adopt_place"].to_numpy(),
                    "pval": agg["pval"].to_numpy(),
                }
            ),
        ],
        ignore_index=True,
    ).sort_values(["row", "day"], kind="stable", ignore_index=True)
    row = ep["row"].to_numpy()
    ep["ls"] = ep["legal"].ffill().to_numpy()  # forward fill within period (first row per row)
    # placements: draw a placement for episodes that start one
    m = len(ep)
    age = (ep["day"].to_numpy() - dob[row]) / 365.25
    new_place = ep["rne"].isin(["S", "P", "B"]).to_numpy()
    pl_young = _choice(rng, PLACE_BY_AGE["young"], m)
    pl_older = _choice(rng, PLACE_BY_AGE["older"], m)
    pl_leave = _choice(rng, PLACE_BY_AGE["leaving"], m)
    place = np.where(age < 10, pl_young, np.where(age < 16, pl_older, pl_leave)).astype(object)
    late = ep["day"].to_numpy() >= day(2024, 4, 1)
    place = np.where(late & np.isin(place, ["H5", "P2"]), "K3", place)
    place = np.where(ep["adopt_place"].notna().to_numpy(), ep["adopt_place"].to_numpy(), place)
    # P1 (placed with parents) needs a care order; otherwise foster placement
    place = np.where((place == "P1") & ~np.isin(ep["ls"].to_numpy(), ["C1", "C2"]), "U6", place)
    place = np.where(new_place, place, MISSING)
    ep["place"] = pd.Series(place).groupby(row).ffill().to_numpy()
    # T: same carer, fostering becomes long-term (U6 -> U4, U3 -> U1)
    prev_place = pd.Series(ep["place"]).groupby(row).shift(1).to_numpy()
    # (never the placement with adopters: that is a new carer)
    t_cand = (
        (ep["rne"].to_numpy() == "P")
        & np.isin(prev_place, ["U6", "U3"])
        & (rng.random(m) < 0.25)
        & ep["adopt_place"].isna().to_numpy()
    )
    ep.loc[t_cand, "place"] = np.where(prev_place[t_cand] == "U6", "U4", "U1")
    ep.loc[t_cand, "rne"] = "T"
    # episodes that only change the legal status keep the long-term placement of a T
    # episode, not the draw it replaced (903 rule 434)
    place = np.where(new_place, ep["place"].to_numpy(), MISSING)
    ep["place"] = pd.Series(place).groupby(row).ffill().to_numpy()
    # a legal change with the same placement re-uses the placement; chained end dates
    nxt = ep.groupby("row")["day"].shift(-1).to_numpy()
    last = np.isnan(nxt)
    ep["dec"] = np.where(last, end_true[row], nxt).astype(np.int64)
    # final reason for leaving
    ex = exit_kind[row]
    u2 = rng.random(m)
    rec_adopt = np.where(u2 < 0.4, "E11", "E12")
    rec_sgo = np.where(u2 < 0.5, "E45", np.where(u2 < 0.85, "E46", "E47"))
    rec_home = np.where(
        u2 < 0.45, "E4A", np.where(u2 < 0.6, "E4B", np.where(u2 < 0.9, "E13", "E41"))
    )
    rec_other = np.where(u2 < 0.5, "E8", np.where(u2 < 0.7, "E3", np.where(u2 < 0.85, "E16", "E9")))
    rec_18 = np.where(u2 < 0.2, "E17", np.where(u2 < 0.65, "E5", np.where(u2 < 0.75, "E6", "E8")))
    final = np.select(
        [ex == 0, ex == 1, ex == 2, ex == 3, ex == 4, ex == 5],
        [rec_adopt, rec_sgo, rec_home, rec_other, rec_18, "E2"],
        "E8",
    ).astype(object)
    final = np.where((ep["ls"].to_numpy() == "J1") & (ex == 3), "E14", final)
    final = np.where(periods["uasc"].to_numpy()[row] & (ex == 3), "E15", final)
    # SGO to *former foster carers* (E45/E46) only from a foster placement; otherwise the
    # guardians are other carers, relative or not (E47/E48; 903 rule 516)
    fostered = np.isin(ep["place"].to_numpy(), ["U1", "U2", "U3", "U4", "U5", "U6"])
    final = np.where(~fostered & (final == "E45"), "E47", final)
    final = np.where(~fostered & (final == "E46"), "E48", final)
    ep["rec"] = np.where(last, final, "X1")
    ep.loc[last & (end_true[row] >= int(NEVER)), "rec"] = None
    ep.loc[last & (end_true[row] >= int(NEVER)), "dec"] = int(NEVER)
    ep = ep[ep["day"].to_numpy() <= LAST_DAY].reset_index(drop=True)
    row = ep["row"].to_numpy()
    m = len(ep)
    # fix chaining after the cut at the last day: an episode whose successor starts after
    # the last day becomes open
    after = ep["dec"].to_numpy() > LAST_DAY
    ep.loc[after, "dec"] = int(NEVER)
    ep.loc[after, "rec"] = None
    place = ep["place"].to_numpy()
    prov_u = rng.random(m)
    provider = np.select(
        [
            place == "P1",
            np.isin(place, ["U1", "U2", "U3"]),
            np.isin(place, ["U4", "U5", "U6"]),
            np.isin(place, ["K2", "H5", "K3", "S1", "R1", "R3"]),
            np.isin(place, ["A5", "A6"]),
            place == "K1",
            place == "P2",
        ],
        [
            np.full(m, "PR0"),
            np.full(m, "PR1"),
            np.where(prov_u < 0.55, "PR1", np.where(prov_u < 0.9, "PR4", "PR5")),
            np.where(prov_u < 0.7, "PR4", np.where(prov_u < 0.9, "PR1", "PR5")),
            np.where(prov_u < 0.7, "PR1", np.where(prov_u < 0.85, "PR2", "PR5")),
            np.where(prov_u < 0.5, "PR1", "PR2"),
            np.full(m, "PR1"),
        ],
        "PR4",
    ).astype(object)
    ep["provider"] = provider
    # supported accommodation (H5) is registered with Ofsted from 28 October 2023: a
    # placement still running then has a URN, also on its earlier episodes (903 rule 230)
    new_carer = ~np.isin(ep["rne"].to_numpy(), ["L", "T"])  # every period starts with S
    placement_end = pd.Series(ep["dec"].to_numpy()).groupby(np.cumsum(new_carer)).transform("max")
    h5_registered = (place == "H5") & (placement_end.to_numpy() >= day(2023, 10, 29))
    registered = (
        # R1 (residential care home) is not Ofsted-registered: no URN (903 rule 222)
        np.isin(place, ["K1", "K2", "K3", "S1"])
        | h5_registered
        | (np.isin(place, ["U4", "U5", "U6"]) & np.isin(provider, ["PR4", "PR5"]))
    )
    urn = np.char.add("SC", np.char.zfill(rng.integers(0, 1_000_000, m).astype(str), 6))
    ep["urn"] = np.where(registered, urn.astype(object), "XXXXXXX")
    # provider and URN belong to the placement: carry them over legal-status-only changes
    same = np.isin(ep["rne"].to_numpy(), ["L", "T"])  # same carer: same provider and URN
    for col in ("provider", "urn"):
        vals = ep[col].to_numpy().copy()
        vals[same] = None
        ep[col] = pd.Series(vals).groupby(row).ffill().to_numpy()
    ep = split_at_h5_registration(ep)
    row = ep["row"].to_numpy()
    m = len(ep)
    changes = ep["rne"].isin(["P", "T", "B", "U"]).to_numpy()
    reason = _choice(rng, REASON_CHANGE, m)
    reason = np.where(ep["rne"].to_numpy() == "T", "PLACE", reason)
    behaviour = (ep["pval"].to_numpy() == "CREQB") & (rng.random(m) < 0.5)
    reason = np.where(behaviour, "CREQB", reason)
    # the reason is recorded on the episode that ends because of the placement change
    nxt_change = np.r_[changes[1:], False] & np.r_[row[1:] == row[:-1], False]
    nxt_reason = np.r_[reason[1:], None]
    ep["reason_place_change"] = np.where(nxt_change, nxt_reason, None)
    ep["cin"] = periods["la"].to_numpy()[row] * 0  # placeholder replaced below
    need = rng.choice(
        np.array(["N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8"], dtype=object),
        size=n,
        p=[0.62, 0.03, 0.03, 0.08, 0.12, 0.03, 0.01, 0.08],
    )
    need = np.where(periods["uasc"].to_numpy(), "N8", need)
    ep["cin"] = need[row]
    ep["period_id"] = periods["period_id"].to_numpy()[row]
    ep["pid"] = pid[row]
    ep["la"] = la[row]
    ep = ep.rename(columns={"day": "decom"})
    return ep[
        [
            "period_id",
            "pid",
            "la",
            "decom",
            "dec",
            "rne",
            "ls",
            "cin",
            "place",
            "provider",
            "reason_place_change",
            "rec",
            "urn",
        ]
    ]


def short_break_episodes(sb: pd.DataFrame, rng_seed: int) -> pd.DataFrame:
    """Short-break periods as single V3 episodes."""
    rng = component_rng(rng_seed, "care.sb_episodes")
    n = len(sb)
    place = np.where(rng.random(n) < 0.6, "K2", "U6").astype(object)
    return pd.DataFrame(
        {
            "period_id": -1 - np.arange(n),
            "pid": sb["pid"].to_numpy(),
            "la": sb["la"].to_numpy(),
            "decom": sb["start"].to_numpy(),
            "dec": sb["end"].to_numpy(),
            "rne": "S",
            "ls": "V3",
            "cin": "N2",
            "place": place,
            "provider": np.where(place == "K2", "PR1", "PR1"),
            "reason_place_change": None,
            "rec": "E13",
            "urn": np.where(
                place == "K2",
                "SC"
                + pd.Series(rng.integers(100000, 999999, n)).astype(str).to_numpy().astype(object),
                "XXXXXXX",
            ),
        }
    )


ADOPTION_PLACEMENTS = ("A3", "A4", "A5", "A6")
COUNTED_RNE = ("S", "P", "B", "T", "U")  # episodes that start a placement (DfE 3+ measure)
CALIBRATION_ROUNDS = 4
Quiet = Callable[[np.ndarray, np.ndarray], np.ndarray]


def placements_in_year(episodes: pd.DataFrame, periods: pd.DataFrame, y: int) -> pd.DataFrame:
    """Children looked after at 31 March of year `y` with their number of placements in the
    year (the placement held on 1 April plus episodes starting in the year with RNE S, P, B,
    T or U, over all the child's periods in the LA, as the indicator counts them), their
    current episode's start and placement, and the period open at 31 March."""
    ys, ye = year_start(y), year_end(y)
    start = periods["start"].to_numpy()
    end = periods["end"].to_numpy()
    at31 = periods[(start <= ye) & (end > ye)][["period_id", "pid", "la"]]
    d0 = episodes["decom"].to_numpy()
    d1 = episodes["dec"].to_numpy()
    held = (d0 < ys) & (d1 >= ys)
    new = (d0 >= ys) & (d0 <= ye) & np.isin(episodes["rne"].to_numpy(), COUNTED_RNE)
    cnt = (
        pd.Series(held.astype(int) + new.astype(int))
        .groupby([episodes["pid"].to_numpy(), episodes["la"].to_numpy()])
        .sum()
    )
    cur = episodes[(d0 <= ye) & (d1 > ye)].drop_duplicates("period_id", keep="last")
    cur = cur.set_index("period_id")
    return at31.assign(
        n=cnt.reindex(pd.MultiIndex.from_frame(at31[["pid", "la"]])).fillna(0).to_numpy(),
        cur_start=cur["decom"].reindex(at31["period_id"]).fillna(ye).to_numpy(),
        cur_place=cur["place"].reindex(at31["period_id"]).to_numpy(),
    )


def _gap_to_target(t: pd.DataFrame, y: int) -> np.ndarray:
    """Per borough, children with 3+ placements wanted (the target share of those looked
    after at 31 March) minus those there are."""
    n31 = np.bincount(t["la"].to_numpy(), minlength=len(AREAS))
    has = np.bincount(t["la"].to_numpy()[t["n"].to_numpy() >= 3], minlength=len(AREAS))
    share = np.array([stability_target(a.code, "placements_3plus_pct", y) / 100 for a in AREAS])
    return np.round(share * n31).astype(np.int64) - has


def _first_per_borough(la: np.ndarray, order: np.ndarray, quota: np.ndarray) -> np.ndarray:
    """Mask of the first `quota[la]` rows of each borough in the given order."""
    idx = np.lexsort((order, la))
    rank = np.empty(len(la), np.int64)
    first_of_la = np.searchsorted(la[idx], la[idx])
    rank[idx] = np.arange(len(la)) - first_of_la
    return rank < quota[la]


def calibration_moves(
    episodes: pd.DataFrame,
    periods: pd.DataFrame,
    p: Params,
    seed_offset: int,
    quiet: Quiet | None = None,
) -> pd.DataFrame:
    """Extra placement moves so that each LA-year's share with 3+ placements meets its target.

    In an LA-year under target, children looked after at 31 March with 2 placements so far in
    the year get one more move (then children with 1 get two) between their current
    placement's start and 31 March, on days outside `quiet(pid, day)` (the RQ4 outcome
    window) and not on a day that already starts an episode. Children placed for adoption
    are left alone.
    """
    rng = component_rng(p.seed, f"care.calibration.{seed_offset}")
    taken = _move_keys(periods, episodes.rename(columns={"decom": "day"}))
    tries = 4  # candidate day pairs per child; a pair must avoid quiet and taken days
    rows = []
    for y in range(p.years[0], p.years[1] + 1):
        ys, ye = year_start(y), year_end(y)
        t = placements_in_year(episodes, periods, y)
        short = np.maximum(_gap_to_target(t, y), 0)
        n = t["n"].to_numpy()
        lo = np.maximum(t["cur_start"].to_numpy(), ys) + 1
        k = np.where(n == 2, 1, np.where(n == 1, 2, 0))
        ok = (
            (short[t["la"].to_numpy()] > 0)
            & (k > 0)
            & (lo < ye - 2)
            & ~np.isin(t["cur_place"].to_numpy(), ADOPTION_PLACEMENTS)
        )
        c = t[ok]
        if len(c) == 0:
            continue
        k, lo = k[ok], lo[ok]
        span = (ye - 1 - lo)[:, None]
        d1 = lo[:, None] + (rng.random((len(c), tries)) * span).astype(np.int64)
        d2 = lo[:, None] + (rng.random((len(c), tries)) * span).astype(np.int64)
        pos = np.searchsorted(periods["period_id"].to_numpy(), c["period_id"].to_numpy())
        free = np.ones((len(c), tries), bool)
        for d, used in ((d1, np.ones(len(c), bool)), (d2, k == 2)):
            bad = np.isin(_key(np.repeat(pos, tries), d.ravel()), taken).reshape(d.shape)
            if quiet is not None:
                pids = np.repeat(c["pid"].to_numpy(), tries)
                bad |= quiet(pids, d.ravel()).reshape(d.shape)
            free &= ~(used[:, None] & bad)
        free &= (k == 1)[:, None] | (d1 != d2)
        found = free.any(axis=1)
        pick = free.argmax(axis=1)
        # children needing one move first, then random; those without a free day last
        order = np.where(k == 1, 0.0, 1.0) + rng.random(len(c)) + np.where(found, 0.0, 2.0)
        chosen = found & _first_per_borough(c["la"].to_numpy(), order, short)
        rows_ = np.flatnonzero(chosen)
        first = d1[rows_, pick[rows_]]
        two = rows_[k[rows_] == 2]
        rows.append(
            pd.DataFrame(
                {
                    "period_id": np.r_[
                        c["period_id"].to_numpy()[rows_], c["period_id"].to_numpy()[two]
                    ],
                    "day": np.r_[first, d2[two, pick[two]]],
                }
            )
        )
    return _moves_frame(rows, "CAL")


def calibration_drops(
    episodes: pd.DataFrame,
    periods: pd.DataFrame,
    p: Params,
    seed_offset: int,
    protected: pd.DataFrame,
) -> pd.DataFrame:
    """Background moves to leave out so that each LA-year over its 3+ placements target
    comes down to it.

    In an LA-year over target, children counted with 3+ placements (those with exactly 3
    first) lose in-year placement moves until they have 2. Only background moves qualify:
    never a move in `protected` (period_id, day: the RQ4 and calibration moves), never the
    placement with adopters. Returns (period_id, day) for `build_episodes(drop_moves=...)`.
    """
    rng = component_rng(p.seed, f"care.calibration_drops.{seed_offset}")
    protected_keys = _move_keys(periods, protected)
    rows = []
    for y in range(p.years[0], p.years[1] + 1):
        ys, ye = year_start(y), year_end(y)
        t = placements_in_year(episodes, periods, y)
        excess = np.maximum(-_gap_to_target(t, y), 0)
        if not excess.any():
            continue
        d0 = episodes["decom"].to_numpy()
        # (an H5 registration episode is not a move: nothing to leave out)
        registration = (episodes["rne"].to_numpy() == "T") & (d0 == H5_REGISTRATION_DAY)
        mv = episodes[
            (d0 >= ys)
            & (d0 <= ye)
            & np.isin(episodes["rne"].to_numpy(), ("P", "B", "T"))
            & ~np.isin(episodes["place"].to_numpy(), ADOPTION_PLACEMENTS)
            & ~registration
        ]
        mv = mv[~np.isin(_move_keys(periods, mv.rename(columns={"decom": "day"})), protected_keys)]
        child = pd.MultiIndex.from_frame(t[["pid", "la"]])
        movable = mv.groupby(["pid", "la"]).size().reindex(child).fillna(0).to_numpy()
        n = t["n"].to_numpy()
        ok = (n >= 3) & (n - movable <= 2) & (excess[t["la"].to_numpy()] > 0)
        c = t[ok]
        order = c["n"].to_numpy() + rng.random(len(c))  # exactly 3 first, then random
        c = c[_first_per_borough(c["la"].to_numpy(), order, excess)]
        # each chosen child loses n - 2 of its movable moves, picked at random
        mv = mv.merge(c[["pid", "la", "n"]], on=["pid", "la"])
        mv = mv.assign(u=rng.random(len(mv))).sort_values("u", kind="stable")
        mv = mv[mv.groupby(["pid", "la"]).cumcount().to_numpy() < mv["n"].to_numpy() - 2]
        rows.append(
            pd.DataFrame({"period_id": mv["period_id"].to_numpy(), "day": mv["decom"].to_numpy()})
        )
    return _moves_frame(rows, "DROP")


def _moves_frame(rows: list[pd.DataFrame], reason: str) -> pd.DataFrame:
    if not rows:
        return pd.DataFrame(
            {"period_id": np.zeros(0, np.int64), "day": np.zeros(0, np.int64), "reason": []}
        )
    out = pd.concat(rows, ignore_index=True).astype({"period_id": np.int64, "day": np.int64})
    out["reason"] = reason
    return out.sort_values(["period_id", "day"], kind="stable", ignore_index=True)


def calibrate_placements(
    persons: pd.DataFrame,
    periods: pd.DataFrame,
    p: Params,
    moves: pd.DataFrame,
    later_scale: np.ndarray | None = None,
    quiet: Quiet | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Episodes whose share of children with 3+ placements meets the target in each LA-year,
    both ways: calibration moves where an LA-year is under target, background moves left out
    where it is over (the planted `moves` and the `quiet` RQ4 window are never touched).

    Each rebuild redraws placement types but keeps the move days, so the counts converge in
    a round or two. Returns the episodes, the calibration moves and the dropped moves.
    """
    episodes = build_episodes(persons, periods, p, moves, later_scale, quiet)
    added = [moves.iloc[:0]]
    dropped = [moves.iloc[:0][["period_id", "day"]]]
    for it in range(CALIBRATION_ROUNDS):
        keep = pd.concat([moves, *added], ignore_index=True)
        cal = calibration_moves(episodes, periods, p, it, quiet)
        drop = calibration_drops(episodes, periods, p, it, keep)
        if len(cal) == 0 and len(drop) == 0:
            break
        added.append(cal)
        dropped.append(drop[["period_id", "day"]])
        allm = pd.concat([moves, *added], ignore_index=True)
        allm = allm.sort_values(["period_id", "day"], kind="stable", ignore_index=True)
        episodes = build_episodes(
            persons, periods, p, allm, later_scale, quiet, pd.concat(dropped, ignore_index=True)
        )
    return episodes, pd.concat(added, ignore_index=True), pd.concat(dropped, ignore_index=True)


def same_placement_share(
    episodes: pd.DataFrame, periods: pd.DataFrame, persons: pd.DataFrame, years: tuple[int, ...]
) -> np.ndarray:
    """Per borough, the pooled share (over `years`) of long-term looked-after children under 16
    in the same placement for 2+ years or placed for adoption (the DfE stability measure)."""
    num = np.zeros(len(AREAS))
    den = np.zeros(len(AREAS))
    dob = persons["dob"].to_numpy()
    for y in years:
        ye = year_end(y)
        start = periods["start"].to_numpy()
        lt = (
            (start <= ye - 913)
            & (periods["end"].to_numpy() > ye)
            & (add_years(dob[periods["pid"].to_numpy()], 16) > ye)
        )
        ids = periods["period_id"].to_numpy()[lt]
        e = episodes[episodes["period_id"].isin(ids)]
        d0 = e["decom"].to_numpy()
        carer = e[np.isin(e["rne"].to_numpy(), ["S", "P", "B"]) & (d0 <= ye)]
        pstart = carer.groupby("period_id")["decom"].max()
        cur = e[(d0 <= ye) & (e["dec"].to_numpy() > ye)].drop_duplicates("period_id")
        ok = (pstart.reindex(cur["period_id"]).to_numpy() <= ye - 730) | cur["place"].isin(
            ["A3", "A4", "A5", "A6"]
        ).to_numpy()
        num += np.bincount(cur["la"].to_numpy()[ok], minlength=len(AREAS))
        den += np.bincount(periods["la"].to_numpy()[lt], minlength=len(AREAS))
    return num / np.maximum(den, 1)
