"""Every tunable parameter of the generator, as data (written to truth/parameters.json)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class ErrorRates:
    """Identifier error profile: the probability of each error per identifier record."""

    forename_typo: float = 0.03
    surname_typo: float = 0.02
    nickname: float = 0.06
    double_barrelled_persons: float = 0.05  # share of people with a hyphenated surname
    double_barrelled_partial: float = 0.4  # such a surname recorded as one part only
    name_swap: float = 0.01
    dob_day_month_swap: float = 0.01  # only where the day is 12 or less
    dob_near_miss: float = 0.006  # +/- 1 to 3 days, or year +/- 1
    postcode_stale: float = 0.10  # the previous postcode recorded
    postcode_missing: float = 0.03
    nhs_missing: dict[str, float] = field(
        default_factory=lambda: {"csc": 0.35, "gp": 0.01, "sus": 0.01, "mhsds": 0.03}
    )
    nhs_invalid: float = 0.005  # one digit wrong
    upn_missing_csc: float = 0.25
    upn_error: float = 0.01  # one digit wrong (the check letter then fails)
    temporary_upn_pupils: float = 0.03  # pupils first enrolled on a temporary UPN
    gp_duplicate_registration: float = 0.015  # a second patient_id for the same person
    sex_missing: float = 0.005


@dataclass
class Params:
    """Parameters of one synthetic run."""

    seed: int = 42
    scale: float = 0.01
    years: tuple[int, int] = (2016, 2025)  # collection years written (inclusive)
    health_from: int = 2014  # first collection year with health / MHSDS data
    gp_extract_date: str = "2025-04-30"
    errors: ErrorRates = field(default_factory=ErrorRates)
    # population dynamics
    born_in_area: float = 0.75
    out_migration_per_year: float = 0.04
    inter_borough_movers: float = 0.05
    twin_births: float = 0.008
    death_before_18: float = 0.003
    state_school: float = 0.86
    gp_registered: float = 0.97
    # care
    cla_age_at_entry: dict[str, float] = field(
        default_factory=lambda: {"<1": 0.16, "1-4": 0.15, "5-9": 0.15, "10-15": 0.26, "16+": 0.28}
    )
    cla_male_share: float = 0.57
    cla_ethnic_mix: dict[str, float] = field(
        default_factory=lambda: {
            "white": 0.71,
            "mixed": 0.11,
            "black": 0.07,
            "asian": 0.05,
            "other": 0.04,
            "unknown": 0.02,
        }
    )
    uasc_share_16plus: float = 0.30
    reentry_share: float = 0.12
    short_break_children_per_10k: float = 4.0
    # placement moves per year: first year in care, later years (scaled per LA)
    move_rate_first_year: float = 0.5
    move_rate_later: float = 0.18
    # health: baseline annual event rates per child
    gp_consultations: float = 2.2
    ecds_attendances: float = 0.32
    emergency_admissions: float = 0.025
    elective_admissions: float = 0.02
    op_appointments: float = 0.35
    mh_referral_per_year: float = 0.045
    # RQ3: rate ratios in the 24 months before entry to care
    pre_entry_ratio: dict[str, float] = field(
        default_factory=lambda: {
            "ecds": 1.8,
            "emergency_apc": 2.0,
            "gp": 1.4,
            "mh_referral": 2.5,
            "injury": 2.2,
        }
    )
    # in care (relative to all children)
    in_care_ratio: dict[str, float] = field(
        default_factory=lambda: {"ecds": 1.5, "emergency_apc": 1.6, "gp": 1.2}
    )
    # RQ1: probability per year that a looked-after child has an MHSDS referral, by LA
    cla_mh_referral_by_la: dict[str, float] = field(
        default_factory=lambda: {
            "E09000005": 0.16,
            "E09000009": 0.26,
            "E09000013": 0.34,
            "E09000015": 0.20,
            "E09000017": 0.12,
            "E09000018": 0.22,
            "E09000020": 0.30,
            "E09000033": 0.28,
        }
    )
    # RQ4: early MH support (first attended contact within 90 days of need)
    rq4_need_sdq_threshold: int = 17
    rq4_p_early_base: float = 0.15  # probability of early support with no prior self-harm
    # recorded severity: self-harm A&E presentations in the year before need (mean at
    # average severity), rising with severity (log rate ratio per SD)
    rq4_prior_self_harm_mean: float = 0.5
    rq4_severity_on_prior_self_harm_log_rr: float = 1.2
    # confounding: triage on the record, logit of early support per log(1 + presentations)
    rq4_prior_self_harm_on_early_logit: float = 2.5
    # outcomes: sicker children do worse, directly (log rate ratio per SD of severity) and
    # as their record says (log rate ratio per log(1 + prior self-harm presentations))
    rq4_severity_on_outcome_log_rr: float = 0.4
    rq4_prior_self_harm_on_outcome_log_rr: float = 0.8
    rq4_early_effect_rr: float = 0.6  # rate ratio of outcomes for early vs not (true effect)
    rq4_outcome_base_rates: dict[str, float] = field(
        default_factory=lambda: {
            "self_harm_ecds": 0.25,
            "emergency_apc": 0.2,
            "missing": 1.2,
            "placement_move": 0.6,
        }
    )

    def to_dict(self) -> dict:
        """Plain-data form for JSON."""
        return asdict(self)
