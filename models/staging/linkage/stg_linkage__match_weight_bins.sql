with

match_weight_distribution as (
    select
        match_weight_lower,
        match_weight_upper,
        n_pairs,
        n_pairs_linked
    from {{ source('linkage', 'quality_match_weight_distribution') }}
),

final as (
    select
        cast(match_weight_lower as integer) as match_weight_lower,
        cast(match_weight_upper as integer) as match_weight_upper,
        cast(n_pairs as {{ dbt.type_bigint() }}) as n_pairs,
        cast(n_pairs_linked as {{ dbt.type_bigint() }}) as n_pairs_linked
    from match_weight_distribution
)

select * from final
