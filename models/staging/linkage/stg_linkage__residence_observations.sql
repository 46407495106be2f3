{#
    Residence evidence from identifier postcodes (`linkage.record_residence`),
    keyed by person: one row per person, source system, date and LA. The record
    key is dropped after the person key join, so nothing downstream can select it.
#}
with

record_residence as (
    select
        source_system,
        provider_code,
        source_record_id,
        observed_date,
        la_code
    from {{ source('linkage', 'record_residence') }}
),

person_key as (
    select
        source_system,
        provider_code,
        source_record_id,
        person_id
    from {{ source('linkage', 'person_key') }}
),

final as (
    select distinct
        cast(person_key.person_id as {{ dbt.type_string() }}) as person_id,
        cast(record_residence.source_system as {{ dbt.type_string() }}) as source_system,
        cast(record_residence.observed_date as date) as observed_date,
        cast(record_residence.la_code as {{ dbt.type_string() }}) as la_code
    from record_residence
    inner join person_key
        on
            record_residence.source_system = person_key.source_system
            and record_residence.provider_code = person_key.provider_code
            and record_residence.source_record_id = person_key.source_record_id
)

select * from final
