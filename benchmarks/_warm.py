"""``bench_http.py --redial N``: the server with and without micro-batching, the in-process
baseline, and ``xmr search`` with a warm server against ``--no-server`` — all in one run."""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import _common as c
from bench_http import QUERIES, load, start_server

CLI_QUERY = "a space adventure with robots and a galactic empire"
#: C threads × N ``Catalog.search`` calls in one process: what an application gets without a server.
IN_PROCESS = r"""
import json, sys, threading, time
from concurrent.futures import ThreadPoolExecutor
from xmr_agent.store.catalog import Catalog
db, table, clients, requests = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
queries = json.loads(sys.argv[5])
catalog = Catalog.open(db, table)
for q in queries:
    catalog.search(q, k=5)
latency, errors = [], []
def client(i):
    for j in range(requests):
        t0 = time.perf_counter()
        try:
            catalog.search(queries[(i * requests + j) % len(queries)], k=5)
        except Exception as e:
            errors.append(repr(e)); continue
        latency.append((time.perf_counter() - t0) * 1000)
t0 = time.perf_counter()
with ThreadPoolExecutor(clients) as pool:
    list(pool.map(client, range(clients)))
wall = time.perf_counter() - t0
print(json.dumps({"latency_ms": latency, "errors": errors[:5], "n_errors": len(errors), "wall_s": wall}))
"""


def _env() -> dict[str, str]:
    return {**os.environ, "HF_HUB_OFFLINE": "1", "LANCEDB_LOG": "error"}


def _table(workdir: Path, items: int) -> tuple[str, str]:
    movies = json.loads(c.REDIAL.read_text(encoding="utf-8"))
    source = c.write_jsonl(workdir / "catalog.jsonl", ({"id": k, **v} for k, v in list(movies.items())[:items]))
    db = str(workdir / "db")
    command = [sys.executable, "-m", "xmr_agent.cli", "ingest", str(source), "--db", db, "--table", "movies",
               "--title-field", "name", *(x for f in ("plot", "genre", "director", "star") for x in ("--text-field", f)),
               "--no-progress"]
    subprocess.run(command, env=_env(), check=True, stdout=subprocess.DEVNULL)
    return db, "movies"


def _in_process(db: str, table: str, clients: int, requests: int) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", IN_PROCESS, db, table, str(clients), str(requests),
                           json.dumps(QUERIES)], env=_env(), capture_output=True, text=True, check=True)
    found = json.loads(done.stdout.strip().splitlines()[-1])
    total = clients * requests
    return {"requests": total, "errors": found["n_errors"], "error_samples": found["errors"],
            "latency_ms": c.pcts(found["latency_ms"]) if found["latency_ms"] else None,
            "wall_s": round(found["wall_s"], 3), "throughput_rps": round(total / found["wall_s"], 1)}


def _cli(db: str, table: str, runs: int) -> dict[str, Any]:
    """``xmr search`` end to end, warm server against ``--no-server``, interleaved."""
    script = Path(sys.executable).with_name("xmr")
    base = [str(script)] if script.exists() else [sys.executable, "-m", "xmr_agent.cli"]
    command = [*base, "search", CLI_QUERY, "--db", db, "--table", table, "-k", "10", "--json"]
    times: dict[str, list[float]] = {"warm": [], "no_server": []}
    outputs: dict[str, set[str]] = {"warm": set(), "no_server": set()}
    for run in range(runs + 1):  # the first round warms the page cache, not counted
        sides = ["warm", "no_server"] if run % 2 == 0 else ["no_server", "warm"]
        for side in sides:
            t0 = time.perf_counter()
            done = subprocess.run(command + (["--no-server"] if side == "no_server" else []), env=_env(),
                                  capture_output=True, text=True, check=True)
            if run:
                times[side].append(time.perf_counter() - t0)
            outputs[side].add(done.stdout)
    medians = {side: round(statistics.median(values), 3) for side, values in times.items()}
    return {"command": " ".join(command[len(base):]), "runs": runs, "wall_s": times, "median_s": medians,
            "no_server_over_warm": round(medians["no_server"] / medians["warm"], 2),
            "same_output": len(outputs["warm"] | outputs["no_server"]) == 1}


def compare(items: int, clients: int, requests: int, rounds: int, cli_runs: int) -> dict[str, Any]:
    machine = c.machine()
    with tempfile.TemporaryDirectory(prefix="xmr-bench-warm-") as tmp:
        c.log(f"ingesting the first {items} ReDial movies with xmr ingest …")
        db, table = _table(Path(tmp), items)
        unbatched, url_off = start_server(Path(db), table, None, "--batch-window-ms", "0")
        batched, url_on = start_server(Path(db), table, None)  # the last to start is the one announced
        runs: dict[str, list[dict[str, Any]]] = {"server_batched": [], "server_unbatched": [], "in_process": []}
        try:
            for r in range(rounds):
                order = list(runs) if r % 2 == 0 else list(reversed(runs))
                for mode in order:
                    if mode == "in_process":
                        result = _in_process(db, table, clients, requests)
                    else:
                        url = url_on if mode == "server_batched" else url_off
                        result = asyncio.run(load(url, None, "search", clients, requests))
                    runs[mode].append(result)
                    lat = result["latency_ms"] or {}
                    c.log(f"round {r + 1} {mode}: {result['throughput_rps']} req/s, p50 {lat.get('p50')} ms, "
                          f"p95 {lat.get('p95')} ms, {result['errors']} errors")
            unbatched.terminate()
            unbatched.wait(timeout=30)
            cli = _cli(db, table, cli_runs)
            c.log(f"xmr search: warm {cli['median_s']['warm']} s, --no-server {cli['median_s']['no_server']} s "
                  f"(same output: {cli['same_output']})")
        finally:
            for process in (batched, unbatched):
                if process.poll() is None:
                    process.terminate()
                    process.wait(timeout=30)
    summary = {mode: {"throughput_rps_median": statistics.median(r["throughput_rps"] for r in results),
                      "p50_ms_median": statistics.median(r["latency_ms"]["p50"] for r in results),
                      "p95_ms_median": statistics.median(r["latency_ms"]["p95"] for r in results),
                      "errors": sum(r["errors"] for r in results)} for mode, results in runs.items()}
    on, off = summary["server_batched"], summary["server_unbatched"]
    return {"items": items, "clients": clients, "requests_per_client": requests, "rounds": rounds,
            "encoder": "all-MiniLM-L6-v2 (ONNX)", "summary": summary,
            "batched_over_unbatched_rps": round(on["throughput_rps_median"] / off["throughput_rps_median"], 2),
            "batched_over_in_process_rps": round(on["throughput_rps_median"]
                                                 / summary["in_process"]["throughput_rps_median"], 2),
            "runs": runs, "cli": cli, "machine": machine}
