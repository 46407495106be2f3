{{ config(tags=['linkage_quality'], severity='error') }}
{#
    Fails for every source, LA and breakdown of marts.linkage_link_rates whose
    cells do not add up to the `all` row: for the ethnicity breakdowns this
    checks that the record-level links counted in dbt (person key joined to LA
    content) agree with the linkage step's own totals; for age group and sex
    that the linkage step's table is complete.
#}
with

link_rates as (
    select
        source_system,
        area_code,
        breakdown,
        n_records,
        n_linked_any_health
    from {{ ref('linkage_link_rates') }}
),

totals as (
    select
        source_system,
        area_code,
        n_records as total_records,
        n_linked_any_health as total_linked
    from link_rates
    where breakdown = 'all'
),

breakdown_sums as (
    select
        source_system,
        area_code,
        breakdown,
        sum(n_records) as sum_records,
        sum(n_linked_any_health) as sum_linked
    from link_rates
    where breakdown <> 'all'
    group by source_system, area_code, breakdown
),

final as (
    select
        breakdown_sums.source_system,
        breakdown_sums.area_code,
        breakdown_sums.breakdown,
        breakdown_sums.sum_records,
        breakdown_sums.sum_linked,
        totals.total_records,
        totals.total_linked
    from breakdown_sums
    left join totals
        on
            breakdown_sums.source_system = totals.source_system
            and breakdown_sums.area_code = totals.area_code
    where
        totals.total_records is null
        or breakdown_sums.sum_records <> totals.total_records
        or breakdown_sums.sum_linked <> totals.total_linked
)

select * from final
