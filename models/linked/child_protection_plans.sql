{#
    Child protection plans: one row per CP plan (CIN census ChildProtectionPlans,
    deduplicated across census returns in staging, latest return wins).
#}
with

cp_plans as (
    select
        person_id,
        la_code,
        referral_date,
        cpp_start_date,
        cpp_end_date,
        initial_category_of_abuse,
        latest_category_of_abuse,
        number_of_previous_cpp,
        collection_year
    from {{ ref('stg_cin__cp_plans') }}
),

final as (
    select
        person_id,
        la_code,
        referral_date,
        cpp_start_date,
        cpp_end_date,
        initial_category_of_abuse,
        latest_category_of_abuse,
        number_of_previous_cpp,
        collection_year as latest_collection_year,
        cpp_end_date is null as is_open
    from cp_plans
)

select * from final
