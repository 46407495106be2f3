{#
    sdc_protect: the one statistical disclosure control step that every model in
    `publication` applies (policy: models/docs/disclosure.md, vars in
    dbt_project.yml). It emits a chain of CTEs, ending in `sdc_protected`, to be
    placed in the model's `with` list after the CTE named by `relation`:

        with indicator_rows as (...),
        {{ sdc_protect('indicator_rows', group_by=['indicator_id', 'area_code', 'period']) }},
        final as (select ... from sdc_protected)

    `relation` must have, besides `group_by` and `passthrough` columns:
      breakdown, breakdown_value    the cell; the group total has breakdown = breakdown_value = 'all'
      numerator, denominator        counts (denominator may be null)
      value, lower_ci, upper_ci     the statistic and its interval
      value_type                    count | proportion | rate | mean
      multiplier                    100 for %, 1000 / 10000 for rates, 1 otherwise
      check_numerator, check_denominator, check_complement
                                    which counts are counts of people or events that
                                    must not be small (a population estimate is not)

    Steps:
      1. primary: a row is suppressed when a checked count is below
         var('sdc_threshold') (zero only when var('sdc_suppress_zero')).
      2. secondary, var('sdc_secondary_passes') times: each breakdown within a group
         forms one linear relation, total = sum of its cells. Where exactly one member
         of the relation (the total or a cell) is suppressed, the next smallest
         non-zero published cell is suppressed too; if there is none, the total is.
      3. rounding (var('sdc_rounding_base') > 0): published counts are rounded to
         the base and values and intervals recomputed from the rounded counts
         (means keep their value).
      4. status: suppressed rows carry status 'suppressed' and null counts, value and
         interval; rows whose value cannot be computed carry 'not applicable'.
#}
{% macro sdc_protect(relation, group_by, passthrough=[], total_breakdown='all') -%}
    {%- set threshold = var('sdc_threshold', 10) -%}
    {%- set suppress_zero = var('sdc_suppress_zero', false) -%}
    {%- set rounding_base = var('sdc_rounding_base', 0) | int -%}
    {%- set passes = var('sdc_secondary_passes', 3) | int -%}
    {%- set group_list = group_by | join(', ') -%}
    {%- set carried = group_by + passthrough + [
        'breakdown', 'breakdown_value', 'numerator', 'denominator', 'value', 'lower_ci', 'upper_ci',
        'value_type', 'multiplier', 'check_numerator', 'check_denominator', 'sdc_size'] -%}

sdc_primary as (
    select
        {% for column in group_by + passthrough %}{{ column }},
        {% endfor -%}
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
        coalesce(case when check_denominator then denominator end, numerator, 0) as sdc_size,
        coalesce(
            (check_numerator and {{ sdc_is_small('numerator', threshold, suppress_zero) }})
            or (check_denominator and {{ sdc_is_small('denominator', threshold, suppress_zero) }})
            or (check_complement and {{ sdc_is_small('denominator - numerator', threshold, suppress_zero) }}),
            false
        ) as is_primary_suppressed
    from {{ relation }}
),

sdc_pass_0 as (
    select
        {% for column in carried %}{{ column }},
        {% endfor -%}
        is_primary_suppressed,
        is_primary_suppressed as is_suppressed
    from sdc_primary
),

{% for pass in range(1, passes + 1) %}
sdc_pass_{{ pass }}_members as (
    select
        {% for column in carried %}{{ column }},
        {% endfor -%}
        is_primary_suppressed,
        is_suppressed,
        max(case when breakdown = '{{ total_breakdown }}' and is_suppressed then 1 else 0 end)
            over (partition by {{ group_list }})
        as total_suppressed,
        sum(case when breakdown <> '{{ total_breakdown }}' and is_suppressed then 1 else 0 end)
            over (partition by {{ group_list }}, breakdown)
        as cells_suppressed,
        sum(case when breakdown <> '{{ total_breakdown }}' and not is_suppressed and sdc_size > 0 then 1 else 0 end)
            over (partition by {{ group_list }}, breakdown)
        as cells_published_non_zero,
        row_number() over (
            partition by {{ group_list }}, breakdown
            order by
                case when not is_suppressed and sdc_size > 0 then 0 else 1 end,
                sdc_size,
                breakdown_value
        ) as next_smallest_rank
    from sdc_pass_{{ pass - 1 }}
),

sdc_pass_{{ pass }}_cells as (
    select
        {% for column in carried %}{{ column }},
        {% endfor -%}
        is_primary_suppressed,
        breakdown <> '{{ total_breakdown }}'
        and total_suppressed + cells_suppressed = 1
        and cells_published_non_zero = 0 as needs_total_suppressed,
        is_suppressed
        or (
            breakdown <> '{{ total_breakdown }}'
            and total_suppressed + cells_suppressed = 1
            and cells_published_non_zero > 0
            and next_smallest_rank = 1
        ) as is_suppressed
    from sdc_pass_{{ pass }}_members
),

sdc_pass_{{ pass }} as (
    select
        {% for column in carried %}{{ column }},
        {% endfor -%}
        is_primary_suppressed,
        is_suppressed
        or (
            breakdown = '{{ total_breakdown }}'
            and max(case when needs_total_suppressed then 1 else 0 end) over (partition by {{ group_list }}) = 1
        ) as is_suppressed
    from sdc_pass_{{ pass }}_cells
),
{% endfor %}

sdc_rounded as (
    select
        {% for column in group_by + passthrough %}{{ column }},
        {% endfor -%}
        breakdown,
        breakdown_value,
        value_type,
        multiplier,
        is_suppressed,
        value as unrounded_value,
        lower_ci as unrounded_lower_ci,
        upper_ci as unrounded_upper_ci,
        {%- if rounding_base > 0 %}
        case
            when check_numerator then {{ round_to_base('numerator', rounding_base) }}
            else numerator
        end as numerator,
        case
            when check_denominator then {{ round_to_base('denominator', rounding_base) }}
            else denominator
        end as denominator
        {%- else %}
        numerator,
        denominator
        {%- endif %}
    from sdc_pass_{{ passes }}
),

sdc_protected as (
    select
        {% for column in group_by + passthrough %}{{ column }},
        {% endfor -%}
        breakdown,
        breakdown_value,
        case when is_suppressed then 'suppressed'
            when unrounded_value is null then 'not applicable'
            else 'published'
        end as status,
        case when not is_suppressed then numerator end as numerator,
        case when not is_suppressed then denominator end as denominator,
        {%- if rounding_base > 0 %}
        case when not is_suppressed and unrounded_value is not null then
            case when value_type = 'mean' then unrounded_value
                else {{ indicator_value('value_type', 'numerator', 'denominator', 'multiplier') }}
            end
        end as value,
        case when not is_suppressed and unrounded_value is not null then
            case when value_type = 'mean' then unrounded_lower_ci
                else {{ indicator_lower_ci('value_type', 'numerator', 'denominator', 'multiplier') }}
            end
        end as lower_ci,
        case when not is_suppressed and unrounded_value is not null then
            case when value_type = 'mean' then unrounded_upper_ci
                else {{ indicator_upper_ci('value_type', 'numerator', 'denominator', 'multiplier') }}
            end
        end as upper_ci
        {%- else %}
        case when not is_suppressed then unrounded_value end as value,
        case when not is_suppressed then unrounded_lower_ci end as lower_ci,
        case when not is_suppressed then unrounded_upper_ci end as upper_ci
        {%- endif %}
    from sdc_rounded
)
{%- endmacro %}

{# True when a count is disclosive: below the threshold, and above zero unless zeros are disclosive too. #}
{% macro sdc_is_small(count_expression, threshold, suppress_zero) -%}
    ({{ count_expression }} < {{ threshold }}
    {%- if not suppress_zero %} and {{ count_expression }} > 0{% endif %})
{%- endmacro %}

{# Round a count to the nearest multiple of `base` (halves away from zero). #}
{% macro round_to_base(count_expression, base) -%}
    cast(round({{ count_expression }} / {{ base }}.0) * {{ base }} as {{ dbt.type_bigint() }})
{%- endmacro %}
