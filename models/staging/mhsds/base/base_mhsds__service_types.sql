{{ config(materialized='table') }}

{{ landing_base('mhsds', 'service_types') }}
