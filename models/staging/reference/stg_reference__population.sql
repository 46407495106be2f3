with

population as (

    select * from {{ ref('base_reference__population') }}
    where len(dq_errors) = 0

),

ranked as (

    -- one estimate per LA, year, age and sex; a repeated row keeps the last
    select
        *,
        row_number() over (
            partition by la_code, year, age, sex
            order by source_file desc, source_row_number desc
        ) as row_rank
    from population

),

final as (

    select
        la_code,
        -- `year` is the landing contract's column name
        cast(year as integer) as year,  -- noqa: RF04
        cast(age as integer) as age,
        sex,
        population,
        source_file,
        source_row_number
    from ranked
    where row_rank = 1

)

select * from final
