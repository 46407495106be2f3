{{ config(tags=['publication', 'disclosure_control', 'research'], severity='error') }}
{#
    Fails for every published row of the research publication models that shows a
    count of people or events below var('sdc_threshold') (zero allowed unless
    var('sdc_suppress_zero')): events and looked-after children (RQ1); numerators,
    denominators and complements of percentages, event counts of rates and pupils
    of means (RQ2, RQ3); events and children (RQ4).
#}
{%- set threshold = var('sdc_threshold', 10) -%}
{%- set suppress_zero = var('sdc_suppress_zero', false) -%}
with

rq1 as (
    select
        'research_rq1_service_use' as model_name,
        area_code || ' ' || cast(period as varchar) || ' ' || measure || ' ' || population_group as row_key,
        events as checked_count
    from {{ ref('research_rq1_service_use') }}
    where status = 'published'
    union all
    select
        'research_rq1_service_use' as model_name,
        area_code || ' ' || cast(period as varchar) || ' ' || measure || ' children' as row_key,
        children as checked_count
    from {{ ref('research_rq1_service_use') }}
    where status = 'published' and population_group = 'looked_after'
),

rq2 as (
    select
        'research_rq2_entry_outcomes' as model_name,
        area_code || ' ' || cast(entry_cohort as varchar) || ' ' || follow_up_window || ' ' || outcome
        || ' ' || statistic as row_key,
        unnest(
            case statistic
                when 'pct_with_outcome' then [numerator, denominator, denominator - numerator]
                when 'rate_per_1000_years' then [numerator]
                else [denominator]
            end
        ) as checked_count
    from {{ ref('research_rq2_entry_outcomes') }}
    where status = 'published'
),

rq3 as (
    select
        'research_rq3_pre_entry' as model_name,
        comparison_group || ' ' || cast(window_number as varchar) || ' ' || measure || ' ' || statistic
            as row_key,
        unnest(
            case statistic
                when 'pct_with_any' then [numerator, denominator, denominator - numerator]
                when 'rate_per_1000_years' then [numerator, denominator]
                else [denominator]
            end
        ) as checked_count
    from {{ ref('research_rq3_pre_entry') }}
    where status = 'published'
),

rq4 as (
    select
        'research_rq4_outcomes_by_exposure' as model_name,
        outcome || ' ' || exposure_group as row_key,
        unnest([events, children]) as checked_count
    from {{ ref('research_rq4_outcomes_by_exposure') }}
    where status = 'published'
),

checked as (
    select * from rq1
    union all
    select * from rq2
    union all
    select * from rq3
    union all
    select * from rq4
),

final as (
    select
        model_name,
        row_key,
        checked_count
    from checked
    where
        checked_count < {{ threshold }}
        {%- if not suppress_zero %} and checked_count > 0{% endif %}
)

select * from final
