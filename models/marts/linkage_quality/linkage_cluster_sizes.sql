{#
    How many records each person (cluster) has. Most people have one record per
    source they appear in; very large clusters point to over-linking (records of
    different people chained together), many singletons to under-linking.
#}
with

cluster_sizes as (
    select
        cluster_size,
        n_clusters,
        n_records
    from {{ ref('stg_linkage__cluster_sizes') }}
),

with_totals as (
    select
        cluster_sizes.*,
        sum(cluster_sizes.n_clusters) over () as total_clusters,
        sum(cluster_sizes.n_records) over () as total_records
    from cluster_sizes
),

final as (
    select
        cluster_size,
        n_clusters,
        n_records,
        {{ round_to(safe_divide('n_clusters', 'total_clusters'), 6) }} as share_of_clusters,
        {{ round_to(safe_divide('n_records', 'total_records'), 6) }} as share_of_records
    from with_totals
)

select * from final
