"""Ingest a catalogue into a LanceDB table: stream, batch, embed what changed, upsert by id.

Each batch is committed on its own, so an interrupted run loses at most the batch in flight;
a rerun skips every item whose content hash is already stored and upserts the rest, so rows
are never duplicated. An item whose embedded inputs did not change (only metadata did) is
updated without re-embedding. Bad records are skipped and reported, never fatal.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute  # noqa: F401 - pa.compute

from xmr_agent.encoders.base import Encoder
from xmr_agent.encoders.registry import get_encoder
from xmr_agent.errors import InputError
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
class _Run:
    """State of one ingest run."""

    catalog: Catalog
    source: str
    new_table: bool
    video: VideoStage
    tagger: Tagger | None = None
    transcription: Transcription | None = None
    seen: set[str] = field(default_factory=set)
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
) -> IngestReport:
    """Read ``source`` and upsert its items into ``table`` of the LanceDB at ``db``.

    ``vectors`` maps an item field (``"text"`` = title + text, or any other field) to the
    encoder that embeds it: a registered name, a ``module:Class`` path or an instance.
    ``tags`` names an image classifier (e.g. ``"efficientnet-lite0"``) whose top labels for
    each item's image are stored as ``image_tags`` and embedded with the item's text; ``tags_k``
    says how many labels. ``transcribe`` (a Whisper model such as ``"tiny.en"``, or a transcriber)
    stores each item's audio transcript, segments and language, and embeds the transcript with the text.
    A ``video`` is embedded through its keyframes by the image column(s) and tagger, and its soundtrack
    is transcribed like audio (:mod:`xmr_agent.video`); ``keyframes`` says which frames (a
    :class:`~xmr_agent.video.Keyframes`, or seconds between frames).
    """
    source = Path(source)
    fields = fields or FieldMap()
    encoders = {f: get_encoder(e) for f, e in (vectors or DEFAULT_VECTORS).items()}
    specs = [VectorSpec.build(f, e, f if f in MEDIA_FIELDS else "text") for f, e in encoders.items()]
    catalog = Catalog.open_or_new(db, table, specs)
    for spec in specs:
        catalog.use_encoder(spec.column, encoders[spec.field])
    tagger = None if tags is None else Tagger(_shared(get_encoder(tags), encoders), k=tags_k)
    transcription = None if transcribe is None else Transcription.of(transcribe)
    keyframes = Keyframes(every=keyframes) if isinstance(keyframes, int | float) else keyframes
    video = VideoStage(catalog, keyframes, tagger=tagger, transcription=transcription)
    run = _Run(catalog, str(source), new_table=catalog.table is None, video=video, tagger=tagger,
               transcription=transcription)
    records = read_catalog(source, raw_fields=(fields.id, fields.title, *fields.text))
    base_dir = source if source.is_dir() else source.parent
    with progress_bar(progress, count_records(source), f"ingesting {source.name}") as advance:
        for batch in _batched(records, batch_size):
            _write_batch(run, _normalise(run, batch, fields, base_dir), fields.types)
            advance(len(batch))
            _maybe_optimize(run)
    if run.inserted or run.updated or catalog.missing_indexes(ann_threshold):
        catalog.refresh_indexes(ann_threshold=ann_threshold)
    return IngestReport(run.read, run.inserted, run.updated, run.unchanged, tuple(run.bad), catalog.count())


def _maybe_optimize(run: _Run) -> None:
    """Compact during a long ingest on a geometric schedule (each compaction rewrites the table)."""
    written = run.inserted + run.updated
    if run.catalog.table is not None and written - run.optimized_at >= max(OPTIMIZE_MIN_ROWS, run.optimized_at):
        run.catalog.table.optimize()
        run.optimized_at = written


def _normalise(run: _Run, batch: Sequence[tuple[int | None, Any]], fields: FieldMap, base_dir: Path) -> Items:
    """Good items of a batch by id; a repeated id (in this batch or an earlier one) is reported."""
    items: Items = {}
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
        run.seen.add(item["id"])
        items[item["id"]] = (line, item)
    return items


def _write_batch(run: _Run, items: Items, types: Mapping[str, str]) -> None:
    """Classify items as unchanged / metadata-only / to embed, then write the last two."""
    catalog = run.catalog
    signature = (run.tagger.signature() if run.tagger else "") + (
        run.transcription.signature() if run.transcription else "")
    video = run.video
    hashes = {i: _hashes(item, catalog, signature + video.signature(item)) for i, (_, item) in items.items()}
    stored = {} if run.new_table else catalog.hashes(list(items))
    changed = [i for i in items if stored.get(i, ("", ""))[0] != hashes[i][0]]
    run.unchanged += len(items) - len(changed)
    rows = [{**items[i][1], "_hash": hashes[i][0], "_embed_hash": hashes[i][1]} for i in changed]
    tagged: dict[str, np.ndarray] = {}
    if run.tagger is not None:
        tagged, failures = run.tagger.tag(rows)
        run.bad.extend(BadRecord(run.source, items[i][0], reason, i) for i, reason in failures.items())
        rows = [r for r in rows if r["id"] not in failures]
    if run.transcription is not None:
        failures = run.transcription.transcribe(rows)
        run.bad.extend(BadRecord(run.source, items[i][0], reason, i) for i, reason in failures.items())
        rows = [r for r in rows if r["id"] not in failures]
    found = video.process(rows)
    run.bad.extend(BadRecord(run.source, items[i][0], reason, i) for i, reason in found.failures.items())
    rows = [r for r in rows if r["id"] not in found.failures]
    table, bad = arrow_rows(rows, catalog, types)
    run.bad.extend(BadRecord(run.source, items[i][0], reason, i) for i, reason in bad)
    same_inputs = [stored.get(i, ("", ""))[1] == hashes[i][1] for i in table["id"].to_pylist()]
    metadata_only, to_embed = _split(table, same_inputs)
    if to_embed.num_rows:
        reuse = {c: tagged for c in catalog.vectors if run.tagger and catalog.encoder(c) is run.tagger.encoder}
        reuse = {c: {**reuse.get(c, {}), **found.pooled.get(c, {})} for c in {*reuse, *found.pooled}}
        embedded, rejected = _with_vectors(to_embed, catalog, reuse)
        run.bad.extend(BadRecord(run.source, items[i][0], reason, i) for i, reason in rejected.items())
        _write_embedded(run, video.with_keyframes(embedded, found, catalog))
    if metadata_only.num_rows:  # only metadata changed: update without re-embedding
        _count(run, catalog.write(metadata_only))


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
        rows = table.select(["id", *_inputs_of(spec, table)]).to_pylist()
        known = reuse.get(column, {})
        inputs = [None if row["id"] in known else embed_input(row, spec.field) for row in rows]
        matrix, present, failures = encode_present(catalog.encoder(column), inputs, spec.modality)
        for i, row in enumerate(rows):
            if row["id"] in known:
                matrix[i], present[i] = known[row["id"]], True
        if failures:
            rejected.update({rows[i]["id"]: f"{spec.field}: {reason}" for i, reason in failures.items()})
            keep = [i not in failures for i in range(len(rows))]
            table, matrix, present = table.filter(pa.array(keep)), matrix[keep], present[keep]
        flat = pa.array(np.ascontiguousarray(matrix, dtype=np.float32).ravel(), pa.float32())
        vectors = pa.FixedSizeListArray.from_arrays(flat, spec.dim, mask=pa.array(~present))
        table = table.append_column(column, vectors)
    return table, rejected


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


def _inputs_of(spec: VectorSpec, table: pa.Table) -> list[str]:
    """The columns :func:`embed_input` reads for ``spec``'s field."""
    if spec.field != "text":
        return [spec.field]
    return [c for c in ("title", "text", TAGS_COLUMN, TRANSCRIPT_COLUMN) if c in table.column_names]


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
    """(hash of the whole item, hash of what its encoders embed) — each with the vector specs."""
    specs = sorted(catalog.vectors.values(), key=lambda v: v.column)
    media = {m: _file_signature(item[m]) for m in MEDIA_FIELDS if item.get(m)}
    embedded = _digest([[v.column, v.space, embed_input(item, v.field)] for v in specs] + [media, tagging])
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
