{{ config(materialized='table') }}

{{ landing_base('gp', 'patients') }}
