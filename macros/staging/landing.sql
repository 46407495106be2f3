{#
    Staging machinery: read every landing table as it really arrives.

    The contract of each landing table lives in its source YAML (models/staging/<source>/
    _<source>__sources.yml): the glob under the landing root, the path pattern that gives
    the LA code and year, and per column its snake_case alias, type, whether a value is
    required and the code set it must belong to. These macros turn that contract into SQL,
    so that the rules are written once:

    - `landing_base(source, table)`: one row per landing row of the files that could be
      read, typed and renamed, with `dq_errors` (what failed validation).
    - `landing_file_checks()`: one row per landing file: readable?, header, missing and
      extra columns, physical row count.
#}

{% macro landing_source_node(source_name, table_name) %}
    {%- for node in graph.sources.values() -%}
        {%- if node.source_name == source_name and node.name == table_name -%}
            {{ return(node) }}
        {%- endif -%}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("no source " ~ source_name ~ "." ~ table_name) }}
{% endmacro %}


{% macro landing_location(node) %}
    {#- Absolute glob of the landing table (or Parquet file of an ingested table). -#}
    {%- if node.meta.get('format') == 'parquet' -%}
        {{ return(var('ingest_root') ~ '/' ~ node.meta.ingest_file) }}
    {%- else -%}
        {{ return(var('landing_root') ~ '/' ~ node.meta.landing_glob) }}
    {%- endif -%}
{% endmacro %}


{% macro landing_files_exist(node) %}
    {#-
        DuckDB's read_csv fails on a glob that matches no file, and an LA may not send a
        table: check at run time and read an empty stub instead. At parse time (no
        connection) answer true so that `source()` is recorded for lineage.
    -#}
    {%- if not execute -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set result = run_query("select count(*) from glob('" ~ landing_location(node) ~ "')") -%}
    {{ return(result.columns[0].values()[0] > 0) }}
{% endmacro %}


{% macro landing_cast(raw, column_type) %}
    {#- Typed value of a trimmed text value; NULL when it does not parse. -#}
    {%- if column_type in ('date_dmy', 'date_iso') -%}
        cast(coalesce(try_strptime({{ raw }}, '%d/%m/%Y'), try_strptime({{ raw }}, '%Y-%m-%d')) as date)
    {%- elif column_type == 'datetime' -%}
        coalesce(
            try_cast({{ raw }} as timestamp),
            cast(try_strptime({{ raw }}, '%Y-%m-%d') as timestamp)
        )
    {%- elif column_type == 'integer' -%}
        try_cast(try_cast({{ raw }} as decimal(18, 3)) as bigint)
    {%- elif column_type == 'decimal' -%}
        try_cast({{ raw }} as double)
    {%- else -%}
        {{ raw }}
    {%- endif -%}
{% endmacro %}


{% macro landing_type_error(raw, column_type) %}
    {#- Boolean SQL: the value is present but is not of the declared type. -#}
    {%- if column_type in ('date_dmy', 'date_iso', 'datetime', 'decimal') -%}
        ({{ raw }} is not null and {{ landing_cast(raw, column_type) }} is null)
    {%- elif column_type == 'integer' -%}
        ({{ raw }} is not null and (
            try_cast({{ raw }} as decimal(18, 3)) is null
            or try_cast({{ raw }} as decimal(18, 3)) != floor(try_cast({{ raw }} as decimal(18, 3)))
        ))
    {%- else -%}
        false
    {%- endif -%}
{% endmacro %}


{% macro landing_type_label(column_type) %}
    {%- set labels = {
        'date_dmy': 'not a valid date (expected DD/MM/YYYY)',
        'date_iso': 'not a valid date (expected YYYY-MM-DD)',
        'datetime': 'not a valid date-time (expected ISO 8601)',
        'integer': 'not a whole number',
        'decimal': 'not a number',
    } -%}
    {{ return(labels.get(column_type, 'not valid')) }}
{% endmacro %}


{% macro landing_error(column_name, raw, reason) -%}
    {'column_name': '{{ column_name }}', 'raw_value': {{ raw }}, 'reason': {{ reason }}}
{%- endmacro %}


{% macro landing_base(source_name, table_name) %}
{%- if not execute %}
    {#- Parse time: record lineage only. -#}
    select * from {{ source(source_name, table_name) }}
    cross join {{ ref('stg_landing__files') }}
{%- else %}
{%- set node = landing_source_node(source_name, table_name) -%}
{%- set landing_table = source_name ~ '.' ~ table_name -%}
{%- set is_parquet = node.meta.get('format') == 'parquet' -%}
{%- set columns = node.columns.values() | list -%}
{%- set path_groups = node.meta.get('path_groups', []) -%}
{%- set date_min = var('plausible_date_min') -%}
{%- set date_max = var('plausible_date_max') -%}
with

source_rows as (

    {%- if landing_files_exist(node) %}
    select * from {{ source(source_name, table_name) }}
    {%- if not is_parquet %} with ordinality{% endif %}
    {%- else %}
    -- no file matches {{ landing_location(node) }}: an empty table with the contract columns
    select
        cast(null as varchar) as filename,
        cast(null as bigint) as ordinality
    where false
    {%- endif %}

),

contract_columns as (

    -- a column that no file has still exists (NULL), whatever the case of file headers
    select * from source_rows
    union all by name
    select
        {%- for column in columns %}
        cast(null as varchar) as "{{ column.name }}",
        {%- endfor %}
        {%- if is_parquet %}
        cast(null as varchar) as source_file,
        cast(null as bigint) as source_row_number,
        {%- for group in path_groups %}
        cast(null as varchar) as {{ group }},
        {%- endfor %}
        {%- else %}
        cast(null as varchar) as filename,
        cast(null as bigint) as ordinality,
        {%- endif %}
    where false

),

numbered as (

    select
        *,
        {%- if is_parquet %}
        source_file as landing_file,
        source_row_number as landing_row_number,
        {%- else %}
        replace(filename, chr(92), '/') as landing_file,
        ordinality - min(ordinality) over (partition by filename) + 1 as landing_row_number,
        {%- endif %}
    from contract_columns

),

readable_files as (

    select source_file
    from {{ ref('stg_landing__files') }}
    where
        landing_table = '{{ landing_table }}'
        and is_loaded

),

trimmed as (

    select
        numbered.landing_file as source_file,
        numbered.landing_row_number as source_row_number,
        '{{ landing_table }}' as landing_table,
        {%- for group in path_groups %}
        {%- if is_parquet %}
        cast(numbered.{{ group }} as varchar) as {{ group }},
        {%- else %}
        regexp_extract(numbered.landing_file, '{{ node.meta.path_regex }}', {{ loop.index }}) as {{ group }},
        {%- endif %}
        {%- endfor %}
        {%- for column in columns %}
        {%- if column.meta.get('codes') %}
        upper(nullif(trim(cast(numbered."{{ column.name }}" as varchar)), '')) as "{{ column.meta.alias }}",
        {%- else %}
        nullif(trim(cast(numbered."{{ column.name }}" as varchar)), '') as "{{ column.meta.alias }}",
        {%- endif %}
        {%- endfor %}
    from numbered
    {%- if not is_parquet %}
    inner join readable_files
        on numbered.landing_file = readable_files.source_file
    {%- endif %}

),

{%- for column in columns if column.meta.get('codes') %}
{%- set seed_name = column.meta.codes.split('.')[0] %}
{%- set code_set = column.meta.codes.split('.')[1] if '.' in column.meta.codes else none %}

codes__{{ column.meta.alias }} as (

    select upper(code) as code
    from {{ ref(seed_name) }}
    {%- if code_set %}
    where code_set = '{{ code_set }}'
    {%- endif %}

),
{%- endfor %}

validated as (

    select
        trimmed.*,
        list_filter([
            {%- for column in columns %}
            {%- set raw = 'trimmed."' ~ column.meta.alias ~ '"' %}
            {%- set ctype = column.meta.get('type', 'text') %}
            {%- if column.meta.get('required') %}
            case when {{ raw }} is null then
                {{ landing_error(column.name, raw, "'required value missing'") }}
            end,
            {%- endif %}
            {%- if ctype != 'text' %}
            case when {{ landing_type_error(raw, ctype) }} then
                {{ landing_error(column.name, raw, "'" ~ landing_type_label(ctype) ~ "'") }}
            end,
            {%- endif %}
            {%- if ctype in ('date_dmy', 'date_iso', 'datetime') %}
            case when cast({{ landing_cast(raw, ctype) }} as date) not between date '{{ date_min }}' and date '{{ date_max }}' then
                {{ landing_error(column.name, raw, "'impossible date (outside " ~ date_min ~ " to " ~ date_max ~ ")'") }}
            end,
            {%- endif %}
            {%- if column.meta.get('codes') %}
            case when {{ raw }} is not null and {{ raw }} not in (select code from codes__{{ column.meta.alias }}) then
                {{ landing_error(column.name, raw, "'unknown code (not in " ~ column.meta.codes ~ ")'") }}
            end,
            {%- endif %}
            {%- endfor %}
            {%- for pair in node.meta.get('date_order', []) %}
            {%- set start_col = (columns | selectattr('meta.alias', 'equalto', pair[0]) | first) %}
            {%- set end_col = (columns | selectattr('meta.alias', 'equalto', pair[1]) | first) %}
            case
                when {{ landing_cast('trimmed."' ~ pair[1] ~ '"', end_col.meta.type) }}
                    < {{ landing_cast('trimmed."' ~ pair[0] ~ '"', start_col.meta.type) }}
                    then {{ landing_error(end_col.name, 'trimmed."' ~ pair[1] ~ '"', "'end before start (" ~ start_col.name ~ " = ' || trimmed.\"" ~ pair[0] ~ "\" || ')'") }}
            end,
            {%- endfor %}
            cast(null as struct(column_name varchar, raw_value varchar, reason varchar))
        ], lambda error: error is not null) as dq_errors
    from trimmed

),

final as (

    select
        source_file,
        source_row_number,
        landing_table,
        {%- for group in path_groups %}
        {%- if group == 'collection_year' %}
        try_cast({{ group }} as integer) as {{ group }},
        {%- else %}
        {{ group }},
        {%- endif %}
        {%- endfor %}
        {%- for column in columns %}
        {{ landing_cast('"' ~ column.meta.alias ~ '"', column.meta.get('type', 'text')) }} as "{{ column.meta.alias }}",
        {%- endfor %}
        dq_errors,
    from validated

)

select * from final
{%- endif %}
{% endmacro %}


{% macro landing_csv_nodes() %}
    {#- Every source table read from a landing CSV, in a stable order. -#}
    {%- set nodes = [] -%}
    {%- for node in graph.sources.values() | sort(attribute='unique_id') -%}
        {%- if node.meta.get('landing_glob') and node.meta.get('format') != 'parquet' -%}
            {%- do nodes.append(node) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(nodes) }}
{% endmacro %}


{% macro landing_file_checks() %}
{#-
    One row per landing CSV: raw bytes through read_blob (which never fails on a glob that
    matches nothing or on a file that is not text), decoded, BOM and CR stripped, header
    parsed, physical data rows counted (non-blank lines after the header, as the CSV reader
    skips blank lines). A file is loaded unless it is not UTF-8 text, is empty, or lacks a
    required column.
-#}
{%- if not execute %}
    select 1 as placeholder
{%- else %}
with

raw_files as (
    {%- for node in landing_csv_nodes() %}
    {%- set expected = node.columns.values() | map(attribute='name') | map('lower') | list %}
    {%- set required = node.columns.values() | selectattr('meta.required') | map(attribute='name') | map('lower') | list %}

    select
        '{{ node.source_name }}.{{ node.name }}' as landing_table,
        replace(filename, chr(92), '/') as source_file,
        octet_length(content) as size_bytes,
        try(decode(content)) as text_content,
        {{ expected | tojson | replace('"', "'") }} as expected_columns,
        {{ (required or ['__none__']) | tojson | replace('"', "'") }} as required_columns
    from read_blob('{{ landing_location(node) }}')
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- endfor %}

),

normalised as (

    select
        landing_table,
        source_file,
        size_bytes,
        expected_columns,
        list_filter(required_columns, lambda column_name: column_name != '__none__') as required_columns,
        text_content is not null as is_text,
        trim(
            regexp_replace(
                replace(replace(coalesce(text_content, ''), chr(65279), ''), chr(13), ''),
                '\n+', chr(10), 'g'
            ),
            chr(10)
        ) as body
    from raw_files

),

parsed as (

    select
        *,
        split_part(body, chr(10), 1) as header_line,
        case
            when body = '' then 0
            else length(body) - length(replace(body, chr(10), ''))
        end as rows_read
    from normalised

),

headers as (

    select
        *,
        list_transform(
            string_split(header_line, ','),
            lambda column_name: lower(trim(trim(column_name), '"'))
        ) as header_columns
    from parsed

),

checked as (

    select
        *,
        list_filter(required_columns, lambda column_name: not list_contains(header_columns, column_name))
            as missing_required_columns,
        list_filter(
            expected_columns,
            lambda column_name: not list_contains(header_columns, column_name)
                and not list_contains(required_columns, column_name)
        ) as missing_optional_columns,
        list_filter(header_columns, lambda column_name: not list_contains(expected_columns, column_name))
            as extra_columns
    from headers

),

final as (

    select
        landing_table,
        source_file,
        size_bytes,
        rows_read,
        case
            when not is_text then 'rejected'
            when body = '' then 'empty'
            when len(missing_required_columns) > 0 then 'rejected'
            else 'loaded'
        end as file_status,
        (is_text and body != '' and len(missing_required_columns) = 0) as is_loaded,
        case
            when not is_text then 'file is not UTF-8 text: not read'
            when body = '' then 'file is empty (no header row): nothing to read'
            when len(missing_required_columns) > 0
                then 'missing required column(s) ' || array_to_string(missing_required_columns, ', ')
                || ': file skipped, its ' || rows_read || ' row(s) quarantined'
            when len(extra_columns) > 0 or len(missing_optional_columns) > 0
                then concat_ws('; ',
                    case when len(extra_columns) > 0
                        then 'extra column(s) ignored: ' || array_to_string(extra_columns, ', ') end,
                    case when len(missing_optional_columns) > 0
                        then 'optional column(s) absent, read as blank: '
                        || array_to_string(missing_optional_columns, ', ') end
                )
        end as message,
        header_columns,
        missing_required_columns,
        missing_optional_columns,
        extra_columns
    from checked

){%- set cin_files = var('ingest_root') ~ '/cin/files.parquet' -%}
{%- set cin_exists = run_query("select count(*) from glob('" ~ cin_files ~ "')").columns[0].values()[0] > 0 %}

{%- if cin_exists %},

xml_files as (

    -- CIN census XML: read by the Python ingest (cyplink.ingest.cin_xml), status from its manifest
    select
        'cin_census.xml' as landing_table,
        source_file,
        cast(null as bigint) as size_bytes,
        children as rows_read,
        file_status,
        file_status = 'loaded' as is_loaded,
        message,
        cast([] as varchar []) as header_columns,
        cast([] as varchar []) as missing_required_columns,
        cast([] as varchar []) as missing_optional_columns,
        cast([] as varchar []) as extra_columns
    from read_parquet('{{ cin_files }}')

)

select * from final
union all
select * from xml_files
{%- else %}

select * from final
{%- endif %}
{%- endif %}
{% endmacro %}
