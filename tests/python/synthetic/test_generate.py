"""Determinism, contract validity, identifier check digits and the planted error profile."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from synth_tiny import TINY_SCALE, TINY_SEED, TinyRun

from synthetic.ids import (
    corrupt_nhs,
    generate_nhs_numbers,
    make_temporary_upns,
    make_upns,
    nhs_is_valid,
    upn_is_valid,
)
from synthetic.params import ErrorRates
from synthetic.validate import validate_landing


def _hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_seed_and_scale_give_identical_bytes(tiny_run: TinyRun, tmp_path: Path) -> None:
    import synthetic

    synthetic.generate(
        scale=TINY_SCALE, seed=TINY_SEED, landing=tmp_path / "landing", truth=tmp_path / "truth"
    )
    assert _hashes(tmp_path / "landing") == _hashes(tiny_run.landing)
    assert _hashes(tmp_path / "truth") == _hashes(tiny_run.truth)


def test_every_landing_file_follows_the_contract(tiny_run: TinyRun) -> None:
    problems = validate_landing(tiny_run.landing)
    assert problems == [], "\n".join(problems[:20])


def test_every_contract_file_kind_is_written(tiny_run: TinyRun) -> None:
    root = tiny_run.landing
    tables = {p.stem for p in root.glob("ssda903/*/*/*.csv")}
    assert tables == {
        "header",
        "episodes",
        "reviews",
        "uasc",
        "oc2",
        "oc3",
        "ad1",
        "placed_for_adoption",
        "prev_perm",
        "missing",
        "sw_episodes",
    }
    assert len(list(root.glob("cin_census/*/*/cin_census.xml"))) == 8 * 10
    assert len(list(root.glob("school_census/*/*/pupilonroll.csv"))) == 8 * 10 * 3
    assert len(list(root.glob("attainment/*/*/ks4.csv"))) == 8 * 10
    assert (root / "reference" / "population.csv").exists()
    assert {p.parent.name for p in root.glob("sus/*/*/*.csv")} >= {"2015-16", "2024-25"}
    assert {p.stem for p in root.glob("mhsds/*/*.csv")} == {
        "MHS101Referral",
        "MHS102ServiceTypeReferredTo",
        "MHS201CareContact",
    }
    srcs = {p.parent.parent.name for p in root.glob("identifiers/*/*/identifiers.csv")}
    assert srcs == {"csc", "school_census", "gp", "sus", "mhsds"}
    # both SEX codings of the 903
    h24 = pd.read_csv(next(root.glob("ssda903/*/2024/header.csv")), dtype=str)
    h25 = pd.read_csv(next(root.glob("ssda903/*/2025/header.csv")), dtype=str)
    assert set(h24["SEX"]) <= {"1", "2"} and set(h25["SEX"]) <= {"M", "F", "U"}


def test_truth_folder(tiny_run: TinyRun) -> None:
    pm = pd.read_csv(tiny_run.truth / "person_map.csv", dtype=str)
    assert list(pm.columns) == [
        "source_system",
        "provider_code",
        "source_record_id",
        "true_person_id",
    ]
    assert not pm.duplicated(["source_system", "provider_code", "source_record_id"]).any()
    ident = pd.concat(
        [
            pd.read_csv(p, dtype=str).assign(
                source_system=p.parent.parent.name, provider_code=p.parent.name
            )
            for p in tiny_run.landing.glob("identifiers/*/*/identifiers.csv")
        ]
    )
    keys = ident[["source_system", "provider_code", "source_record_id"]].drop_duplicates()
    assert len(keys) == len(pm)
    params = json.loads((tiny_run.truth / "parameters.json").read_text())
    assert params["seed"] == TINY_SEED and params["scale"] == TINY_SCALE
    assert "rq4" in params and "cla_mh_referral_by_la" in params
    ind = pd.read_csv(tiny_run.truth / "expected_indicators.csv")
    assert list(ind.columns) == [
        "indicator_id",
        "area_code",
        "period",
        "breakdown",
        "breakdown_value",
        "numerator",
        "denominator",
        "value",
    ]
    required = {
        "cla_31mar_count",
        "cla_31mar_rate_per_10k",
        "cla_started",
        "cla_ceased",
        "cla_3plus_placements_pct",
        "cla_same_placement_2yrs_pct",
        "oc2_cohort",
        "oc2_health_assessment_pct",
        "oc2_immunisations_pct",
        "oc2_dental_check_pct",
        "oc2_sdq_mean",
        "cla_mh_service_contact_pct",
        "cla_ae_attendance_rate_per_1000",
        "cla_emergency_admission_rate_per_1000",
        "all_mh_service_contact_pct",
        "all_ae_attendance_rate_per_1000",
        "all_emergency_admission_rate_per_1000",
    }
    assert required <= set(ind["indicator_id"])
    assert set(ind["period"]) == set(range(2016, 2026))


def test_cla_count_matches_the_903_returns(tiny_run: TinyRun) -> None:
    """Expected cla_31mar_count equals children with an episode open on 31 March (not V3)."""
    ind = pd.read_csv(tiny_run.truth / "expected_indicators.csv", dtype={"area_code": str})
    faults = pd.read_csv(tiny_run.truth / "injected_faults.csv", dtype=str)
    for path in tiny_run.landing.glob("ssda903/*/2025/episodes.csv"):
        ep = pd.read_csv(path, dtype=str)
        ye = pd.Timestamp("2025-03-31")
        decom = pd.to_datetime(ep["DECOM"], format="%d/%m/%Y")
        dec = pd.to_datetime(ep["DEC"], format="%d/%m/%Y")
        open_ = (decom <= ye) & (dec.isna() | (dec > ye)) & ~ep["LS"].isin(["V3", "V4"])
        la = path.parent.parent.name
        expected = ind[
            (ind.indicator_id == "cla_31mar_count") & (ind.area_code == la) & (ind.period == 2025)
        ]["numerator"].iloc[0]
        assert ep[open_]["CHILD"].nunique() == expected
    assert set(faults["kind"]) <= {"late_end", "place"}


def test_903_episodes_are_valid_within_each_return(tiny_run: TinyRun) -> None:
    """No overlaps, DEC >= DECOM, non-S episodes chain from an X1 ending the same day, a legal
    status change keeps the placement, and the reason for a placement change is on the
    episode that ended."""
    for path in tiny_run.landing.glob("ssda903/*/*/episodes.csv"):
        ep = pd.read_csv(path, dtype=str)
        ep["decom"] = pd.to_datetime(ep["DECOM"], format="%d/%m/%Y")
        ep["dec"] = pd.to_datetime(ep["DEC"], format="%d/%m/%Y")
        assert (ep["dec"].isna() | (ep["dec"] >= ep["decom"])).all(), path
        ep = ep.sort_values(["CHILD", "decom"]).reset_index(drop=True)
        grp = ep.groupby("CHILD")
        prev = {
            c: grp[c].shift(1)
            for c in ("dec", "REC", "PLACE", "PL_POST", "URN", "PLACE_PROVIDER", "LS")
        }
        has_prev = grp.cumcount() > 0
        assert (~has_prev | (prev["dec"] <= ep["decom"])).all(), f"overlap in {path}"
        chained = ep["RNE"] != "S"
        ok = ~(chained & has_prev) | ((prev["dec"] == ep["decom"]) & (prev["REC"] == "X1"))
        assert ok.all(), f"broken chain in {path}: {ep[~ok].head()}"
        legal = (ep["RNE"] == "L") & has_prev
        for col in ("PLACE", "PL_POST", "URN", "PLACE_PROVIDER"):
            same = (ep[col].fillna("") == prev[col].fillna("")) | ~legal
            assert same.all(), f"RNE L changed {col} in {path}"
        nxt_rne = grp["RNE"].shift(-1)
        ends_for_move = (ep["REC"] == "X1") & nxt_rne.isin(["P", "B", "T", "U"])
        assert ep.loc[ends_for_move, "REASON_PLACE_CHANGE"].notna().all(), path


def test_oc2_only_for_children_looked_after_twelve_months(tiny_run: TinyRun) -> None:
    for path in tiny_run.landing.glob("ssda903/*/*/oc2.csv"):
        year = int(path.parent.name)
        oc2 = pd.read_csv(path, dtype=str)
        ep = pd.read_csv(path.parent / "episodes.csv", dtype=str)
        ep["decom"] = pd.to_datetime(ep["DECOM"], format="%d/%m/%Y")
        ys = pd.Timestamp(f"{year - 1}-04-01")
        started = ep[(ep["RNE"] == "S") & (ep["decom"] >= ys)]["CHILD"]
        assert not oc2["CHILD"].isin(started).any(), path
        sdq = pd.to_numeric(oc2["SDQ_SCORE"])
        assert sdq.dropna().between(0, 40).all()


def test_generated_nhs_numbers_pass_modulus_11() -> None:
    rng = np.random.default_rng(1)
    numbers = generate_nhs_numbers(rng, 5000)
    assert nhs_is_valid(numbers).all()
    assert len(set(numbers)) == 5000
    assert not any(len(set(n)) == 1 for n in numbers)
    assert nhs_is_valid(np.array(["9434765919", "943 476 5919"])).all()
    assert not nhs_is_valid(np.array(["9434765918", "1111111111", "123"])).any()
    assert nhs_is_valid(corrupt_nhs(rng, numbers)).mean() < 0.15


def test_upn_check_letters() -> None:
    rng = np.random.default_rng(2)
    n = 2000
    upns = make_upns(
        np.full(n, 304), rng.integers(2000, 5000, n), np.full(n, 2019), rng.integers(0, 1000, n)
    )
    assert upn_is_valid(upns).all()
    temp = make_temporary_upns(rng, np.full(n, 213), rng.integers(2000, 5000, n), np.full(n, 21))
    assert upn_is_valid(temp).all()
    assert all(t[-1].isalpha() for t in temp[:20])
    # changing one digit of the body breaks the check letter
    broken = np.array([u[:5] + str((int(u[5]) + 1) % 10) + u[6:] for u in upns[:200]])
    assert not upn_is_valid(broken).any()


def test_identifiers_valid_unless_an_error_was_injected(tiny_run: TinyRun) -> None:
    flags = pd.read_csv(
        tiny_run.truth / "identifier_errors.csv",
        dtype={"source_record_id": str, "provider_code": str},
    )
    for path in tiny_run.landing.glob("identifiers/*/*/identifiers.csv"):
        src = path.parent.parent.name
        ident = pd.read_csv(path, dtype=str)
        f = flags[(flags.source_system == src) & (flags.provider_code == path.parent.name)]
        assert len(f) == len(ident)
        f = f.set_index(ident.index)
        has = ident["nhs_number"].notna()
        valid = pd.Series(
            nhs_is_valid(ident["nhs_number"].fillna("").to_numpy()), index=ident.index
        )
        assert (valid[has] == (f["nhs_invalid"][has] == 0)).all(), path
        if src in ("csc", "school_census"):
            hu = ident["upn"].notna()
            uvalid = pd.Series(upn_is_valid(ident["upn"].fillna("").to_numpy()), index=ident.index)
            err = f["upn_error"] == 1 if "upn_error" in f else pd.Series(False, index=f.index)
            assert (uvalid[hu] == ~err[hu]).all(), path


@pytest.mark.parametrize(
    ("flag", "rate_name"),
    [
        ("forename_typo", "forename_typo"),
        ("surname_typo", "surname_typo"),
        ("name_swap", "name_swap"),
        ("postcode_missing", "postcode_missing"),
        ("nhs_invalid", "nhs_invalid"),
    ],
)
def test_error_profile_roughly_matches_parameters(
    tiny_run: TinyRun, flag: str, rate_name: str
) -> None:
    flags = pd.read_csv(tiny_run.truth / "identifier_errors.csv")
    rate = getattr(ErrorRates(), rate_name)
    named = (
        flags[flags.source_system.isin(["csc", "school_census", "gp"])]
        if flag in ("forename_typo", "surname_typo", "name_swap")
        else flags
    )
    observed = named[flag].mean()
    n = len(named)
    tolerance = 4 * np.sqrt(rate * (1 - rate) / n) + 0.002
    assert abs(observed - rate) < tolerance, (flag, observed, rate, n)


def test_nhs_number_coverage_differs_by_source(tiny_run: TinyRun) -> None:
    cover = {}
    for src in ("csc", "gp", "school_census"):
        frames = [
            pd.read_csv(p, dtype=str)
            for p in tiny_run.landing.glob(f"identifiers/{src}/*/identifiers.csv")
        ]
        cover[src] = pd.concat(frames)["nhs_number"].notna().mean()
    assert cover["gp"] > 0.95
    assert 0.4 < cover["csc"] < 0.9
    assert cover["school_census"] == 0


def test_twins_share_birth_and_address_but_not_person(tiny_run: TinyRun) -> None:
    pm = pd.read_csv(tiny_run.truth / "person_map.csv", dtype=str)
    gp = pd.read_csv(next(tiny_run.landing.glob("identifiers/gp/*/identifiers.csv")), dtype=str)
    gp = gp.merge(pm[pm.source_system == "gp"], on="source_record_id")
    same = gp.groupby(["dob", "surname", "postcode"])["true_person_id"].nunique()
    assert (same >= 2).any(), "expected at least one pair of twins (or same-family records)"


def test_refuses_to_replace_a_folder_it_did_not_write(tmp_path: Path) -> None:
    import synthetic
    from cyplink.errors import CyplinkError

    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "real_extract.csv").write_text("a,b\n1,2\n")
    with pytest.raises(CyplinkError, match="not written by cyplink synth"):
        synthetic.generate(scale=TINY_SCALE, seed=1, landing=landing, truth=tmp_path / "truth")
    assert (landing / "real_extract.csv").exists()


def test_cli_help_lists_the_options() -> None:
    from typer.testing import CliRunner

    from cyplink.cli import app

    result = CliRunner().invoke(app, ["synth", "--help"])
    assert result.exit_code == 0
    for option in ("--scale", "--seed", "--landing", "--truth", "--years"):
        assert option in result.output


def test_cin_returns_hold_only_the_years_activity(tiny_run: TinyRun) -> None:
    """Assessments, S47s and plans belong to the year; ICPCs on working days; RC8/RC9 only
    after an assessment in the same return (DfE CIN rules 8696, 8715, 8930, 8875, 8825Q)."""
    import datetime as dt
    import xml.etree.ElementTree as ET

    for path in tiny_run.landing.glob("cin_census/*/*/cin_census.xml"):
        year = int(path.parent.name)
        start, end = dt.date(year - 1, 4, 1), dt.date(year, 3, 31)
        root = ET.parse(path).getroot()
        for det in root.iter("CINdetails"):
            for tag in (
                "AssessmentAuthorisationDate",
                "CPPendDate",
                "CINPlanEndDate",
                "S47ActualStartDate",
            ):
                for el in det.iter(tag):
                    assert start <= dt.date.fromisoformat(el.text) <= end, (path, tag, el.text)
            for el in det.iter("DateOfInitialCPC"):
                assert dt.date.fromisoformat(el.text).weekday() < 5, (path, el.text)
            reason = det.findtext("ReasonForClosure")
            if reason in ("RC8", "RC9"):
                assert det.find("Assessments") is not None, (path, reason)


def test_903_girls_have_mother_recorded(tiny_run: TinyRun) -> None:
    for path in tiny_run.landing.glob("ssda903/*/*/header.csv"):
        header = pd.read_csv(path, dtype=str)
        episodes = pd.read_csv(path.parent / "episodes.csv", dtype=str)
        # MOTHER is asked for children looked after other than on short breaks (V3/V4)
        looked_after = episodes[~episodes["LS"].isin(["V3", "V4"])]["CHILD"]
        girls = header[header["SEX"].isin(["2", "F"]) & header["CHILD"].isin(looked_after)]
        assert girls["MOTHER"].isin(["0", "1"]).all(), path
        short_only = header["CHILD"].isin(episodes["CHILD"]) & ~header["CHILD"].isin(looked_after)
        assert header[short_only]["MOTHER"].isna().all(), path
        boys = header[header["SEX"].isin(["1", "M"])]
        assert boys["MOTHER"].isna().all(), path
