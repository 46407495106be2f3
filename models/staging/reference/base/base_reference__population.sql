{{ config(materialized='table') }}

-- depends_on: {{ ref('school_census_codes') }}

{{ landing_base('reference', 'population') }}
