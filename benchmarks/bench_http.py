"""HTTP API under load: C concurrent clients × N requests each against a real ``xmr serve``.

The demo catalogue (24 items) is ingested into a temporary folder — with the hash-based
FakeEncoder (the cost of the server itself: HTTP, auth, threadpool, LanceDB), or with the real
all-MiniLM-L6-v2 text model (``--real``: every request also encodes its query on the CPU) — then
``xmr serve`` is started in a subprocess on a free local port with an API key, warmed up, and
driven by ``--clients`` asyncio clients (httpx, one connection each) sending ``--requests``
requests apiece, back to back. Reported: errors (non-200 or transport failures), latency
percentiles per request (ms, client side), throughput. The clients share the machine with the
server, so on few cores the figures are a lower bound for the server alone.

``--redial N`` measures the warm path instead, in one run: the first N ReDial movies are ingested
with ``xmr ingest`` (the real text model), and, round by round with the order alternating,
``/search`` is driven against a server with micro-batching on (the default window) and one with
it off (``--batch-window-ms 0``), and the same requests run in-process (C threads calling
``Catalog.search`` in one process, no HTTP: the baseline). Then ``xmr search … --json`` is timed
end to end (a fresh process each time) with the batching server running and with ``--no-server``,
interleaved; the two outputs are checked to be the same.

    .venv/bin/python benchmarks/bench_http.py                       # 50 × 20 /search, FakeEncoder
    .venv/bin/python benchmarks/bench_http.py --real                # the same with MiniLM
    .venv/bin/python benchmarks/bench_http.py --endpoint ask --clients 10 --requests 5
    .venv/bin/python benchmarks/bench_http.py --redial 500 --rounds 3 --cli-runs 7
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import _common as c
import httpx

DEMO = c.ROOT / "examples" / "demo" / "catalog.jsonl"
QUERIES = ("calm piano music", "waterproof jacket for hiking", "a film about space travel", "baking bread at home",
           "energetic synth track", "a friendly book about algorithms", "a heist movie", "running shoes for trails")


def start_server(db: Path, table: str, key: str | None, *extra: str) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "xmr_agent.cli", "serve", "--db", str(db), "--table", table,
                                "--port", str(port), "--no-web", *(["--api-key", key] if key else []), *extra],
                               env={**os.environ, "HF_HUB_OFFLINE": "1"}, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with status {process.returncode}")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the server did not answer /health within 120 s")


def request_for(endpoint: str, i: int) -> dict[str, Any]:
    query = QUERIES[i % len(QUERIES)]
    if endpoint == "search":
        return {"method": "GET", "url": "/search", "params": {"q": query, "k": 5}}
    return {"method": "POST", "url": "/ask", "json": {"request": query, "k": 5}}


async def client(http: httpx.AsyncClient, endpoint: str, n: int, offset: int, out: dict[str, list[Any]]) -> None:
    for i in range(n):
        t0 = time.perf_counter()
        try:
            response = await http.request(**request_for(endpoint, offset + i))
            ok = response.status_code == 200 and response.json()
        except (httpx.HTTPError, ValueError) as e:
            out["failures"].append(repr(e))
            continue
        out["latency_ms"].append((time.perf_counter() - t0) * 1000)
        if not ok:
            out["failures"].append(f"status {response.status_code}: {response.text[:200]}")


async def load(url: str, key: str | None, endpoint: str, clients: int, requests: int) -> dict[str, Any]:
    out: dict[str, list[Any]] = {"latency_ms": [], "failures": []}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    headers = {"X-API-Key": key} if key else {}
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=120) as http:
        await asyncio.gather(*(client(http, endpoint, 3, i, out) for i in range(4)))  # warm-up, not counted
        out = {"latency_ms": [], "failures": []}
        t0 = time.perf_counter()
        await asyncio.gather(*(client(http, endpoint, requests, i * requests, out) for i in range(clients)))
        wall = time.perf_counter() - t0
    total = clients * requests
    return {"endpoint": endpoint, "clients": clients, "requests_per_client": requests, "requests": total,
            "errors": len(out["failures"]), "error_samples": out["failures"][:5],
            "latency_ms": c.pcts(out["latency_ms"]) if out["latency_ms"] else None,
            "wall_s": round(wall, 3), "throughput_rps": round(total / wall, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=20, help="requests per client")
    parser.add_argument("--endpoint", choices=("search", "ask"), default="search")
    parser.add_argument("--real", action="store_true", help="ingest with the real MiniLM text model")
    parser.add_argument("--redial", type=int, metavar="N", help="the warm-path comparison on N ReDial movies")
    parser.add_argument("--rounds", type=int, default=3, help="--redial: rounds of the three load runs")
    parser.add_argument("--cli-runs", type=int, default=7, help="--redial: xmr search processes per side")
    args = parser.parse_args()
    if args.redial:
        from _warm import compare

        c.emit(compare(args.redial, args.clients, args.requests, args.rounds, args.cli_runs))
        return
    from xmr_agent import ingest

    key = secrets.token_urlsafe(16)
    with tempfile.TemporaryDirectory(prefix="xmr-bench-http-") as tmp:
        vectors = None if args.real else {"text": "xmr_agent.testing:FakeEncoder"}
        ingest(DEMO, Path(tmp) / "db", "demo", vectors=vectors)
        process, url = start_server(Path(tmp) / "db", "demo", key)
        try:
            result = asyncio.run(load(url, key, args.endpoint, args.clients, args.requests))
        finally:
            process.terminate()
            process.wait(timeout=30)
    result |= {"encoder": "all-MiniLM-L6-v2" if args.real else "FakeEncoder", "machine": c.machine()}
    lat = result["latency_ms"] or {}
    print(f"{args.endpoint} × {result['requests']} ({args.clients} clients, {result['encoder']}): "
          f"{result['errors']} errors, p50 {lat.get('p50')} ms, p95 {lat.get('p95')} ms, "
          f"{result['throughput_rps']} req/s", file=sys.stderr)
    c.emit(result)


if __name__ == "__main__":
    main()
