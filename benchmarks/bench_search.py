"""Search latency: xmr_agent's ``Catalog.search_vector`` against a raw LanceDB query, same table.

For each size, a synthetic catalogue is built through the real ingest path (``xmr_agent.ingest``)
with a deterministic synthetic 384-d encoder, first without an ANN index (flat scan), then
``Catalog.refresh_indexes(ann_threshold=size)`` adds the IvfHnswSq index. In each phase the same
query vectors go through xmr and raw lancedb, interleaved in one loop (the order alternates per
query). ANN recall@k is measured against exact (numpy) cosine search. Finally the full text query
path ``Catalog.search("...")`` (encode with the real text model + search) is timed on a table
ingested with that model.

    .venv/bin/python benchmarks/bench_search.py --sizes 10000,100000 --queries 300
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import _common as c
import numpy as np

TARGET_RATIO = 1.3
NO_ANN = 10**12


def build_table(n: int, workdir: Path, encoder: Any) -> tuple[Any, float]:
    """Ingest ``n`` synthetic items with ``encoder``, no ANN index; returns (Catalog, seconds)."""
    from xmr_agent import Catalog, ingest

    source = c.write_jsonl(workdir / f"catalog-{n}.jsonl", c.synthetic_items(n))
    t0 = time.perf_counter()
    ingest(source, workdir / "db", f"bench{n}", vectors={"text": encoder}, ann_threshold=NO_ANN)
    seconds = time.perf_counter() - t0
    return Catalog.open(workdir / "db", f"bench{n}"), seconds


def exact_topk(catalog: Any, column: str, queries: np.ndarray, k: int) -> tuple[dict[str, int], np.ndarray]:
    """Ground truth: id → row, and the (rows × queries) cosine similarities, by numpy."""
    data = catalog.table.to_arrow().select(["id", column])
    ids = data["id"].to_pylist()
    matrix = np.asarray(data[column].combine_chunks().flatten().to_numpy(), dtype=np.float32)
    sims = matrix.reshape(len(ids), -1) @ queries.T
    return {i: r for r, i in enumerate(ids)}, sims


def recall(hit_ids: Sequence[str], q: int, row_of: dict[str, int], sims: np.ndarray, k: int) -> float:
    """Share of returned ids whose true similarity reaches the exact k-th best (ties count as hits)."""
    column = sims[:, q]
    kth = np.partition(column, -k)[-k]
    return sum(column[row_of[i]] >= kth - 1e-5 for i in hit_ids[:k]) / k


def interleaved(catalog: Any, column: str, warm: np.ndarray, queries: np.ndarray, k: int) -> dict[str, Any]:
    """Time xmr and raw lancedb on the same vectors, alternating which goes first."""
    table = catalog.table
    visible = catalog.columns()

    def xmr(v: np.ndarray) -> list[str]:
        return [h.id for h in catalog.search_vector(v, column=column, k=k)]

    def raw(v: np.ndarray) -> list[str]:
        rows = table.search(v, vector_column_name=column).distance_type("cosine").limit(k).to_list()
        return [r["id"] for r in rows]

    def raw_select(v: np.ndarray) -> list[str]:
        q = table.search(v, vector_column_name=column).distance_type("cosine").select(visible).limit(k)
        return [r["id"] for r in q.to_list()]

    runners = {"xmr": xmr, "raw": raw, "raw_select": raw_select}
    for v in warm:
        for fn in runners.values():
            fn(v)
    times: dict[str, list[float]] = {name: [] for name in runners}
    results: dict[str, list[list[str]]] = {name: [] for name in runners}
    names = list(runners)
    for q, v in enumerate(queries):
        order = names if q % 2 == 0 else names[::-1]
        for name in order:
            ms, ids = c.timed(runners[name], v)
            times[name].append(ms)
            results[name].append(ids)
    return {"times": times, "results": results}


def phase_summary(run: dict[str, Any], row_of: dict[str, int], sims: np.ndarray, k: int) -> dict[str, Any]:
    times, results = run["times"], run["results"]
    stats = {name: c.pcts(ts) for name, ts in times.items()}
    paired = [x / r for x, r in zip(times["xmr"], times["raw"], strict=True)]
    same = sum(a == b for a, b in zip(results["xmr"], results["raw"], strict=True)) / len(paired)
    return {
        "latency_ms": stats,
        "ratio_xmr_over_raw_p50": round(stats["xmr"]["p50"] / stats["raw"]["p50"], 3),
        "ratio_xmr_over_raw_p95": round(stats["xmr"]["p95"] / stats["raw"]["p95"], 3),
        "ratio_paired_median": round(float(np.median(paired)), 3),
        "same_ids_xmr_vs_raw": round(same, 3),
        f"recall_at_{k}": round(float(np.mean([recall(ids, q, row_of, sims, k)
                                               for q, ids in enumerate(results["xmr"])])), 4),
        "target": f"xmr/raw p50 <= {TARGET_RATIO}",
        "met": stats["xmr"]["p50"] / stats["raw"]["p50"] <= TARGET_RATIO,
    }


def bench_size(n: int, args: argparse.Namespace, workdir: Path, encoder: Any) -> dict[str, Any]:
    catalog, ingest_s = build_table(n, workdir, encoder)
    column = next(iter(catalog.vectors))
    queries = encoder.encode(c.query_texts(args.queries + args.warmup), modality="text", role="query")
    row_of, sims = exact_topk(catalog, column, queries[args.warmup :], args.k)
    out: dict[str, Any] = {"items": n, "ingest_s": round(ingest_s, 1), "ingest_items_per_s": round(n / ingest_s, 1),
                           "db_disk_mb_after_ingest": c.disk_mb(workdir / "db" / f"bench{n}.lance")}
    warm, measured = queries[: args.warmup], queries[args.warmup :]
    flat = interleaved(catalog, column, warm, measured, args.k)
    out["flat"] = phase_summary(flat, row_of, sims, args.k)
    t0 = time.perf_counter()
    catalog.refresh_indexes(ann_threshold=n)
    out["ann_index_build_s"] = round(time.perf_counter() - t0, 1)
    out["indexes"] = {ix.name: ix.index_type for ix in catalog.table.list_indices()}
    ann = interleaved(catalog, column, warm, measured, args.k)
    out["ann"] = phase_summary(ann, row_of, sims, args.k)
    return out


def bench_text(n: int, queries: int, workdir: Path) -> dict[str, Any]:
    """Full text query path with the real model: Catalog.search(text) = encode + vector search."""
    from xmr_agent import Catalog, ingest

    source = c.write_jsonl(workdir / f"text-{n}.jsonl", c.synthetic_items(n, seed=7))
    t0 = time.perf_counter()
    ingest(source, workdir / "db", f"text{n}")  # default vectors: text=text (real model)
    ingest_s = time.perf_counter() - t0
    catalog = Catalog.open(workdir / "db", f"text{n}")  # fresh process-like open: encoder from metadata
    column = catalog.columns_for("text")[0]
    texts = c.query_texts(queries + 10, seed=99)
    for t in texts[:10]:
        catalog.search(t)
    texts = texts[10:]
    encoder = catalog.encoder(column)
    full, enc, vec = [], [], []
    for t in texts:
        full.append(c.timed(catalog.search, t)[0])
        ms, vectors = c.timed(encoder.encode, [t], modality="text", role="query")
        enc.append(ms)
        vec.append(c.timed(catalog.search_vector, vectors[0], column=column, k=10)[0])
    return {"items": n, "ingest_s": round(ingest_s, 1), "encoder": "text (all-MiniLM-L6-v2, offline copy)",
            "ann_index": False, "search_text_ms": c.pcts(full), "encode_query_ms": c.pcts(enc),
            "search_vector_ms": c.pcts(vec)}


def print_summary(result: dict[str, Any]) -> None:
    c.log(f"search: encoder {result['encoder']}, k={result['k']}, {result['queries']} queries/phase")
    c.log(f"{'items':>7} {'index':>5} {'xmr p50':>8} {'raw p50':>8} {'xmr p95':>8} {'raw p95':>8} "
          f"{'sel p50':>8} {'x/r p50':>7} {'recall':>6}")
    key = f"recall_at_{result['k']}"
    for size in result["sizes"]:
        for phase in ("flat", "ann"):
            s = size[phase]
            lat = s["latency_ms"]
            c.log(f"{size['items']:>7} {phase:>5} {lat['xmr']['p50']:>8.2f} {lat['raw']['p50']:>8.2f} "
                  f"{lat['xmr']['p95']:>8.2f} {lat['raw']['p95']:>8.2f} {lat['raw_select']['p50']:>8.2f} "
                  f"{s['ratio_xmr_over_raw_p50']:>7.3f} {s[key]:>6.3f}")
    text = result.get("text_query")
    if text:
        c.log(f"text query path at {text['items']} items (real model, flat): Catalog.search p50 "
              f"{text['search_text_ms']['p50']} ms p95 {text['search_text_ms']['p95']} ms "
              f"(encode p50 {text['encode_query_ms']['p50']} ms + search_vector p50 "
              f"{text['search_vector_ms']['p50']} ms)")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="10000,100000", type=lambda s: [int(x) for x in s.split(",")])
    p.add_argument("--queries", type=int, default=300, help="measured queries per phase (default 300)")
    p.add_argument("--warmup", type=int, default=20, help="unmeasured warm-up queries per phase")
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--encoder", choices=("randproj", "fake"), default="randproj",
                   help="synthetic encoder for the tables (default: dense random projection)")
    p.add_argument("--text-items", type=int, default=10_000, help="table size for the text path (0: skip)")
    p.add_argument("--text-queries", type=int, default=50)
    p.add_argument("--workdir", type=Path, help="where to build the tables (default: temp)")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    encoder, description = c.synthetic_encoder(args.encoder)
    result: dict[str, Any] = {"benchmark": "search", "encoder": description, "k": args.k,
                              "queries": args.queries, "warmup": args.warmup, "machine": c.machine()}
    with tempfile.TemporaryDirectory(prefix="xmr-bench-search-") as tmp:
        workdir = args.workdir or Path(tmp)
        result["sizes"] = [bench_size(n, args, workdir, encoder) for n in args.sizes]
        if args.text_items:
            result["text_query"] = bench_text(args.text_items, args.text_queries, workdir)
    result["met"] = all(s[p]["met"] for s in result["sizes"] for p in ("flat", "ann"))
    print_summary(result)
    c.emit(result)
    return result


if __name__ == "__main__":
    main()
