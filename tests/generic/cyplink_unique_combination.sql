{#
    Fails for every combination of `combination_of_columns` that occurs more than once
    (what dbt_utils.unique_combination_of_columns gives; written here because the package
    hub is not reachable).
#}
{% test cyplink_unique_combination(model, combination_of_columns) %}

with

grouped as (

    select
        {{ combination_of_columns | join(', ') }},
        count(*) as n_rows
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}

),

final as (

    select * from grouped
    where n_rows > 1

)

select * from final

{% endtest %}
