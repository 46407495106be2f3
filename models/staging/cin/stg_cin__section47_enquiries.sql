-- Section 47 enquiries: one row per enquiry (LA, child, start date); an enquiry
-- reported in two returns keeps the latest.
with

{{ cin_latest_return('base_cin__section47', 's47_start_date') }},

final as (

    select
        person_id,
        la_code,
        collection_year,
        referral_date,
        s47_start_date,
        initial_cpc_target_date,
        initial_cpc_date,
        source_file,
        source_row_number,
        icpc_not_required in ('1', 'TRUE') as is_icpc_not_required
    from latest_return

)

select * from final
