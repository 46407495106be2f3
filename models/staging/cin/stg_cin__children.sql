with

source_rows as (

    select * from {{ ref('base_cin__child') }}
    where len(dq_errors) = 0

),

{{ person_key_import('csc') }},

ranked as (

    -- one row per child per return; a child listed twice keeps the last
    select
        *,
        row_number() over (
            partition by la_code, collection_year, la_child_id
            order by collection_year desc, source_file desc, source_row_number desc
        ) as row_rank
    from source_rows

),

final as (

    select
        person_key.person_id,
        ranked.la_code,
        ranked.collection_year,
        {{ sex_harmonised('coalesce(ranked.sex_code, ranked.gender_current_code)') }} as sex,
        ranked.sex_code as sex_code_as_returned,
        ranked.gender_current_code as gender_current_code_as_returned,
        ranked.ethnicity_code as ethnicity,
        ranked.upn_unknown_reason,
        cast(date_trunc('month', ranked.date_of_birth) as date) as birth_month,
        year(ranked.date_of_birth) as birth_year,
        cast(date_trunc('month', ranked.expected_date_of_birth) as date) as expected_birth_month,
        cast(date_trunc('month', ranked.date_of_death) as date) as death_month,
        ranked.child_seq,
        ranked.source_file,
        ranked.source_row_number
    from ranked
    left join person_key
        on
            ranked.la_code = person_key.provider_code
            and ranked.la_child_id = person_key.source_record_id
    where ranked.row_rank = 1

)

select * from final
