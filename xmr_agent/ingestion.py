"""Ingest a catalogue into a LanceDB table: stream, batch, embed what changed, upsert by id.

Each batch is committed on its own, so an interrupted run loses at most the batches in flight;
a rerun skips every item whose content hash is already stored and upserts the rest, so rows
are never duplicated. An item whose embedded inputs did not change (only metadata did) is
updated without re-embedding. Bad records are skipped and reported, never fatal.

The flow is one way: records → :func:`_normalise` → :func:`_prepare` (hashes, change detection,
metadata-only updates, tags, transcripts, keyframes) → an *engine* adds the vector columns →
:func:`_finish` (rejections reported, rows upserted). The default engine encodes in this process
(:func:`embed_locally`); :class:`xmr_agent.distributed.RayEngine` encodes on a Ray cluster and hands
the batches back in order, so every guarantee above comes from the same code.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute  # noqa: F401 - pa.compute

from xmr_agent.encoders.base import Encoder
from xmr_agent.encoders.registry import get_encoder
from xmr_agent.errors import ConfigError, InputError
from xmr_agent.media import MediaResult, MediaStage
from xmr_agent.progress import progress_bar
from xmr_agent.records import MEDIA_FIELDS, FieldMap, RecordError, count_records, normalise, read_catalog
from xmr_agent.schema import arrow_rows
from xmr_agent.store import DEFAULT_ANN_THRESHOLD, Catalog, VectorSpec
from xmr_agent.tagging import TAGS_COLUMN, TAGS_K, Tagger
from xmr_agent.transcribing import TRANSCRIPT_COLUMN, Transcription
from xmr_agent.types import BadRecord, IngestReport
from xmr_agent.video import Keyframes, VideoStage

DEFAULT_VECTORS: Mapping[str, str] = {"text": "text"}
#: Compact and bring indexes up to date once this many rows were written since the last time
#: (and at least as many as the table then had: a geometric schedule keeps the rewrites O(n)).
OPTIMIZE_MIN_ROWS = 50_000

Items = dict[str, tuple[int | None, dict[str, Any]]]


@dataclass
class Prepared:
    """One catalogue batch with everything done but encoding."""

    items: Items  #: the batch's good items by id, with their line numbers (for reports)
    size: int  #: records read for this batch (progress)
    rows: pa.Table  #: rows whose embedded inputs changed, without vector columns yet
    reuse: dict[str, dict[str, np.ndarray]]  #: vectors computed already (column → id → vector)
    found: Any  #: keyframes found by the video stage


#: What an engine gets: prepared batches, and ``None`` where every batch before must be written
#: before the next is prepared (an id repeats one of an earlier batch).
PreparedStream = Iterator[Prepared | None]
#: What an engine gives back, in the order received: (batch, rows with vector columns, rejected id → reason).
Embedded = tuple[Prepared, pa.Table, dict[str, str]]


class Engine(Protocol):
    """Adds the vector columns to prepared batches (here, or on a cluster)."""

    def embed(self, catalog: Catalog, batches: PreparedStream) -> Iterator[Embedded]: ...


class LocalEngine:
    """Encodes in this process, one batch at a time (the default)."""

    def embed(self, catalog: Catalog, batches: PreparedStream) -> Iterator[Embedded]:
        return embed_locally(catalog, batches)


def embed_locally(catalog: Catalog, batches: PreparedStream) -> Iterator[Embedded]:
    """The local engine: each batch encoded here when it arrives."""
    for batch in batches:
        if batch is None:
            continue
        if not batch.rows.num_rows:
            yield batch, batch.rows, {}
            continue
        embedded, rejected = _with_vectors(batch.rows, catalog, batch.reuse)
        yield batch, embedded, rejected


#: Runs the media work of a batch's rows (here, or where the engine puts it).
MediaRunner = Callable[[list[dict[str, Any]]], tuple[list[dict[str, Any]], MediaResult]]


@dataclass
class _Run:
    """State of one ingest run."""

    catalog: Catalog
    source: str
    new_table: bool
    media: MediaStage
    run_media: MediaRunner
    seen: dict[str, int] = field(default_factory=dict)  # id → batch number
    batches: int = 0
    barrier: bool = False  # the batch just read repeats an id of an earlier batch
    optimized_at: int = 0
    repeated: set[str] = field(default_factory=set)
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    bad: list[BadRecord] = field(default_factory=list)


def ingest(
    source: str | Path,
    db: str | Path,
    table: str,
    *,
    vectors: Mapping[str, str | Encoder] | None = None,
    fields: FieldMap | None = None,
    batch_size: int = 256,
    ann_threshold: int = DEFAULT_ANN_THRESHOLD,
    tags: str | Encoder | None = None,
    tags_k: int = TAGS_K,
    transcribe: str | Any | None = None,
    keyframes: Keyframes | float | None = None,
    progress: bool = False,
    engine: str | Engine = "local",
    storage_options: Mapping[str, str] | None = None,
) -> IngestReport:
    """Read ``source`` and upsert its items into ``table`` of the LanceDB at ``db``.

    ``vectors`` maps an item field (``"text"`` = title + text, or any other field) to the
    encoder that embeds it: a registered name, a ``module:Class`` path or an instance.
    ``tags`` names an image classifier (e.g. ``"efficientnet-lite0"``) whose top labels for
    each item's image are stored as ``image_tags`` and embedded with the item's text; ``tags_k``
    says how many labels. ``transcribe`` (a Whisper model such as ``"base"`` or ``"tiny.en"``, or a transcriber)
    stores each item's audio transcript, segments and language, and embeds the transcript with the text.
    A ``video`` is embedded through its keyframes by the image column(s) and tagger, and its soundtrack
    is transcribed like audio (:mod:`xmr_agent.video`); ``keyframes`` says which frames (a
    :class:`~xmr_agent.video.Keyframes`, or seconds between frames).

    ``engine`` encodes the vector columns: ``"local"`` (this process) or ``"ray"`` (a Ray cluster, see
    :class:`xmr_agent.distributed.RayEngine`; pass an instance for its options). ``db`` may be an object
    store URI (``s3://bucket/path``); ``storage_options`` reach it (see :mod:`xmr_agent.storage`).
    """
    source = Path(source)
    fields = fields or FieldMap()
    runner = get_engine(engine)
    catalog, encoders = _open(db, table, vectors, storage_options)
    tagger = None if tags is None else Tagger(_shared(get_encoder(tags), encoders), k=tags_k)
    transcription = None if transcribe is None else Transcription.of(transcribe)
    keyframes = Keyframes(every=keyframes) if isinstance(keyframes, int | float) else keyframes
    video = VideoStage(catalog, keyframes, tagger=tagger, transcription=transcription)
    media = MediaStage(tagger, transcription, video)
    place = getattr(runner, "media_runner", None)  # an engine may run the media work elsewhere
    run_media = place(media) if callable(place) and media.active else media.apply
    run = _Run(catalog, str(source), new_table=catalog.table is None, media=media, run_media=run_media)
    records = read_catalog(source, raw_fields=(fields.id, fields.title, *fields.text))
    base_dir = source if source.is_dir() else source.parent
    prepared = _prepared(run, _batched(records, batch_size), fields, base_dir)
    with progress_bar(progress, count_records(source), f"ingesting {source.name}") as advance:
        for batch, embedded, rejected in runner.embed(catalog, prepared):
            _finish(run, batch, embedded, rejected)
            advance(batch.size)
            _maybe_optimize(run)
    if run.inserted or run.updated or catalog.missing_indexes(ann_threshold):
        catalog.refresh_indexes(ann_threshold=ann_threshold)
    return IngestReport(run.read, run.inserted, run.updated, run.unchanged, tuple(run.bad), catalog.count())


def _open(db: str | Path, table: str, vectors: Mapping[str, str | Encoder] | None,
          storage_options: Mapping[str, str] | None) -> tuple[Catalog, dict[str, Encoder]]:
    """The catalogue to write, and the encoders given (by field). With no ``vectors``, an existing
    table keeps its own encoders and a new one gets :data:`DEFAULT_VECTORS`."""
    if vectors is None:
        existing = Catalog.open_or_new(db, table, [], storage_options=storage_options)
        if existing.table is not None:
            return existing, {}
    encoders = {f: get_encoder(e) for f, e in (vectors or DEFAULT_VECTORS).items()}
    specs = [VectorSpec.build(f, e, f if f in MEDIA_FIELDS else "text") for f, e in encoders.items()]
    catalog = Catalog.open_or_new(db, table, specs, storage_options=storage_options)
    for spec in specs:
        stored = catalog.column_like(spec)
        catalog.use_encoder(stored.column if stored else spec.column, encoders[spec.field])
    return catalog, encoders


def get_engine(engine: str | Engine) -> Engine:
    """An engine by name (``local``, ``ray``), or the instance given."""
    if not isinstance(engine, str):
        return engine
    if engine == "local":
        return LocalEngine()
    if engine == "ray":
        from xmr_agent.distributed import RayEngine

        return RayEngine()
    raise ConfigError(f"unknown engine {engine!r}: use 'local' or 'ray'")


def _prepared(run: _Run, batches: Iterable[list[Any]], fields: FieldMap, base_dir: Path) -> PreparedStream:
    """Each batch normalised and prepared; ``None`` before a batch that repeats an earlier batch's id
    (the engine writes what it holds first, so the later record wins as in a sequential run)."""
    for batch in batches:
        items = _normalise(run, batch, fields, base_dir)
        if run.barrier:
            run.barrier = False
            yield None
        yield _prepare(run, items, fields.types, len(batch))


def _maybe_optimize(run: _Run) -> None:
    """Compact during a long ingest on a geometric schedule (each compaction rewrites the table)."""
    written = run.inserted + run.updated
    if run.catalog.table is not None and written - run.optimized_at >= max(OPTIMIZE_MIN_ROWS, run.optimized_at):
        run.catalog.table.optimize()
        run.optimized_at = written


def _normalise(run: _Run, batch: Sequence[tuple[int | None, Any]], fields: FieldMap, base_dir: Path) -> Items:
    """Good items of a batch by id; a repeated id (in this batch or an earlier one) is reported."""
    items: Items = {}
    run.batches += 1
    for line, raw in batch:
        run.read += 1
        if isinstance(raw, BadRecord):
            run.bad.append(raw)
            continue
        try:
            item = normalise(raw, fields, base_dir)
        except RecordError as e:
            run.bad.append(BadRecord(run.source, line, str(e), _raw_id(raw, fields)))
            continue
        if item["id"] in run.seen:
            run.bad.append(BadRecord(run.source, line, "duplicate id: replaces an earlier record", item["id"]))
            run.repeated.add(item["id"])
            run.barrier = run.barrier or run.seen[item["id"]] < run.batches
        run.seen[item["id"]] = run.batches
        items[item["id"]] = (line, item)
    return items


def _prepare(run: _Run, items: Items, types: Mapping[str, str], size: int) -> Prepared:
    """Classify items as unchanged / metadata-only / to embed; write the metadata-only ones now."""
    catalog = run.catalog
    hashes = {i: _hashes(item, catalog, run.media.signature(item)) for i, (_, item) in items.items()}
    stored = {} if run.new_table else catalog.hashes(list(items))
    changed = [i for i in items if stored.get(i, ("", ""))[0] != hashes[i][0]]
    run.unchanged += len(items) - len(changed)
    rows = [{**items[i][1], "_hash": hashes[i][0], "_embed_hash": hashes[i][1]} for i in changed]
    rows, media = run.run_media(rows) if rows else (rows, MediaResult())
    run.bad.extend(BadRecord(run.source, items[i][0], reason, i) for i, reason in media.failures.items())
    tagged, found = media.tagged, media.found
    table, bad = arrow_rows(rows, catalog, types)
    run.bad.extend(BadRecord(run.source, items[i][0], reason, i) for i, reason in bad)
    same_inputs = [stored.get(i, ("", ""))[1] == hashes[i][1] for i in table["id"].to_pylist()]
    metadata_only, to_embed = _split(table, same_inputs)
    if metadata_only.num_rows:  # only metadata changed: update without re-embedding
        _count(run, catalog.write(metadata_only))
    tagger = run.media.tagger
    reuse = {c: tagged for c in catalog.vectors if tagger and catalog.encoder(c) is tagger.encoder}
    reuse = {c: {**reuse.get(c, {}), **found.pooled.get(c, {})} for c in {*reuse, *found.pooled}}
    return Prepared(items, size, to_embed, reuse, found)


def _finish(run: _Run, batch: Prepared, embedded: pa.Table, rejected: Mapping[str, str]) -> None:
    """Report the rows an encoder rejected; upsert the rest."""
    run.bad.extend(BadRecord(run.source, batch.items[i][0], reason, i) for i, reason in rejected.items())
    if embedded.num_rows:
        _write_embedded(run, run.media.video.with_keyframes(embedded, batch.found, run.catalog))


def _write_embedded(run: _Run, table: pa.Table) -> None:
    """Append rows that cannot be in the table yet (new table, id not repeated); upsert the rest."""
    fresh, stale = _split(table, [run.new_table and i not in run.repeated for i in table["id"].to_pylist()])
    if fresh.num_rows:
        _count(run, run.catalog.write(fresh, new=True))
    if stale.num_rows:
        _count(run, run.catalog.write(stale))


def _split(table: pa.Table, flags: list[bool]) -> tuple[pa.Table, pa.Table]:
    """(rows where ``flags`` is true, the other rows)."""
    mask = pa.array(flags, type=pa.bool_())
    return table.filter(mask), table.filter(pa.compute.invert(mask))


def _count(run: _Run, written: tuple[int, int]) -> None:
    run.inserted += written[0]
    run.updated += written[1]


def _with_vectors(
    table: pa.Table, catalog: Catalog, reuse: Mapping[str, Mapping[str, np.ndarray]]
) -> tuple[pa.Table, dict[str, str]]:
    """Append one vector column per encoder; rows an encoder rejects are dropped, with the reason.

    A row whose field is empty (e.g. an item with no image) gets a null vector in that column;
    ``reuse`` gives vectors already computed (column → row id → vector), which are not recomputed.
    """
    rejected: dict[str, str] = {}
    for column, spec in catalog.vectors.items():
        vectors, failures = vector_column(table, spec, catalog.encoder(column), reuse.get(column, {}))
        if failures:
            ids = table["id"].to_pylist()
            rejected.update({ids[i]: reason for i, reason in failures.items()})
            keep = pa.array([i not in failures for i in range(len(ids))])
            table, vectors = table.filter(keep), vectors.filter(keep)
        table = table.append_column(column, vectors)
    return table, rejected


def vector_column(
    table: pa.Table, spec: VectorSpec, encoder: Encoder, known: Mapping[str, np.ndarray], skip: Collection[str] = ()
) -> tuple[pa.FixedSizeListArray, dict[int, str]]:
    """``spec``'s vector for each row of ``table`` (null where its field is empty or the id is in ``skip``),
    and the rows the encoder rejected (row number → reason). ``known`` vectors (by id) are not recomputed."""
    rows = table.select(["id", *inputs_of(spec, table)]).to_pylist()
    inputs = [None if row["id"] in known or row["id"] in skip else embed_input(row, spec.field) for row in rows]
    matrix, present, failures = encode_present(encoder, inputs, spec.modality)
    for i, row in enumerate(rows):
        if row["id"] in known:
            matrix[i], present[i] = known[row["id"]], True
    flat = pa.array(np.ascontiguousarray(matrix, dtype=np.float32).ravel(), pa.float32())
    vectors = pa.FixedSizeListArray.from_arrays(flat, spec.dim, mask=pa.array(~present))
    return vectors, {i: f"{spec.field}: {reason}" for i, reason in failures.items()}


def encode_present(encoder: Encoder, inputs: list[Any], modality: str) -> tuple[np.ndarray, np.ndarray, dict[int, str]]:
    """Encode the non-empty inputs: (matrix with zero rows elsewhere, mask of encoded rows, failures).

    When the encoder raises :class:`InputError`, the failing inputs are set aside with their
    reasons and the rest are encoded again.
    """
    todo = [i for i, x in enumerate(inputs) if x is not None]
    failures: dict[int, str] = {}
    matrix = np.zeros((len(inputs), encoder.dim), dtype=np.float32)
    while todo:
        try:
            encoded = encoder.encode([inputs[i] for i in todo], modality=modality, role="document")
        except InputError as e:
            if not e.failures or not set(e.failures) <= set(range(len(todo))):
                raise
            failures.update({todo[j]: reason for j, reason in e.failures.items()})
            todo = [i for j, i in enumerate(todo) if j not in e.failures]
            continue
        matrix[todo] = encoded
        break
    present = np.zeros(len(inputs), dtype=bool)
    present[[i for i in range(len(inputs)) if inputs[i] is not None and i not in failures]] = True
    return matrix, present, failures


def inputs_of(spec: VectorSpec, table: pa.Table | Collection[str]) -> list[str]:
    """The columns :func:`embed_input` reads for ``spec``'s field (of a table, or of its column names)."""
    names = table.column_names if isinstance(table, pa.Table) else table
    if spec.field != "text":
        return [spec.field]
    return [c for c in ("title", "text", TAGS_COLUMN, TRANSCRIPT_COLUMN) if c in names]


def _shared(tagger: Encoder, encoders: Mapping[str, Encoder]) -> Encoder:
    """The image column's own encoder instance when it is the same model as the tagger (one pass for both)."""
    image = encoders.get("image")
    same = image is not None and (image.name, image.config()) == (tagger.name, tagger.config())
    return image if same else tagger


def embed_input(item: Mapping[str, Any], field_name: str) -> Any:
    """What an encoder sees for ``field_name``: for ``text``, the title and text together."""
    if field_name != "text":
        return item.get(field_name)
    tags, heard = item.get(TAGS_COLUMN), item.get(TRANSCRIPT_COLUMN)
    parts = (item.get("title") or "", item.get("text") or "", f"image tags: {', '.join(tags)}" if tags else "",
             f"transcript: {heard}" if heard else "")
    return ". ".join(p for p in parts if p)


def _hashes(item: Mapping[str, Any], catalog: Catalog, tagging: str = "") -> tuple[str, str]:
    """(hash of the whole item, hash of what its encoders embed) — each with the vector specs the
    table was created with (:attr:`Catalog.hash_basis`), so a column added later by a backfill does
    not make stored rows look changed. A later column's field that those specs do not read (nor
    the media signatures) joins the hash, so its changes are still seen."""
    specs = sorted(catalog.hash_basis, key=lambda v: v.column)
    media = {m: _file_signature(item[m]) for m in MEDIA_FIELDS if item.get(m)}
    parts: list[Any] = [[v.column, v.space, embed_input(item, v.field)] for v in specs]
    read = {v.field for v in specs} | set(MEDIA_FIELDS)
    parts += [[f, embed_input(item, f)] for f in sorted({v.field for v in catalog.vectors.values()} - read)]
    embedded = _digest(parts + [media, tagging])
    return _digest([item, embedded]), embedded


def _file_signature(path: str) -> str:
    """Size and modification time of a local file (so a replaced file is re-embedded); URLs as is."""
    try:
        stat = Path(path).stat()
    except OSError:
        return path
    return f"{path}:{stat.st_size}:{stat.st_mtime_ns}"


def _digest(value: Any) -> str:
    payload = json.dumps(value, sort_keys=True, default=str, separators=(",", ":")).encode()
    return hashlib.blake2b(payload, digest_size=16).hexdigest()


def _raw_id(raw: Mapping[str, Any], fields: FieldMap) -> str | None:
    value = raw.get(fields.id)
    return None if value is None or isinstance(value, (dict, list)) else str(value)


def _batched(records: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for record in records:
        batch.append(record)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
