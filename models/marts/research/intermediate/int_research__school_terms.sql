{#
    School attendance and exclusions per pupil and census term (linked.school_terms,
    summed over the pupil's enrolments), with the term's dates so the research
    windows can place each term in time. A census year is named by the summer it
    ends in (2024 = 2023/24): autumn runs 1 September to 31 December of the year
    before, spring 1 January to 31 March, summer 1 April to 31 July. A term counts
    in a window when its middle day falls in it.
#}
with

school_terms as (
    select
        person_id,
        la_code,
        census_year,
        census_term,
        sessions_possible,
        exclusion_count,
        permanent_exclusion_count,
        exclusion_sessions,
        coalesce(sessions_authorised_absence, 0) + coalesce(sessions_unauthorised_absence, 0) as sessions_absent
    from {{ ref('school_terms') }}
    where person_id is not null
),

terms as (
    select
        person_id,
        census_year,
        census_term,
        max(la_code) as la_code,
        sum(sessions_possible) as sessions_possible,
        sum(sessions_absent) as sessions_absent,
        sum(exclusion_count) as exclusions,
        sum(permanent_exclusion_count) as permanent_exclusions,
        sum(exclusion_sessions) as exclusion_sessions
    from school_terms
    group by person_id, census_year, census_term
),

dated as (
    select
        terms.*,
        case terms.census_term
            when 'autumn' then {{ cyplink_make_date('terms.census_year - 1', 9, 1) }}
            when 'spring' then {{ cyplink_make_date('terms.census_year', 1, 1) }}
            when 'summer' then {{ cyplink_make_date('terms.census_year', 4, 1) }}
        end as term_start_date,
        case terms.census_term
            when 'autumn' then {{ cyplink_make_date('terms.census_year - 1', 12, 31) }}
            when 'spring' then {{ cyplink_make_date('terms.census_year', 3, 31) }}
            when 'summer' then {{ cyplink_make_date('terms.census_year', 7, 31) }}
        end as term_end_date
    from terms
),

final as (
    select
        person_id,
        la_code,
        census_year,
        census_term,
        term_start_date,
        term_end_date,
        {{ dbt.dateadd('day', 45, 'term_start_date') }} as term_mid_date,
        sessions_possible,
        sessions_absent,
        coalesce(exclusions, 0) as exclusions,
        coalesce(permanent_exclusions, 0) as permanent_exclusions,
        coalesce(exclusion_sessions, 0) as exclusion_sessions
    from dated
)

select * from final
