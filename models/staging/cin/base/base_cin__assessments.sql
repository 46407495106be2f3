{{ config(materialized='table') }}

{{ landing_base('cin', 'assessments') }}
