{#
    School terms: one row per pupil, school and census term (school census
    pupil on roll), with sessions possible and missed and the exclusions that
    started in that term at that school.
#}
with

pupils_on_roll as (
    select
        person_id,
        la_code,
        census_year,
        census_term,
        laestab,
        enrol_status,
        nc_year_actual,
        sen_provision,
        fsm_eligible,
        sessions_possible,
        sessions_authorised_absence,
        sessions_unauthorised_absence
    from {{ ref('stg_school_census__pupils_on_roll') }}
),

exclusions as (
    select
        person_id,
        la_code,
        census_year,
        census_term,
        laestab,
        count(*) as exclusion_count,
        sum(case when is_permanent then 1 else 0 end) as permanent_exclusion_count,
        sum(exclusion_sessions) as exclusion_sessions
    from {{ ref('stg_school_census__exclusions') }}
    group by person_id, la_code, census_year, census_term, laestab
),

final as (
    select
        pupils_on_roll.person_id,
        pupils_on_roll.la_code,
        pupils_on_roll.census_year,
        pupils_on_roll.census_term,
        pupils_on_roll.laestab,
        pupils_on_roll.enrol_status,
        pupils_on_roll.nc_year_actual,
        pupils_on_roll.sen_provision,
        pupils_on_roll.fsm_eligible,
        pupils_on_roll.sessions_possible,
        pupils_on_roll.sessions_authorised_absence,
        pupils_on_roll.sessions_unauthorised_absence,
        {{ safe_divide(
            'pupils_on_roll.sessions_authorised_absence + pupils_on_roll.sessions_unauthorised_absence',
            'pupils_on_roll.sessions_possible') }} as absence_rate,
        coalesce(exclusions.exclusion_count, 0) as exclusion_count,
        coalesce(exclusions.permanent_exclusion_count, 0) as permanent_exclusion_count,
        coalesce(exclusions.exclusion_sessions, 0) as exclusion_sessions
    from pupils_on_roll
    left join exclusions
        on
            pupils_on_roll.person_id = exclusions.person_id
            and pupils_on_roll.la_code = exclusions.la_code
            and pupils_on_roll.census_year = exclusions.census_year
            and pupils_on_roll.census_term = exclusions.census_term
            and pupils_on_roll.laestab = exclusions.laestab
)

select * from final
