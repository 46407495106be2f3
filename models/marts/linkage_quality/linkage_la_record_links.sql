{#
    One row per LA identifier record (csc, school_census) in the person key,
    without its record key: whether the record's person also has a GP, SUS or
    MHSDS record, and the ethnicity that the LA source itself recorded for the
    person (the identifier extracts carry no ethnicity, so it comes from
    content: 903 header, then CIN census, for csc; school census for
    school_census). Codes recorded in the record's own LA come first, then
    those in another LA's returns (a child who moved); within those the latest
    known code wins: a code in the `Unknown` major group (refused, not
    obtained) only when nothing else was recorded; ties go to the 903 over the
    CIN census.
#}
with

person_keys as (
    select
        source_system,
        provider_code,
        person_id,
        match_probability,
        link_method
    from {{ ref('stg_linkage__person_keys') }}
),

headers as (
    select
        person_id,
        la_code,
        collection_year,
        ethnicity
    from {{ ref('stg_ssda903__headers') }}
),

cin_children as (
    select
        person_id,
        la_code,
        collection_year,
        ethnicity
    from {{ ref('stg_cin__children') }}
),

pupils as (
    select
        person_id,
        la_code,
        census_year,
        ethnicity
    from {{ ref('stg_school_census__pupils_on_roll') }}
),

ethnicity_codes as (
    select
        code,
        major_group
    from {{ ref('ethnicity_codes') }}
),

la_records as (
    select
        source_system,
        provider_code as la_code,
        person_id,
        match_probability,
        link_method
    from person_keys
    where source_system in ('csc', 'school_census')
),

health_links as (
    select
        person_id,
        max(case when source_system = 'gp' then 1 else 0 end) as linked_gp,
        max(case when source_system = 'sus' then 1 else 0 end) as linked_sus,
        max(case when source_system = 'mhsds' then 1 else 0 end) as linked_mhsds
    from person_keys
    where source_system in ('gp', 'sus', 'mhsds')
    group by person_id
),

ethnicity_recorded as (
    select
        'csc' as source_system,
        person_id,
        la_code,
        collection_year as recorded_year,
        1 as source_priority,
        'ssda903' as ethnicity_source,
        ethnicity
    from headers
    union all
    select
        'csc' as source_system,
        person_id,
        la_code,
        collection_year as recorded_year,
        2 as source_priority,
        'cin' as ethnicity_source,
        ethnicity
    from cin_children
    union all
    select
        'school_census' as source_system,
        person_id,
        la_code,
        census_year as recorded_year,
        1 as source_priority,
        'school_census' as ethnicity_source,
        ethnicity
    from pupils
),

ethnicity_ranked as (
    select
        ethnicity_recorded.source_system,
        ethnicity_recorded.person_id,
        ethnicity_recorded.la_code,
        ethnicity_recorded.ethnicity_source,
        ethnicity_recorded.ethnicity,
        ethnicity_recorded.recorded_year,
        ethnicity_recorded.source_priority,
        coalesce(ethnicity_codes.major_group, 'Unknown') as ethnicity_group,
        case when coalesce(ethnicity_codes.major_group, 'Unknown') = 'Unknown' then 1 else 0 end as is_unknown
    from ethnicity_recorded
    left join ethnicity_codes
        on ethnicity_recorded.ethnicity = ethnicity_codes.code
    where
        ethnicity_recorded.person_id is not null
        and ethnicity_recorded.ethnicity is not null
),

la_record_ethnicity as (
    -- every ethnicity the record's source recorded for its person, in any LA;
    -- the record's own LA first (a child who moved may be on another LA's returns only)
    select
        la_records.source_system,
        la_records.la_code,
        la_records.person_id,
        ethnicity_ranked.ethnicity_source,
        ethnicity_ranked.ethnicity,
        ethnicity_ranked.ethnicity_group,
        row_number() over (
            partition by la_records.source_system, la_records.la_code, la_records.person_id
            order by
                case when ethnicity_ranked.la_code = la_records.la_code then 0 else 1 end asc,
                ethnicity_ranked.is_unknown asc,
                ethnicity_ranked.recorded_year desc,
                ethnicity_ranked.source_priority asc,
                ethnicity_ranked.ethnicity asc
        ) as ethnicity_rank
    from la_records
    inner join ethnicity_ranked
        on
            la_records.source_system = ethnicity_ranked.source_system
            and la_records.person_id = ethnicity_ranked.person_id
),

person_ethnicity as (
    select
        source_system,
        la_code,
        person_id,
        ethnicity_source,
        ethnicity,
        ethnicity_group
    from la_record_ethnicity
    where ethnicity_rank = 1
),

final as (
    select
        la_records.source_system,
        la_records.la_code,
        la_records.person_id,
        la_records.link_method,
        la_records.match_probability,
        coalesce(health_links.linked_gp, 0) as linked_gp,
        coalesce(health_links.linked_sus, 0) as linked_sus,
        coalesce(health_links.linked_mhsds, 0) as linked_mhsds,
        case when health_links.person_id is not null then 1 else 0 end as linked_any_health,
        coalesce(person_ethnicity.ethnicity, 'not recorded') as ethnicity,
        coalesce(person_ethnicity.ethnicity_group, 'not recorded') as ethnicity_group,
        coalesce(person_ethnicity.ethnicity_source, 'none') as ethnicity_source
    from la_records
    left join health_links
        on la_records.person_id = health_links.person_id
    left join person_ethnicity
        on
            la_records.source_system = person_ethnicity.source_system
            and la_records.person_id = person_ethnicity.person_id
            and la_records.la_code = person_ethnicity.la_code
)

select * from final
