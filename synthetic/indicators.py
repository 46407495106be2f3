"""Expected indicator values, computed from the simulated (true) state with DESIGN.md's
definitions, per LA and collection year, before any disclosure control.

Choices where DESIGN.md leaves room (documented in docs/synthetic.md):
- open on 31 March: DECOM <= 31 March and (DEC blank or DEC > 31 March); the generator
  never writes DEC = 31 March, so `>` and `>=` agree;
- same placement 2+ years: the current placement began with RNE S, P or B (T and U keep
  the carer) at least 730 days before 31 March, or the child is placed for adoption (A3-A6);
  looked after 2.5+ years = period start at least 913 days before 31 March; under 16 at 31 March;
- `all_` indicators: events of children aged 0-17 attributed to their LA of residence on the
  event date; denominator = reference/population.csv for the calendar year in which the
  collection year starts (as for the CLA rate); MH contact = distinct children;
- `cla_` health indicators count the events recorded under the identity the LA knows: an
  adopted child's events from the adoption day on carry the new NHS number (and new SUS and
  MHSDS keys) the NHS issues to keep the two identities apart, so no lawful linkage joins
  them to the child's social care record (docs/linkage.md, "Adopted children").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthetic.areas import AREAS
from synthetic.calendar import add_years, collection_year, year_end, year_start
from synthetic.identifiers import adoption_days
from synthetic.population import la_at, resident_mask

LA_CODES = np.array([a.code for a in AREAS], dtype=object)


def _rows(ind: str, y: int, num: np.ndarray, den: np.ndarray, scale: float = 100.0) -> pd.DataFrame:
    num = np.asarray(num, float)
    den = np.asarray(den, float)
    val = np.where(den > 0, num / np.where(den > 0, den, 1) * scale, np.nan)
    return pd.DataFrame(
        {
            "indicator_id": ind,
            "area_code": LA_CODES,
            "period": y,
            "breakdown": "all",
            "breakdown_value": "all",
            "numerator": num,
            "denominator": den,
            "value": np.round(val, 4),
        }
    )


def _count_by_la(la: np.ndarray) -> np.ndarray:
    return np.bincount(np.asarray(la, np.int64), minlength=len(AREAS)).astype(float)


def _before_adoption(events: pd.DataFrame, day_col: str, adopted_day: np.ndarray) -> np.ndarray:
    """True for events dated before their person's adoption day."""
    pid = events["pid"].to_numpy()
    return events[day_col].to_numpy().astype(np.int64) < adopted_day[pid]


def expected_indicators(w: dict, years: range) -> pd.DataFrame:
    """Long table of expected indicator values."""
    persons = w["persons"]
    per = w["periods"]
    eps = w["episodes"]  # non short-break episodes
    pop = w["population"]
    oc2 = w["oc2"]
    dob = persons["dob"].to_numpy().astype(np.int64)
    start = per["start"].to_numpy().astype(np.int64)
    end = per["end"].to_numpy().astype(np.int64)
    la = per["la"].to_numpy()
    pid = per["pid"].to_numpy()
    contacts = w["contacts"]
    att = contacts[contacts["attend"].isin(["5", "6"])]
    att_cy = collection_year(att["day"].to_numpy())
    att_pid = att["pid"].to_numpy()
    att_day = att["day"].to_numpy().astype(np.int64)
    att_child_resident = (
        resident_mask(persons, att_pid, att_day)
        & (att_day >= dob[att_pid])
        & (att_day < add_years(dob[att_pid], 18))
    )
    ecds = w["ecds"]
    ecds_cy = collection_year(ecds["day"].to_numpy())
    # children looked after stay in the health data while in care, also when placed
    # outside the area: the `all_` rates count only children living in the area then
    ecds_pid = ecds["pid"].to_numpy()
    ecds_day = ecds["day"].to_numpy().astype(np.int64)
    ecds_child_resident = resident_mask(persons, ecds_pid, ecds_day) & (
        ecds_day < add_years(dob[ecds_pid], 18)
    )
    apc = w["apc"]
    apc = apc[apc["emergency"]]
    apc_cy = collection_year(apc["admidate"].to_numpy())
    # events under the pre-adoption identity (all of a child's events if never adopted)
    adopted_day = adoption_days(len(persons), w["adoptions"])
    # an MHSDS Person_ID is fixed by the referral, so a contact is under the old identity
    # when its referral came before the adoption (ref_id indexes w["refs"])
    att_ref_day = w["refs"]["ref"].to_numpy()[att["ref_id"].to_numpy()]
    att_known = _before_adoption(att.assign(ref_day=att_ref_day), "ref_day", adopted_day)
    ecds_known = _before_adoption(ecds, "day", adopted_day)
    apc_known = _before_adoption(apc, "admidate", adopted_day)
    e_decom = eps["decom"].to_numpy().astype(np.int64)
    e_dec = eps["dec"].to_numpy().astype(np.int64)
    e_rne = eps["rne"].to_numpy()
    out = []
    for y in years:
        ys, ye = year_start(y), year_end(y)
        popy = (
            pop[pop["year"] == y - 1]
            .groupby("la_code")["population"]
            .sum()
            .reindex(LA_CODES)
            .to_numpy(dtype=float)
        )
        at31 = (start <= ye) & (end > ye)
        c31 = pd.DataFrame({"pid": pid[at31], "la": la[at31]}).drop_duplicates()
        n31 = _count_by_la(c31["la"].to_numpy())
        out.append(_rows("cla_31mar_count", y, n31, np.ones(len(AREAS)), 1.0))
        out.append(_rows("cla_31mar_rate_per_10k", y, n31, popy, 10_000.0))
        st = pd.DataFrame({"pid": pid, "la": la})[(start >= ys) & (start <= ye)].drop_duplicates()
        ce = pd.DataFrame({"pid": pid, "la": la})[(end >= ys) & (end <= ye)].drop_duplicates()
        out.append(_rows("cla_started", y, _count_by_la(st["la"]), np.ones(len(AREAS)), 1.0))
        out.append(_rows("cla_ceased", y, _count_by_la(ce["la"]), np.ones(len(AREAS)), 1.0))
        # placements in the year
        held = (e_decom < ys) & (e_dec >= ys)
        new = (e_decom >= ys) & (e_decom <= ye) & np.isin(e_rne, ["S", "P", "B", "T", "U"])
        pl = pd.DataFrame(
            {
                "pid": eps["pid"].to_numpy(),
                "la": eps["la"].to_numpy(),
                "n": held.astype(int) + new.astype(int),
            }
        )
        npl = pl.groupby(["pid", "la"])["n"].sum()
        k = npl.reindex(pd.MultiIndex.from_frame(c31[["pid", "la"]])).fillna(0).to_numpy()
        out.append(
            _rows("cla_3plus_placements_pct", y, _count_by_la(c31["la"].to_numpy()[k >= 3]), n31)
        )
        # long-term stability
        under16 = add_years(dob[pid], 16) > ye
        lt = at31 & under16 & (start <= ye - 913)
        cur = eps[(e_decom <= ye) & (e_dec > ye)][["pid", "la", "place", "period_id"]]
        carer = eps[np.isin(e_rne, ["S", "P", "B"]) & (e_decom <= ye)]
        last_carer = carer.groupby("period_id")["decom"].max()
        cur = cur.assign(pstart=last_carer.reindex(cur["period_id"]).to_numpy())
        ok = (cur["pstart"].to_numpy() <= ye - 730) | cur["place"].isin(
            ["A3", "A4", "A5", "A6"]
        ).to_numpy()
        cur_ok = pd.Series(ok, index=cur["period_id"].to_numpy())
        lt_ids = per["period_id"].to_numpy()[lt]
        good = cur_ok.reindex(lt_ids).fillna(False).to_numpy().astype(bool)
        out.append(
            _rows(
                "cla_same_placement_2yrs_pct", y, _count_by_la(la[lt][good]), _count_by_la(la[lt])
            )
        )
        # OC2
        o = oc2[oc2["year"] == y]
        ocl = o["la"].to_numpy()
        n_o = _count_by_la(ocl)
        out.append(_rows("oc2_cohort", y, n_o, np.ones(len(AREAS)), 1.0))
        for ind, col in (
            ("oc2_health_assessment_pct", "health_assessment"),
            ("oc2_immunisations_pct", "immunisations"),
            ("oc2_dental_check_pct", "teeth_check"),
        ):
            out.append(_rows(ind, y, _count_by_la(ocl[o[col].to_numpy() == 1]), n_o))
        has = o["sdq_score"].to_numpy() >= 0
        sums = np.bincount(ocl[has], weights=o["sdq_score"].to_numpy()[has], minlength=len(AREAS))
        out.append(_rows("oc2_sdq_mean", y, sums, _count_by_la(ocl[has]), 1.0))
        # linked health indicators for children looked after at any time in the year
        anyt = (start <= ye) & (end >= ys)
        cy = pd.DataFrame({"pid": pid[anyt], "la": la[anyt]}).drop_duplicates()
        n_any = _count_by_la(cy["la"].to_numpy())
        contacted = np.unique(att["pid"].to_numpy()[(att_cy == y) & att_known])
        mh = cy[np.isin(cy["pid"].to_numpy(), contacted)]
        out.append(_rows("cla_mh_service_contact_pct", y, _count_by_la(mh["la"]), n_any))
        e_y = pd.Series(ecds["pid"].to_numpy()[(ecds_cy == y) & ecds_known]).value_counts()
        a_y = pd.Series(apc["pid"].to_numpy()[(apc_cy == y) & apc_known]).value_counts()
        ne = e_y.reindex(cy["pid"]).fillna(0).to_numpy()
        na = a_y.reindex(cy["pid"]).fillna(0).to_numpy()
        cla_la = cy["la"].to_numpy()
        out.append(
            _rows(
                "cla_ae_attendance_rate_per_1000",
                y,
                np.bincount(cla_la, weights=ne, minlength=len(AREAS)),
                n_any,
                1000.0,
            )
        )
        out.append(
            _rows(
                "cla_emergency_admission_rate_per_1000",
                y,
                np.bincount(cla_la, weights=na, minlength=len(AREAS)),
                n_any,
                1000.0,
            )
        )
        # all children in the LA: a child aged 0-17 living in the area on the day of their
        # first attended contact of the year, counted in the LA they live in that day (the
        # referral's LA and contacts after 18 or after moving away do not count)
        ay = att[(att_cy == y) & att_child_resident].sort_values(["pid", "day"])
        first = ay.drop_duplicates("pid")
        first_la = la_at(persons, first["pid"].to_numpy(), first["day"].to_numpy())
        out.append(_rows("all_mh_service_contact_pct", y, _count_by_la(first_la), popy))
        out.append(
            _rows(
                "all_ae_attendance_rate_per_1000",
                y,
                _count_by_la(ecds["la"].to_numpy()[(ecds_cy == y) & ecds_child_resident]),
                popy,
                1000.0,
            )
        )
        out.append(
            _rows(
                "all_emergency_admission_rate_per_1000",
                y,
                _count_by_la(apc["la"].to_numpy()[apc_cy == y]),
                popy,
                1000.0,
            )
        )
    res = pd.concat(out, ignore_index=True)
    return res.sort_values(["indicator_id", "area_code", "period"], ignore_index=True)
