"""Check that the planted research-question structure is recoverable from the landing files.

Uses the truth person map (i.e. perfect linkage), so it measures what was planted, not
how well the pipeline links. `python -m synthetic.checks LANDING TRUTH` prints the RQ1,
RQ3 and RQ4 figures quoted in docs/synthetic.md.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

SELF_HARM_INTENT = "276853009"


def _ecds_with_person(landing: Path, truth: Path) -> pd.DataFrame:
    pm = pd.read_csv(truth / "person_map.csv", dtype=str)
    sus = pm[pm["source_system"] == "sus"][["source_record_id", "true_person_id"]]
    ec = pd.concat(
        pd.read_csv(
            f,
            dtype=str,
            usecols=[
                "der_pseudo_nhs_number",
                "der_ec_arrival_date_time",
                "ec_injury_intent_snomed_ct",
            ],
        )
        for f in sorted(landing.glob("sus/ecds/*/ecds.csv"))
    )
    ec = ec.merge(sus, left_on="der_pseudo_nhs_number", right_on="source_record_id")
    ec["t"] = pd.to_datetime(ec["der_ec_arrival_date_time"])
    return ec


def rq4(landing: Path, truth: Path) -> dict[str, float]:
    """Naive and adjusted rate ratios of self-harm A&E after need, early vs not (adjusted
    for severity and log(1 + recorded prior self-harm presentations), the RQ4 confounders)."""
    import statsmodels.api as sm

    need = pd.read_csv(truth / "rq4_need.csv", parse_dates=["need_date"])
    need = need[need["need_date"] <= pd.Timestamp("2023-03-31")].copy()
    ec = _ecds_with_person(landing, truth)
    sh = ec[ec["ec_injury_intent_snomed_ct"] == SELF_HARM_INTENT].merge(need, on="true_person_id")
    sh = sh[(sh["t"] > sh["need_date"]) & (sh["t"] <= sh["need_date"] + pd.Timedelta(days=730))]
    need["y"] = need["true_person_id"].map(sh.groupby("true_person_id").size()).fillna(0)
    rates = need.groupby("early_support")["y"].mean()
    need["log1p_prior_self_harm"] = np.log1p(need["prior_self_harm_presentations"])
    x = sm.add_constant(need[["early_support", "severity", "log1p_prior_self_harm"]].astype(float))
    fit = sm.GLM(need["y"], x, family=sm.families.Poisson()).fit()
    lo, hi = np.exp(fit.conf_int().loc["early_support"])
    return {
        "n": float(len(need)),
        "early_share": float(need["early_support"].mean()),
        "naive_rr": float(rates[1] / rates[0]),
        "adjusted_rr": float(np.exp(fit.params["early_support"])),
        "adjusted_rr_lo": float(lo),
        "adjusted_rr_hi": float(hi),
    }


def rq3(landing: Path, truth: Path) -> dict[str, float]:
    """A&E attendances per child-year in 6-month windows before first entry to care."""
    pm = pd.read_csv(truth / "person_map.csv", dtype=str)
    eps = []
    for f in sorted(landing.glob("ssda903/*/*/episodes.csv")):
        e = pd.read_csv(f, dtype=str, usecols=["CHILD", "DECOM", "RNE", "LS"])
        eps.append(e.assign(la=f.parent.parent.name))
    ep = pd.concat(eps)
    ep = ep[(ep["RNE"] == "S") & ~ep["LS"].isin(["V3", "V4"])]
    csc = pm[pm["source_system"] == "csc"]
    ep = ep.merge(csc, left_on=["la", "CHILD"], right_on=["provider_code", "source_record_id"])
    first = pd.to_datetime(ep["DECOM"], format="%d/%m/%Y").groupby(ep["true_person_id"]).min()
    first = first[(first >= "2017-04-01") & (first <= "2025-03-31")]
    ec = _ecds_with_person(landing, truth)
    ec = ec[ec["true_person_id"].isin(first.index)]
    ec["entry"] = ec["true_person_id"].map(first)
    out: dict[str, float] = {"entrants": float(len(first))}
    for lo, hi in ((730, 547), (547, 365), (365, 182), (182, 0)):
        win = ec[
            (ec["t"] >= ec["entry"] - pd.Timedelta(days=lo))
            & (ec["t"] < ec["entry"] - pd.Timedelta(days=hi))
        ]
        out[f"ae_per_child_year_{lo}_{hi}_days_before"] = (
            len(win) / len(first) / ((lo - hi) / 365.25)
        )
    ind = pd.read_csv(truth / "expected_indicators.csv")
    all_ae = ind[ind["indicator_id"] == "all_ae_attendance_rate_per_1000"]["value"].mean()
    out["all_children_ae_per_child_year"] = float(all_ae) / 1000
    return out


def main(argv: list[str] | None = None) -> int:
    """CLI entry point."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("landing", type=Path)
    ap.add_argument("truth", type=Path)
    args = ap.parse_args(argv)
    for name, result in (
        ("RQ3", rq3(args.landing, args.truth)),
        ("RQ4", rq4(args.landing, args.truth)),
    ):
        print(name, {k: round(v, 3) for k, v in result.items()})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
