with

source_rows as (

    select * from {{ ref('base_cin__section47') }}
    where len(dq_errors) = 0

),

person_key as (

    select
        provider_code,
        source_record_id,
        person_id
    from {{ source('linkage', 'person_key') }}
    where source_system = 'csc'

),

referrals as (

    -- the CINdetails each row belongs to, for its referral date
    select
        source_file,
        child_seq,
        cin_seq,
        referral_date
    from {{ ref('base_cin__cin_details') }}

),

ranked as (

    -- an enquiry reported in two returns keeps the latest
    select
        *,
        row_number() over (
            partition by la_code, la_child_id, s47_start_date
            order by collection_year desc, source_file desc, source_row_number desc
        ) as row_rank
    from source_rows

),

final as (

    select
        person_key.person_id,
        ranked.la_code,
        ranked.collection_year,
        referrals.referral_date,
        ranked.s47_start_date,
        ranked.initial_cpc_target_date,
        ranked.initial_cpc_date,
        ranked.source_file,
        ranked.source_row_number,
        ranked.icpc_not_required in ('1', 'TRUE') as is_icpc_not_required
    from ranked
    left join person_key
        on
            ranked.la_code = person_key.provider_code
            and ranked.la_child_id = person_key.source_record_id
    left join referrals
        on
            ranked.source_file = referrals.source_file
            and ranked.child_seq = referrals.child_seq
            and ranked.cin_seq = referrals.cin_seq
    where ranked.row_rank = 1

)

select * from final
