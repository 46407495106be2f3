{#
    One row per continuous period of care: the chain of care episodes sharing a
    period number in `care_episodes` (rules in cyplink__periods_of_care).
#}
with

care_episodes as (
    select
        person_id,
        la_code,
        la_child_id,
        period_number,
        episode_number,
        placement_number,
        episode_start_date,
        effective_end_date,
        reason_new_episode,
        reason_episode_ceased,
        legal_status
    from {{ ref('care_episodes') }}
),

period_bounds as (
    select
        la_code,
        la_child_id,
        period_number,
        min(person_id) as person_id,
        min(episode_start_date) as period_start_date,
        min(episode_number) as first_episode_number,
        max(episode_number) as last_episode_number,
        count(*) as episode_count,
        count(distinct placement_number) as placement_count
    from care_episodes
    group by la_code, la_child_id, period_number
),

final as (
    select
        period_bounds.person_id,
        period_bounds.la_code,
        period_bounds.la_child_id,
        period_bounds.period_number,
        period_bounds.period_start_date,
        care_episodes.effective_end_date as period_end_date,
        care_episodes.reason_episode_ceased as reason_period_ceased,
        care_episodes.legal_status as last_legal_status,
        period_bounds.episode_count,
        period_bounds.placement_count,
        care_episodes.effective_end_date is null as is_open,
        first_episode.reason_new_episode <> 'S' as is_left_censored
    from period_bounds
    inner join care_episodes as first_episode
        on
            period_bounds.la_code = first_episode.la_code
            and period_bounds.la_child_id = first_episode.la_child_id
            and period_bounds.first_episode_number = first_episode.episode_number
    inner join care_episodes
        on
            period_bounds.la_code = care_episodes.la_code
            and period_bounds.la_child_id = care_episodes.la_child_id
            and period_bounds.last_episode_number = care_episodes.episode_number
)

select * from final
