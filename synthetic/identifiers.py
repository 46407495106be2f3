"""Identifier extracts with a realistic, parameterised error profile.

Each source record is (source_system, provider_code, source_record_id, pid, record_day);
names, date of birth, sex, postcode, NHS number and UPN are taken from the person as
they were on the record day (adopted children change surname and NHS number), then
errors are injected at the rates in `ErrorRates`. All edits are vectorised on
fixed-width character matrices.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthetic.arrays import MISSING
from synthetic.calendar import NEVER, days_from_ymd, fmt, ymd
from synthetic.care import LAST_DAY
from synthetic.ids import corrupt_nhs
from synthetic.names import NICKNAMES
from synthetic.params import Params
from synthetic.population import postcode_at
from synthetic.rng import component_rng

ALPHA = np.array(list("abcdefghijklmnopqrstuvwxyz"))


def typo(rng: np.random.Generator, names: np.ndarray) -> np.ndarray:
    """One deletion, substitution, insertion-by-doubling or transposition per name."""
    s = np.asarray(names, dtype="U30")
    n = len(s)
    if n == 0:
        return s.astype(object)
    chars = s.view("U1").reshape(n, 30).copy()
    length = np.char.str_len(s)
    pos = (rng.random(n) * np.maximum(length - 1, 1)).astype(int) + (length > 2)
    pos = np.minimum(pos, np.maximum(length - 1, 0))
    op = rng.integers(0, 4, n)
    cols = np.arange(30)[None, :]
    shift_left = np.where(cols >= pos[:, None], np.minimum(cols + 1, 29), cols)
    deleted = np.take_along_axis(chars, shift_left, axis=1)
    deleted[np.arange(n), np.minimum(length - 1, 29)] = ""
    doubled = np.take_along_axis(chars, np.where(cols > pos[:, None], cols - 1, cols), axis=1)
    subst = chars.copy()
    subst[np.arange(n), pos] = ALPHA[rng.integers(0, 26, n)]
    swapped = chars.copy()
    nxt = np.minimum(pos + 1, np.maximum(length - 1, 0))
    swapped[np.arange(n), pos] = chars[np.arange(n), nxt]
    swapped[np.arange(n), nxt] = chars[np.arange(n), pos]
    out = np.where(
        (op == 0)[:, None],
        deleted,
        np.where((op == 1)[:, None], subst, np.where((op == 2)[:, None], doubled, swapped)),
    )
    res = np.ascontiguousarray(out).view("U30").ravel()
    return np.where(length > 2, res, s).astype(object)


def adoption_days(n_persons: int, adoptions: pd.DataFrame) -> np.ndarray:
    """Day each of `n_persons` people was adopted (`adoptions`: pid, day); NEVER for the
    others, so `day >= adoption_days(...)[pid]` is the post-adoption identity."""
    days = np.full(n_persons, int(NEVER), np.int64)
    days[adoptions["pid"].to_numpy()] = adoptions["day"].to_numpy()
    return days


def person_view(
    persons: pd.DataFrame, pid: np.ndarray, when: np.ndarray, adoption: pd.DataFrame
) -> pd.DataFrame:
    """True identifiers of persons `pid` on days `when` (after adoption: new surname/NHS).

    No record is made after the data end: a child still in care at the end (whose last
    involvement is open, day `NEVER`) is recorded as on the last day. Unclipped, the
    sentinel counted as "after adoption" for children never adopted, so their record got
    a second NHS number, no surname and a blank record date (issue 6).
    """
    adopted_day = adoption_days(len(persons), adoption)
    new_surname = np.full(len(persons), None, object)
    new_surname[adoption["pid"].to_numpy()] = adoption["surname"].to_numpy()
    when = np.minimum(np.asarray(when, np.int64), int(LAST_DAY))
    after = (adopted_day[pid] != int(NEVER)) & (when >= adopted_day[pid])
    return pd.DataFrame(
        {
            "pid": pid,
            "when": when,
            "forename": persons["forename"].to_numpy()[pid],
            "surname": np.where(after, new_surname[pid], persons["surname"].to_numpy()[pid]),
            "surname_a": np.where(after, new_surname[pid], persons["surname_a"].to_numpy()[pid]),
            "surname_b": np.where(after, None, persons["surname_b"].to_numpy()[pid]),
            "dob": persons["dob"].to_numpy()[pid],
            "male": persons["male"].to_numpy()[pid],
            "nhs": np.where(
                after, persons["nhs_after_adoption"].to_numpy()[pid], persons["nhs"].to_numpy()[pid]
            ),
            "postcode": postcode_at(persons, pid, when),
            "postcode_prev": persons["pc1"].to_numpy()[pid],
            "adopted_version": after,
        }
    )


def inject_errors(
    view: pd.DataFrame,
    source: str,
    p: Params,
    upn: np.ndarray | None = None,
    upn_errors: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Recorded identifier columns (strings) and a table of which errors were injected."""
    rng = component_rng(p.seed, f"identifiers.errors.{source}")
    e = p.errors
    n = len(view)
    fore = view["forename"].to_numpy().astype(object)
    sur = view["surname"].to_numpy().astype(object)
    flags: dict[str, np.ndarray] = {}
    # nickname / variant
    nick_map = dict(NICKNAMES)
    has_nick = pd.Series(fore).isin(nick_map).to_numpy()
    f_nick = has_nick & (rng.random(n) < e.nickname * 2.5)
    choice = rng.integers(0, 3, n)
    variants = pd.Series(fore[f_nick]).map(nick_map).to_numpy()
    fore = fore.copy()
    fore[f_nick] = _pick_variant(variants, choice[f_nick])
    flags["nickname"] = f_nick
    # double-barrelled surname recorded partly
    has_b = view["surname_b"].notna().to_numpy()
    part = has_b & (rng.random(n) < e.double_barrelled_partial)
    first_part = rng.random(n) < 0.5
    sur = np.where(
        part, np.where(first_part, view["surname_a"].to_numpy(), view["surname_b"].to_numpy()), sur
    )
    flags["surname_partial"] = part
    if source in ("sus", "mhsds"):
        fore = np.full(n, None, object)
        sur = np.full(n, None, object)
    else:
        ft = rng.random(n) < e.forename_typo
        fore[ft] = typo(rng, fore[ft])
        st = rng.random(n) < e.surname_typo
        sur[st] = typo(rng, sur[st])
        flags["forename_typo"] = ft
        flags["surname_typo"] = st
        sw = rng.random(n) < e.name_swap
        fore, sur = np.where(sw, sur, fore), np.where(sw, fore, sur)
        flags["name_swap"] = sw
        upper = rng.random(n) < (0.3 if source == "school_census" else 0.05)
        fore = fore.copy()
        sur = sur.copy()
        fore[upper] = np.char.upper(fore[upper].astype(str)).astype(object)
        sur[upper] = np.char.upper(sur[upper].astype(str)).astype(object)
    # date of birth
    dob = view["dob"].to_numpy().astype(np.int64)
    y, m, d = ymd(dob)
    can_swap = (d <= 12) & (d != m)
    swap = can_swap & (rng.random(n) < e.dob_day_month_swap)
    dob_rec = np.where(swap, days_from_ymd(y, np.minimum(d, 12), np.minimum(m, 28)), dob)
    near = ~swap & (rng.random(n) < e.dob_near_miss)
    by_days = rng.random(n) < 0.7
    days_out = rng.choice([-3, -2, -1, 1, 2, 3], n)
    # a year typed wrong keeps day and month (29 February becomes the 28th); 365 days
    # would also move the day when a leap day lies between
    ry, rm, rd = ymd(dob_rec)
    year_out = days_from_ymd(
        ry + rng.choice([-1, 1], n), rm, np.where((rm == 2) & (rd == 29), 28, rd)
    )
    dob_rec = np.where(near, np.where(by_days, dob_rec + days_out, year_out), dob_rec)
    flags["dob_swap"] = swap
    flags["dob_near_miss"] = near
    dob_fmt = "%d/%m/%Y" if source == "csc" else "%Y-%m-%d"
    dob_str = fmt(dob_rec, dob_fmt).to_numpy(zero_copy_only=False)
    # sex
    male = view["male"].to_numpy()
    sex = np.where(male, "M", "F").astype(object)
    if source == "csc":
        sex = np.where(rng.random(n) < 0.5, np.where(male, "1", "2"), sex)
    sex = np.where(rng.random(n) < e.sex_missing, MISSING, sex)
    # postcode
    pc = view["postcode"].to_numpy().astype(object)
    stale = (rng.random(n) < e.postcode_stale) & (view["postcode_prev"].to_numpy() != pc)
    pc = np.where(stale, view["postcode_prev"].to_numpy(), pc)
    miss_pc = rng.random(n) < e.postcode_missing
    u = rng.random(n)
    pc = pc.copy()
    nospace = u < 0.1
    lower = (u >= 0.1) & (u < 0.2)
    pc[nospace] = np.char.replace(pc[nospace].astype(str), " ", "").astype(object)
    pc[lower] = np.char.lower(pc[lower].astype(str)).astype(object)
    pc = np.where(miss_pc, None, pc)
    flags["postcode_stale"] = stale
    flags["postcode_missing"] = miss_pc
    # NHS number
    nhs = view["nhs"].to_numpy().astype("U10")
    miss_nhs = rng.random(n) < e.nhs_missing.get(source, 1.0)
    invalid = ~miss_nhs & (rng.random(n) < e.nhs_invalid)
    nhs_rec = np.where(invalid, corrupt_nhs(rng, nhs), nhs).astype(object)
    spaced = rng.random(n) < 0.2
    sp = nhs_rec[spaced].astype("U10")
    v = sp.view("U1").reshape(len(sp), 10)
    spaced_str = np.char.add(
        np.char.add(
            np.char.add(
                np.char.add(v[:, :3].copy().view("U3").ravel(), " "),
                v[:, 3:6].copy().view("U3").ravel(),
            ),
            " ",
        ),
        v[:, 6:].copy().view("U4").ravel(),
    )
    nhs_rec = nhs_rec.copy()
    nhs_rec[spaced] = spaced_str.astype(object)
    nhs_rec = np.where(miss_nhs, MISSING, nhs_rec)
    flags["nhs_missing"] = miss_nhs
    flags["nhs_invalid"] = invalid
    # UPN
    upn_rec = np.full(n, None, object)
    if upn is not None:
        upn_rec = np.asarray(upn, dtype=object).copy()
        has = pd.Series(upn_rec).notna().to_numpy()
        err = has & (rng.random(n) < e.upn_error) & upn_errors
        if err.any():
            bad = upn_rec[err].astype("U13")
            chars = bad.view("U1").reshape(len(bad), 13).copy()
            pos = rng.integers(4, 12, len(bad))
            old = chars[np.arange(len(bad)), pos]
            digit = np.char.isdigit(old)
            new = np.where(
                digit, ((np.where(digit, old, "0").astype(int) + 1) % 10).astype(str), old
            )
            chars[np.arange(len(bad)), pos] = new
            upn_rec[err] = np.ascontiguousarray(chars).view("U13").ravel()
        flags["upn_error"] = err
    out = pd.DataFrame(
        {
            "nhs_number": nhs_rec,
            "upn": upn_rec,
            "forename": fore,
            "surname": sur,
            "dob": dob_str,
            "sex": sex,
            "postcode": pc,
            "record_date": fmt(view["when"].to_numpy()).to_numpy(zero_copy_only=False),
        }
    )
    return out, pd.DataFrame(flags)


def _pick_variant(variants: np.ndarray, choice: np.ndarray) -> np.ndarray:
    """Pick variant `choice % len` from each tuple, vectorised over tuple lengths 1-4."""
    out = np.empty(len(variants), dtype=object)
    lens = np.array([len(v) for v in variants]) if len(variants) else np.array([], int)
    for k in range(1, 5):
        sel = lens == k
        if sel.any():
            arr = np.array([tuple(v) for v in variants[sel]], dtype=object).reshape(-1, k)
            out[sel] = arr[np.arange(sel.sum()), choice[sel] % k]
    return out
