{#
    One row per LA, child and collection year in which the child was looked
    after at any time (V3/V4 short breaks excluded), with every DfE rule the
    LAC indicators need evaluated as a flag or count. Rules:
    models/docs/definitions.md and the indicator catalogue.
#}
with

care_episodes as (
    select
        person_id,
        la_code,
        la_child_id,
        period_number,
        placement_number,
        episode_start_date,
        effective_end_date,
        reason_new_episode,
        reason_episode_ceased,
        placement_type
    from {{ ref('care_episodes') }}
),

short_breaks as (
    select
        la_code,
        la_child_id,
        episode_start_date,
        effective_end_date
    from {{ ref('episodes') }}
    where is_short_break
),

periods as (
    select
        la_code,
        la_child_id,
        period_number,
        period_start_date,
        period_end_date
    from {{ ref('periods_of_care') }}
),

persons as (
    select
        person_id,
        sex,
        birth_month
    from {{ ref('persons') }}
),

oc2 as (
    select
        la_code,
        la_child_id,
        collection_year,
        max(health_assessment) as health_assessment,
        max(immunisations) as immunisations,
        max(teeth_check) as teeth_check,
        max(sdq_score) as sdq_score
    from {{ ref('stg_ssda903__oc2') }}
    group by la_code, la_child_id, collection_year
),

mh_contacts as (
    select
        person_id,
        collection_year,
        count(*) as mh_contact_count
    from {{ ref('mental_health_contacts') }}
    group by person_id, collection_year
),

health_counts as (
    select
        person_id,
        collection_year,
        sum(case when event_type = 'ae_attendance' then 1 else 0 end) as ae_attendance_count,
        sum(case when is_emergency_admission then 1 else 0 end) as emergency_admission_count
    from {{ ref('health_events') }}
    where event_type in ('ae_attendance', 'admission_episode')
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

episode_years as (
    select
        care_episodes.*,
        collection_years.collection_year,
        collection_years.year_start_date,
        collection_years.year_end_date
    from care_episodes
    inner join collection_years
        on
            care_episodes.episode_start_date <= collection_years.year_end_date
            and (
                care_episodes.effective_end_date is null
                or care_episodes.effective_end_date >= collection_years.year_start_date
            )
),

episode_year_flags as (
    select
        episode_years.*,
        coalesce(episode_years.effective_end_date > episode_years.year_end_date, true)
            as is_open_at_31_march,
        episode_years.episode_start_date < episode_years.year_start_date as is_held_on_1_april,
        episode_years.episode_start_date >= episode_years.year_start_date as starts_in_year,
        coalesce(episode_years.effective_end_date <= episode_years.year_end_date, false) as ends_in_year
    from episode_years
),

child_years as (
    select
        la_code,
        la_child_id,
        collection_year,
        min(person_id) as person_id,
        min(year_start_date) as year_start_date,
        min(year_end_date) as year_end_date,
        max(case when is_open_at_31_march then 1 else 0 end) = 1 as is_looked_after_31_march,
        max(case when is_held_on_1_april then 1 else 0 end)
        + sum(case when starts_in_year and reason_new_episode in ('S', 'P', 'B', 'T', 'U') then 1 else 0 end)
            as placements_in_year,
        max(case when starts_in_year and reason_new_episode = 'S' then 1 else 0 end) = 1 as has_rne_s_in_year,
        max(
            case when ends_in_year and coalesce(reason_episode_ceased, 'X1') <> 'X1' then 1 else 0 end
        ) = 1 as has_rec_not_x1_in_year,
        max(case when is_open_at_31_march then period_number end) as period_number_31_march,
        max(
            case when is_open_at_31_march and placement_type in ('A3', 'A4', 'A5', 'A6') then 1 else 0 end
        ) = 1 as is_placed_for_adoption_31_march
    from episode_year_flags
    group by la_code, la_child_id, collection_year
),

period_events as (
    select
        child_years.la_code,
        child_years.la_child_id,
        child_years.collection_year,
        max(
            case when periods.period_start_date between child_years.year_start_date and child_years.year_end_date
                    then 1
                else 0
            end
        ) = 1 as started_in_year,
        max(
            case when periods.period_end_date between child_years.year_start_date and child_years.year_end_date
                    then 1
                else 0
            end
        ) = 1 as ceased_in_year
    from child_years
    inner join periods
        on
            child_years.la_code = periods.la_code
            and child_years.la_child_id = periods.la_child_id
    group by child_years.la_code, child_years.la_child_id, child_years.collection_year
),

short_break_years as (
    select distinct
        short_breaks.la_code,
        short_breaks.la_child_id,
        collection_years.collection_year
    from short_breaks
    inner join collection_years
        on
            short_breaks.episode_start_date <= collection_years.year_end_date
            and (
                short_breaks.effective_end_date is null
                or short_breaks.effective_end_date >= collection_years.year_start_date
            )
),

current_period as (
    select
        child_years.la_code,
        child_years.la_child_id,
        child_years.collection_year,
        periods.period_start_date as current_period_start_date
    from child_years
    inner join periods
        on
            child_years.la_code = periods.la_code
            and child_years.la_child_id = periods.la_child_id
            and child_years.period_number_31_march = periods.period_number
),

current_carer as (
    select
        child_years.la_code,
        child_years.la_child_id,
        child_years.collection_year,
        coalesce(
            max(
                case
                    when care_episodes.reason_new_episode in ('S', 'P', 'B') then care_episodes.episode_start_date
                end
            ),
            min(care_episodes.episode_start_date)
        ) as current_carer_start_date
    from child_years
    inner join care_episodes
        on
            child_years.la_code = care_episodes.la_code
            and child_years.la_child_id = care_episodes.la_child_id
            and child_years.period_number_31_march = care_episodes.period_number
            and child_years.year_end_date >= care_episodes.episode_start_date
    group by child_years.la_code, child_years.la_child_id, child_years.collection_year
),

joined as (
    select
        child_years.la_code,
        child_years.la_child_id,
        child_years.person_id,
        child_years.collection_year,
        child_years.year_start_date,
        child_years.year_end_date,
        coalesce(persons.sex, 'U') as sex,
        {{ age_in_years('persons.birth_month', 'child_years.year_end_date') }} as age_at_31_march,
        child_years.is_looked_after_31_march,
        coalesce(period_events.started_in_year, false) as started_in_year,
        coalesce(period_events.ceased_in_year, false) as ceased_in_year,
        child_years.placements_in_year,
        child_years.has_rne_s_in_year,
        child_years.has_rec_not_x1_in_year,
        short_break_years.la_code is not null as has_short_break_in_year,
        current_period.current_period_start_date,
        current_carer.current_carer_start_date,
        child_years.is_placed_for_adoption_31_march,
        oc2.health_assessment,
        oc2.immunisations,
        oc2.teeth_check,
        oc2.sdq_score,
        coalesce(mh_contacts.mh_contact_count, 0) as mh_contact_count,
        coalesce(health_counts.ae_attendance_count, 0) as ae_attendance_count,
        coalesce(health_counts.emergency_admission_count, 0) as emergency_admission_count
    from child_years
    left join period_events
        on
            child_years.la_code = period_events.la_code
            and child_years.la_child_id = period_events.la_child_id
            and child_years.collection_year = period_events.collection_year
    left join short_break_years
        on
            child_years.la_code = short_break_years.la_code
            and child_years.la_child_id = short_break_years.la_child_id
            and child_years.collection_year = short_break_years.collection_year
    left join current_period
        on
            child_years.la_code = current_period.la_code
            and child_years.la_child_id = current_period.la_child_id
            and child_years.collection_year = current_period.collection_year
    left join current_carer
        on
            child_years.la_code = current_carer.la_code
            and child_years.la_child_id = current_carer.la_child_id
            and child_years.collection_year = current_carer.collection_year
    left join persons
        on child_years.person_id = persons.person_id
    left join oc2
        on
            child_years.la_child_id = oc2.la_child_id
            and child_years.la_code = oc2.la_code
            and child_years.collection_year = oc2.collection_year
    left join mh_contacts
        on
            child_years.person_id = mh_contacts.person_id
            and child_years.collection_year = mh_contacts.collection_year
    left join health_counts
        on
            child_years.person_id = health_counts.person_id
            and child_years.collection_year = health_counts.collection_year
),

final as (
    select
        la_code,
        la_child_id,
        person_id,
        collection_year,
        sex,
        age_at_31_march,
        {{ dfe_age_group('age_at_31_march') }} as age_group,
        is_looked_after_31_march,
        started_in_year,
        ceased_in_year,
        placements_in_year,
        is_looked_after_31_march and placements_in_year >= 3 as has_3plus_placements,
        is_looked_after_31_march
        and age_at_31_march < 16
        and current_period_start_date <= {{ dbt.dateadd('day', -913, 'year_end_date') }}
            as is_in_long_term_stability_cohort,
        is_looked_after_31_march
        and (
            current_carer_start_date <= {{ dbt.dateadd('day', -730, 'year_end_date') }}
            or is_placed_for_adoption_31_march
        ) as is_in_same_placement_2_years,
        is_looked_after_31_march
        and current_period_start_date < year_start_date
        and not has_rne_s_in_year
        and not has_rec_not_x1_in_year
        and not has_short_break_in_year as is_in_oc2_cohort,
        has_short_break_in_year,
        health_assessment,
        immunisations,
        teeth_check,
        sdq_score,
        mh_contact_count > 0 as has_mh_contact_in_year,
        ae_attendance_count,
        emergency_admission_count
    from joined
)

select * from final
