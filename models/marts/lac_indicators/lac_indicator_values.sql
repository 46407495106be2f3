{#
    Looked-after children indicators per LA, collection year and breakdown cell,
    before disclosure control: numerator and denominator of each indicator id
    (DESIGN.md "Indicators"; definitions in the indicator catalogue). Every cell
    of every breakdown is present, zero or not, so cells sum to the `all` row.
#}
{%- set lac_indicators = [
    ('cla_31mar_count', 'n_looked_after_31_march', 'null'),
    ('cla_31mar_rate_per_10k', 'n_looked_after_31_march', 'population_0_17'),
    ('cla_started', 'n_started', 'null'),
    ('cla_ceased', 'n_ceased', 'null'),
    ('cla_3plus_placements_pct', 'n_3plus_placements', 'n_looked_after_31_march'),
    ('cla_same_placement_2yrs_pct', 'n_same_placement_2_years', 'n_long_term_cohort'),
    ('oc2_cohort', 'n_oc2_cohort', 'null'),
    ('oc2_health_assessment_pct', 'n_oc2_health_assessment', 'n_oc2_cohort'),
    ('oc2_immunisations_pct', 'n_oc2_immunisations', 'n_oc2_cohort'),
    ('oc2_dental_check_pct', 'n_oc2_dental_check', 'n_oc2_cohort'),
    ('oc2_sdq_received_pct', 'n_oc2_sdq', 'n_oc2_cohort'),
    ('oc2_sdq_mean', 'sum_oc2_sdq', 'n_oc2_sdq'),
    ('cla_mh_service_contact_pct', 'n_in_year_mh_contact', 'n_looked_after_in_year'),
    ('cla_ae_attendance_rate_per_1000', 'sum_ae_attendances', 'n_looked_after_in_year'),
    ('cla_emergency_admission_rate_per_1000', 'sum_emergency_admissions', 'n_looked_after_in_year'),
] -%}
{%- set count_columns = [
    'n_looked_after_31_march',
    'n_started',
    'n_ceased',
    'n_3plus_placements',
    'n_long_term_cohort',
    'n_same_placement_2_years',
    'n_oc2_cohort',
    'n_oc2_health_assessment',
    'n_oc2_immunisations',
    'n_oc2_dental_check',
    'n_oc2_sdq',
    'sum_oc2_sdq',
    'sum_squares_oc2_sdq',
    'n_looked_after_in_year',
    'n_in_year_mh_contact',
    'sum_ae_attendances',
    'sum_emergency_admissions',
] -%}
with

child_years as (
    select
        la_code,
        collection_year,
        sex,
        age_group,
        is_looked_after_31_march,
        started_in_year,
        ceased_in_year,
        has_3plus_placements,
        is_in_long_term_stability_cohort,
        is_in_same_placement_2_years,
        is_in_oc2_cohort,
        health_assessment,
        immunisations,
        teeth_check,
        sdq_score,
        has_mh_contact_in_year,
        ae_attendance_count,
        emergency_admission_count
    from {{ ref('lac_child_years') }}
),

la_years as (
    select
        la_code,
        collection_year
    from {{ ref('la_collection_years') }}
),

breakdown_cells as (
    select
        breakdown,
        breakdown_value
    from {{ ref('indicator_breakdown_cells') }}
),

population as (
    select
        la_code,
        breakdown,
        breakdown_value,
        population_0_17,
        year + 1 as collection_year
    from {{ ref('population_by_cell') }}
),

child_year_cells as (
    select
        child_years.*,
        'all' as breakdown,
        'all' as breakdown_value
    from child_years
    union all
    select
        child_years.*,
        'sex' as breakdown,
        case child_years.sex when 'M' then 'male' when 'F' then 'female' else 'unknown' end as breakdown_value
    from child_years
    union all
    select
        child_years.*,
        'age_group' as breakdown,
        child_years.age_group as breakdown_value
    from child_years
),

cell_counts as (
    select
        la_code,
        collection_year,
        breakdown,
        breakdown_value,
        sum(case when is_looked_after_31_march then 1 else 0 end) as n_looked_after_31_march,
        sum(case when started_in_year then 1 else 0 end) as n_started,
        sum(case when ceased_in_year then 1 else 0 end) as n_ceased,
        sum(case when has_3plus_placements then 1 else 0 end) as n_3plus_placements,
        sum(case when is_in_long_term_stability_cohort then 1 else 0 end) as n_long_term_cohort,
        sum(
            case when is_in_long_term_stability_cohort and is_in_same_placement_2_years then 1 else 0 end
        ) as n_same_placement_2_years,
        sum(case when is_in_oc2_cohort then 1 else 0 end) as n_oc2_cohort,
        sum(case when is_in_oc2_cohort and health_assessment = 1 then 1 else 0 end) as n_oc2_health_assessment,
        sum(case when is_in_oc2_cohort and immunisations = 1 then 1 else 0 end) as n_oc2_immunisations,
        sum(case when is_in_oc2_cohort and teeth_check = 1 then 1 else 0 end) as n_oc2_dental_check,
        sum(case when is_in_oc2_cohort and sdq_score is not null then 1 else 0 end) as n_oc2_sdq,
        sum(case when is_in_oc2_cohort then sdq_score else 0 end) as sum_oc2_sdq,
        sum(case when is_in_oc2_cohort then sdq_score * sdq_score else 0 end) as sum_squares_oc2_sdq,
        count(*) as n_looked_after_in_year,
        sum(case when has_mh_contact_in_year then 1 else 0 end) as n_in_year_mh_contact,
        sum(ae_attendance_count) as sum_ae_attendances,
        sum(emergency_admission_count) as sum_emergency_admissions
    from child_year_cells
    group by la_code, collection_year, breakdown, breakdown_value
),

spine_counts as (
    {{ indicator_spine(count_columns) }}
),

unpivoted as (
    {{ indicator_rows(lac_indicators, score_variances={
        'oc2_sdq_mean': safe_divide(
            'sum_squares_oc2_sdq - sum_oc2_sdq * sum_oc2_sdq / nullif(n_oc2_sdq, 0)', 'n_oc2_sdq - 1'),
    }) }}
),

final as (
    select
        indicator_id,
        area_code,
        period,
        breakdown,
        breakdown_value,
        numerator,
        denominator,
        score_variance
    from unpivoted
)

select * from final
