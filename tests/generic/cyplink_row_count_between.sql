{#
    Fails (one row) when the model's row count is outside [min_value, max_value]; either
    bound may be omitted.
#}
{% test cyplink_row_count_between(model, min_value=none, max_value=none) %}

with

counted as (

    select count(*) as n_rows
    from {{ model }}

),

final as (

    select * from counted
    where
        false
        {%- if min_value is not none %}
            or n_rows < {{ min_value }}
        {%- endif %}
        {%- if max_value is not none %}
            or n_rows > {{ max_value }}
        {%- endif %}

)

select * from final

{% endtest %}
