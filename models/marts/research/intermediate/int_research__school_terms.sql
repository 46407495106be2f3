{#
    School attendance and exclusions per pupil and census term (school census),
    with the term's dates so the research windows can place each term in time.
    A census year is named by the summer it ends in (2024 = 2023/24): autumn runs
    1 September to 31 December of the year before, spring 1 January to 31 March,
    summer 1 April to 31 July. A term counts in a window when its middle day falls
    in it. Exclusions are counted in the term they start.
#}
with

pupils as (
    select
        person_id,
        la_code,
        census_year,
        census_term,
        sessions_possible,
        sessions_authorised_absence,
        sessions_unauthorised_absence
    from {{ ref('stg_school_census__pupils_on_roll') }}
    where person_id is not null
),

exclusions as (
    select
        person_id,
        census_year,
        census_term,
        count(*) as exclusions,
        sum(case when is_permanent then 1 else 0 end) as permanent_exclusions,
        sum(exclusion_sessions) as exclusion_sessions
    from {{ ref('stg_school_census__exclusions') }}
    where person_id is not null
    group by person_id, census_year, census_term
),

terms as (
    select
        person_id,
        census_year,
        census_term,
        max(la_code) as la_code,
        sum(sessions_possible) as sessions_possible,
        sum(coalesce(sessions_authorised_absence, 0) + coalesce(sessions_unauthorised_absence, 0))
        as sessions_absent
    from pupils
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
        dated.person_id,
        dated.la_code,
        dated.census_year,
        dated.census_term,
        dated.term_start_date,
        dated.term_end_date,
        {{ dbt.dateadd('day', 45, 'dated.term_start_date') }} as term_mid_date,
        dated.sessions_possible,
        dated.sessions_absent,
        coalesce(exclusions.exclusions, 0) as exclusions,
        coalesce(exclusions.permanent_exclusions, 0) as permanent_exclusions,
        coalesce(exclusions.exclusion_sessions, 0) as exclusion_sessions
    from dated
    left join exclusions
        on
            dated.person_id = exclusions.person_id
            and dated.census_year = exclusions.census_year
            and dated.census_term = exclusions.census_term
)

select * from final
