{{ config(materialized='table') }}

{{ landing_base('cin', 'cp_reviews') }}
