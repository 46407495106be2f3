with

cluster_sources as (
    select
        sources,
        n_clusters,
        n_records
    from {{ source('linkage', 'quality_cluster_sources') }}
),

final as (
    select
        cast(sources as {{ dbt.type_string() }}) as source_combination,
        cast(n_clusters as {{ dbt.type_bigint() }}) as n_clusters,
        cast(n_records as {{ dbt.type_bigint() }}) as n_records
    from cluster_sources
)

select * from final
