{#
    The LA and collection-year pairs the indicators are published for: every
    year within the project's range (vars first/last_collection_year) between
    an LA's first and last 903 return. A return counts when its header file
    arrived and loaded, even with no rows: an LA with no child looked after that
    year still gets its indicators (zero), not a gap.
#}
with

received_headers as (
    select source_file
    from {{ ref('stg_landing__files') }}
    where
        landing_table = 'ssda903.header'
        and is_loaded
),

returns as (
    select
        {{ landing_path_part('received_headers.source_file', 'la_code') }} as la_code,
        cast({{ landing_path_part('received_headers.source_file', 'year') }} as integer) as collection_year
    from received_headers
),

la_return_range as (
    select
        la_code,
        min(collection_year) as first_return_year,
        max(collection_year) as last_return_year
    from returns
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
