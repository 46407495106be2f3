{#
    Fails for every non-null value of `column_name` that is not a code of `code_set` in the
    long code-set seed `seed` (columns code_set, code): accepted values kept in seeds, with
    their provenance, instead of lists typed into YAML.
#}
{% test cyplink_accepted_codes(model, column_name, seed, code_set) %}

with

accepted as (

    select code
    from {{ ref(seed) }}
    where code_set = '{{ code_set }}'

),

final as (

    select tested.{{ column_name }}
    from {{ model }} as tested
    left join accepted
        on cast(tested.{{ column_name }} as varchar) = accepted.code
    where
        tested.{{ column_name }} is not null
        and accepted.code is null

)

select * from final

{% endtest %}
