{#
    Children's social care involvement outside care, one row per record with its
    dates: CIN episodes (linked.cin_episodes, referral to closure), child
    protection plans (linked.child_protection_plans, start to end) and CIN
    assessments that recorded a mental health concern about the child (factor 4A)
    or self-harm (15A), dated by the assessment start (from staging: the linked
    episode carries the flags but not the assessment date). Open episodes and
    plans have a null end date.
#}
with

cin_episodes as (
    select
        person_id,
        la_code,
        referral_date,
        closure_date
    from {{ ref('cin_episodes') }}
    where person_id is not null and referral_date is not null
),

cp_plans as (
    select
        person_id,
        la_code,
        cpp_start_date,
        cpp_end_date
    from {{ ref('child_protection_plans') }}
    where person_id is not null and cpp_start_date is not null
),

assessments as (
    select
        person_id,
        la_code,
        assessment_start_date,
        has_child_mental_health_factor,
        has_self_harm_factor
    from {{ ref('stg_cin__assessments') }}
    where person_id is not null and assessment_start_date is not null
),

unioned as (
    select distinct
        person_id,
        la_code,
        'cin_episode' as record_type,
        referral_date as start_date,
        closure_date as end_date
    from cin_episodes
    union all
    select distinct
        person_id,
        la_code,
        'cp_plan' as record_type,
        cpp_start_date as start_date,
        cpp_end_date as end_date
    from cp_plans
    union all
    select distinct
        person_id,
        la_code,
        'mh_assessment_factor' as record_type,
        assessment_start_date as start_date,
        assessment_start_date as end_date
    from assessments
    where has_child_mental_health_factor or has_self_harm_factor
),

final as (
    select * from unioned
)

select * from final
