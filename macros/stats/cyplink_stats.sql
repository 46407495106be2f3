{#
    Confidence intervals and safe arithmetic for the indicators.

    - Proportions: Wilson score interval (Wilson 1927; the method PHE/OHID
      Fingertips uses for percentages), z = 1.96 for 95%.
    - Rates (events per population): Byar's approximation to the exact Poisson
      interval for the count O (Breslow & Day 1987, as in the PHE "Technical
      guide: confidence intervals"), divided by the denominator. For O = 0 the
      lower limit is 0 and the upper limit uses O + 1 as Byar does.
    - Means: normal approximation, mean +/- z * sd / sqrt(n).

    Every macro returns a SQL expression; `multiplier` scales the result
    (100 for a percentage, 1000 or 10000 for a rate per 1,000 / 10,000).
#}

{% macro ci_z() -%}
    {{ var('ci_z', 1.96) }}
{%- endmacro %}

{# Float division that returns null when the denominator is 0 or null. #}
{% macro safe_divide(numerator, denominator) -%}
    {{ return(adapter.dispatch('safe_divide', 'cyplink')(numerator, denominator)) }}
{%- endmacro %}

{% macro default__safe_divide(numerator, denominator) -%}
    (cast({{ numerator }} as {{ type_double() }}) / nullif(cast({{ denominator }} as {{ type_double() }}), 0))
{%- endmacro %}

{# DuckDB's `/` is already float division; nullif keeps it from returning inf/NaN. #}
{% macro duckdb__safe_divide(numerator, denominator) -%}
    ({{ numerator }} / nullif({{ denominator }}, 0))
{%- endmacro %}

{# Round a float to `places` decimals (Postgres needs numeric for round(x, n)). #}
{% macro round_to(expression, places) -%}
    {{ return(adapter.dispatch('round_to', 'cyplink')(expression, places)) }}
{%- endmacro %}

{% macro default__round_to(expression, places) -%}
    cast(round(cast({{ expression }} as numeric), {{ places }}) as {{ type_double() }})
{%- endmacro %}

{% macro duckdb__round_to(expression, places) -%}
    round(cast({{ expression }} as double), {{ places }})
{%- endmacro %}

{% macro wilson_lower(numerator, denominator, multiplier=100) -%}
    {%- set z = ci_z() -%}
    {%- set p = safe_divide(numerator, denominator) -%}
    (
        {{ multiplier }} * (
            {{ p }} + ({{ z }} * {{ z }}) / (2 * {{ denominator }})
            - {{ z }} * sqrt(
                {{ p }} * (1 - {{ p }}) / {{ denominator }}
                + ({{ z }} * {{ z }}) / (4 * {{ denominator }} * {{ denominator }})
            )
        ) / (1 + ({{ z }} * {{ z }}) / {{ denominator }})
    )
{%- endmacro %}

{% macro wilson_upper(numerator, denominator, multiplier=100) -%}
    {%- set z = ci_z() -%}
    {%- set p = safe_divide(numerator, denominator) -%}
    (
        {{ multiplier }} * (
            {{ p }} + ({{ z }} * {{ z }}) / (2 * {{ denominator }})
            + {{ z }} * sqrt(
                {{ p }} * (1 - {{ p }}) / {{ denominator }}
                + ({{ z }} * {{ z }}) / (4 * {{ denominator }} * {{ denominator }})
            )
        ) / (1 + ({{ z }} * {{ z }}) / {{ denominator }})
    )
{%- endmacro %}

{# Byar lower limit for a Poisson count O, as a rate: O (1 - 1/(9O) - z/(3 sqrt O))^3 / denominator. #}
{% macro byar_lower(numerator, denominator, multiplier=1000) -%}
    {%- set z = ci_z() -%}
    (
        case
            when {{ numerator }} = 0 then 0
            else {{ multiplier }} * {{ safe_divide(
                numerator ~ ' * power(1 - 1 / (9.0 * ' ~ numerator ~ ') - ' ~ z ~ ' / (3 * sqrt(' ~ numerator ~ ')), 3)',
                denominator) }}
        end
    )
{%- endmacro %}

{# Byar upper limit: (O + 1) (1 - 1/(9(O + 1)) + z/(3 sqrt(O + 1)))^3 / denominator. #}
{% macro byar_upper(numerator, denominator, multiplier=1000) -%}
    {%- set z = ci_z() -%}
    {%- set o1 = '(' ~ numerator ~ ' + 1)' -%}
    (
        {{ multiplier }} * {{ safe_divide(
            o1 ~ ' * power(1 - 1 / (9.0 * ' ~ o1 ~ ') + ' ~ z ~ ' / (3 * sqrt(' ~ o1 ~ ')), 3)',
            denominator) }}
    )
{%- endmacro %}

{% macro mean_lower(mean, sd, n) -%}
    ({{ mean }} - {{ ci_z() }} * {{ safe_divide(sd, 'sqrt(' ~ n ~ ')') }})
{%- endmacro %}

{% macro mean_upper(mean, sd, n) -%}
    ({{ mean }} + {{ ci_z() }} * {{ safe_divide(sd, 'sqrt(' ~ n ~ ')') }})
{%- endmacro %}

{#
    Value and interval of an indicator row from its counts, by value type:
    count (value = numerator, no interval), proportion (Wilson), rate (Byar),
    mean (value given; normal interval from `sd`). Used by the marts and again
    by the SDC macro after rounding.
#}
{% macro indicator_value(value_type, numerator, denominator, multiplier, mean='null') -%}
    case {{ value_type }}
        when 'count' then cast({{ numerator }} as {{ type_double() }})
        when 'mean' then {{ mean }}
        else {{ multiplier }} * {{ safe_divide(numerator, denominator) }}
    end
{%- endmacro %}

{% macro indicator_lower_ci(value_type, numerator, denominator, multiplier, mean='null', sd='null') -%}
    case
        when {{ value_type }} = 'proportion' and {{ denominator }} > 0
            then {{ wilson_lower(numerator, denominator, multiplier) }}
        when {{ value_type }} = 'rate' and {{ denominator }} > 0
            then {{ byar_lower(numerator, denominator, multiplier) }}
        when {{ value_type }} = 'mean' and {{ denominator }} > 1
            then {{ mean_lower(mean, sd, denominator) }}
    end
{%- endmacro %}

{% macro indicator_upper_ci(value_type, numerator, denominator, multiplier, mean='null', sd='null') -%}
    case
        when {{ value_type }} = 'proportion' and {{ denominator }} > 0
            then {{ wilson_upper(numerator, denominator, multiplier) }}
        when {{ value_type }} = 'rate' and {{ denominator }} > 0
            then {{ byar_upper(numerator, denominator, multiplier) }}
        when {{ value_type }} = 'mean' and {{ denominator }} > 1
            then {{ mean_upper(mean, sd, denominator) }}
    end
{%- endmacro %}

{# A 64-bit float type for values and intervals (dbt.type_float() is the 32-bit `float` on DuckDB). #}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'cyplink')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro duckdb__type_double() -%}
    double
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}
