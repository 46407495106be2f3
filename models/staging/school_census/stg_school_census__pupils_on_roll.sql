-- Pupils on roll (7.5 million rows at scale 1.0) feed five models and several tests:
-- a table runs the deduplication once, not again in each of them.
{{ config(materialized='table') }}

with

pupils as (

    select * from {{ ref('base_school_census__pupilonroll') }}
    where len(dq_errors) = 0

),

{{ person_key_import('school_census') }},

person_key_by_upn as (

    -- UPN is national: a pupil whose census LA differs from the LA of the identifier
    -- extract still links, when the UPN points to one person only
    select
        source_record_id,
        min(person_id) as person_id
    from person_key
    group by source_record_id
    having count(distinct person_id) = 1

),

ethnicity as (

    select
        code,
        major_group
    from {{ ref('ethnicity_codes') }}

),

ranked as (

    -- a pupil is on roll once per school per census: repeated rows (the same census sent
    -- twice, a pupil listed twice) keep the last row of the latest file
    select
        *,
        row_number() over (
            partition by la_code, census_year, census_term, upn, laestab
            order by source_file desc, source_row_number desc
        ) as row_rank
    from pupils

),

final as (

    select
        coalesce(person_key.person_id, person_key_by_upn.person_id) as person_id,
        ranked.la_code,
        cast(ranked.census_year as integer) as census_year,
        ranked.census_term,
        ranked.laestab,
        cast(date_trunc('month', ranked.date_of_birth) as date) as birth_month,
        year(ranked.date_of_birth) as birth_year,
        ranked.gender as sex,
        ranked.ethnicity_code as ethnicity,
        ethnicity.major_group as ethnicity_group,
        ranked.entry_date,
        ranked.enrol_status,
        ranked.nc_year_actual,
        ranked.sen_provision,
        {{ cyplink_decode('school_census_codes', 'SEN_PROVISION', 'ranked.sen_provision') }}
            as sen_provision_description,
        cast(ranked.fsm_eligible as integer) as fsm_eligible,
        ranked.sessions_possible,
        ranked.sessions_authorised_absence,
        ranked.sessions_unauthorised_absence,
        ranked.source_file,
        ranked.source_row_number
    from ranked
    left join person_key
        on
            ranked.la_code = person_key.provider_code
            and ranked.upn = person_key.source_record_id
    left join person_key_by_upn
        on ranked.upn = person_key_by_upn.source_record_id
    left join ethnicity
        on ranked.ethnicity_code = ethnicity.code
    where ranked.row_rank = 1

)

select * from final
