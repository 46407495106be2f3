{#
    Children in need episodes: one row per CIN referral (CIN census CINdetails,
    deduplicated across census returns in staging, latest return wins), with
    its assessment, CIN plan and child protection activity summarised.
#}
with

referrals as (
    select
        person_id,
        la_code,
        referral_date,
        closure_date,
        referral_source,
        is_health_referral,
        primary_need_code,
        reason_for_closure,
        is_referral_nfa,
        collection_year
    from {{ ref('stg_cin__referrals') }}
),

assessments as (
    select
        la_code,
        person_id,
        referral_date,
        count(*) as assessment_count,
        max(case when has_child_mental_health_factor then 1 else 0 end) = 1 as has_child_mental_health_factor,
        max(case when has_self_harm_factor then 1 else 0 end) = 1 as has_self_harm_factor
    from {{ ref('stg_cin__assessments') }}
    group by la_code, person_id, referral_date
),

cin_plans as (
    select
        la_code,
        person_id,
        referral_date,
        count(*) as cin_plan_count,
        min(cin_plan_start_date) as first_cin_plan_start_date
    from {{ ref('stg_cin__cin_plans') }}
    group by la_code, person_id, referral_date
),

cp_plans as (
    select
        la_code,
        person_id,
        referral_date,
        count(*) as cp_plan_count,
        min(cpp_start_date) as first_cp_plan_start_date
    from {{ ref('stg_cin__cp_plans') }}
    group by la_code, person_id, referral_date
),

final as (
    select
        referrals.person_id,
        referrals.la_code,
        referrals.referral_date,
        referrals.closure_date,
        referrals.referral_source,
        referrals.is_health_referral,
        referrals.primary_need_code,
        referrals.reason_for_closure,
        referrals.is_referral_nfa,
        assessments.has_child_mental_health_factor,
        assessments.has_self_harm_factor,
        cin_plans.first_cin_plan_start_date,
        cp_plans.first_cp_plan_start_date,
        referrals.collection_year as latest_collection_year,
        coalesce(assessments.assessment_count, 0) as assessment_count,
        coalesce(cin_plans.cin_plan_count, 0) as cin_plan_count,
        coalesce(cp_plans.cp_plan_count, 0) as cp_plan_count
    from referrals
    left join assessments
        on
            referrals.la_code = assessments.la_code
            and referrals.person_id = assessments.person_id
            and referrals.referral_date = assessments.referral_date
    left join cin_plans
        on
            referrals.la_code = cin_plans.la_code
            and referrals.person_id = cin_plans.person_id
            and referrals.referral_date = cin_plans.referral_date
    left join cp_plans
        on
            referrals.la_code = cp_plans.la_code
            and referrals.person_id = cp_plans.person_id
            and referrals.referral_date = cp_plans.referral_date
)

select * from final
