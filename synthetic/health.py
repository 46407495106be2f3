"""Health service use: GP registrations and events, A&E (ECDS), admissions (APC), outpatients.

Events are Poisson processes over each child's time resident in the area inside the
health window, with a personal propensity (gamma, mean 1). Extra processes are
superposed for the planted structure: raised use in the 24 months before entry to care
(RQ3), raised use while looked after, and the RQ4 outcomes after a mental health need.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from synthetic import codes
from synthetic.arrays import MISSING
from synthetic.calendar import NEVER, add_years, day
from synthetic.need import before_need_window_end, in_outcome_window
from synthetic.params import Params
from synthetic.population import la_at
from synthetic.rng import component_rng

LAST_DAY = day(2025, 3, 31)


@dataclass
class Windows:
    """Per-person resident window in the health period and care-related windows."""

    lo: np.ndarray
    hi: np.ndarray
    first_entry: np.ndarray  # first start of care (NEVER if none)


def health_windows(persons: pd.DataFrame, periods: pd.DataFrame, p: Params) -> Windows:
    """Resident window clipped to the health period, and first entry to care."""
    h0 = day(p.health_from - 1, 4, 1)
    dob = persons["dob"].to_numpy().astype(np.int64)
    lo = np.maximum.reduce(
        [dob, persons["arrive"].to_numpy().astype(np.int64), np.full(len(dob), h0)]
    )
    hi = np.minimum.reduce(
        [
            persons["leave"].to_numpy().astype(np.int64),
            persons["death"].to_numpy().astype(np.int64),
            add_years(dob, 18).astype(np.int64),
            np.full(len(dob), LAST_DAY + 1),
        ]
    )
    first = np.full(len(dob), int(NEVER), np.int64)
    np.minimum.at(first, periods["pid"].to_numpy(), periods["start"].to_numpy().astype(np.int64))
    # children in care stay in the data while looked after
    in_care_end = np.full(len(dob), -1, np.int64)
    np.maximum.at(
        in_care_end,
        periods["pid"].to_numpy(),
        np.minimum(periods["end"].to_numpy().astype(np.int64), LAST_DAY + 1),
    )
    hi = np.maximum(hi, np.minimum(in_care_end, add_years(dob, 18).astype(np.int64)))
    return Windows(lo, hi, first)


def poisson_in(
    rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray, rate: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Events of a Poisson process with `rate` per year on [lo, hi): (row, day)."""
    span = np.maximum(hi - lo, 0)
    k = rng.poisson(np.maximum(rate, 0) * span / 365.25)
    rows = np.repeat(np.arange(len(lo)), k)
    days = lo[rows] + (rng.random(len(rows)) * span[rows]).astype(np.int64)
    return rows, days


def care_intervals(periods: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(pid, start, end) of periods of care, ends clipped to the last day."""
    return (
        periods["pid"].to_numpy(),
        periods["start"].to_numpy().astype(np.int64),
        np.minimum(periods["end"].to_numpy().astype(np.int64), LAST_DAY + 1),
    )


def event_days(
    persons: pd.DataFrame, periods: pd.DataFrame, w: Windows, p: Params, kind: str, base: float
) -> tuple[np.ndarray, np.ndarray]:
    """All (pid, day) events of one kind: baseline + pre-entry + in-care extras."""
    rng = component_rng(p.seed, f"health.{kind}")
    prop = persons["health_prop"].to_numpy().astype(np.float64)
    rows, days = poisson_in(rng, w.lo, w.hi, base * prop)
    pids, dayss = [rows], [days]
    ratio = p.pre_entry_ratio.get(kind, 1.0)
    if ratio > 1:
        has = w.first_entry < int(NEVER)
        lo = np.where(has, np.maximum(w.first_entry - 730, w.lo), 0)
        hi = np.where(has, np.minimum(w.first_entry, w.hi), 0)
        r2, d2 = poisson_in(rng, lo, hi, (ratio - 1) * base * prop)
        pids.append(r2)
        dayss.append(d2)
    ratio_c = p.in_care_ratio.get(kind, 1.0)
    if ratio_c > 1:
        cp, cs, ce = care_intervals(periods)
        lo = np.maximum(cs, w.lo[cp])
        hi = np.minimum(ce, w.hi[cp])
        r3, d3 = poisson_in(rng, lo, hi, (ratio_c - 1) * base * prop[cp])
        pids.append(cp[r3])
        dayss.append(d3)
    return np.concatenate(pids), np.concatenate(dayss)


def _pick(
    rng: np.random.Generator, table: tuple[tuple[str, str, str], ...], group: str, n: int
) -> np.ndarray:
    codes_ = np.array([c for c, _, g in table if g == group], dtype=object)
    return codes_[rng.integers(0, len(codes_), n)]


def background_mh_codes(persons: pd.DataFrame, w: Windows, p: Params) -> pd.DataFrame:
    """Mental health diagnoses at the GP for high latent severity from age 8 (pid, day).

    Computed before the RQ4 need process, which treats them as need signals.
    """
    rng = component_rng(p.seed, "health.gp.mental_health")
    dob = persons["dob"].to_numpy().astype(np.int64)
    sev = persons["mh_sev"].to_numpy()
    mh = (sev > 1.4) & (rng.random(len(dob)) < 0.6)
    when = np.maximum(w.lo, dob + 8 * 365) + (rng.random(len(dob)) * 2000).astype(np.int64)
    ok = mh & (when < np.minimum(w.hi, LAST_DAY + 1))
    return pd.DataFrame({"pid": np.flatnonzero(ok), "day": when[ok]})


def gp_events(
    persons: pd.DataFrame,
    periods: pd.DataFrame,
    w: Windows,
    p: Params,
    need: pd.DataFrame,
    oc2: pd.DataFrame,
) -> pd.DataFrame:
    """GP coded events: consultations, symptoms, immunisations, conditions, assessments."""
    rng = component_rng(p.seed, "health.gp")
    pid, dd = event_days(persons, periods, w, p, "gp", p.gp_consultations)
    n = len(pid)
    u = rng.random(n)
    code = np.where(
        u < 0.55,
        _pick(rng, codes.GP_SNOMED, "consultation", n),
        np.where(
            u < 0.9,
            _pick(rng, codes.GP_SNOMED, "symptom", n),
            _pick(rng, codes.GP_SNOMED, "injury", n),
        ),
    )
    frames = [pd.DataFrame({"pid": pid, "day": dd, "code": code, "value": None})]
    dob = persons["dob"].to_numpy().astype(np.int64)
    # immunisations: MMR at 1 year and 3 years 4 months
    for offset in (365 + 30, 1218):
        when = dob + offset + rng.integers(0, 60, len(dob))
        ok = (when >= w.lo) & (when < w.hi) & (rng.random(len(dob)) < 0.88)
        frames.append(
            pd.DataFrame(
                {"pid": np.flatnonzero(ok), "day": when[ok], "code": "38598009", "value": None}
            )
        )
    # chronic conditions: asthma diagnosis plus annual reviews
    asth = persons["asthma"].to_numpy()
    r, d = poisson_in(rng, np.where(asth, w.lo, 0), np.where(asth, w.hi, 0), np.full(len(dob), 1.0))
    frames.append(pd.DataFrame({"pid": r, "day": d, "code": "195967001", "value": None}))
    mh = background_mh_codes(persons, w, p)
    frames.append(mh.assign(code=_pick(rng, codes.GP_SNOMED, "mental_health", len(mh)), value=None))
    # RQ4: a need the need process raised itself, where it says the GP records it
    rec = need["recorded_at_gp"].to_numpy().astype(bool)
    frames.append(
        pd.DataFrame(
            {
                "pid": need["pid"].to_numpy()[rec],
                "day": need["need_day"].to_numpy()[rec],
                "code": _pick(rng, codes.GP_SNOMED, "mental_health", rec.sum()),
                "value": None,
            }
        )
    )
    # LAC health assessments: most OC2 assessments are also coded at the GP
    ha = oc2[(oc2["health_assessment"] == 1)]
    ha = ha[rng.random(len(ha)) < 0.8]
    when = ha["year_start"].to_numpy() + rng.integers(0, 365, len(ha))
    frames.append(
        pd.DataFrame(
            {
                "pid": ha["pid"].to_numpy(),
                "day": when,
                "code": codes.LAC_HEALTH_ASSESSMENT_SNOMED,
                "value": None,
            }
        )
    )
    # weights with a value
    r, d = poisson_in(rng, w.lo, w.hi, np.full(len(dob), 0.3))
    age = (d - dob[r]) / 365.25
    kg = np.round(3.5 + age * 3.2 + rng.normal(0, 1.5, len(r)), 1)
    frames.append(pd.DataFrame({"pid": r, "day": d, "code": "27113001", "value": kg.astype(str)}))
    ev = pd.concat(frames, ignore_index=True)
    ev = ev[
        (ev["day"] >= w.lo[ev["pid"]]) & (ev["day"] < np.minimum(w.hi[ev["pid"]], LAST_DAY + 1))
    ]
    order = np.lexsort((ev["day"].to_numpy(), ev["pid"].to_numpy()))
    return ev.iloc[order].reset_index(drop=True)


def ecds_attendances(
    persons: pd.DataFrame,
    periods: pd.DataFrame,
    w: Windows,
    p: Params,
    self_harm: pd.DataFrame,
    need: pd.DataFrame | None = None,
    prior_self_harm: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """A&E attendances with SNOMED complaint, diagnosis, intent and discharge.

    `self_harm` are the RQ4 outcome self-harm attendances after need, `prior_self_harm`
    the recorded self-harm before need that RQ4 triage acts on (never admitted, so each
    is one presentation).
    """
    rng = component_rng(p.seed, "health.ecds")
    pid, dd = event_days(persons, periods, w, p, "ecds", p.ecds_attendances)
    # injuries get an extra pre-entry boost
    r, d = poisson_in(
        rng,
        np.where(w.first_entry < int(NEVER), np.maximum(w.first_entry - 730, w.lo), 0),
        np.where(w.first_entry < int(NEVER), np.minimum(w.first_entry, w.hi), 0),
        np.full(len(w.lo), 0.25 * (p.pre_entry_ratio["injury"] - 1)),
    )
    sev = persons["mh_sev"].to_numpy()
    dob = persons["dob"].to_numpy().astype(np.int64)
    # background self-harm in teenagers with high severity
    teen_lo = np.maximum(w.lo, dob + 12 * 365)
    r2, d2 = poisson_in(rng, teen_lo, w.hi, 0.02 * np.exp(1.2 * sev))
    if need is not None:
        # a child with an RQ4 need self-harms only as the need process says, up to the
        # end of their last outcome window
        keep = ~before_need_window_end(need, r2, d2)
        r2, d2 = r2[keep], d2[keep]
    if prior_self_harm is None:
        prior_self_harm = pd.DataFrame({"pid": np.zeros(0, np.int64), "day": np.zeros(0, np.int64)})
    n_rq4 = len(self_harm) + len(prior_self_harm)
    kinds = np.concatenate(
        [
            np.zeros(len(pid), np.int8),
            np.ones(len(r), np.int8),
            np.full(len(r2), 2, np.int8),
            np.full(n_rq4, 2, np.int8),
        ]
    )
    rq4 = np.r_[np.zeros(len(pid) + len(r) + len(r2), bool), np.ones(n_rq4, bool)]
    never_admitted = np.r_[
        np.zeros(len(pid) + len(r) + len(r2) + len(self_harm), bool),
        np.ones(len(prior_self_harm), bool),
    ]
    pid = np.concatenate(
        [pid, r, r2, self_harm["pid"].to_numpy(), prior_self_harm["pid"].to_numpy()]
    )
    dd = np.concatenate([dd, d, d2, self_harm["day"].to_numpy(), prior_self_harm["day"].to_numpy()])
    ok = (dd >= w.lo[pid]) & (dd < np.minimum(w.hi[pid], LAST_DAY + 1))
    pid, dd, kinds, rq4, never_admitted = pid[ok], dd[ok], kinds[ok], rq4[ok], never_admitted[ok]
    n = len(pid)
    injury = (kinds == 1) | ((kinds == 0) & (rng.random(n) < 0.3))
    sh = kinds == 2
    grp = np.where(sh, "self_harm", np.where(injury, "injury", "illness"))
    complaint = np.empty(n, object)
    diag = np.empty(n, object)
    for g in ("self_harm", "injury", "illness"):
        sel = grp == g
        complaint[sel] = _pick(rng, codes.ECDS_COMPLAINT, g, sel.sum())
        diag[sel] = _pick(rng, codes.ECDS_DIAGNOSIS, g, sel.sum())
    intent = np.where(
        sh,
        "276853009",
        np.where(injury, np.where(rng.random(n) < 0.9, "418019003", "52684005"), MISSING),
    )
    admitted = (rng.random(n) < np.where(sh, 0.35, 0.1)) & ~never_admitted
    discharge = np.where(
        admitted, "306706006", np.where(rng.random(n) < 0.97, "306689006", "19712007")
    )
    secs = rng.integers(0, 86400, n)
    la = la_at(persons, pid, dd)
    out = pd.DataFrame(
        {
            "pid": pid,
            "day": dd,
            "secs": secs,
            "complaint": complaint,
            "diag1": diag,
            "intent": intent,
            "discharge": discharge,
            "la": la,
            "dept": np.where(rng.random(n) < 0.8, "01", "03"),
            "admitted": admitted,
            "self_harm": sh,
            "rq4": rq4,
        }
    )
    return out.sort_values(["pid", "day", "secs"], ignore_index=True)


def apc_episodes(
    persons: pd.DataFrame,
    periods: pd.DataFrame,
    w: Windows,
    p: Params,
    ecds: pd.DataFrame,
    extra_emergency: pd.DataFrame,
    need: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Admitted patient care: emergency (incl. admissions from A&E) and elective spells."""
    rng = component_rng(p.seed, "health.apc")
    pid_e, d_e = event_days(persons, periods, w, p, "emergency_apc", p.emergency_admissions)
    pid_l, d_l = event_days(persons, periods, w, p, "elective", p.elective_admissions)
    adm = ecds[ecds["admitted"]]
    if need is not None:
        # inside the RQ4 outcome window only RQ4 events lead to emergency admissions
        keep = ~in_outcome_window(need, pid_e, d_e)
        pid_e, d_e = pid_e[keep], d_e[keep]
        adm = adm[
            adm["rq4"].to_numpy()
            | ~in_outcome_window(need, adm["pid"].to_numpy(), adm["day"].to_numpy())
        ]
    pid = np.concatenate([pid_e, extra_emergency["pid"].to_numpy(), adm["pid"].to_numpy(), pid_l])
    dd = np.concatenate([d_e, extra_emergency["day"].to_numpy(), adm["day"].to_numpy(), d_l])
    emerg = np.concatenate(
        [np.ones(len(pid_e) + len(extra_emergency) + len(adm), bool), np.zeros(len(pid_l), bool)]
    )
    sh = np.concatenate(
        [
            np.zeros(len(pid_e), bool),
            np.zeros(len(extra_emergency), bool),
            adm["self_harm"].to_numpy(),
            np.zeros(len(pid_l), bool),
        ]
    )
    ok = (dd >= w.lo[pid]) & (dd < np.minimum(w.hi[pid], LAST_DAY + 1))
    pid, dd, emerg, sh = pid[ok], dd[ok], emerg[ok], sh[ok]
    n = len(pid)
    los = np.where(emerg, rng.geometric(0.45, n) - 1, rng.integers(0, 2, n))
    u = rng.random(n)
    admimeth = np.where(
        emerg,
        np.where(u < 0.75, "21", np.where(u < 0.85, "22", np.where(u < 0.92, "2A", "28"))),
        np.where(u < 0.7, "11", np.where(u < 0.9, "12", "13")),
    )
    d1 = np.empty(n, object)
    d2 = np.full(n, None, object)
    groups = np.where(
        sh,
        "self_harm",
        np.where(rng.random(n) < 0.25, "injury", np.where(rng.random(n) < 0.2, "chronic", "acute")),
    )
    for g in ("injury", "chronic", "acute"):
        sel = groups == g
        d1[sel] = _pick(rng, codes.ICD10, g, sel.sum())
    shs = np.flatnonzero(sh)
    d1[shs] = np.where(rng.random(len(shs)) < 0.6, "T391", "R458")
    d2[shs] = np.where(d1[shs] == "T391", "X60", "X78")
    # some diagnoses written with the dot (3 or 4 characters allowed)
    dotted = rng.random(n) < 0.2
    d1 = np.where(
        dotted & (pd.Series(d1).str.len().to_numpy() == 4),
        pd.Series(d1).str[:3].to_numpy() + "." + pd.Series(d1).str[3:].to_numpy(),
        d1,
    )
    tret = np.where(sh, "711", np.where(groups == "injury", "110", np.where(emerg, "420", "171")))
    la = la_at(persons, pid, dd)
    out = pd.DataFrame(
        {
            "pid": pid,
            "admidate": dd,
            "disdate": dd + los,
            "admimeth": admimeth,
            "diag_01": d1,
            "diag_02": d2,
            "tretspef": tret,
            "la": la,
            "emergency": emerg,
        }
    )
    out = out.sort_values(["pid", "admidate"], ignore_index=True)
    out["epikey"] = np.arange(1, len(out) + 1, dtype=np.int64) + 300000000000
    return out


def op_appointments(
    persons: pd.DataFrame, periods: pd.DataFrame, w: Windows, p: Params
) -> pd.DataFrame:
    """Outpatient appointments with attendance outcome."""
    rng = component_rng(p.seed, "health.op")
    pid, dd = event_days(persons, periods, w, p, "op", p.op_appointments)
    n = len(pid)
    u = rng.random(n)
    attended = np.where(
        u < 0.80,
        "5",
        np.where(u < 0.84, "6", np.where(u < 0.92, "7", np.where(u < 0.96, "2", "4"))),
    )
    tret = np.array(list(codes.TRETSPEF), dtype=object)[rng.integers(0, len(codes.TRETSPEF), n)]
    out = pd.DataFrame(
        {
            "pid": pid,
            "day": dd,
            "attended": attended,
            "tretspef": tret,
            "atentype": np.where(rng.random(n) < 0.4, "1", "2"),
            "la": la_at(persons, pid, dd),
        }
    )
    out = out.sort_values(["pid", "day"], ignore_index=True)
    out["attendkey"] = np.arange(1, len(out) + 1, dtype=np.int64) + 500000000000
    return out
