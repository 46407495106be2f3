{#
    Which combinations of source systems people are found in, e.g. how many
    people have a school census record and a GP record but no SUS record.
#}
with

cluster_source_combinations as (
    select
        source_combination,
        n_clusters,
        n_records
    from {{ ref('stg_linkage__cluster_source_combinations') }}
),

flagged as (
    select
        source_combination,
        n_clusters,
        n_records,
        '+' || source_combination || '+' as delimited
    from cluster_source_combinations
),

with_totals as (
    select
        flagged.*,
        sum(flagged.n_clusters) over () as total_clusters
    from flagged
),

final as (
    select
        source_combination,
        length(source_combination) - length(replace(source_combination, '+', '')) + 1 as n_source_systems,
        case when delimited like '%+csc+%' then 1 else 0 end as has_csc,
        case when delimited like '%+school_census+%' then 1 else 0 end as has_school_census,
        case when delimited like '%+gp+%' then 1 else 0 end as has_gp,
        case when delimited like '%+sus+%' then 1 else 0 end as has_sus,
        case when delimited like '%+mhsds+%' then 1 else 0 end as has_mhsds,
        n_clusters,
        n_records,
        {{ round_to(safe_divide('n_clusters', 'total_clusters'), 6) }} as share_of_clusters
    from with_totals
)

select * from final
