"""RQ4 example analysis: does earlier mental health support improve later outcomes?

Reads the person-level cohort `marts.rq4_mh_need_cohort` (one row per period of care
with an identified mental health need) from the warehouse and writes ONLY aggregate
results: a CSV of rate ratios with 95% confidence intervals and a JSON with the same
estimates plus the analysis settings. No person-level row ever leaves this script.

Question and estimand
    Exposure: first attended MHSDS care contact within 3 months of the need date
    (``exposure_group = 'within_3_months'``) against later or never.
    Outcome: the rate of adverse events in the 24 months after need: placement moves
    and missing episodes per year looked after, self-harm A&E attendances and emergency
    admissions per year under 18 (children's records end at 18). Estimand: the rate
    ratio (early vs not early) among looked-after children with a need, for each
    outcome and one common to all four ("combined").

Design
    * Complete follow-up only: the 24 months after need lie inside the data
      (``has_24m_follow_up``), so "never" is not an artefact of censoring.
    * Rates, not counts: each model has the log of the outcome's time at risk as an
      offset (``years_in_care_24m`` or ``years_under_18_24m``), so children who leave
      care or turn 18 soon after need do not look as if they had fewer events.
    * Combined: one row per child and outcome, an intercept per outcome, one common
      rate ratio; standard errors clustered by child (robust to over-dispersion and to
      a child's outcomes being correlated). Single outcomes: robust (sandwich) SEs.
    * Unadjusted: the exposure alone. Adjusted (primary): with the covariates below.
    * Inverse probability weighting (secondary): a logistic propensity model for early
      support on the same covariates, stabilised weights truncated at the 1st/99th
      percentiles, weighted Poisson. Few children with much recorded self-harm go
      without early support (weak positivity), so IPW is imprecise and the truncation
      pulls it towards the crude estimate; read it as a check, not the answer.
    Covariates: age at need, sex, LA, need source, legal status and placement type
    at need, time in care before need, prior CIN, CP and CIN mental health factors,
    prior A&E and emergency admissions (24 months), prior self-harm presentations (ever,
    and A&E self-harm in the past year of this period of care as a categorical 0-8+:
    what a service triaging the referral sees), prior MHSDS referrals, prior mental
    health codes, and the latest SDQ score (whether one was returned, and the score).
    Severity of need is the confounder: sicker children are seen sooner and do worse,
    so the unadjusted comparison is biased towards no benefit (or towards harm). On the
    synthetic data early support is triaged on the past year's self-harm presentations
    (docs/research.md, "What the analysis recovers").

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

# each outcome: its 24-month count and its time at risk (rate offset). Placement moves
# and missing episodes happen only while looked after; health records stop at 18.
OUTCOME_COUNTS: dict[str, tuple[str, str]] = {
    "placement_moves": ("placement_moves_24m", "years_in_care_24m"),
    "missing_episodes": ("missing_episodes_24m", "years_in_care_24m"),
    "self_harm_aes": ("self_harm_aes_24m", "years_under_18_24m"),
    "emergency_admissions": ("emergency_admissions_24m", "years_under_18_24m"),
}
# "combined": one rate ratio common to the four outcomes, fitted on one row per child and
# outcome with outcome-specific baselines and offsets (standard errors clustered by child)
OUTCOMES: dict[str, list[str]] = {
    "combined": list(OUTCOME_COUNTS),
    **{name: [name] for name in OUTCOME_COUNTS},
}

PRIOR_SELF_HARM_TOP = 8  # self-harm A&E attendances in the past year: 0, 1, ..., 8 or more

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
    ("C(prior_self_harm_band)", "prior_self_harm_band"),
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
        "prior_self_harm_aes_12m_in_care",
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
    # triage acts on the past year's self-harm in care; one level per count (top-coded)
    # makes no assumption about how risk rises with it
    recent = out["prior_self_harm_aes_12m_in_care"].astype(int).clip(upper=PRIOR_SELF_HARM_TOP)
    out["prior_self_harm_band"] = np.where(
        recent >= PRIOR_SELF_HARM_TOP, f"{PRIOR_SELF_HARM_TOP}_plus", recent.astype(str)
    )
    score = pd.to_numeric(out["latest_sdq_score"], errors="coerce").astype(float).to_numpy()
    out["sdq_band"] = np.select(
        [np.isnan(score), score <= 13, score <= 16], ["none", "0_13", "14_16"], default="17_plus"
    )
    # the score itself (not only its band) carries most of the severity signal: a
    # recorded-or-not indicator plus the score where recorded (0 otherwise)
    out["sdq_recorded"] = (~np.isnan(score)).astype(int)
    out["sdq_score_if_recorded"] = np.where(np.isnan(score), 0.0, score)
    for count, at_risk in OUTCOME_COUNTS.values():
        out[count] = out[count].fillna(0).astype(float)
        out[at_risk] = out[at_risk].fillna(0).astype(float).clip(lower=0)
    out["child"] = np.arange(len(out))
    return out


def outcome_rows(frame: pd.DataFrame, outcomes: Sequence[str]) -> pd.DataFrame:
    """One row per child and outcome: `y` the count, `years_at_risk` its offset, `outcome`
    the outcome's name. Children with no time at risk for an outcome add no row for it."""
    parts = []
    for name in outcomes:
        count, at_risk = OUTCOME_COUNTS[name]
        parts.append(frame.assign(outcome=name, y=frame[count], years_at_risk=frame[at_risk]))
    rows = pd.concat(parts, ignore_index=True)
    return rows[rows["years_at_risk"] > 0].reset_index(drop=True)


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
        frame,
        [
            "la_code",
            "need_source",
            "legal_group",
            "placement_group",
            "sex",
            "sdq_band",
            "prior_self_harm_band",
        ],
    )
    n_early = int(data["early"].sum())
    n_not = int(len(data) - n_early)
    results: list[Estimate] = []
    enough = n_early >= min_cell and n_not >= min_cell
    covariates = covariate_formula(data)
    weights = _propensity_weights(data, covariates) if enough else None
    if weights is not None:
        data = data.assign(ipw=weights)
    for name, outcomes in OUTCOMES.items():
        rows = outcome_rows(data, outcomes)
        baseline = " + C(outcome)" if len(outcomes) > 1 else ""
        specs = {
            "unadjusted": (f"y ~ early{baseline}", False),
            "adjusted": (f"y ~ early{baseline} + {covariates}", False),
            "ipw": (f"y ~ early{baseline}", True),
        }
        for model_name, (formula, weighted) in specs.items():
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
                fitted = smf.glm(
                    formula,
                    rows,
                    family=sm.families.Poisson(),
                    offset=np.log(rows["years_at_risk"]),
                    var_weights=rows["ipw"] if weighted else None,
                ).fit(cov_type="cluster", cov_kwds={"groups": rows["child"].to_numpy()})
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
        "offsets": {name: at_risk for name, (_, at_risk) in OUTCOME_COUNTS.items()},
        "models": {
            "unadjusted": "Poisson rate model (log time-at-risk offset), SE clustered by child",
            "adjusted": "the same with covariates",
            "ipw": "stabilised IPTW from a logistic propensity model, weighted Poisson rate model",
            "combined": "one row per child and outcome, outcome-specific intercepts",
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
