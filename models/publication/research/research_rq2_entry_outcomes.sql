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

statistics as (
    select
        la_code,
        la_name,
        entry_cohort,
        follow_up_window,
        outcome,
        'pct_with_outcome' as statistic,
        'all' as breakdown,
        'all' as breakdown_value,
        cast(entries_with_outcome as {{ type_double() }}) as numerator,
        cast(complete_entries as {{ type_double() }}) as denominator,
        pct_with_outcome as value,  -- noqa: RF04
        pct_lower_ci as lower_ci,
        pct_upper_ci as upper_ci,
        'proportion' as value_type,
        100 as multiplier,
        true as check_numerator,
        true as check_denominator,
        true as check_complement
    from outcomes
    where entries_with_outcome is not null
    union all
    select
        la_code,
        la_name,
        entry_cohort,
        follow_up_window,
        outcome,
        'rate_per_1000_years' as statistic,
        'all' as breakdown,
        'all' as breakdown_value,
        cast(events as {{ type_double() }}) as numerator,
        follow_up_years as denominator,
        rate_per_1000_years as value,  -- noqa: RF04
        rate_lower_ci as lower_ci,
        rate_upper_ci as upper_ci,
        'mean' as value_type,
        1000 as multiplier,
        true as check_numerator,
        false as check_denominator,
        false as check_complement
    from outcomes
    where events is not null
    union all
    select
        la_code,
        la_name,
        entry_cohort,
        follow_up_window,
        outcome,
        'mean_score' as statistic,
        'all' as breakdown,
        'all' as breakdown_value,
        cast(null as {{ type_double() }}) as numerator,
        cast(complete_entries as {{ type_double() }}) as denominator,
        mean_score as value,  -- noqa: RF04
        mean_lower_ci as lower_ci,
        mean_upper_ci as upper_ci,
        'mean' as value_type,
        1 as multiplier,
        false as check_numerator,
        true as check_denominator,
        false as check_complement
    from outcomes
    where mean_score is not null
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
