with

headers as (

    select * from {{ ref('base_ssda903__header') }}
    where len(dq_errors) = 0

),

{{ person_key_import('csc') }},

ethnicity as (

    select
        code,
        description,
        major_group
    from {{ ref('ethnicity_codes') }}

),

ranked as (

    -- one header per child per return; a child listed twice keeps the last row of the file
    select
        *,
        row_number() over (
            partition by la_code, collection_year, la_child_id
            order by source_file desc, source_row_number desc
        ) as row_rank
    from headers

),

final as (

    select
        person_key.person_id,
        ranked.la_code,
        ranked.la_child_id,
        ranked.collection_year,
        {{ sex_harmonised('ranked.sex_code') }} as sex,
        ranked.sex_code as sex_code_as_returned,
        ranked.ethnicity_code as ethnicity,
        ethnicity.description as ethnicity_description,
        ethnicity.major_group as ethnicity_group,
        cast(date_trunc('month', ranked.date_of_birth) as date) as birth_month,
        year(ranked.date_of_birth) as birth_year,
        cast(ranked.is_mother as integer) as is_mother,
        ranked.source_file,
        ranked.source_row_number
    from ranked
    left join person_key
        on
            ranked.la_code = person_key.provider_code
            and ranked.la_child_id = person_key.source_record_id
    left join ethnicity
        on ranked.ethnicity_code = ethnicity.code
    where ranked.row_rank = 1

)

select * from final
