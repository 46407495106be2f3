with

source_rows as (

    select * from {{ ref('base_ssda903__sw_episodes') }}
    where len(dq_errors) = 0

),

{{ person_key_import('csc') }},

ranked as (

    -- a social worker episode spanning 31 March is in two returns: the latest return wins
    select
        *,
        row_number() over (
            partition by la_code, la_child_id, social_worker_id, sw_episode_start_date
            order by collection_year desc, source_file desc, source_row_number desc
        ) as row_rank
    from source_rows

),

final as (

    select
        person_key.person_id,
        ranked.la_code,
        ranked.collection_year,
        ranked.social_worker_id,
        ranked.sw_episode_start_date,
        ranked.sw_episode_end_date,
        ranked.sw_change_reason,
        ranked.source_file,
        ranked.source_row_number
    from ranked
    left join person_key
        on
            ranked.la_code = person_key.provider_code
            and ranked.la_child_id = person_key.source_record_id
    where ranked.row_rank = 1

)

select * from final
