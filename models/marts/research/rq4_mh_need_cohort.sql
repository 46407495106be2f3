{#
    RQ4 analysis-ready cohort: one row per period of care in which a mental health
    need is identified, for the question "does earlier mental health support
    improve later outcomes for looked-after children?". Person-level: stays in
    `marts`, never published; analyses/rq4_early_mh_support.py turns it into
    aggregate estimates.

    Need: the first of these signals dated inside the period of care (start to end,
    or the end of the data while still looked after), with the child aged under 18:
      sdq_17_plus            OC2 SDQ total score >= var('research_sdq_need_threshold', 17),
                             dated 31 March of the return year (the SDQ date is not returned);
      cin_assessment_factor  CIN assessment recording mental health (4A) or self-harm (15A),
                             dated by the assessment start;
      gp_mh_code             a GP event in the mental health code list;
      mhsds_referral         an MHSDS referral received.
    Ties on the same day go to gp_mh_code, mhsds_referral, cin_assessment_factor,
    sdq_17_plus in that order.

    Exposure: days from need to the first attended MHSDS care contact on or after
    the need date: within_3_months (contact no later than 3 months after need),
    later, never (none by the end of the data).

    Outcomes: counted over (need_date, need_date + 12 / 24 months], events after
    the end of the data are not seen; `has_12m_follow_up` / `has_24m_follow_up`
    say whether the window is complete, `follow_up_years_12m` / `_24m` how much of
    it is observed (use them as offsets or restrict to complete windows).
    Time at risk in each window: `years_in_care_*` (looked after: placement moves and
    missing episodes happen only then) and `years_under_18_*` (health records of
    children stop at 18); use log of them as offsets for rates.
    Covariates: at the need date, or over the 24 months before it (prior health use).
#}
{%- set sdq_threshold = var('research_sdq_need_threshold', 17) -%}
with

periods as (
    select
        person_id,
        la_code,
        la_child_id,
        period_number,
        period_start_date,
        coalesce(period_end_date, {{ research_end_of_data() }}) as period_end_date
    from {{ ref('periods_of_care') }}
    where person_id is not null
),

care_episodes as (
    select
        person_id,
        la_code,
        la_child_id,
        episode_start_date,
        effective_end_date,
        legal_status,
        placement_type,
        is_period_start,
        is_placement_start,
        reason_place_change
    from {{ ref('care_episodes') }}
    where person_id is not null
),

persons as (
    select
        person_id,
        sex,
        ethnic_group,
        birth_month
    from {{ ref('persons') }}
),

events as (
    select
        person_id,
        event_type,
        event_date,
        is_self_harm,
        is_mental_health
    from {{ ref('int_research__clinical_events') }}
),

oc2 as (
    select
        person_id,
        collection_year,
        sdq_score
    from {{ ref('stg_ssda903__oc2') }}
    where person_id is not null and sdq_score is not null
),

missing_episodes as (
    select
        person_id,
        missing_start_date
    from {{ ref('stg_ssda903__missing_episodes') }}
    where person_id is not null
),

social_care as (
    select
        person_id,
        record_type,
        start_date,
        end_date
    from {{ ref('int_research__social_care_history') }}
),

school_terms as (
    select
        person_id,
        term_mid_date,
        sessions_possible,
        sessions_absent,
        exclusions
    from {{ ref('int_research__school_terms') }}
),

-- every dated need signal, whatever its source
need_signals as (
    select
        person_id,
        event_date as signal_date,
        case when event_type = 'mh_referral' then 'mhsds_referral' else 'gp_mh_code' end as need_source,
        case when event_type = 'mh_referral' then 2 else 1 end as source_priority
    from events
    where
        event_type = 'mh_referral'
        or (event_type = 'gp_consultation' and is_mental_health)
    union all
    select
        person_id,
        start_date as signal_date,
        'cin_assessment_factor' as need_source,
        3 as source_priority
    from social_care
    where record_type = 'mh_assessment_factor'
    union all
    select
        person_id,
        {{ collection_year_end('collection_year') }} as signal_date,
        'sdq_17_plus' as need_source,
        4 as source_priority
    from oc2
    where sdq_score >= {{ sdq_threshold }}
),

period_needs as (
    select
        {{ dbt.hash(dbt.concat(['periods.la_code', "'|'", 'periods.la_child_id', "'|'",
            'cast(periods.period_number as ' ~ dbt.type_string() ~ ')'])) }} as entry_id,
        periods.person_id,
        periods.la_code,
        periods.la_child_id,
        periods.period_start_date,
        periods.period_end_date,
        need_signals.signal_date as need_date,
        need_signals.need_source,
        row_number() over (
            partition by periods.la_code, periods.la_child_id, periods.period_number
            order by need_signals.signal_date, need_signals.source_priority
        ) as signal_rank
    from periods
    inner join need_signals
        on
            periods.person_id = need_signals.person_id
            and need_signals.signal_date between periods.period_start_date and periods.period_end_date
),

needs as (
    select
        period_needs.*,
        persons.sex,
        persons.ethnic_group,
        {{ age_in_years('persons.birth_month', 'period_needs.need_date') }} as age_at_need,
        -- children's records end at 18; the month of birth stands in for the birthday
        cast({{ dbt.dateadd('year', 18, 'persons.birth_month') }} as date) as eighteenth_birthday,
        cast({{ dbt.dateadd('month', 3, 'period_needs.need_date') }} as date) as early_support_deadline,
        cast({{ dbt.dateadd('month', 12, 'period_needs.need_date') }} as date) as window_12m_end_date,
        cast({{ dbt.dateadd('month', 24, 'period_needs.need_date') }} as date) as window_24m_end_date,
        cast({{ dbt.dateadd('month', -24, 'period_needs.need_date') }} as date) as prior_24m_start_date,
        cast({{ dbt.dateadd('month', -12, 'period_needs.need_date') }} as date) as prior_12m_start_date
    from period_needs
    left join persons
        on period_needs.person_id = persons.person_id
    where
        period_needs.signal_rank = 1
        and {{ age_in_years('persons.birth_month', 'period_needs.need_date') }} < 18
        and {{ collection_year_of('period_needs.need_date') }}
        between {{ var('first_collection_year') }} and {{ var('last_collection_year') }}
),

first_contacts as (
    select
        needs.entry_id,
        min(events.event_date) as first_contact_date
    from needs
    inner join events
        on
            needs.person_id = events.person_id
            and events.event_type = 'mh_attended_contact'
            and needs.need_date <= events.event_date
            and events.event_date <= {{ research_end_of_data() }}
    group by needs.entry_id
),

episode_at_need as (
    select
        needs.entry_id,
        care_episodes.legal_status,
        care_episodes.placement_type,
        row_number() over (
            partition by needs.entry_id order by care_episodes.episode_start_date desc
        ) as episode_rank
    from needs
    inner join care_episodes
        on
            needs.la_code = care_episodes.la_code
            and needs.la_child_id = care_episodes.la_child_id
            and needs.need_date >= care_episodes.episode_start_date
),

-- placement moves: a new placement inside a period of care; CREQB: the move's recorded
-- reason is the carer's request because of the child's behaviour (903 REASON_PLACE_CHANGE)
placement_moves as (
    select
        person_id,
        episode_start_date as move_date,
        coalesce(reason_place_change = 'CREQB', false) as is_carer_request_behaviour
    from care_episodes
    where is_placement_start and not is_period_start
),

outcome_events as (
    select
        person_id,
        event_date,
        case when event_type = 'ae_attendance' and is_self_harm then 1 else 0 end as self_harm_ae,
        case when event_type = 'emergency_admission' then 1 else 0 end as emergency_admission,
        0 as placement_move,
        0 as placement_end_creqb,
        0 as missing_episode
    from events
    where (event_type = 'ae_attendance' and is_self_harm) or event_type = 'emergency_admission'
    union all
    select
        person_id,
        move_date as event_date,
        0 as self_harm_ae,
        0 as emergency_admission,
        1 as placement_move,
        case when is_carer_request_behaviour then 1 else 0 end as placement_end_creqb,
        0 as missing_episode
    from placement_moves
    union all
    select
        person_id,
        missing_start_date as event_date,
        0 as self_harm_ae,
        0 as emergency_admission,
        0 as placement_move,
        0 as placement_end_creqb,
        1 as missing_episode
    from missing_episodes
),

outcomes as (
    select
        needs.entry_id,
        {% for horizon in ['12m', '24m'] %}
            {% for outcome in ['placement_move', 'placement_end_creqb', 'missing_episode', 'self_harm_ae',
                'emergency_admission'] %}
                sum(
                    case
                        when outcome_events.event_date <= needs.window_{{ horizon }}_end_date
                            then outcome_events.{{ outcome }}
                        else 0
                    end
                ) as {{ outcome }}s_{{ horizon }},
            {% endfor %}
        {% endfor %}
        count(*) as outcome_event_rows
    from needs
    inner join outcome_events
        on
            needs.person_id = outcome_events.person_id
            and needs.need_date < outcome_events.event_date
            and needs.window_24m_end_date >= outcome_events.event_date
            and outcome_events.event_date <= {{ research_end_of_data() }}
    group by needs.entry_id
),

school_outcomes as (
    select
        needs.entry_id,
        {% for horizon in ['12m', '24m'] %}
            sum(
                case
                    when school_terms.term_mid_date <= needs.window_{{ horizon }}_end_date
                        then school_terms.sessions_possible
                end
            ) as sessions_possible_{{ horizon }},
            sum(
                case
                    when school_terms.term_mid_date <= needs.window_{{ horizon }}_end_date
                        then school_terms.sessions_absent
                end
            ) as sessions_absent_{{ horizon }},
            sum(
                case
                    when school_terms.term_mid_date <= needs.window_{{ horizon }}_end_date
                        then school_terms.exclusions
                end
            ) as exclusions_{{ horizon }},
        {% endfor %}
        count(*) as school_terms_24m
    from needs
    inner join school_terms
        on
            needs.person_id = school_terms.person_id
            and needs.need_date < school_terms.term_mid_date
            and needs.window_24m_end_date >= school_terms.term_mid_date
    group by needs.entry_id
),

prior_health as (
    select
        needs.entry_id,
        sum(
            case
                when events.event_type = 'ae_attendance' and events.event_date >= needs.prior_24m_start_date
                    then 1
                else 0
            end
        ) as prior_ae_attendances_24m,
        sum(
            case
                when events.event_type = 'emergency_admission' and events.event_date >= needs.prior_24m_start_date
                    then 1
                else 0
            end
        ) as prior_emergency_admissions_24m,
        sum(
            case
                when events.is_self_harm and events.event_type in ('ae_attendance', 'emergency_admission')
                    then 1
                else 0
            end
        ) as prior_self_harm_presentations,
        -- what a service triaging the referral sees: self-harm at A&E in the past year of
        -- this period of care (presentations before entry belong to RQ3, not to triage)
        sum(
            case
                when
                    events.event_type = 'ae_attendance'
                    and events.is_self_harm
                    and events.event_date >= needs.prior_12m_start_date
                    and events.event_date >= needs.period_start_date
                    then 1
                else 0
            end
        ) as prior_self_harm_aes_12m_in_care,
        sum(case when events.event_type = 'mh_referral' then 1 else 0 end) as prior_mh_referrals,
        sum(case when events.is_mental_health then 1 else 0 end) as prior_mh_diagnosis_records
    from needs
    inner join events
        on
            needs.person_id = events.person_id
            and needs.need_date > events.event_date
    group by needs.entry_id
),

prior_social_care as (
    select
        needs.entry_id,
        max(case when social_care.record_type = 'cin_episode' then 1 else 0 end) = 1 as had_prior_cin_episode,
        max(case when social_care.record_type = 'cp_plan' then 1 else 0 end) = 1 as had_prior_cp_plan,
        max(case when social_care.record_type = 'mh_assessment_factor' then 1 else 0 end) = 1
            as had_prior_mh_assessment_factor
    from needs
    inner join social_care
        on
            needs.person_id = social_care.person_id
            and needs.need_date > social_care.start_date
    group by needs.entry_id
),

latest_sdq as (
    select
        needs.entry_id,
        oc2.sdq_score,
        row_number() over (partition by needs.entry_id order by oc2.collection_year desc) as sdq_rank
    from needs
    inner join oc2
        on
            needs.person_id = oc2.person_id
            and {{ collection_year_end('oc2.collection_year') }} <= needs.need_date
),

final as (
    select
        needs.entry_id,
        needs.person_id,
        needs.la_code,
        needs.period_start_date,
        needs.need_date,
        needs.need_source,
        {{ collection_year_of('needs.need_date') }} as need_collection_year,
        first_contacts.first_contact_date,
        {{ research_days_between('needs.need_date', 'first_contacts.first_contact_date') }}
            as days_to_first_contact,
        case
            when first_contacts.first_contact_date <= needs.early_support_deadline then 'within_3_months'
            when first_contacts.first_contact_date is not null then 'later'
            else 'never'
        end as exposure_group,
        coalesce(first_contacts.first_contact_date <= needs.early_support_deadline, false) as is_early_support,
        needs.early_support_deadline <= {{ research_end_of_data() }} as has_exposure_follow_up,
        needs.window_12m_end_date <= {{ research_end_of_data() }} as has_12m_follow_up,
        needs.window_24m_end_date <= {{ research_end_of_data() }} as has_24m_follow_up,
        greatest({{ research_days_between('needs.need_date',
            'least(needs.window_12m_end_date, ' ~ research_end_of_data() ~ ')') }}, 0) / 365.25
            as follow_up_years_12m,
        greatest({{ research_days_between('needs.need_date',
            'least(needs.window_24m_end_date, ' ~ research_end_of_data() ~ ')') }}, 0) / 365.25
            as follow_up_years_24m,
        {% for horizon in ['12m', '24m'] %}
            greatest({{ research_days_between('needs.need_date',
                'least(needs.window_' ~ horizon ~ '_end_date, needs.period_end_date, '
                ~ research_end_of_data() ~ ')') }}, 0) / 365.25 as years_in_care_{{ horizon }},
            greatest({{ research_days_between('needs.need_date',
                'least(needs.window_' ~ horizon ~ '_end_date, needs.eighteenth_birthday, '
                ~ research_end_of_data() ~ ')') }}, 0) / 365.25 as years_under_18_{{ horizon }},
        {% endfor %}
        {% for horizon in ['12m', '24m'] %}
            {% for outcome in ['placement_move', 'placement_end_creqb', 'missing_episode', 'self_harm_ae',
                'emergency_admission'] %}
                coalesce(outcomes.{{ outcome }}s_{{ horizon }}, 0) as {{ outcome }}s_{{ horizon }},
            {% endfor %}
            school_outcomes.sessions_possible_{{ horizon }},
            school_outcomes.sessions_absent_{{ horizon }},
            school_outcomes.exclusions_{{ horizon }},
        {% endfor %}
        needs.age_at_need,
        coalesce(needs.sex, 'U') as sex,
        coalesce(needs.ethnic_group, 'Unknown') as ethnic_group,
        episode_at_need.legal_status as legal_status_at_need,
        episode_at_need.placement_type as placement_type_at_need,
        {{ research_days_between('needs.period_start_date', 'needs.need_date') }}
            as days_in_care_before_need,
        coalesce(prior_social_care.had_prior_cin_episode, false) as had_prior_cin_episode,
        coalesce(prior_social_care.had_prior_cp_plan, false) as had_prior_cp_plan,
        coalesce(prior_social_care.had_prior_mh_assessment_factor, false) as had_prior_mh_assessment_factor,
        coalesce(prior_health.prior_ae_attendances_24m, 0) as prior_ae_attendances_24m,
        coalesce(prior_health.prior_emergency_admissions_24m, 0) as prior_emergency_admissions_24m,
        coalesce(prior_health.prior_self_harm_presentations, 0) as prior_self_harm_presentations,
        coalesce(prior_health.prior_self_harm_aes_12m_in_care, 0) as prior_self_harm_aes_12m_in_care,
        coalesce(prior_health.prior_mh_referrals, 0) as prior_mh_referrals,
        coalesce(prior_health.prior_mh_diagnosis_records, 0) as prior_mh_diagnosis_records,
        latest_sdq.sdq_score as latest_sdq_score
    from needs
    left join first_contacts
        on needs.entry_id = first_contacts.entry_id
    left join episode_at_need
        on needs.entry_id = episode_at_need.entry_id and episode_at_need.episode_rank = 1
    left join outcomes
        on needs.entry_id = outcomes.entry_id
    left join school_outcomes
        on needs.entry_id = school_outcomes.entry_id
    left join prior_health
        on needs.entry_id = prior_health.entry_id
    left join prior_social_care
        on needs.entry_id = prior_social_care.entry_id
    left join latest_sdq
        on needs.entry_id = latest_sdq.entry_id and latest_sdq.sdq_rank = 1
)

select * from final
