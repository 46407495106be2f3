-- Child protection plans: one row per plan (LA, child, start date), from the latest
-- return that reports it (it holds the end date).
with

{{ cin_latest_return('base_cin__cp_plans', 'cpp_start_date') }},

final as (

    select
        person_id,
        la_code,
        collection_year,
        referral_date,
        cpp_start_date,
        cpp_end_date,
        initial_category_of_abuse,
        {{ cyplink_decode('cin_codes', 'CATEGORY_OF_ABUSE', 'latest_return.initial_category_of_abuse') }}
            as initial_category_of_abuse_description,
        latest_category_of_abuse,
        number_of_previous_cpp,
        source_file,
        source_row_number
    from latest_return

)

select * from final
