"""Prepare the model input, train the Splink model and score candidate pairs.

Decisions:

- The model reads `link_rows`: the standardised rows with exact duplicates of the
  compared fields removed (termly extracts repeat the same identifiers), one
  `unique_id` per distinct row and `key_id` for the record key it belongs to.
  Rows of one record key are never compared with each other (they are the same
  record by definition), so every prediction blocking rule adds
  `l.key_id != r.key_id`.
- An NHS number or UPN carried by more than `MAX_KEYS_PER_IDENTIFIER` distinct
  record keys is a placeholder, not an identifier (real extracts hold
  "default" numbers): it is nulled with reason `shared_by_many_records`, so it
  cannot glue unrelated people together or blow up blocking.
- Training follows Splink's recommended order: the prior from deterministic rules,
  u by seeded random sampling, m by EM in sessions whose blocking rules each leave
  different comparisons free to be estimated.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
from splink import DuckDBAPI, Linker

from linkage.model_settings import MODEL_COLUMNS, LinkageParameters, splink_settings

MAX_KEYS_PER_IDENTIFIER = 20

_ROW_COLUMNS = ", ".join(
    f"std_rows.{col}"
    for col in MODEL_COLUMNS
    if col not in ("unique_id", "key_id", "source_system")
)

OVERSHARED_SQL = f"""
create or replace table overshared as
with keyed as (
    select nhs_number, upn, source_system || chr(31) || provider_code || chr(31)
        || source_record_id as record_key
    from std_rows
)
select 'nhs_number' as identifier, nhs_number as value
from keyed where nhs_number is not null
group by nhs_number having count(distinct record_key) > {MAX_KEYS_PER_IDENTIFIER}
union all
select 'upn', upn
from keyed where upn is not null
group by upn having count(distinct record_key) > {MAX_KEYS_PER_IDENTIFIER}
"""

NULL_OVERSHARED_SQL = """
update std_rows set nhs_number = null, nhs_digits = null,
    nhs_number_invalid_reason = 'shared_by_many_records'
where nhs_number in (select value from overshared where identifier = 'nhs_number');
update std_rows set upn = null, upn_invalid_reason = 'shared_by_many_records'
where upn in (select value from overshared where identifier = 'upn');
"""

PREPARE_SQL = f"""
create or replace table record_keys as
select
    row_number() over (order by source_system, provider_code, source_record_id)::bigint
        as key_id,
    source_system,
    provider_code,
    source_record_id,
    min(record_date) as first_record_date,
    max(record_date) as last_record_date,
    arg_max(dob, coalesce(record_date, date '0001-01-01')) as dob,
    arg_max(sex, coalesce(record_date, date '0001-01-01')) as sex,
    count(*) as n_rows
from std_rows
group by source_system, provider_code, source_record_id;

create or replace table link_rows as
with distinct_rows as (
    select distinct
        record_keys.key_id,
        std_rows.source_system,
        {_ROW_COLUMNS}
    from std_rows
    inner join record_keys
        on record_keys.source_system = std_rows.source_system
        and record_keys.provider_code = std_rows.provider_code
        and record_keys.source_record_id = std_rows.source_record_id
)
select
    row_number() over (order by key_id, hash(distinct_rows))::bigint as unique_id,
    *
from distinct_rows;
"""


def prepare(con: duckdb.DuckDBPyConnection) -> None:
    """Null over-shared identifiers, then build `record_keys` and `link_rows`."""
    con.execute(OVERSHARED_SQL)
    if con.execute("select count(*) from overshared").fetchall()[0][0]:
        con.execute(NULL_OVERSHARED_SQL)
    con.execute(PREPARE_SQL)


def _blocking_rules(params: LinkageParameters) -> list[str]:
    return [f"({rule}) and l.key_id != r.key_id" for rule in params.blocking_rules]


def build_linker(
    con: duckdb.DuckDBPyConnection,
    params: LinkageParameters,
    settings: dict[str, Any] | str | None = None,
) -> Linker:
    """A Splink linker over `link_rows` on the given DuckDB connection."""
    db_api = DuckDBAPI(con)
    sdf = db_api.register("link_rows")
    if settings is None:
        settings = splink_settings(params)
        settings["blocking_rules_to_generate_predictions"] = _blocking_rules(params)
    return Linker(sdf, settings, log_level=logging.ERROR)


def train(
    linker: Linker, params: LinkageParameters, step: Callable[[str], None] | None = None
) -> None:
    """Prior, u and m estimation (see module docstring)."""
    say = step or (lambda _msg: None)
    say("estimating the prior")
    linker.training.estimate_probability_two_random_records_match(
        list(params.prior_rules), recall=params.prior_recall
    )
    say("estimating u by random sampling")
    linker.training.estimate_u_using_random_sampling(
        max_pairs=params.u_max_pairs, seed=params.seed, num_chunks=params.u_num_chunks
    )
    for rule in params.em_blocking_rules:
        say(f"EM: {rule}")
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, max_pairs=params.em_max_pairs, estimate_without_term_frequencies=True
        )


def predict(con: duckdb.DuckDBPyConnection, linker: Linker) -> None:
    """Score every blocked pair into `scored_pairs` (key ids, weight, probability)."""
    predictions = linker.inference.predict()
    con.execute(
        f"""
        create or replace table scored_pairs as
        select unique_id_l, unique_id_r, key_id_l, key_id_r, match_weight, match_probability
        from {predictions.physical_name}
        """
    )
    predictions.drop_table_from_database_and_remove_from_cache()


def save_model(linker: Linker, path: Path) -> dict[str, Any]:
    """Write the trained model (settings and parameters) as Splink JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return linker.misc.save_model_to_json(str(path), overwrite=True)
