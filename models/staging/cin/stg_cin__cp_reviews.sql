-- Child protection reviews: one row per review (LA, child, review date); a review
-- reported in two returns keeps the latest.
with

{{ cin_latest_return('base_cin__cp_reviews', 'cpp_review_date') }},

final as (

    select
        person_id,
        la_code,
        collection_year,
        referral_date,
        cpp_review_date,
        source_file,
        source_row_number
    from latest_return

)

select * from final
