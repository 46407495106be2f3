{#
    RQ3 person-level trajectories: for every member of every matched set
    (rq3_matched_sets: the child entering care and the matched comparison
    children, all sharing the case's index date), health use, recorded needs,
    social care and school in the 24 months before the index date, in four
    6-month windows [window_start_date, window_end_date):
    window 1 = 24 to 18 months before, ..., window 4 = the last 6 months before.
    Clinical flags (injury, mental health, chronic condition) come from the code
    lists via int_research__clinical_events.
#}
with

members as (
    select
        entry_id,
        comparison_group,
        control_rank,
        person_id,
        la_code,
        sex,
        age_at_index,
        index_date,
        index_collection_year
    from {{ ref('rq3_matched_sets') }}
),

events as (
    select
        person_id,
        event_type,
        event_date,
        is_injury,
        is_mental_health,
        is_chronic_condition
    from {{ ref('int_research__clinical_events') }}
),

social_care as (
    select
        person_id,
        record_type,
        start_date,
        end_date
    from {{ ref('int_research__social_care_history') }}
),

school_terms as (
    select
        person_id,
        term_mid_date,
        sessions_possible,
        sessions_absent,
        exclusions
    from {{ ref('int_research__school_terms') }}
),

window_numbers as (
    select 1 as window_number
    union all
    select 2 as window_number
    union all
    select 3 as window_number
    union all
    select 4 as window_number
),

windows as (
    select
        members.*,
        window_numbers.window_number,
        cast({{ dbt.dateadd('month', '-30 + 6 * window_numbers.window_number', 'members.index_date') }} as date)
            as window_start_date,
        cast({{ dbt.dateadd('month', '-24 + 6 * window_numbers.window_number', 'members.index_date') }} as date)
            as window_end_date
    from members
    cross join window_numbers
),

window_events as (
    select
        windows.entry_id,
        windows.comparison_group,
        windows.person_id,
        windows.window_number,
        sum(case when events.event_type = 'ae_attendance' then 1 else 0 end) as ae_attendances,
        sum(case when events.event_type = 'emergency_admission' then 1 else 0 end) as emergency_admissions,
        sum(
            case
                when events.is_injury and events.event_type in ('ae_attendance', 'emergency_admission') then 1
                else 0
            end
        ) as injury_presentations,
        sum(case when events.event_type = 'mh_referral' then 1 else 0 end) as mh_referrals,
        sum(case when events.is_mental_health then 1 else 0 end) as mh_diagnosis_records,
        sum(case when events.is_chronic_condition then 1 else 0 end) as chronic_condition_records
    from windows
    inner join events
        on
            windows.person_id = events.person_id
            and windows.window_start_date <= events.event_date
            and windows.window_end_date > events.event_date
    group by 1, 2, 3, 4
),

window_social_care as (
    select
        windows.entry_id,
        windows.comparison_group,
        windows.person_id,
        windows.window_number,
        max(case when social_care.record_type = 'cin_episode' then 1 else 0 end) = 1 as had_cin_episode,
        max(case when social_care.record_type = 'cp_plan' then 1 else 0 end) = 1 as had_cp_plan
    from windows
    inner join social_care
        on
            windows.person_id = social_care.person_id
            and windows.window_end_date > social_care.start_date
            and (social_care.end_date is null or windows.window_start_date <= social_care.end_date)
    group by 1, 2, 3, 4
),

window_school as (
    select
        windows.entry_id,
        windows.comparison_group,
        windows.person_id,
        windows.window_number,
        sum(school_terms.sessions_possible) as sessions_possible,
        sum(school_terms.sessions_absent) as sessions_absent,
        sum(school_terms.exclusions) as exclusions
    from windows
    inner join school_terms
        on
            windows.person_id = school_terms.person_id
            and windows.window_start_date <= school_terms.term_mid_date
            and windows.window_end_date > school_terms.term_mid_date
    group by 1, 2, 3, 4
),

final as (
    select
        windows.entry_id,
        windows.comparison_group,
        windows.control_rank,
        windows.person_id,
        windows.la_code,
        windows.sex,
        windows.age_at_index,
        windows.index_date,
        windows.index_collection_year,
        windows.window_number,
        windows.window_start_date,
        windows.window_end_date,
        window_school.sessions_possible,
        window_school.sessions_absent,
        window_school.exclusions,
        coalesce(window_events.ae_attendances, 0) as ae_attendances,
        coalesce(window_events.emergency_admissions, 0) as emergency_admissions,
        coalesce(window_events.injury_presentations, 0) as injury_presentations,
        coalesce(window_events.mh_referrals, 0) as mh_referrals,
        coalesce(window_events.mh_diagnosis_records, 0) as mh_diagnosis_records,
        coalesce(window_events.chronic_condition_records, 0) as chronic_condition_records,
        coalesce(window_social_care.had_cin_episode, false) as had_cin_episode,
        coalesce(window_social_care.had_cp_plan, false) as had_cp_plan
    from windows
    left join window_events
        on
            windows.entry_id = window_events.entry_id
            and windows.comparison_group = window_events.comparison_group
            and windows.person_id = window_events.person_id
            and windows.window_number = window_events.window_number
    left join window_social_care
        on
            windows.entry_id = window_social_care.entry_id
            and windows.comparison_group = window_social_care.comparison_group
            and windows.person_id = window_social_care.person_id
            and windows.window_number = window_social_care.window_number
    left join window_school
        on
            windows.entry_id = window_school.entry_id
            and windows.comparison_group = window_school.comparison_group
            and windows.person_id = window_school.person_id
            and windows.window_number = window_school.window_number
)

select * from final
