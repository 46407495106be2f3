{#
    Health service events from GP, SUS APC, SUS OP and ECDS in one long table,
    one row per source event. Emergency admissions are counted once per
    admission (cyplink__emergency_admission): `is_emergency_admission` is true
    only on the first episode of each spell (`epiorder` 1; two spells begun the
    same day are two admissions), or, where the episode order is missing, on one
    episode per person and admission date.
#}
with

gp_events as (
    select
        person_id,
        event_date,
        snomed_code
    from {{ ref('stg_gp__events') }}
),

apc_episodes as (
    select
        person_id,
        episode_id,
        admission_date,
        episode_order,
        is_emergency_admission,
        la_code_of_residence
    from {{ ref('stg_sus__apc') }}
),

op_appointments as (
    select
        person_id,
        appointment_id,
        appointment_date,
        is_attended
    from {{ ref('stg_sus__op') }}
),

ecds_attendances as (
    select
        person_id,
        attendance_id,
        arrival_date
    from {{ ref('stg_sus__ecds') }}
),

apc_episode_positions as (
    select
        person_id,
        episode_id,
        admission_date,
        episode_order,
        is_emergency_admission,
        la_code_of_residence,
        count(case when episode_order = 1 then 1 end) over (
            partition by person_id, admission_date
        ) as first_episodes_that_day,
        row_number() over (
            partition by person_id, admission_date
            order by episode_order, episode_id
        ) as position_that_day
    from apc_episodes
),

apc_admissions as (
    select
        person_id,
        episode_id,
        admission_date,
        is_emergency_admission,
        la_code_of_residence,
        coalesce(
            episode_order = 1,
            first_episodes_that_day = 0 and position_that_day = 1
        ) as is_first_episode_of_admission
    from apc_episode_positions
),

unioned as (
    select
        person_id,
        'gp' as source_system,
        'gp_event' as event_type,
        cast(null as {{ dbt.type_string() }}) as event_id,
        event_date,
        snomed_code as event_code,
        cast(null as boolean) as is_attended,
        false as is_emergency_admission,
        cast(null as {{ dbt.type_string() }}) as recorded_la_code
    from gp_events
    union all
    select
        person_id,
        'sus_apc' as source_system,
        'admission_episode' as event_type,
        episode_id as event_id,
        admission_date as event_date,
        cast(null as {{ dbt.type_string() }}) as event_code,
        cast(null as boolean) as is_attended,
        coalesce(is_emergency_admission and is_first_episode_of_admission, false) as is_emergency_admission,
        la_code_of_residence as recorded_la_code
    from apc_admissions
    union all
    select
        person_id,
        'sus_op' as source_system,
        'outpatient_appointment' as event_type,
        appointment_id as event_id,
        appointment_date as event_date,
        cast(null as {{ dbt.type_string() }}) as event_code,
        is_attended,
        false as is_emergency_admission,
        cast(null as {{ dbt.type_string() }}) as recorded_la_code
    from op_appointments
    union all
    select
        person_id,
        'sus_ecds' as source_system,
        'ae_attendance' as event_type,
        attendance_id as event_id,
        arrival_date as event_date,
        cast(null as {{ dbt.type_string() }}) as event_code,
        true as is_attended,
        false as is_emergency_admission,
        cast(null as {{ dbt.type_string() }}) as recorded_la_code
    from ecds_attendances
),

final as (
    select
        person_id,
        source_system,
        event_type,
        event_id,
        event_date,
        {{ collection_year_of('event_date') }} as collection_year,
        event_code,
        is_attended,
        is_emergency_admission,
        recorded_la_code
    from unioned
    where person_id is not null
)

select * from final
