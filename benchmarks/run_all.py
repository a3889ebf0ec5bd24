"""Run every benchmark with the documented default sizes; write benchmarks/results/latest.json.

Each benchmark runs in its own subprocess (so peak-RSS and start-up figures are per process),
one after another (never in parallel: they would compete for the cores). A benchmark that fails
is recorded with its exit status and the tail of its stderr; the others still run.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/run_all.py            # full run (≈20-30 min on 2 cores)
    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/run_all.py --quick    # smoke run, small sizes
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import _common as c

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "results" / "latest.json"

#: name → arguments, the documented default sizes (docs/benchmarks.md).
PLAN: dict[str, list[str]] = {
    "startup": ["bench_startup.py", "--runs", "7", "--torch-runs", "3"],
    "text_backends": ["bench_text_backends.py"],
    "search": ["bench_search.py", "--sizes", "10000,100000", "--queries", "300", "--text-items", "10000"],
    "ingest": ["bench_ingest.py", "--n", "2000", "--repeats", "3"],
    # The real model runs ≈50-150 texts/s on 2 cores: 100k items would take > 15 min, so the real
    # model is measured at 20k and the synthetic encoder at 10k/50k/100k.
    "memory_real": ["bench_memory.py", "--n", "20000", "--checkpoints", "5000,10000,20000"],
    "memory_fake": ["bench_memory.py", "--fake", "--n", "100000", "--checkpoints", "10000,50000,100000"],
}
QUICK: dict[str, list[str]] = {
    "startup": ["bench_startup.py", "--runs", "3", "--items", "50", "--torch-runs", "1"],
    "text_backends": ["bench_text_backends.py", "--redial-items", "100", "--redial-queries", "30", "--flickr-images", "50"],
    "search": ["bench_search.py", "--sizes", "2000", "--queries", "30", "--text-items", "500", "--text-queries", "10"],
    "ingest": ["bench_ingest.py", "--n", "200", "--repeats", "1"],
    "memory_real": ["bench_memory.py", "--n", "1000", "--checkpoints", "250,500,1000"],
    "memory_fake": ["bench_memory.py", "--fake", "--n", "5000", "--checkpoints", "1000,2500,5000"],
}


def run_one(name: str, argv: list[str]) -> dict[str, Any]:
    """Run one benchmark script; its JSON stdout, or the failure."""
    cmd = [sys.executable, str(HERE / argv[0]), *argv[1:]]
    shown = " ".join([".venv/bin/python", f"benchmarks/{argv[0]}", *argv[1:]])
    c.log(f"\n=== {name}: {shown}")
    t0 = time.perf_counter()
    env = {**os.environ, "HF_HUB_OFFLINE": os.environ.get("HF_HUB_OFFLINE", "1")}
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=None, text=True, env=env, check=False)
    seconds = round(time.perf_counter() - t0, 1)
    entry: dict[str, Any] = {"command": shown, "exit_status": done.returncode, "seconds": seconds}
    try:
        entry["result"] = json.loads(done.stdout)
    except json.JSONDecodeError:
        entry["result"] = None
        entry["stdout_tail"] = done.stdout[-2000:]
    c.log(f"=== {name}: exit {done.returncode} after {seconds} s")
    return entry


def merge(out: Path, runs: dict[str, Any]) -> dict[str, Any]:
    """``--only`` reruns replace their entries in an existing results file; the others are kept."""
    report = json.loads(out.read_text(encoding="utf-8")) if out.is_file() else {"benchmarks": {}}
    report["benchmarks"].update(runs)
    report.setdefault("reruns", []).append({"at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "benchmarks": list(runs)})
    return report


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="small sizes: checks that every benchmark runs")
    p.add_argument("--only", default="", help=f"comma-separated subset of {', '.join(PLAN)}; their entries "
                                              "replace those in an existing results file")
    p.add_argument("--out", type=Path, help=f"results file (default {DEFAULT_OUT.relative_to(HERE.parent)}; "
                                            "--quick writes results/quick.json)")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    plan = QUICK if args.quick else PLAN
    names = [n for n in args.only.split(",") if n] or list(plan)
    unknown = sorted(set(names) - set(plan))
    if unknown:
        raise SystemExit(f"unknown benchmark(s) {unknown}; choose from {', '.join(plan)}")
    out = args.out or (HERE / "results" / ("quick.json" if args.quick else "latest.json"))
    started = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    runs = {name: run_one(name, plan[name]) for name in names}
    report = merge(out, runs) if args.only else {"started": started, "benchmarks": runs}
    report.update(finished=time.strftime("%Y-%m-%dT%H:%M:%S%z"), quick=args.quick, machine=c.machine())
    report["all_targets_met"] = all((r["result"] or {}).get("met", False) for r in report["benchmarks"].values())
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
    c.log(f"\nwrote {out}")
    c.emit({name: {"exit_status": r["exit_status"], "met": (r["result"] or {}).get("met")} for name, r in runs.items()})
    return 0 if all(r["exit_status"] == 0 for r in runs.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
