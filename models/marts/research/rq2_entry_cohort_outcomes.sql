{#
    RQ2 summary: per LA, entry cohort (collection year of entry to care), follow-up
    window and outcome, built from rq2_entry_outcome_windows (and KS4 results).

    Two ways around censoring at the end of the data, side by side:
    - proportions (`pct_with_outcome`) use only entries whose window is complete
      (`complete_entries`), so late cohorts simply have no complete 2-5 year window;
    - rates (`rate_per_1000_years`) use every entry's observed person-time in the
      window (`follow_up_years`), so censored follow-up still counts.
    KS4 rows (window `ks4_after_entry`): pupils whose KS4 results are dated after
    entry to care; the mean Attainment 8 score and % achieving grade 4+ in English
    and maths.
#}
with

windows as (
    select
        entry_id,
        person_id,
        la_code,
        entry_cohort,
        entry_date,
        follow_up_window,
        is_complete,
        follow_up_years,
        ae_attendances,
        emergency_admissions,
        self_harm_presentations,
        mh_referrals,
        mh_diagnosis_records,
        has_new_mh_referral_or_diagnosis
    from {{ ref('rq2_entry_outcome_windows') }}
),

ks4 as (
    select
        person_id,
        ks4_date,
        attainment8_score,
        basics_grade4_english_maths
    from {{ ref('int_research__ks4_results') }}
),

local_authorities as (
    select
        la_code,
        la_name
    from {{ ref('ref_local_authorities') }}
),

long_outcomes as (
    {% set outcomes = [
        ('ae_attendance', 'ae_attendances'),
        ('emergency_admission', 'emergency_admissions'),
        ('self_harm_presentation', 'self_harm_presentations'),
        ('mh_referral', 'mh_referrals'),
        ('mh_diagnosis', 'mh_diagnosis_records'),
    ] %}
    {% for outcome, column in outcomes %}
        select
            la_code,
            entry_cohort,
            follow_up_window,
            '{{ outcome }}' as outcome,
            is_complete,
            follow_up_years,
            {{ column }} as events,
            {{ column }} > 0 as has_outcome
        from windows
        union all
    {% endfor %}
    select
        la_code,
        entry_cohort,
        follow_up_window,
        'new_mh_referral_or_diagnosis' as outcome,
        is_complete,
        follow_up_years,
        cast(null as integer) as events,
        has_new_mh_referral_or_diagnosis as has_outcome
    from windows
),

window_summary as (
    select
        la_code,
        entry_cohort,
        follow_up_window,
        outcome,
        count(*) as entries,
        sum(case when is_complete then 1 else 0 end) as complete_entries,
        sum(case when is_complete and has_outcome then 1 else 0 end) as entries_with_outcome,
        sum(events) as events,
        sum(follow_up_years) as follow_up_years,
        cast(null as {{ type_double() }}) as mean_score,
        cast(null as {{ type_double() }}) as sd_score
    from long_outcomes
    group by la_code, entry_cohort, follow_up_window, outcome
),

-- first KS4 result dated after entry to care, per entry
ks4_after_entry as (
    select
        windows.la_code,
        windows.entry_cohort,
        windows.entry_id,
        ks4.attainment8_score,
        ks4.basics_grade4_english_maths,
        row_number() over (partition by windows.entry_id order by ks4.ks4_date) as result_rank
    from windows
    inner join ks4
        on
            windows.person_id = ks4.person_id
            and windows.entry_date < ks4.ks4_date
    where windows.follow_up_window = 'entry_0_12m'
),

ks4_summary as (
    select
        la_code,
        entry_cohort,
        'ks4_after_entry' as follow_up_window,
        'ks4_basics_grade4_english_maths' as outcome,
        count(*) as entries,
        count(basics_grade4_english_maths) as complete_entries,
        sum(basics_grade4_english_maths) as entries_with_outcome,
        cast(null as integer) as events,
        cast(null as {{ type_double() }}) as follow_up_years,
        cast(null as {{ type_double() }}) as mean_score,
        cast(null as {{ type_double() }}) as sd_score
    from ks4_after_entry
    where result_rank = 1
    group by la_code, entry_cohort
    union all
    select
        la_code,
        entry_cohort,
        'ks4_after_entry' as follow_up_window,
        'ks4_attainment8' as outcome,
        count(*) as entries,
        count(attainment8_score) as complete_entries,
        cast(null as integer) as entries_with_outcome,
        cast(null as integer) as events,
        cast(null as {{ type_double() }}) as follow_up_years,
        avg(attainment8_score) as mean_score,
        stddev_samp(attainment8_score) as sd_score
    from ks4_after_entry
    where result_rank = 1
    group by la_code, entry_cohort
),

combined as (
    select * from window_summary
    union all
    select * from ks4_summary
),

final as (
    select
        combined.la_code,
        local_authorities.la_name,
        combined.entry_cohort,
        combined.follow_up_window,
        combined.outcome,
        combined.entries,
        combined.complete_entries,
        combined.entries_with_outcome,
        100 * {{ safe_divide('combined.entries_with_outcome', 'combined.complete_entries') }} as pct_with_outcome,
        case
            when combined.complete_entries > 0 and combined.entries_with_outcome is not null
                then {{ wilson_lower('combined.entries_with_outcome', 'combined.complete_entries', 100) }}
        end as pct_lower_ci,
        case
            when combined.complete_entries > 0 and combined.entries_with_outcome is not null
                then {{ wilson_upper('combined.entries_with_outcome', 'combined.complete_entries', 100) }}
        end as pct_upper_ci,
        combined.events,
        combined.follow_up_years,
        1000 * {{ safe_divide('combined.events', 'combined.follow_up_years') }} as rate_per_1000_years,
        case
            when combined.follow_up_years > 0
                then {{ byar_lower('combined.events', 'combined.follow_up_years', 1000) }}
        end as rate_lower_ci,
        case
            when combined.follow_up_years > 0
                then {{ byar_upper('combined.events', 'combined.follow_up_years', 1000) }}
        end as rate_upper_ci,
        combined.mean_score,
        case
            when combined.complete_entries > 1
                then {{ mean_lower('combined.mean_score', 'combined.sd_score', 'combined.complete_entries') }}
        end as mean_lower_ci,
        case
            when combined.complete_entries > 1
                then {{ mean_upper('combined.mean_score', 'combined.sd_score', 'combined.complete_entries') }}
        end as mean_upper_ci,
        combined.sd_score
    from combined
    left join local_authorities
        on combined.la_code = local_authorities.la_code
)

select * from final
