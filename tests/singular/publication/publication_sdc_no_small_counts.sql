{{ config(tags=['publication', 'disclosure_control', 'lac_indicators'], severity='error') }}
{#
    Fails for every published row of publication.indicators that shows a count
    of people or events below var('sdc_threshold'): a numerator, a checked
    denominator, or (percentages) the complement. Zero is allowed unless
    var('sdc_suppress_zero'). Which counts are checked comes from the mart.
#}
with

published as (
    select
        indicator_id,
        area_code,
        period,
        breakdown,
        breakdown_value,
        numerator,
        denominator
    from {{ ref('indicators') }}
    where status = 'published'
),

checks as (
    select
        indicator_id,
        area_code,
        period,
        breakdown,
        breakdown_value,
        check_numerator,
        check_denominator,
        check_complement
    from {{ ref('indicator_values') }}
),

final as (
    select published.*
    from published
    inner join checks
        on
            published.indicator_id = checks.indicator_id
            and published.area_code = checks.area_code
            and published.period = checks.period
            and published.breakdown = checks.breakdown
            and published.breakdown_value = checks.breakdown_value
    where
        (
            checks.check_numerator
            and {{ sdc_is_small('published.numerator', var('sdc_threshold'), var('sdc_suppress_zero')) }}
        )
        or (
            checks.check_denominator
            and {{ sdc_is_small('published.denominator', var('sdc_threshold'), var('sdc_suppress_zero')) }}
        )
        or (
            checks.check_complement
            and {{ sdc_is_small('published.denominator - published.numerator',
                var('sdc_threshold'), var('sdc_suppress_zero')) }}
        )
)

select * from final
