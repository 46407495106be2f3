{#
    RQ2 published: rq2_entry_cohort_outcomes after statistical disclosure control
    (sdc_protect). Each summary row becomes up to three statistics, each its own
    SDC group (no breakdown cells):
      pct_with_outcome     children with the outcome / children with a complete
                           window (proportion; numerator, denominator and
                           complement checked);
      rate_per_1000_years  events / observed child-years x 1,000 (events checked;
                           child-years are not a count of children, so the value
                           goes through as value_type 'mean' and is kept as computed);
      mean_score           mean Attainment 8 (pupils checked).
#}
with

outcomes as (
    select
        la_code,
        la_name,
        entry_cohort,
        follow_up_window,
        outcome,
        complete_entries,
        entries_with_outcome,
        pct_with_outcome,
        pct_lower_ci,
        pct_upper_ci,
        events,
        follow_up_years,
        rate_per_1000_years,
        rate_lower_ci,
        rate_upper_ci,
        mean_score,
        mean_lower_ci,
        mean_upper_ci
    from {{ ref('rq2_entry_cohort_outcomes') }}
),

{% set keys = ['la_code', 'la_name', 'entry_cohort', 'follow_up_window', 'outcome'] %}

statistics as (
    {{ sdc_statistic('outcomes', keys, 'pct_with_outcome', 'entries_with_outcome', 'complete_entries',
        'pct_with_outcome', 'pct_lower_ci', 'pct_upper_ci', where='entries_with_outcome is not null') }}
    union all
    {{ sdc_statistic('outcomes', keys, 'rate_per_1000_years', 'events', 'follow_up_years',
        'rate_per_1000_years', 'rate_lower_ci', 'rate_upper_ci', value_type='mean', multiplier=1000,
        checks=['numerator'], where='events is not null') }}
    union all
    {{ sdc_statistic('outcomes', keys, 'mean_score', none, 'complete_entries',
        'mean_score', 'mean_lower_ci', 'mean_upper_ci', value_type='mean', multiplier=1,
        checks=['denominator'], where='mean_score is not null') }}
),

{{ sdc_protect('statistics', group_by=['la_code', 'entry_cohort', 'follow_up_window', 'outcome', 'statistic'],
    passthrough=['la_name']) }},

final as (
    select
        cast(la_code as {{ dbt.type_string() }}) as area_code,
        cast(la_name as {{ dbt.type_string() }}) as area_name,
        cast(entry_cohort as integer) as entry_cohort,
        cast(follow_up_window as {{ dbt.type_string() }}) as follow_up_window,
        cast(outcome as {{ dbt.type_string() }}) as outcome,
        {{ sdc_statistic_columns() }}
    from sdc_protected
)

select * from final
