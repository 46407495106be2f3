"""The end-to-end linkage run: identifier files in, `linkage.*` tables out.

Decisions:

- The work happens in an in-memory DuckDB database (with a memory limit and a
  spill folder beside the warehouse), and only the outputs are copied into the
  warehouse file, in one transaction: identifiers never reach the warehouse, and
  a failed run leaves the previous person key in place.
- Each run gets a folder `<warehouse folder>/linkage_runs/<run_id>/` holding the
  trained model (`model.json`) and the run log (`run_log.json`: input file
  hashes, parameters and their hash, counts, timings, skipped files). The run id
  is the UTC start time plus the parameter hash.
- Bad files are skipped and reported (stderr, run log, `quality_input_files`);
  the run fails only if no file is usable.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from cyplink.errors import CyplinkError, InputFileError
from linkage import cluster as cluster_mod
from linkage import model, quality, reader, residence, standardise
from linkage.model_settings import LinkageParameters, splink_settings
from linkage.person_id import assign_person_ids, load_key

PERSON_KEY_COLUMNS = (
    "source_system",
    "provider_code",
    "source_record_id",
    "person_id",
    "match_probability",
    "link_method",
)


@dataclass
class LinkResult:
    """What a run produced (also written to the run log)."""

    run_id: str
    run_dir: Path
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)


def parameters_hash(params: LinkageParameters) -> str:
    """Hash of the parameters, the Splink settings and the name-variant map."""
    payload = json.dumps(
        {"parameters": params.as_dict(), "settings": splink_settings(params)},
        sort_keys=True,
        default=str,
    ).encode()
    digest = hashlib.sha256(payload)
    digest.update(standardise.NAME_VARIANTS_CSV.read_bytes())
    return digest.hexdigest()


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    return int(con.execute(sql).fetchall()[0][0] or 0)


def _write_outputs(con: duckdb.DuckDBPyConnection, warehouse: Path, tables: dict[str, str]) -> None:
    """Copy working tables into `linkage.<name>` of the warehouse in one transaction."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    con.execute("attach ? as wh", [str(warehouse)])
    try:
        con.execute("begin transaction")
        con.execute("create schema if not exists wh.linkage")
        for target, source in tables.items():
            con.execute(f"create or replace table wh.linkage.{target} as select * from {source}")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        con.execute("detach wh")


def run_link(
    landing: Path,
    warehouse: Path,
    secret_file: Path | None = None,
    params: LinkageParameters | None = None,
    console: Console | None = None,
    show_progress: bool = True,
    work_db: Path | None = None,
) -> LinkResult:
    """Link every identifier file under `landing` into `warehouse` (see module doc).

    `work_db` keeps the working database (identifiers included) in a file for
    debugging the model; never point it into a shared or exported location.
    """
    params = params or LinkageParameters()
    console = console or Console(stderr=True)
    landing, warehouse = Path(landing), Path(warehouse)
    if not (landing / "identifiers").is_dir():
        raise CyplinkError(f"no identifiers folder under landing root {landing}")
    key = load_key(secret_file)
    started = datetime.now(UTC)
    p_hash = parameters_hash(params)
    run_id = f"{started:%Y%m%dT%H%M%SZ}-{p_hash[:8]}"
    run_dir = warehouse.resolve().parent / "linkage_runs" / run_id
    run_dir.mkdir(parents=True, exist_ok=True)
    spill = run_dir / "tmp"
    result = LinkResult(run_id=run_id, run_dir=run_dir)

    con = duckdb.connect(str(work_db) if work_db else ":memory:")
    con.execute(f"set memory_limit = '{params.memory_limit}'")
    con.execute(f"set threads = {int(params.threads)}")
    con.execute("set temp_directory = ?", [str(spill)])
    con.execute("set enable_progress_bar = false")
    con.execute("set preserve_insertion_order = true")

    progress = Progress(
        SpinnerColumn(),
        TextColumn("[bold]link[/bold] {task.description}"),
        TimeElapsedColumn(),
        console=console,
        disable=not show_progress,
        transient=False,
    )
    task = progress.add_task("starting", total=None)
    clock = time.perf_counter()

    def step(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        result.timings[name] = 0.0
        progress.update(task, description=name)
        clock = now

    def done(name: str) -> None:
        result.timings[name] = round(time.perf_counter() - clock, 2)

    try:
        with progress:
            step("reading identifier files")
            reports, errors = reader.read_all(con, landing)
            result.files = [asdict(report) for report in reports]
            result.errors = [str(error) for error in errors]
            for error in errors:
                console.print(f"[red]skipped[/red] {error}")
            done("reading identifier files")
            if not any(report.status == "loaded" for report in reports):
                raise CyplinkError(
                    f"no usable identifier files under {landing / 'identifiers'}"
                    + (f" ({len(errors)} skipped)" if errors else "")
                )

            step("standardising identifiers")
            standardise.standardise(con)
            model.prepare(con)
            done("standardising identifiers")

            step("residence from postcodes")
            residence_rows = residence.build_record_residence(con)
            done("residence from postcodes")

            step("training the Splink model")
            linker = model.build_linker(con, params)
            model.train(linker, params, step=lambda msg: progress.update(task, description=msg))
            trained = model.save_model(linker, run_dir / "model.json")
            done("training the Splink model")

            step("scoring candidate pairs")
            model.predict(con, linker)
            done("scoring candidate pairs")

            step("clustering")
            stats = cluster_mod.cluster(con, params.link_threshold_probability)
            done("clustering")

            step("assigning person ids")
            assign_person_ids(con, key)
            con.execute(
                """
                create or replace table person_key as
                select record_keys.source_system, record_keys.provider_code,
                    record_keys.source_record_id, person_ids.person_id,
                    key_links.match_probability, key_links.link_method
                from record_keys
                inner join person_ids on person_ids.key_id = record_keys.key_id
                inner join key_links on key_links.key_id = record_keys.key_id
                order by all
                """
            )
            done("assigning person ids")

            step("quality tables and writing the warehouse")
            quality_tables = quality.build_quality_tables(con, params.link_threshold_probability)
            result.counts = {
                "files": len(reports),
                "files_skipped": len(errors),
                "rows": _count(con, "select count(*) from raw_identifiers"),
                "rows_without_record_id": _count(
                    con,
                    "select count(*) from raw_identifiers "
                    "where nullif(trim(source_record_id), '') is null",
                ),
                "model_rows": _count(con, "select count(*) from link_rows"),
                "records": _count(con, "select count(*) from record_keys"),
                "scored_pairs": _count(con, "select count(*) from scored_pairs"),
                "edges": stats.edges,
                "conflicted_components": stats.conflicted_components,
                "rejected_edges": stats.rejected_edges,
                "persons": _count(con, "select count(distinct person_id) from person_key"),
                "residence_observations": residence_rows,
            }
            finished = datetime.now(UTC)
            summary = pd.DataFrame(
                [
                    {
                        "run_id": run_id,
                        "started_at": started.replace(tzinfo=None),
                        "finished_at": finished.replace(tzinfo=None),
                        "parameters_hash": p_hash,
                        "link_threshold_probability": params.link_threshold_probability,
                        "model_path": str(run_dir / "model.json"),
                        **result.counts,
                    }
                ]
            )
            files = pd.DataFrame(
                [
                    {
                        "run_id": run_id,
                        "path": report.path,
                        "source_system": report.source_system,
                        "provider_code": report.provider_code,
                        "sha256": report.sha256,
                        "status": report.status,
                        "rows": report.rows,
                        "error": report.error,
                        "warnings": "; ".join(report.warnings) or None,
                    }
                    for report in reports
                ]
            )
            parameters = pd.DataFrame(quality.model_parameter_rows(trained))
            con.register("_summary", summary)
            con.register("_files", files)
            con.register("_parameters", parameters)
            outputs = {"person_key": "person_key", "record_residence": "record_residence"}
            outputs |= {name: name for name in quality_tables}
            outputs |= {
                "quality_run_summary": "_summary",
                "quality_input_files": "_files",
                "quality_model_parameters": "_parameters",
            }
            _write_outputs(con, warehouse, outputs)
            done("quality tables and writing the warehouse")
            progress.update(task, description="done")
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)

    log = {
        "run_id": run_id,
        "started_at": started.isoformat(),
        "finished_at": datetime.now(UTC).isoformat(),
        "landing": str(landing),
        "warehouse": str(warehouse),
        "secret": "from CYPLINK_SECRET_FILE" if secret_file else "demo key",
        "parameters_hash": p_hash,
        "parameters": params.as_dict(),
        "inputs": result.files,
        "errors": result.errors,
        "counts": result.counts,
        "timings_seconds": result.timings,
        "versions": _versions(),
    }
    (run_dir / "run_log.json").write_text(json.dumps(log, indent=2, default=str) + "\n")
    return result


def _versions() -> dict[str, str]:
    import splink

    from cyplink import __version__

    return {"cyplink": __version__, "splink": splink.__version__, "duckdb": duckdb.__version__}


__all__ = ["PERSON_KEY_COLUMNS", "InputFileError", "LinkResult", "run_link"]
