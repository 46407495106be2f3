{#
    RQ1 building block: events and person-time per LA, collection year, measure,
    population group, age band and sex. The standardisation itself is in
    rq1_service_use_rates.

    - looked_after: time spent in a period of care (linked.periods_of_care, V3/V4
      short breaks already excluded) inside the collection year, in the LA that
      looks after the child; events dated inside that time. Open periods are
      followed to the end of the data.
    - all_children: every child resident in the LA on 31 March (linked
      person_year_panel, aged 0-17), events in the collection year; person-time is
      the ONS mid-year estimate of the calendar year in which the collection year
      starts (as the DESIGN.md indicators use).
    Age band: DfE age group of the age on 31 March of the collection year (for the
    ONS estimate, the single year of age); sex M or F (U has no standard
    population and is kept as its own stratum, counted in crude rates only).
#}
with

periods as (
    select
        person_id,
        la_code,
        period_start_date,
        coalesce(period_end_date, {{ research_end_of_data() }}) as period_end_date
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

panel as (
    select
        person_id,
        collection_year,
        la_code,
        sex,
        age_at_31_march
    from {{ ref('person_year_panel') }}
    where age_at_31_march between 0 and 17
),

population as (
    select
        la_code,
        age,
        sex,
        population,
        year + 1 as collection_year
    from {{ ref('stg_reference__population') }}
    where age between 0 and 17
),

events as (
    select
        person_id,
        event_type as measure,
        event_date,
        {{ collection_year_of('event_date') }} as collection_year
    from {{ ref('int_research__clinical_events') }}
    where event_type in (
            'mh_referral', 'mh_attended_contact', 'gp_consultation',
            'outpatient_attendance', 'ae_attendance', 'emergency_admission'
        )
),

measures as (
    select distinct measure from events
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

-- a period's time inside each collection year it overlaps
care_time as (
    select
        periods.person_id,
        periods.la_code,
        collection_years.collection_year,
        collection_years.year_end_date,
        greatest(periods.period_start_date, collection_years.year_start_date) as time_start_date,
        least(periods.period_end_date, collection_years.year_end_date) as time_end_date
    from periods
    inner join collection_years
        on
            periods.period_start_date <= collection_years.year_end_date
            and periods.period_end_date >= collection_years.year_start_date
),

care_time_aged as (
    select
        care_time.*,
        coalesce(persons.sex, 'U') as sex,
        {{ age_in_years('persons.birth_month', 'care_time.year_end_date') }} as age_at_31_march,
        1 + (
            {{ research_days_between('care_time.time_start_date', 'care_time.time_end_date') }}
        ) as days_in_care
    from care_time
    left join persons
        on care_time.person_id = persons.person_id
),

care_time_banded as (
    select
        person_id,
        la_code,
        collection_year,
        time_start_date,
        time_end_date,
        sex,
        {{ dfe_age_group('age_at_31_march') }} as age_band,
        days_in_care / 365.25 as person_years
    from care_time_aged
),

care_denominators as (
    select
        la_code,
        collection_year,
        age_band,
        sex,
        count(distinct person_id) as children,
        sum(person_years) as person_years
    from care_time_banded
    group by la_code, collection_year, age_band, sex
),

care_events as (
    select
        care_time_banded.la_code,
        care_time_banded.collection_year,
        care_time_banded.age_band,
        care_time_banded.sex,
        events.measure,
        count(*) as events
    from care_time_banded
    inner join events
        on
            care_time_banded.person_id = events.person_id
            and events.event_date between care_time_banded.time_start_date and care_time_banded.time_end_date
    group by
        care_time_banded.la_code,
        care_time_banded.collection_year,
        care_time_banded.age_band,
        care_time_banded.sex,
        events.measure
),

population_denominators as (
    select
        la_code,
        collection_year,
        {{ dfe_age_group('age') }} as age_band,
        sex,
        sum(population) as children,
        sum(population) as person_years
    from population
    group by la_code, collection_year, {{ dfe_age_group('age') }}, sex
),

resident_events as (
    select
        panel.la_code,
        panel.collection_year,
        {{ dfe_age_group('panel.age_at_31_march') }} as age_band,
        panel.sex,
        events.measure,
        count(*) as events
    from panel
    inner join events
        on
            panel.person_id = events.person_id
            and panel.collection_year = events.collection_year
    group by
        panel.la_code,
        panel.collection_year,
        {{ dfe_age_group('panel.age_at_31_march') }},
        panel.sex,
        events.measure
),

denominators as (
    select
        'looked_after' as population_group,
        *
    from care_denominators
    union all
    select
        'all_children' as population_group,
        *
    from population_denominators
),

event_counts as (
    select
        'looked_after' as population_group,
        *
    from care_events
    union all
    select
        'all_children' as population_group,
        *
    from resident_events
),

-- every measure for every stratum with person-time, events 0 when none
strata as (
    select
        denominators.population_group,
        denominators.la_code,
        denominators.collection_year,
        measures.measure,
        denominators.age_band,
        denominators.sex,
        denominators.children,
        denominators.person_years
    from denominators
    cross join measures
),

final as (
    select
        strata.la_code,
        strata.collection_year,
        strata.measure,
        strata.population_group,
        strata.age_band,
        strata.sex,
        strata.children,
        strata.person_years,
        coalesce(event_counts.events, 0) as events
    from strata
    left join event_counts
        on
            strata.population_group = event_counts.population_group
            and strata.la_code = event_counts.la_code
            and strata.collection_year = event_counts.collection_year
            and strata.measure = event_counts.measure
            and strata.age_band = event_counts.age_band
            and strata.sex = event_counts.sex
    where strata.collection_year between {{ var('first_collection_year') }} and {{ var('last_collection_year') }}
)

select * from final
