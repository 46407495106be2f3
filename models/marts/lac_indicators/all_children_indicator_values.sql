{#
    The `all_` health indicators for all children in the LA, per LA, collection
    year and breakdown cell (all, sex), before disclosure control. Each event
    (attended MHSDS contact, ECDS attendance, emergency admission) of a child
    aged 0 to 17 (birthday taken as the end of the birth month) counts for the
    LA where the child lived on the event date: the HES LA of residence for
    admissions, otherwise the person's residence spell
    (person_residence). MH contact counts children once, in the LA of their
    first attended contact of the year made while living in the area. Denominator: ONS mid-year population
    aged 0 to 17 of the calendar year in which the collection year starts
    (cyplink__linked_residence).
#}
{%- set all_indicators = [
    ('all_mh_service_contact_pct', 'n_mh_contact', 'population_0_17'),
    ('all_ae_attendance_rate_per_1000', 'sum_ae_attendances', 'population_0_17'),
    ('all_emergency_admission_rate_per_1000', 'sum_emergency_admissions', 'population_0_17'),
] -%}
with

mh_contacts as (
    select
        person_id,
        care_contact_date as event_date,
        collection_year
    from {{ ref('mental_health_contacts') }}
),

health_events as (
    select
        person_id,
        event_type,
        event_date,
        collection_year,
        recorded_la_code
    from {{ ref('health_events') }}
    where event_type = 'ae_attendance' or is_emergency_admission
),

residence as (
    select
        person_id,
        la_code,
        valid_from,
        valid_to,
        is_first_spell
    from {{ ref('person_residence') }}
),

persons as (
    select
        person_id,
        sex,
        birth_month
    from {{ ref('persons') }}
),

la_years as (
    select
        la_code,
        collection_year
    from {{ ref('la_collection_years') }}
),

breakdown_cells as (
    select
        breakdown,
        breakdown_value
    from {{ ref('indicator_breakdown_cells') }}
    where breakdown in ('all', 'sex')
),

population as (
    select
        la_code,
        breakdown,
        breakdown_value,
        population_0_17,
        year + 1 as collection_year
    from {{ ref('population_by_cell') }}
),

mh_contact_days as (
    select distinct
        person_id,
        collection_year,
        event_date
    from mh_contacts
),

events as (
    select
        person_id,
        'mh_contact' as event_type,
        event_date,
        collection_year,
        cast(null as {{ dbt.type_string() }}) as recorded_la_code
    from mh_contact_days
    union all
    select
        person_id,
        event_type,
        event_date,
        collection_year,
        recorded_la_code
    from health_events
),

events_resident as (
    select
        events.person_id,
        events.event_type,
        events.event_date,
        events.collection_year,
        coalesce(events.recorded_la_code, residence.la_code) as la_code,
        coalesce(persons.sex, 'U') as sex
    from events
    left join residence
        on
            events.person_id = residence.person_id
            and (events.event_date >= residence.valid_from or residence.is_first_spell)
            and (residence.valid_to is null or events.event_date < residence.valid_to)
    left join persons
        on events.person_id = persons.person_id
    where
        persons.birth_month is null
        or (
            persons.birth_month <= events.event_date
            -- birthday taken as the end of the birth month: in doubt, still a child
            and {{ age_in_years(dbt.dateadd('month', 1, 'persons.birth_month'), 'events.event_date') }} <= 17
        )
),

first_resident_mh_contacts as (
    -- a child counts once for MH contact: at the first contact of the year made while
    -- living in the area aged 0-17 (a child who moves in mid-year still counts)
    select
        person_id,
        event_type,
        collection_year,
        la_code,
        sex,
        row_number() over (
            partition by person_id, collection_year
            order by event_date
        ) as contact_rank
    from events_resident
    where event_type = 'mh_contact' and la_code is not null
),

counted_events as (
    select
        person_id,
        event_type,
        collection_year,
        la_code,
        sex
    from events_resident
    where event_type <> 'mh_contact' and la_code is not null
    union all
    select
        person_id,
        event_type,
        collection_year,
        la_code,
        sex
    from first_resident_mh_contacts
    where contact_rank = 1
),

event_cells as (
    select
        counted_events.*,
        'all' as breakdown,
        'all' as breakdown_value
    from counted_events
    union all
    select
        counted_events.*,
        'sex' as breakdown,
        case counted_events.sex when 'M' then 'male' when 'F' then 'female' else 'unknown' end as breakdown_value
    from counted_events
),

cell_counts as (
    select
        la_code,
        collection_year,
        breakdown,
        breakdown_value,
        sum(case when event_type = 'mh_contact' then 1 else 0 end) as n_mh_contact,
        sum(case when event_type = 'ae_attendance' then 1 else 0 end) as sum_ae_attendances,
        sum(case when event_type = 'admission_episode' then 1 else 0 end) as sum_emergency_admissions
    from event_cells
    where la_code is not null
    group by la_code, collection_year, breakdown, breakdown_value
),

spine_counts as (
    {{ indicator_spine(['n_mh_contact', 'sum_ae_attendances', 'sum_emergency_admissions']) }}
),

unpivoted as (
    {{ indicator_rows(all_indicators) }}
),

final as (
    select
        indicator_id,
        area_code,
        period,
        breakdown,
        breakdown_value,
        numerator,
        denominator,
        score_variance
    from unpivoted
)

select * from final
