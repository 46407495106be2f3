"""Everything a DfE SSDA903 return holds, per LA and collection year.

Each return holds every episode open at any time in the year, so an episode spanning
31 March appears in two returns. Planted corrections: a few episodes that ended in the
last weeks of a year are still open in that year's return (recorded late), and a few
placement codes differ from the next year's return; the next return corrects both.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthetic.areas import AREAS, oc2_target
from synthetic.arrays import MISSING
from synthetic.calendar import NEVER, add_years, year_end, year_start
from synthetic.need import in_outcome_window, outcome_events
from synthetic.params import Params
from synthetic.rng import component_rng

REVIEW_CODES = np.array(["PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7"], dtype=object)


def oc2_table(persons: pd.DataFrame, periods: pd.DataFrame, p: Params) -> pd.DataFrame:
    """OC2 rows: children looked after continuously for 12 months at 31 March, per year."""
    rng = component_rng(p.seed, "oc2")
    frames = []
    for y in range(p.years[0], p.years[1] + 1):
        y_start, y_end = year_start(y), year_end(y)
        sel = (periods["start"].to_numpy() < y_start) & (periods["end"].to_numpy() > y_end)
        c = periods[sel][["pid", "la"]].drop_duplicates("pid")
        c = c.assign(year=y, year_start=y_start)
        frames.append(c)
    oc2 = pd.concat(frames, ignore_index=True)
    n = len(oc2)
    la = oc2["la"].to_numpy()
    yr = oc2["year"].to_numpy()
    codes = np.array([a.code for a in AREAS], dtype=object)

    def target(field: str) -> np.ndarray:
        table = {
            (i, y): oc2_target(a.code, field, y)
            for i, a in enumerate(AREAS)
            for y in range(p.years[0], p.years[1] + 1)
        }
        return _lookup(table, la, yr)

    pid = oc2["pid"].to_numpy()
    dob = persons["dob"].to_numpy()[pid].astype(np.int64)
    ys = oc2["year_start"].to_numpy().astype(np.int64)
    ye = _year_end_vec(yr)
    age_end = (ye - dob) / 365.25
    group = la.astype(np.int64) * 10_000 + yr.astype(np.int64)
    everyone = np.ones(n, bool)
    # exact shares per LA and year (calibration without binomial noise)
    oc2["health_assessment"] = exact_share(
        rng, group, target("health_assessment_pct") / 100, everyone
    ).astype(int)
    oc2["immunisations"] = exact_share(
        rng, group, target("immunisations_pct") / 100, everyone
    ).astype(int)
    oc2["teeth_check"] = exact_share(rng, group, target("dental_pct") / 100, everyone).astype(int)
    oc2["health_check"] = np.where(age_end < 5, (rng.random(n) < 0.9).astype(int), -1)
    eligible = (add_years(dob, 4) <= ys) & (add_years(dob, 17) > ye)
    received = exact_share(rng, group, target("sdq_received_pct") / 100, eligible)
    sev = persons["mh_sev"].to_numpy()[pid]
    raw = 6.2 * (0.8 * sev + 0.6 * rng.standard_normal(n))
    # centre the raw scores of each LA-year on the published mean
    mean_raw = pd.Series(raw[received]).groupby(group[received]).mean()
    shift = pd.Series(group).map(mean_raw).fillna(0).to_numpy()
    score = np.round(target("sdq_mean") + raw - shift)
    oc2["sdq_score"] = np.where(received, np.clip(score, 0, 40), -1).astype(int)
    reason = np.array(["SDQ2", "SDQ4", "SDQ5"], dtype=object)[rng.integers(0, 3, n)]
    # no SDQ fields for children under 4 at 31 March; SDQ1 for other ages outside 4-16
    oc2["sdq_reason"] = np.where(
        received | (age_end < 4), MISSING, np.where(eligible, reason, "SDQ1")
    )
    older = age_end >= 10
    oc2["convicted"] = np.where(older, (rng.random(n) < 0.03).astype(int), -1)
    sm = (rng.random(n) < np.where(older, 0.05, 0.0)).astype(int)
    oc2["substance_misuse"] = sm
    ir = np.where(sm == 1, (rng.random(n) < 0.6).astype(int), -1)
    oc2["intervention_received"] = ir
    oc2["intervention_offered"] = np.where(ir == 0, (rng.random(n) < 0.7).astype(int), -1)
    oc2["la_code"] = codes[la]
    return oc2


def exact_share(
    rng: np.random.Generator, group: np.ndarray, p: np.ndarray, mask: np.ndarray
) -> np.ndarray:
    """Within each group, exactly round(p * count) of the rows in `mask` are True."""
    n = len(group)
    u = rng.random(n)
    idx = np.flatnonzero(mask)
    if len(idx) == 0:
        return np.zeros(n, bool)
    g = group[idx]
    order = np.lexsort((u[idx], g))
    gs = g[order]
    starts = np.r_[0, np.flatnonzero(gs[1:] != gs[:-1]) + 1]
    sizes = np.diff(np.r_[starts, len(gs)])
    rank = np.arange(len(gs)) - np.repeat(starts, sizes)
    want = np.round(np.asarray(p)[idx][order] * np.repeat(sizes, sizes))
    out = np.zeros(n, bool)
    out[idx[order]] = rank < want
    return out


def _year_end_vec(yr: np.ndarray) -> np.ndarray:
    from synthetic.calendar import days_from_ymd

    return days_from_ymd(yr, np.full(len(yr), 3), np.full(len(yr), 31)).astype(np.int64)


def _lookup(table: dict[tuple[int, int], float], la: np.ndarray, yr: np.ndarray) -> np.ndarray:
    keys = pd.MultiIndex.from_arrays([la.astype(int), yr.astype(int)])
    s = pd.Series(table)
    return s.reindex(keys).to_numpy(dtype=float)


def missing_episodes(
    persons: pd.DataFrame, periods: pd.DataFrame, need: pd.DataFrame, p: Params
) -> pd.DataFrame:
    """Missing / away-from-placement episodes while looked after (age 11+), plus RQ4 extras."""
    rng = component_rng(p.seed, "care.missing")
    from synthetic.health import poisson_in

    pid = periods["pid"].to_numpy()
    dob = persons["dob"].to_numpy().astype(np.int64)[pid]
    lo = np.maximum(periods["start"].to_numpy().astype(np.int64), dob + 11 * 365)
    hi = np.minimum(periods["end"].to_numpy().astype(np.int64), year_end(2025) + 1)
    sev = persons["mh_sev"].to_numpy()[pid]
    r, d = poisson_in(rng, lo, hi, 0.5 * np.exp(0.4 * sev))
    keep = ~in_outcome_window(need, pid[r], d)
    r, d = r[keep], d[keep]
    extra = outcome_events(need, p, "missing")
    pos = np.searchsorted(periods["period_id"].to_numpy(), extra["period_id"].to_numpy())
    rows = np.concatenate([r, pos])
    days = np.concatenate([d, extra["day"].to_numpy()])
    ok = (days >= lo[rows]) & (days < hi[rows])
    rows, days = rows[ok], days[ok]
    length = rng.integers(0, 4, len(rows))
    end = days + length
    end = np.where(end >= hi[rows], NEVER, end)
    out = pd.DataFrame(
        {
            "pid": pid[rows],
            "la": periods["la"].to_numpy()[rows],
            "period_id": periods["period_id"].to_numpy()[rows],
            "mis_start": days,
            "mis_end": end,
            "missing": np.where(rng.random(len(rows)) < 0.8, "M", "A"),
        }
    )
    out = out.sort_values(["pid", "mis_start"], ignore_index=True)
    # missing episodes of one child must not overlap
    prev_end = out.groupby("pid")["mis_end"].shift(1).fillna(-1).to_numpy()
    return out[out["mis_start"].to_numpy() > prev_end].reset_index(drop=True)


def reviews(periods: pd.DataFrame, p: Params) -> pd.DataFrame:
    """Statutory reviews: 20 days after entry, 3 months later, then every 6 months."""
    start = periods["start"].to_numpy().astype(np.int64)
    end = np.minimum(periods["end"].to_numpy().astype(np.int64), year_end(2025) + 1)
    k = np.maximum(0, (end - start - 20 - 90) // 182 + 2)
    k = np.where(end - start > 20, np.minimum(k, 40), 0)
    rows = np.repeat(np.arange(len(periods)), k)
    j = np.concatenate([np.arange(x) for x in k]) if len(k) else np.array([], int)
    offs = np.where(j == 0, 20, np.where(j == 1, 110, 110 + (j - 1) * 182))
    rng = component_rng(p.seed, "care.reviews")
    when = start[rows] + offs + rng.integers(-5, 6, len(rows))
    ok = when < end[rows]
    return pd.DataFrame(
        {
            "pid": periods["pid"].to_numpy()[rows][ok],
            "la": periods["la"].to_numpy()[rows][ok],
            "review": when[ok],
            "code": REVIEW_CODES[rng.integers(0, 7, ok.sum())],
        }
    )


def plant_corrections(episodes: pd.DataFrame, p: Params) -> pd.DataFrame:
    """Choose episodes whose earlier return differs from the later one (recorded in truth).

    kind `late_end`: the episode ended in the last 45 days of year Y but year Y's return
    still shows it open (and omits what followed); kind `place`: year Y's return shows a
    different placement code for an episode still open at 31 March Y.

    A late end is planted only where the next episode of the period is still open at 31
    March Y, so year Y+1's return holds it and the chain can be rebuilt. An episode that
    both started and ended in the omitted weeks would be in no return at all: no pipeline
    could recover it, yet the truth counted it (a placement lost from the 3+ placements
    indicator, issue 6).
    """
    rng = component_rng(p.seed, "903.corrections")
    dec = episodes["dec"].to_numpy().astype(np.int64)
    decom = episodes["decom"].to_numpy().astype(np.int64)
    chained = episodes.assign(_dec=dec, _decom=decom).sort_values(
        ["period_id", "_decom"], kind="stable"
    )
    next_dec = chained.groupby("period_id")["_dec"].shift(-1).reindex(episodes.index).to_numpy()
    frames = []
    for y in range(p.years[0], p.years[1]):
        ye = year_end(y)
        late = (
            (dec > ye - 45)
            & (dec <= ye)
            & (decom < dec)
            & (rng.random(len(dec)) < 0.03)
            & (episodes["rec"].to_numpy() == "X1")
            & (np.nan_to_num(next_dec, nan=-1) > ye)
        )
        frames.append(pd.DataFrame({"ep": np.flatnonzero(late), "year": y, "kind": "late_end"}))
        span = (
            (decom <= ye)
            & (dec > ye)
            & (rng.random(len(dec)) < 0.01)
            & episodes["place"].isin(["U4", "U6"]).to_numpy()
        )
        frames.append(pd.DataFrame({"ep": np.flatnonzero(span), "year": y, "kind": "place"}))
    out = pd.concat(frames, ignore_index=True)
    out = out[episodes["ls"].to_numpy()[out["ep"].to_numpy()] != "V3"]
    # at most one correction per period of care and return (a later one would be hidden)
    out = out.assign(period_id=episodes["period_id"].to_numpy()[out["ep"].to_numpy()])
    out = out.sort_values(["year", "period_id", "ep"], kind="stable")
    out = out.drop_duplicates(["year", "period_id"]).sort_values(["year", "kind", "ep"])
    return out.drop(columns="period_id").reset_index(drop=True)
