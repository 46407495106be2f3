with

contacts as (

    select * from {{ ref('base_mhsds__care_contacts') }}
    where len(dq_errors) = 0

),

referrals as (

    -- MHS201 carries no person: the person is the referral's
    select
        service_request_id,
        person_id
    from {{ ref('stg_mhsds__referrals') }}

),

ranked as (

    -- a contact resubmitted in a later month keeps its latest submission
    select
        *,
        row_number() over (
            partition by care_contact_id
            order by uniq_month_id desc, reporting_year desc, source_file desc, source_row_number desc
        ) as row_rank
    from contacts

),

final as (

    select
        referrals.person_id,
        ranked.service_request_id,
        ranked.care_contact_id,
        ranked.care_contact_date,
        ranked.attend_or_dna_code,
        {{ cyplink_decode('nhs_codes', 'ATTEND_OR_DNA', 'ranked.attend_or_dna_code') }} as attend_or_dna_description,
        coalesce(ranked.attend_or_dna_code in ('5', '6'), false) as is_attended,
        ranked.consultation_mechanism,
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
