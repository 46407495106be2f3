{# MHSDS referrals (latest submission of each, deduplicated in staging), one row per service request. #}
with

referrals as (
    select
        person_id,
        service_request_id,
        referral_date,
        discharge_date,
        source_of_referral,
        primary_reason,
        provider_code
    from {{ ref('stg_mhsds__referrals') }}
),

final as (
    select
        person_id,
        service_request_id,
        referral_date,
        {{ collection_year_of('referral_date') }} as collection_year,
        discharge_date,
        source_of_referral,
        primary_reason,
        provider_code
    from referrals
    where person_id is not null
)

select * from final
