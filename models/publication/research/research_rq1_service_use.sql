{#
    RQ1 published: rq1_service_use_rates after statistical disclosure control
    (sdc_protect; policy cyplink__disclosure_control). One SDC group per LA, year,
    measure and population group (no breakdown cells). Checked counts: events,
    and for looked-after children the number of children (the all-children
    denominator is an ONS estimate). The rate is per child-year, not per child,
    so the row goes to the macro as value_type 'mean': its value and interval are
    kept as computed rather than rebuilt from rounded counts. Standardised rates
    and ratios are published only when their row (and, for a ratio, the
    all-children row) is published.
#}
with

rates as (
    select
        la_code,
        la_name,
        collection_year,
        measure,
        population_group,
        'all' as breakdown,
        'all' as breakdown_value,
        events as numerator,
        children as denominator,
        crude_rate_per_1000 as value,  -- noqa: RF04
        crude_rate_lower_ci as lower_ci,
        crude_rate_upper_ci as upper_ci,
        'mean' as value_type,
        1000 as multiplier,
        true as check_numerator,
        false as check_complement,
        person_years,
        dsr_per_1000,
        dsr_lower_ci,
        dsr_upper_ci,
        crude_rate_ratio,
        crude_rate_ratio_lower_ci,
        crude_rate_ratio_upper_ci,
        dsr_rate_ratio,
        dsr_rate_ratio_lower_ci,
        dsr_rate_ratio_upper_ci,
        population_group = 'looked_after' as check_denominator
    from {{ ref('rq1_service_use_rates') }}
),

{{ sdc_protect('rates', group_by=['la_code', 'collection_year', 'measure', 'population_group'],
    passthrough=['la_name', 'person_years', 'dsr_per_1000', 'dsr_lower_ci', 'dsr_upper_ci',
        'crude_rate_ratio', 'crude_rate_ratio_lower_ci', 'crude_rate_ratio_upper_ci',
        'dsr_rate_ratio', 'dsr_rate_ratio_lower_ci', 'dsr_rate_ratio_upper_ci']) }},

comparator as (
    select
        la_code,
        collection_year,
        measure,
        status
    from sdc_protected
    where population_group = 'all_children'
),

final as (
    select
        cast(sdc_protected.la_code as {{ dbt.type_string() }}) as area_code,
        cast(sdc_protected.la_name as {{ dbt.type_string() }}) as area_name,
        cast(sdc_protected.collection_year as integer) as period,
        cast(sdc_protected.measure as {{ dbt.type_string() }}) as measure,
        cast(sdc_protected.population_group as {{ dbt.type_string() }}) as population_group,
        cast(sdc_protected.status as {{ dbt.type_string() }}) as status,
        cast(sdc_protected.numerator as {{ dbt.type_bigint() }}) as events,
        cast(sdc_protected.denominator as {{ type_double() }}) as children,
        cast(case when sdc_protected.status = 'published' then sdc_protected.person_years end as {{ type_double() }})
            as person_years,
        cast(sdc_protected.value as {{ type_double() }}) as crude_rate_per_1000,
        cast(sdc_protected.lower_ci as {{ type_double() }}) as crude_rate_lower_ci,
        cast(sdc_protected.upper_ci as {{ type_double() }}) as crude_rate_upper_ci,
        {% for column in ['dsr_per_1000', 'dsr_lower_ci', 'dsr_upper_ci'] %}
            cast(
                case when sdc_protected.status = 'published' then sdc_protected.{{ column }} end
                as {{ type_double() }}
            ) as {{ column }},
        {% endfor %}
        {% for column in ['crude_rate_ratio', 'crude_rate_ratio_lower_ci', 'crude_rate_ratio_upper_ci',
            'dsr_rate_ratio', 'dsr_rate_ratio_lower_ci', 'dsr_rate_ratio_upper_ci'] %}
            cast(
                case
                    when sdc_protected.status = 'published' and comparator.status = 'published'
                        then sdc_protected.{{ column }}
                end as {{ type_double() }}
            ) as {{ column }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from sdc_protected
    left join comparator
        on
            sdc_protected.population_group = 'looked_after'
            and sdc_protected.la_code = comparator.la_code
            and sdc_protected.collection_year = comparator.collection_year
            and sdc_protected.measure = comparator.measure
)

select * from final
