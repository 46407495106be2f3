with

episodes as (

    select * from {{ ref('base_sus__apc') }}
    where len(dq_errors) = 0

),

{{ person_key_import('sus', var('health_provider_code')) }},

treatment_functions as (

    select
        code,
        description
    from {{ ref('treatment_function_codes') }}

),

ranked as (

    -- an episode key in two financial-year files keeps the latest file
    select
        *,
        row_number() over (
            partition by episode_id
            order by financial_year desc, source_file desc, source_row_number desc
        ) as row_rank
    from episodes

),

diagnoses as (

    -- ICD-10 with or without the dot, 3 or 4 characters: upper case, no dot, no filler
    select
        diagnosis.episode_id,
        diagnosis.source_file,
        list(
            rtrim(left(regexp_replace(upper(diagnosis.code), '[^A-Z0-9]', '', 'g'), 4), 'X')
            order by diagnosis.position
        ) filter (where nullif(trim(diagnosis.code), '') is not null) as diagnoses
    from (
        select
            episode_id,
            source_file,
            unnest([
                {%- for i in range(1, 21) %}
                    { 'position': {{ i }}, 'code': diag_{{ '%02d' % i }} }{{ ',' if not loop.last }}
                {%- endfor %}
            ], recursive := true)
        from ranked
        where row_rank = 1
    ) as diagnosis
    group by diagnosis.episode_id, diagnosis.source_file

),

final as (

    select
        person_key.person_id,
        ranked.episode_id,
        ranked.admission_date,
        ranked.discharge_date,
        ranked.episode_start_date,
        ranked.episode_end_date,
        ranked.episode_order,
        ranked.admission_method,
        {{ cyplink_decode('nhs_codes', 'ADMIMETH', 'ranked.admission_method') }} as admission_method_description,
        coalesce(
            ranked.admission_method in ('21', '22', '23', '24', '25', '28', '2A', '2B', '2C', '2D'), false
        ) as is_emergency_admission,
        ranked.admission_source,
        ranked.discharge_destination,
        ranked.age_at_episode_start,
        ranked.sex,
        ranked.provider_code,
        ranked.treatment_function,
        treatment_functions.description as treatment_function_description,
        diagnoses.diagnoses[1] as primary_diagnosis,
        coalesce(diagnoses.diagnoses, []) as diagnoses,
        ranked.lsoa_code,
        ranked.la_code_of_residence,
        ranked.financial_year,
        ranked.source_file,
        ranked.source_row_number
    from ranked
    left join person_key
        on ranked.der_pseudo_nhs_number = person_key.source_record_id
    left join treatment_functions
        on ranked.treatment_function = treatment_functions.code
    left join diagnoses
        on
            ranked.episode_id = diagnoses.episode_id
            and ranked.source_file = diagnoses.source_file
    where ranked.row_rank = 1

)

select * from final
