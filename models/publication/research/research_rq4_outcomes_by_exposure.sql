{#
    RQ4 published: crude outcome rates in the 24 months after an identified mental
    health need, by exposure group (first attended MHSDS contact within 3 months,
    later, never), from the person-level rq4_mh_need_cohort restricted to complete
    24-month follow-up. Only aggregates leave `marts`; the adjusted estimates come
    from analyses/rq4_early_mh_support.py (also aggregate only).

    SDC (sdc_protect): one group per outcome; the exposure groups are cells of the
    breakdown `exposure_group` and sum to the `all` row, so secondary suppression
    protects them. Events and children are checked; the rate is per child-year
    (children x 2), passed as value_type 'mean' and kept as computed.
#}
with

cohort as (
    select
        exposure_group,
        placement_moves_24m,
        placement_end_creqbs_24m,
        missing_episodes_24m,
        self_harm_aes_24m,
        emergency_admissions_24m,
        exclusions_24m
    from {{ ref('rq4_mh_need_cohort') }}
    where has_24m_follow_up
),

{% set outcomes = ['placement_moves', 'placement_end_creqbs', 'missing_episodes', 'self_harm_aes',
    'emergency_admissions', 'exclusions'] %}

long_outcomes as (
    {% for outcome in outcomes %}
        select
            '{{ outcome }}' as outcome,
            exposure_group,
            coalesce({{ outcome }}_24m, 0) as events
        from cohort
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

cells as (
    select
        outcome,
        'exposure_group' as breakdown,
        exposure_group as breakdown_value,
        sum(events) as events,
        count(*) as children
    from long_outcomes
    group by outcome, exposure_group
    union all
    select
        outcome,
        'all' as breakdown,
        'all' as breakdown_value,
        sum(events) as events,
        count(*) as children
    from long_outcomes
    group by outcome
),

statistics as (
    select
        outcome,
        breakdown,
        breakdown_value,
        cast(events as {{ type_double() }}) as numerator,
        cast(children as {{ type_double() }}) as denominator,
        1000 * {{ safe_divide('events', 'children * 2') }} as value,  -- noqa: RF04
        {{ byar_lower('events', 'children * 2', 1000) }} as lower_ci,
        {{ byar_upper('events', 'children * 2', 1000) }} as upper_ci,
        'mean' as value_type,
        1000 as multiplier,
        true as check_numerator,
        true as check_denominator,
        false as check_complement
    from cells
),

{{ sdc_protect('statistics', group_by=['outcome']) }},

final as (
    select
        cast(outcome as {{ dbt.type_string() }}) as outcome,
        cast(breakdown as {{ dbt.type_string() }}) as breakdown,
        cast(breakdown_value as {{ dbt.type_string() }}) as exposure_group,
        cast(status as {{ dbt.type_string() }}) as status,
        cast(numerator as {{ type_double() }}) as events,
        cast(denominator as {{ type_double() }}) as children,
        cast(value as {{ type_double() }}) as rate_per_1000_years,
        cast(lower_ci as {{ type_double() }}) as lower_ci,
        cast(upper_ci as {{ type_double() }}) as upper_ci
    from sdc_protected
)

select * from final
