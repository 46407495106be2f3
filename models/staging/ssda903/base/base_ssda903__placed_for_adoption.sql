{{ config(materialized='table') }}

-- depends_on: {{ ref('ssda903_codes') }}

{{ landing_base('ssda903', 'placed_for_adoption') }}
