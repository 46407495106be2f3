{{ config(materialized='table') }}

{{ landing_base('cin', 'cin_plans') }}
