{#
    The LA and collection-year pairs the indicators are published for: every
    year within the project's range (vars first/last_collection_year) between
    an LA's first and last 903 return.
#}
with

episodes as (
    select
        la_code,
        source_collection_year
    from {{ ref('episodes') }}
),

la_return_range as (
    select
        la_code,
        min(source_collection_year) as first_return_year,
        max(source_collection_year) as last_return_year
    from episodes
    group by la_code
),

collection_years as (
    {% for year in range(var('first_collection_year') | int, (var('last_collection_year') | int) + 1) %}
        select {{ year }} as collection_year
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        la_return_range.la_code,
        collection_years.collection_year
    from la_return_range
    inner join collection_years
        on
            la_return_range.first_return_year <= collection_years.collection_year
            and la_return_range.last_return_year >= collection_years.collection_year
)

select * from final
