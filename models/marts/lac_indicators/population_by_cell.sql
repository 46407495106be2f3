{#
    Mid-year population aged 0 to 17 per LA, calendar year and breakdown cell
    (all, sex, DfE age group by age at mid-year), the denominator of rates per
    10,000 and of the `all_` indicators.
#}
with

population as (
    select
        la_code,
        year,
        age,
        sex,
        population
    from {{ ref('stg_reference__population') }}
    where age between 0 and 17
),

population_cells as (
    select
        la_code,
        year,
        'all' as breakdown,
        'all' as breakdown_value,
        population
    from population
    union all
    select
        la_code,
        year,
        'sex' as breakdown,
        case upper(sex) when 'M' then 'male' when 'F' then 'female' else 'unknown' end as breakdown_value,
        population
    from population
    union all
    select
        la_code,
        year,
        'age_group' as breakdown,
        {{ dfe_age_group('age') }} as breakdown_value,
        population
    from population
),

final as (
    select
        la_code,
        year,
        breakdown,
        breakdown_value,
        sum(population) as population_0_17
    from population_cells
    group by la_code, year, breakdown, breakdown_value
)

select * from final
