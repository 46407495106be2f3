{#
    Helpers for publication models that turn one summary row into several statistics,
    each its own sdc_protect group with no breakdown cells (the research tables):

        statistics as (
            {{ '{{' }} sdc_statistic('summary', keys, 'pct_with_any', 'children_with_any', 'children',
                'pct_with_any', 'pct_lower_ci', 'pct_upper_ci') {{ '}}' }}
            union all
            {{ '{{' }} sdc_statistic('summary', keys, 'rate_per_1000_years', 'events', 'children',
                'rate_per_1000_years', 'rate_lower_ci', 'rate_upper_ci', value_type='mean',
                multiplier=1000, checks=['numerator', 'denominator'],
                where='rate_per_1000_years is not null') {{ '}}' }}
        ),
        {{ '{{' }} sdc_protect('statistics', group_by=keys + ['statistic']) {{ '}}' }},
        final as (select <keys>, {{ '{{' }} sdc_statistic_columns() {{ '}}' }} from sdc_protected)

    `checks` lists which counts must not be small (numerator, denominator, complement;
    policy in cyplink__disclosure_control): a population estimate or a count of
    child-years is not a count of people, so it is left out.
#}
{% macro sdc_statistic(
    relation, keys, statistic, numerator, denominator, value,
    lower_ci=none, upper_ci=none, value_type='proportion', multiplier=100,
    checks=['numerator', 'denominator', 'complement'], where=none
) -%}
    {%- set null_double = 'cast(null as ' ~ type_double() ~ ')' -%}
    select
        {% for key in keys -%}
            {{ key }},
        {% endfor -%}
        '{{ statistic }}' as statistic,
        'all' as breakdown,
        'all' as breakdown_value,
        cast({{ numerator or 'null' }} as {{ type_double() }}) as numerator,
        cast({{ denominator or 'null' }} as {{ type_double() }}) as denominator,
        {{ value }} as value,
        {{ lower_ci or null_double }} as lower_ci,
        {{ upper_ci or null_double }} as upper_ci,
        '{{ value_type }}' as value_type,
        {{ multiplier }} as multiplier,
        {{ ('numerator' in checks) | lower }} as check_numerator,
        {{ ('denominator' in checks) | lower }} as check_denominator,
        {{ ('complement' in checks) | lower }} as check_complement
    from {{ relation }}
    {%- if where %}
    where {{ where }}
    {%- endif %}
{%- endmacro %}


{# The published columns of a statistic after sdc_protect, typed for the contract. #}
{% macro sdc_statistic_columns() -%}
    cast(statistic as {{ dbt.type_string() }}) as statistic,
    cast(status as {{ dbt.type_string() }}) as status,
    cast(numerator as {{ type_double() }}) as numerator,
    cast(denominator as {{ type_double() }}) as denominator,
    cast(value as {{ type_double() }}) as value,
    cast(lower_ci as {{ type_double() }}) as lower_ci,
    cast(upper_ci as {{ type_double() }}) as upper_ci
{%- endmacro %}
