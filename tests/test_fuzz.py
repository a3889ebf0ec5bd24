"""A schema-driven fuzz run against a real `xmr serve` process: Schemathesis reads /openapi.json
and sends valid and invalid requests (Hypothesis, derandomised) to every endpoint; none may get
a 5xx, the server must stay up, and its resident memory must stay bounded.

    XMR_FUZZ_EXAMPLES=90      examples per operation, half valid, half not (≥ 1,000 requests in all)
    XMR_FUZZ_RANDOM=1         new random examples each run (by default the same, derandomised ones)
    XMR_FUZZ_REPORT=out.json  write the run's figures (requests, status counts, peak memory)
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from helpers import FAKE, ROOT, server_log, serving

pytest.importorskip("fastapi")
schemathesis = pytest.importorskip("schemathesis")
import httpx
import psutil
from hypothesis import HealthCheck, settings

import xmr_agent

KEY = "fuzz-key-321"
AUTH = {"X-API-Key": KEY}
EXAMPLES = int(os.environ.get("XMR_FUZZ_EXAMPLES", "90"))
RANDOM = os.environ.get("XMR_FUZZ_RANDOM") == "1"
#: Requests the run must reach with the default number of examples.
MIN_REQUESTS = 1000
#: Resident memory the server may reach during the run.
MAX_PEAK_MB = 1500


@dataclass
class Run:
    url: str
    process: psutil.Process
    popen: Any = None
    started: float = field(default_factory=time.monotonic)
    statuses: Counter[int] = field(default_factory=Counter)
    operations: Counter[str] = field(default_factory=Counter)
    peak_rss: int = 0
    slowest: tuple[float, str] = (0.0, "")

    def record(self, label: str, status: int, seconds: float) -> None:
        self.statuses[status] += 1
        self.operations[label] += 1
        self.peak_rss = max(self.peak_rss, self.process.memory_info().rss)
        self.slowest = max(self.slowest, (seconds, label))

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    def summary(self) -> dict[str, Any]:
        return {"requests": self.requests, "examples_per_operation": EXAMPLES, "random": RANDOM,
                "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
                "operations": dict(sorted(self.operations.items())), "peak_rss_mb": round(self.peak_rss / 2**20, 1),
                "slowest_s": round(self.slowest[0], 3), "slowest": self.slowest[1],
                "wall_s": round(time.monotonic() - self.started, 1)}


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    db = tmp_path_factory.mktemp("fuzz") / "db"
    assert xmr_agent.ingest(ROOT / "examples" / "demo" / "catalog.jsonl", db, "demo", vectors={"text": FAKE}).ok
    with serving(["serve", "--db", str(db), "--table", "demo", "--api-key", KEY]) as (url, process):
        yield Run(url, psutil.Process(process.pid), process)
        assert process.poll() is None, server_log(process)[-3000:]


@pytest.fixture(scope="module")
def api_schema(fuzzed: Run) -> Any:
    return schemathesis.openapi.from_url(f"{fuzzed.url}/openapi.json", headers=AUTH, timeout=60)


@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_no_request_gets_a_server_error(api_schema: Any, fuzzed: Run, mode: str) -> None:
    """Every operation of the schema, with requests that fit it (positive) and that do not (negative)."""
    from hypothesis import given
    from schemathesis import GenerationMode

    for result in api_schema.get_all_operations():
        operation = result.ok()

        @settings(max_examples=EXAMPLES // 2, deadline=None, derandomize=not RANDOM, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=GenerationMode(mode)))
        def call(case: Any) -> None:
            start = time.monotonic()
            response = case.call(base_url=fuzzed.url, headers=AUTH, timeout=60)
            fuzzed.record(f"{case.method} {case.path}", response.status_code, time.monotonic() - start)
            assert response.status_code < 500, (case.method, case.path, repr(case.body)[:1000], response.status_code, response.text[:500],
                                                server_log(fuzzed.popen)[-3000:])
            assert fuzzed.process.is_running()

        call()


def test_the_run_was_large_the_server_stayed_up_and_small(fuzzed: Run) -> None:
    summary = fuzzed.summary()
    report = os.environ.get("XMR_FUZZ_REPORT")
    if report:
        Path(report).write_text(json.dumps(summary, indent=2), encoding="utf-8")
    if EXAMPLES >= 90:
        assert summary["requests"] >= MIN_REQUESTS, summary
    assert not [s for s in fuzzed.statuses if s >= 500], summary
    assert httpx.get(f"{fuzzed.url}/health", timeout=30).status_code == 200
    assert summary["peak_rss_mb"] < MAX_PEAK_MB, summary
