{#
    Person spine: one row per linked person with sex, ethnicity and month of
    birth harmonised across sources. Rule: each attribute takes the value most
    often recorded for the person across sources, ties broken by source priority
    (903 header, CIN census, school census, GP registration) and then by the most
    recent record.
    Unknown values (sex 'U', ethnicity REFU/NOBT) only win when nothing else is
    recorded.
#}
with

header_attributes as (
    select
        person_id,
        'ssda903' as source_system,
        1 as source_priority,
        {{ collection_year_end('collection_year') }} as recorded_date,
        sex,
        ethnicity,
        birth_month
    from {{ ref('stg_ssda903__headers') }}
),

cin_attributes as (
    select
        person_id,
        'cin' as source_system,
        2 as source_priority,
        {{ collection_year_end('collection_year') }} as recorded_date,
        sex,
        ethnicity,
        birth_month
    from {{ ref('stg_cin__children') }}
),

school_census_attributes as (
    select
        person_id,
        'school_census' as source_system,
        3 as source_priority,
        {{ collection_year_end('census_year') }} as recorded_date,
        sex,
        ethnicity,
        birth_month
    from {{ ref('stg_school_census__pupils_on_roll') }}
),

gp_attributes as (
    select
        person_id,
        'gp' as source_system,
        4 as source_priority,
        registration_start_date as recorded_date,
        sex,
        cast(null as {{ dbt.type_string() }}) as ethnicity,
        birth_month
    from {{ ref('stg_gp__patients') }}
),

all_attributes as (
    select * from header_attributes
    union all
    select * from cin_attributes
    union all
    select * from school_census_attributes
    union all
    select * from gp_attributes
),

normalised as (
    select
        person_id,
        source_system,
        source_priority,
        recorded_date,
        birth_month,
        case
            when upper(sex) in ('1', 'M', 'MALE') then 'M'
            when upper(sex) in ('2', 'F', 'FEMALE') then 'F'
        end as sex,
        case
            when upper(ethnicity) not in ('REFU', 'NOBT', '') then upper(ethnicity)
        end as ethnicity
    from all_attributes
    where person_id is not null
),

sex_ranked as (
    select
        person_id,
        sex,
        row_number() over (
            partition by person_id
            order by count(*) desc, min(source_priority), max(recorded_date) desc, sex
        ) as sex_rank
    from normalised
    where sex is not null
    group by person_id, sex
),

ethnicity_ranked as (
    select
        person_id,
        ethnicity,
        row_number() over (
            partition by person_id
            order by count(*) desc, min(source_priority), max(recorded_date) desc, ethnicity
        ) as ethnicity_rank
    from normalised
    where ethnicity is not null
    group by person_id, ethnicity
),

birth_month_ranked as (
    select
        person_id,
        birth_month,
        row_number() over (
            partition by person_id
            order by count(*) desc, min(source_priority), max(recorded_date) desc, birth_month
        ) as birth_month_rank
    from normalised
    where birth_month is not null
    group by person_id, birth_month
),

people as (
    select
        person_id,
        count(distinct source_system) as source_system_count
    from normalised
    group by person_id
),

final as (
    select
        people.person_id,
        birth_month_ranked.birth_month,
        people.source_system_count,
        coalesce(sex_ranked.sex, 'U') as sex,
        coalesce(ethnicity_ranked.ethnicity, 'NOBT') as ethnicity,
        case
            when ethnicity_ranked.ethnicity like 'W%' then 'White'
            when ethnicity_ranked.ethnicity like 'M%' then 'Mixed'
            when ethnicity_ranked.ethnicity like 'A%' then 'Asian'
            when ethnicity_ranked.ethnicity like 'B%' then 'Black'
            when ethnicity_ranked.ethnicity in ('CHNE', 'OOTH') then 'Other'
            else 'Unknown'
        end as ethnic_group
    from people
    left join sex_ranked
        on people.person_id = sex_ranked.person_id and sex_ranked.sex_rank = 1
    left join ethnicity_ranked
        on people.person_id = ethnicity_ranked.person_id and ethnicity_ranked.ethnicity_rank = 1
    left join birth_month_ranked
        on people.person_id = birth_month_ranked.person_id and birth_month_ranked.birth_month_rank = 1
)

select * from final
