"""Source-local record keys (CHILD, patient_id, pseudo NHS number, Person_ID) and the
identifier records behind them, with the truth mapping to persons."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthetic.areas import AREAS
from synthetic.arrays import MISSING
from synthetic.calendar import NEVER, day
from synthetic.identifiers import adoption_days, inject_errors, person_view
from synthetic.params import Params
from synthetic.population import la_at, lsoa_of, postcode_at
from synthetic.rng import component_rng

LA_CODES = np.array([a.code for a in AREAS], dtype=object)
LAST_DAY = day(2025, 3, 31)


def key_lookup(
    pid: np.ndarray, ver: np.ndarray, values: np.ndarray, q_pid: np.ndarray, q_ver: np.ndarray
) -> np.ndarray:
    """Value for each (q_pid, q_ver) from unique (pid, ver) keys; None where absent."""
    keys = np.asarray(pid, np.int64) * 8 + np.asarray(ver, np.int64)
    order = np.argsort(keys, kind="stable")
    sk = keys[order]
    q = np.asarray(q_pid, np.int64) * 8 + np.asarray(q_ver, np.int64)
    pos = np.clip(np.searchsorted(sk, q), 0, max(len(sk) - 1, 0))
    found = (sk[pos] == q) if len(sk) else np.zeros(len(q), bool)
    out = np.asarray(values, dtype=object)[order][pos] if len(sk) else np.full(len(q), None)
    return np.where(found, out, MISSING)


def unique_tokens(rng: np.random.Generator, n: int, digits: int) -> np.ndarray:
    """`n` distinct random integers with exactly `digits` digits."""
    lo, hi = 10 ** (digits - 1), 10**digits
    out = rng.integers(lo, hi, int(n * 1.05) + 10)
    _, first = np.unique(out, return_index=True)
    out = out[np.sort(first)]
    while len(out) < n:
        more = rng.integers(lo, hi, n)
        out = np.concatenate([out, more])
        _, first = np.unique(out, return_index=True)
        out = out[np.sort(first)]
    return out[:n]


def csc_ids(
    episodes: pd.DataFrame, cin: pd.DataFrame, leavers: pd.DataFrame, p: Params
) -> pd.DataFrame:
    """One LA child ID per (person, LA) known to children's social care in the years written.

    Only involvement that a written return can show counts: episodes or CIN episodes open
    on or after the first collection year's start, and care leavers who can reach OC3.
    """
    from synthetic.calendar import year_start

    rng = component_rng(p.seed, "ids.csc")
    y0 = year_start(p.years[0])
    episodes = episodes[episodes["dec"].to_numpy() >= y0]
    cin = cin[cin["close"].to_numpy() >= y0]
    lv = leavers[leavers["left"].to_numpy() >= y0 - 4 * 365][["pid", "la", "left"]]
    a = (
        episodes.groupby(["pid", "la"], as_index=False)["decom"]
        .min()
        .rename(columns={"decom": "first"})
    )
    b = cin.groupby(["pid", "la"], as_index=False)["ref"].min().rename(columns={"ref": "first"})
    cl = lv.rename(columns={"left": "first"})
    c = pd.concat([a, b, cl]).groupby(["pid", "la"], as_index=False)["first"].min()
    last_a = episodes.groupby(["pid", "la"])["decom"].max()
    last_b = cin.groupby(["pid", "la"])["ref"].max()
    last = (
        pd.concat([last_a, last_b, cl.set_index(["pid", "la"])["first"]])
        .groupby(level=[0, 1])
        .max()
    )
    c["last"] = last.reindex(pd.MultiIndex.from_frame(c[["pid", "la"]])).to_numpy()
    c = c.sort_values(["la", "pid"], ignore_index=True)
    c["child"] = unique_tokens(rng, len(c), 6).astype(str).astype(object)
    return c


def adoptions(
    persons: pd.DataFrame, periods: pd.DataFrame, episodes: pd.DataFrame, p: Params
) -> pd.DataFrame:
    """Adopted children: adoption day, decision and match dates, new surname."""
    rng = component_rng(p.seed, "adoptions")
    fin = episodes[episodes["rec"].isin(["E11", "E12"])]
    per = fin[["pid", "la", "dec", "period_id"]].rename(columns={"dec": "day"})
    e1 = episodes[episodes["ls"] == "E1"].groupby("period_id")["decom"].min()
    ap = (
        episodes[episodes["place"].isin(["A5", "A6"])]
        .groupby("period_id")
        .agg(place_day=("decom", "min"), place=("place", "first"))
    )
    per = per.join(e1.rename("e1"), on="period_id").join(ap, on="period_id")
    n = len(per)
    per["place_day"] = per["place_day"].fillna(per["day"] - 200)
    per["e1"] = per["e1"].fillna(per["place_day"] - 100)
    per["decision"] = (per["e1"].to_numpy() - rng.integers(20, 120, n)).astype(np.int64)
    per["match"] = np.maximum(
        per["place_day"].to_numpy() - rng.integers(5, 60, n), per["e1"].to_numpy()
    ).astype(np.int64)
    per["foster_care"] = (per["place"] == "A5").astype(int)
    from synthetic.names import draw_names

    origin = persons["origin"].to_numpy()[per["pid"].to_numpy()]
    per["surname"] = draw_names(rng, origin, np.zeros(n, bool), "surname")
    return per.reset_index(drop=True)


def assign_health_ids(
    persons: pd.DataFrame, adopt: pd.DataFrame, events: dict[str, pd.DataFrame], p: Params
) -> dict[str, pd.DataFrame]:
    """Add sus_id / patient_id / person_id columns to event tables; return key tables."""
    rng = component_rng(p.seed, "ids.health")
    adopted_day = adoption_days(len(persons), adopt)
    keys = {}
    for source, tabs in (("sus", ("apc", "op", "ecds")), ("mhsds", ("refs",))):
        frames = []
        for t in tabs:
            df = events[t]
            dcol = "admidate" if t == "apc" else ("ref" if t == "refs" else "day")
            ver = (df[dcol].to_numpy() >= adopted_day[df["pid"].to_numpy()]).astype(np.int8)
            df["ver"] = ver
            frames.append(df[["pid", "ver", dcol]].rename(columns={dcol: "day"}))
        source_events = pd.concat(frames)
        allk = source_events.groupby(["pid", "ver"], as_index=False)["day"].min()
        if source == "sus":
            tok = unique_tokens(rng, len(allk), 15)
            allk["key"] = np.char.add("9", tok.astype(str)).astype(object)
        else:
            tok = unique_tokens(rng, len(allk), 10)
            allk["key"] = np.char.add("MHP", tok.astype(str)).astype(object)
        keys[source] = pd.concat(
            [allk, address_change_rows(allk, source_events, persons)], ignore_index=True
        )
        for t in tabs:
            df = events[t]
            col = "sus_id" if source == "sus" else "person_id"
            df[col] = key_lookup(
                allk["pid"].to_numpy(),
                allk["ver"].to_numpy(),
                allk["key"].to_numpy(),
                df["pid"].to_numpy(),
                df["ver"].to_numpy(),
            )
    return keys


ADDRESS_CHANGES = ("pc_change", "move_day")


def _change_days(persons: pd.DataFrame, col: str, pid: np.ndarray) -> np.ndarray:
    """Day person `pid` takes a new address (`pc_change` within the borough, `move_day`
    to another); NEVER where it does not. A within-borough change on or after an
    inter-borough move changes nothing (the new borough's address is kept)."""
    days = persons[col].to_numpy().astype(np.int64)[pid]
    if col == "pc_change":
        days = np.where(days >= persons["move_day"].to_numpy()[pid], int(NEVER), days)
    return days


def address_change_rows(
    first: pd.DataFrame, events: pd.DataFrame, persons: pd.DataFrame
) -> pd.DataFrame:
    """Further identifier rows of health keys: one at the first event after each move.

    Every SUS and MHSDS record carries the patient's postcode at that event, so the
    extract of a key whose events span a change of address holds the new address too,
    dated by the first event there. `first` holds the key rows (pid, ver, day, key) dated
    by each key's first event; `events` all events (pid, ver, day).
    """
    out = []
    for col in ADDRESS_CHANGES:
        change = _change_days(persons, col, events["pid"].to_numpy())
        after = events[events["day"].to_numpy() >= change]
        nxt = after.groupby(["pid", "ver"], as_index=False)["day"].min()
        rows = first[["pid", "ver", "key", "day"]].merge(
            nxt, on=["pid", "ver"], suffixes=("_first", "")
        )
        out.append(rows.loc[rows["day"] > rows["day_first"], ["pid", "ver", "day", "key"]])
    return pd.concat(out, ignore_index=True)


def gp_address_rows(regs: pd.DataFrame, persons: pd.DataFrame, p: Params) -> pd.DataFrame:
    """GP identifier rows for a change of address during a registration.

    A practice records a patient's new address when told of it (through PDS or the
    family), not on the day of the move: a lag of one week to two months. Families
    often keep their practice after moving to a neighbouring borough, and only this row
    then shows the new address (the registration row keeps the address at registration).
    """
    rng = component_rng(p.seed, "ids.gp_address")
    pid = regs["pid"].to_numpy()
    start = regs["start"].to_numpy().astype(np.int64)
    stop = np.minimum(regs["end"].to_numpy().astype(np.int64), int(LAST_DAY))
    out = []
    for col in ADDRESS_CHANGES:
        noticed = _change_days(persons, col, pid) + rng.integers(7, 61, len(pid))
        ok = (noticed > start) & (noticed < stop)
        out.append(
            pd.DataFrame(
                {
                    "source_record_id": regs["patient_id"].to_numpy()[ok],
                    "pid": pid[ok],
                    "when": noticed[ok],
                }
            )
        )
    return pd.concat(out, ignore_index=True)


def gp_registrations(
    persons: pd.DataFrame,
    adopt: pd.DataFrame,
    lo: np.ndarray,
    hi: np.ndarray,
    gp_events: pd.DataFrame,
    p: Params,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """GP registrations (patients.csv rows), and the events with the patient_id active at
    each event (events of a child with no registration then are dropped)."""
    rng = component_rng(p.seed, "ids.gp")
    reg = persons["gp_registered"].to_numpy() & (hi > lo)
    pid = np.flatnonzero(reg)
    born = np.maximum(persons["dob"].to_numpy()[pid], persons["arrive"].to_numpy()[pid])
    start = born.astype(np.int64) + rng.integers(5, 42, len(pid))
    end = np.where(hi[pid] > LAST_DAY, NEVER, hi[pid])
    adopted_day = adoption_days(len(persons), adopt)
    ad = adopted_day[pid]
    split = (ad > start) & (ad < np.minimum(end, LAST_DAY))
    base = pd.DataFrame({"pid": pid, "ver": 0, "start": start, "end": np.where(split, ad, end)})
    post = pd.DataFrame({"pid": pid[split], "ver": 1, "start": ad[split] + 30, "end": end[split]})
    dup_sel = rng.random(len(pid)) < p.errors.gp_duplicate_registration
    dup_day = start + (
        rng.random(len(pid)) * np.maximum(np.minimum(end, LAST_DAY) - start, 1)
    ).astype(np.int64)
    dups = pd.DataFrame(
        {
            "pid": pid[dup_sel],
            "ver": 2,
            "start": dup_day[dup_sel],
            "end": np.where(
                rng.random(dup_sel.sum()) < 0.5, NEVER, np.minimum(dup_day[dup_sel] + 200, LAST_DAY)
            ),
        }
    )
    regs = pd.concat([base, post, dups], ignore_index=True)
    regs = regs[regs["start"] < regs["end"]].sort_values(["pid", "ver"], ignore_index=True)
    regs["patient_id"] = unique_tokens(rng, len(regs), 9).astype(str).astype(object)
    la = la_at(
        persons, regs["pid"].to_numpy(), np.minimum(regs["start"].to_numpy(), LAST_DAY)
    ).astype(np.int64)
    regs["la"] = la
    h = (regs["pid"].to_numpy() * 7919 + regs["ver"].to_numpy()) % 40
    prefix = np.array([a.practice_prefix for a in AREAS], dtype=object)[la]
    regs["practice"] = prefix + np.char.zfill((h + 1 + la * 40).astype(str), 3).astype(object)
    pc = postcode_at(persons, regs["pid"].to_numpy(), regs["start"].to_numpy())
    regs["lsoa"] = lsoa_of(pc, la)
    # events -> patient_id active at the event date (duplicates take some events)
    ev_pid = gp_events["pid"].to_numpy()
    ev_day = gp_events["day"].to_numpy()
    ver = (ev_day >= adopted_day[ev_pid]).astype(np.int8)
    lk = regs.drop_duplicates(["pid", "ver"])
    main = key_lookup(
        lk["pid"].to_numpy(), lk["ver"].to_numpy(), lk["patient_id"].to_numpy(), ev_pid, ver
    )
    d = lk[lk["ver"].to_numpy() == 2]
    zeros = np.full(len(ev_pid), 2, np.int64)
    dp = key_lookup(
        d["pid"].to_numpy(), np.full(len(d), 2), d["patient_id"].to_numpy(), ev_pid, zeros
    )
    ds = key_lookup(
        d["pid"].to_numpy(), np.full(len(d), 2), d["start"].to_numpy().astype(object), ev_pid, zeros
    )
    has_dup = pd.notna(dp)
    ds_num = np.where(has_dup, ds, 0).astype(np.int64)
    use_dup = has_dup & (ev_day >= ds_num) & (rng.random(len(ev_pid)) < 0.5) & (ver == 0)
    events = gp_events.assign(patient_id=np.where(use_dup, dp, main))
    return regs, events.dropna(subset=["patient_id"])


def csc_identity_day(first: np.ndarray, when: np.ndarray, adopted: np.ndarray) -> np.ndarray:
    """The day whose identity an LA identifier row records.

    An LA that knew a child before adoption keeps the identity it knew (the adoption order
    brings a new name and NHS number, and the old record is closed, not updated): rows on
    or after the adoption day record the day before it. A child first known after
    adoption is known by the new identity only. `adopted` is NEVER for other children.
    """
    first = np.asarray(first, np.int64)
    when = np.asarray(when, np.int64)
    adopted = np.asarray(adopted, np.int64)
    return np.where((first < adopted) & (when >= adopted), adopted - 1, when)


def identifier_records(
    persons: pd.DataFrame, w: dict, p: Params
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """All identifier rows (landing), the person map and the injected-error flags (truth)."""
    rng = component_rng(p.seed, "ids.records")
    adopt = w["adoptions"]
    pupils = w["pupils"]
    recs = []
    # csc: first and (often) last involvement
    c = w["csc_ids"]
    two = (c["last"].to_numpy() > c["first"].to_numpy()) & (rng.random(len(c)) < 0.5)
    adopted_day = adoption_days(len(persons), adopt)
    for sel, col in ((np.ones(len(c), bool), "first"), (two, "last")):
        cc = c[sel]
        when = csc_identity_day(
            cc["first"].to_numpy(), cc[col].to_numpy(), adopted_day[cc["pid"].to_numpy()]
        )
        upn = pupils.upn[cc["pid"].to_numpy()]
        has = (pupils.issue_day[cc["pid"].to_numpy()] <= when) & (
            rng.random(len(cc)) > p.errors.upn_missing_csc
        )
        recs.append(
            pd.DataFrame(
                {
                    "source_system": "csc",
                    "provider_code": LA_CODES[cc["la"]],
                    "source_record_id": cc["child"].to_numpy(),
                    "pid": cc["pid"].to_numpy(),
                    "when": when,
                    "upn": np.where(has, upn, None),
                }
            )
        )
    # school census: temporary and permanent UPNs
    issued = np.flatnonzero(
        pd.Series(pupils.upn).notna().to_numpy() & (pupils.reception_year + 12 >= p.years[0])
    )
    tmp = issued[pd.Series(pupils.temp_upn[issued]).notna().to_numpy()]
    for ids, upns, when in (
        (
            issued,
            pupils.upn[issued],
            np.maximum(pupils.temp_until[issued], pupils.issue_day[issued]),
        ),
        (tmp, pupils.temp_upn[tmp], pupils.issue_day[tmp]),
    ):
        ok = when <= LAST_DAY + 120
        la = pupils.issue_la[ids]
        recs.append(
            pd.DataFrame(
                {
                    "source_system": "school_census",
                    "provider_code": LA_CODES[la[ok]],
                    "source_record_id": upns[ok],
                    "pid": ids[ok],
                    "when": np.minimum(when[ok], LAST_DAY),
                    "upn": upns[ok],
                }
            )
        )
    # gp registrations
    regs = w["gp_registrations"]
    recs.append(
        pd.DataFrame(
            {
                "source_system": "gp",
                "provider_code": "NWL",
                "source_record_id": regs["patient_id"].to_numpy(),
                "pid": regs["pid"].to_numpy(),
                "when": np.minimum(regs["start"].to_numpy(), LAST_DAY),
                "upn": None,
            }
        )
    )
    moved = gp_address_rows(regs, persons, p)
    recs.append(moved.assign(source_system="gp", provider_code="NWL", upn=None))
    for src in ("sus", "mhsds"):
        k = w["health_keys"][src]
        recs.append(
            pd.DataFrame(
                {
                    "source_system": src,
                    "provider_code": "NWL",
                    "source_record_id": k["key"].to_numpy(),
                    "pid": k["pid"].to_numpy(),
                    "when": np.minimum(k["day"].to_numpy(), LAST_DAY),
                    "upn": None,
                }
            )
        )
    allr = pd.concat(recs, ignore_index=True)
    outs, flags = [], []
    for src in ("csc", "school_census", "gp", "sus", "mhsds"):
        part = allr[allr["source_system"] == src]
        view = person_view(
            persons, part["pid"].to_numpy(), part["when"].to_numpy().astype(np.int64), adopt
        )
        out, fl = inject_errors(
            view,
            src,
            p,
            part["upn"].to_numpy() if src in ("csc", "school_census") else None,
            upn_errors=src == "csc",
        )
        out.insert(0, "source_record_id", part["source_record_id"].to_numpy())
        out.insert(0, "provider_code", part["provider_code"].to_numpy())
        out.insert(0, "source_system", src)
        out["pid"] = part["pid"].to_numpy()
        outs.append(out)
        fl.insert(0, "source_record_id", part["source_record_id"].to_numpy())
        fl.insert(0, "provider_code", part["provider_code"].to_numpy())
        fl.insert(0, "source_system", src)
        flags.append(fl)
    ident = pd.concat(outs, ignore_index=True)
    order = np.lexsort(
        (
            ident["record_date"].fillna("").to_numpy().astype(str),
            ident["source_record_id"].to_numpy().astype(str),
            ident["provider_code"].to_numpy().astype(str),
            ident["source_system"].to_numpy().astype(str),
        )
    )
    ident = ident.iloc[order].reset_index(drop=True)
    pmap = ident[["source_system", "provider_code", "source_record_id", "pid"]].drop_duplicates(
        ["source_system", "provider_code", "source_record_id"]
    )
    pmap = pmap.assign(true_person_id=persons["person_id"].to_numpy()[pmap["pid"].to_numpy()])
    flags_df = pd.concat(flags, ignore_index=True).fillna(False).iloc[order].reset_index(drop=True)
    return ident.drop(columns=["pid"]), pmap.drop(columns=["pid"]), flags_df
