{#
    The `all_` health indicators for all children in the LA, per LA, collection
    year and breakdown cell (all, sex), before disclosure control. Each event
    (attended MHSDS contact, ECDS attendance, emergency admission) of a child
    aged 0 to 17 (birthday taken as the end of the birth month) counts for the
    LA where the child lived on the event date: the HES LA of residence for
    admissions, otherwise the person's residence spell
    (person_residence). MH contact counts children once, in the LA of their
    first attended contact of the year. Denominator: ONS mid-year population
    aged 0 to 17 of the calendar year in which the collection year starts
    (cyplink__linked_residence).
#}
{%- set all_indicators = [
    ('all_mh_service_contact_pct', 'n_mh_contact'),
    ('all_ae_attendance_rate_per_1000', 'sum_ae_attendances'),
    ('all_emergency_admission_rate_per_1000', 'sum_emergency_admissions'),
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

first_mh_contacts as (
    select
        person_id,
        collection_year,
        min(event_date) as event_date
    from mh_contacts
    group by person_id, collection_year
),

events as (
    select
        person_id,
        'mh_contact' as event_type,
        event_date,
        collection_year,
        cast(null as {{ dbt.type_string() }}) as recorded_la_code
    from first_mh_contacts
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

event_cells as (
    select
        events_resident.*,
        'all' as breakdown,
        'all' as breakdown_value
    from events_resident
    union all
    select
        events_resident.*,
        'sex' as breakdown,
        case events_resident.sex when 'M' then 'male' when 'F' then 'female' else 'unknown' end as breakdown_value
    from events_resident
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
    select
        la_years.la_code,
        la_years.collection_year,
        breakdown_cells.breakdown,
        breakdown_cells.breakdown_value,
        population.population_0_17,
        coalesce(cell_counts.n_mh_contact, 0) as n_mh_contact,
        coalesce(cell_counts.sum_ae_attendances, 0) as sum_ae_attendances,
        coalesce(cell_counts.sum_emergency_admissions, 0) as sum_emergency_admissions
    from la_years
    cross join breakdown_cells
    left join cell_counts
        on
            la_years.la_code = cell_counts.la_code
            and la_years.collection_year = cell_counts.collection_year
            and breakdown_cells.breakdown = cell_counts.breakdown
            and breakdown_cells.breakdown_value = cell_counts.breakdown_value
    left join population
        on
            la_years.la_code = population.la_code
            and la_years.collection_year = population.collection_year
            and breakdown_cells.breakdown = population.breakdown
            and breakdown_cells.breakdown_value = population.breakdown_value
),

unpivoted as (
    {% for indicator_id, numerator in all_indicators %}
        select
            '{{ indicator_id }}' as indicator_id,
            la_code as area_code,
            collection_year as period,
            breakdown,
            breakdown_value,
            cast({{ numerator }} as {{ dbt.type_bigint() }}) as numerator,
            cast(population_0_17 as {{ dbt.type_bigint() }}) as denominator,
            cast(null as {{ type_double() }}) as score_variance
        from spine_counts
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
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
