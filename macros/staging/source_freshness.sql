{#
    Source freshness judged as of the landing's extract date (policy: the docs overview,
    "Source freshness" in models/docs/overview.md).

    dbt compares each source's newest `loaded_at_field` with `current_timestamp`. A TRE
    release is a snapshot: what matters is whether each feed was as current as it
    should have been when the release was extracted, and a snapshot does not go stale
    while researchers work on it. So "now" here is, in order:

      1. var('freshness_as_of') when set: a date (`2025-04-30`) or `now` (the clock);
      2. the newest GP extract date in the landing (`gp/<extract_date>/`, the one dated
         delivery in the landing contract);
      3. the clock, when the landing holds no GP extract.

    `cyplink build` prints which date it used and how old that is today.
#}
{% macro freshness_reference_time() -%}
    {%- set as_of = var('freshness_as_of', none) -%}
    {%- if as_of and as_of | string | lower in ('now', 'today') -%}
        cast({{ current_timestamp() }} as timestamp)
    {%- elif as_of -%}
        cast('{{ as_of }}' as timestamp)
    {%- else -%}
        coalesce(
            (
                select max(try_strptime(regexp_extract(gp_file.file, 'gp/([0-9]{4}-[0-9]{2}-[0-9]{2})/', 1), '%Y-%m-%d'))
                from glob('{{ var("landing_root") }}/gp/*/events.csv') as gp_file
            ),
            cast({{ current_timestamp() }} as timestamp)
        )
    {%- endif -%}
{%- endmacro %}


{% macro duckdb__collect_freshness(source, loaded_at_field, filter) %}
    {#- dbt's default__collect_freshness with the reference time above for "now". -#}
    {% call statement('collect_freshness', fetch_result=True, auto_begin=False) -%}
        select
            max({{ loaded_at_field }}) as max_loaded_at,
            {{ freshness_reference_time() }} as snapshotted_at
        from {{ source }}
        {% if filter %}
            where {{ filter }}
        {% endif %}
    {% endcall %}
    {{ return(load_result('collect_freshness')) }}
{% endmacro %}
