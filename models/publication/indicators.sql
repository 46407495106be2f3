{#
    The published indicators: `marts.indicator_values` after statistical
    disclosure control (sdc_protect; policy in cyplink__disclosure_control).
    Columns exactly as DESIGN.md "Indicators". Groups for secondary suppression:
    indicator, area and period; each breakdown sums to its `all` row.
#}
with

indicator_values as (
    select
        indicator_id,
        area_code,
        area_name,
        period,
        breakdown,
        breakdown_value,
        numerator,
        denominator,
        value,
        lower_ci,
        upper_ci,
        value_type,
        multiplier,
        check_numerator,
        check_denominator,
        check_complement
    from {{ ref('indicator_values') }}
),

{{ sdc_protect('indicator_values', group_by=['indicator_id', 'area_code', 'period'], passthrough=['area_name']) }},

final as (
    select
        cast(indicator_id as {{ dbt.type_string() }}) as indicator_id,
        cast(area_code as {{ dbt.type_string() }}) as area_code,
        cast(area_name as {{ dbt.type_string() }}) as area_name,
        cast(period as integer) as period,
        cast(breakdown as {{ dbt.type_string() }}) as breakdown,
        cast(breakdown_value as {{ dbt.type_string() }}) as breakdown_value,
        cast(numerator as {{ dbt.type_bigint() }}) as numerator,
        cast(denominator as {{ dbt.type_bigint() }}) as denominator,
        -- `value` is the column name DESIGN.md fixes, hence the RF04 exception.
        cast({{ round_to('value', 2) }} as {{ type_double() }}) as value,  -- noqa: RF04
        cast({{ round_to('lower_ci', 2) }} as {{ type_double() }}) as lower_ci,
        cast({{ round_to('upper_ci', 2) }} as {{ type_double() }}) as upper_ci,
        cast(status as {{ dbt.type_string() }}) as status
    from sdc_protected
)

select * from final
