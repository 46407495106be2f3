with

episodes as (

    select * from {{ ref('base_ssda903__episodes') }}
    where len(dq_errors) = 0

),

{{ person_key_import('csc') }},

ranked as (

    -- an episode open on 31 March is in two returns, possibly with a different DEC/REC:
    -- the latest return is the LA's latest word on it
    select
        *,
        count(*) over (
            partition by la_code, la_child_id, episode_start_date
        ) as n_returns,
        min(collection_year) over (
            partition by la_code, la_child_id, episode_start_date
        ) as first_collection_year,
        row_number() over (
            partition by la_code, la_child_id, episode_start_date
            order by collection_year desc, source_file desc, source_row_number desc
        ) as return_rank
    from episodes

),

latest as (

    select * from ranked
    where return_rank = 1

),

final as (

    select
        person_key.person_id,
        latest.la_code,
        latest.la_child_id,
        latest.collection_year as source_collection_year,
        latest.first_collection_year,
        latest.n_returns,
        latest.episode_start_date,
        latest.episode_end_date,
        latest.reason_new_episode,
        {{ cyplink_decode('ssda903_codes', 'RNE', 'latest.reason_new_episode') }} as reason_new_episode_description,
        latest.legal_status,
        {{ cyplink_decode('ssda903_codes', 'LS', 'latest.legal_status') }} as legal_status_description,
        latest.category_of_need,
        {{ cyplink_decode('ssda903_codes', 'CIN', 'latest.category_of_need') }} as category_of_need_description,
        latest.placement_type,
        {{ cyplink_decode('ssda903_codes', 'PLACE', 'latest.placement_type') }} as placement_type_description,
        latest.placement_provider,
        {{ cyplink_decode('ssda903_codes', 'PLACE_PROVIDER', 'latest.placement_provider') }}
            as placement_provider_description,
        latest.reason_episode_ceased,
        {{ cyplink_decode('ssda903_codes', 'REC', 'latest.reason_episode_ceased') }}
            as reason_episode_ceased_description,
        latest.reason_place_change,
        coalesce(latest.legal_status in ('V3', 'V4'), false) as is_short_break,
        {{ postcode_district('latest.home_postcode') }} as home_postcode_district,
        {{ postcode_district('latest.placement_postcode') }} as placement_postcode_district,
        latest.placement_urn,
        latest.source_file,
        latest.source_row_number
    from latest
    left join person_key
        on
            latest.la_code = person_key.provider_code
            and latest.la_child_id = person_key.source_record_id

)

select * from final
