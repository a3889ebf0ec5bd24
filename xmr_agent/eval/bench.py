"""``xmr bench``: the store at scale, on synthetic items, against raw LanceDB in the same run.

For each size N: write a JSONL catalogue of N items with realistic metadata; ingest it through
``xmr_agent.ingest`` with a synthetic encoder (clustered unit vectors of the configured
dimension, so no model cost hides the store's cost); then the raw baseline: read the same
JSONL, encode with the same encoder, write with one ``lancedb`` ``create_table`` call and build
the same indexes (full text on title and text, B-tree on id). Then time queries (xmr ``Catalog.search_vector`` against the raw query on
the same table and vectors, interleaved), the ANN index build, and the ANN recall@10 against
exact search. Peak RSS is sampled during the ingest.
"""

from __future__ import annotations

import json
import random
import tempfile
import threading
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from xmr_agent.encoders.base import EncoderBase
from xmr_agent.eval.metrics import latency_summary

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


def bench_size(n: int, *, dim: int, queries: int, batch: int, workdir: Path) -> dict[str, Any]:
    """Every measurement for one catalogue size."""
    import lancedb
    from lancedb.index import FTS, BTree

    from xmr_agent.ingestion import ingest
    from xmr_agent.store import Catalog

    source = workdir / f"items-{n}.jsonl"
    write_catalogue(source, n)
    encoder = ClusteredEncoder(dim)
    with PeakRss() as rss:
        start = time.perf_counter()
        ingest(source, workdir / "xmr", f"t{n}", vectors={"text": encoder}, batch_size=batch,
               ann_threshold=n + 1)
        xmr_s = time.perf_counter() - start
    db = lancedb.connect(str(workdir / "raw"))
    start = time.perf_counter()
    raw_table = db.create_table(f"t{n}", data=_raw_batches(source, encoder, batch), mode="overwrite")
    for column in ("title", "text"):  # the same indexes xmr builds: full text, and a B-tree on id
        raw_table.create_index(column, config=FTS())
    raw_table.create_index("id", config=BTree())
    raw_s = time.perf_counter() - start
    catalog = Catalog.open(workdir / "xmr", f"t{n}")
    column = next(iter(catalog.vectors))
    probes = encoder.encode([f"query {i}" for i in range(queries)], modality="text", role="query")
    flat = _latencies(catalog, column, probes)
    exact = [[h.id for h in catalog.search_vector(q, column=column, k=10)] for q in probes]
    start = time.perf_counter()
    catalog.refresh_indexes(ann_threshold=1)
    index_s = time.perf_counter() - start
    ann = _latencies(catalog, column, probes)
    approx = [[h.id for h in catalog.search_vector(q, column=column, k=10)] for q in probes]
    recall = float(np.mean([len(set(a) & set(e)) / 10 for a, e in zip(approx, exact, strict=True)]))
    del raw_table
    return {
        "items": n, "dim": dim,
        "ingest": {"xmr_items_per_s": n / xmr_s, "raw_items_per_s": n / raw_s, "ratio": raw_s / xmr_s,
                   "peak_rss_mb": rss.peak / 2**20},
        "query_flat": flat, "query_ann": ann,
        "ann": {"build_s": index_s, "recall@10": recall},
    }


def _latencies(catalog: Any, column: str, probes: np.ndarray) -> dict[str, Any]:
    """xmr search_vector against the raw lancedb query, same vectors, interleaved."""
    mine, raw = [], []
    for vector in probes:
        start = time.perf_counter()
        catalog.search_vector(vector, column=column, k=10)
        mine.append(time.perf_counter() - start)
        start = time.perf_counter()
        catalog.table.search(vector, vector_column_name=column).distance_type("cosine").limit(10).to_list()
        raw.append(time.perf_counter() - start)
    xmr, base = latency_summary(mine), latency_summary(raw)
    return {"xmr": xmr, "raw": base, "p50_ratio": xmr["p50_ms"] / base["p50_ms"]}


def run_bench(sizes: list[int], *, dim: int = 384, queries: int = 200, batch: int = 2048,
              workdir: str | None = None) -> dict[str, Any]:
    """All sizes, in a temporary folder unless ``workdir`` is given."""
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        results = [bench_size(n, dim=dim, queries=queries, batch=batch, workdir=Path(tmp)) for n in sizes]
    return {"sizes": results, "batch_size": batch, "queries": queries}


def markdown(results: dict[str, Any]) -> str:
    """The results as Markdown tables."""
    lines = ["| items | xmr ingest items/s | raw items/s | ratio | peak RSS MB | flat p50/p95/p99 ms | "
             "ratio | ANN p50/p95/p99 ms | ratio | ANN build s | ANN recall@10 |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results["sizes"]:
        flat, ann, ing = r["query_flat"], r["query_ann"], r["ingest"]
        lines.append(
            f"| {r['items']:,} | {ing['xmr_items_per_s']:,.0f} | {ing['raw_items_per_s']:,.0f} | {ing['ratio']:.2f} | "
            f"{ing['peak_rss_mb']:,.0f} | {_pcts(flat['xmr'])} | {flat['p50_ratio']:.2f} | {_pcts(ann['xmr'])} | "
            f"{ann['p50_ratio']:.2f} | {r['ann']['build_s']:.1f} | {r['ann']['recall@10']:.3f} |")
    return "\n".join(lines) + "\n"


def _pcts(s: dict[str, float]) -> str:
    return f"{s['p50_ms']:.1f}/{s['p95_ms']:.1f}/{s['p99_ms']:.1f}"
