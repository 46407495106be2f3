with

patients as (

    select * from {{ ref('base_gp__patients') }}
    where len(dq_errors) = 0

),

{{ person_key_import('gp', var('health_provider_code')) }},

ranked as (

    -- each extract repeats every registration: the latest extract wins
    select
        *,
        row_number() over (
            partition by patient_id, practice_code, registration_start_date
            order by extract_date desc, source_file desc, source_row_number desc
        ) as row_rank
    from patients

),

final as (

    select
        person_key.person_id,
        ranked.practice_code,
        ranked.registration_start_date,
        ranked.registration_end_date,
        ranked.year_of_birth,
        ranked.lsoa_code,
        ranked.la_code_of_residence,
        cast(ranked.extract_date as date) as extract_date,
        ranked.source_file,
        ranked.source_row_number,
        case
            when ranked.month_of_birth between 1 and 12
                then make_date(cast(ranked.year_of_birth as integer), cast(ranked.month_of_birth as integer), 1)
        end as birth_month,
        case
            when upper(ranked.sex) in ('M', '1') then 'M'
            when upper(ranked.sex) in ('F', '2') then 'F'
            when ranked.sex is not null then 'U'
        end as sex
    from ranked
    left join person_key
        on ranked.patient_id = person_key.source_record_id
    where ranked.row_rank = 1

)

select * from final
