with

source_rows as (

    select * from {{ ref('base_ssda903__placed_for_adoption') }}
    where len(dq_errors) = 0

),

{{ person_key_import('csc') }},

ranked as (

    -- a decision open across 31 March is in two returns: the latest return wins
    select
        *,
        row_number() over (
            partition by la_code, la_child_id, date_placed
            order by collection_year desc, source_file desc, source_row_number desc
        ) as row_rank
    from source_rows

),

final as (

    select
        person_key.person_id,
        ranked.la_code,
        ranked.collection_year,
        ranked.date_placed,
        ranked.date_placed_ceased,
        ranked.reason_placed_ceased,
        cast(date_trunc('month', ranked.date_of_birth) as date) as birth_month,
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
