{#
    The distribution of Splink match weights over every scored candidate pair,
    in bins of width 1, with the match probability at the bin bounds
    (p = 2^w / (1 + 2^w)) and how many pairs in the bin were linked. A clear
    valley between the non-match and match modes, with few pairs near the
    threshold, is what a well-separated model looks like.
#}
with

match_weight_bins as (
    select
        match_weight_lower,
        match_weight_upper,
        n_pairs,
        n_pairs_linked
    from {{ ref('stg_linkage__match_weight_bins') }}
),

with_totals as (
    select
        match_weight_bins.*,
        sum(match_weight_bins.n_pairs) over () as total_pairs,
        sum(match_weight_bins.n_pairs) over (
            order by match_weight_bins.match_weight_lower
            rows between unbounded preceding and current row
        ) as cumulative_pairs
    from match_weight_bins
),

final as (
    select
        match_weight_lower,
        match_weight_upper,
        {{ round_to('power(2.0, match_weight_lower) / (1 + power(2.0, match_weight_lower))', 6) }}
            as match_probability_lower,
        {{ round_to('power(2.0, match_weight_upper) / (1 + power(2.0, match_weight_upper))', 6) }}
            as match_probability_upper,
        n_pairs,
        n_pairs_linked,
        n_pairs - n_pairs_linked as n_pairs_not_linked,
        {{ round_to(safe_divide('n_pairs', 'total_pairs'), 6) }} as share_of_pairs,
        {{ round_to(safe_divide('cumulative_pairs', 'total_pairs'), 6) }} as cumulative_share_of_pairs
    from with_totals
)

select * from final
