{#
    The indicator catalogue (seed indicator_catalogue) published beside
    publication.indicators, so that the report and BI tools read definitions
    from `publication` only. Metadata, not data about children: no disclosure
    control needed. Warehouse name publication.indicator_catalogue (alias).
#}
with

indicator_catalogue as (
    select
        id,
        name,
        definition,
        numerator,
        denominator,
        unit,
        source,
        polarity
    from {{ ref('indicator_catalogue') }}
),

final as (
    select
        cast(id as {{ dbt.type_string() }}) as id,
        -- `name` and `source` are the seed's and the report's column names, hence the RF04 exceptions.
        cast(name as {{ dbt.type_string() }}) as name,  -- noqa: RF04
        cast(definition as {{ dbt.type_string() }}) as definition,
        cast(numerator as {{ dbt.type_string() }}) as numerator,
        cast(denominator as {{ dbt.type_string() }}) as denominator,
        cast(unit as {{ dbt.type_string() }}) as unit,
        cast(source as {{ dbt.type_string() }}) as source,  -- noqa: RF04
        cast(polarity as {{ dbt.type_string() }}) as polarity
    from indicator_catalogue
)

select * from final
