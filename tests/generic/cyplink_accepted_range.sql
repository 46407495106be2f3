{#
    Fails for every non-null value of `column_name` outside [min_value, max_value]; either
    bound may be omitted. `inclusive: false` makes both bounds strict.
#}
{% test cyplink_accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true) %}

with

final as (

    select * from {{ model }}
    where
        {{ column_name }} is not null
        and (
            false
            {%- if min_value is not none %}
                or {{ column_name }} {{ '<' if inclusive else '<=' }} {{ min_value }}
            {%- endif %}
            {%- if max_value is not none %}
                or {{ column_name }} {{ '>' if inclusive else '>=' }} {{ max_value }}
            {%- endif %}
        )

)

select * from final

{% endtest %}
