"""Open the DuckDB warehouse for reading.

dbt-duckdb keeps the warehouse open inside the process that ran dbt, and DuckDB
refuses a second connection to the same file with a different configuration. Readers
therefore ask for read-only and fall back to the configuration dbt already uses.
"""

from __future__ import annotations

from pathlib import Path

import duckdb


def connect_for_reading(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """A connection that reads the warehouse: read-only unless this process already holds it."""
    try:
        return duckdb.connect(str(warehouse), read_only=True)
    except duckdb.ConnectionException:
        return duckdb.connect(str(warehouse))
