{#
    RQ3 matched sets: every entry to care (the case) with up to
    var('research_rq3_controls_per_case', 5) comparison children from each of two
    pools, matched exactly on LA, sex, age in whole years at the index date and
    calendar month (the control takes the case's entry date as its index date):

    - children_in_need: children with a CIN episode in the same LA open on the
      index date (referral on or before it, not closed before it) who are never
      looked after in the data;
    - general_population: children resident in the same LA on 31 March of the
      index date's collection year (linked.person_year_panel) who are never looked
      after in the data.

    Sampling is deterministic and set-based: candidates are ranked by
    research_sample_hash(control person_id, case entry_id) and the first k kept,
    so reruns give the same sets and a child may serve as a control for several
    cases (sampling with replacement across cases, without within a case).
#}
{%- set controls_per_case = var('research_rq3_controls_per_case', 5) -%}
with

periods as (
    select
        person_id,
        la_code,
        la_child_id,
        period_number,
        period_start_date
    from {{ ref('periods_of_care') }}
    where person_id is not null
),

persons as (
    select
        person_id,
        sex,
        birth_month
    from {{ ref('persons') }}
),

panel as (
    select
        person_id,
        collection_year,
        la_code
    from {{ ref('person_year_panel') }}
),

social_care as (
    select
        person_id,
        la_code,
        start_date,
        end_date
    from {{ ref('int_research__social_care_history') }}
    where record_type = 'cin_episode'
),

ever_looked_after as (
    select distinct person_id from periods
),

cases as (
    select
        {{ dbt.hash(dbt.concat(['periods.la_code', "'|'", 'periods.la_child_id', "'|'",
            'cast(periods.period_number as ' ~ dbt.type_string() ~ ')'])) }} as entry_id,
        periods.person_id,
        periods.la_code,
        periods.period_start_date as index_date,
        persons.sex,
        {{ age_in_years('persons.birth_month', 'periods.period_start_date') }} as age_at_index,
        {{ collection_year_of('periods.period_start_date') }} as index_collection_year
    from periods
    inner join persons
        on periods.person_id = persons.person_id
    where
        persons.sex in ('M', 'F')
        and persons.birth_month is not null
        and {{ collection_year_of('periods.period_start_date') }}
        between {{ var('first_collection_year') }} and {{ var('last_collection_year') }}
),

never_looked_after as (
    select
        persons.person_id,
        persons.sex,
        persons.birth_month
    from persons
    left join ever_looked_after
        on persons.person_id = ever_looked_after.person_id
    where
        ever_looked_after.person_id is null
        and persons.sex in ('M', 'F')
        and persons.birth_month is not null
),

month_offsets as (
    {% for offset in range(12) %}
        select {{ offset }} as month_offset
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

case_birth_months as (
    -- The 12 birth months that give the case's age in whole years on its index
    -- date: from (index month - age years - 11 months) to (index month - age
    -- years). Matching a control on one of them is the same as matching on age
    -- at the index date, but it is an equi-join, so the database never pairs a
    -- case with every child in its LA and year.
    select
        cases.entry_id,
        cases.index_date,
        cases.index_collection_year,
        cast({{ dbt.dateadd('month', '-(12 * cases.age_at_index + month_offsets.month_offset)',
            dbt.date_trunc('month', 'cases.index_date')) }} as date) as birth_month,
        cases.la_code,
        cases.sex
    from cases
    cross join month_offsets
),

case_match_keys as (
    -- LA, sex and birth month as one join key: with separate keys the optimiser may
    -- join the CIN episodes to the cases on LA alone before the person's sex and birth
    -- month are known (measured at scale 1.0: a runaway join).
    select
        entry_id,
        index_date,
        index_collection_year,
        {{ dbt.concat(['la_code', "'|'", 'sex', "'|'", 'cast(birth_month as ' ~ dbt.type_string() ~ ')']) }}
            as match_key
    from case_birth_months
),

cin_pool as (
    select
        social_care.start_date,
        social_care.end_date,
        never_looked_after.person_id,
        {{ dbt.concat(['social_care.la_code', "'|'", 'never_looked_after.sex', "'|'",
            'cast(never_looked_after.birth_month as ' ~ dbt.type_string() ~ ')']) }} as match_key
    from social_care
    inner join never_looked_after
        on social_care.person_id = never_looked_after.person_id
),

cin_candidates as (
    select distinct
        case_match_keys.entry_id,
        cin_pool.person_id,
        'children_in_need' as comparison_group
    from case_match_keys
    inner join cin_pool
        on
            case_match_keys.match_key = cin_pool.match_key
            and case_match_keys.index_date >= cin_pool.start_date
            and (cin_pool.end_date is null or case_match_keys.index_date <= cin_pool.end_date)
),

population_pool as (
    select
        panel.collection_year,
        never_looked_after.person_id,
        {{ dbt.concat(['panel.la_code', "'|'", 'never_looked_after.sex', "'|'",
            'cast(never_looked_after.birth_month as ' ~ dbt.type_string() ~ ')']) }} as match_key
    from panel
    inner join never_looked_after
        on panel.person_id = never_looked_after.person_id
),

population_candidates as (
    select
        case_match_keys.entry_id,
        population_pool.person_id,
        'general_population' as comparison_group
    from case_match_keys
    inner join population_pool
        on
            case_match_keys.match_key = population_pool.match_key
            and case_match_keys.index_collection_year = population_pool.collection_year
),

candidates as (
    select * from cin_candidates
    union all
    select * from population_candidates
),

sampled as (
    select
        entry_id,
        person_id,
        comparison_group,
        row_number() over (
            partition by entry_id, comparison_group
            order by {{ research_sample_hash('person_id', 'entry_id') }}, person_id
        ) as control_rank
    from candidates
),

members as (
    select
        entry_id,
        person_id,
        'looked_after' as comparison_group,
        0 as control_rank
    from cases
    union all
    select
        entry_id,
        person_id,
        comparison_group,
        control_rank
    from sampled
    where control_rank <= {{ controls_per_case }}
),

final as (
    select
        members.entry_id,
        members.comparison_group,
        members.control_rank,
        members.person_id,
        cases.la_code,
        cases.sex,
        cases.age_at_index,
        cases.index_date,
        {{ dbt.date_trunc('month', 'cases.index_date') }} as index_month,
        cases.index_collection_year
    from members
    inner join cases
        on members.entry_id = cases.entry_id
)

select * from final
