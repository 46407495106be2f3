{#
    Link rates of each LA source (csc, school_census) to the health sources, per
    LA, overall and by characteristic, with the characteristics of linked and
    unlinked records side by side (GUILD, Gilbert et al. 2018; Harron et al. 2017).
    `all`, `age_group` and `sex` come from the linkage step (characteristics in
    the identifier extracts); `ethnicity_group` and `ethnicity` are counted here
    from the record-level links, because ethnicity is recorded only in content.
    `share_of_linked` / `share_of_not_linked`: the cell's share of the linked /
    unlinked records of its source, LA and breakdown; a gap between the two
    means linkage is selective on that characteristic.
#}
with

identifier_rates as (
    select
        source_system,
        la_code,
        breakdown,
        breakdown_value,
        n_records,
        n_linked_any_health,
        n_linked_gp,
        n_linked_sus,
        n_linked_mhsds
    from {{ ref('stg_linkage__link_rates') }}
),

record_links as (
    select
        source_system,
        la_code,
        ethnicity,
        ethnicity_group,
        linked_any_health,
        linked_gp,
        linked_sus,
        linked_mhsds
    from {{ ref('linkage_la_record_links') }}
),

local_authorities as (
    select
        la_code,
        la_name
    from {{ ref('ref_local_authorities') }}
),

identifier_cells as (
    select
        source_system,
        la_code,
        breakdown,
        breakdown_value,
        'identifiers' as characteristic_source,
        n_records,
        n_linked_any_health,
        n_linked_gp,
        n_linked_sus,
        n_linked_mhsds
    from identifier_rates
),

content_records as (
    select
        source_system,
        la_code,
        'ethnicity_group' as breakdown,
        ethnicity_group as breakdown_value,
        linked_any_health,
        linked_gp,
        linked_sus,
        linked_mhsds
    from record_links
    union all
    select
        source_system,
        la_code,
        'ethnicity' as breakdown,
        ethnicity as breakdown_value,
        linked_any_health,
        linked_gp,
        linked_sus,
        linked_mhsds
    from record_links
),

content_cells as (
    select
        source_system,
        la_code,
        breakdown,
        breakdown_value,
        'la_content' as characteristic_source,
        count(*) as n_records,
        sum(linked_any_health) as n_linked_any_health,
        sum(linked_gp) as n_linked_gp,
        sum(linked_sus) as n_linked_sus,
        sum(linked_mhsds) as n_linked_mhsds
    from content_records
    group by source_system, la_code, breakdown, breakdown_value
),

cells as (
    select * from identifier_cells
    union all
    select * from content_cells
),

with_shares as (
    select
        cells.*,
        cells.n_records - cells.n_linked_any_health as n_not_linked,
        sum(cells.n_linked_any_health) over (
            partition by cells.source_system, cells.la_code, cells.breakdown
        ) as breakdown_linked,
        sum(cells.n_records - cells.n_linked_any_health) over (
            partition by cells.source_system, cells.la_code, cells.breakdown
        ) as breakdown_not_linked
    from cells
),

final as (
    select
        with_shares.source_system,
        with_shares.la_code as area_code,
        coalesce(local_authorities.la_name, with_shares.la_code) as area_name,
        with_shares.breakdown,
        with_shares.breakdown_value,
        with_shares.characteristic_source,
        cast(with_shares.n_records as {{ dbt.type_bigint() }}) as n_records,
        cast(with_shares.n_linked_any_health as {{ dbt.type_bigint() }}) as n_linked_any_health,
        cast(with_shares.n_not_linked as {{ dbt.type_bigint() }}) as n_not_linked,
        cast(with_shares.n_linked_gp as {{ dbt.type_bigint() }}) as n_linked_gp,
        cast(with_shares.n_linked_sus as {{ dbt.type_bigint() }}) as n_linked_sus,
        cast(with_shares.n_linked_mhsds as {{ dbt.type_bigint() }}) as n_linked_mhsds,
        {{ round_to(safe_divide('with_shares.n_linked_any_health', 'with_shares.n_records'), 4) }}
            as link_rate_any_health,
        {{ round_to(safe_divide('with_shares.n_linked_gp', 'with_shares.n_records'), 4) }} as link_rate_gp,
        {{ round_to(safe_divide('with_shares.n_linked_sus', 'with_shares.n_records'), 4) }} as link_rate_sus,
        {{ round_to(safe_divide('with_shares.n_linked_mhsds', 'with_shares.n_records'), 4) }} as link_rate_mhsds,
        {{ round_to(safe_divide('with_shares.n_linked_any_health', 'with_shares.breakdown_linked'), 4) }}
            as share_of_linked,
        {{ round_to(safe_divide('with_shares.n_not_linked', 'with_shares.breakdown_not_linked'), 4) }}
            as share_of_not_linked
    from with_shares
    left join local_authorities
        on with_shares.la_code = local_authorities.la_code
)

select * from final
