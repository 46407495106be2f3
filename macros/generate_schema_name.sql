{#
    Use the folder's schema as written (staging, linked, marts, publication,
    reference) instead of dbt's default `<target schema>_<custom schema>`, so the
    warehouse has exactly the schemas DESIGN.md names.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
