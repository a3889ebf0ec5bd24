"""``xmr bench``: the store at scale, on synthetic items, against raw LanceDB in the same run.

For each size N: write a JSONL catalogue of N items with realistic metadata; ingest it through
``xmr_agent.ingest`` with a synthetic encoder (clustered unit vectors of the configured
dimension, so no model cost hides the store's cost); then the raw baseline: read the same
JSONL, encode with the same encoder, write with one ``lancedb`` ``create_table`` call and build
the same indexes (full text on title and text, B-tree on id). Then time queries (xmr
``Catalog.search_vector`` against the raw query on the same table and vectors, interleaved), the
ANN index build (``Catalog.refresh_indexes``: xmr's own index and settings), and the ANN recall@10
against exact search (the top 10 of the timed flat queries, before the index exists). Peak RSS is
sampled during the ingest and over the whole size.

A flat query reads every vector, so above ``FLAT_FULL_UP_TO`` items the flat pass (and with it the
recall) runs on the first ``FLAT_QUERIES_LARGE`` queries only, unless ``flat_queries`` says
otherwise; the ANN pass always runs all of them. The counts are in the results.
"""

from __future__ import annotations

import json
import random
import tempfile
import threading
import time
import warnings
import zlib
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from xmr_agent.encoders.base import EncoderBase
from xmr_agent.eval.metrics import latency_summary

#: Sizes up to this many items run every query flat; larger ones run ``FLAT_QUERIES_LARGE``.
FLAT_FULL_UP_TO = 100_000
FLAT_QUERIES_LARGE = 100

GENRES = ("action", "comedy", "drama", "horror", "romance", "thriller", "sci-fi", "animation", "crime")
WORDS = ("quiet", "storm", "river", "city", "night", "garden", "engine", "letter", "mirror", "winter",
         "detective", "piano", "island", "machine", "harbour", "forest", "empire", "signal", "desert")


class ClusteredEncoder(EncoderBase):
    """Deterministic synthetic vectors: a text's cluster centre plus noise, L2-normalised."""

    name: ClassVar[str] = "synthetic"
    modalities: ClassVar[frozenset[str]] = frozenset({"text"})

    def __init__(self, dim: int = 384, clusters: int = 256, seed: int = 0) -> None:
        self.dim, self.clusters, self.seed = dim, clusters, seed
        rng = np.random.default_rng(seed)
        self._centres = rng.standard_normal((clusters, dim)).astype(np.float32)
        self._noise = rng.standard_normal((4096, dim)).astype(np.float32)

    @property
    def space(self) -> str:
        return f"synthetic:{self.dim}:{self.clusters}:{self.seed}"

    def config(self) -> dict[str, Any]:
        return {"dim": self.dim, "clusters": self.clusters, "seed": self.seed}

    def _encode(self, items: list[Any], modality: str, role: str) -> np.ndarray:
        keys = np.array([zlib.crc32(str(t).encode()) for t in items], dtype=np.int64)
        noise = self._noise[keys % 4096] + self._noise[(keys // 4096) % 4096]
        return self._centres[keys % self.clusters] + 0.45 * noise


def write_catalogue(path: Path, n: int, seed: int = 0) -> None:
    """N items as JSONL: id, title, a one-sentence text, a genre list, a year and a price."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            words = rng.sample(WORDS, 6)
            f.write(json.dumps({
                "id": f"item-{i:07d}", "title": " ".join(words[:2]).title(),
                "text": f"A {words[2]} {words[3]} story about the {words[4]} and the {words[5]}.",
                "genre": rng.sample(GENRES, rng.randint(1, 3)), "year": rng.randint(1950, 2025),
                "price": round(rng.uniform(1, 40), 2),
            }) + "\n")


class PeakRss:
    """Samples this process's resident memory every 50 ms in a background thread."""

    def __enter__(self) -> PeakRss:
        import psutil

        self._process, self.peak, self._stop = psutil.Process(), 0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._process.memory_info().rss)
            self._stop.wait(0.05)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._process.memory_info().rss)


def _raw_batches(path: Path, encoder: ClusteredEncoder, batch: int) -> Iterator[Any]:
    import pyarrow as pa

    lines: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            lines.append(json.loads(line))
            if len(lines) == batch:
                yield _raw_table(lines, encoder, pa)
                lines = []
    if lines:
        yield _raw_table(lines, encoder, pa)


def _raw_table(rows: list[dict[str, Any]], encoder: ClusteredEncoder, pa: Any) -> Any:
    texts = [f"{r['title']}. {r['text']}" for r in rows]
    vectors = encoder.encode(texts, modality="text", role="document")
    table = pa.Table.from_pylist(rows)
    flat = pa.array(vectors.ravel(), pa.float32())
    return table.append_column("vector", pa.FixedSizeListArray.from_arrays(flat, encoder.dim))


def flat_query_count(n: int, queries: int, flat_queries: int | None = None) -> int:
    """How many of the ``queries`` run flat at size ``n`` (all of them up to ``FLAT_FULL_UP_TO`` items)."""
    if flat_queries is not None:
        return min(flat_queries, queries)
    return queries if n <= FLAT_FULL_UP_TO else min(queries, FLAT_QUERIES_LARGE)


def bench_size(n: int, *, dim: int, queries: int, batch: int, workdir: Path, flat_queries: int | None = None,
               log: Callable[[str], None] = lambda message: None) -> dict[str, Any]:
    """Every measurement for one catalogue size; ``log`` gets a line as each stage ends."""
    import lancedb
    from lancedb.index import FTS, BTree

    from xmr_agent.ingestion.pipeline import ingest
    from xmr_agent.store.catalog import Catalog

    began, stages = time.perf_counter(), {}

    def stage(name: str, seconds: float) -> None:
        stages[name] = seconds
        log(f"{n:,} items: {name} {seconds:.1f} s (at {time.perf_counter() - began:.0f} s)")

    with PeakRss() as whole:
        source = workdir / f"items-{n}.jsonl"
        start = time.perf_counter()
        write_catalogue(source, n)
        stage("catalogue", time.perf_counter() - start)
        encoder: Any = ClusteredEncoder(dim)
        with PeakRss() as rss:
            start = time.perf_counter()
            ingest(source, workdir / "xmr", f"t{n}", vectors={"text": encoder}, batch_size=batch,
                   ann_threshold=n + 1)
            xmr_s = time.perf_counter() - start
        stage("xmr ingest", xmr_s)
        db = lancedb.connect(str(workdir / "raw"))
        start = time.perf_counter()
        raw_table = db.create_table(f"t{n}", data=_raw_batches(source, encoder, batch), mode="overwrite")
        for column in ("title", "text"):  # the same indexes xmr builds: full text, and a B-tree on id
            raw_table.create_index(column, config=FTS())
        raw_table.create_index("id", config=BTree())
        raw_s = time.perf_counter() - start
        stage("raw ingest", raw_s)
        # Housekeeping outside every timed stage: the raw table is only there to time its ingest
        # (the queries of both sides run on the xmr table), and the versions left by xmr's
        # compactions are dead files. At 1M items they are gigabytes of disk.
        del raw_table
        db.drop_table(f"t{n}")
        catalog = Catalog.open(workdir / "xmr", f"t{n}")
        with warnings.catch_warnings():  # nothing else reads this table: every old version can go
            warnings.simplefilter("ignore", UserWarning)
            catalog.optimize(cleanup_older_than=timedelta(0))
        source.unlink()
        column = next(iter(catalog.vectors))
        n_flat = flat_query_count(n, queries, flat_queries)
        probes = encoder.encode([f"query {i}" for i in range(queries)], modality="text", role="query")
        log(f"{n:,} items: flat search, {n_flat} queries each side")
        start = time.perf_counter()
        flat, exact = _latencies(catalog, column, probes[:n_flat], log)
        stage("flat queries", time.perf_counter() - start)
        start = time.perf_counter()
        catalog.refresh_indexes(ann_threshold=1)
        index_s = time.perf_counter() - start
        stage("ANN build", index_s)
        start = time.perf_counter()
        ann, approx = _latencies(catalog, column, probes, log)
        stage("ANN queries", time.perf_counter() - start)
    recall = float(np.mean([len(set(a) & set(e)) / 10 for a, e in zip(approx[:n_flat], exact, strict=True)]))
    return {
        "items": n, "dim": dim,
        "ingest": {"xmr_items_per_s": n / xmr_s, "raw_items_per_s": n / raw_s, "ratio": raw_s / xmr_s,
                   "peak_rss_mb": rss.peak / 2**20},
        "peak_rss_mb_all": max(whole.peak, rss.peak) / 2**20,  # two samplers: either may catch the top
        "queries": {"flat": n_flat, "ann": queries, "recall": n_flat},
        "query_flat": flat, "query_ann": ann,
        "ann": {"build_s": index_s, "recall@10": recall},
        "stages_s": stages, "wall_s": time.perf_counter() - began,
    }


def _latencies(catalog: Any, column: str, probes: np.ndarray,
               log: Callable[[str], None] = lambda message: None) -> tuple[dict[str, Any], list[list[str]]]:
    """xmr search_vector against the raw lancedb query, same vectors, interleaved; and xmr's top 10 ids."""
    mine, raw, top = [], [], []
    every = max(1, len(probes) // 5)
    for i, vector in enumerate(probes, 1):
        start = time.perf_counter()
        hits = catalog.search_vector(vector, column=column, k=10)
        mine.append(time.perf_counter() - start)
        top.append([h.id for h in hits])
        start = time.perf_counter()
        catalog.lance.search(vector, vector_column_name=column).distance_type("cosine").limit(10).to_list()
        raw.append(time.perf_counter() - start)
        if i % every == 0 and i < len(probes):
            log(f"  {i}/{len(probes)} queries, xmr p50 so far {1000 * float(np.median(mine)):.1f} ms")
    xmr, base = latency_summary(mine), latency_summary(raw)
    return {"xmr": xmr, "raw": base, "p50_ratio": xmr["p50_ms"] / base["p50_ms"]}, top


def run_bench(sizes: list[int], *, dim: int = 384, queries: int = 200, batch: int = 2048,
              workdir: str | None = None, flat_queries: int | None = None,
              log: Callable[[str], None] = lambda message: None) -> dict[str, Any]:
    """All sizes, in a temporary folder unless ``workdir`` is given."""
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        results = [bench_size(n, dim=dim, queries=queries, batch=batch, workdir=Path(tmp),
                              flat_queries=flat_queries, log=log) for n in sizes]
    return {"sizes": results, "batch_size": batch, "queries": queries, "flat_queries": flat_queries}


def bench_markdown(results: dict[str, Any]) -> str:
    """The results as Markdown tables."""
    lines = ["| items | xmr ingest items/s | raw items/s | xmr/raw | peak RSS MB ingest / all | "
             "flat p50/p95/p99 ms | xmr/raw p50 | ANN p50/p95/p99 ms | xmr/raw p50 | ANN build s | "
             "ANN recall@10 | queries flat / ANN |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results["sizes"]:
        flat, ann, ing = r["query_flat"], r["query_ann"], r["ingest"]
        lines.append(
            f"| {r['items']:,} | {ing['xmr_items_per_s']:,.0f} | {ing['raw_items_per_s']:,.0f} | {ing['ratio']:.2f} | "
            f"{ing['peak_rss_mb']:,.0f} / {r['peak_rss_mb_all']:,.0f} | "
            f"{_pcts(flat['xmr'])} | {flat['p50_ratio']:.2f} | {_pcts(ann['xmr'])} | {ann['p50_ratio']:.2f} | "
            f"{r['ann']['build_s']:.1f} | {r['ann']['recall@10']:.3f} | {r['queries']['flat']} / {r['queries']['ann']} |")
    return "\n".join(lines) + "\n"


def _pcts(s: dict[str, float]) -> str:
    return f"{s['p50_ms']:.1f}/{s['p95_ms']:.1f}/{s['p99_ms']:.1f}"
