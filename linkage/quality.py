"""Linkage quality tables (`linkage.quality_*`), built set-based in the working database.

What researchers need to judge linkage bias (GUILD; Harron et al. 2017): how the
scores are distributed, which records link and which do not, by the
characteristics available, how big clusters are, and what identifiers were
unusable. Ethnicity is not in the identifier extracts (it is content, in the 903
header, CIN census and school census): link rates here are by LA, age group and
sex; the staging layer joins `person_key` to content for rates by ethnicity.

Tables (all in schema `linkage`):

- `quality_match_weight_distribution(match_weight_lower, match_weight_upper,
  n_pairs, n_pairs_linked)`: every scored candidate pair, in match-weight bins
  of width 1; `n_pairs_linked` counts pairs at or above the link threshold.
- `quality_link_rates(source_system, la_code, breakdown, breakdown_value, n_records,
  n_linked_any_health, n_linked_gp, n_linked_sus, n_linked_mhsds,
  link_rate_any_health)`: records of each LA source (csc, school_census) and
  whether their person also has a health record; breakdown `all`, `age_group`
  (age at the record's latest `record_date`) or `sex`.
- `quality_cluster_sizes(cluster_size, n_clusters, n_records)`.
- `quality_cluster_sources(sources, n_clusters, n_records)`: which combinations
  of source systems people are found in.
- `quality_invalid_identifiers(source_system, provider_code, identifier, reason,
  n_rows, n_records)`: identifiers set to null, and why.
- `quality_input_files`, `quality_run_summary`, `quality_model_parameters`: the
  run log as tables (written by the pipeline).
"""

from __future__ import annotations

from typing import Any

import duckdb

from linkage import HEALTH_SOURCES, LA_SOURCES

AGE_GROUP_SQL = """case
    when age is null then 'unknown'
    when age < 5 then '0-4'
    when age < 11 then '5-10'
    when age < 16 then '11-15'
    when age < 18 then '16-17'
    else '18+' end"""


def build_quality_tables(con: duckdb.DuckDBPyConnection, threshold: float) -> list[str]:
    """Create the quality tables from the working tables; return their names."""
    health = ", ".join(f"'{s}'" for s in HEALTH_SOURCES)
    la_sources = ", ".join(f"'{s}'" for s in LA_SOURCES)
    con.execute(
        """
        create or replace table quality_match_weight_distribution as
        select floor(match_weight)::integer as match_weight_lower,
            floor(match_weight)::integer + 1 as match_weight_upper,
            count(*) as n_pairs,
            count(*) filter (where match_probability >= $threshold) as n_pairs_linked
        from scored_pairs
        group by all
        order by match_weight_lower
        """,
        {"threshold": threshold},
    )
    con.execute(
        f"""
        create or replace table quality_link_rates as
        with members as (
            select record_keys.key_id, record_keys.source_system, record_keys.provider_code,
                record_keys.sex, clusters.cluster_id,
                date_diff('year', record_keys.dob, age_at.on_date)
                    - (strftime(age_at.on_date, '%m%d') < strftime(record_keys.dob, '%m%d'))::int
                    as age
            from record_keys
            inner join clusters on clusters.key_id = record_keys.key_id
            cross join lateral (
                select coalesce(record_keys.last_record_date,
                    (select max(last_record_date) from record_keys)) as on_date
            ) as age_at
        ),
        cluster_health as (
            select cluster_id,
                bool_or(source_system = 'gp') as has_gp,
                bool_or(source_system = 'sus') as has_sus,
                bool_or(source_system = 'mhsds') as has_mhsds,
                bool_or(source_system in ({health})) as has_health
            from members group by cluster_id
        ),
        la_records as (
            select members.source_system, members.provider_code as la_code,
                coalesce(members.sex, 'unknown') as sex,
                {AGE_GROUP_SQL} as age_group,
                cluster_health.*
            from members
            inner join cluster_health on cluster_health.cluster_id = members.cluster_id
            where members.source_system in ({la_sources})
        ),
        long as (
            select source_system, la_code, 'all' as breakdown, 'all' as breakdown_value, *
                exclude (source_system, la_code)
            from la_records
            union all
            select source_system, la_code, 'age_group', age_group, *
                exclude (source_system, la_code)
            from la_records
            union all
            select source_system, la_code, 'sex', sex, * exclude (source_system, la_code)
            from la_records
        )
        select source_system, la_code, breakdown, breakdown_value,
            count(*) as n_records,
            count(*) filter (where has_health) as n_linked_any_health,
            count(*) filter (where has_gp) as n_linked_gp,
            count(*) filter (where has_sus) as n_linked_sus,
            count(*) filter (where has_mhsds) as n_linked_mhsds,
            round(count(*) filter (where has_health) / count(*), 4) as link_rate_any_health
        from long
        group by all
        order by all
        """
    )
    con.execute(
        """
        create or replace table quality_cluster_sizes as
        with sizes as (select cluster_id, count(*) as cluster_size from clusters group by all)
        select cluster_size, count(*) as n_clusters, sum(cluster_size)::bigint as n_records
        from sizes group by all order by cluster_size
        """
    )
    con.execute(
        """
        create or replace table quality_cluster_sources as
        with per_cluster as (
            select clusters.cluster_id,
                string_agg(distinct record_keys.source_system, '+'
                    order by record_keys.source_system) as sources,
                count(*) as n_records
            from clusters inner join record_keys on record_keys.key_id = clusters.key_id
            group by all
        )
        select sources, count(*) as n_clusters, sum(n_records)::bigint as n_records
        from per_cluster group by all order by n_clusters desc
        """
    )
    con.execute(
        """
        create or replace table quality_invalid_identifiers as
        with reasons as (
            unpivot (
                select source_system, provider_code, source_record_id,
                    nhs_number_invalid_reason as nhs_number, upn_invalid_reason as upn,
                    dob_invalid_reason as dob, sex_invalid_reason as sex,
                    postcode_invalid_reason as postcode,
                    record_date_invalid_reason as record_date
                from std_rows
            ) on nhs_number, upn, dob, sex, postcode, record_date
            into name identifier value reason
        ),
        missing_keys as (
            select source_system, provider_code, 'source_record_id' as identifier,
                'missing' as reason, count(*) as n_rows, 0 as n_records
            from raw_identifiers
            where nullif(trim(source_record_id), '') is null
            group by all
        )
        select source_system, provider_code, identifier, reason, count(*) as n_rows,
            count(distinct source_record_id) as n_records
        from reasons where reason is not null
        group by all
        union all
        select * from missing_keys
        order by all
        """
    )
    return [
        "quality_match_weight_distribution",
        "quality_link_rates",
        "quality_cluster_sizes",
        "quality_cluster_sources",
        "quality_invalid_identifiers",
    ]


def model_parameter_rows(model: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per comparison level of the trained model (m, u, Bayes factor)."""
    rows = []
    for comparison in model.get("comparisons", []):
        for level in comparison.get("comparison_levels", []):
            if level.get("is_null_level"):
                continue
            m = level.get("m_probability")
            u = level.get("u_probability")
            rows.append(
                {
                    "comparison": comparison.get("output_column_name"),
                    "level": level.get("label_for_charts"),
                    "sql_condition": level.get("sql_condition"),
                    "m_probability": m,
                    "u_probability": u,
                    "bayes_factor": (m / u) if m and u else None,
                    "tf_adjusted": bool(level.get("tf_adjustment_column")),
                }
            )
    return rows
