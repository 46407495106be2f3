with

oc2 as (

    select * from {{ ref('base_ssda903__oc2') }}
    where len(dq_errors) = 0

),

{{ person_key_import('csc') }},

ranked as (

    select
        *,
        row_number() over (
            partition by la_code, collection_year, la_child_id
            order by source_file desc, source_row_number desc
        ) as row_rank
    from oc2

),

final as (

    select
        person_key.person_id,
        ranked.la_code,
        ranked.la_child_id,
        ranked.collection_year,
        ranked.sdq_score_recorded,
        ranked.sdq_reason,
        ranked.source_file,
        ranked.source_row_number,
        cast(ranked.convicted as integer) as convicted,
        cast(ranked.health_check as integer) as health_check,
        cast(ranked.immunisations as integer) as immunisations,
        cast(ranked.teeth_check as integer) as teeth_check,
        cast(ranked.health_assessment as integer) as health_assessment,
        cast(ranked.substance_misuse as integer) as substance_misuse,
        cast(ranked.intervention_received as integer) as intervention_received,
        cast(ranked.intervention_offered as integer) as intervention_offered,
        cast(date_trunc('month', ranked.date_of_birth) as date) as birth_month,
        -- DfE rule 180: a valid SDQ score is a whole number 0-40; others are kept as recorded only
        case when ranked.sdq_score_recorded between 0 and 40 then ranked.sdq_score_recorded end as sdq_score
    from ranked
    left join person_key
        on
            ranked.la_code = person_key.provider_code
            and ranked.la_child_id = person_key.source_record_id
    where ranked.row_rank = 1

)

select * from final
