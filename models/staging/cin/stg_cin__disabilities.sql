with

source_rows as (

    select * from {{ ref('base_cin__disabilities') }}
    where len(dq_errors) = 0

),

{{ person_key_import('csc') }},

ranked as (

    -- one row per disability per child per return
    select
        *,
        row_number() over (
            partition by la_code, collection_year, la_child_id, disability_code
            order by collection_year desc, source_file desc, source_row_number desc
        ) as row_rank
    from source_rows

),

final as (

    select
        person_key.person_id,
        ranked.la_code,
        ranked.collection_year,
        ranked.disability_code,
        {{ cyplink_decode('cin_codes', 'DISABILITY', 'ranked.disability_code') }} as disability_description,
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
