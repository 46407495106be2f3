with

source_rows as (

    select * from {{ ref('base_ssda903__reviews') }}
    where len(dq_errors) = 0

),

{{ person_key_import('csc') }},

ranked as (

    -- a review is reported in the return of the year it took place; a repeat keeps the latest return
    select
        *,
        row_number() over (
            partition by la_code, la_child_id, review_date
            order by collection_year desc, source_file desc, source_row_number desc
        ) as row_rank
    from source_rows

),

final as (

    select
        person_key.person_id,
        ranked.la_code,
        ranked.collection_year,
        ranked.review_date,
        ranked.review_participation_code,
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
