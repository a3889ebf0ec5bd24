"""What a warm ``xmr serve`` saves a spoken query (Whisper) and an LLM-rewritten request.

The first N ReDial movies are ingested with ``xmr ingest``. Then, each a fresh ``xmr`` process,
timed end to end:

- ``xmr search --audio CLIP --json --no-server``: Whisper ``base`` and the text model load in the
  process (cold), against the same command with ``xmr serve`` running: the first spoken request
  after the server started (Whisper loads in the server then) and the later ones (warm);
- with ``--llm-runs`` and llama-cpp-python installed: ``xmr ask REQUEST --llm local --json`` with
  ``--no-server`` against a server started with ``--llm local`` (the GGUF loaded once).

Clips: spoken captions of Flickr8k-dev (``../shared/data/flickr8k-dev/audio``), one per run.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_warm.py --items 300 --runs 3 --llm-runs 3
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import _common as c
from _warm import _table
from bench_http import start_server

CLIPS = c.ROOT.parent / "shared" / "data" / "flickr8k-dev" / "audio"
REQUESTS = ("a funny movie about a dog", "a scary film set in space", "a romantic comedy in New York",
            "an animated film for children", "a heist thriller")


def _xmr(*args: str) -> tuple[float, str]:
    script = Path(sys.executable).with_name("xmr")
    base = [str(script)] if script.exists() else [sys.executable, "-m", "xmr_agent.cli"]
    t0 = time.perf_counter()
    done = subprocess.run([*base, *args], env={**os.environ, "HF_HUB_OFFLINE": "1"}, capture_output=True,
                          text=True, check=True)
    return time.perf_counter() - t0, done.stdout


def _series(label: str, runs: list[list[str]]) -> dict[str, Any]:
    times = []
    for args in runs:
        seconds, _ = _xmr(*args)
        times.append(round(seconds, 3))
        c.log(f"  {label}: {seconds:.2f} s")
    return {"wall_s": times, "median_s": round(statistics.median(times), 3)}


def spoken(db: str, table: str, runs: int) -> dict[str, Any]:
    clips = sorted(CLIPS.glob("*.mp3"))[: 2 * runs + 1]
    base = ["--db", db, "--table", table, "-k", "10", "--json"]
    cold = _series("search --audio, --no-server", [["search", "--audio", str(p), *base, "--no-server"]
                                                   for p in clips[:runs]])
    server, _ = start_server(Path(db), table, None)
    try:
        first = _series("search --audio, first after the server started", [["search", "--audio", str(clips[runs]),
                                                                            *base]])
        warm = _series("search --audio, warm server", [["search", "--audio", str(p), *base]
                                                       for p in clips[runs + 1:]])
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"clips": [p.name for p in clips], "no_server": cold, "first_after_start": first, "warm": warm,
            "no_server_over_warm": round(cold["median_s"] / warm["median_s"], 2)}


def llm(db: str, table: str, runs: int) -> dict[str, Any]:
    base = ["--db", db, "--table", table, "--llm", "local", "--llm-explains", "5", "--json"]  # as the server
    cold = _series("ask --llm local, --no-server", [["ask", q, *base, "--no-server"] for q in REQUESTS[:runs]])
    t0 = time.perf_counter()
    server, _ = start_server(Path(db), table, None, "--llm", "local")
    started = round(time.perf_counter() - t0, 3)
    try:
        warm = _series("ask --llm local, warm server", [["ask", q, *base] for q in REQUESTS[:runs]])
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"requests": list(REQUESTS[:runs]), "no_server": cold, "server_start_s": started, "warm": warm,
            "no_server_over_warm": round(cold["median_s"] / warm["median_s"], 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3, help="spoken queries per side")
    parser.add_argument("--llm-runs", type=int, default=0, help="LLM requests per side (0: skip)")
    args = parser.parse_args()
    result: dict[str, Any] = {"items": args.items, "machine": c.machine()}
    with tempfile.TemporaryDirectory(prefix="xmr-bench-warm-") as tmp:
        db, table = _table(Path(tmp), args.items)
        result["spoken"] = spoken(db, table, args.runs)
        if args.llm_runs and importlib.util.find_spec("llama_cpp") is not None:
            result["llm"] = llm(db, table, args.llm_runs)
    c.emit(result)


if __name__ == "__main__":
    main()
