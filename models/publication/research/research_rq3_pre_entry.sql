{#
    RQ3 published: rq3_pre_entry_summary after statistical disclosure control
    (sdc_protect). Per comparison group, window and measure, up to three
    statistics, each its own SDC group: pct_with_any (children with any event or
    record; proportion, all counts checked), rate_per_1000_years (events per
    child-year; events and children checked; value kept as computed, value_type
    'mean') and pct_sessions_missed (sessions missed / possible; children checked).
#}
with

summary as (
    select
        comparison_group,
        window_number,
        window_label,
        measure,
        children,
        children_with_any,
        pct_with_any,
        pct_lower_ci,
        pct_upper_ci,
        events,
        rate_per_1000_years,
        rate_lower_ci,
        rate_upper_ci,
        sessions_possible,
        pct_sessions_missed
    from {{ ref('rq3_pre_entry_summary') }}
),

statistics as (
    select
        comparison_group,
        window_number,
        window_label,
        measure,
        'pct_with_any' as statistic,
        'all' as breakdown,
        'all' as breakdown_value,
        cast(children_with_any as {{ type_double() }}) as numerator,
        cast(children as {{ type_double() }}) as denominator,
        pct_with_any as value,  -- noqa: RF04
        pct_lower_ci as lower_ci,
        pct_upper_ci as upper_ci,
        'proportion' as value_type,
        100 as multiplier,
        true as check_numerator,
        true as check_denominator,
        true as check_complement
    from summary
    union all
    select
        comparison_group,
        window_number,
        window_label,
        measure,
        'rate_per_1000_years' as statistic,
        'all' as breakdown,
        'all' as breakdown_value,
        cast(events as {{ type_double() }}) as numerator,
        cast(children as {{ type_double() }}) as denominator,
        rate_per_1000_years as value,  -- noqa: RF04
        rate_lower_ci as lower_ci,
        rate_upper_ci as upper_ci,
        'mean' as value_type,
        1000 as multiplier,
        true as check_numerator,
        true as check_denominator,
        false as check_complement
    from summary
    where rate_per_1000_years is not null
    union all
    select
        comparison_group,
        window_number,
        window_label,
        measure,
        'pct_sessions_missed' as statistic,
        'all' as breakdown,
        'all' as breakdown_value,
        cast(events as {{ type_double() }}) as numerator,
        cast(children as {{ type_double() }}) as denominator,
        pct_sessions_missed as value,  -- noqa: RF04
        cast(null as {{ type_double() }}) as lower_ci,
        cast(null as {{ type_double() }}) as upper_ci,
        'mean' as value_type,
        100 as multiplier,
        false as check_numerator,
        true as check_denominator,
        false as check_complement
    from summary
    where pct_sessions_missed is not null
),

{{ sdc_protect('statistics', group_by=['comparison_group', 'window_number', 'measure', 'statistic'],
    passthrough=['window_label']) }},

final as (
    select
        cast(comparison_group as {{ dbt.type_string() }}) as comparison_group,
        cast(window_number as integer) as window_number,
        cast(window_label as {{ dbt.type_string() }}) as window_label,
        cast(measure as {{ dbt.type_string() }}) as measure,
        cast(statistic as {{ dbt.type_string() }}) as statistic,
        cast(status as {{ dbt.type_string() }}) as status,
        cast(numerator as {{ type_double() }}) as numerator,
        cast(denominator as {{ type_double() }}) as denominator,
        cast(value as {{ type_double() }}) as value,  -- noqa: RF04
        cast(lower_ci as {{ type_double() }}) as lower_ci,
        cast(upper_ci as {{ type_double() }}) as upper_ci
    from sdc_protected
)

select * from final
