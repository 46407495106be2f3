"""Benchmark: the cyplink model against a plain Splink tutorial configuration.

`run_benchmark(landing, truth, workdir)` links the same landing set twice, each
in its own process (so peak memory is measured per run, as the process's maximum
resident set size), and evaluates both against truth:

- `cyplink`: `linkage.pipeline.run_link` end to end (read, standardise, train,
  score, cluster, ids, quality tables, warehouse write).
- `splink_tutorial`: the configuration of Splink's getting-started tutorial
  ("deduplicate 50k synthetic"), with the tutorial's columns mapped onto ours:
  `NameComparison(first_name)`, `JaroAtThresholds(surname)`,
  `DateOfBirthComparison(dob)`, `ExactMatch(postcode)` with term frequencies (the
  tutorial's city) and `ExactMatch(nhs_number)` (the tutorial's email);
  blocking `block_on(first_name, dob)` and `block_on(surname)`; prior from
  `block_on(first_name, surname)` with recall 0.7; u from 1e6 random pairs; EM
  blocked on `first_name, surname` then `dob` (each sampled to at most 1e7 pairs,
  `BASELINE_EM_MAX_PAIRS`); connected components at match
  probability 0.95. It reads the same standardised rows as cyplink (so the
  comparison is of models, not of cleaning). If the tutorial's `block_on(surname)`
  would generate more than `MAX_BASELINE_COMPARISONS` pairs it is replaced by
  `block_on(surname, dob)` and the substitution is reported: at scale 1.0 the
  synthetic population's few hundred surnames make surname-only blocking
  billions of pairs.

`python -m linkage.bench --landing DIR --truth DIR --workdir DIR` prints the
results as a Markdown table for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import resource
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

MAX_BASELINE_COMPARISONS = 150_000_000
BASELINE_EM_MAX_PAIRS = 1e7
"""EM sample cap for the baseline: at scale 1.0, EM blocked on dob alone is hundreds
of millions of pairs, beyond 2 cores; the tutorial's 50k-record data never hits it."""


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _run_cyplink(landing: str, warehouse: str, secret: str | None, out: Any) -> None:
    from linkage.pipeline import run_link

    start = time.perf_counter()
    result = run_link(
        Path(landing), Path(warehouse), Path(secret) if secret else None, show_progress=False
    )
    out.put(
        {
            "seconds": round(time.perf_counter() - start, 1),
            "peak_rss_mb": round(_peak_rss_mb()),
            "counts": result.counts,
            "timings": result.timings,
        }
    )


BASELINE_COLUMNS_SQL = """
create or replace table baseline_rows as
select row_number() over (order by key_id, unique_id)::bigint as unique_id, key_id,
    forename1 as first_name, surname_compact as surname, strftime(dob, '%Y-%m-%d') as dob,
    postcode, nhs_number
from link_rows
"""


def _run_baseline(landing: str, warehouse: str, out: Any) -> None:
    import duckdb
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on
    from splink import comparison_library as cl

    from linkage import model, reader, standardise

    start = time.perf_counter()
    con = duckdb.connect()
    con.execute("set threads = 2")
    con.execute("set memory_limit = '6GB'")
    con.execute("set enable_progress_bar = false")
    reader.read_all(con, Path(landing))
    standardise.standardise(con)
    model.prepare(con)
    con.execute(BASELINE_COLUMNS_SQL)
    db_api = DuckDBAPI(con)
    sdf = db_api.register("baseline_rows")
    surname_rule = block_on("surname")
    substituted = None
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("first_name"),
            cl.JaroAtThresholds("surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
            cl.ExactMatch("nhs_number"),
        ],
        blocking_rules_to_generate_predictions=[block_on("first_name", "dob"), surname_rule],
        retain_matching_columns=False,
        additional_columns_to_retain=["key_id"],
    )
    linker = Linker(sdf, settings, log_level=40)
    n_surname = con.execute(
        "select coalesce(sum(n * (n - 1) / 2), 0) from (select count(*) as n "
        "from baseline_rows where surname is not null group by surname)"
    ).fetchall()[0][0]
    if n_surname > MAX_BASELINE_COMPARISONS:
        substituted = f"block_on(surname) would score {int(n_surname):,} pairs: used surname + dob"
        settings.blocking_rules_to_generate_predictions = [
            block_on("first_name", "dob"),
            block_on("surname", "dob"),
        ]
        linker = Linker(sdf, settings, log_level=40)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=42)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_name", "surname"), max_pairs=BASELINE_EM_MAX_PAIRS
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("dob"), max_pairs=BASELINE_EM_MAX_PAIRS
    )
    predictions = linker.inference.predict(threshold_match_weight=-10)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.95)
    con.execute(
        f"""
        create or replace table person_key as
        select record_keys.source_system, record_keys.provider_code,
            record_keys.source_record_id, min(c.cluster_id)::varchar as person_id,
            null::double as match_probability, 'splink_tutorial' as link_method
        from {clusters.physical_name} as c
        inner join baseline_rows on baseline_rows.unique_id = c.unique_id
        inner join record_keys on record_keys.key_id = baseline_rows.key_id
        group by all
        """
    )
    n_pairs = con.execute(f"select count(*) from {predictions.physical_name}").fetchall()[0][0]
    con.execute("attach ? as wh", [warehouse])
    con.execute("create schema if not exists wh.linkage")
    con.execute("create or replace table wh.linkage.person_key as select * from person_key")
    con.execute("detach wh")
    con.close()
    out.put(
        {
            "seconds": round(time.perf_counter() - start, 1),
            "peak_rss_mb": round(_peak_rss_mb()),
            "counts": {"scored_pairs": int(n_pairs)},
            "substitution": substituted,
        }
    )


def _in_process(target: Any, *args: Any) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(*args, queue))
    proc.start()
    result = queue.get()
    proc.join()
    if proc.exitcode != 0:
        raise RuntimeError(f"benchmark run failed with exit code {proc.exitcode}")
    return result


def machine() -> dict[str, Any]:
    """CPU, cores and memory of this machine (for BENCHMARKS.md)."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": mem_gb,
        "python": platform.python_version(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def run_benchmark(
    landing: Path,
    truth: Path,
    workdir: Path,
    secret_file: Path | None = None,
    baseline: bool = True,
) -> dict[str, Any]:
    """Run both configurations on `landing`, evaluate against `truth`, return results."""
    from linkage.evaluate import evaluate_warehouse

    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    if secret_file is None:
        secret_file = workdir / "bench_secret.key"
        if not secret_file.exists():
            import secrets

            secret_file.write_text(secrets.token_hex(32))
    results: dict[str, Any] = {"machine": machine(), "landing": str(landing), "runs": {}}
    runs: list[tuple[str, Callable[..., None], tuple[str, ...]]] = [
        ("cyplink", _run_cyplink, (str(secret_file),))
    ]
    if baseline:
        runs.append(("splink_tutorial", _run_baseline, ()))
    for name, target, extra in runs:
        warehouse = workdir / f"{name}.duckdb"
        if warehouse.exists():
            warehouse.unlink()
        run = _in_process(target, str(landing), str(warehouse), *extra)
        evaluation = evaluate_warehouse(warehouse, truth, write=False)
        overall = evaluation.overall()
        run["precision"] = round(float(overall.precision), 5)
        run["recall"] = round(float(overall.recall), 5)
        run["f1"] = round(float(overall.f1), 5)
        run["la_to_health_recall"] = {
            row.source_a: round(float(row.recall), 5)
            for row in evaluation.metrics[evaluation.metrics.scope == "la_to_health"].itertuples()
        }
        results["runs"][name] = run
    (workdir / "bench_results.json").write_text(json.dumps(results, indent=2, default=str))
    return results


def to_markdown(results: dict[str, Any], scale: str = "") -> str:
    """The results as a Markdown table for BENCHMARKS.md."""
    m = results["machine"]
    lines = [
        f"Scale {scale}: {m['date']}, {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB RAM.",
        "",
        "| configuration | time (s) | peak memory (MB) | pairs scored | precision | recall | F1 "
        "| recall csc→health | recall school_census→health |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, run in results["runs"].items():
        la = run.get("la_to_health_recall", {})
        lines.append(
            f"| {name} | {run['seconds']} | {run['peak_rss_mb']} | "
            f"{run['counts'].get('scored_pairs', 0):,} | {run['precision']:.4f} | "
            f"{run['recall']:.4f} | {run['f1']:.4f} | {la.get('csc', float('nan')):.4f} | "
            f"{la.get('school_census', float('nan')):.4f} |"
        )
    for name, run in results["runs"].items():
        if run.get("substitution"):
            lines.append(f"\n{name}: {run['substitution']}.")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--landing", type=Path, required=True)
    parser.add_argument("--truth", type=Path, required=True)
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--scale", default="")
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    results = run_benchmark(args.landing, args.truth, args.workdir, baseline=not args.no_baseline)
    print(to_markdown(results, args.scale))


if __name__ == "__main__":
    main()
