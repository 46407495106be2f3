with

source_rows as (

    select * from {{ ref('base_cin__cin_details') }}
    where len(dq_errors) = 0

),

{{ person_key_import('csc') }},

ranked as (

    -- a referral open across returns is in each: the latest return is the LA's latest word on it
    select
        *,
        row_number() over (
            partition by la_code, la_child_id, referral_date
            order by collection_year desc, source_file desc, source_row_number desc
        ) as row_rank
    from source_rows

),

final as (

    select
        person_key.person_id,
        ranked.la_code,
        ranked.collection_year,
        ranked.referral_date,
        ranked.referral_source,
        {{ cyplink_decode('cin_codes', 'REFERRAL_SOURCE', 'ranked.referral_source') }} as referral_source_description,
        coalesce(ranked.referral_source like '3%', false) as is_health_referral,
        ranked.primary_need_code,
        {{ cyplink_decode('cin_codes', 'PRIMARY_NEED', 'ranked.primary_need_code') }} as primary_need_description,
        ranked.closure_date,
        ranked.reason_for_closure,
        ranked.initial_cpc_date,
        ranked.referral_nfa in ('1', 'TRUE') as is_referral_nfa,
        ranked.child_seq,
        ranked.cin_seq,
        ranked.source_file,
        ranked.source_row_number
    from ranked
    left join person_key
        on
            ranked.la_code = person_key.provider_code
            and ranked.la_child_id = person_key.source_record_id
    where ranked.row_rank = 1

)

select * from final
