with

attendances as (

    select * from {{ ref('base_sus__ecds') }}
    where len(dq_errors) = 0

),

{{ person_key_import('sus', var('health_provider_code')) }},

ranked as (

    -- an attendance in two financial-year files keeps the latest file
    select
        *,
        row_number() over (
            partition by attendance_id
            order by financial_year desc, source_file desc, source_row_number desc
        ) as row_rank
    from attendances

),

final as (

    select
        person_key.person_id,
        ranked.attendance_id,
        cast(ranked.arrival_datetime as date) as arrival_date,
        ranked.arrival_datetime,
        ranked.department_type,
        ranked.chief_complaint_snomed,
        ranked.diagnosis_01_snomed,
        ranked.diagnosis_02_snomed,
        ranked.diagnosis_03_snomed,
        ranked.injury_intent_snomed,
        ranked.discharge_destination_snomed,
        ranked.provider_code,
        ranked.age_at_attendance,
        ranked.financial_year,
        ranked.source_file,
        ranked.source_row_number,
        list_filter(
            [ranked.diagnosis_01_snomed, ranked.diagnosis_02_snomed, ranked.diagnosis_03_snomed],
            lambda code: code is not null  -- noqa: RF02
        ) as diagnoses
    from ranked
    left join person_key
        on ranked.der_pseudo_nhs_number = person_key.source_record_id
    where ranked.row_rank = 1

)

select * from final
