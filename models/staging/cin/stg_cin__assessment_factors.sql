with

factors as (

    select * from {{ ref('base_cin__assessment_factors') }}
    where len(dq_errors) = 0

),

assessments as (

    -- the assessments kept after deduplication across returns
    select
        source_file,
        child_seq,
        cin_seq,
        assessment_seq,
        person_id,
        assessment_start_date
    from {{ ref('stg_cin__assessments') }}

),

deduplicated as (

    -- factors of an assessment superseded by a later return are dropped with it;
    -- a factor listed twice for one assessment is kept once
    select
        factors.*,
        assessments.person_id,
        assessments.assessment_start_date,
        row_number() over (
            partition by
                factors.source_file, factors.child_seq, factors.cin_seq,
                factors.assessment_seq, factors.factor_code
            order by factors.source_row_number
        ) as factor_rank
    from factors
    inner join assessments
        on
            factors.source_file = assessments.source_file
            and factors.child_seq = assessments.child_seq
            and factors.cin_seq = assessments.cin_seq
            and factors.assessment_seq = assessments.assessment_seq

),

final as (

    select
        person_id,
        la_code,
        collection_year,
        assessment_start_date,
        factor_code,
        {{ cyplink_decode('cin_codes', 'ASSESSMENT_FACTOR', 'factor_code') }} as factor_description,
        factor_code in ('4A', '4B', '4C') as is_mental_health_factor,
        factor_code = '15A' as is_self_harm_factor,
        source_file,
        source_row_number
    from deduplicated
    where factor_rank = 1

)

select * from final
