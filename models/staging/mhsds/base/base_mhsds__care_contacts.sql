{{ config(materialized='table') }}

-- depends_on: {{ ref('nhs_codes') }}

{{ landing_base('mhsds', 'care_contacts') }}
