with

exclusions as (

    select * from {{ ref('base_school_census__termlyexclusions') }}
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

    -- the same exclusion reported in two extracts keeps the latest
    select
        *,
        row_number() over (
            partition by la_code, upn, laestab, exclusion_start_date, exclusion_category
            order by census_year desc, source_file desc, source_row_number desc
        ) as row_rank
    from exclusions

),

final as (

    select
        coalesce(person_key.person_id, person_key_by_upn.person_id) as person_id,
        ranked.la_code,
        cast(ranked.census_year as integer) as census_year,
        ranked.census_term,
        ranked.laestab,
        ranked.exclusion_start_date,
        ranked.exclusion_sessions,
        ranked.exclusion_category,
        {{ cyplink_decode('school_census_codes', 'EXCLUSION_CATEGORY', 'ranked.exclusion_category') }}
            as exclusion_category_description,
        ranked.exclusion_reason,
        ranked.exclusion_category = 'PERM' as is_permanent,
        ranked.source_file,
        ranked.source_row_number
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
