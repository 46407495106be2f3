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

{% set keys = ['comparison_group', 'window_number', 'window_label', 'measure'] %}

statistics as (
    {{ sdc_statistic('summary', keys, 'pct_with_any', 'children_with_any', 'children',
        'pct_with_any', 'pct_lower_ci', 'pct_upper_ci') }}
    union all
    {{ sdc_statistic('summary', keys, 'rate_per_1000_years', 'events', 'children',
        'rate_per_1000_years', 'rate_lower_ci', 'rate_upper_ci', value_type='mean', multiplier=1000,
        checks=['numerator', 'denominator'], where='rate_per_1000_years is not null') }}
    union all
    {{ sdc_statistic('summary', keys, 'pct_sessions_missed', 'events', 'children',
        'pct_sessions_missed', value_type='mean', multiplier=100,
        checks=['denominator'], where='pct_sessions_missed is not null') }}
),

{{ sdc_protect('statistics', group_by=['comparison_group', 'window_number', 'measure', 'statistic'],
    passthrough=['window_label']) }},

final as (
    select
        cast(comparison_group as {{ dbt.type_string() }}) as comparison_group,
        cast(window_number as integer) as window_number,
        cast(window_label as {{ dbt.type_string() }}) as window_label,
        cast(measure as {{ dbt.type_string() }}) as measure,
        {{ sdc_statistic_columns() }}
    from sdc_protected
)

select * from final
