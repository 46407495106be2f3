{{ config(tags=['staging', 'reconciliation']) }}

-- Nothing lost: fails for every landing file where rows read != rows loaded + rows
-- quarantined (see stg_reconciliation), naming the file and the rows unaccounted for.
select
    landing_table,
    source_file,
    rows_read,
    rows_loaded,
    rows_quarantined,
    rows_unaccounted
from {{ ref('stg_reconciliation') }}
where not reconciles
