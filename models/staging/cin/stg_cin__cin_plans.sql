-- CIN plans: one row per plan (LA, child, start date), from the latest return that reports it.
with

{{ cin_latest_return('base_cin__cin_plans', 'cin_plan_start_date') }},

final as (

    select
        person_id,
        la_code,
        collection_year,
        referral_date,
        cin_plan_start_date,
        cin_plan_end_date,
        source_file,
        source_row_number
    from latest_return

)

select * from final
