"""Run dbt in-process against the project, with the warehouse and landing paths set.

dbt reads `profiles.yml` from the project root (shipped with a DuckDB target), so no
set-up by hand is needed. Paths reach dbt through the same environment variables the
CLI documents.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cyplink.config import ENV_LANDING, ENV_WAREHOUSE, PROJECT_ROOT
from cyplink.errors import CyplinkError

if TYPE_CHECKING:
    from dbt.cli.main import dbtRunnerResult


def run_dbt(
    args: Sequence[str],
    *,
    landing: Path,
    warehouse: Path,
    extra_vars: dict[str, object] | None = None,
    allow_failure: bool = False,
) -> dbtRunnerResult:
    """Invoke `dbt <args>` and raise CyplinkError naming the failing nodes.

    With `allow_failure`, a run that dbt reports as unsuccessful (e.g. a stale source in
    `dbt source freshness`) returns its result for the caller to report; an exception
    inside dbt (bad project, no connection) still raises.
    """
    from dbt.cli.main import dbtRunner

    warehouse.parent.mkdir(parents=True, exist_ok=True)
    os.environ[ENV_LANDING] = str(landing.resolve())
    os.environ[ENV_WAREHOUSE] = str(warehouse.resolve())
    full_args = [
        *args,
        "--project-dir",
        str(PROJECT_ROOT),
        "--profiles-dir",
        str(PROJECT_ROOT),
    ]
    if extra_vars:
        import json

        full_args += ["--vars", json.dumps(extra_vars)]
    result = dbtRunner().invoke(full_args)
    if result.success or (allow_failure and result.exception is None):
        return result
    failures: list[str] = []
    res = result.result
    for node_result in getattr(res, "results", None) or []:
        status = str(getattr(node_result, "status", ""))
        if status.lower() in {"error", "fail"}:
            failures.append(f"{node_result.node.name} ({status})")
    detail = "; ".join(failures) if failures else str(result.exception or "see dbt log above")
    raise CyplinkError(f"dbt {args[0]} failed: {detail}")
