{#
    Health events for the research marts, one row per counted event, with the
    clinical flags the research questions need, all decided by the code lists
    (int_research__codelist_codes), never by codes written here:

    - gp_consultation: a day with at least one coded GP event (the GP extract has
      no consultation table; a "contact day" is the usual proxy); flags from every
      code recorded that day.
    - outpatient_attendance: an attended SUS outpatient appointment.
    - ae_attendance: an ECDS attendance; flags from its diagnoses and injury intent.
    - emergency_admission: the one APC row linked.health_events counts per
      emergency admission; flags from that episode's diagnoses.
    - other_admission: every other APC episode (flags only, e.g. chronic conditions).
    - mh_referral / mh_attended_contact: MHSDS referrals and attended care contacts
      (linked.mental_health_referrals, linked.mental_health_contacts).

    APC and ECDS diagnoses are not carried by linked.health_events, so they are
    joined from staging by the event id.
#}
with

health_events as (
    select
        person_id,
        source_system,
        event_type,
        event_id,
        event_date,
        event_code,
        is_attended,
        is_emergency_admission
    from {{ ref('health_events') }}
),

apc_diagnoses as (
    select
        episode_id,
        diagnoses
    from {{ ref('stg_sus__apc') }}
),

ecds_diagnoses as (
    select
        attendance_id,
        diagnoses,
        injury_intent_snomed
    from {{ ref('stg_sus__ecds') }}
),

mh_referrals as (
    select
        person_id,
        service_request_id,
        referral_date
    from {{ ref('mental_health_referrals') }}
    where person_id is not null
),

mh_contacts as (
    select
        person_id,
        care_contact_id,
        care_contact_date
    from {{ ref('mental_health_contacts') }}
    where person_id is not null
),

codes as (
    select
        condition,
        dataset,
        field,
        code,
        is_prefix
    from {{ ref('int_research__codelist_codes') }}
),

-- one row per recorded code, whatever the source
recorded_codes as (
    select
        'gp' as source_system,
        cast(null as {{ dbt.type_string() }}) as event_id,
        person_id,
        event_date,
        'gp' as dataset,
        'snomed_code' as field,
        event_code as code
    from health_events
    where event_type = 'gp_event' and event_code is not null
    union all
    select
        'sus_apc' as source_system,
        apc_diagnoses.episode_id as event_id,
        cast(null as {{ dbt.type_string() }}) as person_id,
        cast(null as date) as event_date,
        'hes_apc' as dataset,
        'diag' as field,
        upper(replace(diagnosis.code, '.', '')) as code
    from apc_diagnoses
    cross join unnest(apc_diagnoses.diagnoses) as diagnosis (code)
    union all
    select
        'sus_ecds' as source_system,
        ecds_diagnoses.attendance_id as event_id,
        cast(null as {{ dbt.type_string() }}) as person_id,
        cast(null as date) as event_date,
        'ecds' as dataset,
        'ec_diagnosis' as field,
        diagnosis.code
    from ecds_diagnoses
    cross join unnest(ecds_diagnoses.diagnoses) as diagnosis (code)
    union all
    select
        'sus_ecds' as source_system,
        attendance_id as event_id,
        cast(null as {{ dbt.type_string() }}) as person_id,
        cast(null as date) as event_date,
        'ecds' as dataset,
        'ec_injury_intent' as field,
        injury_intent_snomed as code
    from ecds_diagnoses
    where injury_intent_snomed is not null
),

matched_codes as (
    select
        recorded_codes.source_system,
        recorded_codes.event_id,
        recorded_codes.person_id,
        recorded_codes.event_date,
        max(case when codes.condition = 'self_harm' then 1 else 0 end) as is_self_harm,
        max(case when codes.condition = 'mental_health' then 1 else 0 end) as is_mental_health,
        max(case when codes.condition = 'injury' then 1 else 0 end) as is_injury,
        max(case when codes.condition = 'chronic_condition' then 1 else 0 end) as is_chronic_condition
    from recorded_codes
    inner join codes
        on
            recorded_codes.dataset = codes.dataset
            and recorded_codes.field = codes.field
            and (
                recorded_codes.code = codes.code
                or (codes.is_prefix and starts_with(recorded_codes.code, codes.code))
            )
    group by
        recorded_codes.source_system,
        recorded_codes.event_id,
        recorded_codes.person_id,
        recorded_codes.event_date
),

gp_flags as (
    select
        person_id,
        event_date,
        is_self_harm,
        is_mental_health,
        is_injury,
        is_chronic_condition
    from matched_codes
    where source_system = 'gp'
),

sus_flags as (
    select
        source_system,
        event_id,
        is_self_harm,
        is_mental_health,
        is_injury,
        is_chronic_condition
    from matched_codes
    where source_system <> 'gp'
),

gp_days as (
    select
        health_events.person_id,
        health_events.event_date,
        max(coalesce(gp_flags.is_self_harm, 0)) as is_self_harm,
        max(coalesce(gp_flags.is_mental_health, 0)) as is_mental_health,
        max(coalesce(gp_flags.is_injury, 0)) as is_injury,
        max(coalesce(gp_flags.is_chronic_condition, 0)) as is_chronic_condition
    from health_events
    left join gp_flags
        on
            health_events.person_id = gp_flags.person_id
            and health_events.event_date = gp_flags.event_date
    where health_events.event_type = 'gp_event'
    group by health_events.person_id, health_events.event_date
),

sus_events as (
    select
        health_events.person_id,
        health_events.source_system,
        health_events.event_id,
        health_events.event_date,
        case
            when health_events.event_type = 'ae_attendance' then 'ae_attendance'
            when health_events.event_type = 'outpatient_appointment' then 'outpatient_attendance'
            when health_events.is_emergency_admission then 'emergency_admission'
            else 'other_admission'
        end as event_type,
        coalesce(sus_flags.is_self_harm, 0) as is_self_harm,
        coalesce(sus_flags.is_mental_health, 0) as is_mental_health,
        coalesce(sus_flags.is_injury, 0) as is_injury,
        coalesce(sus_flags.is_chronic_condition, 0) as is_chronic_condition
    from health_events
    left join sus_flags
        on
            health_events.source_system = sus_flags.source_system
            and health_events.event_id = sus_flags.event_id
    where
        health_events.event_type in ('ae_attendance', 'admission_episode')
        or (health_events.event_type = 'outpatient_appointment' and health_events.is_attended)
),

unioned as (
    select
        person_id,
        'gp' as source_system,
        'gp_consultation' as event_type,
        cast(null as {{ dbt.type_string() }}) as event_id,
        event_date,
        is_self_harm,
        is_mental_health,
        is_injury,
        is_chronic_condition
    from gp_days
    union all
    select
        person_id,
        source_system,
        event_type,
        event_id,
        event_date,
        is_self_harm,
        is_mental_health,
        is_injury,
        is_chronic_condition
    from sus_events
    union all
    select
        person_id,
        'mhsds' as source_system,
        'mh_referral' as event_type,
        service_request_id as event_id,
        referral_date as event_date,
        0 as is_self_harm,
        0 as is_mental_health,
        0 as is_injury,
        0 as is_chronic_condition
    from mh_referrals
    union all
    select
        person_id,
        'mhsds' as source_system,
        'mh_attended_contact' as event_type,
        care_contact_id as event_id,
        care_contact_date as event_date,
        0 as is_self_harm,
        0 as is_mental_health,
        0 as is_injury,
        0 as is_chronic_condition
    from mh_contacts
),

final as (
    select
        person_id,
        source_system,
        event_type,
        event_id,
        event_date,
        is_self_harm = 1 as is_self_harm,
        is_mental_health = 1 as is_mental_health,
        is_injury = 1 as is_injury,
        is_chronic_condition = 1 as is_chronic_condition
    from unioned
    where person_id is not null and event_date is not null
)

select * from final
