{#
    Attended MHSDS care contacts (AttendOrDNACode 5 or 6, latest submission of
    each contact, deduplicated in staging), one row per care contact. See
    cyplink__mental_health_contact.
#}
with

care_contacts as (
    select
        person_id,
        service_request_id,
        care_contact_id,
        care_contact_date,
        attend_or_dna_code,
        is_attended
    from {{ ref('stg_mhsds__care_contacts') }}
),

final as (
    select
        person_id,
        service_request_id,
        care_contact_id,
        care_contact_date,
        {{ collection_year_of('care_contact_date') }} as collection_year,
        attend_or_dna_code
    from care_contacts
    where
        person_id is not null
        and coalesce(is_attended, attend_or_dna_code in ('5', '6'))
)

select * from final
