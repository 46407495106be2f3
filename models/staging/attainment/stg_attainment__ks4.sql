with

results as (

    select * from {{ ref('base_attainment__ks4') }}
    where len(dq_errors) = 0

),

{{ person_key_import('school_census') }},

person_key_by_upn as (

    -- UPN is national: a pupil whose census LA differs from the LA of the identifier
    -- extract still links, when the UPN points to one person only
    select
        source_record_id,
        min(person_id) as person_id
    from person_key
    group by source_record_id
    having count(distinct person_id) = 1

),

ranked as (

    -- one KS4 result per pupil per year; a resent file keeps the latest row
    select
        *,
        row_number() over (
            partition by la_code, upn, coalesce(academic_year, collection_year)
            order by collection_year desc, source_file desc, source_row_number desc
        ) as row_rank
    from results

),

final as (

    select
        ranked.la_code,
        ranked.collection_year,
        ranked.laestab,
        cast(ranked.basics_grade4_english_maths as integer) as basics_grade4_english_maths,
        ranked.source_file,
        ranked.source_row_number,
        coalesce(person_key.person_id, person_key_by_upn.person_id) as person_id,
        coalesce(ranked.academic_year, ranked.collection_year) as ks4_year,
        case when ranked.attainment8_score between 0 and 90 then ranked.attainment8_score end as attainment8_score
    from ranked
    left join person_key
        on
            ranked.la_code = person_key.provider_code
            and ranked.upn = person_key.source_record_id
    left join person_key_by_upn
        on ranked.upn = person_key_by_upn.source_record_id
    where ranked.row_rank = 1

)

select * from final
