{#
    Statistics for the research marts (models/marts/research), on top of
    macros/stats/cyplink_stats.sql (Wilson, Byar, safe_divide, ci_z, type_double).

    Directly standardised rates (DSR), with the PHE method ("Technical guide:
    confidence intervals", Public Health England / OHID Fingertips):

        DSR     = sum_i(w_i * O_i / n_i) / sum_i(w_i)                 (times the multiplier)
        var     = sum_i(w_i^2 * O_i / n_i^2) / (sum_i w_i)^2
        limits  = DSR + sqrt(var / O) * (O_limit - O)                 (Dobson et al. 1991)

    where, in stratum i (age band by sex), O_i events are observed over n_i units of
    person-time and w_i is the standard population; O = sum of O_i and O_limit is the
    exact Poisson limit for O, here by Byar's approximation (as the PHE guide allows
    for O >= 10; below 10 the publication layer suppresses the row anyway).

    The model sums the stratum terms itself (`dsr_term`, `dsr_variance_term`); the
    macros below turn the sums into the rate and its interval. Rate ratios use the
    log method: RR * exp(+/- z * se(log RR)), with se from the two rates' variances
    (Kirkwood & Sterne, "Essential Medical Statistics", 2nd ed., 23.2; for DSRs the
    delta method var(log DSR) = var(DSR) / DSR^2).
#}

{# One stratum's contribution to the DSR numerator: w_i * O_i / n_i (0 when n_i is 0). #}
{% macro dsr_term(events, person_time, standard_weight) -%}
    coalesce({{ standard_weight }} * {{ safe_divide(events, person_time) }}, 0)
{%- endmacro %}

{# One stratum's contribution to var(DSR) before dividing by (sum w)^2: w_i^2 * O_i / n_i^2. #}
{% macro dsr_variance_term(events, person_time, standard_weight) -%}
    coalesce(
        {{ standard_weight }} * {{ standard_weight }}
        * {{ safe_divide(events, person_time ~ ' * ' ~ person_time) }},
        0
    )
{%- endmacro %}

{# The DSR from the summed terms and the summed standard weights. #}
{% macro dsr_value(sum_dsr_terms, sum_weights, multiplier=1000) -%}
    ({{ multiplier }} * {{ safe_divide(sum_dsr_terms, sum_weights) }})
{%- endmacro %}

{# var(DSR) on the multiplier's scale from the summed variance terms. #}
{% macro dsr_variance(sum_variance_terms, sum_weights, multiplier=1000) -%}
    ({{ multiplier }} * {{ multiplier }} * {{ safe_divide(sum_variance_terms, sum_weights ~ ' * ' ~ sum_weights) }})
{%- endmacro %}

{# Byar lower limit of a Poisson count O (not divided by anything). #}
{% macro poisson_count_lower(observed) -%}
    {{ byar_lower(observed, 1, 1) }}
{%- endmacro %}

{# Byar upper limit of a Poisson count O. #}
{% macro poisson_count_upper(observed) -%}
    {{ byar_upper(observed, 1, 1) }}
{%- endmacro %}

{# Dobson lower limit of a DSR: DSR + sqrt(var / O) * (O_lower - O); null when O = 0. #}
{% macro dobson_lower(dsr, variance, observed) -%}
    (
        case
            when {{ observed }} > 0
                then greatest(
                    {{ dsr }} + sqrt({{ safe_divide(variance, observed) }})
                    * ({{ poisson_count_lower(observed) }} - {{ observed }}),
                    0
                )
        end
    )
{%- endmacro %}

{# Dobson upper limit of a DSR: DSR + sqrt(var / O) * (O_upper - O); null when O = 0. #}
{% macro dobson_upper(dsr, variance, observed) -%}
    (
        case
            when {{ observed }} > 0
                then {{ dsr }} + sqrt({{ safe_divide(variance, observed) }})
                * ({{ poisson_count_upper(observed) }} - {{ observed }})
        end
    )
{%- endmacro %}

{# Ratio of two rates; null when either is 0 or null. #}
{% macro rate_ratio(rate_a, rate_b) -%}
    (case when {{ rate_a }} > 0 and {{ rate_b }} > 0 then {{ rate_a }} / {{ rate_b }} end)
{%- endmacro %}

{#
    Standard error of log(rate_a / rate_b) from each rate's variance (delta method);
    for crude rates pass variance = rate^2 / O, i.e. se = sqrt(1/O_a + 1/O_b).
#}
{% macro log_rate_ratio_se(rate_a, variance_a, rate_b, variance_b) -%}
    sqrt(
        {{ safe_divide(variance_a, rate_a ~ ' * ' ~ rate_a) }}
        + {{ safe_divide(variance_b, rate_b ~ ' * ' ~ rate_b) }}
    )
{%- endmacro %}

{% macro rate_ratio_lower(rate_a, variance_a, rate_b, variance_b) -%}
    (
        case when {{ rate_a }} > 0 and {{ rate_b }} > 0 then
            ({{ rate_a }} / {{ rate_b }})
            * exp(-{{ ci_z() }} * {{ log_rate_ratio_se(rate_a, variance_a, rate_b, variance_b) }})
        end
    )
{%- endmacro %}

{% macro rate_ratio_upper(rate_a, variance_a, rate_b, variance_b) -%}
    (
        case when {{ rate_a }} > 0 and {{ rate_b }} > 0 then
            ({{ rate_a }} / {{ rate_b }})
            * exp({{ ci_z() }} * {{ log_rate_ratio_se(rate_a, variance_a, rate_b, variance_b) }})
        end
    )
{%- endmacro %}

{#
    Deterministic pseudo-random order for sampling matched controls: a hash of the
    control's and the case's ids, so the same inputs always pick the same controls
    and a control's rank differs between cases. Returns a 64-bit integer.
#}
{% macro research_sample_hash(control_id, case_id) -%}
    {{ return(adapter.dispatch('research_sample_hash', 'cyplink')(control_id, case_id)) }}
{%- endmacro %}

{% macro default__research_sample_hash(control_id, case_id) -%}
    {{ dbt.hash(dbt.concat([control_id, "'|'", case_id])) }}
{%- endmacro %}

{% macro duckdb__research_sample_hash(control_id, case_id) -%}
    hash({{ control_id }}, '|', {{ case_id }})
{%- endmacro %}

{#
    The last day of the data the research marts follow people to (censoring date):
    31 March of var('last_collection_year') unless var('research_end_of_data')
    ('YYYY-MM-DD') says otherwise.
#}
{% macro research_end_of_data() -%}
    {%- set override = var('research_end_of_data', none) -%}
    {%- if override -%}
        cast('{{ override }}' as date)
    {%- else -%}
        {{ collection_year_end(var('last_collection_year')) }}
    {%- endif -%}
{%- endmacro %}

{# Days between two dates (end minus start), portable. #}
{% macro research_days_between(start_date, end_date) -%}
    {{ dbt.datediff(start_date, end_date, 'day') }}
{%- endmacro %}
