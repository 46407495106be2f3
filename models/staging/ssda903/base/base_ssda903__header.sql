{{ config(materialized='table') }}

-- depends_on: {{ ref('ethnicity_codes') }}
-- depends_on: {{ ref('ssda903_codes') }}

{{ landing_base('ssda903', 'header') }}
