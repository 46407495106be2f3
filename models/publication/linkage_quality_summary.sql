{#
    Linkage quality per LA for the report and BI tools: records of each LA source
    (csc, school_census) and how many belong to a person with any health record
    (GP, SUS or MHSDS), after statistical disclosure control (sdc_protect; policy
    in cyplink__disclosure_control, section "Linkage quality").

    Records and linked records are counts of children: a row is suppressed when
    either is below var('sdc_threshold'). Unlinked records are checked too, but
    differently from an indicator's complement: when fewer than the threshold are
    unlinked (most LAs, since link rates are high), the linked count and the exact
    rate are withheld (records - linked would give the small count) and the rate is
    published as a lower bound, `link_rate_at_least_pct`, computed from the
    threshold rather than the count, so it says no more than "fewer than 10
    unlinked" does. One row per LA and source with no breakdown, so secondary
    suppression has no relation to protect.
#}
{% set threshold = var('sdc_threshold', 10) %}

with

link_rates as (
    select
        source_system,
        area_code,
        area_name,
        n_records,
        n_linked_any_health
    from {{ ref('linkage_link_rates') }}
    where breakdown = 'all'
),

summary_cells as (
    select
        area_code,
        area_name,
        source_system,
        'all' as breakdown,
        'all' as breakdown_value,
        n_linked_any_health as numerator,
        n_records as denominator,
        -- sdc_protect reads a column named `value`, hence the RF04 exception.
        {{ indicator_value("'proportion'", 'n_linked_any_health', 'n_records', 100) }} as value,  -- noqa: RF04
        {{ indicator_lower_ci("'proportion'", 'n_linked_any_health', 'n_records', 100) }} as lower_ci,
        {{ indicator_upper_ci("'proportion'", 'n_linked_any_health', 'n_records', 100) }} as upper_ci,
        'proportion' as value_type,
        100 as multiplier,
        true as check_numerator,
        true as check_denominator,
        false as check_complement,
        coalesce(
            {{ sdc_is_small('n_records - n_linked_any_health', threshold, var('sdc_suppress_zero', false)) }},
            false
        ) as is_unlinked_small,
        -- fewer than `threshold` unlinked, so the rate is above (records - threshold) / records
        floor(100.0 * (n_records - {{ threshold }}) / nullif(n_records, 0)) as rate_bound_pct
    from link_rates
),

{{ sdc_protect('summary_cells', group_by=['area_code', 'source_system'],
    passthrough=['area_name', 'is_unlinked_small', 'rate_bound_pct']) }},

final as (
    select
        cast(area_code as {{ dbt.type_string() }}) as area_code,
        cast(area_name as {{ dbt.type_string() }}) as area_name,
        cast(source_system as {{ dbt.type_string() }}) as source_system,
        cast(denominator as {{ dbt.type_bigint() }}) as records,
        cast(case when not is_unlinked_small then numerator end as {{ dbt.type_bigint() }}) as linked_records,
        cast(case when not is_unlinked_small then {{ round_to('value', 1) }} end as {{ type_double() }})
            as link_rate_pct,
        cast(case when not is_unlinked_small then {{ round_to('lower_ci', 1) }} end as {{ type_double() }})
            as link_rate_lower_ci_pct,
        cast(case when not is_unlinked_small then {{ round_to('upper_ci', 1) }} end as {{ type_double() }})
            as link_rate_upper_ci_pct,
        cast(
            case
                when status <> 'published' then null
                when is_unlinked_small then greatest(rate_bound_pct, 0)
                else {{ round_to('value', 1) }}
            end as {{ type_double() }}
        ) as link_rate_at_least_pct,
        cast(status as {{ dbt.type_string() }}) as status
    from sdc_protected
)

select * from final
