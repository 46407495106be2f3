with

link_rates as (
    select
        source_system,
        la_code,
        breakdown,
        breakdown_value,
        n_records,
        n_linked_any_health,
        n_linked_gp,
        n_linked_sus,
        n_linked_mhsds
    from {{ source('linkage', 'quality_link_rates') }}
),

final as (
    select
        cast(source_system as {{ dbt.type_string() }}) as source_system,
        cast(la_code as {{ dbt.type_string() }}) as la_code,
        cast(breakdown as {{ dbt.type_string() }}) as breakdown,
        cast(breakdown_value as {{ dbt.type_string() }}) as breakdown_value,
        cast(n_records as {{ dbt.type_bigint() }}) as n_records,
        cast(n_linked_any_health as {{ dbt.type_bigint() }}) as n_linked_any_health,
        cast(n_linked_gp as {{ dbt.type_bigint() }}) as n_linked_gp,
        cast(n_linked_sus as {{ dbt.type_bigint() }}) as n_linked_sus,
        cast(n_linked_mhsds as {{ dbt.type_bigint() }}) as n_linked_mhsds
    from link_rates
)

select * from final
