{#
    RQ2 person-level: for every entry to care (period of care), the outcomes in
    three follow-up windows, each [window_start_date, window_end_date):

    - entry_0_12m: the 12 months from the day of entry;
    - entry_24_60m: from 2 to 5 years after entry;
    - leaving_0_24m: the 24 months from the day the period of care ended (only
      periods that ended).

    Censoring: the data end on research_end_of_data(). A window is complete when
    its end is on or before that date; `follow_up_years` is the time observed in
    the window (0 when the window starts after the end of the data), so summaries
    can use complete windows only (proportions) or person-time (rates).
    Clinical definitions come from the code lists via int_research__clinical_events.
#}
with

periods as (
    select
        person_id,
        la_code,
        la_child_id,
        period_number,
        period_start_date,
        period_end_date,
        reason_period_ceased
    from {{ ref('periods_of_care') }}
    where person_id is not null
),

persons as (
    select
        person_id,
        sex,
        birth_month
    from {{ ref('persons') }}
),

events as (
    select
        person_id,
        event_type,
        event_date,
        is_self_harm,
        is_mental_health
    from {{ ref('int_research__clinical_events') }}
),

entries as (
    select
        {{ dbt.hash(dbt.concat(['periods.la_code', "'|'", 'periods.la_child_id', "'|'",
            'cast(periods.period_number as ' ~ dbt.type_string() ~ ')'])) }} as entry_id,
        periods.person_id,
        periods.la_code,
        periods.period_start_date as entry_date,
        {{ collection_year_of('periods.period_start_date') }} as entry_cohort,
        periods.period_end_date as left_care_date,
        periods.reason_period_ceased,
        coalesce(persons.sex, 'U') as sex,
        {{ age_in_years('persons.birth_month', 'periods.period_start_date') }} as age_at_entry
    from periods
    left join persons
        on periods.person_id = persons.person_id
    where
        {{ collection_year_of('periods.period_start_date') }}
        between {{ var('first_collection_year') }} and {{ var('last_collection_year') }}
),

windows as (
    select
        entries.*,
        'entry_0_12m' as follow_up_window,
        entries.entry_date as window_start_date,
        {{ dbt.dateadd('month', 12, 'entries.entry_date') }} as window_end_date
    from entries
    union all
    select
        entries.*,
        'entry_24_60m' as follow_up_window,
        {{ dbt.dateadd('month', 24, 'entries.entry_date') }} as window_start_date,
        {{ dbt.dateadd('month', 60, 'entries.entry_date') }} as window_end_date
    from entries
    union all
    select
        entries.*,
        'leaving_0_24m' as follow_up_window,
        entries.left_care_date as window_start_date,
        {{ dbt.dateadd('month', 24, 'entries.left_care_date') }} as window_end_date
    from entries
    where entries.left_care_date is not null
),

censored as (
    select
        windows.*,
        cast(windows.window_end_date as date) <= {{ research_end_of_data() }} as is_complete,
        greatest(
            {{ research_days_between('windows.window_start_date',
                'least(cast(windows.window_end_date as date), ' ~ research_end_of_data() ~ ' + 1)') }},
            0
        ) / 365.25 as follow_up_years
    from windows
),

mh_before_entry as (
    select
        entries.entry_id,
        count(*) as mh_diagnoses_before_entry
    from entries
    inner join events
        on
            entries.person_id = events.person_id
            and events.is_mental_health
            and entries.entry_date > events.event_date
    group by entries.entry_id
),

window_events as (
    select
        censored.entry_id,
        censored.follow_up_window,
        sum(case when events.event_type = 'ae_attendance' then 1 else 0 end) as ae_attendances,
        sum(case when events.event_type = 'emergency_admission' then 1 else 0 end) as emergency_admissions,
        sum(
            case
                when events.is_self_harm and events.event_type in ('ae_attendance', 'emergency_admission')
                    then 1
                else 0
            end
        ) as self_harm_presentations,
        sum(case when events.event_type = 'mh_referral' then 1 else 0 end) as mh_referrals,
        sum(case when events.is_mental_health then 1 else 0 end) as mh_diagnosis_records
    from censored
    inner join events
        on
            censored.person_id = events.person_id
            and censored.window_start_date <= events.event_date
            and censored.window_end_date > events.event_date
            and events.event_date <= {{ research_end_of_data() }}
    group by censored.entry_id, censored.follow_up_window
),

final as (
    select
        censored.entry_id,
        censored.person_id,
        censored.la_code,
        censored.entry_date,
        censored.entry_cohort,
        censored.age_at_entry,
        censored.sex,
        censored.left_care_date,
        censored.reason_period_ceased,
        censored.follow_up_window,
        censored.window_start_date,
        cast(censored.window_end_date as date) as window_end_date,
        censored.is_complete,
        censored.follow_up_years,
        coalesce(window_events.ae_attendances, 0) as ae_attendances,
        coalesce(window_events.emergency_admissions, 0) as emergency_admissions,
        coalesce(window_events.self_harm_presentations, 0) as self_harm_presentations,
        coalesce(window_events.mh_referrals, 0) as mh_referrals,
        coalesce(window_events.mh_diagnosis_records, 0) as mh_diagnosis_records,
        coalesce(window_events.mh_referrals, 0) > 0
        or (
            coalesce(window_events.mh_diagnosis_records, 0) > 0
            and coalesce(mh_before_entry.mh_diagnoses_before_entry, 0) = 0
        ) as has_new_mh_referral_or_diagnosis
    from censored
    left join window_events
        on
            censored.entry_id = window_events.entry_id
            and censored.follow_up_window = window_events.follow_up_window
    left join mh_before_entry
        on censored.entry_id = mh_before_entry.entry_id
)

select * from final
