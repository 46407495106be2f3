{#
    Key stage 4 results per pupil, dated 1 July of the year the pupil sat them
    (exams end in June; results are published in August), so the research windows
    can tell results after entry to care or after leaving it.
#}
with

ks4 as (
    select
        person_id,
        la_code,
        ks4_year,
        attainment8_score,
        basics_grade4_english_maths
    from {{ ref('stg_attainment__ks4') }}
    where person_id is not null
),

final as (
    select
        person_id,
        la_code,
        ks4_year,
        {{ cyplink_make_date('ks4_year', 7, 1) }} as ks4_date,
        attainment8_score,
        basics_grade4_english_maths
    from ks4
)

select * from final
