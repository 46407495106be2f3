{#
    LA of residence over time: one row per person and residence spell. Every
    dated record that places a person in an LA is an observation: GP
    registration start (registered LA of residence), school census day (LA of
    the return), admitted patient care (HES LA of residence), CIN referral and
    903 episode start (the LA working with the child), and the identifier rows
    whose postcode the linkage step placed in an LA
    (stg_linkage__residence_observations). A recorded postcode may be stale (the
    previous address kept), never ahead of time, so identifier postcodes count
    only where they show an LA earlier than any content record does (the first
    such row): they date a move, they cannot move a child back. Observations are
    ordered by date; a spell runs from an observation to the next observation in
    a different LA. When every GP registration of the person has ended, the last
    end date is an exit (la_code null: not resident). The first spell also
    covers earlier dates (`is_first_spell`). See cyplink__linked_residence.
#}
with

gp_registrations as (
    select
        person_id,
        registration_start_date,
        registration_end_date,
        la_code_of_residence
    from {{ ref('stg_gp__patients') }}
    where person_id is not null
),

school_census as (
    select
        person_id,
        la_code,
        census_year,
        census_term
    from {{ ref('stg_school_census__pupils_on_roll') }}
    where person_id is not null
),

apc_episodes as (
    select
        person_id,
        admission_date,
        la_code_of_residence
    from {{ ref('stg_sus__apc') }}
    where person_id is not null and la_code_of_residence is not null
),

cin_referrals as (
    select
        person_id,
        la_code,
        referral_date
    from {{ ref('stg_cin__referrals') }}
    where person_id is not null
),

care_episodes as (
    select
        person_id,
        la_code,
        episode_start_date
    from {{ ref('care_episodes') }}
    where person_id is not null
),

identifier_postcodes as (
    select
        person_id,
        observed_date,
        la_code
    from {{ ref('stg_linkage__residence_observations') }}
),

gp_exits as (
    select
        person_id,
        max(registration_end_date) as exit_date
    from gp_registrations
    group by person_id
    having count(*) = count(registration_end_date)
),

content_observations as (
    select
        person_id,
        registration_start_date as observed_date,
        la_code_of_residence as la_code,
        'gp_registration' as evidence_source
    from gp_registrations
    where registration_start_date is not null and la_code_of_residence is not null
    union all
    select
        person_id,
        exit_date as observed_date,
        cast(null as {{ dbt.type_string() }}) as la_code,
        'gp_registration_ended' as evidence_source
    from gp_exits
    union all
    select
        person_id,
        case census_term
            when 'autumn' then {{ cyplink_make_date('census_year - 1', 10, 5) }}
            when 'spring' then {{ cyplink_make_date('census_year', 1, 18) }}
            else {{ cyplink_make_date('census_year', 5, 16) }}
        end as observed_date,
        la_code,
        'school_census' as evidence_source
    from school_census
    union all
    select
        person_id,
        admission_date as observed_date,
        la_code_of_residence as la_code,
        'sus_apc' as evidence_source
    from apc_episodes
    union all
    select
        person_id,
        referral_date as observed_date,
        la_code,
        'cin_referral' as evidence_source
    from cin_referrals
    union all
    select
        person_id,
        episode_start_date as observed_date,
        la_code,
        'ssda903_episode' as evidence_source
    from care_episodes
),

content_first_seen as (
    select
        person_id,
        la_code,
        min(observed_date) as first_observed_date
    from content_observations
    where la_code is not null
    group by person_id, la_code
),

postcode_first_seen as (
    select
        person_id,
        la_code,
        min(observed_date) as first_observed_date
    from identifier_postcodes
    group by person_id, la_code
),

new_la_postcodes as (
    select
        postcode_first_seen.person_id,
        postcode_first_seen.first_observed_date as observed_date,
        postcode_first_seen.la_code,
        'identifier_postcode' as evidence_source
    from postcode_first_seen
    left join content_first_seen
        on
            postcode_first_seen.person_id = content_first_seen.person_id
            and postcode_first_seen.la_code = content_first_seen.la_code
    where
        content_first_seen.first_observed_date is null
        or postcode_first_seen.first_observed_date < content_first_seen.first_observed_date
),

observations as (
    select
        person_id,
        observed_date,
        la_code,
        evidence_source
    from content_observations
    union all
    select
        person_id,
        observed_date,
        la_code,
        evidence_source
    from new_la_postcodes
),

ordered as (
    select
        person_id,
        observed_date,
        la_code,
        evidence_source,
        lag(coalesce(la_code, '-')) over (
            partition by person_id
            order by observed_date, evidence_source, la_code
        ) as previous_la_code
    from observations
    where observed_date is not null
),

spell_starts as (
    select
        person_id,
        observed_date,
        la_code,
        evidence_source,
        case
            when previous_la_code is null or previous_la_code <> coalesce(la_code, '-') then 1 else 0
        end as is_spell_start
    from ordered
),

spells_numbered as (
    select
        person_id,
        observed_date,
        la_code,
        case when is_spell_start = 1 then evidence_source end as start_evidence_source,
        sum(is_spell_start) over (
            partition by person_id
            order by observed_date, evidence_source, la_code
            rows between unbounded preceding and current row
        ) as spell_number
    from spell_starts
),

spells as (
    select
        person_id,
        spell_number,
        min(la_code) as la_code,
        min(observed_date) as valid_from,
        max(observed_date) as last_observed_date,
        count(*) as observation_count,
        max(start_evidence_source) as start_evidence_source
    from spells_numbered
    group by person_id, spell_number
),

final as (
    select
        person_id,
        spell_number,
        la_code,
        valid_from,
        last_observed_date,
        observation_count,
        start_evidence_source,
        lead(valid_from) over (partition by person_id order by spell_number) as valid_to,
        spell_number = 1 as is_first_spell
    from spells
)

select * from final
