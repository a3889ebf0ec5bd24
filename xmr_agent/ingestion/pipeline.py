"""Ingest a catalogue into a LanceDB table: stream, batch, embed what changed, upsert by id.

Each batch is committed on its own, so an interrupted run loses at most the batches in flight;
a rerun skips every item whose content hash is already stored and upserts the rest, so rows
are never duplicated. An item whose embedded inputs did not change (only metadata did) is
updated without re-embedding. Bad records are skipped and reported, never fatal.

The flow is one way: records → :func:`_normalise` → :func:`_prepare` (hashes, change detection,
metadata-only updates, tags, transcripts, keyframes) → an *engine* adds the vector columns →
:func:`_finish` (rejections reported, rows upserted). The default engine encodes in this process
(:func:`embed_locally`); :class:`xmr_agent.ingestion.ray.RayEngine` encodes on a Ray cluster and hands
the batches back in order, so every guarantee above comes from the same code.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute

from xmr_agent.encoders.base import Encoder
from xmr_agent.encoders.registry import get_encoder
from xmr_agent.ingestion.embedding import Items, Prepared, PreparedStream, item_hashes
from xmr_agent.ingestion.engines import Engine, get_engine
from xmr_agent.ingestion.mapping import MAPPING_KEY, IngestMapping, Requested, resolve, with_saved_types
from xmr_agent.ingestion.readers import (
    MEDIA_FIELDS,
    FieldMap,
    RecordError,
    normalise,
)
from xmr_agent.ingestion.sources import Source, open_source
from xmr_agent.ingestion.stages import MediaResult, MediaStage
from xmr_agent.ingestion.sync import SyncPlan, plan_sync
from xmr_agent.ingestion.tags import Tagger
from xmr_agent.ingestion.transcripts import Transcription
from xmr_agent.ingestion.video import VideoStage
from xmr_agent.media.video import Keyframes
from xmr_agent.progress import progress_bar
from xmr_agent.store.catalog import DEFAULT_ANN_THRESHOLD, Catalog
from xmr_agent.store.locks import write_lock
from xmr_agent.store.schema import arrow_rows
from xmr_agent.store.specs import VectorSpec
from xmr_agent.store.table import SOURCE_KEY
from xmr_agent.types import BadRecord, IngestReport

DEFAULT_VECTORS: Mapping[str, str] = {"text": "text"}
#: Compact and bring indexes up to date once this many rows were written since the last time
#: (and at least as many as the table then had: a geometric schedule keeps the rewrites O(n)).
OPTIMIZE_MIN_ROWS = 50_000


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
    notes: list[str] = field(default_factory=list)  # what the readers had to decide (report warnings)


def ingest(
    source: Source,
    db: str | Path,
    table: str,
    *,
    vectors: Mapping[str, str | Encoder | Sequence[str | Encoder]] | None = None,
    fields: FieldMap | None = None,
    batch_size: int = 256,
    ann_threshold: int = DEFAULT_ANN_THRESHOLD,
    tags: str | Encoder | None = None,
    tags_k: int | None = None,
    transcribe: str | Any | None = None,
    keyframes: Keyframes | float | None = None,
    progress: bool = False,
    engine: str | Engine = "local",
    storage_options: Mapping[str, str] | None = None,
    encoding: str | None = None,
    notify: Callable[[str], Any] | None = None,
    sync: bool = False,
    types: Mapping[str, str] | None = None,
) -> IngestReport:
    """Read ``source`` (a catalogue file or folder, an iterable of dicts, a DataFrame) and upsert
    its items into ``table`` of the LanceDB at ``db``.

    With no ``vectors``, ``fields``, ``tags`` or ``transcribe``, a new table gets a mapping chosen
    from the first records and a table that exists keeps its own (:mod:`xmr_agent.ingestion.mapping`);
    an option that contradicts a table's mapping is refused. ``vectors`` maps an item field
    (``"text"`` = title + text, or any other field) to the encoder that embeds it: a registered
    name, a ``module:Class`` path or an instance, or a list of them (one vector column each; a
    text request is then searched by the one for its language). ``tags`` names an image classifier (e.g.
    ``"efficientnet-lite0"``) whose top labels (``tags_k``, default 10) for each item's image are
    stored as ``image_tags`` and embedded with the item's text. ``transcribe`` (a Whisper model
    such as ``"base"``, or a transcriber) stores each item's audio transcript, segments and language,
    and embeds the transcript with the text. A ``video`` is embedded through its keyframes by the
    image column(s) and tagger, and its soundtrack is transcribed like audio; ``keyframes`` says
    which frames (a :class:`~xmr_agent.media.video.Keyframes`, or seconds between frames).

    ``engine`` encodes the vector columns: ``"local"`` (this process) or ``"ray"`` (a Ray cluster, see
    :class:`xmr_agent.ingestion.ray.RayEngine`). ``db`` may be an object store URI (``s3://bucket/path``);
    ``storage_options`` reach it. ``encoding``: the file's text encoding (default: UTF-8, or detected).
    One ingest at a time writes to a table (a lock beside a local table); ``notify`` hears about waits.
    ``sync``: then remove the table's items that the source no longer has (:mod:`xmr_agent.ingestion.sync`).
    ``types``: column types instead of inferred ones (``{"price": "float"}``), with any mapping.
    """
    asked = Requested(fields, vectors, tags, tags_k, transcribe)
    with write_lock(db, table, notify=notify):
        saved = saved_mapping(db, table, storage_options)
        given = fields or (saved.fields if saved else FieldMap())
        records = open_source(source, raw_fields=(given.id, given.title, *given.text), encoding=encoding)
        batches = _batched(records.stream, batch_size)
        first = next(batches, [])
        mapping = with_saved_types(resolve(saved, asked, [raw for _, raw in first if isinstance(raw, dict)],
                                           records.notes, table=table), types or {})
        runner = get_engine(engine)
        catalog, run = _start(db, table, mapping, asked, saved is not None, storage_options, runner, keyframes,
                              records.name)
        run.notes = records.notes
        prepared = _prepared(run, itertools.chain([first] if first else [], batches), mapping.fields,
                             records.base_dir)
        with progress_bar(progress, records.total, f"ingesting {Path(records.name).name}") as advance:
            for batch, embedded, rejected in runner.embed(catalog, prepared):
                _finish(run, batch, embedded, rejected)
                advance(batch.size)
                _maybe_optimize(run)
        if run.inserted or run.updated or catalog.missing_indexes(ann_threshold):
            catalog.refresh_indexes(ann_threshold=ann_threshold)
        if saved is None and catalog.exists:
            catalog.set_meta(MAPPING_KEY, mapping.to_json())
            catalog.set_meta(SOURCE_KEY, Path(records.name).stem)  # "courses": what every item is
        removed = _sync(run) if sync else ()
    return IngestReport(run.read, run.inserted, run.updated, run.unchanged, tuple(run.bad), catalog.count(),
                        warnings=tuple(run.notes), mapping=mapping.describe(), removed=removed)


def _sync(run: _Run) -> tuple[str, ...]:
    """Remove the items the source no longer has (a note says why nothing was removed, if so)."""
    plan = plan_sync(run.catalog.ids(), {*run.seen, *(b.id for b in run.bad if b.id)}, run.bad)
    if plan.blocked:
        run.notes.append(plan.describe(run.catalog.name))
        return ()
    run.catalog.delete(plan.remove)
    return plan.remove


def preview_sync(source: Source, db: str | Path, table: str, *, fields: FieldMap | None = None,
                 encoding: str | None = None, storage_options: Mapping[str, str] | None = None) -> SyncPlan:
    """What ``ingest(..., sync=True)`` would remove, without writing anything."""
    saved = saved_mapping(db, table, storage_options)
    given = fields or (saved.fields if saved else FieldMap())
    records = open_source(source, raw_fields=(given.id, given.title, *given.text), encoding=encoding)
    seen, bad = set(), []
    for line, raw in records.stream:
        if isinstance(raw, BadRecord):
            bad.append(raw)
            continue
        try:
            seen.add(normalise(raw, given, records.base_dir)["id"])
        except RecordError as e:
            bad.append(BadRecord(records.name, line, str(e), _raw_id(raw, given)))
    catalog = Catalog.open(db, table, storage_options=storage_options)
    return plan_sync(catalog.ids(), {*seen, *(b.id for b in bad if b.id)}, bad)


def saved_mapping(db: str | Path, table: str, storage_options: Mapping[str, str] | None) -> IngestMapping | None:
    """The mapping a table was ingested with (``None`` for a new table or one from an older version)."""
    catalog = Catalog.open_or_new(db, table, [], storage_options=storage_options)
    raw = catalog.meta(MAPPING_KEY) if catalog.exists else None
    return IngestMapping.from_json(raw) if raw else None


def _start(db: str | Path, table: str, mapping: IngestMapping, asked: Requested, existing: bool,
           storage_options: Mapping[str, str] | None, runner: Engine,
           keyframes: Keyframes | float | None, source: str) -> tuple[Catalog, _Run]:
    """The catalogue to write (its encoders) and the run's media work, from the mapping."""
    vectors = asked.vectors or (None if existing else mapping.vectors)
    catalog, encoders = _open(db, table, vectors, storage_options)
    tags = asked.tags or mapping.tags
    tagger = None if tags is None else Tagger(_shared(get_encoder(tags), encoders), k=mapping.tags_k)
    transcribe = asked.transcribe or mapping.transcribe
    transcription = None if transcribe is None else Transcription.of(transcribe)
    keyframes = Keyframes(every=keyframes) if isinstance(keyframes, int | float) else keyframes
    video = VideoStage(catalog, keyframes, tagger=tagger, transcription=transcription)
    media = MediaStage(tagger, transcription, video)
    place = getattr(runner, "media_runner", None)  # an engine may run the media work elsewhere
    run_media = place(media) if callable(place) and media.active else media.apply
    return catalog, _Run(catalog, source, new_table=not catalog.exists, media=media, run_media=run_media)


def _open(db: str | Path, table: str, vectors: Mapping[str, Any] | None,
          storage_options: Mapping[str, str] | None) -> tuple[Catalog, dict[str, Encoder]]:
    """The catalogue to write, and the encoders given (by field). With no ``vectors``, an existing
    table keeps its own encoders and a new one gets :data:`DEFAULT_VECTORS`."""
    if vectors is None:
        existing = Catalog.open_or_new(db, table, [], storage_options=storage_options)
        if existing.exists:
            return existing, {}
    built = [(f, get_encoder(e)) for f, given in (vectors or DEFAULT_VECTORS).items() for e in _each(given)]
    specs = [VectorSpec.build(f, e, f if f in MEDIA_FIELDS else "text") for f, e in built]
    catalog = Catalog.open_or_new(db, table, specs, storage_options=storage_options)
    for spec, (_, encoder) in zip(specs, built, strict=True):
        stored = catalog.column_like(spec)
        catalog.use_encoder(stored.column if stored else spec.column, encoder)
    return catalog, dict(built)


def _each(given: Any) -> list[Any]:
    """The encoders given for one field: one, or a list or tuple of them (a vector column each)."""
    return list(given) if isinstance(given, list | tuple) else [given]


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
    if run.catalog.exists and written - run.optimized_at >= max(OPTIMIZE_MIN_ROWS, run.optimized_at):
        run.catalog.optimize()
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
            item = normalise(raw, fields, base_dir, run.notes)
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
    hashes = {i: item_hashes(item, catalog, run.media.signature(item)) for i, (_, item) in items.items()}
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


def _shared(tagger: Encoder, encoders: Mapping[str, Encoder]) -> Encoder:
    """The image column's own encoder instance when it is the same model as the tagger (one pass for both)."""
    image = encoders.get("image")
    same = image is not None and (image.name, image.config()) == (tagger.name, tagger.config())
    return image if image is not None and same else tagger


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
