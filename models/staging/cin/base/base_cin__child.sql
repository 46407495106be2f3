{{ config(materialized='table') }}

-- depends_on: {{ ref('cin_codes') }}
-- depends_on: {{ ref('ethnicity_codes') }}

{{ landing_base('cin', 'child') }}
