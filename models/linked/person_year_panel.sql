{#
    Person-year panel: one row per person and collection year in which they are
    resident in an LA on 31 March (person_residence), with age, sex,
    looked-after status and service use in the year. Base of the research
    question marts; the `all_` indicators count events directly
    (cyplink__linked_residence).
#}
with

residence as (
    select
        person_id,
        la_code,
        valid_from,
        valid_to
    from {{ ref('person_residence') }}
    where la_code is not null
),

persons as (
    select
        person_id,
        sex,
        ethnic_group,
        birth_month
    from {{ ref('persons') }}
),

care_episodes as (
    select
        person_id,
        episode_start_date,
        effective_end_date
    from {{ ref('care_episodes') }}
),

mh_contacts as (
    select
        person_id,
        collection_year,
        count(*) as mh_contact_count
    from {{ ref('mental_health_contacts') }}
    group by person_id, collection_year
),

mh_referrals as (
    select
        person_id,
        collection_year,
        count(*) as mh_referral_count
    from {{ ref('mental_health_referrals') }}
    group by person_id, collection_year
),

health_counts as (
    select
        person_id,
        collection_year,
        sum(case when event_type = 'ae_attendance' then 1 else 0 end) as ae_attendance_count,
        sum(case when is_emergency_admission then 1 else 0 end) as emergency_admission_count,
        sum(case when event_type = 'outpatient_appointment' and is_attended then 1 else 0 end)
            as outpatient_attendance_count,
        sum(case when event_type = 'gp_event' then 1 else 0 end) as gp_event_count
    from {{ ref('health_events') }}
    group by person_id, collection_year
),

collection_years as (
    {% for year in range(var('first_collection_year') | int, (var('last_collection_year') | int) + 1) %}
        select
            {{ year }} as collection_year,
            {{ collection_year_start(year) }} as year_start_date,
            {{ collection_year_end(year) }} as year_end_date
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

residence_years as (
    select
        residence.person_id,
        residence.la_code,
        collection_years.collection_year,
        collection_years.year_start_date,
        collection_years.year_end_date
    from residence
    inner join collection_years
        on
            residence.valid_from <= collection_years.year_end_date
            and (residence.valid_to is null or residence.valid_to > collection_years.year_end_date)
),

looked_after as (
    select distinct
        residence_years.person_id,
        residence_years.collection_year
    from residence_years
    inner join care_episodes
        on
            residence_years.person_id = care_episodes.person_id
            and residence_years.year_end_date >= care_episodes.episode_start_date
            and (
                care_episodes.effective_end_date is null
                or residence_years.year_start_date <= care_episodes.effective_end_date
            )
),

final as (
    select
        residence_years.person_id,
        residence_years.collection_year,
        residence_years.la_code,
        coalesce(persons.sex, 'U') as sex,
        coalesce(persons.ethnic_group, 'Unknown') as ethnic_group,
        {{ age_in_years('persons.birth_month', 'residence_years.year_end_date') }} as age_at_31_march,
        looked_after.person_id is not null as is_looked_after_in_year,
        coalesce(mh_contacts.mh_contact_count, 0) as mh_contact_count,
        coalesce(mh_referrals.mh_referral_count, 0) as mh_referral_count,
        coalesce(health_counts.ae_attendance_count, 0) as ae_attendance_count,
        coalesce(health_counts.emergency_admission_count, 0) as emergency_admission_count,
        coalesce(health_counts.outpatient_attendance_count, 0) as outpatient_attendance_count,
        coalesce(health_counts.gp_event_count, 0) as gp_event_count
    from residence_years
    left join persons
        on residence_years.person_id = persons.person_id
    left join looked_after
        on
            residence_years.person_id = looked_after.person_id
            and residence_years.collection_year = looked_after.collection_year
    left join mh_contacts
        on
            residence_years.person_id = mh_contacts.person_id
            and residence_years.collection_year = mh_contacts.collection_year
    left join mh_referrals
        on
            residence_years.person_id = mh_referrals.person_id
            and residence_years.collection_year = mh_referrals.collection_year
    left join health_counts
        on
            residence_years.person_id = health_counts.person_id
            and residence_years.collection_year = health_counts.collection_year
    where
        persons.birth_month is null
        or (
            persons.birth_month <= residence_years.year_end_date
            and {{ age_in_years('persons.birth_month', 'residence_years.year_start_date') }} <= 17
        )
)

select * from final
