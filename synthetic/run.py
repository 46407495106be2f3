"""Orchestrate one synthetic run: simulate the world, write landing files and truth."""

from __future__ import annotations

import json
import shutil
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from synthetic import codes
from synthetic.areas import AREAS
from synthetic.arrays import MISSING
from synthetic.calendar import NEVER
from synthetic.io import write_csv
from synthetic.params import Params

Progress = Callable[[str], None]
MARKER = ".cyplink_synthetic"  # written into landing and truth; allows safe replacement


def _noop(_: str) -> None:
    return None


def simulate_care(
    persons: pd.DataFrame, p: Params
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, np.ndarray, dict]:
    """Periods of care, RQ4 needs and calibrated episodes (plus the later-move-rate scale
    and the need-signal sources the need process reads: OC2, CIN, GP codes, referrals)."""
    from synthetic import care, cin, health, mhsds, need, returns903
    from synthetic.areas import stability_target

    periods = care.simulate_periods(persons, p)
    # RQ4: the need is the first need signal of any process, so those come first
    win = health.health_windows(persons, periods, p)
    signals = {
        "oc2": returns903.oc2_table(persons, periods, p),
        "cin": cin.simulate_cin(persons, periods, p),
        "gp_mh": health.background_mh_codes(persons, win, p),
        "referrals": mhsds.background_referrals(persons, periods, win, p),
    }
    nd = need.simulate_need(
        persons,
        periods,
        p,
        need.observed_signals(
            signals["oc2"], signals["cin"], signals["gp_mh"], signals["referrals"], p
        ),
    )
    moves = need.outcome_events(nd, p, "placement_move").assign(reason="CREQB")

    def quiet(pid: np.ndarray, when: np.ndarray) -> np.ndarray:
        # inside the RQ4 outcome window only the need process moves a child
        return need.in_outcome_window(nd, pid, when)

    episodes = care.build_episodes(persons, periods, p, moves, quiet_moves=quiet)
    # long-term stability: rescale the later-years move rate per borough once
    share = care.same_placement_share(episodes, periods, persons, (2024, 2025))
    target = np.array(
        [
            np.mean([stability_target(a.code, "same_placement_2yrs_pct", y) for y in (2024, 2025)])
            / 100
            for a in AREAS
        ]
    )
    later_scale = np.clip(np.log(target) / np.log(np.clip(share, 0.05, 0.99)), 0.3, 3.0)
    # each LA-year's 3+ placements share to its target, both ways (moves added or left out)
    episodes, _added, _dropped = care.calibrate_placements(
        persons, periods, p, moves, later_scale, quiet
    )
    return periods, nd, episodes, later_scale, signals


def placement_locations(
    persons: pd.DataFrame, periods: pd.DataFrame, all_eps: pd.DataFrame, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Placement and home postcodes per episode; fixes the provider to the location.

    Home postcode: where the child lived when the period began. Placement: in the
    responsible borough (60%), another NWL borough (15%) or a nearby authority (25%); P1
    placements are at home. A change of legal status only (RNE L) or of placement with the
    same carer (T) keeps the previous postcode. Own-LA provision (PR1) only inside the LA.
    """
    from synthetic.population import la_at, make_postcodes, out_of_area_postcodes, postcode_at

    n = len(all_eps)
    pid = all_eps["pid"].to_numpy()
    la = all_eps["la"].to_numpy().astype(np.int64)
    pstart = pd.Series(periods["start"].to_numpy(), index=periods["period_id"].to_numpy())
    start = pstart.reindex(all_eps["period_id"].to_numpy()).to_numpy()
    start = np.where(np.isnan(start), all_eps["decom"].to_numpy(), start).astype(np.int64)
    home = postcode_at(persons, pid, start)
    u = rng.random(n)
    other_la = (la + rng.integers(1, len(AREAS), n)) % len(AREAS)
    target_la = np.where(u < 0.75, np.where(u < 0.6, la, other_la), -1)
    pl = make_postcodes(rng, np.maximum(target_la, 0))
    far_pc, _ = out_of_area_postcodes(rng, n)
    pl = np.where(target_la < 0, far_pc, pl)
    at_home = all_eps["place"].to_numpy() == "P1"
    pl = np.where(at_home, home, pl)
    home_la = la_at(persons, pid, start)
    in_own = np.where(at_home, home_la == la, target_la == la)
    # keep the location over legal-status-only and same-carer changes
    keep = np.isin(all_eps["rne"].to_numpy(), ["L", "T"])
    pl = (
        pd.Series(np.where(keep, MISSING, pl), dtype=object)
        .groupby(all_eps["period_id"].to_numpy())
        .ffill()
        .to_numpy()
    )
    in_own = (
        pd.Series(np.where(keep, np.nan, in_own.astype(float)))
        .groupby(all_eps["period_id"].to_numpy())
        .ffill()
        .to_numpy()
        == 1
    )
    prov = all_eps["provider"].to_numpy()
    residential = (
        all_eps["place"]
        .isin(["K1", "K2", "K3", "H5", "S1", "R1", "R3", "U4", "U5", "U6"])
        .to_numpy()
    )
    fixed = np.where((prov == "PR1") & ~in_own, np.where(residential, "PR4", "PR2"), prov)
    all_eps["provider"] = fixed
    return pl, home


def simulate(p: Params, progress: Progress = _noop) -> dict:
    """Simulate everything in memory; returns the world dict used by the writers."""
    from synthetic import care, education, health, mhsds, need, returns903, sources
    from synthetic.population import (
        la_at,
        lsoa_of,
        population_table,
        postcode_at,
        simulate_population,
    )

    w: dict = {"params": p}
    progress("population")
    persons = simulate_population(p)
    w["persons"] = persons
    w["population"] = population_table(persons, range(p.years[0] - 2, p.years[1] + 1))
    progress("care")
    periods, nd, episodes, later_scale, signals = simulate_care(persons, p)
    w["later_scale"] = later_scale
    sb = care.simulate_short_breaks(persons, periods, p)
    sb_eps = care.short_break_episodes(sb, p.seed)
    all_eps = pd.concat([episodes, sb_eps], ignore_index=True).sort_values(
        ["la", "pid", "decom"], kind="stable", ignore_index=True
    )
    all_eps["ep_id"] = np.arange(len(all_eps))
    w.update(periods=periods, need=nd, episodes=episodes, all_episodes=all_eps)
    rng = np.random.default_rng([p.seed, 903])
    w["placement_postcodes"], w["home_postcodes"] = placement_locations(
        persons, periods, all_eps, rng
    )
    w["oc2"] = signals["oc2"]
    w["missing"] = returns903.missing_episodes(persons, periods, nd, p)
    w["reviews"] = returns903.reviews(periods, p)
    w["corrections"] = returns903.plant_corrections(all_eps, p)
    w["adoptions"] = sources.adoptions(persons, periods, episodes, p)
    # care leavers (OC3): looked after on their 16th birthday
    b16 = care.add_years(persons["dob"].to_numpy()[periods["pid"].to_numpy()], 16)
    # (not when care was taken over by another LA, REC E3: that LA reports the care leaver)
    transferred = episodes.loc[episodes["rec"].to_numpy() == "E3", "period_id"].to_numpy()
    cl = periods[
        (periods["start"].to_numpy() <= b16)
        & (periods["end"].to_numpy() > b16)
        & ~periods["period_id"].isin(transferred).to_numpy()
    ]
    w["care_leavers"] = pd.DataFrame(
        {
            "pid": cl["pid"].to_numpy(),
            "la": cl["la"].to_numpy(),
            "left": np.minimum(cl["end"].to_numpy(), NEVER),
        }
    )
    progress("children in need")
    w["cin"] = signals["cin"]
    ever = np.zeros(len(persons), bool)
    ever[periods["pid"].to_numpy()] = True
    w["ever_cla"] = ever
    w["csc_ids"] = sources.csc_ids(all_eps, w["cin"], w["care_leavers"], p)
    progress("schools")
    w["pupils"] = education.allocate_pupils(persons, ever, p)
    progress("health")
    win = health.health_windows(persons, periods, p)
    w["gp_events"] = health.gp_events(persons, periods, win, p, nd, w["oc2"])
    sh = need.outcome_events(nd, p, "self_harm_ecds")
    w["ecds"] = health.ecds_attendances(
        persons, periods, win, p, sh, nd, need.prior_self_harm_events(nd, periods, p)
    )
    w["ecds"]["ec_ident"] = np.arange(1, len(w["ecds"]) + 1, dtype=np.int64) + 700000000000
    extra = need.outcome_events(nd, p, "emergency_apc")
    w["apc"] = health.apc_episodes(persons, periods, win, p, w["ecds"], extra, nd)
    w["op"] = health.op_appointments(persons, periods, win, p)
    progress("mental health")
    refs, contacts = mhsds.simulate_referrals(persons, periods, nd, win, p, signals["referrals"])
    contacts["la"] = la_at(persons, contacts["pid"].to_numpy(), contacts["day"].to_numpy())
    w["refs"], w["contacts"] = refs, contacts
    w["health_keys"] = sources.assign_health_ids(
        persons,
        w["adoptions"],
        {"apc": w["apc"], "op": w["op"], "ecds": w["ecds"], "refs": refs},
        p,
    )
    r101, r102, r201 = mhsds.submissions(refs, contacts, p)
    # ref_id is 0..n-1, so arrays indexed by ref_id serve as lookups
    srv = refs["org"].to_numpy() + np.char.zfill(refs["ref_id"].to_numpy().astype(str), 9).astype(
        object
    )
    pers = refs["person_id"].to_numpy()
    r101 = r101.assign(
        srv=srv[r101["ref_id"].to_numpy()], person_id=pers[r101["ref_id"].to_numpy()]
    )
    r102 = r102.assign(srv=srv[r102["ref_id"].to_numpy()])
    r201 = r201.assign(
        srv=srv[r201["ref_id"].to_numpy()],
        cc=np.char.add("CC", np.char.zfill(r201["contact_id"].to_numpy().astype(str), 10)).astype(
            object
        ),
    )
    w["mhsds_rows"] = (r101, r102, r201)
    progress("identifiers")
    w["gp_registrations"], w["gp_events"] = sources.gp_registrations(
        persons, w["adoptions"], win.lo, win.hi, w["gp_events"], p
    )

    def pc_lsoa(pid: np.ndarray, when: np.ndarray) -> np.ndarray:
        return lsoa_of(postcode_at(persons, pid, when), la_at(persons, pid, when))

    w["postcode_lsoa"] = pc_lsoa
    ident, pmap, flags = sources.identifier_records(persons, w, p)
    w["identifiers"], w["person_map"], w["identifier_errors"] = ident, pmap, flags
    return w


def write_truth(truth: Path, w: dict) -> None:
    """person_map.csv, parameters.json, expected_indicators.csv and planted details."""
    from synthetic.indicators import expected_indicators

    p: Params = w["params"]
    truth.mkdir(parents=True, exist_ok=True)
    pm = w["person_map"]
    write_csv({c: pm[c].to_numpy() for c in pm.columns}, truth / "person_map.csv")
    ind = expected_indicators(w, range(p.years[0], p.years[1] + 1))
    write_csv({c: ind[c].to_numpy() for c in ind.columns}, truth / "expected_indicators.csv")
    nd = w["need"]
    persons = w["persons"]
    write_csv(
        {
            "true_person_id": persons["person_id"].to_numpy()[nd["pid"].to_numpy()],
            "la_code": np.array([a.code for a in AREAS], dtype=object)[nd["la"].to_numpy()],
            "need_date": pd.to_datetime(nd["need_day"].to_numpy(), unit="D")
            .strftime("%Y-%m-%d")
            .to_numpy(),
            "need_source": nd["source"].to_numpy(),
            "severity": np.round(nd["severity"].to_numpy(), 4),
            "prior_self_harm_presentations": nd["prior_self_harm"].to_numpy(),
            "early_support": nd["early"].to_numpy().astype(int),
            "first_attended_contact": np.where(
                nd["first_contact"].to_numpy() >= 0,
                pd.to_datetime(np.maximum(nd["first_contact"].to_numpy(), 0), unit="D")
                .strftime("%Y-%m-%d")
                .to_numpy(),
                None,
            ),
        },
        truth / "rq4_need.csv",
    )
    corr = w["corrections"]
    eps = w["all_episodes"]
    ids = w["csc_ids"].set_index(["pid", "la"])["child"]
    e = eps.iloc[corr["ep"].to_numpy()]
    child = ids.reindex(pd.MultiIndex.from_arrays([e["pid"].to_numpy(), e["la"].to_numpy()]))
    write_csv(
        {
            "la_code": np.array([a.code for a in AREAS], dtype=object)[e["la"].to_numpy()],
            "return_year": corr["year"].to_numpy(),
            "CHILD": child.to_numpy(),
            "DECOM": pd.to_datetime(e["decom"].to_numpy(), unit="D")
            .strftime("%d/%m/%Y")
            .to_numpy(),
            "kind": corr["kind"].to_numpy(),
        },
        truth / "injected_faults.csv",
    )
    fl = w["identifier_errors"]
    write_csv(
        {
            c: (fl[c].to_numpy() if i < 3 else fl[c].to_numpy().astype(bool).astype(np.int8))
            for i, c in enumerate(fl.columns)
        },
        truth / "identifier_errors.csv",
    )
    params = p.to_dict()
    params["scale_note"] = "scale 1.0 = the eight NW London boroughs' child population"
    params["calibration"] = {
        "later_move_rate_scale_by_la": {
            a.code: float(x) for a, x in zip(AREAS, w["later_scale"], strict=True)
        },
        "cla_entry_multiplier_by_la": {
            a.code: float(c) for a, c in zip(AREAS, _calib(w), strict=True)
        },
    }
    params["codes"] = {
        "lac_health_assessment_snomed": codes.LAC_HEALTH_ASSESSMENT_SNOMED,
        "lac_health_assessment_note": "stand-in concept 410620009 Well child "
        "visit; no UK LAC health assessment concept confirmed",
    }
    params["rq4"] = {
        "true_effect_rate_ratio_early_vs_not": p.rq4_early_effect_rr,
        "effect_scale": "rate ratio of outcome events in 24 months after need",
        "exposure": "first attended MHSDS contact within 90 days of need",
        "need": "the first need signal in a period of care, as the RQ4 cohort defines it "
        "(SDQ >= 17, CIN factor 4A/15A, GP mental health code, MHSDS referral), from any "
        "process; every one carries the planted effect",
        "confounder": "latent severity (standard normal) raises recorded self-harm "
        f"presentations in the year before need (log RR +{p.rq4_severity_on_prior_self_harm_log_rr}"
        f"/SD, mean {p.rq4_prior_self_harm_mean} at 0) and outcomes "
        f"(log RR +{p.rq4_severity_on_outcome_log_rr}/SD, and "
        f"+{p.rq4_prior_self_harm_on_outcome_log_rr} per log(1 + prior self-harm "
        "presentations)); early support depends only on "
        f"the recorded presentations (logit +{p.rq4_prior_self_harm_on_early_logit} per "
        "log(1 + count)), so adjusting for them removes the confounding",
        "background_events": "none of the outcome kinds inside the 24-month window "
        "(placement moves, missing episodes, self-harm A&E, emergency admissions): the "
        "planted rate ratio is the rate ratio of the observable counts",
        "outcomes": list(p.rq4_outcome_base_rates),
    }
    params["counts"] = {
        "persons": len(persons),
        "periods_of_care": len(w["periods"]),
        "identifier_records": len(w["identifiers"]),
    }
    (truth / "parameters.json").write_text(json.dumps(params, indent=2, sort_keys=True) + "\n")


def _calib(w: dict) -> np.ndarray:
    per = w["periods"]
    out = np.zeros(len(AREAS))
    for i in range(len(AREAS)):
        v = per.loc[per["la"] == i, "calib_c"]
        out[i] = float(v.iloc[0]) if len(v) else 0.0
    return out


def generate(
    scale: float = 0.01,
    seed: int = 42,
    landing: Path = Path("data/landing"),
    truth: Path = Path("data/truth"),
    years: tuple[int, int] = (2016, 2025),
    progress: Progress = _noop,
    clean: bool = True,
) -> dict[str, int]:
    """Simulate and write a landing root and a truth folder. Returns row counts per table."""
    with warnings.catch_warnings():
        # the generator works on numpy object arrays; pandas' Arrow-backed `str` inference
        # would convert every string column back and forth (several times slower)
        warnings.simplefilter("ignore")
        with pd.option_context("future.infer_string", False):
            return _generate(scale, seed, landing, truth, years, progress, clean)


def _generate(
    scale: float,
    seed: int,
    landing: Path,
    truth: Path,
    years: tuple[int, int],
    progress: Progress,
    clean: bool,
) -> dict[str, int]:
    from synthetic import landing as lw

    p = Params(seed=seed, scale=scale, years=years)
    landing, truth = Path(landing), Path(truth)
    if clean:
        for folder in (landing, truth):
            _clear(folder)
    w = simulate(p, progress)
    yrs = range(years[0], years[1] + 1)
    counts: dict[str, int] = {}
    progress("write reference and 903")
    counts["population"] = lw.write_population(landing, w["population"])
    counts.update(lw.write_903(landing, w, yrs))
    progress("write CIN census")
    counts["cin_census_children"] = lw.write_cin(landing, w, yrs)
    progress("write school census")
    counts.update(lw.write_school(landing, w))
    progress("write GP, SUS, MHSDS")
    counts.update(lw.write_gp(landing, w))
    counts.update(lw.write_sus(landing, w))
    counts.update(lw.write_mhsds(landing, w))
    progress("write identifiers and truth")
    counts["identifiers"] = lw.write_identifiers(landing, w["identifiers"])
    write_truth(truth, w)
    for folder in (landing, truth):
        (folder / MARKER).write_text("written by cyplink synth; safe to replace\n")
    return counts


def _clear(folder: Path) -> None:
    """Remove a previous synthetic output; refuse to delete a folder we did not write."""
    if not folder.exists():
        return
    if any(folder.iterdir()) and not (folder / MARKER).exists():
        from cyplink.errors import CyplinkError

        raise CyplinkError(
            f"{folder} exists and was not written by cyplink synth; "
            "choose an empty or new folder (nothing was deleted)"
        )
    shutil.rmtree(folder)
