"""RQ4 example analysis: does earlier mental health support improve later outcomes?

Reads the person-level cohort `marts.rq4_mh_need_cohort` (one row per period of care
with an identified mental health need) from the warehouse and writes ONLY aggregate
results: a CSV of rate ratios with 95% confidence intervals and a JSON with the same
estimates plus the analysis settings. No person-level row ever leaves this script.

Question and estimand
    Exposure: first attended MHSDS care contact within 3 months of the need date
    (``exposure_group = 'within_3_months'``) against later or never.
    Outcome: count of adverse events in the 24 months after need: placement moves,
    missing episodes, self-harm A&E attendances and emergency admissions (the
    combined count, and each one on its own). Estimand: the rate ratio (early vs
    not early) among looked-after children with a need.

Design
    * Complete follow-up only: the 24 months after need lie inside the data
      (``has_24m_follow_up``), so "never" is not an artefact of censoring.
    * Unadjusted: Poisson regression of the count on the exposure alone.
    * Adjusted (primary): Poisson regression with the covariates below; robust
      (sandwich, HC0) standard errors because counts are over-dispersed.
    * Inverse probability weighting (secondary): a logistic propensity model for
      early support on the same covariates, stabilised weights truncated at the
      1st/99th percentiles, weighted Poisson with robust standard errors.
    Covariates: age at need, sex, LA, need source, legal status and placement type
    at need, prior CIN and CP, prior A&E and emergency admissions (24 months), prior
    self-harm, prior MHSDS referrals, prior mental health codes, and the latest SDQ
    score (whether one was returned, and the score where it was). Severity of need is
    the confounder: sicker children are seen sooner and do worse, so the unadjusted
    comparison is biased towards no benefit (or towards harm); the recorded markers of
    severity the adjustment relies on are prior self-harm presentations, the SDQ score
    and prior mental health records. On the synthetic data early support is triaged on
    prior self-harm presentations (docs/research.md, "What the analysis recovers").

Disclosure
    Estimates are aggregates. A model is fitted only when each exposure arm has at
    least ``--min-cell`` children (default 10, the project's SDC threshold);
    otherwise its row says ``status = 'suppressed'``. Counts written are the number
    of children per arm.

Usage
    python analyses/rq4_early_mh_support.py --warehouse data/warehouse.duckdb \
        --out data/analyses/rq4_early_mh_support
"""

from __future__ import annotations

import argparse
import json
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf

COHORT_TABLE = "marts.rq4_mh_need_cohort"
Z_95 = 1.959963984540054

OUTCOMES: dict[str, list[str]] = {
    "combined": [
        "placement_moves_24m",
        "missing_episodes_24m",
        "self_harm_aes_24m",
        "emergency_admissions_24m",
    ],
    "placement_moves": ["placement_moves_24m"],
    "missing_episodes": ["missing_episodes_24m"],
    "self_harm_aes": ["self_harm_aes_24m"],
    "emergency_admissions": ["emergency_admissions_24m"],
}

COVARIATE_TERMS: tuple[tuple[str, str], ...] = (
    ("age_at_need", "age_at_need"),
    ("I(age_at_need ** 2)", "age_at_need"),
    ("C(sex)", "sex"),
    ("C(la_code)", "la_code"),
    ("C(need_source)", "need_source"),
    ("C(legal_group)", "legal_group"),
    ("C(placement_group)", "placement_group"),
    ("np.log1p(days_in_care_before_need)", "days_in_care_before_need"),
    ("had_prior_cin_episode", "had_prior_cin_episode"),
    ("had_prior_cp_plan", "had_prior_cp_plan"),
    ("had_prior_mh_assessment_factor", "had_prior_mh_assessment_factor"),
    ("np.log1p(prior_ae_attendances_24m)", "prior_ae_attendances_24m"),
    ("np.log1p(prior_emergency_admissions_24m)", "prior_emergency_admissions_24m"),
    ("np.log1p(prior_self_harm_presentations)", "prior_self_harm_presentations"),
    ("np.log1p(prior_mh_referrals)", "prior_mh_referrals"),
    ("np.log1p(prior_mh_diagnosis_records)", "prior_mh_diagnosis_records"),
    ("sdq_recorded", "sdq_recorded"),
    ("sdq_score_if_recorded", "sdq_score_if_recorded"),
)
COVARIATES = " + ".join(term for term, _ in COVARIATE_TERMS)


def covariate_formula(frame: pd.DataFrame) -> str:
    """The covariate terms whose column varies in `frame` (a constant term would be aliased)."""
    terms = [term for term, column in COVARIATE_TERMS if frame[column].nunique(dropna=False) > 1]
    return " + ".join(terms) if terms else "1"


@dataclass(frozen=True)
class Estimate:
    """One aggregate result row: a rate ratio of early vs not-early support."""

    outcome: str
    model: str
    status: str
    children: int
    children_early: int
    children_not_early: int
    rate_ratio: float | None
    lower_ci: float | None
    upper_ci: float | None
    p_value: float | None


def connect(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection; inside a process that already holds the warehouse open
    (e.g. dbt run in-process by a test), DuckDB refuses a second configuration, so
    fall back to sharing the existing one."""
    try:
        return duckdb.connect(str(warehouse), read_only=True)
    except duckdb.ConnectionException:
        return duckdb.connect(str(warehouse))


def load_cohort(warehouse: Path) -> pd.DataFrame:
    """Read the cohort rows with complete 24-month follow-up (stays in memory only)."""
    with connect(warehouse) as con:
        frame = con.execute(
            f"select * from {COHORT_TABLE} where has_24m_follow_up and has_exposure_follow_up"
        ).df()
    return prepare(frame)


def prepare(frame: pd.DataFrame) -> pd.DataFrame:
    """Derive the analysis variables: exposure flag, grouped covariates, SDQ band."""
    out = frame.copy()
    out["early"] = (out["exposure_group"] == "within_3_months").astype(int)
    for column in ("had_prior_cin_episode", "had_prior_cp_plan", "had_prior_mh_assessment_factor"):
        out[column] = out[column].fillna(False).astype(int)
    for column in (
        "prior_ae_attendances_24m",
        "prior_emergency_admissions_24m",
        "prior_self_harm_presentations",
        "prior_mh_referrals",
        "prior_mh_diagnosis_records",
        "days_in_care_before_need",
    ):
        out[column] = out[column].fillna(0).astype(float).clip(lower=0)
    out["age_at_need"] = out["age_at_need"].astype(float)
    legal = out["legal_status_at_need"].fillna("unknown").astype(str)
    out["legal_group"] = np.where(
        legal.str.startswith("C"), "care_order", np.where(legal == "V2", "section_20", "other")
    )
    placement = out["placement_type_at_need"].fillna("unknown").astype(str)
    out["placement_group"] = np.where(
        placement.str.startswith("U"),
        "foster",
        np.where(
            placement.str.startswith("K") | placement.str.startswith("R"), "residential", "other"
        ),
    )
    score = pd.to_numeric(out["latest_sdq_score"], errors="coerce").astype(float).to_numpy()
    out["sdq_band"] = np.select(
        [np.isnan(score), score <= 13, score <= 16], ["none", "0_13", "14_16"], default="17_plus"
    )
    # the score itself (not only its band) carries most of the severity signal: a
    # recorded-or-not indicator plus the score where recorded (0 otherwise)
    out["sdq_recorded"] = (~np.isnan(score)).astype(int)
    out["sdq_score_if_recorded"] = np.where(np.isnan(score), 0.0, score)
    for name, columns in OUTCOMES.items():
        out[f"y_{name}"] = out[columns].fillna(0).sum(axis=1).astype(float)
    return out


def _collapse_rare_levels(
    frame: pd.DataFrame, columns: Sequence[str], min_count: int = 5
) -> pd.DataFrame:
    """Merge categories too rare to estimate into 'other' so the design stays full rank."""
    out = frame.copy()
    for column in columns:
        counts = out[column].value_counts()
        rare = counts[counts < min_count].index
        out[column] = out[column].where(~out[column].isin(rare), "other")
    return out


def _rate_ratio(result: sm.regression.linear_model.RegressionResultsWrapper) -> tuple[float, ...]:
    beta = float(result.params["early"])
    se = float(result.bse["early"])
    return (
        float(np.exp(beta)),
        float(np.exp(beta - Z_95 * se)),
        float(np.exp(beta + Z_95 * se)),
        float(result.pvalues["early"]),
    )


def _propensity_weights(frame: pd.DataFrame, covariates: str) -> np.ndarray:
    """Stabilised inverse probability of treatment weights, truncated at the 1st/99th centiles."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = smf.glm(f"early ~ {covariates}", frame, family=sm.families.Binomial()).fit()
    score = np.clip(model.predict(frame).to_numpy(), 1e-3, 1 - 1e-3)
    treated = frame["early"].to_numpy() == 1
    share = treated.mean()
    weights = np.where(treated, share / score, (1 - share) / (1 - score))
    low, high = np.percentile(weights, [1, 99])
    return np.clip(weights, low, high)


def estimate(frame: pd.DataFrame, min_cell: int = 10) -> list[Estimate]:
    """Fit unadjusted, adjusted and IPW Poisson models for every outcome."""
    data = _collapse_rare_levels(
        frame, ["la_code", "need_source", "legal_group", "placement_group", "sex", "sdq_band"]
    )
    n_early = int(data["early"].sum())
    n_not = int(len(data) - n_early)
    results: list[Estimate] = []
    enough = n_early >= min_cell and n_not >= min_cell
    covariates = covariate_formula(data)
    weights = _propensity_weights(data, covariates) if enough else None
    for name in OUTCOMES:
        specs = {
            "unadjusted": (f"y_{name} ~ early", None),
            "adjusted": (f"y_{name} ~ early + {covariates}", None),
            "ipw": (f"y_{name} ~ early", weights),
        }
        for model_name, (formula, freq) in specs.items():
            if not enough:
                results.append(
                    Estimate(
                        name,
                        model_name,
                        "suppressed",
                        len(data),
                        n_early,
                        n_not,
                        None,
                        None,
                        None,
                        None,
                    )
                )
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fitted = smf.glm(formula, data, family=sm.families.Poisson(), var_weights=freq).fit(
                    cov_type="HC0"
                )
            rr, lower, upper, p_value = _rate_ratio(fitted)
            results.append(
                Estimate(
                    name,
                    model_name,
                    "published",
                    len(data),
                    n_early,
                    n_not,
                    rr,
                    lower,
                    upper,
                    p_value,
                )
            )
    return results


def write_results(
    results: Sequence[Estimate], out: Path, settings: dict[str, object]
) -> tuple[Path, Path]:
    """Write `<out>.csv` and `<out>.json` (aggregates only) and return their paths."""
    out.parent.mkdir(parents=True, exist_ok=True)
    table = pd.DataFrame([asdict(result) for result in results])
    csv_path = out.with_suffix(".csv")
    json_path = out.with_suffix(".json")
    table.to_csv(csv_path, index=False)
    json_path.write_text(
        json.dumps({"settings": settings, "estimates": [asdict(r) for r in results]}, indent=2)
        + "\n"
    )
    return csv_path, json_path


def run(warehouse: Path, out: Path, min_cell: int = 10) -> list[Estimate]:
    """Load the cohort, estimate, write aggregate results; return the estimates."""
    cohort = load_cohort(warehouse)
    results = estimate(cohort, min_cell=min_cell)
    settings: dict[str, object] = {
        "cohort_table": COHORT_TABLE,
        "restriction": "has_24m_follow_up and has_exposure_follow_up",
        "exposure": "first attended MHSDS contact within 3 months of need vs later or never",
        "outcomes": OUTCOMES,
        "covariates": COVARIATES,
        "models": {
            "unadjusted": "Poisson GLM, robust (HC0) SE",
            "adjusted": "Poisson GLM with covariates, robust (HC0) SE",
            "ipw": "stabilised IPTW from a logistic propensity model, weighted Poisson, robust SE",
        },
        "min_cell": min_cell,
    }
    write_results(results, out, settings)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: --warehouse FILE --out PREFIX [--min-cell N]."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, default=Path("data/warehouse.duckdb"))
    parser.add_argument("--out", type=Path, default=Path("data/analyses/rq4_early_mh_support"))
    parser.add_argument("--min-cell", type=int, default=10)
    args = parser.parse_args(argv)
    results = run(args.warehouse, args.out, args.min_cell)
    for result in results:
        if result.rate_ratio is None:
            print(f"{result.outcome:22s} {result.model:10s} suppressed")
        else:
            print(
                f"{result.outcome:22s} {result.model:10s} RR {result.rate_ratio:.3f} "
                f"({result.lower_ci:.3f} to {result.upper_ci:.3f}) n={result.children}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
