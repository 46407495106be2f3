{#
    person_key_import(source_system, provider_code=none): the import CTE `person_key`
    that maps a source's record ids to `person_id` (the linkage step's person key).

    LA-held sources (csc, school_census) keep `provider_code`, the LA the record id
    belongs to, and join on both; an area-wide extract (gp, sus, mhsds) names its one
    provider and joins on the record id alone:

        {{ '{{' }} person_key_import('csc') {{ '}}' }},
        {{ '{{' }} person_key_import('sus', var('health_provider_code')) {{ '}}' }},
#}
{% macro person_key_import(source_system, provider_code=none) %}
person_key as (

    select
        {%- if provider_code is none %}
        provider_code,
        {%- endif %}
        source_record_id,
        person_id
    from {{ source('linkage', 'person_key') }}
    where
        source_system = '{{ source_system }}'
        {%- if provider_code is not none %}
        and provider_code = '{{ provider_code }}'
        {%- endif %}

)
{%- endmacro %}
