{{ config(materialized='table') }}

{#-
    Nothing lost: for every landing file and table, rows read = rows loaded + rows
    quarantined. `rows_read` is counted independently of the CSV reader (non-blank lines
    after the header, from the raw bytes; for CIN, the rows the XML ingest wrote), so a row
    the reader dropped or a file it could not read shows up here.
-#}

with

landing_files as (

    select
        landing_table,
        source_file,
        file_status,
        rows_read
    from {{ ref('stg_landing__files') }}
    where landing_table != 'cin_census.xml'

),

xml_files as (

    select
        source_file,
        file_status
    from {{ ref('stg_landing__files') }}
    where landing_table = 'cin_census.xml'

),

cin_row_counts as (

    select
        'cin.' || cin_row_counts.cin_table as landing_table,
        cin_row_counts.source_file,
        xml_files.file_status,
        cin_row_counts.rows_written as rows_read
    from {{ source('cin', 'row_counts') }} as cin_row_counts
    inner join xml_files
        on cin_row_counts.source_file = xml_files.source_file

),

files as (

    select * from landing_files
    union all
    select * from cin_row_counts

),

base_counts as (

    {%- for landing_table, base_model, stg_model in staging_inventory() %}
        select
            landing_table,
            source_file,
            count(*) filter (where len(dq_errors) = 0) as rows_loaded,
            count(*) filter (where len(dq_errors) > 0) as rows_quarantined_invalid
        from {{ ref(base_model) }}
        group by landing_table, source_file
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

staging_counts as (

    {%- for landing_table, base_model, stg_model in staging_inventory() %}
        select
            '{{ landing_table }}' as landing_table,
            source_file,
            count(*) as rows_in_staging
        from {{ ref(stg_model) }}
        group by source_file
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

joined as (

    select
        files.landing_table,
        files.source_file,
        files.file_status,
        files.rows_read,
        coalesce(base_counts.rows_loaded, 0) as rows_loaded,
        coalesce(base_counts.rows_quarantined_invalid, 0) as rows_quarantined_invalid,
        case when files.file_status = 'rejected' then files.rows_read else 0 end as rows_quarantined_file,
        coalesce(staging_counts.rows_in_staging, 0) as rows_in_staging
    from files
    left join base_counts
        on
            files.landing_table = base_counts.landing_table
            and files.source_file = base_counts.source_file
    left join staging_counts
        on
            files.landing_table = staging_counts.landing_table
            and files.source_file = staging_counts.source_file

),

final as (

    select
        landing_table,
        source_file,
        file_status,
        rows_read,
        rows_loaded,
        rows_quarantined_invalid,
        rows_quarantined_file,
        rows_in_staging,
        rows_quarantined_invalid + rows_quarantined_file as rows_quarantined,
        rows_loaded - rows_in_staging as rows_deduplicated,
        rows_read - rows_loaded - rows_quarantined_invalid - rows_quarantined_file as rows_unaccounted,
        (
            rows_read = rows_loaded + rows_quarantined_invalid + rows_quarantined_file
            and rows_in_staging <= rows_loaded
        ) as reconciles
    from joined

)

select * from final
