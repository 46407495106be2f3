{{ config(materialized='table') }}

{#-
    Every landing row or file that did not load, with where and why: one row per failed
    check of a row (a row failing two checks appears twice), plus one row per file that
    could not be read at all.
-#}

with

{% for landing_table, base_model, stg_model in staging_inventory() %}
    {{ base_model }} as (

        select *
        from {{ ref(base_model) }}
        where len(dq_errors) > 0

    ),

{% endfor %}
failed_rows as (

    {%- for landing_table, base_model, stg_model in staging_inventory() %}
        select * from {{ base_model }}
        {%- if not loop.last %}
            union all by name
        {%- endif %}
    {%- endfor %}

),

failed_checks as (

    select
        landing_table,
        source_file,
        source_row_number,
        la_code,
        cast(collection_year as integer) as collection_year,
        unnest(dq_errors) as dq_error
    from failed_rows

),

row_errors as (

    select
        'row' as quarantine_level,
        failed_checks.landing_table,
        failed_checks.source_file,
        failed_checks.source_row_number,
        failed_checks.la_code,
        failed_checks.collection_year,
        failed_checks.dq_error.column_name,
        failed_checks.dq_error.raw_value,
        failed_checks.dq_error.reason
    from failed_checks

),

rejected_files as (

    select
        'file' as quarantine_level,
        landing_table,
        source_file,
        cast(null as bigint) as source_row_number,
        cast(null as varchar) as raw_value,
        message as reason,
        regexp_extract(source_file, '/(E[0-9]{8})/', 1) as la_code,
        try_cast(regexp_extract(source_file, '/(E[0-9]{8})/([0-9]{4})', 2) as integer) as collection_year,
        case
            when message like 'missing required column%'
                then array_to_string(missing_required_columns, ', ')
        end as column_name
    from {{ ref('stg_landing__files') }}
    where file_status = 'rejected'

),

final as (

    select
        quarantine_level,
        landing_table,
        source_file,
        source_row_number,
        nullif(la_code, '') as la_code,
        collection_year,
        column_name,
        raw_value,
        reason
    from row_errors
    union all
    select
        quarantine_level,
        landing_table,
        source_file,
        source_row_number,
        nullif(la_code, '') as la_code,
        collection_year,
        column_name,
        raw_value,
        reason
    from rejected_files

)

select * from final
