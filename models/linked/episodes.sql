{#
    903 episodes across annual returns with their effective end date.
    Rules (models/docs/definitions.md, cyplink__periods_of_care): V3/V4 short
    breaks are flagged and left out of the chain; an open or overlapping episode
    ends when the child's next episode starts, except that an open episode
    followed (after its last return year) by a new period (RNE = S) ends at the
    end of that return year; an open episode missing from every later return of
    its LA closes at the end of the last year that reported it.
#}
with

source_episodes as (
    select
        person_id,
        la_code,
        la_child_id,
        source_collection_year,
        episode_start_date,
        episode_end_date,
        reason_new_episode,
        legal_status,
        category_of_need,
        placement_type,
        placement_provider,
        reason_episode_ceased,
        reason_place_change,
        is_short_break,
        source_file
    from {{ ref('stg_ssda903__episodes') }}
),

latest_return as (
    select
        la_code,
        max(source_collection_year) as latest_collection_year
    from source_episodes
    group by la_code
),

short_break_flagged as (
    select
        source_episodes.*,
        coalesce(
            source_episodes.is_short_break,
            source_episodes.legal_status in ('V3', 'V4'),
            false
        ) as is_v3_v4
    from source_episodes
),

care_episodes_ordered as (
    select
        short_break_flagged.*,
        lead(short_break_flagged.episode_start_date) over (
            partition by short_break_flagged.la_code, short_break_flagged.la_child_id
            order by short_break_flagged.episode_start_date
        ) as next_episode_start_date,
        lead(short_break_flagged.reason_new_episode) over (
            partition by short_break_flagged.la_code, short_break_flagged.la_child_id
            order by short_break_flagged.episode_start_date
        ) as next_reason_new_episode
    from short_break_flagged
    where not short_break_flagged.is_v3_v4
),

care_episodes_closed as (
    select
        care_episodes_ordered.*,
        case
            when
                care_episodes_ordered.episode_end_date is null
                and care_episodes_ordered.next_reason_new_episode = 'S'
                and {{ collection_year_end('care_episodes_ordered.source_collection_year') }}
                < care_episodes_ordered.next_episode_start_date
                then {{ collection_year_end('care_episodes_ordered.source_collection_year') }}
            when
                care_episodes_ordered.next_episode_start_date is not null
                and (
                    care_episodes_ordered.episode_end_date is null
                    or care_episodes_ordered.episode_end_date > care_episodes_ordered.next_episode_start_date
                )
                then care_episodes_ordered.next_episode_start_date
            when
                care_episodes_ordered.episode_end_date is null
                and care_episodes_ordered.next_episode_start_date is null
                and care_episodes_ordered.source_collection_year < latest_return.latest_collection_year
                then {{ collection_year_end('care_episodes_ordered.source_collection_year') }}
            else care_episodes_ordered.episode_end_date
        end as effective_end_date,
        case
            when
                care_episodes_ordered.episode_end_date is null
                and care_episodes_ordered.next_reason_new_episode = 'S'
                and {{ collection_year_end('care_episodes_ordered.source_collection_year') }}
                < care_episodes_ordered.next_episode_start_date
                then 'open_before_new_period'
            when
                care_episodes_ordered.next_episode_start_date is not null
                and care_episodes_ordered.episode_end_date is null
                then 'open_closed_by_next_episode'
            when
                care_episodes_ordered.next_episode_start_date is not null
                and care_episodes_ordered.episode_end_date > care_episodes_ordered.next_episode_start_date
                then 'overlap_closed_by_next_episode'
            when
                care_episodes_ordered.episode_end_date is null
                and care_episodes_ordered.next_episode_start_date is null
                and care_episodes_ordered.source_collection_year < latest_return.latest_collection_year
                then 'not_returned'
        end as closed_by_rule
    from care_episodes_ordered
    inner join latest_return
        on care_episodes_ordered.la_code = latest_return.la_code
),

short_breaks as (
    select
        short_break_flagged.*,
        cast(null as date) as next_episode_start_date,
        cast(null as {{ dbt.type_string() }}) as next_reason_new_episode,
        short_break_flagged.episode_end_date as effective_end_date,
        cast(null as {{ dbt.type_string() }}) as closed_by_rule
    from short_break_flagged
    where short_break_flagged.is_v3_v4
),

final as (
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
        is_v3_v4 as is_short_break,
        source_collection_year,
        source_file
    from care_episodes_closed
    union all
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
        is_v3_v4 as is_short_break,
        source_collection_year,
        source_file
    from short_breaks
)

select * from final
