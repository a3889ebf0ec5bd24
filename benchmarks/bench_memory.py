"""Peak memory (RSS) while ingesting a large catalogue through ``xmr_agent.ingest``.

A JSONL catalogue of one-sentence items is streamed to disk first; then it is ingested with the
real default text model (or ``--fake``: the synthetic dense encoder). A background thread samples
the process RSS every few milliseconds; the running peak is recorded as the ingest passes each
checkpoint (items embedded so far), and once more after the final index build, so growth with
catalogue size is visible. Target: peak < 3 GB and flat in catalogue size.

    .venv/bin/python benchmarks/bench_memory.py --n 20000 --checkpoints 5000,10000,20000
    .venv/bin/python benchmarks/bench_memory.py --fake --n 100000 --checkpoints 10000,50000,100000
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import _common as c
import psutil

TARGET_MB = 3 * 1024
FLAT_TOLERANCE = 0.15  # peak at the last checkpoint within 15 % of the peak at the first one


class RssSampler(threading.Thread):
    """Samples this process's RSS every ``interval`` seconds and keeps the peak."""

    def __init__(self, interval: float = 0.01) -> None:
        super().__init__(daemon=True)
        self.interval = interval
        self.process = psutil.Process()
        self.peak = self.current()
        self._halt = threading.Event()

    def current(self) -> int:
        return self.process.memory_info().rss

    def run(self) -> None:
        while not self._halt.is_set():
            self.peak = max(self.peak, self.current())
            time.sleep(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join()
        self.peak = max(self.peak, self.current())


class CheckpointEncoder:
    """Wraps an encoder; records the RSS peak when the items embedded so far pass a checkpoint."""

    def __init__(self, inner: Any, sampler: RssSampler, checkpoints: Sequence[int], start: float) -> None:
        self.inner, self.sampler, self.start = inner, sampler, start
        self.name, self.modalities = inner.name, inner.modalities
        self.pending = sorted(checkpoints)
        self.done = 0
        self.records: list[dict[str, Any]] = []

    space = property(lambda self: self.inner.space)
    dim = property(lambda self: self.inner.dim)

    def config(self) -> dict[str, Any]:
        return self.inner.config()

    def encode(self, items: Sequence[Any], *, modality: str, role: str) -> Any:
        out = self.inner.encode(items, modality=modality, role=role)
        self.done += len(items)
        while self.pending and self.done >= self.pending[0]:
            self.records.append(self.record(self.pending.pop(0)))
        return out

    def record(self, checkpoint: int) -> dict[str, Any]:
        self.sampler.peak = max(self.sampler.peak, self.sampler.current())
        return {"items": checkpoint, "embedded": self.done, "peak_rss_mb": mb(self.sampler.peak),
                "rss_mb": mb(self.sampler.current()), "elapsed_s": round(time.perf_counter() - self.start, 1)}


def mb(n_bytes: float) -> float:
    return round(n_bytes / 2**20, 1)


def make_encoder(fake: bool) -> tuple[Any, str]:
    if fake:
        return c.synthetic_encoder("randproj")
    encoder, path = c.load_text_model()
    return encoder, f"xmr_text.SentenceTransformerEncoder (all-MiniLM-L6-v2 from {path}, batch_size=64)"


def run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    source = c.write_jsonl(workdir / "catalog.jsonl", c.synthetic_items(args.n, seed=args.seed))
    import lancedb  # noqa: F401 - imported before the baseline, like the model

    from xmr_agent import ingest

    encoder, description = make_encoder(args.fake)
    sampler = RssSampler()
    baseline = sampler.current()
    sampler.start()
    start = time.perf_counter()
    wrapped = CheckpointEncoder(encoder, sampler, args.checkpoints, start)
    report = ingest(source, workdir / "db", "bench", vectors={"text": wrapped},
                    batch_size=args.batch_size, ann_threshold=args.ann_threshold)
    elapsed = time.perf_counter() - start
    sampler.stop()
    result = summarise(args, description, baseline, wrapped.records, sampler.peak, elapsed, report.rows)
    result["db_disk_mb"] = c.disk_mb(workdir / "db")
    return result


def summarise(args: argparse.Namespace, description: str, baseline: int, records: list[dict[str, Any]],
              peak: int, elapsed: float, rows: int) -> dict[str, Any]:
    first, last = records[0]["peak_rss_mb"], records[-1]["peak_rss_mb"]
    growth = round((last - first) / first, 3)
    span = records[-1]["items"] - records[0]["items"]
    slope = round((last - first) / span * 1000, 2) if span else 0.0
    return {
        "benchmark": "memory",
        "encoder": description,
        "n": args.n,
        "rows": rows,
        "ingest_batch_size": args.batch_size,
        "ann_threshold": args.ann_threshold,
        "ann_index_built": rows >= args.ann_threshold,
        "baseline_rss_mb": mb(baseline),
        "checkpoints": records,
        "peak_rss_mb_total": mb(peak),
        "ru_maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "growth_first_to_last_checkpoint": growth,
        "growth_mb_per_1k_items": slope,
        "elapsed_s": round(elapsed, 1),
        "items_per_s": round(rows / elapsed, 1),
        "target": f"peak < {TARGET_MB} MB and flat (last checkpoint within {FLAT_TOLERANCE:.0%} of first)",
        "met": mb(peak) < TARGET_MB and growth <= FLAT_TOLERANCE,
        "machine": c.machine(),
    }


def print_summary(result: dict[str, Any]) -> None:
    c.log(f"memory: {result['encoder']}; {result['rows']} rows in {result['elapsed_s']} s "
          f"({result['items_per_s']} items/s); baseline RSS {result['baseline_rss_mb']} MB")
    for r in result["checkpoints"]:
        c.log(f"  at {r['items']:>7} items: peak RSS {r['peak_rss_mb']:8.1f} MB (now {r['rss_mb']} MB, "
              f"{r['elapsed_s']} s)")
    c.log(f"  table folder on disk after ingest: {result['db_disk_mb']} MB")
    c.log(f"  whole ingest incl. index build: peak {result['peak_rss_mb_total']} MB "
          f"(ru_maxrss {result['ru_maxrss_mb']} MB); growth first→last checkpoint "
          f"{result['growth_first_to_last_checkpoint']:+.1%} ({result['growth_mb_per_1k_items']} MB per 1k items); "
          f"target met: {result['met']}")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=100_000, help="items to ingest (default 100000)")
    p.add_argument("--checkpoints", default="10000,50000,100000",
                   type=lambda s: [int(x) for x in s.split(",")], help="item counts to report RSS at")
    p.add_argument("--fake", action="store_true", help="synthetic dense encoder instead of the real model")
    p.add_argument("--batch-size", type=int, default=256, help="ingest rows per commit (default 256)")
    p.add_argument("--ann-threshold", type=int, default=50_000, help="as in ingest (default 50000)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--workdir", type=Path, help="where to write the catalogue and table (default: temp)")
    args = p.parse_args(argv)
    args.checkpoints = [x for x in args.checkpoints if x <= args.n] or [args.n]
    return args


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="xmr-bench-mem-") as tmp:
        result = run(args, args.workdir or Path(tmp))
    print_summary(result)
    c.emit(result)
    return result


if __name__ == "__main__":
    main()
