{#
    RQ3 summary: per comparison group (looked_after = the children entering care;
    children_in_need; general_population), 6-month window before the index date
    and measure, pooled over LAs and years: children, % with at least one
    event/record, events per 1,000 child-years (each window is half a year) and,
    for school, % of possible sessions missed. Intervals: Wilson for %, Byar for
    rates; they treat children as independent and ignore the matching, so use the
    person-level rq3_pre_entry_windows for matched (conditional) analyses.
#}
with

windows as (
    select
        comparison_group,
        window_number,
        ae_attendances,
        emergency_admissions,
        injury_presentations,
        mh_referrals,
        mh_diagnosis_records,
        chronic_condition_records,
        had_cin_episode,
        had_cp_plan,
        sessions_possible,
        sessions_absent,
        exclusions
    from {{ ref('rq3_pre_entry_windows') }}
),

{% set count_measures = [
    'ae_attendances', 'emergency_admissions', 'injury_presentations', 'mh_referrals',
    'mh_diagnosis_records', 'chronic_condition_records', 'exclusions',
] %}

long_measures as (
    {% for measure in count_measures %}
        select
            comparison_group,
            window_number,
            '{{ measure }}' as measure,
            coalesce({{ measure }}, 0) as events,
            coalesce({{ measure }}, 0) > 0 as has_any,
            cast(null as {{ type_double() }}) as sessions_possible
        from windows
        union all
    {% endfor %}
    select
        comparison_group,
        window_number,
        'cin_episode' as measure,
        cast(null as integer) as events,
        had_cin_episode as has_any,
        cast(null as {{ type_double() }}) as sessions_possible
    from windows
    union all
    select
        comparison_group,
        window_number,
        'cp_plan' as measure,
        cast(null as integer) as events,
        had_cp_plan as has_any,
        cast(null as {{ type_double() }}) as sessions_possible
    from windows
    union all
    select
        comparison_group,
        window_number,
        'sessions_absent' as measure,
        sessions_absent as events,
        sessions_absent > 0 as has_any,
        sessions_possible
    from windows
    where sessions_possible > 0
),

grouped as (
    select
        comparison_group,
        window_number,
        measure,
        count(*) as children,
        sum(case when has_any then 1 else 0 end) as children_with_any,
        sum(events) as events,
        sum(sessions_possible) as sessions_possible
    from long_measures
    group by comparison_group, window_number, measure
),

final as (
    select
        comparison_group,
        window_number,
        case window_number
            when 1 then '24 to 18 months before'
            when 2 then '18 to 12 months before'
            when 3 then '12 to 6 months before'
            when 4 then '6 to 0 months before'
        end as window_label,
        measure,
        children,
        children_with_any,
        100 * {{ safe_divide('children_with_any', 'children') }} as pct_with_any,
        {{ wilson_lower('children_with_any', 'children', 100) }} as pct_lower_ci,
        {{ wilson_upper('children_with_any', 'children', 100) }} as pct_upper_ci,
        events,
        case when measure <> 'sessions_absent' then children * 0.5 end as child_years,
        case
            when measure <> 'sessions_absent' and events is not null
                then 1000 * {{ safe_divide('events', 'children * 0.5') }}
        end as rate_per_1000_years,
        case
            when measure <> 'sessions_absent' and events is not null
                then {{ byar_lower('events', 'children * 0.5', 1000) }}
        end as rate_lower_ci,
        case
            when measure <> 'sessions_absent' and events is not null
                then {{ byar_upper('events', 'children * 0.5', 1000) }}
        end as rate_upper_ci,
        sessions_possible,
        case
            when measure = 'sessions_absent'
                then 100 * {{ safe_divide('events', 'sessions_possible') }}
        end as pct_sessions_missed
    from grouped
)

select * from final
