{#
    Date helpers for the DfE collection year and ages. The collection year is
    named by its end: 2024 = 1 April 2023 to 31 March 2024 (DESIGN.md).
    `extract(... from ...)` and `make_date` are available on DuckDB, Postgres and
    Spark, so these need no dispatch; `cast(... as date)` differs, see below.
#}

{% macro collection_year_of(date_column) -%}
    (
        cast(extract(year from {{ date_column }}) as integer)
        + case when extract(month from {{ date_column }}) >= 4 then 1 else 0 end
    )
{%- endmacro %}

{% macro collection_year_start(year_column) -%}
    {{ cyplink_make_date(year_column ~ ' - 1', 4, 1) }}
{%- endmacro %}

{% macro collection_year_end(year_column) -%}
    {{ cyplink_make_date(year_column, 3, 31) }}
{%- endmacro %}

{#
    Whole years of age on `at_date` for someone born in the month starting
    `birth_month` (the first of the month: staging reduces date of birth to the
    month). Exact whenever `at_date` is the last day of a month, e.g. 31 March;
    otherwise it assumes a birthday on the 1st.
#}
{% macro age_in_years(birth_month, at_date) -%}
    (
        cast(extract(year from {{ at_date }}) as integer)
        - cast(extract(year from {{ birth_month }}) as integer)
        - case
            when extract(month from {{ at_date }}) < extract(month from {{ birth_month }}) then 1
            else 0
        end
    )
{%- endmacro %}

{#
    A date from integer year, month, day expressions. DuckDB wants bigint
    arguments; Postgres and Spark accept integers as they are.
#}
{% macro cyplink_make_date(year, month, day) -%}
    {{ return(adapter.dispatch('cyplink_make_date', 'cyplink')(year, month, day)) }}
{%- endmacro %}

{% macro default__cyplink_make_date(year, month, day) -%}
    make_date(cast({{ year }} as integer), cast({{ month }} as integer), cast({{ day }} as integer))
{%- endmacro %}

{% macro duckdb__cyplink_make_date(year, month, day) -%}
    make_date(cast({{ year }} as bigint), cast({{ month }} as bigint), cast({{ day }} as bigint))
{%- endmacro %}

{#
    DfE age groups used in the published tables: under 1, 1 to 4, 5 to 9,
    10 to 15, 16 and over.
#}
{% macro dfe_age_group(age_column) -%}
    case
        when {{ age_column }} is null then 'unknown'
        when {{ age_column }} < 1 then 'under_1'
        when {{ age_column }} <= 4 then '1_to_4'
        when {{ age_column }} <= 9 then '5_to_9'
        when {{ age_column }} <= 15 then '10_to_15'
        else '16_and_over'
    end
{%- endmacro %}


{#
    The LA code or collection year of a 903 return from its landing path
    (`.../ssda903/<la_code>/<year>/<table>.csv`, landing contract).
#}
{% macro landing_path_part(path_expression, part) -%}
    {{ return(adapter.dispatch('landing_path_part', 'cyplink')(path_expression, part)) }}
{%- endmacro %}

{% macro default__landing_path_part(path_expression, part) -%}
    {%- set group = 1 if part == 'la_code' else 2 -%}
    regexp_extract({{ path_expression }}, '/ssda903/([A-Za-z0-9]+)/([0-9]{4})/', {{ group }})
{%- endmacro %}
