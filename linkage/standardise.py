"""Standardise identifiers in DuckDB SQL, with a recorded reason for every rejection.

All standardisers are DuckDB macros, so the pipeline runs them set-based over
millions of rows, and the small Python wrappers at the bottom run the very same
SQL for unit tests (one implementation, tested directly).

Decisions:

- Names: accents stripped (Zoë → zoe), lower case, apostrophes removed
  (O'Brien → obrien), every other non-letter becomes a space, so hyphenated and
  double-barrelled names become space-separated parts ("Smith-Jones" →
  "smith jones"). `forename1` is the first forename part; the full string keeps
  middle names. Placeholder names used for newborns and unknowns (`baby`,
  `unknown`, `nk`, ...) become null: they are not evidence of identity.
- Nicknames and spelling variants (`settings/name_variants.csv`, data in the
  repository): each row puts a name in a variant group named by its formal form
  (`lottie,charlotte`); a name can sit in several groups (`charlie` is Charles or
  Charlotte, `joseph` is also the anglicised `yusuf`). `forename1_groups` holds a
  forename's groups and the name itself; two forenames are variants when their
  groups meet. `forename1_canon`, the first name of the connected set of
  variants, is used only for blocking. The model treats a variant match as
  weaker evidence than an exact one.
- Date of birth: `YYYY-MM-DD` or `DD/MM/YYYY`; a blank dob is kept as null with
  reason `missing` (unreadable dobs are rejected with the file in `reader`).
- Sex: `M`/`1`/`male` → M, `F`/`2`/`female` → F; `U`, `0`, `9` and blanks are
  unknown (null, not invalid); anything else is null with reason `unrecognised`.
- Postcode: upper case, spaces removed, checked against the UK postcode shape,
  re-spaced as outward + inward; `postcode_sector` (outward + first inward
  digit) and `postcode_district` (outward) are kept for partial agreement.
- NHS number: spaces and hyphens stripped; must be 10 digits; numbers of one
  repeated digit pass modulus 11 but are dummies and are rejected; modulus 11:
  weights 10..2 on digits 1..9, check = 11 - (sum mod 11), 11 → 0, 10 → invalid.
- UPN (DfE "Unique Pupil Numbers" guidance, annex on the check letter):
  13 characters: check letter, 3-digit LA number, 4-digit establishment number,
  2-digit year, 3-character serial. The check letter is the letter at index
  (sum over positions 2 to 13 of value * position) mod 23 of the 23-letter table
  A B C D E F G H J K L M N P Q R T U V W X Y Z (no I, O, S). Digits have their
  face value; a temporary UPN ends in a letter, which takes its index in the same
  table. Temporary UPNs are valid identifiers and kept (flagged `upn_is_temporary`).
- Invalid identifiers become null, never a join key, and their reason is kept in
  `<identifier>_invalid_reason` for `linkage.quality_invalid_identifiers`.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

SETTINGS_DIR = Path(__file__).resolve().parent / "settings"
NAME_VARIANTS_CSV = SETTINGS_DIR / "name_variants.csv"

UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
PLACEHOLDER_NAMES = ("baby", "infant", "unknown", "nk", "not known", "notknown", "na", "test")

_NHS_SUM = " + ".join(f"cast(substr(x, {i}, 1) as integer) * {11 - i}" for i in range(1, 10))
_UPN_SUM = " + ".join(
    f"(case when substr(x, {p}, 1) between '0' and '9' then cast(substr(x, {p}, 1) as integer) "
    f"else instr('{UPN_LETTERS}', substr(x, {p}, 1)) - 1 end) * {p}"
    for p in range(2, 14)
)
_PLACEHOLDERS = ", ".join(f"'{name}'" for name in PLACEHOLDER_NAMES)

MACROS: tuple[str, ...] = (
    # names
    """create or replace macro cyp_clean_name(x) as nullif(trim(regexp_replace(
        regexp_replace(lower(strip_accents(trim(x))), '[''\u2019`]', '', 'g'),
        '[^a-z]+', ' ', 'g')), '')""",
    f"""create or replace macro cyp_name(x) as case
        when cyp_clean_name(x) in ({_PLACEHOLDERS}) then null else cyp_clean_name(x) end""",
    # dates
    """create or replace macro cyp_date(x) as coalesce(
        try_strptime(trim(x), '%Y-%m-%d'), try_strptime(trim(x), '%d/%m/%Y'))::date""",
    # sex
    """create or replace macro cyp_sex(x) as case
        when upper(trim(x)) in ('M', '1', 'MALE') then 'M'
        when upper(trim(x)) in ('F', '2', 'FEMALE') then 'F' end""",
    """create or replace macro cyp_sex_reason(x) as case
        when nullif(trim(x), '') is null then null
        when upper(trim(x)) in ('M', '1', 'MALE', 'F', '2', 'FEMALE', 'U', '0', '9') then null
        else 'unrecognised' end""",
    # postcode
    """create or replace macro cyp_pc_compact(x) as
        nullif(upper(regexp_replace(coalesce(x, ''), '[^A-Za-z0-9]', '', 'g')), '')""",
    """create or replace macro cyp_pc_valid(x) as
        regexp_full_match(x, '[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}')""",
    """create or replace macro cyp_postcode(x) as case when cyp_pc_valid(cyp_pc_compact(x))
        then left(cyp_pc_compact(x), length(cyp_pc_compact(x)) - 3) || ' ' ||
             right(cyp_pc_compact(x), 3) end""",
    """create or replace macro cyp_postcode_reason(x) as case
        when cyp_pc_compact(x) is null then null
        when not cyp_pc_valid(cyp_pc_compact(x)) then 'invalid_format' end""",
    # NHS number
    """create or replace macro cyp_nhs_clean(x) as
        nullif(regexp_replace(trim(coalesce(x, '')), '[\\s\\-]', '', 'g'), '')""",
    f"""create or replace macro cyp_nhs_check_reason(x) as case
        when x is null then null
        when not regexp_full_match(x, '[0-9]{{10}}') then 'not_10_digits'
        when x = repeat(left(x, 1), 10) then 'dummy_repeated_digits'
        when 11 - (({_NHS_SUM}) % 11) = 10 then 'check_digit_10'
        when (11 - (({_NHS_SUM}) % 11)) % 11 != cast(substr(x, 10, 1) as integer)
            then 'check_digit_mismatch'
        end""",
    "create or replace macro cyp_nhs_reason(x) as cyp_nhs_check_reason(cyp_nhs_clean(x))",
    """create or replace macro cyp_nhs(x) as case
        when cyp_nhs_reason(x) is null then cyp_nhs_clean(x) end""",
    # UPN
    """create or replace macro cyp_upn_clean(x) as
        nullif(upper(regexp_replace(coalesce(x, ''), '\\s', '', 'g')), '')""",
    f"""create or replace macro cyp_upn_check_reason(x) as case
        when x is null then null
        when length(x) != 13 then 'not_13_chars'
        when not regexp_full_match(x, '[A-HJ-NP-RT-Z][0-9]{{11}}[0-9A-HJ-NP-RT-Z]')
            then 'invalid_characters'
        when substr('{UPN_LETTERS}', (({_UPN_SUM}) % 23) + 1, 1) != left(x, 1)
            then 'check_letter_mismatch'
        end""",
    "create or replace macro cyp_upn_reason(x) as cyp_upn_check_reason(cyp_upn_clean(x))",
    """create or replace macro cyp_upn(x) as case
        when cyp_upn_reason(x) is null then cyp_upn_clean(x) end""",
)


def name_variant_rows() -> list[tuple[str, list[str], str]]:
    """(name, its variant groups, blocking key) for every name in the variant file.

    The blocking key is the alphabetically first name of the name's connected set in
    the variant graph (all names linked through any shared group), so every pair of
    variants shares it; comparisons use the non-transitive group overlap instead.
    """
    with NAME_VARIANTS_CSV.open(newline="", encoding="utf-8") as handle:
        pairs = [
            (row["variant"].strip().lower(), row["canonical"].strip().lower())
            for row in csv.DictReader(handle)
        ]
    parent: dict[str, str] = {}

    def find(name: str) -> str:
        while parent.setdefault(name, name) != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    groups: dict[str, set[str]] = {}
    for variant, canonical in pairs:
        groups.setdefault(variant, set()).add(canonical)
        groups.setdefault(canonical, set()).add(canonical)
        a, b = find(variant), find(canonical)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return [(name, sorted(groups[name]), find(name)) for name in sorted(groups)]


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Create the `cyp_*` macros and the name-variant table on a connection."""
    for sql in MACROS:
        con.execute(sql)
    con.execute(
        "create or replace table name_variants "
        "(variant varchar, groups varchar[], block_key varchar)"
    )
    con.executemany("insert into name_variants values (?, ?, ?)", name_variant_rows())


STANDARDISE_SQL = f"""
create or replace table std_rows as
with source as (
    select * from raw_identifiers
    where nullif(trim(source_record_id), '') is not null
),
compacted as (
    -- each raw value is cleaned once; validity is judged on the cleaned value
    select
        source_system,
        provider_code,
        trim(source_record_id) as source_record_id,
        source_file,
        file_row,
        cyp_nhs_clean(nhs_number) as nhs_clean,
        cyp_upn_clean(upn) as upn_clean,
        cyp_clean_name(forename) as forename_clean,
        cyp_clean_name(surname) as surname_clean,
        cyp_date(dob) as dob,
        nullif(trim(dob), '') is null as dob_blank,
        sex as sex_raw,
        cyp_pc_compact(postcode) as pc_compact,
        cyp_date(record_date) as record_date,
        nullif(trim(record_date), '') is not null as record_date_given
    from source
),
cleaned as (
    select
        source_system,
        provider_code,
        source_record_id,
        source_file,
        file_row,
        cyp_nhs_check_reason(nhs_clean) as nhs_number_invalid_reason,
        cyp_upn_check_reason(upn_clean) as upn_invalid_reason,
        nhs_clean,
        upn_clean,
        case when forename_clean not in ({_PLACEHOLDERS}) then forename_clean end as forenames,
        case when surname_clean not in ({_PLACEHOLDERS}) then surname_clean end as surname,
        dob,
        case when dob_blank then 'missing' end as dob_invalid_reason,
        cyp_sex(sex_raw) as sex,
        cyp_sex_reason(sex_raw) as sex_invalid_reason,
        case when cyp_pc_valid(pc_compact)
            then left(pc_compact, length(pc_compact) - 3) || ' ' || right(pc_compact, 3)
        end as postcode,
        case when pc_compact is not null and not cyp_pc_valid(pc_compact)
            then 'invalid_format' end as postcode_invalid_reason,
        record_date,
        case when record_date_given and record_date is null
            then 'unreadable' end as record_date_invalid_reason
    from compacted
),
named as (
    select
        * exclude (nhs_clean, upn_clean),
        case when nhs_number_invalid_reason is null then nhs_clean end as nhs_number,
        -- the ten digits as typed, also when the check digit fails: one mistyped digit
        -- still carries nine right ones (the model's one-digit-different level)
        case when nhs_number_invalid_reason is null
            or nhs_number_invalid_reason in ('check_digit_mismatch', 'check_digit_10')
            then nhs_clean end as nhs_digits,
        case when upn_invalid_reason is null then upn_clean end as upn,
        split_part(forenames, ' ', 1) as forename1
    from cleaned
),
final as (
    select
        named.*,
        coalesce(name_variants.block_key, named.forename1) as forename1_canon,
        case when named.forename1 is not null then list_distinct(list_append(
            coalesce(name_variants.groups, []), named.forename1))
        end as forename1_groups,
        string_split(named.forenames, ' ') as forename_parts,
        string_split(named.surname, ' ') as surname_parts,
        replace(named.surname, ' ', '') as surname_compact,
        strftime(named.dob, '%Y%m%d') as dob_str,
        year(named.dob) as dob_year,
        year(named.record_date) as record_year,
        split_part(named.postcode, ' ', 1) as postcode_district,
        split_part(named.postcode, ' ', 1) || ' ' || left(split_part(named.postcode, ' ', 2), 1)
            as postcode_sector,
        right(named.upn, 1) not between '0' and '9' as upn_is_temporary
    from named
    left join name_variants on name_variants.variant = named.forename1
)
select * from final
"""

MISSING_KEY_SQL = """
select source_system, provider_code, count(*) as n_rows
from raw_identifiers
where nullif(trim(source_record_id), '') is null
group by all
"""


def standardise(con: duckdb.DuckDBPyConnection) -> None:
    """Build `std_rows` (one standardised row per landed row with a record id)."""
    install_macros(con)
    con.execute(STANDARDISE_SQL)


# Python wrappers over the same SQL, for tests and ad-hoc checks -------------------


_WRAPPER_CON: duckdb.DuckDBPyConnection | None = None


def _values_table(values: list[str | None]) -> duckdb.DuckDBPyConnection:
    """A cursor on a shared in-memory connection holding the values as table `v`."""
    global _WRAPPER_CON
    if _WRAPPER_CON is None:
        _WRAPPER_CON = duckdb.connect()
        install_macros(_WRAPPER_CON)
    con = _WRAPPER_CON.cursor()
    con.execute("create or replace temp table v (i integer, x varchar)")
    con.executemany("insert into v values (?, ?)", list(enumerate(values)))
    return con


def _apply(macro_pairs: tuple[str, str], values: list[str | None]) -> list[tuple[object, object]]:
    con = _values_table(values)
    value_macro, reason_macro = macro_pairs
    rows = con.execute(f"select {value_macro}(x), {reason_macro}(x) from v order by i").fetchall()
    con.close()
    return [(row[0], row[1]) for row in rows]


def check_nhs_numbers(values: list[str | None]) -> list[tuple[object, object]]:
    """(standardised NHS number or None, invalid reason or None) for each value."""
    return _apply(("cyp_nhs", "cyp_nhs_reason"), values)


def check_upns(values: list[str | None]) -> list[tuple[object, object]]:
    """(standardised UPN or None, invalid reason or None) for each value."""
    return _apply(("cyp_upn", "cyp_upn_reason"), values)


def check_postcodes(values: list[str | None]) -> list[tuple[object, object]]:
    """(standardised postcode or None, invalid reason or None) for each value."""
    return _apply(("cyp_postcode", "cyp_postcode_reason"), values)


def check_sexes(values: list[str | None]) -> list[tuple[object, object]]:
    """(M/F or None, invalid reason or None) for each value."""
    return _apply(("cyp_sex", "cyp_sex_reason"), values)


def clean_names(values: list[str | None]) -> list[object]:
    """Standardised name string (or None) for each value."""
    return [value for value, _ in _apply(("cyp_name", "cyp_name"), values)]


def parse_dates(values: list[str | None]) -> list[object]:
    """Parsed date (or None) for each value, in either contract format."""
    return [value for value, _ in _apply(("cyp_date", "cyp_date"), values)]


def canonical_forenames(values: list[str | None]) -> list[object]:
    """Blocking key of the first forename (first name of its set of variants)."""
    con = _values_table(values)
    rows = con.execute(
        "select coalesce(name_variants.block_key, split_part(cyp_name(v.x), ' ', 1)) from v "
        "left join name_variants on name_variants.variant = split_part(cyp_name(v.x), ' ', 1) "
        "order by v.i"
    ).fetchall()
    con.close()
    return [row[0] for row in rows]
