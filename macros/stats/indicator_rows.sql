{#
    Shared shape of the indicator marts (lac_indicator_values,
    all_children_indicator_values): counts per LA, collection year and breakdown
    cell become one long row per indicator with numerator and denominator.
    `indicator_values` then turns those into value and interval by value type
    (macros/stats/cyplink_stats.sql).
#}

{#
    Every LA-year with a return crossed with every breakdown cell, the cell's
    counts (0 where no child is in it, so cells sum to the `all` row) and its
    0-17 population. `count_columns` are the columns of `cell_counts` to carry.
    The relations are CTE names in the calling model: `la_years` (la_code,
    collection_year), `breakdown_cells` (breakdown, breakdown_value),
    `cell_counts` and `population` (both keyed by la_code, collection_year,
    breakdown, breakdown_value).
#}
{% macro indicator_spine(count_columns, la_years='la_years', breakdown_cells='breakdown_cells',
    cell_counts='cell_counts', population='population') -%}
    select
        {{ la_years }}.la_code,
        {{ la_years }}.collection_year,
        {{ breakdown_cells }}.breakdown,
        {{ breakdown_cells }}.breakdown_value,
        {{ population }}.population_0_17,
        {%- for column in count_columns %}
        coalesce({{ cell_counts }}.{{ column }}, 0) as {{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ la_years }}
    cross join {{ breakdown_cells }}
    left join {{ cell_counts }}
        on
            {{ la_years }}.la_code = {{ cell_counts }}.la_code
            and {{ la_years }}.collection_year = {{ cell_counts }}.collection_year
            and {{ breakdown_cells }}.breakdown = {{ cell_counts }}.breakdown
            and {{ breakdown_cells }}.breakdown_value = {{ cell_counts }}.breakdown_value
    left join {{ population }}
        on
            {{ la_years }}.la_code = {{ population }}.la_code
            and {{ la_years }}.collection_year = {{ population }}.collection_year
            and {{ breakdown_cells }}.breakdown = {{ population }}.breakdown
            and {{ breakdown_cells }}.breakdown_value = {{ population }}.breakdown_value
{%- endmacro %}

{#
    One row per indicator and spine row: indicator_id, area_code, period,
    breakdown, breakdown_value, numerator, denominator, score_variance.
    `indicators` is a list of (indicator_id, numerator expression, denominator
    expression) over the columns of `spine`; 'null' means no denominator (a
    count). `score_variances` maps an indicator id to the expression of its
    sample variance (mean-score indicators only; null elsewhere).
#}
{% macro indicator_rows(indicators, spine='spine_counts', score_variances={}) -%}
    {%- for indicator_id, numerator, denominator in indicators %}
    select
        '{{ indicator_id }}' as indicator_id,
        la_code as area_code,
        collection_year as period,
        breakdown,
        breakdown_value,
        cast({{ numerator }} as {{ dbt.type_bigint() }}) as numerator,
        cast({{ denominator }} as {{ dbt.type_bigint() }}) as denominator,
        {{ score_variances.get(indicator_id, 'cast(null as ' ~ type_double() ~ ')') }} as score_variance
    from {{ spine }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}
