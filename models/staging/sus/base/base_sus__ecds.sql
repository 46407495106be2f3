{{ config(materialized='table') }}

{{ landing_base('sus', 'ecds') }}
