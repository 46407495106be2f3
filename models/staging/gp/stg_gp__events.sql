-- GP events are the largest landing table (15.6 million rows at scale 1.0): a table
-- runs the cross-extract deduplication once, not again in every model and test that
-- reads it.
{{ config(materialized='table') }}

with

events as (

    select * from {{ ref('base_gp__events') }}
    where len(dq_errors) = 0

),

{{ person_key_import('gp', var('health_provider_code')) }},

ranked as (

    -- an event in two extracts is one event: the latest extract wins
    select
        *,
        row_number() over (
            partition by patient_id, event_date, snomed_code, event_value
            order by extract_date desc, source_file desc, source_row_number desc
        ) as row_rank
    from events

),

final as (

    select
        person_key.person_id,
        ranked.event_date,
        ranked.snomed_code,
        ranked.event_value,
        cast(ranked.extract_date as date) as extract_date,
        ranked.source_file,
        ranked.source_row_number
    from ranked
    left join person_key
        on ranked.patient_id = person_key.source_record_id
    where ranked.row_rank = 1

)

select * from final
