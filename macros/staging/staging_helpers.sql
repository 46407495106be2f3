{#
    Small helpers shared by the staging models (identifier reduction, decoding, the
    inventory of staging tables used by quarantine and reconciliation).
#}

{% macro staging_inventory() %}
    {#- landing table -> (base model, staging model). One staging model per landing table. -#}
    {{ return([
        ('ssda903.header', 'base_ssda903__header', 'stg_ssda903__headers'),
        ('ssda903.episodes', 'base_ssda903__episodes', 'stg_ssda903__episodes'),
        ('ssda903.reviews', 'base_ssda903__reviews', 'stg_ssda903__reviews'),
        ('ssda903.uasc', 'base_ssda903__uasc', 'stg_ssda903__uascs'),
        ('ssda903.oc2', 'base_ssda903__oc2', 'stg_ssda903__oc2'),
        ('ssda903.oc3', 'base_ssda903__oc3', 'stg_ssda903__oc3'),
        ('ssda903.ad1', 'base_ssda903__ad1', 'stg_ssda903__adoptions'),
        ('ssda903.placed_for_adoption', 'base_ssda903__placed_for_adoption', 'stg_ssda903__placed_for_adoptions'),
        ('ssda903.prev_perm', 'base_ssda903__prev_perm', 'stg_ssda903__previous_permanences'),
        ('ssda903.missing', 'base_ssda903__missing', 'stg_ssda903__missing_episodes'),
        ('ssda903.sw_episodes', 'base_ssda903__sw_episodes', 'stg_ssda903__social_worker_episodes'),
        ('cin.child', 'base_cin__child', 'stg_cin__children'),
        ('cin.disabilities', 'base_cin__disabilities', 'stg_cin__disabilities'),
        ('cin.cin_details', 'base_cin__cin_details', 'stg_cin__referrals'),
        ('cin.assessments', 'base_cin__assessments', 'stg_cin__assessments'),
        ('cin.assessment_factors', 'base_cin__assessment_factors', 'stg_cin__assessment_factors'),
        ('cin.cin_plans', 'base_cin__cin_plans', 'stg_cin__cin_plans'),
        ('cin.section47', 'base_cin__section47', 'stg_cin__section47_enquiries'),
        ('cin.cp_plans', 'base_cin__cp_plans', 'stg_cin__cp_plans'),
        ('cin.cp_reviews', 'base_cin__cp_reviews', 'stg_cin__cp_reviews'),
        ('school_census.pupilonroll', 'base_school_census__pupilonroll', 'stg_school_census__pupils_on_roll'),
        ('school_census.termlyexclusions', 'base_school_census__termlyexclusions', 'stg_school_census__exclusions'),
        ('attainment.ks4', 'base_attainment__ks4', 'stg_attainment__ks4'),
        ('gp.patients', 'base_gp__patients', 'stg_gp__patients'),
        ('gp.events', 'base_gp__events', 'stg_gp__events'),
        ('sus.apc', 'base_sus__apc', 'stg_sus__apc'),
        ('sus.op', 'base_sus__op', 'stg_sus__op'),
        ('sus.ecds', 'base_sus__ecds', 'stg_sus__ecds'),
        ('mhsds.referrals', 'base_mhsds__referrals', 'stg_mhsds__referrals'),
        ('mhsds.service_types', 'base_mhsds__service_types', 'stg_mhsds__service_types'),
        ('mhsds.care_contacts', 'base_mhsds__care_contacts', 'stg_mhsds__care_contacts'),
        ('reference.population', 'base_reference__population', 'stg_reference__population'),
    ]) }}
{% endmacro %}


{% macro cyplink_decode(seed_name, code_set, code_expression) -%}
    {#- Description of a code from a long code-set seed (NULL when the code is blank). -#}
    (
        select decode_seed.description
        from {{ ref(seed_name) }} as decode_seed
        where
            decode_seed.code_set = '{{ code_set }}'
            and upper(decode_seed.code) = {{ code_expression }}
    )
{%- endmacro %}


{% macro postcode_district(postcode_expression) -%}
    {#- Outward code (postcode district, e.g. HA9) of a full postcode in any spacing or case. -#}
    nullif(
        left(
            upper(replace({{ postcode_expression }}, ' ', '')),
            greatest(length(replace({{ postcode_expression }}, ' ', '')) - 3, 0)
        ),
        ''
    )
{%- endmacro %}


{% macro sex_harmonised(code_expression) -%}
    {#- 903 SEX 1/2 (to 2024) and M/F/U (from 2025), CIN GenderCurrent 1/2: one coding M/F/U. -#}
    case
        when {{ code_expression }} in ('1', 'M') then 'M'
        when {{ code_expression }} in ('2', 'F') then 'F'
        when {{ code_expression }} is not null then 'U'
    end
{%- endmacro %}
