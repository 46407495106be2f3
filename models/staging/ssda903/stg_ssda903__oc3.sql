with

source_rows as (

    select * from {{ ref('base_ssda903__oc3') }}
    where len(dq_errors) = 0

),

{{ person_key_import('csc') }},

ranked as (

    -- one care-leaver outcome row per child per return
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
        ranked.in_touch,
        ranked.activity,
        {{ cyplink_decode('ssda903_codes', 'ACTIV', 'ranked.activity') }} as activity_description,
        ranked.accommodation,
        {{ cyplink_decode('ssda903_codes', 'ACCOM', 'ranked.accommodation') }} as accommodation_description,
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
