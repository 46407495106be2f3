with

invalid_identifiers as (
    select
        source_system,
        provider_code,
        identifier,
        reason,
        n_rows,
        n_records
    from {{ source('linkage', 'quality_invalid_identifiers') }}
),

final as (
    select
        cast(source_system as {{ dbt.type_string() }}) as source_system,
        cast(provider_code as {{ dbt.type_string() }}) as provider_code,
        cast(identifier as {{ dbt.type_string() }}) as identifier,
        cast(reason as {{ dbt.type_string() }}) as reason,
        cast(n_rows as {{ dbt.type_bigint() }}) as n_rows,
        cast(n_records as {{ dbt.type_bigint() }}) as n_records
    from invalid_identifiers
)

select * from final
