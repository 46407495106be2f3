with

service_types as (

    select * from {{ ref('base_mhsds__service_types') }}
    where len(dq_errors) = 0

),

referrals as (

    select
        service_request_id,
        person_id
    from {{ ref('stg_mhsds__referrals') }}

),

ranked as (

    -- each team type of a referral once, from its latest monthly submission
    select
        *,
        row_number() over (
            partition by service_request_id, team_type
            order by uniq_month_id desc, reporting_year desc, source_file desc, source_row_number desc
        ) as row_rank
    from service_types

),

final as (

    select
        referrals.person_id,
        ranked.service_request_id,
        ranked.team_type,
        ranked.uniq_month_id,
        ranked.reporting_year,
        ranked.source_file,
        ranked.source_row_number
    from ranked
    left join referrals
        on ranked.service_request_id = referrals.service_request_id
    where ranked.row_rank = 1

)

select * from final
