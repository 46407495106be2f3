{{ config(materialized='table') }}

{{ landing_file_checks() }}
