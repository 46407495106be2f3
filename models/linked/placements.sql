{#
    One row per placement: consecutive care episodes of a period of care joined
    while only the legal status changes (RNE = L). Type and provider are those of
    the placement's first episode. See cyplink__periods_of_care.
#}
with

care_episodes as (
    select
        person_id,
        la_code,
        la_child_id,
        period_number,
        placement_number,
        episode_number,
        episode_start_date,
        effective_end_date,
        reason_new_episode,
        placement_type,
        placement_provider,
        reason_place_change
    from {{ ref('care_episodes') }}
),

placement_bounds as (
    select
        la_code,
        la_child_id,
        placement_number,
        min(person_id) as person_id,
        min(period_number) as period_number,
        min(episode_number) as first_episode_number,
        max(episode_number) as last_episode_number,
        min(episode_start_date) as placement_start_date,
        count(*) as episode_count
    from care_episodes
    group by la_code, la_child_id, placement_number
),

final as (
    select
        placement_bounds.person_id,
        placement_bounds.la_code,
        placement_bounds.la_child_id,
        placement_bounds.period_number,
        placement_bounds.placement_number,
        placement_bounds.placement_start_date,
        last_episode.effective_end_date as placement_end_date,
        first_episode.reason_new_episode,
        first_episode.placement_type,
        first_episode.placement_provider,
        last_episode.reason_place_change as reason_placement_ended,
        placement_bounds.episode_count,
        first_episode.placement_type in ('A3', 'A4', 'A5', 'A6') as is_placed_for_adoption
    from placement_bounds
    inner join care_episodes as first_episode
        on
            placement_bounds.la_code = first_episode.la_code
            and placement_bounds.la_child_id = first_episode.la_child_id
            and placement_bounds.first_episode_number = first_episode.episode_number
    inner join care_episodes as last_episode
        on
            placement_bounds.la_code = last_episode.la_code
            and placement_bounds.la_child_id = last_episode.la_child_id
            and placement_bounds.last_episode_number = last_episode.episode_number
)

select * from final
