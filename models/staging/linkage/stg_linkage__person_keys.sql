{#
    The person key as the linkage step wrote it: one row per identifier record key.
    `source_record_id` holds identifiers (UPN, LA child id, pseudonymised NHS number)
    and must not be selected by any model downstream of staging.
#}
with

person_key as (
    select
        source_system,
        provider_code,
        source_record_id,
        person_id,
        match_probability,
        link_method
    from {{ source('linkage', 'person_key') }}
),

final as (
    select
        cast(source_system as {{ dbt.type_string() }}) as source_system,
        cast(provider_code as {{ dbt.type_string() }}) as provider_code,
        cast(source_record_id as {{ dbt.type_string() }}) as source_record_id,
        cast(person_id as {{ dbt.type_string() }}) as person_id,
        cast(match_probability as {{ type_double() }}) as match_probability,
        cast(link_method as {{ dbt.type_string() }}) as link_method
    from person_key
)

select * from final
