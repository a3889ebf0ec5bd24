"""Requests in other languages than English: routing by language, per-language recall, ingest cost.

Three parts, each optional:

* ``--detect``: how often the language detector (:mod:`xmr_agent.encoders.language`) keeps a request
  on the English path: English ReDial turns (as ``xmr eval`` asks them) and Flickr8k-dev captions
  must stay there; the translated requests under ``benchmarks/multilingual/`` must leave it.
* ``--table LABEL=DB:TABLE`` (repeatable; ``--kind flickr`` or ``redial``): recall of each way to
  search a table that has both text columns (MiniLM ``vec__text__text`` and multilingual-e5
  ``vec__text__e5_multilingual``, the default of a plain ingest): MiniLM only, e5 only, both fused
  (reciprocal rank), and routed by language (what ``Catalog.search`` does). For Flickr8k-dev the
  queries are the 40 captions of ``flickr40-LANG.jsonl`` in each language (one relevant image of
  500), and all 2,500 English captions; for ReDial the 2,716 English turns. Standard errors over queries, and of the difference
  with MiniLM (paired).
* ``--ingest N``: ingest items/s of the first N ReDial movies with the old default (MiniLM only)
  and the new one (MiniLM + e5), interleaved ``--repeats`` times; medians.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_multilingual.py --detect \\
        --table flickr=/tmp/flickr:flickr --kind flickr --ingest 500 --repeats 2
"""

from __future__ import annotations

import argparse
import csv
import functools
import json
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import _common as c
import numpy as np

HERE = Path(__file__).resolve().parent / "multilingual"
LANGS = ("en", "fr", "de", "es", "zh")
MINILM, E5 = "vec__text__text", "vec__text__e5_multilingual"
DATA = c.ROOT.parent / "shared" / "data"


def translated(lang: str) -> list[str]:
    """Every translated request of ``lang``: the 40 captions, the 20 tuned-on and 15 held-out requests."""
    rows = [json.loads(x)["query"] for x in (HERE / f"flickr40-{lang}.jsonl").read_text("utf-8").splitlines()]
    for name in ("requests20.jsonl", "requests15-heldout.jsonl"):
        rows += [json.loads(x)[lang] for x in (HERE / name).read_text("utf-8").splitlines()]
    return rows


def detection() -> dict[str, Any]:
    from xmr_agent.encoders.language import detect
    from xmr_agent.eval.datasets import cases, locate

    sets = {f"translated {lang}": translated(lang) for lang in LANGS}
    heldout = [json.loads(x) for x in (HERE / "requests15-heldout.jsonl").read_text("utf-8").splitlines()]
    sets |= {f"held-out {lang}": [r[lang] for r in heldout] for lang in LANGS}
    sets["ReDial turns (en)"] = [case.query for case in cases(locate(DATA / "redial" / "valid.jsonl"))]
    with (DATA / "flickr8k-dev" / "captions.csv").open(encoding="utf-8") as f:
        sets["Flickr8k-dev captions (en)"] = [row["caption"] for row in csv.DictReader(f)]
    out = {}
    for name, texts in sets.items():
        start = time.perf_counter()
        found = [detect(t) for t in texts]
        seconds = time.perf_counter() - start
        english = name.endswith("(en)") or name.endswith(" en")
        right = sum((f == "en") == english for f in found)
        missed = [t for t, f in zip(texts, found, strict=True) if (f == "en") != english]
        out[name] = {"n": len(texts), "right_path": right, "share": right / len(texts),
                     "languages": dict(Counter(found).most_common()), "missed": missed[:10],
                     "us_per_text": 1e6 * seconds / len(texts)}
    return out


def _variants(catalog: Any) -> dict[str, Callable[[str, int], list[str]]]:
    from xmr_agent.store.fusion import rrf_fuse
    from xmr_agent.types import Hit

    @functools.cache
    def ranked(name: str, query: str, k: int) -> tuple[str, ...]:  # each query embedded once per column
        vector = catalog.encoder(name).encode([query], modality="text", role="query")[0]
        return tuple(h.id for h in catalog.search_vector(vector, column=name, k=k))

    def column(name: str) -> Callable[[str, int], list[str]]:
        return lambda query, k: list(ranked(name, query, k))

    def fused(query: str, k: int) -> list[str]:
        per = [[Hit(i, 0.0) for i in column(name)(query, k)] for name in (MINILM, E5)]
        return [h.id for h in rrf_fuse(per, k=k)]

    return {"MiniLM only": column(MINILM), "e5 only": column(E5), "fused (RRF)": fused,
            "routed by language": lambda q, k: [h.id for h in catalog.search(q, k=k)]}


def _score(search: Callable[[str, int], list[str]], queries: Sequence[Any], k: int = 10) -> list[float]:
    """Recall@k per query (relevant ids found in the top k, excluded ids removed first)."""
    out = []
    for query, relevant, exclude in queries:
        ranked = [i for i in search(query, k + len(exclude)) if i not in exclude][:k]
        out.append(len(set(ranked) & relevant) / len(relevant))
    return out


def _summary(values: Sequence[float], base: Sequence[float] | None) -> dict[str, float]:
    n = len(values)
    out = {"n": n, "r@10": statistics.fmean(values), "se": statistics.stdev(values) / n ** 0.5 if n > 1 else 0.0}
    if base is not None:
        diff = [a - b for a, b in zip(values, base, strict=True)]
        out["diff_vs_minilm"] = statistics.fmean(diff)
        out["se_diff"] = statistics.stdev(diff) / n ** 0.5 if n > 1 else 0.0
    return out


def retrieval(spec: str, kind: str) -> dict[str, Any]:
    from xmr_agent.eval.datasets import cases, locate
    from xmr_agent.store.catalog import Catalog

    db, _, table = spec.partition(":")
    catalog = Catalog.open(db, table)
    variants = _variants(catalog)
    if kind == "flickr":
        sets = {}
        for lang in LANGS:
            rows = [json.loads(x) for x in (HERE / f"flickr40-{lang}.jsonl").read_text("utf-8").splitlines()]
            sets[lang] = [(r["query"], set(r["relevant_ids"]), frozenset()) for r in rows]
        captions = cases(locate(DATA / "flickr8k-dev"))
        sets["en, all 2,500 captions"] = [(x.query, set(x.relevant), frozenset()) for x in captions]
    else:
        sets = {"en": [(x.query, set(x.relevant), x.exclude) for x in cases(locate(DATA / "redial" / "valid.jsonl"))]}
    out: dict[str, Any] = {}
    for lang, queries in sets.items():
        scores = {name: _score(search, queries) for name, search in variants.items()}
        out[lang] = {name: _summary(v, None if name == "MiniLM only" else scores["MiniLM only"])
                     for name, v in scores.items()}
        print(f"{kind} {lang}: " + ", ".join(f"{n} {s['r@10']:.3f}±{s['se']:.3f}" for n, s in out[lang].items()),
              file=sys.stderr)
    return out


def ingest_rate(n: int, repeats: int) -> dict[str, Any]:
    from xmr_agent.ingestion.pipeline import ingest

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_ingest import redial_records

    from xmr_agent import FieldMap

    fields = FieldMap(id="id", title="name", text=("plot", "genre", "director", "star"))
    rows = list(redial_records(c.REDIAL, n))
    variants: dict[str, Any] = {"old default (MiniLM)": {"text": "text"}, "new default (MiniLM + e5)": None}
    rates: dict[str, list[float]] = {name: [] for name in variants}
    with tempfile.TemporaryDirectory() as tmp:
        warm = ingest(rows[:8], Path(tmp) / "warm", "w", fields=fields)  # loads both models once
        assert warm.ok
        for r in range(repeats):
            for name in (list(variants) if r % 2 == 0 else list(reversed(variants))):
                start = time.perf_counter()
                ingest(rows, Path(tmp) / f"{r}-{len(rates[name])}-{name[:3]}", "t", fields=fields,
                       vectors=variants[name])
                rates[name].append(n / (time.perf_counter() - start))
    return {name: {"items_per_s": statistics.median(v), "runs": v} for name, v in rates.items()}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--detect", action="store_true", help="language detection accuracy")
    p.add_argument("--table", action="append", default=[], metavar="LABEL=DB:TABLE",
                   help="a table with both text columns to score")
    p.add_argument("--kind", choices=("flickr", "redial"), action="append", default=[],
                   help="the data set of each --table, in order")
    p.add_argument("--ingest", type=int, default=0, metavar="N", help="ingest items/s of N ReDial movies")
    p.add_argument("--repeats", type=int, default=2)
    args = p.parse_args()
    results: dict[str, Any] = {"machine": c.machine(), "git": c.git_state()}
    if args.detect:
        results["detection"] = detection()
        for name, row in results["detection"].items():
            print(f"{name}: {row['right_path']}/{row['n']} on the right path, {row['languages']}", file=sys.stderr)
    for spec, kind in zip(args.table, args.kind, strict=True):
        label, _, where = spec.partition("=")
        results[label] = retrieval(where, kind)
    if args.ingest:
        results["ingest"] = ingest_rate(args.ingest, args.repeats)
        print(json.dumps(results["ingest"]), file=sys.stderr)
    print(json.dumps(results, indent=1, ensure_ascii=False, default=float))


if __name__ == "__main__":
    np.set_printoptions(precision=3)
    main()
