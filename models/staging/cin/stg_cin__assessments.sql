with

assessments as (

    select * from {{ ref('base_cin__assessments') }}
    where len(dq_errors) = 0

),

factors as (

    select
        source_file,
        child_seq,
        cin_seq,
        assessment_seq,
        factor_code
    from {{ ref('base_cin__assessment_factors') }}
    where len(dq_errors) = 0

),

referrals as (

    select
        source_file,
        child_seq,
        cin_seq,
        referral_date
    from {{ ref('base_cin__cin_details') }}

),

person_key as (

    select
        provider_code,
        source_record_id,
        person_id
    from {{ source('linkage', 'person_key') }}
    where source_system = 'csc'

),

factors_per_assessment as (

    select
        source_file,
        child_seq,
        cin_seq,
        assessment_seq,
        list(factor_code order by factor_code) as factors
    from factors
    group by source_file, child_seq, cin_seq, assessment_seq

),

ranked as (

    -- an assessment reported in two returns keeps the latest (it holds the authorisation date)
    select
        *,
        row_number() over (
            partition by la_code, la_child_id, assessment_start_date
            order by collection_year desc, source_file desc, source_row_number desc
        ) as row_rank
    from assessments

),

final as (

    select
        person_key.person_id,
        ranked.la_code,
        ranked.collection_year,
        referrals.referral_date,
        ranked.assessment_start_date,
        ranked.assessment_review_date,
        ranked.assessment_authorised_date,
        ranked.child_seq,
        ranked.cin_seq,
        ranked.assessment_seq,
        ranked.source_file,
        ranked.source_row_number,
        coalesce(factors_per_assessment.factors, []) as factors,
        coalesce(list_has_any(factors_per_assessment.factors, ['4A']), false) as has_child_mental_health_factor,
        coalesce(list_has_any(factors_per_assessment.factors, ['4B', '4C']), false)
            as has_adult_mental_health_factor,
        coalesce(list_has_any(factors_per_assessment.factors, ['15A']), false) as has_self_harm_factor
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
    left join factors_per_assessment
        on
            ranked.source_file = factors_per_assessment.source_file
            and ranked.child_seq = factors_per_assessment.child_seq
            and ranked.cin_seq = factors_per_assessment.cin_seq
            and ranked.assessment_seq = factors_per_assessment.assessment_seq
    where ranked.row_rank = 1

)

select * from final
