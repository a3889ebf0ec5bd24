"""The ``ray`` ingest engine: encode on a Ray cluster, write in order from the driver.

:func:`xmr_agent.ingestion.ingest` keeps everything but encoding (reading, hashing, change
detection, bad-record reports, upserts by id, table metadata); this engine receives its prepared
batches and adds their vector columns on Ray — a pool of actors per vector column, each holding one
encoder, on GPUs when the cluster has them — and hands the batches back in the order they came,
for the driver to write. So a killed run resumes like a local one: a rerun skips every row whose
hash was written.

With image tags, transcripts or video keyframes (``--tags``, ``--transcribe``, video items), a pool
of media actors does that work too: the driver splits each batch's changed rows among them and joins
the parts in order (:mod:`xmr_agent.ingestion.stages`), so Whisper and the tagger run on the cluster as well.

The pools live for the whole run; up to ``in_flight`` batches per actor wait in Ray at a time, so
the driver prepares and writes while the actors encode, and memory stays bounded. A batch goes
through the columns' actors in a chain (each actor hands its result to the next through the object
store). Only the id and the columns an encoder reads travel to the actors; only vectors come
back. Encoders are rebuilt on the workers from the table's column specs (registered name or
class path, and config), so xmr-agent and the encoder plugins must be installed there.
"""

from __future__ import annotations

import inspect
import logging
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from xmr_agent.encoders.registry import load_encoder_class
from xmr_agent.errors import ConfigError, EncoderUnavailable
from xmr_agent.ingestion.embedding import (
    Embedded,
    Prepared,
    PreparedStream,
    inputs_of,
    vector_column,
)
from xmr_agent.ingestion.stages import MediaResult, MediaStage, Rows, join
from xmr_agent.store.catalog import Catalog
from xmr_agent.store.specs import VectorSpec, build_encoder

REJECTED = "_xmr_rejected"
KNOWN = "_xmr_known__"


@dataclass
class RayEngine:
    """Encode on Ray.

    ``address``: a running cluster (``auto``, ``ray://host:10001``, a GCS ``host:port``); default
    ``RAY_ADDRESS``, else a local Ray runtime started for the run and stopped after it.
    ``actors``: actors per vector column (default: the cluster's GPUs, else its CPUs, shared among the
    columns); the CPUs are shared among all actors. ``gpus``: ``None`` uses GPUs when the cluster has
    some. ``in_flight``: batches waiting per actor.
    """

    address: str | None = None
    actors: int | None = None
    gpus: bool | None = None
    in_flight: int = 2
    _media: MediaStage | None = field(default=None, repr=False)
    _media_pool: list[Any] = field(default_factory=list, repr=False)

    def media_runner(self, stage: MediaStage) -> Any:
        """Run ``stage`` on a pool of media actors during :meth:`embed` (called by ingest first)."""
        self._media = stage
        return self._run_media

    def _run_media(self, rows: Rows) -> tuple[Rows, MediaResult]:
        import ray

        pool = self._media_pool
        if not pool:  # outside embed(): here
            return self._media.apply(rows)  # type: ignore[union-attr]
        size = -(-len(rows) // len(pool))
        parts = [rows[i:i + size] for i in range(0, len(rows), size)]
        try:
            return join(ray.get([actor.apply.remote(part) for actor, part in zip(pool, parts, strict=False)]))
        except ray.exceptions.RayActorError as e:
            raise EncoderUnavailable(f"a media actor failed to start or died: {_first_line(e)}") from e

    def embed(self, catalog: Catalog, batches: PreparedStream) -> Iterator[Embedded]:
        try:
            import ray
        except ImportError as e:
            raise ConfigError("the ray engine needs Ray: pip install 'xmr-agent[ray]'") from e
        started = not ray.is_initialized()
        if started:
            ray.init(address=self.address, include_dashboard=False, logging_level=logging.WARNING,
                     log_to_driver=False)
        pools: dict[str, list[Any]] = {}
        try:
            node_cpus = max((n["Resources"].get("CPU", 0.0) for n in ray.nodes() if n.get("Alive")), default=None)
            media = self._media is not None and self._media.active
            plan = self.plan(len(catalog.vectors) + media, ray.cluster_resources(), node_cpus)
            pools = {column: _start_pool(spec, plan) for column, spec in catalog.vectors.items()}
            if media:
                self._media_pool = _start_media_pool(self._media, plan)  # type: ignore[arg-type]
            yield from _Stream(catalog, pools, plan.actors * self.in_flight).run(batches)
        finally:
            for actor in (*(a for pool in pools.values() for a in pool), *self._media_pool):
                ray.kill(actor)
            self._media_pool = []
            if started:
                ray.shutdown()

    def plan(self, columns: int, resources: Mapping[str, float], node_cpus: float | None = None) -> Plan:
        """Actors per column and what each asks for, from the cluster's resources (all actors fit;
        ``node_cpus``, the most CPUs on one node, caps an actor's share)."""
        gpus, cpus = float(resources.get("GPU", 0)), float(resources.get("CPU", 1))
        use_gpus = gpus > 0 if self.gpus is None else self.gpus
        if use_gpus and gpus <= 0:
            raise ConfigError("gpus=True but the Ray cluster has no GPU")
        columns = max(columns, 1)
        actors = self.actors or max(1, int((gpus if use_gpus else cpus) // columns))
        total = columns * actors
        if use_gpus:
            return Plan(actors=actors, num_cpus=min(1.0, cpus / total), num_gpus=min(1.0, gpus / total))
        # Whole cores above one (Ray sets the actor's OpenMP/torch threads to them), within one node.
        share = min(cpus / total, node_cpus or cpus)
        return Plan(actors=actors, num_cpus=float(int(share)) if share >= 1 else share, num_gpus=0.0)


@dataclass(frozen=True)
class Plan:
    actors: int
    num_cpus: float
    num_gpus: float


def _start_pool(spec: VectorSpec, plan: Plan) -> list[Any]:
    import ray

    actor = ray.remote(EncodeColumn).options(
        num_cpus=plan.num_cpus, num_gpus=plan.num_gpus, max_restarts=1, max_task_retries=1,
        scheduling_strategy="SPREAD")
    return [actor.remote(spec, plan.num_gpus > 0) for _ in range(plan.actors)]


@dataclass
class _Stream:
    """Batches to the pools and back, in order, with at most ``limit`` batches in Ray."""

    catalog: Catalog
    pools: dict[str, list[Any]]
    limit: int
    load: dict[Any, int] = field(default_factory=dict)

    def run(self, batches: PreparedStream) -> Iterator[Embedded]:
        waiting: deque[tuple[Prepared, Any, list[Any]]] = deque()
        for batch in batches:
            if batch is None:  # the next batch repeats an id: write everything first
                while waiting:
                    yield self._collect(*waiting.popleft())
                continue
            waiting.append(self._submit(batch))
            while len(waiting) > self.limit or (waiting and waiting[0][1] is None):
                yield self._collect(*waiting.popleft())
        while waiting:
            yield self._collect(*waiting.popleft())

    def _submit(self, batch: Prepared) -> tuple[Prepared, Any, list[Any]]:
        import ray

        if not batch.rows.num_rows:
            return batch, None, []
        ref, used = ray.put(_inputs_block(batch, self.catalog)), []
        for pool in self.pools.values():
            actor = min(pool, key=lambda a: self.load.get(a, 0))  # the least busy
            self.load[actor] = self.load.get(actor, 0) + 1
            ref = actor.encode.remote(ref)
            used.append(actor)
        return batch, ref, used

    def _collect(self, batch: Prepared, ref: Any, used: list[Any]) -> Embedded:
        import ray

        if ref is None:
            return batch, batch.rows, {}
        try:
            encoded = ray.get(ref)
        except ray.exceptions.RayActorError as e:
            raise EncoderUnavailable(f"an encoder actor failed to start or died: {_first_line(e)}") from e
        finally:
            for actor in used:
                self.load[actor] -= 1
        return (batch, *_joined(batch.rows, encoded, self.catalog))


def _start_media_pool(stage: MediaStage, plan: Plan) -> list[Any]:
    import ray

    actor = ray.remote(MediaWorker).options(
        num_cpus=plan.num_cpus, num_gpus=plan.num_gpus, max_restarts=1, max_task_retries=1,
        scheduling_strategy="SPREAD")
    return [actor.remote(stage) for _ in range(plan.actors)]  # pickled without loaded models: each loads its own


class MediaWorker:
    """A Ray actor: tags, transcribes and takes keyframes for the rows it is given."""

    def __init__(self, stage: MediaStage) -> None:
        self.stage = stage

    def apply(self, rows: Rows) -> tuple[Rows, MediaResult]:
        return self.stage.apply(rows)


def _first_line(error: BaseException) -> str:
    lines = [line for line in str(error).splitlines() if line.strip()]
    return lines[-1] if lines else type(error).__name__


class EncodeColumn:
    """A Ray actor: one column's encoder, adding its vectors to each block it is given."""

    def __init__(self, spec: VectorSpec, on_gpu: bool) -> None:
        self.spec = spec
        self.encoder = build_encoder(spec, **_device_option(spec, on_gpu))

    def encode(self, block: pa.Table) -> pa.Table:
        spec, known_name = self.spec, KNOWN + self.spec.column
        known: dict[str, np.ndarray] = {}
        if known_name in block.column_names:
            pairs = zip(block["id"].to_pylist(), block[known_name].to_pylist(), strict=True)
            known = {i: np.asarray(v, dtype=np.float32) for i, v in pairs if v is not None}
            block = block.drop_columns([known_name])
        reasons = block[REJECTED].to_pylist()
        skip = {i for i, r in zip(block["id"].to_pylist(), reasons, strict=True) if r is not None}
        vectors, failures = vector_column(block, spec, self.encoder, known, skip)
        for row, reason in failures.items():
            reasons[row] = reason
        block = block.set_column(block.schema.get_field_index(REJECTED), REJECTED, pa.array(reasons, pa.string()))
        return block.append_column(spec.column, vectors)


def _device_option(spec: VectorSpec, on_gpu: bool) -> dict[str, str]:
    """``device="cuda"`` for an encoder class that takes a ``device`` argument, on a GPU actor."""
    if not on_gpu:
        return {}
    name = spec.target or spec.encoder
    try:
        params = inspect.signature(load_encoder_class(name)).parameters
    except (TypeError, ValueError):
        return {}
    return {"device": "cuda"} if "device" in params and "device" not in spec.config else {}


def _inputs_block(batch: Prepared, catalog: Catalog) -> pa.Table:
    """What the actors need of a batch: ids, the columns the encoders read, vectors known already."""
    rows = batch.rows
    inputs = sorted({c for spec in catalog.vectors.values() for c in inputs_of(spec, rows)})
    block = rows.select(["id", *inputs])
    block = block.append_column(REJECTED, pa.nulls(rows.num_rows, pa.string()))
    for column, known in batch.reuse.items():
        spec = catalog.vectors[column]
        values = [known.get(i) for i in rows["id"].to_pylist()]
        if any(v is not None for v in values):
            array = pa.array([None if v is None else np.asarray(v, np.float32) for v in values],
                             pa.list_(pa.float32(), spec.dim))
            block = block.append_column(KNOWN + column, array)
    return block


def _joined(rows: pa.Table, encoded: pa.Table, catalog: Catalog) -> tuple[pa.Table, dict[str, str]]:
    """``rows`` with the encoded vector columns; rows an encoder rejected are dropped, with the reason."""
    reasons = encoded[REJECTED].to_pylist()
    ids = rows["id"].to_pylist()
    for column in catalog.vectors:
        rows = rows.append_column(column, encoded[column])
    rejected = {ids[i]: reason for i, reason in enumerate(reasons) if reason is not None}
    if rejected:
        rows = rows.filter(pa.array([reason is None for reason in reasons]))
    return rows, rejected
