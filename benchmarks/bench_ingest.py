"""Ingest throughput: ``xmr_agent.ingest`` with the real text encoder against raw sentence-transformers.

``xmr`` is the ``text`` encoder as it runs by default (``backend="auto"``: ONNX Runtime for the
offline MiniLM), ``xmr_torch`` the same encoder with ``backend="torch"`` (sentence-transformers).

The catalogue (default: the first N ReDial movies, built like ``xmr ingest --title-field name
--text-field plot --text-field genre --text-field director --text-field star``) is ingested into a
fresh table, and the SAME texts (title + composed text, exactly what ingest embeds) are encoded with
``SentenceTransformer(path).encode(texts, batch_size=B, normalize_embeddings=True)`` at the SAME
encoder batch size B. Both models are loaded and warmed up before timing (load time excluded).
The variants run interleaved, ``--repeats`` times, alternating order; medians are reported.
``raw_chunked`` encodes the texts in the ingest's commit-sized chunks, to separate the cost of
chunking (less length-sorting per ``encode`` call) from xmr's own overhead.

    .venv/bin/python benchmarks/bench_ingest.py --n 2000 --repeats 3
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import _common as c

TARGET_RATIO = 0.85
REDIAL_FIELDS = {"id": "id", "title": "name", "text": ("plot", "genre", "director", "star")}


def redial_records(path: Path, n: int) -> Iterator[dict[str, Any]]:
    """The first ``n`` ReDial movies as records (id from the catalogue key)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    for key, value in itertools.islice(data.items(), n):
        yield {"id": key, **value}


def source_catalogue(args: argparse.Namespace, workdir: Path) -> tuple[Path, Any, str]:
    """(JSONL path, FieldMap, description) for the benchmark catalogue."""
    from xmr_agent import FieldMap

    if args.source.is_file():
        path = c.write_jsonl(workdir / "redial.jsonl", redial_records(args.source, args.n))
        fields = FieldMap(id="id", title="name", text=REDIAL_FIELDS["text"])
        return path, fields, f"ReDial {args.source} (first {args.n}; title=name, text=plot+genre+director+star)"
    c.log(f"skip: {args.source} not found; falling back to {args.n} synthetic one-sentence items")
    path = c.write_jsonl(workdir / "synthetic.jsonl", c.synthetic_items(args.n))
    return path, FieldMap(), f"synthetic one-sentence items (n={args.n}; {args.source} absent)"


def encoder_texts(path: Path, fields: Any) -> list[str]:
    """What ingest hands the encoder for each item: ``title. text`` (records.normalise + embed_inputs)."""
    from xmr_agent.ingestion.readers import normalise, read_jsonl

    items = [normalise(raw, fields, path.parent) for _, raw in read_jsonl(path)]
    return [". ".join(p for p in (i["title"], i["text"]) if p) for i in items]


class TimedEncoder:
    """Delegates to the real encoder; adds up the seconds spent in ``encode``."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.name, self.modalities, self.seconds = inner, inner.name, inner.modalities, 0.0
        self.seen: list[str] = []

    space = property(lambda self: self.inner.space)
    dim = property(lambda self: self.inner.dim)

    def config(self) -> dict[str, Any]:
        return self.inner.config()

    def encode(self, items: Sequence[Any], *, modality: str, role: str) -> Any:
        self.seen.extend(items)
        t0 = time.perf_counter()
        out = self.inner.encode(items, modality=modality, role=role)
        self.seconds += time.perf_counter() - t0
        return out


def make_runners(args: argparse.Namespace, source: Path, fields: Any, texts: list[str],
                 workdir: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    from sentence_transformers import SentenceTransformer

    from xmr_agent import ingest
    from xmr_text import SentenceTransformerEncoder

    encoder = SentenceTransformerEncoder(batch_size=args.encoder_batch_size)
    torch_encoder = SentenceTransformerEncoder(batch_size=args.encoder_batch_size, backend="torch")
    model = SentenceTransformer(args.model_path, device="cpu")
    for warm in (encoder, torch_encoder):  # warm-up, every side
        warm.encode(texts[:32], modality="text", role="document")
    model.encode(texts[:32], batch_size=args.encoder_batch_size, normalize_embeddings=True)
    counter = itertools.count()
    info: dict[str, Any] = {"encode_s": [], "texts_match": None, "backend": encoder.backend_in_use}

    def run_ingest(used: Any) -> None:
        timed_encoder = TimedEncoder(used)
        report = ingest(source, workdir / "db", f"run{next(counter)}", vectors={"text": timed_encoder},
                        fields=fields, batch_size=args.ingest_batch_size, ann_threshold=args.ann_threshold)
        if report.inserted != len(texts):
            raise RuntimeError(f"ingest inserted {report.inserted} of {len(texts)} items: {report}")
        if used is encoder:
            info["encode_s"].append(timed_encoder.seconds)
            info["texts_match"] = timed_encoder.seen == texts

    def raw() -> None:
        model.encode(texts, batch_size=args.encoder_batch_size, normalize_embeddings=True)

    def raw_chunked() -> None:
        step = args.ingest_batch_size
        for i in range(0, len(texts), step):
            model.encode(texts[i : i + step], batch_size=args.encoder_batch_size, normalize_embeddings=True)

    return {"xmr": lambda: run_ingest(encoder), "xmr_torch": lambda: run_ingest(torch_encoder), "raw": raw,
            "raw_chunked": raw_chunked}, info


def measure(runners: dict[str, Any], repeats: int, n: int) -> dict[str, list[float]]:
    """Items/s of each runner, ``repeats`` rounds, order alternating between rounds."""
    rates: dict[str, list[float]] = {name: [] for name in runners}
    names = list(runners)
    for r in range(repeats):
        for name in names if r % 2 == 0 else names[::-1]:
            t0 = time.perf_counter()
            runners[name]()
            rates[name].append(n / (time.perf_counter() - t0))
            c.log(f"  round {r + 1}/{repeats} {name:<11} {rates[name][-1]:7.1f} items/s")
    return rates


def summarise(args: argparse.Namespace, description: str, texts: list[str], rates: dict[str, list[float]],
              info: dict[str, Any]) -> dict[str, Any]:
    med = {name: round(statistics.median(v), 1) for name, v in rates.items()}
    ratio = round(med["xmr"] / med["raw"], 3)
    encode_s = statistics.median(info["encode_s"])
    return {
        "benchmark": "ingest",
        "source": description,
        "items": len(texts),
        "mean_chars_per_text": round(statistics.fmean(len(t) for t in texts), 1),
        "encoder_batch_size": args.encoder_batch_size,
        "ingest_batch_size": args.ingest_batch_size,
        "repeats": args.repeats,
        "model_load_excluded": True,
        "texts_identical_to_ingest_inputs": info["texts_match"],
        "items_per_s": {name: [round(x, 1) for x in v] for name, v in rates.items()},
        "median_items_per_s": med,
        "xmr_backend": info["backend"],
        "ratio_xmr_over_raw": ratio,
        "ratio_xmr_torch_over_raw": round(med["xmr_torch"] / med["raw"], 3),
        "ratio_xmr_over_raw_chunked": round(med["xmr"] / med["raw_chunked"], 3),
        "xmr_time_in_encoder_share": round(encode_s / (len(texts) / med["xmr"]), 3),
        "target": f"xmr/raw >= {TARGET_RATIO}",
        "met": ratio >= TARGET_RATIO,
        "machine": c.machine(),
    }


def print_summary(result: dict[str, Any]) -> None:
    med = result["median_items_per_s"]
    c.log(f"ingest: {result['source']}; {result['items']} items, mean {result['mean_chars_per_text']} chars; "
          f"encoder batch {result['encoder_batch_size']}, ingest batch {result['ingest_batch_size']}")
    c.log(f"  median items/s: xmr ({result['xmr_backend']}) {med['xmr']}, xmr_torch {med['xmr_torch']}, "
          f"raw {med['raw']}, raw_chunked {med['raw_chunked']}; xmr_torch/raw {result['ratio_xmr_torch_over_raw']}; "
          f"xmr/raw {result['ratio_xmr_over_raw']} (target >= {TARGET_RATIO}: "
          f"{'met' if result['met'] else 'MISSED'}); xmr/raw_chunked {result['ratio_xmr_over_raw_chunked']}; "
          f"share of xmr time in the encoder {result['xmr_time_in_encoder_share']:.0%}")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=2000, help="items (default 2000)")
    p.add_argument("--source", type=Path, default=c.REDIAL, help="ReDial catalog.json (default: ../shared/...)")
    p.add_argument("--repeats", type=int, default=3, help="rounds of each variant (default 3)")
    p.add_argument("--encoder-batch-size", type=int, default=64, help="B for both sides (default 64)")
    p.add_argument("--ingest-batch-size", type=int, default=256, help="ingest rows per commit (default 256)")
    p.add_argument("--ann-threshold", type=int, default=50_000)
    p.add_argument("--workdir", type=Path)
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    from xmr_text import DEFAULT_MODEL, resolve_model_path

    args.model_path = resolve_model_path(DEFAULT_MODEL)
    with tempfile.TemporaryDirectory(prefix="xmr-bench-ingest-") as tmp:
        workdir = args.workdir or Path(tmp)
        source, fields, description = source_catalogue(args, workdir)
        texts = encoder_texts(source, fields)
        runners, info = make_runners(args, source, fields, texts, workdir)
        rates = measure(runners, args.repeats, len(texts))
    result = summarise(args, description, texts, rates, info)
    print_summary(result)
    c.emit(result)
    return result


if __name__ == "__main__":
    main()
