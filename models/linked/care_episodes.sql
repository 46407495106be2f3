{#
    Episodes of care (V3/V4 short breaks left out) numbered into periods of care
    and placements. A new period starts at the child's first episode, after a gap
    of a day or more, after an episode that ceased with a reason other than X1,
    or at an episode with RNE = S. A new placement starts with every new period
    and every episode whose RNE is S, P, B, T or U (RNE = L, a change of legal
    status only, keeps the placement). See cyplink__periods_of_care.
#}
with

source_episodes as (
    select
        person_id,
        la_code,
        la_child_id,
        episode_start_date,
        episode_end_date,
        effective_end_date,
        closed_by_rule,
        reason_new_episode,
        legal_status,
        category_of_need,
        placement_type,
        placement_provider,
        reason_episode_ceased,
        reason_place_change,
        source_collection_year
    from {{ ref('episodes') }}
    where not is_short_break
),

episodes_with_previous as (
    select
        source_episodes.*,
        lag(source_episodes.effective_end_date) over (
            partition by source_episodes.la_code, source_episodes.la_child_id
            order by source_episodes.episode_start_date
        ) as previous_end_date,
        lag(source_episodes.reason_episode_ceased) over (
            partition by source_episodes.la_code, source_episodes.la_child_id
            order by source_episodes.episode_start_date
        ) as previous_reason_ceased,
        row_number() over (
            partition by source_episodes.la_code, source_episodes.la_child_id
            order by source_episodes.episode_start_date
        ) as episode_number
    from source_episodes
),

starts_flagged as (
    select
        episodes_with_previous.*,
        case
            when episodes_with_previous.episode_number = 1 then 1
            when episodes_with_previous.reason_new_episode = 'S' then 1
            when episodes_with_previous.previous_end_date is null then 1
            when episodes_with_previous.episode_start_date > episodes_with_previous.previous_end_date then 1
            when coalesce(episodes_with_previous.previous_reason_ceased, 'X1') <> 'X1' then 1
            else 0
        end as is_period_start
    from episodes_with_previous
),

placement_starts_flagged as (
    select
        starts_flagged.*,
        case
            when starts_flagged.is_period_start = 1 then 1
            when starts_flagged.reason_new_episode in ('S', 'P', 'B', 'T', 'U') then 1
            else 0
        end as is_placement_start
    from starts_flagged
),

final as (
    select
        person_id,
        la_code,
        la_child_id,
        episode_number,
        episode_start_date,
        episode_end_date,
        effective_end_date,
        closed_by_rule,
        reason_new_episode,
        legal_status,
        category_of_need,
        placement_type,
        placement_provider,
        reason_episode_ceased,
        reason_place_change,
        source_collection_year,
        sum(is_period_start) over (
            partition by la_code, la_child_id
            order by episode_start_date
            rows between unbounded preceding and current row
        ) as period_number,
        sum(is_placement_start) over (
            partition by la_code, la_child_id
            order by episode_start_date
            rows between unbounded preceding and current row
        ) as placement_number,
        is_period_start = 1 as is_period_start,
        is_placement_start = 1 as is_placement_start
    from placement_starts_flagged
)

select * from final
