"""Write the simulated world to the landing contract (every file, column and format)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from synthetic.areas import AREAS
from synthetic.arrays import MISSING
from synthetic.calendar import NEVER, add_years, fmt, fmt_datetime, year_end, year_start
from synthetic.io import write_csv
from synthetic.rng import component_rng

LA_CODES = np.array([a.code for a in AREAS], dtype=object)
SHORT_BREAK_LS = ("V3", "V4")  # legal statuses of short-break episodes
DMY = "%d/%m/%Y"


def _opt_int(values: np.ndarray) -> np.ndarray:
    """Integers where >= 0, else null (used for blankable 0/1 flags)."""
    v = np.asarray(values)
    return np.where(v >= 0, v.astype(str), MISSING).astype(object)


def fyear(y: int) -> str:
    """`2023-24` style financial year for the collection year named by its end."""
    return f"{y - 1}-{str(y)[2:]}"


# ------------------------------------------------------------------------------ 903
def write_903(root: Path, w: dict, years: range) -> dict[str, int]:
    """All SSDA903 tables per LA and collection year."""
    rng = component_rng(w["params"].seed, "landing.903")
    persons = w["persons"]
    eps = w["all_episodes"]
    ids = w["csc_ids"]  # (pid, la) -> child
    corr = w["corrections"]
    pupils = w["pupils"]
    counts: dict[str, int] = {}
    dob_all = persons["dob"].to_numpy().astype(np.int64)
    male_all = persons["male"].to_numpy()
    uasc_arr = np.zeros(len(persons), bool)
    uasc_arr[w["periods"]["pid"].to_numpy()[w["periods"]["uasc"].to_numpy()]] = True
    mother = (~male_all) & (rng.random(len(persons)) < 0.02)
    mc_age = rng.integers(int(14.5 * 365), int(17.5 * 365), len(persons))
    mc_dob = dob_all + mc_age
    key = pd.MultiIndex.from_frame(ids[["pid", "la"]])
    child_lookup = pd.Series(ids["child"].to_numpy(), index=key)
    for y in years:
        ys, ye = year_start(y), year_end(y)
        dec = eps["dec"].to_numpy()
        sel = (eps["decom"].to_numpy() <= ye) & (dec >= ys)
        e = eps[sel].copy()
        # planted corrections for this year
        c = corr[corr["year"] == y]
        late = c[c["kind"] == "late_end"]["ep"].to_numpy()
        if len(late):
            info = eps.iloc[late][["period_id", "dec"]].drop_duplicates("period_id")
            drop = e.merge(info.rename(columns={"dec": "cut"}), on="period_id", how="left")
            after = drop["cut"].notna().to_numpy() & (
                e["decom"].to_numpy() >= drop["cut"].fillna(0).to_numpy()
            )
            e = e[~after]
            is_late = e.index.isin(eps.index[late])
            e.loc[is_late, "dec"] = int(NEVER)
            e.loc[is_late, "rec"] = None
        placefix = c[c["kind"] == "place"]["ep"].to_numpy()
        if len(placefix):
            is_fix = e.index.isin(eps.index[placefix])
            e.loc[is_fix, "place"] = np.where(e.loc[is_fix, "place"] == "U4", "U6", "U4")
        e_dec = e["dec"].to_numpy()
        open_now = e_dec > ye
        place = e["place"].to_numpy()
        if y >= 2025:
            place = np.where(np.isin(place, ["H5", "P2"]), "K3", place)
        pid = e["pid"].to_numpy()
        la = e["la"].to_numpy()
        child = child_lookup.reindex(pd.MultiIndex.from_arrays([pid, la])).to_numpy()
        location = location_columns(
            e["ls"].to_numpy(),
            uasc_arr[e["pid"].to_numpy()],
            w["home_postcodes"][e["ep_id"].to_numpy()],
            w["placement_postcodes"][e["ep_id"].to_numpy()],
            # supported accommodation (H5) has an Ofsted URN only from 28 October 2023, so
            # no return before 2023-24 knows it (903 rule 222)
            np.where((place == "H5") & (y <= 2023), "XXXXXXX", e["urn"].to_numpy()),
        )
        episodes = pd.DataFrame(
            {
                "la": la,
                "CHILD": child,
                "DECOM": fmt(e["decom"].to_numpy(), DMY),
                "RNE": e["rne"].to_numpy(),
                "LS": e["ls"].to_numpy(),
                "CIN": e["cin"].to_numpy(),
                "PLACE": place,
                "PLACE_PROVIDER": np.where(place == "P1", "PR0", e["provider"]),
                "DEC": fmt(np.where(open_now, NEVER, e_dec), DMY),
                "REC": np.where(open_now, None, e["rec"].to_numpy()),
                "REASON_PLACE_CHANGE": np.where(open_now, None, e["reason_place_change"]),
                **location,
                "_decom": e["decom"].to_numpy(),
            }
        ).sort_values(["la", "CHILD", "_decom"], kind="stable")
        ep_kids = episodes[["la", "CHILD"]].drop_duplicates()
        ep_kids = ep_kids.assign(
            pid=ids.set_index(["la", "child"])["pid"]
            .reindex(pd.MultiIndex.from_frame(ep_kids.rename(columns={"CHILD": "child"})))
            .to_numpy()
        )
        # care leavers in OC3 need a header row too
        oc3k = _oc3_kids(w, y)
        kids = pd.concat([ep_kids, oc3k[["la", "CHILD", "pid"]]], ignore_index=True)
        kids = kids.drop_duplicates(["la", "CHILD"]).sort_values(["la", "CHILD"], kind="stable")
        kid_pid = kids["pid"].to_numpy()
        # MOTHER is asked for girls looked after other than on short breaks only
        not_short = episodes[~np.isin(episodes["LS"].to_numpy(), list(SHORT_BREAK_LS))]
        in_care = pd.MultiIndex.from_frame(kids[["la", "CHILD"]]).isin(
            pd.MultiIndex.from_frame(not_short[["la", "CHILD"]])
        )
        kd = dob_all[kid_pid]
        km = male_all[kid_pid]
        sex = np.where(km, "1", "2") if y <= 2024 else np.where(km, "M", "F")
        upn = pupils.upn[kid_pid]
        has_upn = (pupils.issue_day[kid_pid] <= ye) & pd.Series(upn).notna().to_numpy()
        age_ye = (ye - kd) / 365.25
        unk = np.where(uasc_arr[kid_pid], "UN2", np.where(age_ye < 5, "UN1", "UN4"))
        is_mother = mother[kid_pid] & (mc_dob[kid_pid] <= ye) & (age_ye >= 12)
        header = pd.DataFrame(
            {
                "la": kids["la"].to_numpy(),
                "CHILD": kids["CHILD"].to_numpy(),
                "SEX": sex,
                "DOB": fmt(kd, DMY),
                "ETHNIC": persons["ethnic"].to_numpy()[kid_pid],
                "UPN": np.where(has_upn, upn, unk),
                "MOTHER": np.where(km | ~in_care, MISSING, np.where(is_mother, "1", "0")),
                "MC_DOB": fmt(mc_dob[kid_pid], DMY, valid=is_mother),
            }
        )
        kid_frame = pd.DataFrame(
            {
                "pid": ep_kids["pid"].to_numpy(),
                "la": ep_kids["la"].to_numpy(),
                "CHILD": ep_kids["CHILD"].to_numpy(),
                "dob": dob_all[ep_kids["pid"].to_numpy()],
            }
        )
        tables = {"header": header, "episodes": episodes.drop(columns=["_decom"])}
        tables.update(_other_903_tables(w, y, kid_frame, rng, oc3k))
        # every table of the year's format for every LA (an empty table has its header row)
        for name, df in tables.items():
            la_col = np.asarray(df["la"].to_numpy(), dtype=np.int64)
            cols = [k for k in df.columns if k != "la"]
            for li in range(len(AREAS)):
                part = df[la_col == li]
                path = root / "ssda903" / LA_CODES[li] / str(y) / f"{name}.csv"
                counts[name] = counts.get(name, 0) + write_csv(
                    {k: part[k].to_numpy().astype(object) for k in cols}, path
                )
    return counts


def location_columns(
    ls: np.ndarray, uasc: np.ndarray, home_post: np.ndarray, pl_post: np.ndarray, urn: np.ndarray
) -> dict[str, np.ndarray]:
    """HOME_POST, PL_POST and URN of 903 episodes, blank where the DfE guide asks for none.

    Short breaks (LS V3/V4) have no placement location at all (rules 398, 214, 420);
    unaccompanied asylum-seeking children have no home address in England (rule 406).
    """
    short_break = np.isin(ls, list(SHORT_BREAK_LS))
    return {
        "HOME_POST": np.where(uasc | short_break, MISSING, home_post),
        "PL_POST": np.where(short_break, MISSING, pl_post),
        "URN": np.where(short_break, MISSING, urn),
    }


def _oc3_kids(w: dict, y: int) -> pd.DataFrame:
    """Care leavers with a 17th-21st birthday in the year who had left care by then."""
    ys, ye = year_start(y), year_end(y)
    cl = w["care_leavers"]
    dob = w["persons"]["dob"].to_numpy()[cl["pid"].to_numpy()]
    frames = []
    for age in (17, 18, 19, 20, 21):
        bday = add_years(dob, age)
        ok = (bday >= ys) & (bday <= ye) & (cl["left"].to_numpy() < bday)
        frames.append(cl[ok])
    oc3 = pd.concat(frames, ignore_index=True).drop_duplicates(["pid", "la"])
    m = w["csc_ids"].merge(oc3[["pid", "la"]], on=["pid", "la"])
    return (
        m.rename(columns={"child": "CHILD"})[["pid", "la", "CHILD"]]
        .sort_values(["la", "CHILD"], kind="stable")
        .reset_index(drop=True)
    )


def _other_903_tables(
    w: dict, y: int, kids: pd.DataFrame, rng: np.random.Generator, oc3k: pd.DataFrame
) -> dict[str, pd.DataFrame]:
    ys, ye = year_start(y), year_end(y)
    persons = w["persons"]
    kid_key = kids.set_index(["pid", "la"])
    out: dict[str, pd.DataFrame] = {}

    def attach(df: pd.DataFrame) -> pd.DataFrame:
        m = df.merge(kids, on=["pid", "la"], how="inner")
        return m

    rv = w["reviews"]
    rv = attach(rv[(rv["review"] >= ys) & (rv["review"] <= ye)]).sort_values(
        ["la", "CHILD", "review"], kind="stable"
    )
    out["reviews"] = pd.DataFrame(
        {
            "la": rv["la"],
            "CHILD": rv["CHILD"],
            "DOB": fmt(rv["dob"].to_numpy(), DMY),
            "REVIEW": fmt(rv["review"].to_numpy(), DMY),
            "REVIEW_CODE": np.where((rv["review"] - rv["dob"]) < 4 * 365, "PN0", rv["code"]),
        }
    )
    per = w["periods"]
    u = per[per["uasc"]][["pid", "la"]].drop_duplicates()
    u = attach(u)
    sex = (
        np.where(persons["male"].to_numpy()[u["pid"]], "1", "2")
        if y <= 2024
        else np.where(persons["male"].to_numpy()[u["pid"]], "M", "F")
    )
    out["uasc"] = pd.DataFrame(
        {
            "la": u["la"],
            "CHILD": u["CHILD"],
            "SEX": sex,
            "DOB": fmt(u["dob"].to_numpy(), DMY),
            "DUC": fmt(add_years(u["dob"].to_numpy(), 18), DMY),
        }
    )
    oc2 = w["oc2"]
    o = attach(oc2[oc2["year"] == y])
    out["oc2"] = pd.DataFrame(
        {
            "la": o["la"],
            "CHILD": o["CHILD"],
            "DOB": fmt(o["dob"].to_numpy(), DMY),
            "SDQ_SCORE": _opt_int(o["sdq_score"].to_numpy()),
            "SDQ_REASON": o["sdq_reason"],
            "CONVICTED": _opt_int(o["convicted"].to_numpy()),
            "HEALTH_CHECK": _opt_int(o["health_check"].to_numpy()),
            "IMMUNISATIONS": _opt_int(o["immunisations"].to_numpy()),
            "TEETH_CHECK": _opt_int(o["teeth_check"].to_numpy()),
            "HEALTH_ASSESSMENT": _opt_int(o["health_assessment"].to_numpy()),
            "SUBSTANCE_MISUSE": _opt_int(o["substance_misuse"].to_numpy()),
            "INTERVENTION_RECEIVED": _opt_int(o["intervention_received"].to_numpy()),
            "INTERVENTION_OFFERED": _opt_int(o["intervention_offered"].to_numpy()),
        }
    )
    oc3_ids = oc3k.rename(columns={"CHILD": "child"})
    n3 = len(oc3_ids)
    u3 = rng.random(n3)
    out["oc3"] = pd.DataFrame(
        {
            "la": oc3_ids["la"],
            "CHILD": oc3_ids["child"],
            "DOB": fmt(persons["dob"].to_numpy()[oc3_ids["pid"].to_numpy()], DMY),
            "IN_TOUCH": np.where(u3 < 0.88, "YES", np.where(u3 < 0.95, "NO", "REFU")),
            "ACTIV": np.where(
                u3 < 0.88,
                np.array(["F1", "P1", "F2", "P2", "F4", "G4", "G6"])[rng.integers(0, 7, n3)],
                "0",
            ),
            "ACCOM": np.where(
                u3 < 0.88,
                np.array(["B1", "C1", "D1", "E1", "G1", "H1", "S2"])[rng.integers(0, 7, n3)],
                "0",
            ),
        }
    ).sort_values(["la", "CHILD"])
    ad = w["adoptions"]
    a = attach(ad[(ad["day"] >= ys) & (ad["day"] <= ye)])
    na = len(a)
    nb = rng.integers(1, 3, na)
    sex_adoptr = np.where(
        nb == 1,
        np.where(rng.random(na) < 0.8, "F1", "M1"),
        np.array(["MF", "MF", "MF", "FF", "MM"])[rng.integers(0, 5, na)],
    )
    # the adopters' legal status follows their number and sexes (903 rules 514-524):
    # one adopter L0; a different-sex couple L11 (married); a same-sex couple L12
    # (married), L2 (civil partners) or L4, the statuses rules 518/519/524 allow MM/FF for
    same_sex = np.array(["L12", "L2", "L4"])[rng.integers(0, 5, na) % 3]
    ls_adoptr = np.where(nb == 1, "L0", np.where(sex_adoptr == "MF", "L11", same_sex))
    out["ad1"] = pd.DataFrame(
        {
            "la": a["la"],
            "CHILD": a["CHILD"],
            "DOB": fmt(a["dob"].to_numpy(), DMY),
            "DATE_INT": fmt(a["decision"].to_numpy(), DMY),
            "DATE_MATCH": fmt(a["match"].to_numpy(), DMY),
            "FOSTER_CARE": a["foster_care"].astype(str),
            "NB_ADOPTR": nb.astype(str),
            "SEX_ADOPTR": sex_adoptr,
            "LS_ADOPTR": ls_adoptr,
        }
    )
    dec = adoption_decisions(w["all_episodes"], ad)
    pa_ = attach(dec[(dec["decision"] <= ye) & (dec["day"] >= ys)])
    out["placed_for_adoption"] = pd.DataFrame(
        {
            "la": pa_["la"],
            "CHILD": pa_["CHILD"],
            "DOB": fmt(pa_["dob"].to_numpy(), DMY),
            "DATE_PLACED": fmt(pa_["decision"].to_numpy(), DMY),
            "DATE_PLACED_CEASED": None,
            "REASON_PLACED_CEASED": None,
        }
    )
    st = per[(per["start"] >= ys) & (per["start"] <= ye)][["pid", "la"]].drop_duplicates()
    st = attach(st)
    ns = len(st)
    prev = np.where(
        rng.random(ns) < 0.9, "Z1", np.array(["P1", "P2", "P3", "P4"])[rng.integers(0, 4, ns)]
    )
    # every child starting care in the year has a row, short-break children too (Z1: they
    # live with their parents); no random draws, so the other tables stay as they were
    sb = short_break_starters(w["all_episodes"], ys, ye)
    sb = attach(sb[~pd.MultiIndex.from_frame(sb).isin(pd.MultiIndex.from_frame(st[["pid", "la"]]))])
    perm_day = np.maximum(st["dob"].to_numpy(), ys - rng.integers(200, 2000, ns))
    la_numbers = np.array([a.dfe_number for a in AREAS])
    perm_la = np.where(
        rng.random(ns) < 0.8,
        la_numbers[st["la"].to_numpy()],
        la_numbers[rng.integers(0, len(AREAS), ns)],
    ).astype(str)
    prev_perm = pd.DataFrame(
        {
            "la": st["la"],
            "CHILD": st["CHILD"],
            "DOB": fmt(st["dob"].to_numpy(), DMY),
            "PREV_PERM": prev,
            "LA_PERM": np.where(prev != "Z1", perm_la, MISSING),
            "DATE_PERM": fmt(perm_day, DMY, valid=prev != "Z1"),
        }
    )
    short_perm = pd.DataFrame(
        {
            "la": sb["la"],
            "CHILD": sb["CHILD"],
            "DOB": fmt(sb["dob"].to_numpy(), DMY),
            "PREV_PERM": "Z1",
            "LA_PERM": None,
            "DATE_PERM": None,
        }
    )
    out["prev_perm"] = pd.concat([prev_perm, short_perm], ignore_index=True).sort_values(
        ["la", "CHILD"], kind="stable"
    )
    ms = w["missing"]
    mi = attach(ms[(ms["mis_start"] >= ys) & (ms["mis_start"] <= ye)]).sort_values(
        ["la", "CHILD", "mis_start"], kind="stable"
    )
    mis_end = mi["mis_end"].to_numpy()
    out["missing"] = pd.DataFrame(
        {
            "la": mi["la"],
            "CHILD": mi["CHILD"],
            "DOB": fmt(mi["dob"].to_numpy(), DMY),
            "MISSING": mi["missing"],
            "MIS_START": fmt(mi["mis_start"].to_numpy(), DMY),
            "MIS_END": fmt(mis_end, DMY, valid=mis_end <= ye),
        }
    )
    if y >= 2024:
        sw = kids.copy()
        in_year = per[(per["start"].to_numpy() <= ye) & (per["end"].to_numpy() >= ys)]
        last = (
            in_year.sort_values("start")
            .drop_duplicates(["pid", "la"], keep="last")
            .set_index(["pid", "la"])
        )
        key = pd.MultiIndex.from_frame(sw[["pid", "la"]])
        p_start = last["start"].reindex(key).fillna(ys).to_numpy().astype(np.int64)
        p_end = last["end"].reindex(key).fillna(NEVER).to_numpy().astype(np.int64)
        sw_start = np.maximum(p_start, ys - 300)
        change = rng.random(len(sw)) < 0.3
        ch_day = np.maximum(sw_start, ys) + rng.integers(20, 300, len(sw))  # in the year
        change &= (ch_day <= ye) & (ch_day < p_end)
        closed = (p_end <= ye) & (p_end > sw_start)
        ids_ = np.char.add("SW", rng.integers(10000, 99999, len(sw)).astype(str))
        reasons2 = np.array(["MANAGE", "FCONTA", "LEFTRL", "ORGRST", "TSPROC", "ABSENC", "OTHERS"])[
            rng.integers(0, 7, len(sw))
        ]
        ids2 = np.char.add("SW", rng.integers(10000, 99999, len(sw)).astype(str))
        reasons = np.array(["MANAGE", "FCONTA", "LEFTRL", "ORGRST", "TSPROC", "ABSENC", "OTHERS"])[
            rng.integers(0, 7, len(sw))
        ]
        a1 = pd.DataFrame(
            {
                "la": sw["la"],
                "CHILD": sw["CHILD"],
                "DOB": fmt(sw["dob"], DMY),
                "SW_ID": ids_,
                "SW_DECOM": fmt(sw_start, DMY),
                "SW_DEC": fmt(np.where(change, ch_day, p_end), DMY, valid=change | closed),
                "SW_REASON": reasons,
            }
        )
        a2 = pd.DataFrame(
            {
                "la": sw["la"],
                "CHILD": sw["CHILD"],
                "DOB": fmt(sw["dob"], DMY),
                "SW_ID": ids2,
                "SW_DECOM": fmt(ch_day, DMY),
                "SW_DEC": fmt(p_end, DMY, valid=closed),
                "SW_REASON": reasons2,
            }
        )[change]
        a1["_d"] = sw_start
        a2["_d"] = ch_day[change]
        out["sw_episodes"] = (
            pd.concat([a1, a2]).sort_values(["la", "CHILD", "_d"], kind="stable").drop(columns="_d")
        )
    _ = kid_key
    return out


def adoption_decisions(eps: pd.DataFrame, adoptions: pd.DataFrame) -> pd.DataFrame:
    """Decisions that a child should be placed for adoption (903 placed_for_adoption).

    Every period with a placement order (LS E1) has one, adopted yet or not: the adoption's
    decision date when the adoption is known, else a date 20-119 days before the first E1
    episode. `day` is the adoption day (NEVER while the child is not adopted).
    """
    e1 = eps[eps["ls"].to_numpy() == "E1"]
    first = e1.groupby("period_id", sort=True).agg(
        pid=("pid", "first"), la=("la", "first"), e1=("decom", "min")
    )
    known = adoptions.drop_duplicates("period_id").set_index("period_id")
    offset = 20 + first.index.to_numpy() % 100  # deterministic, no draws
    decision = known["decision"].reindex(first.index).to_numpy(dtype=float)
    day = known["day"].reindex(first.index).to_numpy(dtype=float)
    open_ = pd.DataFrame(
        {
            "pid": first["pid"].to_numpy(),
            "la": first["la"].to_numpy(),
            "decision": np.where(
                np.isnan(decision), first["e1"].to_numpy() - offset, decision
            ).astype(np.int64),
            "day": np.where(np.isnan(day), int(NEVER), day).astype(np.int64),
        }
    )
    # adoptions whose period has no E1 episode keep their own decision date
    rest = adoptions[~adoptions["period_id"].isin(first.index)][["pid", "la", "decision", "day"]]
    return pd.concat([open_, rest], ignore_index=True)


def short_break_starters(eps: pd.DataFrame, ys: int, ye: int) -> pd.DataFrame:
    """Children with a short-break (V3/V4) episode starting in the year (pid, la)."""
    d0 = eps["decom"].to_numpy()
    sb = eps[np.isin(eps["ls"].to_numpy(), list(SHORT_BREAK_LS)) & (d0 >= ys) & (d0 <= ye)]
    return sb[["pid", "la"]].drop_duplicates().reset_index(drop=True)


# ------------------------------------------------------------------------------ CIN XML
def _arr(values: object) -> pa.Array:
    """A string array (nulls kept) from numpy / pandas / arrow values."""
    if isinstance(values, pa.Array):
        return values if values.type == pa.string() else values.cast(pa.string())
    arr = np.asarray(values)
    if arr.dtype.kind in "iub":
        arr = arr.astype(str)
    return pa.array(arr.astype(object), type=pa.string(), from_pandas=True)


def _el(name: str, values: object, valid: np.ndarray | None = None) -> pa.Array:
    """`<name>value</name>` per row, or "" where the value is null or not `valid`."""
    a = _arr(values)
    if valid is not None:
        a = pc.if_else(pa.array(np.asarray(valid, bool)), a, pa.scalar(None, pa.string()))
    out = pc.binary_join_element_wise(f"<{name}>", a, f"</{name}>", "", null_handling="emit_null")
    return pc.fill_null(out, "")


def _date_el(name: str, days: object, upto: int) -> pa.Array:
    d = np.asarray(days, np.int64)
    ok = d <= upto
    return _el(name, fmt(np.where(ok, d, NEVER)), ok)


def _cat(*parts: object) -> pa.Array:
    """Element-wise concatenation of string arrays and scalars."""
    return pc.binary_join_element_wise(*parts, "")


def _when(cond: np.ndarray, x: pa.Array) -> pa.Array:
    return pc.if_else(pa.array(np.asarray(cond, bool)), x, "")


def write_cin(root: Path, w: dict, years: range) -> int:
    """One CIN census XML per LA and year (elements built with Arrow string kernels)."""
    persons = w["persons"]
    cin = w["cin"]
    ids = w["csc_ids"]
    pupils = w["pupils"]
    rows = 0
    for y in years:
        ys, ye = year_start(y), year_end(y)
        c = cin[(cin["ref"] <= ye) & (cin["close"] >= ys)]
        c = c.merge(ids, on=["pid", "la"], how="inner")
        c = c.iloc[
            np.lexsort(
                (c["ref"].to_numpy(), c["child"].to_numpy().astype(np.int64), c["la"].to_numpy())
            )
        ].reset_index(drop=True)
        n = len(c)
        fac = _factors_xml(c)
        # each module only when it belongs to the year (the census asks for the year's activity)
        asmt_in = (c["asmt_start"].to_numpy() <= ye) & (c["asmt_auth"].to_numpy() >= ys)
        plan_in = (c["plan_start"].to_numpy() <= ye) & (c["plan_end"].to_numpy() >= ys)
        s47_in = (c["s47_day"].to_numpy() >= ys) & (c["s47_day"].to_numpy() <= ye)
        cpp_in = (c["cpp_start"].to_numpy() <= ye) & (c["cpp_end"].to_numpy() >= ys)
        icpc = c["icpc_day"].to_numpy()
        icpc_cin_level = (icpc >= ys) & (icpc <= ye) & (c["s47_day"].to_numpy() < ys)
        assess = _when(
            asmt_in,
            _cat(
                "<Assessments>",
                _date_el("AssessmentActualStartDate", c["asmt_start"], ye),
                _date_el("AssessmentAuthorisationDate", c["asmt_auth"], ye),
                _when(
                    c["asmt_auth"].to_numpy() <= ye,
                    _cat(
                        "<FactorsIdentifiedAtAssessment>", fac, "</FactorsIdentifiedAtAssessment>"
                    ),
                ),
                "</Assessments>",
            ),
        )
        plan = _when(
            plan_in,
            _cat(
                "<CINPlanDates>",
                _date_el("CINPlanStartDate", c["plan_start"], ye),
                _date_el("CINPlanEndDate", c["plan_end"], ye),
                "</CINPlanDates>",
            ),
        )
        s47 = _when(
            s47_in,
            _cat(
                "<Section47>",
                _date_el("S47ActualStartDate", c["s47_day"], ye),
                _date_el("InitialCPCtarget", c["s47_day"].to_numpy() + 15, ye),
                _date_el("DateOfInitialCPC", c["icpc_day"], ye),
                _el("ICPCnotRequired", np.where(c["icpc_day"].to_numpy() < int(NEVER), "0", "1")),
                "</Section47>",
            ),
        )
        cpp = _when(
            cpp_in,
            _cat(
                "<ChildProtectionPlans>",
                _date_el("CPPstartDate", c["cpp_start"], ye),
                _date_el("CPPendDate", c["cpp_end"], ye),
                _el("InitialCategoryOfAbuse", c["cpp_cat"]),
                _el("LatestCategoryOfAbuse", c["cpp_cat_latest"]),
                _el("NumberOfPreviousCPP", np.zeros(n, int)),
                "</ChildProtectionPlans>",
            ),
        )
        details = _cat(
            "<CINdetails>",
            _date_el("CINreferralDate", c["ref"], ye),
            _el("ReferralSource", c["source"]),
            _el("PrimaryNeedCode", c["need"]),
            _date_el("CINclosureDate", c["close"], ye),
            _el("ReasonForClosure", c["close_reason"], c["close"].to_numpy() <= ye),
            _date_el("DateOfInitialCPC", np.where(icpc_cin_level, icpc, NEVER), ye),
            _el("ReferralNFA", np.where(c["nfa"].to_numpy(), "1", "0")),
            assess,
            plan,
            s47,
            cpp,
            "</CINdetails>",
        )
        first = (
            np.r_[
                True,
                (c["la"].to_numpy()[1:] != c["la"].to_numpy()[:-1])
                | (c["child"].to_numpy()[1:] != c["child"].to_numpy()[:-1]),
            ]
            if n
            else np.zeros(0, bool)
        )
        kids = c[first][["la", "child", "pid"]]
        kp = kids["pid"].to_numpy()
        dob = persons["dob"].to_numpy()[kp]
        male = persons["male"].to_numpy()[kp]
        upn = pupils.upn[kp]
        has_upn = (pupils.issue_day[kp] <= ye) & pd.notna(upn)
        age = (ye - dob) / 365.25
        unknown = np.where(age < 5, "UN1", "UN3")
        death = persons["death"].to_numpy()[kp]
        both = kids["la"].to_numpy() % 2 == 0
        if y <= 2024:
            sex = _cat(
                _el("GenderCurrent", np.where(male, "1", "2")),
                _el("Sex", np.where(male, "M", "F"), both),
            )
        else:
            sex = _el("Sex", np.where(male, "M", "F"))
        head = _cat(
            "<Child><ChildIdentifiers>",
            _el("LAchildID", kids["child"].to_numpy()),
            _el("UPN", upn, has_upn),
            _el("UPNunknown", unknown, ~has_upn),
            _el("PersonBirthDate", fmt(dob)),
            sex,
            _date_el("PersonDeathDate", death, ye),
            "</ChildIdentifiers><ChildCharacteristics>",
            _el("Ethnicity", persons["ethnic"].to_numpy()[kp]),
            "<Disabilities><Disability>NONE</Disability></Disabilities></ChildCharacteristics>",
        )
        # document order: child head, its CIN details (already sorted), closing tag
        child_no = np.cumsum(first) - 1
        k = len(kids)
        order_key = np.r_[
            np.arange(k) * 3.0,
            child_no * 3.0 + 1 + np.arange(n) / max(n, 1),
            np.arange(k) * 3.0 + 2,
        ]
        texts = pa.concat_arrays([head, details, pa.array(["</Child>"] * k, pa.string())])
        la_all = np.r_[kids["la"].to_numpy(), c["la"].to_numpy(), kids["la"].to_numpy()]
        order = np.argsort(order_key, kind="stable")
        texts = texts.take(pa.array(order))
        la_sorted = la_all[order]
        for li in range(len(AREAS)):
            area = AREAS[li]
            sel = np.flatnonzero(la_sorted == li)
            part = texts.take(pa.array(sel)).to_pylist() if len(sel) else []
            header = (
                '<?xml version="1.0" encoding="UTF-8"?>\n<Message><Header><CollectionDetails>'
                f"<Collection>CIN</Collection><Year>{y}</Year>"
                f"<ReferenceDate>{y}-03-31</ReferenceDate></CollectionDetails><Source>"
                f"<SourceLevel>L</SourceLevel><LEA>{area.dfe_number}</LEA>"
                "<SoftwareCode>cyplink-synthetic</SoftwareCode><Release>1</Release>"
                f"<SerialNo>1</SerialNo><DateTime>{y}-05-01T09:00:00</DateTime></Source>"
                "</Header><Children>\n"
            )
            path = root / "cin_census" / area.code / str(y) / "cin_census.xml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(
                header + "\n".join(part) + "\n</Children></Message>\n", encoding="utf-8"
            )
            rows += len(part)
    return rows


def _factors_xml(c: pd.DataFrame) -> pa.Array:
    """`<AssessmentFactors>` elements from the comma-separated factor list (vectorised)."""
    f = _arr(c["factors"].to_numpy())
    inner = pc.replace_substring(f, ",", "</AssessmentFactors><AssessmentFactors>")
    wrapped = pc.binary_join_element_wise(
        "<AssessmentFactors>", inner, "</AssessmentFactors>", "", null_handling="emit_null"
    )
    return pc.fill_null(wrapped, "")


# ------------------------------------------------------------------------------ schools
def write_school(root: Path, w: dict) -> dict[str, int]:
    """Termly pupilonroll / termlyexclusions per LA and term, and KS4 per LA and year."""
    from synthetic.education import iter_census, ks4_results

    p = w["params"]
    counts = {"pupilonroll": 0, "termlyexclusions": 0, "ks4": 0}
    for year, term, roll, excl in iter_census(w["persons"], w["pupils"], w["ever_cla"], p):
        roll_out = {
            "upn": roll["upn"].to_numpy(),
            "formerupn": roll["formerupn"].to_numpy(),
            "dob": fmt(roll["dob"].to_numpy()),
            "gender": roll["gender"].to_numpy(),
            "ethnicity": roll["ethnicity"].to_numpy(),
            "laestab": roll["laestab"].to_numpy(),
            "entrydate": fmt(roll["entrydate"].to_numpy()),
            "enrolstatus": roll["enrolstatus"].to_numpy(),
            "ncyearactual": roll["ncyearactual"].to_numpy(),
            "senprovision": roll["senprovision"].to_numpy(),
            "fsmeligible": roll["fsmeligible"].to_numpy(),
            "termlysessionspossible": roll["termlysessionspossible"].to_numpy(),
            "termlysessionsauthorised": roll["termlysessionsauthorised"].to_numpy(),
            "termlysessionsunauthorised": roll["termlysessionsunauthorised"].to_numpy(),
        }
        import pyarrow as pa

        from synthetic.io import to_arrow

        table = to_arrow(roll_out)
        la = roll["la"].to_numpy()
        order = np.lexsort((roll["pid"].to_numpy(), la))
        table = table.take(pa.array(order))
        la_sorted = la[order]
        ex_la = excl["la"].to_numpy()
        for li in range(len(AREAS)):
            lo, hi = np.searchsorted(la_sorted, [li, li + 1])
            folder = root / "school_census" / AREAS[li].code / f"{year}-{term}"
            counts["pupilonroll"] += write_csv(table.slice(lo, hi - lo), folder / "pupilonroll.csv")
            e = excl[ex_la == li].sort_values(["upn", "startdate"])
            counts["termlyexclusions"] += write_csv(
                {
                    "upn": e["upn"].to_numpy(),
                    "laestab": e["laestab"].to_numpy(),
                    "startdate": fmt(e["startdate"].to_numpy()),
                    "sessions": e["sessions"].to_numpy(),
                    "category": e["category"].to_numpy(),
                    "reason": e["reason"].to_numpy(),
                },
                folder / "termlyexclusions.csv",
            )
        if term == "summer":
            ks4 = ks4_results(roll, w["persons"], w["ever_cla"], p, year)
            for li in range(len(AREAS)):
                k = ks4[ks4["la"].to_numpy() == li].sort_values("upn")
                counts["ks4"] += write_csv(
                    {
                        "upn": k["upn"].to_numpy(),
                        "laestab": k["laestab"].to_numpy(),
                        "year": k["year"].to_numpy(),
                        "att8": np.char.mod("%.1f", k["att8"].to_numpy()),
                        "basics_94": k["basics_94"].to_numpy(),
                    },
                    root / "attainment" / AREAS[li].code / str(year) / "ks4.csv",
                )
    return counts


# ------------------------------------------------------------------------------ health
def write_gp(root: Path, w: dict) -> dict[str, int]:
    """gp/<extract_date>/patients.csv and events.csv."""
    p = w["params"]
    folder = root / "gp" / p.gp_extract_date
    reg = w["gp_registrations"]
    from synthetic.calendar import ymd

    y, m, _ = ymd(w["persons"]["dob"].to_numpy()[reg["pid"].to_numpy()])
    n1 = write_csv(
        {
            "patient_id": reg["patient_id"].to_numpy(),
            "practice_code": reg["practice"].to_numpy(),
            "registration_start": fmt(reg["start"].to_numpy()),
            "registration_end": fmt(reg["end"].to_numpy()),
            "year_of_birth": y,
            "month_of_birth": m,
            "sex": np.where(w["persons"]["male"].to_numpy()[reg["pid"]], "M", "F"),
            "lsoa_code": reg["lsoa"].to_numpy(),
            "la_code": LA_CODES[reg["la"].to_numpy()],
        },
        folder / "patients.csv",
    )
    ev = w["gp_events"]
    n2 = write_csv(
        {
            "patient_id": ev["patient_id"].to_numpy(),
            "event_date": fmt(ev["day"].to_numpy()),
            "snomed_code": ev["code"].to_numpy(),
            "value": ev["value"].to_numpy(),
        },
        folder / "events.csv",
    )
    return {"gp_patients": n1, "gp_events": n2}


def _age_band(dob: np.ndarray, when: np.ndarray) -> np.ndarray:
    """HES startage: years, or 7001-7007 for infants."""
    days = when - dob
    years = (days / 365.25).astype(int)
    infant = np.select(
        [days < 1, days < 7, days < 28, days < 91, days < 182, days < 273],
        [7001, 7002, 7003, 7004, 7005, 7006],
        7007,
    )
    return np.where(years >= 1, years, infant)


def write_sus(root: Path, w: dict) -> dict[str, int]:
    """sus/apc, sus/op and sus/ecds per financial year."""
    from synthetic.calendar import collection_year

    persons = w["persons"]
    dob = persons["dob"].to_numpy().astype(np.int64)
    male = persons["male"].to_numpy()
    areas = np.array([a.acute_trust for a in AREAS], dtype=object)
    counts = {"apc": 0, "op": 0, "ecds": 0}
    apc = w["apc"]
    fy = collection_year(apc["admidate"].to_numpy())
    pcode = w["postcode_lsoa"]
    for y in np.unique(fy):
        a = apc[fy == y]
        pid = a["pid"].to_numpy()
        cols = {
            "der_pseudo_nhs_number": a["sus_id"].to_numpy(),
            "epikey": a["epikey"].to_numpy(),
            "admidate": fmt(a["admidate"].to_numpy()),
            "disdate": fmt(a["disdate"].to_numpy()),
            "epistart": fmt(a["admidate"].to_numpy()),
            "epiend": fmt(a["disdate"].to_numpy()),
            "epiorder": np.ones(len(a), int),
            "admimeth": a["admimeth"].to_numpy(),
            "admisorc": "19",
            "disdest": "19",
            "startage": _age_band(dob[pid], a["admidate"].to_numpy()),
            "sex": np.where(male[pid], "1", "2"),
            "procode": areas[a["la"].to_numpy()],
            "tretspef": a["tretspef"].to_numpy(),
            "diag_01": a["diag_01"].to_numpy(),
            "diag_02": a["diag_02"].to_numpy(),
        }
        for k in range(3, 21):
            cols[f"diag_{k:02d}"] = np.full(len(a), None, object)
        cols["lsoa11"] = pcode(pid, a["admidate"].to_numpy())
        cols["resladst_ons"] = LA_CODES[a["la"].to_numpy()]
        counts["apc"] += write_csv(cols, root / "sus" / "apc" / fyear(int(y)) / "apc.csv")
    op = w["op"]
    fy = collection_year(op["day"].to_numpy())
    for y in np.unique(fy):
        o = op[fy == y]
        pid = o["pid"].to_numpy()
        counts["op"] += write_csv(
            {
                "der_pseudo_nhs_number": o["sus_id"].to_numpy(),
                "attendkey": o["attendkey"].to_numpy(),
                "apptdate": fmt(o["day"].to_numpy()),
                "atentype": o["atentype"].to_numpy(),
                "attended": o["attended"].to_numpy(),
                "tretspef": o["tretspef"].to_numpy(),
                "mainspef": o["tretspef"].to_numpy(),
                "procode": areas[o["la"].to_numpy()],
                "apptage": ((o["day"].to_numpy() - dob[pid]) / 365.25).astype(int),
                "sex": np.where(male[pid], "1", "2"),
            },
            root / "sus" / "op" / fyear(int(y)) / "op.csv",
        )
    ec = w["ecds"]
    fy = collection_year(ec["day"].to_numpy())
    for y in np.unique(fy):
        e = ec[fy == y]
        pid = e["pid"].to_numpy()
        counts["ecds"] += write_csv(
            {
                "der_pseudo_nhs_number": e["sus_id"].to_numpy(),
                "ec_ident": e["ec_ident"].to_numpy(),
                "der_ec_arrival_date_time": fmt_datetime(e["day"].to_numpy(), e["secs"].to_numpy()),
                "ec_department_type": e["dept"].to_numpy(),
                "ec_chief_complaint_snomed_ct": e["complaint"].to_numpy(),
                "ec_diagnosis_01": e["diag1"].to_numpy(),
                "ec_diagnosis_02": None,
                "ec_diagnosis_03": None,
                "ec_injury_intent_snomed_ct": e["intent"].to_numpy(),
                "discharge_destination_snomed_ct": e["discharge"].to_numpy(),
                "der_provider_code": areas[e["la"].to_numpy()],
                "der_age_at_cds_activity_date": ((e["day"].to_numpy() - dob[pid]) / 365.25).astype(
                    int
                ),
            },
            root / "sus" / "ecds" / fyear(int(y)) / "ecds.csv",
        )
    return counts


def write_mhsds(root: Path, w: dict) -> dict[str, int]:
    """mhsds/<year>/MHS101Referral, MHS102ServiceTypeReferredTo, MHS201CareContact."""
    from synthetic.mhsds import uniq_month_id

    r101, r102, r201 = w["mhsds_rows"]
    counts = {"MHS101Referral": 0, "MHS102ServiceTypeReferredTo": 0, "MHS201CareContact": 0}
    first = uniq_month_id(np.array([year_start(w["params"].health_from)]))[0]
    for table, df in (
        ("MHS101Referral", r101),
        ("MHS102ServiceTypeReferredTo", r102),
        ("MHS201CareContact", r201),
    ):
        df = df[df["month"] >= first]
        fy = (df["month"].to_numpy() + 2) // 12 + 1900 + (((df["month"].to_numpy() + 2) % 12) >= 3)
        for y in np.unique(fy):
            d = df[fy == y]
            if table == "MHS101Referral":
                cols = {
                    "UniqMonthID": d["month"].to_numpy(),
                    "Person_ID": d["person_id"].to_numpy(),
                    "UniqServReqID": d["srv"].to_numpy(),
                    "ReferralRequestReceivedDate": fmt(d["ref"].to_numpy()),
                    "SourceOfReferralMH": d["source"].to_numpy(),
                    "PrimReasonReferralMH": d["reason"].to_numpy(),
                    "ServDischDate": fmt(d["disch"].to_numpy()),
                    "OrgIDProv": d["org"].to_numpy(),
                }
            elif table == "MHS102ServiceTypeReferredTo":
                cols = {
                    "UniqMonthID": d["month"].to_numpy(),
                    "UniqServReqID": d["srv"].to_numpy(),
                    "ServTeamTypeRefToMH": d["team"].to_numpy(),
                }
            else:
                cols = {
                    "UniqMonthID": d["month"].to_numpy(),
                    "UniqServReqID": d["srv"].to_numpy(),
                    "UniqCareContID": d["cc"].to_numpy(),
                    "CareContDate": fmt(d["day"].to_numpy()),
                    "AttendOrDNACode": d["attend"].to_numpy(),
                    "ConsMechanismMH": d["mech"].to_numpy(),
                }
            counts[table] += write_csv(cols, root / "mhsds" / str(int(y)) / f"{table}.csv")
    return counts


def write_population(root: Path, pop: pd.DataFrame) -> int:
    """reference/population.csv."""
    return write_csv(
        {c: pop[c].to_numpy() for c in pop.columns}, root / "reference" / "population.csv"
    )


def write_identifiers(root: Path, ident: pd.DataFrame) -> int:
    """identifiers/<source_system>/<provider_code>/identifiers.csv."""
    n = 0
    cols = [
        "source_record_id",
        "nhs_number",
        "upn",
        "forename",
        "surname",
        "dob",
        "sex",
        "postcode",
        "record_date",
    ]
    for (src, prov), part in ident.groupby(["source_system", "provider_code"], sort=True):
        n += write_csv(
            {c: part[c].to_numpy() for c in cols},
            root / "identifiers" / src / prov / "identifiers.csv",
        )
    return n
