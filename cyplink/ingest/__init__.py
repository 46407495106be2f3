"""Derived inputs that dbt cannot read itself, written before dbt runs.

`cin_xml` flattens the DfE CIN census XML returns into Parquet under
`<ingest_root>/cin/` (dbt var `ingest_root`, env `CYPLINK_INGEST`, by default the
`ingest/` folder beside the warehouse). Nothing here is ever written into the
landing root.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_INGEST = "CYPLINK_INGEST"


def ingest_root_for(warehouse: Path) -> Path:
    """The ingest folder of a warehouse: `ingest/` beside the DuckDB file."""
    return warehouse.resolve().parent / "ingest"


def run_ingest(landing: Path, warehouse: Path) -> str:
    """Run every ingest step and point dbt at it (`CYPLINK_INGEST`); return a summary line.

    The ingest folder always follows the warehouse, so two warehouses never share derived
    files; `CYPLINK_INGEST` is set for the dbt run that follows (var `ingest_root`).
    """
    from cyplink.ingest.cin_xml import ingest_cin

    root = ingest_root_for(warehouse)
    os.environ[ENV_INGEST] = str(root.resolve())
    report = ingest_cin(landing, root)
    return report.summary()
