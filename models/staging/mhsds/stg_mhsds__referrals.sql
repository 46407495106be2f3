with

referrals as (

    select * from {{ ref('base_mhsds__referrals') }}
    where len(dq_errors) = 0

),

{{ person_key_import('mhsds', var('health_provider_code')) }},

ranked as (

    -- MHSDS is submitted monthly: a referral is resent every month it is open, its latest
    -- state in the highest UniqMonthID (ties: the later file and row)
    select
        *,
        count(*) over (partition by service_request_id) as n_submissions,
        min(uniq_month_id) over (partition by service_request_id) as first_uniq_month_id,
        row_number() over (
            partition by service_request_id
            order by uniq_month_id desc, reporting_year desc, source_file desc, source_row_number desc
        ) as row_rank
    from referrals

),

final as (

    select
        person_key.person_id,
        ranked.service_request_id,
        ranked.referral_date,
        ranked.discharge_date,
        ranked.source_of_referral,
        ranked.primary_reason,
        ranked.provider_code,
        ranked.uniq_month_id,
        ranked.first_uniq_month_id,
        ranked.n_submissions,
        ranked.reporting_year,
        ranked.source_file,
        ranked.source_row_number
    from ranked
    left join person_key
        on ranked.mhsds_person_id = person_key.source_record_id
    where ranked.row_rank = 1

)

select * from final
