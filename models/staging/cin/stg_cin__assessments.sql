-- Assessments: one row per assessment (LA, child, start date), from the latest return
-- that reports it (it holds the authorisation date), with its factors as a list.
with

{{ cin_latest_return('base_cin__assessments', 'assessment_start_date') }},

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

final as (

    select
        latest_return.person_id,
        latest_return.la_code,
        latest_return.collection_year,
        latest_return.referral_date,
        latest_return.assessment_start_date,
        latest_return.assessment_review_date,
        latest_return.assessment_authorised_date,
        latest_return.child_seq,
        latest_return.cin_seq,
        latest_return.assessment_seq,
        latest_return.source_file,
        latest_return.source_row_number,
        coalesce(factors_per_assessment.factors, []) as factors,
        coalesce(list_has_any(factors_per_assessment.factors, ['4A']), false) as has_child_mental_health_factor,
        coalesce(list_has_any(factors_per_assessment.factors, ['4B', '4C']), false)
            as has_adult_mental_health_factor,
        coalesce(list_has_any(factors_per_assessment.factors, ['15A']), false) as has_self_harm_factor
    from latest_return
    left join factors_per_assessment
        on
            latest_return.source_file = factors_per_assessment.source_file
            and latest_return.child_seq = factors_per_assessment.child_seq
            and latest_return.cin_seq = factors_per_assessment.cin_seq
            and latest_return.assessment_seq = factors_per_assessment.assessment_seq

)

select * from final
