{#
    Every indicator (LAC and `all_`) per LA, collection year and breakdown cell,
    with value and 95% confidence interval, before disclosure control. The input
    of `publication.indicators`; compare with the synthetic truth here
    (`truth/expected_indicators.csv` is computed before disclosure control).
    The unit in the indicator catalogue decides the value type and interval, and
    which counts the SDC macro must check.
#}
with

lac_values as (
    select
        indicator_id,
        area_code,
        period,
        breakdown,
        breakdown_value,
        numerator,
        denominator,
        score_variance
    from {{ ref('lac_indicator_values') }}
),

all_children_values as (
    select
        indicator_id,
        area_code,
        period,
        breakdown,
        breakdown_value,
        numerator,
        denominator,
        score_variance
    from {{ ref('all_children_indicator_values') }}
),

catalogue as (
    select
        id,
        unit,
        denominator as denominator_description
    from {{ ref('indicator_catalogue') }}
),

local_authorities as (
    select
        la_code,
        la_name
    from {{ ref('ref_local_authorities') }}
),

unioned as (
    select * from lac_values
    union all
    select * from all_children_values
),

typed as (
    select
        unioned.*,
        case catalogue.unit
            when 'count' then 'count'
            when 'percent' then 'proportion'
            when 'mean score' then 'mean'
            else 'rate'
        end as value_type,
        case catalogue.unit
            when 'percent' then 100
            when 'per 1,000 children' then 1000
            when 'per 10,000 children' then 10000
            else 1
        end as multiplier,
        catalogue.unit <> 'mean score' as check_numerator,
        catalogue.unit in ('percent', 'mean score')
        or (catalogue.unit = 'per 1,000 children' and substring(unioned.indicator_id, 1, 4) <> 'all_')
            as check_denominator,
        catalogue.unit = 'percent' as check_complement
    from unioned
    inner join catalogue
        on unioned.indicator_id = catalogue.id
),

valued as (
    select
        typed.*,
        case
            -- `value` is the column name DESIGN.md fixes, hence the RF04 exception below.
            when typed.value_type = 'count' then cast(typed.numerator as {{ type_double() }})
            else typed.multiplier * {{ safe_divide('typed.numerator', 'typed.denominator') }}
        end as value  -- noqa: RF04
    from typed
),

final as (
    select
        valued.indicator_id,
        valued.area_code,
        coalesce(local_authorities.la_name, valued.area_code) as area_name,
        valued.period,
        valued.breakdown,
        valued.breakdown_value,
        valued.numerator,
        valued.denominator,
        valued.value,
        {{ indicator_lower_ci('valued.value_type', 'valued.numerator', 'valued.denominator',
            'valued.multiplier', 'valued.value', 'sqrt(valued.score_variance)') }} as lower_ci,
        {{ indicator_upper_ci('valued.value_type', 'valued.numerator', 'valued.denominator',
            'valued.multiplier', 'valued.value', 'sqrt(valued.score_variance)') }} as upper_ci,
        valued.value_type,
        valued.multiplier,
        valued.check_numerator,
        valued.check_denominator,
        valued.check_complement
    from valued
    left join local_authorities
        on valued.area_code = local_authorities.la_code
)

select * from final
