{#-
    Data quality by LA and collection year: the checks modelled on the DfE 903 validation
    rules that matter to the LAC indicators, the rows staging quarantined per landing table,
    and (when `cyplink validate` has run) the DfE validators' own results.
-#}

-- The validator results are read only when present; declare the dependency always so
-- dbt's lineage shows it and unit tests can mock it:
-- depends_on: {{ source('validation', 'dfe_rule_results') }}

with

episodes as (

    select
        la_code,
        la_child_id,
        source_collection_year,
        episode_start_date,
        episode_end_date,
        is_short_break
    from {{ ref('stg_ssda903__episodes') }}

),

oc2 as (

    select
        la_code,
        la_child_id,
        collection_year,
        sdq_score_recorded
    from {{ ref('stg_ssda903__oc2') }}

),

base_episodes as (

    select
        la_code,
        collection_year
    from {{ ref('base_ssda903__episodes') }}

),

quarantine as (

    select
        landing_table,
        source_file,
        source_row_number,
        la_code,
        collection_year,
        column_name,
        reason,
        quarantine_level
    from {{ ref('stg_quarantine') }}

),

reconciliation as (

    select
        landing_table,
        source_file,
        rows_read
    from {{ ref('stg_reconciliation') }}

),

episode_sequence as (

    select
        *,
        lead(episode_start_date) over (
            partition by la_code, la_child_id
            order by episode_start_date
        ) as next_episode_start_date
    from episodes

),

episode_overlaps as (

    -- DfE 903 episode rules: an episode must end on or before the next one starts
    -- (an open episode followed by another also overlaps)
    select
        la_code,
        source_collection_year as collection_year,
        'episode_overlap' as check_id,
        count(*) filter (
            where
            next_episode_start_date is not null
            and (episode_end_date is null or episode_end_date > next_episode_start_date)
        ) as n_failing,
        count(*) as n_checked
    from episode_sequence
    group by la_code, source_collection_year

),

dec_before_decom as (

    -- DfE 903: DEC must not be before DECOM; such rows are quarantined by staging
    select
        base_episodes.la_code,
        base_episodes.collection_year,
        'dec_before_decom' as check_id,
        (
            select count(distinct quarantine.source_file || '#' || quarantine.source_row_number)
            from quarantine
            where
                quarantine.landing_table = 'ssda903.episodes'
                and quarantine.column_name = 'DEC'
                and quarantine.reason like 'end before start%'
                and quarantine.la_code = base_episodes.la_code
                and quarantine.collection_year = base_episodes.collection_year
        ) as n_failing,
        count(*) as n_checked
    from base_episodes
    group by base_episodes.la_code, base_episodes.collection_year

),

care_periods as (

    -- continuous care: episodes (short breaks excluded) chained while each starts on or
    -- before the latest end so far
    select
        *,
        sum(case when starts_new_period then 1 else 0 end) over (
            partition by la_code, la_child_id
            order by episode_start_date
            rows unbounded preceding
        ) as period_number
    from (
        select
            *,
            coalesce(
                episode_start_date > max(coalesce(episode_end_date, date '9999-12-31')) over (
                    partition by la_code, la_child_id
                    order by episode_start_date
                    rows between unbounded preceding and 1 preceding
                ),
                true
            ) as starts_new_period
        from episodes
        where not is_short_break
    ) as chained

),

periods as (

    select
        la_code,
        la_child_id,
        min(episode_start_date) as period_start_date,
        max(coalesce(episode_end_date, date '9999-12-31')) as period_end_date
    from care_periods
    group by la_code, la_child_id, period_number

),

oc2_continuity as (

    -- DfE 903 OC2 rules: OC2 data only for children looked after continuously for the
    -- 12 months to 31 March of the collection year
    select
        oc2.la_code,
        oc2.collection_year,
        oc2.la_child_id,
        oc2.sdq_score_recorded,
        exists(
            select 1
            from periods
            where
                periods.la_code = oc2.la_code
                and periods.la_child_id = oc2.la_child_id
                and periods.period_start_date <= make_date(oc2.collection_year - 1, 3, 31)
                and periods.period_end_date >= make_date(oc2.collection_year, 3, 31)
        ) as is_continuously_looked_after
    from oc2

),

oc2_checks as (

    select
        la_code,
        collection_year,
        'oc2_not_continuously_looked_after' as check_id,
        count(*) filter (where not is_continuously_looked_after) as n_failing,
        count(*) as n_checked
    from oc2_continuity
    group by la_code, collection_year
    union all
    select
        la_code,
        collection_year,
        'sdq_out_of_range' as check_id,
        count(*) filter (where sdq_score_recorded not between 0 and 40) as n_failing,
        count(*) filter (where sdq_score_recorded is not null) as n_checked
    from oc2_continuity
    group by la_code, collection_year

),

quarantined as (

    -- rows staging could not load, per landing table (row and file level)
    select
        quarantine.la_code,
        quarantine.collection_year,
        'quarantined_rows__' || quarantine.landing_table as check_id,
        count(distinct quarantine.source_file || '#' || coalesce(quarantine.source_row_number, -1)) as n_failing,
        cast(null as bigint) as n_checked
    from quarantine
    where quarantine.quarantine_level = 'row'
    group by quarantine.la_code, quarantine.collection_year, quarantine.landing_table
    union all
    select
        quarantine.la_code,
        quarantine.collection_year,
        'rejected_file_rows__' || quarantine.landing_table as check_id,
        sum(reconciliation.rows_read) as n_failing,
        cast(null as bigint) as n_checked
    from quarantine
    inner join reconciliation
        on quarantine.source_file = reconciliation.source_file
    where quarantine.quarantine_level = 'file'
    group by quarantine.la_code, quarantine.collection_year, quarantine.landing_table

),

{%- set dfe_results = none %}
{%- if execute %}
    {%- set dfe_results = adapter.get_relation(
        database=target.database, schema='validation', identifier='dfe_rule_results'
    ) %}
{%- endif %}

dfe_validator as (

    {%- if dfe_results is not none %}
    -- results of `cyplink validate` (Data to Insight's DfE validators), when it has run
    select
        la_code,
        cast(collection_year as integer) as collection_year,
        'dfe_' || validator || '_' || rule_code as check_id,
        count(distinct child_id) as n_failing,
        cast(null as bigint) as n_checked
    from {{ source('validation', 'dfe_rule_results') }}
    group by la_code, collection_year, validator, rule_code
    {%- else %}
    -- `cyplink validate` has not run: no DfE validator results in this warehouse
        select
            cast(null as varchar) as la_code,
            cast(null as integer) as collection_year,
            cast(null as varchar) as check_id,
            cast(null as bigint) as n_failing,
            cast(null as bigint) as n_checked
        where false
    {%- endif %}

),

all_checks as (

    select * from episode_overlaps
    union all
    select * from dec_before_decom
    union all
    select * from oc2_checks
    union all
    select * from quarantined
    union all
    select * from dfe_validator

),

final as (

    select
        la_code,
        collection_year,
        check_id,
        n_failing,
        n_checked,
        case
            when check_id = 'episode_overlap' then 'Episodes of one child overlap (next DECOM before DEC)'
            when check_id = 'dec_before_decom' then 'Episode ceased (DEC) before it commenced (DECOM)'
            when check_id = 'oc2_not_continuously_looked_after'
                then 'OC2 return for a child not looked after continuously for the 12 months to 31 March'
            when check_id = 'sdq_out_of_range' then 'SDQ score outside 0-40'
            when check_id like 'quarantined_rows__%' then 'Rows quarantined by staging (failed validation)'
            when check_id like 'rejected_file_rows__%' then 'Rows in files staging could not read'
            when check_id like 'dfe_%' then 'DfE validation rule failed (Data to Insight validator)'
        end as check_name,
        case
            when check_id like 'dfe_%' or check_id like 'quarantined%' or check_id like 'rejected%'
                then 'staging / DfE validator'
            else 'DfE SSDA903 validation rules (modelled)'
        end as check_source,
        case when n_checked > 0 then round(100.0 * n_failing / n_checked, 2) end as pct_failing
    from all_checks
    where la_code is not null

)

select * from final
