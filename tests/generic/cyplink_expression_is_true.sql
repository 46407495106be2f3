{#
    Fails for every row where `expression` is not true. `where` in the test config narrows
    the rows checked, as for any dbt test.
#}
{% test cyplink_expression_is_true(model, expression) %}

with

final as (

    select * from {{ model }}
    where not coalesce(({{ expression }}), false)

)

select * from final

{% endtest %}
