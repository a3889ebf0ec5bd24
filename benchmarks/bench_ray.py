"""Ingest items/s: the single-process engine against ``--engine ray`` on this machine, in one run,
and the per-item costs a cluster projection needs (docs/scale.md).

Both engines ingest the SAME catalogue (the first N ReDial movies, else synthetic items) with the
real text encoder (MiniLM, offline copy) into fresh tables, ``--repeats`` times, alternating which
goes first; medians are reported. The local engine's encoder runs on all cores of this process
(torch threads); the Ray engine starts a local Ray runtime (its start-up is timed apart, not in the
rates) and one single-threaded encoder actor per CPU. A Ray run's rate includes its actors' start
and model load; ``ray_fixed_s`` (a 64-item Ray run) estimates that fixed cost.

Per-item costs come from the local runs: seconds inside the encoder, in table writes, in hash
look-ups, in the final index refresh, and the rest (reading, normalising, hashing, Arrow);
an ANN index (IVF-HNSW-SQ) is built once on a ``--index-rows`` table to price index builds; and,
when moto is installed, the same rows are written to a local S3-compatible server (moto) to price
object-store commits. The projection in the output applies these to W encoder actors.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_ray.py --n 2000 --repeats 2
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import _common as c
import numpy as np
from bench_ingest import TimedEncoder, source_catalogue

PROJECTED_ACTORS = (1, 2, 4, 8, 16, 32, 64, 128)


class Stopwatch:
    """Adds up the seconds spent in some methods of a class while active."""

    def __init__(self, owner: Any, names: Sequence[str]) -> None:
        self.owner, self.names, self.seconds = owner, names, dict.fromkeys(names, 0.0)

    @contextlib.contextmanager
    def active(self) -> Iterator[None]:
        originals = {n: getattr(self.owner, n) for n in self.names}

        def wrap(name: str, fn: Any) -> Any:
            def timed(*args: Any, **kwargs: Any) -> Any:
                t0 = time.perf_counter()
                try:
                    return fn(*args, **kwargs)
                finally:
                    self.seconds[name] += time.perf_counter() - t0
            return timed

        for name, fn in originals.items():
            setattr(self.owner, name, wrap(name, fn))
        try:
            yield
        finally:
            for name, fn in originals.items():
                setattr(self.owner, name, fn)


def run_local(args: argparse.Namespace, source: Path, fields: Any, db: Path, table: str,
              encoder: Any) -> dict[str, Any]:
    from xmr_agent import ingest
    from xmr_agent.store.catalog import Catalog

    timed = TimedEncoder(encoder)
    watch = Stopwatch(Catalog, ("write", "hashes", "refresh_indexes"))
    t0 = time.perf_counter()
    with watch.active():
        report = ingest(source, db, table, vectors={"text": timed}, fields=fields, batch_size=args.batch_size)
    seconds = time.perf_counter() - t0
    assert report.ok and report.inserted == args.items, report
    return {"seconds": seconds, "encode_s": timed.seconds, **{f"{k}_s": v for k, v in watch.seconds.items()}}


def run_ray(args: argparse.Namespace, source: Path, fields: Any, db: Path, table: str, n: int) -> float:
    from xmr_agent import ingest
    from xmr_agent.ingestion.ray import RayEngine

    t0 = time.perf_counter()
    report = ingest(source, db, table, vectors={"text": "text"}, fields=fields, batch_size=args.batch_size,
                    engine=RayEngine(actors=args.actors))
    seconds = time.perf_counter() - t0
    assert report.ok and report.inserted == n, report
    return seconds


def single_core_encode_s(encoder: Any, items: list[dict[str, Any]]) -> float:
    """Seconds per item to encode ``items`` on one core (torch limited to one thread), as a Ray actor does."""
    import torch

    from xmr_agent.ingestion.embedding import embed_input

    texts = [embed_input(item, "text") for item in items]
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        t0 = time.perf_counter()
        encoder.encode(texts, modality="text", role="document")
        return (time.perf_counter() - t0) / len(texts)
    finally:
        torch.set_num_threads(threads)


def index_build_s(db: Path, rows: int, dim: int) -> dict[str, float]:
    """Seconds to build the ANN index (as ``refresh_indexes`` does) on ``rows`` random unit vectors."""
    import lancedb
    import pyarrow as pa
    from lancedb.index import IvfHnswSq

    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((rows, dim), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    table = lancedb.connect(db).create_table("ann", data=pa.table({
        "id": [str(i) for i in range(rows)],
        "vec": pa.FixedSizeListArray.from_arrays(pa.array(vectors.ravel()), dim),
    }))
    t0 = time.perf_counter()
    table.create_index("vec", config=IvfHnswSq(distance_type="cosine"))
    seconds = time.perf_counter() - t0
    return {"rows": rows, "seconds": round(seconds, 2), "s_per_row": seconds / rows}


def s3_write_costs(args: argparse.Namespace, source: Path, fields: Any, workdir: Path) -> dict[str, Any] | None:
    """Write cost per item and per commit, local disk against a moto S3 server on 127.0.0.1."""
    try:
        import boto3
        import moto.server  # noqa: F401 - the server this runs
    except ImportError:
        c.log("skip: moto/boto3 not installed, no S3 write costs")
        return None
    from xmr_agent import ingest
    from xmr_agent.store.catalog import Catalog

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    options = {"endpoint": f"http://127.0.0.1:{port}", "region": "us-east-1", "aws_access_key_id": "bench",
               "aws_secret_access_key": "bench", "allow_http": "true"}
    try:
        for _ in range(200):
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            time.sleep(0.1)
        boto3.client("s3", endpoint_url=options["endpoint"], region_name="us-east-1", aws_access_key_id="bench",
                     aws_secret_access_key="bench").create_bucket(Bucket="bench")
        encoder, _ = c.synthetic_encoder("randproj", 384)
        out: dict[str, Any] = {"store": "moto server on 127.0.0.1 (an emulator: no network, no S3 latency)"}
        for where, db in (("local_disk", workdir / "writes"), ("moto_s3", "s3://bench/writes")):
            watch = Stopwatch(Catalog, ("write",))
            with watch.active():
                report = ingest(source, db, "w", vectors={"text": encoder}, fields=fields,
                                batch_size=args.batch_size, storage_options=options if where == "moto_s3" else None)
            commits = -(-report.inserted // args.batch_size)
            out[where] = {"write_s_per_item": watch.seconds["write"] / report.inserted,
                          "write_s_per_commit": watch.seconds["write"] / commits}
        return out
    finally:
        server.terminate()
        server.wait(timeout=30)


def projection(costs: dict[str, float]) -> list[dict[str, Any]]:
    """Items/s with W single-core encoder actors: the slower of encoding (W / encode s/item) and the one
    driver that prepares and writes every batch in order (its s/item with the table on local disk, and
    with the writes priced at the S3 server's commit cost)."""
    driver_disk = costs["driver_s_per_item"]
    driver_s3 = driver_disk - costs["write_s_per_item"] + costs.get("s3_write_s_per_item", costs["write_s_per_item"])
    rows = []
    for w in PROJECTED_ACTORS:
        encode_rate = w / costs["encode_core_s_per_item"]
        rate = min(encode_rate, 1.0 / driver_s3)
        rows.append({"actors": w, "encode_bound": round(encode_rate), "driver_bound_disk": round(1.0 / driver_disk),
                     "driver_bound_s3": round(1.0 / driver_s3), "items_per_s_s3": round(rate),
                     "bottleneck": "encoder" if rate == encode_rate else "driver (prepare + write)"})
    return rows


def rerun_unchanged(args: argparse.Namespace, source: Path, fields: Any, db: Path, table: str,
                    encoder: Any) -> dict[str, float]:
    """A rerun over a table that holds every item (what a resumed run does for the part already written)."""
    from xmr_agent import ingest
    from xmr_agent.store.catalog import Catalog

    watch = Stopwatch(Catalog, ("hashes",))
    t0 = time.perf_counter()
    with watch.active():
        report = ingest(source, db, table, vectors={"text": encoder}, fields=fields, batch_size=args.batch_size)
    seconds = time.perf_counter() - t0
    assert report.unchanged == args.items, report
    return {"items_per_s": args.items / seconds, "hash_lookup_s_per_item": watch.seconds["hashes"] / args.items}


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=2000, help="items (default 2000)")
    p.add_argument("--source", type=Path, default=c.REDIAL, help="ReDial catalog.json (default: ../shared/...)")
    p.add_argument("--repeats", type=int, default=2, help="rounds of each engine (default 2)")
    p.add_argument("--batch-size", type=int, default=256, help="ingest rows per commit / per actor call")
    p.add_argument("--actors", type=int, help="Ray encoder actors (default: one per CPU)")
    p.add_argument("--index-rows", type=int, default=20_000, help="rows for the ANN build timing (default 20000)")
    p.add_argument("--workdir", type=Path)
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    import ray

    from xmr_agent.ingestion.readers import normalise, read_jsonl

    with tempfile.TemporaryDirectory(prefix="xmr-bench-ray-") as tmp:
        workdir = args.workdir or Path(tmp)
        source, fields, description = source_catalogue(args, workdir)
        args.items = sum(1 for _ in read_jsonl(source))
        small = c.write_jsonl(workdir / "small.jsonl", ({"id": f"s{i}", "title": "warm", "text": f"item {i}"}
                                                         for i in range(64)))
        encoder, _ = c.load_text_model()
        t0 = time.perf_counter()
        ray.init(include_dashboard=False, log_to_driver=False)
        ray_init_s = time.perf_counter() - t0
        cpus = int(ray.cluster_resources().get("CPU", 1))
        from xmr_agent.ingestion.readers import FieldMap

        counter = itertools.count()
        ray_fixed_s = run_ray(args, small, FieldMap(), workdir / "db", "warm", 64)
        c.log(f"ray: init {ray_init_s:.1f}s, a 64-item run {ray_fixed_s:.1f}s (actor start + model load), {cpus} CPUs")
        rates: dict[str, list[float]] = {"local": [], "ray": []}
        local_runs, last_local = [], ""
        for r in range(args.repeats):
            for engine in ("local", "ray") if r % 2 == 0 else ("ray", "local"):
                table = f"{engine}{next(counter)}"
                if engine == "local":
                    run = run_local(args, source, fields, workdir / "db", table, encoder)
                    local_runs.append(run)
                    last_local = table
                    seconds = run["seconds"]
                else:
                    seconds = run_ray(args, source, fields, workdir / "db", table, args.items)
                rates[engine].append(args.items / seconds)
                c.log(f"  round {r + 1}/{args.repeats} {engine:<5} {rates[engine][-1]:7.1f} items/s")
        ray.shutdown()
        rerun = rerun_unchanged(args, source, fields, workdir / "db", last_local, encoder)
        c.log(f"rerun, every item unchanged: {rerun['items_per_s']:.0f} items/s")
        texts = [normalise(raw, fields, source.parent) for _, raw in read_jsonl(source)]
        one_core_s = single_core_encode_s(encoder, texts[:512])
        index = index_build_s(workdir / "index", args.index_rows, 384)
        s3 = s3_write_costs(args, source, fields, workdir)
    n = args.items
    med = {k: statistics.median(v) for k, v in rates.items()}
    run = min(local_runs, key=lambda x: x["seconds"])
    encode_s = run["encode_s"] / n
    driver_s = (run["seconds"] - run["encode_s"] - run["refresh_indexes_s"]) / n
    costs = {
        "encode_s_per_item_all_cores": encode_s,
        "encode_core_s_per_item": one_core_s,
        "write_s_per_item": run["write_s"] / n,
        "hash_lookup_s_per_item_on_rerun": rerun["hash_lookup_s_per_item"],
        "rerun_unchanged_items_per_s": rerun["items_per_s"],
        "driver_s_per_item": driver_s,
        "index_refresh_s": run["refresh_indexes_s"],
        "ann_build_s_per_row": index["s_per_row"],
    }
    if s3:
        costs["s3_write_s_per_item"] = s3["moto_s3"]["write_s_per_item"]
        costs["s3_commit_s"] = s3["moto_s3"]["write_s_per_commit"]
    result = {
        "benchmark": "ray",
        "source": description,
        "items": n,
        "mean_chars_per_text": round(statistics.fmean(len(t["title"]) + len(t["text"]) for t in texts), 1),
        "batch_size": args.batch_size,
        "repeats": args.repeats,
        "cpus": cpus,
        "ray_actors": args.actors or cpus,
        "ray_init_s": round(ray_init_s, 2),
        "ray_fixed_s": round(ray_fixed_s, 2),
        "items_per_s": {k: [round(x, 1) for x in v] for k, v in rates.items()},
        "median_items_per_s": {k: round(v, 1) for k, v in med.items()},
        "ratio_ray_over_local": round(med["ray"] / med["local"], 3),
        "ray_rate_without_fixed_cost": (round(n / (n / med["ray"] - ray_fixed_s), 1)
                                        if n / med["ray"] > ray_fixed_s else None),
        "per_item_costs": {k: float(f"{v:.3g}") for k, v in costs.items()},
        "ann_index_build": index,
        "object_store_writes": s3,
        "projection_cpu_actors": projection(costs),
        "machine": c.machine(),
    }
    c.log(f"ray vs local on {cpus} CPUs, {n} items: local {result['median_items_per_s']['local']} items/s, "
          f"ray {result['median_items_per_s']['ray']} items/s (ratio {result['ratio_ray_over_local']}); "
          f"ray init {ray_init_s:.1f}s excluded, actor start + model load ≈{ray_fixed_s:.1f}s included")
    c.emit(result)
    return result


if __name__ == "__main__":
    main()
