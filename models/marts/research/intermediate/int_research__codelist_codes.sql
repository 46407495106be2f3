{#
    Every code of the four clinical code lists (seeds/codelists) in one table,
    tagged with the condition it defines. The research marts take their clinical
    definitions only from here: self-harm, mental health (and neurodevelopmental),
    injuries and chronic conditions. ICD-10 codes lose their dot so that `T39.1`,
    `T391` and the prefix `T39` compare alike.
#}
with

self_harm as (
    select
        code,
        dataset,
        field,
        code_type,
        flag,
        "group" as code_group,
        subgroup
    from {{ ref('codelist__self_harm_v1') }}
),

mental_health as (
    select
        code,
        dataset,
        field,
        code_type,
        flag,
        "group" as code_group,
        subgroup
    from {{ ref('codelist__mental_health_v1') }}
),

injuries as (
    select
        code,
        dataset,
        field,
        code_type,
        flag,
        "group" as code_group,
        subgroup
    from {{ ref('codelist__injuries_v1') }}
),

chronic_conditions as (
    select
        code,
        dataset,
        field,
        code_type,
        flag,
        "group" as code_group,
        subgroup
    from {{ ref('codelist__chronic_conditions_v1') }}
),

unioned as (
    select
        *,
        'codelist__self_harm_v1' as codelist
    from self_harm
    union all
    select
        *,
        'codelist__mental_health_v1' as codelist
    from mental_health
    union all
    select
        *,
        'codelist__injuries_v1' as codelist
    from injuries
    union all
    select
        *,
        'codelist__chronic_conditions_v1' as codelist
    from chronic_conditions
),

final as (
    select distinct
        codelist,
        subgroup,
        dataset,
        field,
        code_type,
        replace(replace(lower(trim(code_group)), '-', '_'), ' ', '_') as condition,
        case
            when code_type = 'icd10' then upper(replace(trim(code), '.', ''))
            else trim(code)
        end as code,
        coalesce(flag = 'prefix', false) as is_prefix
    from unioned
)

select * from final
