{{ config(materialized='table') }}

-- depends_on: {{ ref('cin_codes') }}

{{ landing_base('cin', 'disabilities') }}
