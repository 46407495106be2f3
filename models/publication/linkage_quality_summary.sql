{#
    Linkage quality per LA for the report and BI tools: records of each LA source
    (csc, school_census) and how many belong to a person with any health record
    (GP, SUS or MHSDS), after statistical disclosure control (sdc_protect; policy
    in cyplink__disclosure_control). Linked and unlinked counts are both checked
    against var('sdc_threshold'), as for any percentage. One row per LA and
    source with no breakdown, so secondary suppression has no relation to protect.
#}
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
        true as check_complement
    from link_rates
),

{{ sdc_protect('summary_cells', group_by=['area_code', 'source_system'], passthrough=['area_name']) }},

final as (
    select
        cast(area_code as {{ dbt.type_string() }}) as area_code,
        cast(area_name as {{ dbt.type_string() }}) as area_name,
        cast(source_system as {{ dbt.type_string() }}) as source_system,
        cast(denominator as {{ dbt.type_bigint() }}) as records,
        cast(numerator as {{ dbt.type_bigint() }}) as linked_records,
        cast({{ round_to('value', 1) }} as {{ type_double() }}) as link_rate_pct,
        cast({{ round_to('lower_ci', 1) }} as {{ type_double() }}) as link_rate_lower_ci_pct,
        cast({{ round_to('upper_ci', 1) }} as {{ type_double() }}) as link_rate_upper_ci_pct,
        cast(status as {{ dbt.type_string() }}) as status
    from sdc_protected
)

select * from final
