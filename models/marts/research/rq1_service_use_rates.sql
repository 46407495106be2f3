{#
    RQ1: health service use of looked-after children against all children in the
    same LA, per LA, collection year and measure: crude rates and directly age-sex
    standardised rates (DSR) per 1,000 child-years with 95% intervals, and the
    looked-after / all-children rate ratios.

    Standard population: the whole area's child population (ONS mid-year
    estimates, all LAs in the data summed) in the same year, by DfE age band and
    sex. DSR interval by Dobson's method, crude interval by Byar, ratios by the
    log method (macros/stats). Strata with no person-time in a group contribute
    neither rate nor weight, so the DSR is standardised over the strata the group
    has (documented in docs/research.md).
#}
with

strata as (
    select
        la_code,
        collection_year,
        measure,
        population_group,
        age_band,
        sex,
        children,
        person_years,
        events
    from {{ ref('int_research__rq1_strata') }}
),

local_authorities as (
    select
        la_code,
        la_name
    from {{ ref('ref_local_authorities') }}
),

standard_population as (
    select
        collection_year,
        measure,
        age_band,
        sex,
        sum(person_years) as standard_weight
    from strata
    where population_group = 'all_children'
    group by collection_year, measure, age_band, sex
),

weighted as (
    select
        strata.*,
        standard_population.standard_weight,
        {{ dsr_term('strata.events', 'strata.person_years', 'standard_population.standard_weight') }} as dsr_term,
        {{ dsr_variance_term('strata.events', 'strata.person_years', 'standard_population.standard_weight') }}
            as dsr_variance_term
    from strata
    left join standard_population
        on
            strata.collection_year = standard_population.collection_year
            and strata.measure = standard_population.measure
            and strata.age_band = standard_population.age_band
            and strata.sex = standard_population.sex
),

grouped as (
    select
        la_code,
        collection_year,
        measure,
        population_group,
        sum(children) as children,
        sum(person_years) as person_years,
        sum(events) as events,
        sum(case when person_years > 0 and standard_weight is not null then events else 0 end)
            as standardised_events,
        sum(dsr_term) as sum_dsr_terms,
        sum(dsr_variance_term) as sum_dsr_variance_terms,
        sum(case when person_years > 0 then standard_weight else 0 end) as sum_standard_weights
    from weighted
    group by la_code, collection_year, measure, population_group
),

rates as (
    select
        la_code,
        collection_year,
        measure,
        population_group,
        children,
        person_years,
        events,
        1000 * {{ safe_divide('events', 'person_years') }} as crude_rate_per_1000,
        {{ byar_lower('events', 'person_years', 1000) }} as crude_rate_lower_ci,
        {{ byar_upper('events', 'person_years', 1000) }} as crude_rate_upper_ci,
        1000 * 1000 * {{ safe_divide('events', 'person_years * person_years') }} as crude_rate_variance,
        {{ dsr_value('sum_dsr_terms', 'sum_standard_weights', 1000) }} as dsr_per_1000,
        {{ dsr_variance('sum_dsr_variance_terms', 'sum_standard_weights', 1000) }} as dsr_variance,
        standardised_events
    from grouped
),

with_intervals as (
    select
        *,
        {{ dobson_lower('dsr_per_1000', 'dsr_variance', 'standardised_events') }} as dsr_lower_ci,
        {{ dobson_upper('dsr_per_1000', 'dsr_variance', 'standardised_events') }} as dsr_upper_ci
    from rates
),

looked_after as (
    select * from with_intervals
    where population_group = 'looked_after'
),

all_children as (
    select * from with_intervals
    where population_group = 'all_children'
),

ratios as (
    select
        looked_after.la_code,
        looked_after.collection_year,
        looked_after.measure,
        {{ rate_ratio('looked_after.crude_rate_per_1000', 'all_children.crude_rate_per_1000') }} as crude_rate_ratio,
        {{ rate_ratio_lower(
            'looked_after.crude_rate_per_1000', 'looked_after.crude_rate_variance',
            'all_children.crude_rate_per_1000', 'all_children.crude_rate_variance') }} as crude_rate_ratio_lower_ci,
        {{ rate_ratio_upper(
            'looked_after.crude_rate_per_1000', 'looked_after.crude_rate_variance',
            'all_children.crude_rate_per_1000', 'all_children.crude_rate_variance') }} as crude_rate_ratio_upper_ci,
        {{ rate_ratio('looked_after.dsr_per_1000', 'all_children.dsr_per_1000') }} as dsr_rate_ratio,
        {{ rate_ratio_lower(
            'looked_after.dsr_per_1000', 'looked_after.dsr_variance',
            'all_children.dsr_per_1000', 'all_children.dsr_variance') }} as dsr_rate_ratio_lower_ci,
        {{ rate_ratio_upper(
            'looked_after.dsr_per_1000', 'looked_after.dsr_variance',
            'all_children.dsr_per_1000', 'all_children.dsr_variance') }} as dsr_rate_ratio_upper_ci
    from looked_after
    inner join all_children
        on
            looked_after.la_code = all_children.la_code
            and looked_after.collection_year = all_children.collection_year
            and looked_after.measure = all_children.measure
),

final as (
    select
        with_intervals.la_code,
        local_authorities.la_name,
        with_intervals.collection_year,
        with_intervals.measure,
        with_intervals.population_group,
        with_intervals.children,
        with_intervals.person_years,
        with_intervals.events,
        with_intervals.crude_rate_per_1000,
        with_intervals.crude_rate_lower_ci,
        with_intervals.crude_rate_upper_ci,
        with_intervals.dsr_per_1000,
        with_intervals.dsr_lower_ci,
        with_intervals.dsr_upper_ci,
        with_intervals.dsr_variance,
        ratios.crude_rate_ratio,
        ratios.crude_rate_ratio_lower_ci,
        ratios.crude_rate_ratio_upper_ci,
        ratios.dsr_rate_ratio,
        ratios.dsr_rate_ratio_lower_ci,
        ratios.dsr_rate_ratio_upper_ci
    from with_intervals
    left join local_authorities
        on with_intervals.la_code = local_authorities.la_code
    left join ratios
        on
            with_intervals.population_group = 'looked_after'
            and with_intervals.la_code = ratios.la_code
            and with_intervals.collection_year = ratios.collection_year
            and with_intervals.measure = ratios.measure
)

select * from final
