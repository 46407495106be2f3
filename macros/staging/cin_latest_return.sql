{#
    cin_latest_return(base_model, start_column): the CTEs shared by the CIN census
    staging models for elements that repeat across returns (assessments, CIN plans,
    section 47 enquiries, child protection plans and reviews). Emits, for a model's `with` list:

        source_rows     valid rows of the base model (no dq_errors)
        person_key      the csc person key (LA code + LAchildID -> person_id)
        referrals       the CINdetails each row belongs to, for its referral date
        ranked          rows numbered within (LA, child, start_column), latest first
        latest_return   one row per (LA, child, start_column): the latest return's,
                        with person_id and referral_date added

    Why the latest return wins: an element open at 31 March is reported again in the
    next year's census, and only the later return holds its end or outcome. Ties
    within a collection year fall to the later file, then the later row.

        with
        {{ '{{' }} cin_latest_return('base_cin__cp_plans', 'cpp_start_date') {{ '}}' }},
        final as (select latest_return.person_id, ... from latest_return)
        select * from final
#}
{% macro cin_latest_return(base_model, start_column) %}
source_rows as (

    select * from {{ ref(base_model) }}
    where len(dq_errors) = 0

),

{{ person_key_import('csc') }},

referrals as (

    select
        source_file,
        child_seq,
        cin_seq,
        referral_date
    from {{ ref('base_cin__cin_details') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by la_code, la_child_id, {{ start_column }}
            order by collection_year desc, source_file desc, source_row_number desc
        ) as row_rank
    from source_rows

),

latest_return as (

    select
        ranked.*,
        person_key.person_id,
        referrals.referral_date
    from ranked
    left join person_key
        on
            ranked.la_code = person_key.provider_code
            and ranked.la_child_id = person_key.source_record_id
    left join referrals
        on
            ranked.source_file = referrals.source_file
            and ranked.child_seq = referrals.child_seq
            and ranked.cin_seq = referrals.cin_seq
    where ranked.row_rank = 1

)
{%- endmacro %}
