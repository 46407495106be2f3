with

source_rows as (

    select * from {{ ref('base_ssda903__missing') }}
    where len(dq_errors) = 0

),

{{ person_key_import('csc') }},

ranked as (

    -- a missing period spanning 31 March is in two returns: the latest return wins
    select
        *,
        row_number() over (
            partition by la_code, la_child_id, missing_start_date, missing_type
            order by collection_year desc, source_file desc, source_row_number desc
        ) as row_rank
    from source_rows

),

final as (

    select
        person_key.person_id,
        ranked.la_code,
        ranked.collection_year,
        ranked.missing_type,
        ranked.missing_start_date,
        ranked.missing_end_date,
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
