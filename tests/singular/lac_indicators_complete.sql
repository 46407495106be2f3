{{ config(tags=['lac_indicators'], severity='error') }}
{#
    Fails for every indicator id of the catalogue that has no headline row
    (breakdown = 'all') in publication.indicators for an LA and collection year
    the indicators cover (DESIGN.md: every required id, per LA and year).
#}
with

catalogue as (
    select id as indicator_id
    from {{ ref('indicator_catalogue') }}
),

la_years as (
    select
        la_code,
        collection_year
    from {{ ref('la_collection_years') }}
),

headline_rows as (
    select
        indicator_id,
        area_code,
        period
    from {{ ref('indicators') }}
    where breakdown = 'all' and breakdown_value = 'all'
),

expected as (
    select
        catalogue.indicator_id,
        la_years.la_code,
        la_years.collection_year
    from catalogue
    cross join la_years
),

final as (
    select expected.*
    from expected
    left join headline_rows
        on
            expected.indicator_id = headline_rows.indicator_id
            and expected.la_code = headline_rows.area_code
            and expected.collection_year = headline_rows.period
    where headline_rows.indicator_id is null
)

select * from final
