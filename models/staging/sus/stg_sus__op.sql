with

appointments as (

    select * from {{ ref('base_sus__op') }}
    where len(dq_errors) = 0

),

{{ person_key_import('sus', var('health_provider_code')) }},

treatment_functions as (

    select
        code,
        description,
        is_mental_health
    from {{ ref('treatment_function_codes') }}

),

ranked as (

    -- an appointment key in two financial-year files keeps the latest file
    select
        *,
        row_number() over (
            partition by appointment_id
            order by financial_year desc, source_file desc, source_row_number desc
        ) as row_rank
    from appointments

),

final as (

    select
        person_key.person_id,
        ranked.appointment_id,
        ranked.appointment_date,
        ranked.attendance_type,
        ranked.attended_code,
        {{ cyplink_decode('nhs_codes', 'OP_ATTENDED', 'ranked.attended_code') }} as attended_description,
        coalesce(ranked.attended_code in ('5', '6'), false) as is_attended,
        ranked.treatment_function,
        treatment_functions.description as treatment_function_description,
        coalesce(treatment_functions.is_mental_health, false) as is_mental_health_treatment_function,
        ranked.main_specialty,
        ranked.provider_code,
        ranked.age_at_appointment,
        ranked.sex,
        ranked.financial_year,
        ranked.source_file,
        ranked.source_row_number
    from ranked
    left join person_key
        on ranked.der_pseudo_nhs_number = person_key.source_record_id
    left join treatment_functions
        on ranked.treatment_function = treatment_functions.code
    where ranked.row_rank = 1

)

select * from final
