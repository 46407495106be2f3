{#
    Identifier values the linkage step could not use (set to null during
    standardisation, so never a join key), by source, provider, identifier and
    reason, with the share of the provider's records affected. Records with
    unusable identifiers are less likely to link; read with linkage_link_rates.
#}
with

invalid_identifiers as (
    select
        source_system,
        provider_code,
        identifier,
        reason,
        n_rows,
        n_records
    from {{ ref('stg_linkage__invalid_identifiers') }}
),

person_keys as (
    select
        source_system,
        provider_code
    from {{ ref('stg_linkage__person_keys') }}
),

local_authorities as (
    select
        la_code,
        la_name
    from {{ ref('ref_local_authorities') }}
),

provider_records as (
    select
        source_system,
        provider_code,
        count(*) as n_records_in_provider
    from person_keys
    group by source_system, provider_code
),

final as (
    select
        invalid_identifiers.source_system,
        invalid_identifiers.provider_code,
        coalesce(local_authorities.la_name, invalid_identifiers.provider_code) as provider_name,
        invalid_identifiers.identifier,
        invalid_identifiers.reason,
        invalid_identifiers.n_rows,
        invalid_identifiers.n_records,
        cast(coalesce(provider_records.n_records_in_provider, 0) as {{ dbt.type_bigint() }})
            as n_records_in_provider,
        {{ round_to(safe_divide('invalid_identifiers.n_records', 'provider_records.n_records_in_provider'), 6) }}
            as share_of_records
    from invalid_identifiers
    left join provider_records
        on
            invalid_identifiers.source_system = provider_records.source_system
            and invalid_identifiers.provider_code = provider_records.provider_code
    left join local_authorities
        on invalid_identifiers.provider_code = local_authorities.la_code
)

select * from final
