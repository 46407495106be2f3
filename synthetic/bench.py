"""Benchmark synthetic generation (time, peak memory) and write the figures to BENCHMARKS.md.

Each scale runs in a fresh Python process so that its peak resident memory
(`resource.getrusage(RUSAGE_SELF).ru_maxrss`) is its own. Usage:

    .venv/bin/python -m synthetic.bench --scales 0.1 1.0 --out bench/out/synthetic
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

SECTION = "## Synthetic generation"
_CHILD = """
import json, resource, sys, time
from pathlib import Path
import synthetic
scale, seed, out = float(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
t = time.perf_counter()
counts = synthetic.generate(scale=scale, seed=seed, landing=out / "landing", truth=out / "truth")
seconds = time.perf_counter() - t
usage = resource.getrusage(resource.RUSAGE_SELF)
peak_kb = usage.ru_maxrss
print(json.dumps({"scale": scale, "seconds": seconds, "peak_gb": peak_kb / 1024 / 1024,
                  "cpu_seconds": usage.ru_utime + usage.ru_stime,
                  "rows": sum(counts.values()), "counts": counts}))
"""


def machine() -> str:
    """nproc, RAM and platform of this machine, one line."""
    mem_kb = 0
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    return (
        f"{os.cpu_count()} CPUs (nproc), {mem_kb / 1024 / 1024:.1f} GB RAM, "
        f"{platform.system()} {platform.machine()}, Python {platform.python_version()}"
    )


def run_one(scale: float, seed: int, out: Path) -> dict:
    """Generate at one scale in a child process; returns its measurements."""
    target = out / f"scale_{scale:g}"
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, str(scale), str(seed), str(target)],
        check=True,
        capture_output=True,
        text=True,
    )
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    files = [p for p in (target / "landing").rglob("*") if p.is_file()]
    result["files"] = len(files)
    result["landing_gb"] = sum(p.stat().st_size for p in files) / 1024**3
    result["load_avg"] = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return result


def markdown(results: list[dict], note: str = "") -> str:
    """The BENCHMARKS.md section for these results."""
    lines = [
        SECTION,
        "",
        f"Measured {dt.date.today().isoformat()} on {machine()}.",
        "Command: `.venv/bin/python -m synthetic.bench` (each scale in a fresh process; "
        "peak memory = `ru_maxrss` of that process). Target at 1.0: under 5 minutes and "
        "8 GB on 2 cores.",
        "",
        "| scale | wall time (s) | CPU time (s) | peak memory (GB) | landing rows | files | "
        "landing size (GB) | load average at end |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        load = f"{r['load_avg']:.1f}" if r.get("load_avg") is not None else "n/a"
        cpu = f"{r['cpu_seconds']:.0f}" if "cpu_seconds" in r else "n/a"
        lines.append(
            f"| {r['scale']:g} | {r['seconds']:.0f} | {cpu} | {r['peak_gb']:.2f} | "
            f"{r['rows']:,} | {r['files']:,} | {r['landing_gb']:.2f} | {load} |"
        )
    if note:
        lines += ["", note]
    return "\n".join(lines) + "\n"


def write_section(path: Path, text: str) -> None:
    """Replace (or append) the "Synthetic generation" section of BENCHMARKS.md."""
    old = path.read_text() if path.exists() else "# Benchmarks\n"
    if SECTION in old:
        head, rest = old.split(SECTION, 1)
        nxt = rest.find("\n## ")
        tail = rest[nxt + 1 :] if nxt >= 0 else ""
        new = head + text + ("\n" + tail if tail else "")
    else:
        new = old.rstrip("\n") + "\n\n" + text
    path.write_text(new)


def main(argv: list[str] | None = None) -> int:
    """CLI entry point."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scales", nargs="+", type=float, default=[0.1, 1.0])
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out", type=Path, default=Path("bench/out/synthetic"))
    ap.add_argument("--benchmarks", type=Path, default=Path("BENCHMARKS.md"))
    ap.add_argument("--no-write", action="store_true", help="print only")
    ap.add_argument("--note", default="", help="a sentence added under the table")
    ap.add_argument(
        "--from-results",
        type=Path,
        default=None,
        help="rewrite the section from a results.json instead of running",
    )
    args = ap.parse_args(argv)
    if args.from_results:
        text = markdown(json.loads(args.from_results.read_text()), args.note)
        if not args.no_write:
            write_section(args.benchmarks, text)
        print(text)
        return 0
    results = []
    for scale in args.scales:
        r = run_one(scale, args.seed, args.out)
        print(
            f"scale {scale:g}: {r['seconds']:.0f} s, peak {r['peak_gb']:.2f} GB, "
            f"{r['rows']:,} rows",
            flush=True,
        )
        results.append(r)
    (args.out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    text = markdown(results, args.note)
    if not args.no_write:
        write_section(args.benchmarks, text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
