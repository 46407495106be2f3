{{ config(materialized='table') }}

{{ landing_base('mhsds', 'referrals') }}
