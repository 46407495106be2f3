{{ config(tags=['publication', 'disclosure_control', 'lac_indicators'], severity='error') }}
{#
    Fails for every suppressed cell of publication.indicators that can be
    recovered by subtraction: the cells of a breakdown sum to the `all` row of
    their indicator, area and period, so a suppressed cell (or total) is
    recoverable exactly when it is the only suppressed member of that relation.
    Also fails when the published cells do not add up to a published total
    (the relation the policy relies on no longer holds).
#}
with

indicators as (
    select
        indicator_id,
        area_code,
        period,
        breakdown,
        breakdown_value,
        numerator,
        status
    from {{ ref('indicators') }}
),

totals as (
    select
        indicator_id,
        area_code,
        period,
        status as total_status,
        numerator as total_numerator
    from indicators
    where breakdown = 'all'
),

relations as (
    select
        indicators.indicator_id,
        indicators.area_code,
        indicators.period,
        indicators.breakdown,
        max(totals.total_status) as total_status,
        max(totals.total_numerator) as total_numerator,
        sum(case when indicators.status = 'suppressed' then 1 else 0 end) as cells_suppressed,
        sum(indicators.numerator) as published_cell_sum
    from indicators
    inner join totals
        on
            indicators.indicator_id = totals.indicator_id
            and indicators.area_code = totals.area_code
            and indicators.period = totals.period
    where indicators.breakdown <> 'all'
    group by indicators.indicator_id, indicators.area_code, indicators.period, indicators.breakdown
),

final as (
    select
        *,
        case
            when cells_suppressed + case when total_status = 'suppressed' then 1 else 0 end = 1
                then 'single suppressed member: recoverable by subtraction'
            else 'published cells do not add up to the published total'
        end as failure
    from relations
    where
        cells_suppressed + case when total_status = 'suppressed' then 1 else 0 end = 1
        or (
            cells_suppressed = 0
            and total_status = 'published'
            and {{ var('sdc_rounding_base', 0) }} = 0
            and published_cell_sum <> total_numerator
        )
)

select * from final
