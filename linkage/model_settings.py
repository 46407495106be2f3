"""The linkage model as data: run parameters and the Splink settings dictionary.

Everything the model depends on lives here (and in `settings/name_variants.csv`),
so a run log can record it and a reviewer can read it in one place. Each
comparison's docstring-style comment explains why its levels are what they are.

Model decisions:

- One model over all sources (`dedupe_only` over the stacked, standardised rows
  of every source), so within-source duplicates and cross-source links are found
  together and all sources share one set of parameters.
- Comparisons: NHS number and UPN (exact or not: typos are caught by the check
  digit before linkage, and disagreeing valid numbers are strong evidence of two
  people — the thing that keeps twins apart); first forename and surname with
  term-frequency adjustment on exact agreement (a match on a rare name is worth
  more than on a common one); date of birth allowing day/month transposition and
  single-digit errors; sex; postcode at full / sector / district level (children
  move, so partial agreement is still evidence).
- Blocking: every pair that shares a valid NHS number or UPN, plus pairs sharing
  date of birth and one other identifier (surname, first forename or a variant of
  it, postcode), plus
  name (variant group + surname) with day and month of birth (a wrong year), plus
  surname + postcode, plus postcode + birth year (a wrong day or month), plus
  forename and surname swapped + birth year, so a true
  pair is reachable when any one of date of birth, name or postcode is wrong, and
  when the names are swapped. Each
  rule is selective (no rule on date of birth or name alone, and none on name +
  postcode district: with a few hundred common names such blocks grow with the
  square of the population, 24 million pairs at scale 1.0; swapped names without
  the birth year made 11 million) so comparisons stay
  near-linear in the number of records. Records that carry
  neither names nor a valid NHS number (some SUS and MHSDS rows) are reachable
  only through postcode with date of birth or birth year (issue 6: at scale 1.0
  a hospital record with a date of birth a few days out, or a looked-after
  child's LA record with forename and surname swapped, had no candidate pair).
- Training: u by random sampling (seeded); EM in three sessions, blocked on date
  of birth + postcode (estimates names, sex, NHS number, UPN), on NHS number
  (estimates names, date of birth, sex, postcode) and on date of birth + surname
  (estimates forename, postcode across LA and health sources alike, sex, NHS
  number, UPN); Splink averages each parameter over the sessions that estimate
  it. The prior comes from deterministic rules with an assumed recall.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class LinkageParameters:
    """Run parameters; their hash keys the run log."""

    link_threshold_probability: float = 0.5
    """Pairs at or above this probability become links (before conflict checks)."""
    predict_floor_match_weight: float = -5.0
    """Scored pairs below this weight are dropped straight away (they never link)."""
    seed: int = 42
    u_max_pairs: float = 1.2e6
    u_num_chunks: int = 1
    em_max_pairs: float = 1e6
    em_max_iterations: int = 10
    prior_recall: float = 0.8
    """Assumed recall of the deterministic rules used to estimate the prior."""
    memory_limit: str = "6GB"
    threads: int = 2
    em_blocking_rules: tuple[str, ...] = (
        "l.dob = r.dob and l.postcode = r.postcode",
        "l.nhs_number = r.nhs_number",
        "l.dob = r.dob and l.surname_compact = r.surname_compact",
    )
    prior_rules: tuple[str, ...] = (
        "l.nhs_number = r.nhs_number",
        "l.upn = r.upn and l.upn_is_temporary = false",
        "l.dob = r.dob and l.surname_compact = r.surname_compact and l.forename1 = r.forename1",
    )
    blocking_rules: tuple[str, ...] = (
        "l.nhs_number = r.nhs_number",
        "l.upn = r.upn",
        "l.dob = r.dob and l.surname_compact = r.surname_compact",
        "l.dob = r.dob and l.forename1_canon = r.forename1_canon",
        "l.dob = r.dob and l.postcode = r.postcode",
        "l.forename1_canon = r.forename1_canon and l.surname_compact = r.surname_compact "
        "and month(l.dob) = month(r.dob) and day(l.dob) = day(r.dob)",
        "l.surname_compact = r.surname_compact and l.postcode = r.postcode",
        "l.postcode = r.postcode and l.dob_year = r.dob_year",
        "l.forename1 = r.surname_compact and l.surname_compact = r.forename1 "
        "and l.dob_year = r.dob_year",
        # one mistyped NHS digit leaves one half of the number intact
        "l.dob = r.dob and left(l.nhs_digits, 5) = left(r.nhs_digits, 5)",
        "l.dob = r.dob and right(l.nhs_digits, 5) = right(r.nhs_digits, 5)",
    )
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-able dict (for the run log)."""
        return asdict(self)


def _null(col: str) -> dict[str, Any]:
    return {
        "sql_condition": f"{col}_l is null or {col}_r is null",
        "label_for_charts": "null",
        "is_null_level": True,
    }


def _else() -> dict[str, Any]:
    return {"sql_condition": "ELSE", "label_for_charts": "all other comparisons"}


NHS_ONE_DIGIT_TYPO_U = 1e-8
"""u of the one-digit-typo NHS level (fixed; see `nhs_number_comparison`)."""

NHS_ONE_DIGIT_TYPO_SQL = (
    "(nhs_number_l is null or nhs_number_r is null) and hamming(nhs_digits_l, nhs_digits_r) = 1"
)


def nhs_number_comparison() -> dict[str, Any]:
    """Valid NHS numbers agree, or disagree (a strong sign of two different people); or
    one fails the check digit and differs from the other in one digit.

    Modulus 11 catches every single mistyped digit, so a failing number is no identifier
    on its own; but nine of its ten digits are right, and on a nameless SUS record
    without a postcode they are the only evidence beside date of birth and sex (issue 6).
    A failing number that differs more, or two failing numbers, count as unknown.
    """
    return {
        "output_column_name": "nhs_number",
        "comparison_description": "valid NHS number: exact agreement; one typed digit",
        "comparison_levels": [
            {
                "sql_condition": "nhs_digits_l is null or nhs_digits_r is null "
                "or (nhs_number_l is null or nhs_number_r is null) "
                f"and not ({NHS_ONE_DIGIT_TYPO_SQL})",
                "label_for_charts": "null",
                "is_null_level": True,
            },
            {"sql_condition": "nhs_number_l = nhs_number_r", "label_for_charts": "exact"},
            {
                "sql_condition": NHS_ONE_DIGIT_TYPO_SQL,
                "label_for_charts": "one digit different, one fails the check",
                # random pairs never land here, so u cannot be estimated; two NHS numbers
                # of different people differ in exactly one of ten digits with chance
                # about 9e-9 (10 places x 9 digits / 1e10). 1e-8 fixes it there, not at
                # Splink's 1e-6 for unobserved levels, which left a mistyped number alone
                # too weak to link a nameless record at scale 1.0
                "u_probability": NHS_ONE_DIGIT_TYPO_U,
                "fix_u_probability": True,
            },
            _else(),
        ],
    }


def upn_comparison() -> dict[str, Any]:
    """Valid UPNs agree, or disagree; a permanent/temporary pair is treated as unknown,
    since a pupil's temporary UPN is replaced by a permanent one."""
    return {
        "output_column_name": "upn",
        "comparison_description": "valid UPN: exact agreement",
        "comparison_levels": [
            {
                "sql_condition": "upn_l is null or upn_r is null "
                "or upn_is_temporary_l != upn_is_temporary_r",
                "label_for_charts": "null",
                "is_null_level": True,
            },
            {"sql_condition": "upn_l = upn_r", "label_for_charts": "exact"},
            _else(),
        ],
    }


def forename_comparison() -> dict[str, Any]:
    """First forename: exact (term-frequency adjusted), nickname/variant, appears among
    the other record's forenames (middle name used as first), Jaro-Winkler bands, then
    forename recorded as surname (a swap)."""
    return {
        "output_column_name": "forename",
        "comparison_description": "first forename",
        "comparison_levels": [
            _null("forename1"),
            {
                "sql_condition": "forename1_l = forename1_r",
                "label_for_charts": "exact",
                "tf_adjustment_column": "forename1",
                "tf_adjustment_weight": 1.0,
            },
            {
                "sql_condition": "list_has_any(forename1_groups_l, forename1_groups_r)",
                "label_for_charts": "nickname or spelling variant",
            },
            {
                "sql_condition": "list_contains(forename_parts_r, forename1_l) "
                "or list_contains(forename_parts_l, forename1_r)",
                "label_for_charts": "among the other's forenames",
            },
            {
                "sql_condition": "jaro_winkler_similarity(forename1_l, forename1_r) >= 0.92",
                "label_for_charts": "jaro-winkler >= 0.92",
            },
            {
                "sql_condition": "jaro_winkler_similarity(forename1_l, forename1_r) >= 0.8",
                "label_for_charts": "jaro-winkler >= 0.8",
            },
            {
                "sql_condition": "forename1_l = surname_compact_r "
                "or forename1_r = surname_compact_l",
                "label_for_charts": "forename and surname swapped",
            },
            _else(),
        ],
    }


def surname_comparison() -> dict[str, Any]:
    """Surname: exact (term-frequency adjusted), shares a part of a hyphenated or
    double-barrelled name (one part dropped, a common recording difference),
    Jaro-Winkler bands, then surname recorded as forename (a swap)."""
    return {
        "output_column_name": "surname",
        "comparison_description": "surname",
        "comparison_levels": [
            _null("surname_compact"),
            {
                "sql_condition": "surname_compact_l = surname_compact_r",
                "label_for_charts": "exact",
                "tf_adjustment_column": "surname_compact",
                "tf_adjustment_weight": 1.0,
            },
            {
                "sql_condition": "list_has_any(surname_parts_l, surname_parts_r)",
                "label_for_charts": "shares a part",
            },
            {
                "sql_condition": "jaro_winkler_similarity(surname_compact_l, surname_compact_r)"
                " >= 0.92",
                "label_for_charts": "jaro-winkler >= 0.92",
            },
            {
                "sql_condition": "jaro_winkler_similarity(surname_compact_l, surname_compact_r)"
                " >= 0.8",
                "label_for_charts": "jaro-winkler >= 0.8",
            },
            {
                "sql_condition": "surname_compact_l = forename1_r "
                "or surname_compact_r = forename1_l",
                "label_for_charts": "forename and surname swapped",
            },
            _else(),
        ],
    }


def dob_comparison() -> dict[str, Any]:
    """Date of birth: exact, day and month transposed (American-style entry), within
    three days, one character different or the year out by one (a typed digit), two
    characters different, else."""
    return {
        "output_column_name": "dob",
        "comparison_description": "date of birth",
        "comparison_levels": [
            _null("dob"),
            {"sql_condition": "dob_l = dob_r", "label_for_charts": "exact"},
            {
                "sql_condition": "year(dob_l) = year(dob_r) and month(dob_l) = day(dob_r) "
                "and day(dob_l) = month(dob_r)",
                "label_for_charts": "day and month transposed",
            },
            {
                "sql_condition": "abs(date_diff('day', dob_l, dob_r)) <= 3",
                "label_for_charts": "within 3 days",
            },
            {
                "sql_condition": "levenshtein(dob_str_l, dob_str_r) <= 1 "
                "or (abs(year(dob_l) - year(dob_r)) = 1 and month(dob_l) = month(dob_r) "
                "and day(dob_l) = day(dob_r))",
                "label_for_charts": "one character different or year +/- 1",
            },
            {
                "sql_condition": "levenshtein(dob_str_l, dob_str_r) <= 2",
                "label_for_charts": "two characters different",
            },
            _else(),
        ],
    }


def sex_comparison() -> dict[str, Any]:
    """Sex agrees or not (unknown is null, so it is neither evidence for nor against)."""
    return {
        "output_column_name": "sex",
        "comparison_description": "sex",
        "comparison_levels": [
            _null("sex"),
            {"sql_condition": "sex_l = sex_r", "label_for_charts": "exact"},
            _else(),
        ],
    }


def postcode_comparison() -> dict[str, Any]:
    """Postcode: full (term-frequency adjusted: many children share a care home or
    block of flats), sector, district, then disagreement split by time: records made
    two or more years apart are expected to differ (families move), so that level
    carries much weaker evidence against a match than a contemporaneous mismatch.
    EM learns both from the data."""
    return {
        "output_column_name": "postcode",
        "comparison_description": "postcode",
        "comparison_levels": [
            _null("postcode"),
            {
                "sql_condition": "postcode_l = postcode_r",
                "label_for_charts": "exact",
                "tf_adjustment_column": "postcode",
                "tf_adjustment_weight": 1.0,
            },
            {
                "sql_condition": "postcode_sector_l = postcode_sector_r",
                "label_for_charts": "sector",
            },
            {
                "sql_condition": "postcode_district_l = postcode_district_r",
                "label_for_charts": "district",
            },
            {
                "sql_condition": "abs(record_year_l - record_year_r) >= 2",
                "label_for_charts": "different, recorded 2+ years apart",
            },
            _else(),
        ],
    }


MODEL_COLUMNS: tuple[str, ...] = (
    "unique_id",
    "key_id",
    "source_system",
    "nhs_number",
    "nhs_digits",
    "upn",
    "upn_is_temporary",
    "forename1",
    "forename1_canon",
    "forename1_groups",
    "forename_parts",
    "surname_compact",
    "surname_parts",
    "dob",
    "dob_str",
    "dob_year",
    "sex",
    "postcode",
    "postcode_sector",
    "postcode_district",
    "record_year",
)
"""Columns of the table the Splink model reads (`link_rows`)."""


def splink_settings(params: LinkageParameters) -> dict[str, Any]:
    """The Splink settings dictionary for the cyplink model."""
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "comparisons": [
            nhs_number_comparison(),
            upn_comparison(),
            forename_comparison(),
            surname_comparison(),
            dob_comparison(),
            sex_comparison(),
            postcode_comparison(),
        ],
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": rule} for rule in params.blocking_rules
        ],
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
        "additional_columns_to_retain": ["key_id"],
        "max_iterations": params.em_max_iterations,
        "em_convergence": 0.0001,
    }
