with

cluster_sizes as (
    select
        cluster_size,
        n_clusters,
        n_records
    from {{ source('linkage', 'quality_cluster_sizes') }}
),

final as (
    select
        cast(cluster_size as integer) as cluster_size,
        cast(n_clusters as {{ dbt.type_bigint() }}) as n_clusters,
        cast(n_records as {{ dbt.type_bigint() }}) as n_records
    from cluster_sizes
)

select * from final
