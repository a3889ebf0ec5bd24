"""Backfill: adding a MiniLM column to a table that exists, against ingesting it from scratch, and
what a reader sees meanwhile.

The table: the first N ReDial movies (else synthetic items), ingested once with a cheap dense
encoder (``RandomProjectionEncoder``, the "old" column). Each round copies it and then, in an
order that rotates each round:

* ``ingest``: a fresh table with the real text encoder (MiniLM, offline copy) from the catalogue:
  the baseline, what re-embedding cost before backfill existed;
* ``backfill``: ``xmr_agent.backfill(copy, "t", {"text": "text"})``, this process (local engine);
* ``backfill_ray`` (unless ``--no-ray``): the same with ``engine=RayEngine()`` on a local Ray
  runtime (started once, before the rounds; its start-up is not in the rates).

Items/s are catalogue items over wall seconds; medians over rounds, with ratios of medians.
During the first local backfill a reader thread, which opened the table before it began, searches
the old column in a loop: the queries answered, the errors, and its p50/p95 latency against the
same loop on the idle table just before.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_backfill.py --n 2000 --rounds 3
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import _common as c
from bench_ingest import source_catalogue

OUT = Path(__file__).resolve().parent / "results" / "backfill.json"


class Reader(threading.Thread):
    """Searches the old column of a catalogue opened before the backfill, until stopped."""

    def __init__(self, catalog: Any, queries: list[Any]) -> None:
        super().__init__(daemon=True)
        self.catalog, self.queries = catalog, queries
        self.seconds: list[float] = []
        self.errors: list[str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        column = next(iter(self.catalog.vectors))
        i = 0
        while not self.stop.is_set():
            t0 = time.perf_counter()
            try:
                hits = self.catalog.search_vector(self.queries[i % len(self.queries)], column=column, k=10)
                assert hits, "no hits"
            except Exception as e:  # noqa: BLE001 - counted and reported
                self.errors.append(f"{type(e).__name__}: {e}")
            self.seconds.append(time.perf_counter() - t0)
            i += 1
            time.sleep(0.01)


def reader_figures(catalog: Any, queries: list[Any], work: Any) -> tuple[Any, dict[str, Any]]:
    """Run ``work()`` while a reader searches; also the same reader for as long on the idle table."""
    idle = Reader(catalog, queries)
    idle.start()
    time.sleep(3.0)
    idle.stop.set()
    idle.join()
    busy = Reader(catalog, queries)
    busy.start()
    try:
        result = work()
    finally:
        busy.stop.set()
        busy.join()
    return result, {
        "idle": {"queries": len(idle.seconds), **c.pcts([s * 1000 for s in idle.seconds])},
        "during_backfill": {"queries": len(busy.seconds), "errors": len(busy.errors), "first_errors": busy.errors[:3],
                            **c.pcts([s * 1000 for s in busy.seconds])},
        "unit": "ms",
    }


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=2000, help="items (default 2000)")
    p.add_argument("--source", type=Path, default=c.REDIAL, help="ReDial catalog.json")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--no-ray", action="store_true", help="leave out the Ray engine")
    p.add_argument("--out", type=Path, default=OUT)
    args = p.parse_args(argv)

    from xmr_agent import backfill, ingest
    from xmr_agent.store.catalog import Catalog

    with tempfile.TemporaryDirectory(prefix="xmr-bench-backfill-") as tmp:
        work = Path(tmp)
        source, fields, description = source_catalogue(args, work)
        old, old_about = c.synthetic_encoder("randproj")
        ingest(source, work / "base", "t", vectors={"text": old}, fields=fields, batch_size=args.batch_size)
        n = Catalog.open(work / "base", "t").count()
        c.load_text_model()  # warm the file cache: the first model load is not in a timed run
        engines: dict[str, Any] = {"ingest": None, "backfill": "local"}
        ray_init_s = None
        if not args.no_ray:
            import ray

            from xmr_agent.ingestion.ray import RayEngine

            t0 = time.perf_counter()
            ray.init(include_dashboard=False, log_to_driver=False)
            ray_init_s = time.perf_counter() - t0
            engines["backfill_ray"] = RayEngine()
        seconds: dict[str, list[float]] = {name: [] for name in engines}
        readers = None
        for r in range(args.rounds):
            names = list(engines)
            names = names[r % len(names):] + names[: r % len(names)]
            for name in names:
                db = work / f"{name}-{r}"
                if name == "ingest":
                    t0 = time.perf_counter()
                    report = ingest(source, db, "t", vectors={"text": "text"}, fields=fields, batch_size=args.batch_size)
                    seconds[name].append(time.perf_counter() - t0)
                    assert report.ok and report.rows == n, report
                    continue
                shutil.copytree(work / "base", db)

                def run(db: Path = db, name: str = name) -> Any:
                    return backfill(db, "t", {"text": "text"}, engine=engines[name], batch_size=args.batch_size)

                t0 = time.perf_counter()
                if name == "backfill" and readers is None:
                    catalog = Catalog.open(db, "t")
                    some = catalog.table.search().select(["id"]).limit(20).to_arrow()["id"].to_pylist()
                    queries = list(catalog.vectors_of(some, next(iter(catalog.vectors))).values())
                    t0 = time.perf_counter()
                    report, readers = reader_figures(catalog, queries, run)
                else:
                    report = run()
                seconds[name].append(time.perf_counter() - t0)
                assert not report.bad and report.encoded == n, report.to_dict()
                c.log(f"round {r + 1}: {name} {n / seconds[name][-1]:.1f} items/s")
        if not args.no_ray:
            import ray

            ray.shutdown()
    medians = {name: statistics.median(s) for name, s in seconds.items()}
    rates = {name: round(n / s, 1) for name, s in medians.items()}
    result = {
        "benchmark": "backfill",
        "catalogue": description, "items": n, "old_column": old_about, "new_column": "text (all-MiniLM-L6-v2)",
        "rounds": args.rounds, "batch_size": args.batch_size, "ray_init_s": ray_init_s,
        "seconds": {k: [round(x, 2) for x in v] for k, v in seconds.items()},
        "items_per_s_median": rates,
        "ratio_backfill_to_ingest": round(medians["ingest"] / medians["backfill"], 3),
        "ratio_ray_to_local_backfill": round(medians["backfill"] / medians["backfill_ray"], 3) if not args.no_ray else None,
        "reader": readers,
        "machine": c.machine(),
    }
    for name, rate in rates.items():
        c.log(f"{name:>13}: {rate:8.1f} items/s (median of {args.rounds})")
    if readers:
        c.log(f"reader: idle p50 {readers['idle']['p50']:.1f} ms; during the backfill p50 "
              f"{readers['during_backfill']['p50']:.1f} ms over {readers['during_backfill']['queries']} queries, "
              f"{readers['during_backfill']['errors']} errors")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    c.emit(result)
    return result


if __name__ == "__main__":
    main()
