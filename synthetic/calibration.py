"""Compare a generated run with the published DfE figures, per borough (markdown report).

Reads the truth folder's expected indicators (computed from the simulated state with the
DESIGN.md definitions) and, for the characteristics of children looked after (sex, age
at entry, ethnic group), the 903 returns in the landing root.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from synthetic.areas import (
    AREAS,
    ENGLAND_OC2,
    PUBLISHED_CLA_RATE,
    PUBLISHED_OC2,
    PUBLISHED_STABILITY,
)
from synthetic.codes import ETHNIC_GROUPS

START = "<!-- calibration:start -->"
END = "<!-- calibration:end -->"
OC2_MAP = {
    "oc2_health_assessment_pct": 0,
    "oc2_immunisations_pct": 1,
    "oc2_dental_check_pct": 2,
    "oc2_sdq_mean": 4,
}


def comparison(truth: Path, years: tuple[int, ...] = (2024, 2025)) -> pd.DataFrame:
    """One row per borough, year and figure: published, generated, relative difference."""
    ind = pd.read_csv(truth / "expected_indicators.csv", dtype={"area_code": str})
    val = ind.set_index(["indicator_id", "area_code", "period"])["value"]
    rows = []
    for a in AREAS:
        for y in years:
            pub: dict[str, float | None] = {
                "cla_31mar_rate_per_10k": PUBLISHED_CLA_RATE[a.code].get(y)
            }
            oc2 = PUBLISHED_OC2[a.code].get(y)
            for k, i in OC2_MAP.items():
                pub[k] = oc2[i] if oc2 else None
            st = PUBLISHED_STABILITY[a.code].get(y)
            pub["cla_3plus_placements_pct"] = st[0] if st else None
            pub["cla_same_placement_2yrs_pct"] = st[1] if st else None
            for k, v in pub.items():
                gen = val.get((k, a.code, y), np.nan)
                rows.append(
                    {
                        "la_code": a.code,
                        "la_name": a.name,
                        "year": y,
                        "figure": k,
                        "published": v,
                        "generated": gen,
                    }
                )
    df = pd.DataFrame(rows)
    df["rel_diff_pct"] = (df["generated"] - df["published"]) / df["published"] * 100
    return df


def characteristics(landing: Path, year: int = 2024) -> pd.DataFrame:
    """Share male, ethnic group mix (CLA at 31 March) and age at entry (starters), all LAs."""
    eps, heads = [], []
    for path in landing.glob(f"ssda903/*/{year}/episodes.csv"):
        eps.append(pd.read_csv(path, dtype=str).assign(la=path.parent.parent.name))
        heads.append(
            pd.read_csv(path.parent / "header.csv", dtype=str).assign(la=path.parent.parent.name)
        )
    ep = pd.concat(eps)
    hd = pd.concat(heads)
    ep = ep[~ep["LS"].isin(["V3", "V4"])]
    ye = pd.Timestamp(f"{year}-03-31")
    ys = pd.Timestamp(f"{year - 1}-04-01")
    decom = pd.to_datetime(ep["DECOM"], format="%d/%m/%Y")
    dec = pd.to_datetime(ep["DEC"], format="%d/%m/%Y")
    at31 = ep[(decom <= ye) & (dec.isna() | (dec > ye))][["la", "CHILD"]].drop_duplicates()
    h = at31.merge(hd, on=["la", "CHILD"])
    male = h["SEX"].isin(["1", "M"]).mean() * 100
    group_of = {c: g for g, cs in ETHNIC_GROUPS.items() for c in cs}
    mix = h["ETHNIC"].map(group_of).value_counts(normalize=True) * 100
    starts = ep[(ep["RNE"] == "S") & (decom >= ys) & (decom <= ye)].merge(
        hd[["la", "CHILD", "DOB"]], on=["la", "CHILD"]
    )
    age = (
        pd.to_datetime(starts["DECOM"], format="%d/%m/%Y")
        - pd.to_datetime(starts["DOB"], format="%d/%m/%Y")
    ).dt.days / 365.25
    bands = pd.cut(
        age, [-1, 1, 5, 10, 16, 19], right=False, labels=["under 1", "1-4", "5-9", "10-15", "16+"]
    )
    ages = bands.value_counts(normalize=True).sort_index() * 100
    rows = [("male %", 57.0, male)]
    rows += [
        (f"ethnic group {g} %", t, mix.get(g, 0.0))
        for g, t in (("white", 71.0), ("mixed", 11.0), ("black", 7.0), ("asian", 5.0))
    ]
    rows += [
        (f"age at entry {b} %", t, ages.get(b, 0.0))
        for b, t in (
            ("under 1", 16.0),
            ("1-4", 15.0),
            ("5-9", 15.0),
            ("10-15", 26.0),
            ("16+", 29.0),
        )
    ]
    return pd.DataFrame(rows, columns=["figure", "england_2024", "generated_nwl"])


def report(landing: Path, truth: Path, scale: float | None = None) -> str:
    """Markdown calibration report."""
    df = comparison(truth)
    ok = df.dropna(subset=["published", "generated"])
    lines = [
        f"Generated {'at scale ' + format(scale, 'g') if scale else ''} against the "
        "published DfE figures (`reference/nwl_*_published.csv`). Generated values are "
        "the truth folder's expected indicators; `c` = suppressed in the published table.",
        "",
    ]
    for y in (2024, 2025):
        sub = df[df["year"] == y]
        piv = sub.pivot(index="la_name", columns="figure", values=["published", "generated"])
        figs = [
            "cla_31mar_rate_per_10k",
            "oc2_health_assessment_pct",
            "oc2_immunisations_pct",
            "oc2_dental_check_pct",
            "oc2_sdq_mean",
            "cla_3plus_placements_pct",
            "cla_same_placement_2yrs_pct",
        ]
        short = [
            "CLA rate /10k",
            "health assess. %",
            "immunis. %",
            "dental %",
            "SDQ mean",
            "3+ placements %",
            "same placement 2y %",
        ]
        lines += [
            f"### {y}: published / generated",
            "",
            "| borough | " + " | ".join(short) + " |",
            "|---|" + "---|" * len(figs),
        ]
        for la_name in [a.name for a in AREAS]:
            cells = []
            for f in figs:
                p = piv.loc[la_name, ("published", f)]
                g = piv.loc[la_name, ("generated", f)]
                ps = "c" if pd.isna(p) else f"{p:g}"
                gs = "-" if pd.isna(g) else f"{g:.1f}"
                cells.append(f"{ps} / {gs}")
            lines.append(f"| {la_name} | " + " | ".join(cells) + " |")
        lines.append("")
    within = ok[
        ok["figure"].isin(
            [
                "cla_31mar_rate_per_10k",
                "oc2_health_assessment_pct",
                "oc2_immunisations_pct",
                "oc2_dental_check_pct",
                "cla_3plus_placements_pct",
            ]
        )
    ]
    share = (within["rel_diff_pct"].abs() <= 15).mean() * 100
    lines += [
        f"Within ±15% of published (CLA rate, OC2 health assessment, immunisations, "
        f"dental, 3+ placements; 8 boroughs x 2024-2025): {share:.0f}% of "
        f"{len(within)} comparisons. Median absolute difference by figure:",
        "",
    ]
    med = ok.groupby("figure")["rel_diff_pct"].apply(lambda s: s.abs().median())
    lines += ["| figure | median abs. difference % |", "|---|---|"]
    lines += [f"| {k} | {v:.1f} |" for k, v in med.items()]
    lines.append("")
    if (landing / "ssda903").exists():
        ch = characteristics(landing)
        lines += [
            "### Characteristics of children looked after, all eight boroughs (2024)",
            "",
            "| figure | England 2024 (target) | generated |",
            "|---|---|---|",
        ]
        lines += [
            f"| {r.figure} | {r.england_2024:g} | {r.generated_nwl:.1f} |" for r in ch.itertuples()
        ]
        lines.append("")
    lines.append(f"England OC2 fallback used for suppressed cells: {ENGLAND_OC2}.")
    return "\n".join(lines) + "\n"


def write_into(doc: Path, text: str) -> None:
    """Replace the text between the calibration markers of a markdown file."""
    old = doc.read_text()
    new = re.sub(
        re.escape(START) + r".*?" + re.escape(END), START + "\n" + text + END, old, flags=re.S
    )
    doc.write_text(new)


def main(argv: list[str] | None = None) -> int:
    """CLI: `python -m synthetic.calibration LANDING TRUTH [--doc docs/synthetic.md]`."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("landing", type=Path)
    ap.add_argument("truth", type=Path)
    ap.add_argument("--scale", type=float, default=None)
    ap.add_argument("--doc", type=Path, default=None)
    args = ap.parse_args(argv)
    text = report(args.landing, args.truth, args.scale)
    if args.doc:
        write_into(args.doc, text)
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
