"""Ingest a catalogue into a LanceDB table: stream, batch, embed what changed, upsert by id.

Each batch is committed on its own, so an interrupted run loses at most the batch in flight;
a rerun skips every item whose content hash is already stored (no re-embedding) and upserts
the rest, so rows are never duplicated. Bad records are skipped and reported, never fatal.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from xmr_agent.encoders.base import Encoder
from xmr_agent.encoders.registry import get_encoder
from xmr_agent.records import MEDIA_FIELDS, FieldMap, RecordError, count_records, normalise, read_catalog
from xmr_agent.store import DEFAULT_ANN_THRESHOLD, Catalog, VectorSpec
from xmr_agent.types import CORE_FIELDS, BadRecord, IngestReport

DEFAULT_VECTORS: Mapping[str, str] = {"text": "text"}


@dataclass
class _Tally:
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
    progress: bool = False,
) -> IngestReport:
    """Read ``source`` and upsert its items into ``table`` of the LanceDB at ``db``.

    ``vectors`` maps an item field (``"text"`` = title + text, or any other field) to the
    encoder that embeds it: a registered name, a ``module:Class`` path or an instance.
    """
    source = Path(source)
    encoders = {f: get_encoder(e) for f, e in (vectors or DEFAULT_VECTORS).items()}
    specs = [VectorSpec.build(f, e, f if f in MEDIA_FIELDS else "text") for f, e in encoders.items()]
    catalog = Catalog.open_or_new(db, table, specs)
    for spec in specs:
        catalog.use_encoder(spec.column, encoders[spec.field])
    tally = _Tally()
    base_dir = source if source.is_dir() else source.parent
    with _progress(progress, count_records(source), f"ingesting {source.name}") as advance:
        for batch in _batched(read_catalog(source), batch_size):
            items = _normalise(batch, fields or FieldMap(), base_dir, str(source), tally)
            _write_batch(catalog, items, str(source), tally)
            advance(len(batch))
    catalog.refresh_indexes(ann_threshold=ann_threshold)
    return IngestReport(
        tally.read, tally.inserted, tally.updated, tally.unchanged, tuple(tally.bad), catalog.count()
    )


def _normalise(
    batch: Sequence[tuple[int | None, Any]], fields: FieldMap, base_dir: Path, source: str, tally: _Tally
) -> dict[str, tuple[int | None, dict[str, Any]]]:
    """Good items of a batch by id (a later duplicate id replaces an earlier one, reported)."""
    items: dict[str, tuple[int | None, dict[str, Any]]] = {}
    for line, raw in batch:
        tally.read += 1
        if isinstance(raw, BadRecord):
            tally.bad.append(raw)
            continue
        try:
            item = normalise(raw, fields, base_dir)
        except RecordError as e:
            tally.bad.append(BadRecord(source, line, str(e), _raw_id(raw, fields)))
            continue
        if item["id"] in items:
            earlier = items[item["id"]][0]
            tally.bad.append(BadRecord(source, earlier, f"duplicate id, replaced by line {line}", item["id"]))
        items[item["id"]] = (line, item)
    return items


def _write_batch(
    catalog: Catalog, items: dict[str, tuple[int | None, dict[str, Any]]], source: str, tally: _Tally
) -> None:
    signature = json.dumps([[v.column, v.space] for v in catalog.vectors.values()])
    hashes = {i: content_hash(item, signature) for i, (_, item) in items.items()}
    stored = catalog.hashes(list(items))
    changed = [i for i in items if stored.get(i) != hashes[i]]
    tally.unchanged += len(items) - len(changed)
    if not changed:
        return
    rows = [{**items[i][1], "_hash": hashes[i]} for i in changed]
    lines = {i: items[i][0] for i in changed}
    table, bad = to_arrow(rows, catalog)
    tally.bad.extend(BadRecord(source, lines[i], reason, i) for i, reason in bad)
    if table.num_rows == 0:
        return
    table = _with_vectors(table, catalog)
    inserted, updated = catalog.write(table)
    tally.inserted += inserted
    tally.updated += updated


def _with_vectors(table: pa.Table, catalog: Catalog) -> pa.Table:
    for column, spec in catalog.vectors.items():
        inputs = embed_inputs(table, spec.field)
        matrix = catalog.encoder(column).encode(inputs, modality=spec.modality, role="document")
        flat = pa.array(np.ascontiguousarray(matrix, dtype=np.float32).ravel(), pa.float32())
        table = table.append_column(column, pa.FixedSizeListArray.from_arrays(flat, spec.dim))
    return table


def embed_inputs(table: pa.Table, field_name: str) -> list[Any]:
    """What an encoder sees for ``field_name``: for ``text``, the title and text together."""
    if field_name != "text":
        return table[field_name].to_pylist()
    titles, texts = table["title"].to_pylist(), table["text"].to_pylist()
    return [". ".join(p for p in (t or "", x or "") if p) for t, x in zip(titles, texts, strict=True)]


def to_arrow(rows: list[dict[str, Any]], catalog: Catalog) -> tuple[pa.Table, list[tuple[str, str]]]:
    """Rows → an Arrow table in the catalogue's schema; rows whose values do not fit are returned as bad."""
    schema = catalog.schema()
    known = {f.name for f in schema} if schema is not None else set()
    new_fields = [_infer_field(name, rows) for name in _keys(rows) if name not in known]
    if schema is None:
        core = [pa.field(n, pa.string()) for n in CORE_FIELDS] + [pa.field("_hash", pa.string())]
        meta = [f for f in new_fields if f.name not in {c.name for c in core}]
        target = pa.schema(core + meta)
    else:
        catalog.add_columns(new_fields)
        target = pa.schema([f for f in catalog.schema() if not f.name.startswith("vec__")])
    bad = _misfits(rows, target)
    good = [r for r in rows if r["id"] not in bad]
    arrays = [pa.array([r.get(f.name) for r in good], type=f.type) for f in target]
    return pa.Table.from_arrays(arrays, schema=target), list(bad.items())


def _misfits(rows: Sequence[Mapping[str, Any]], schema: pa.Schema) -> dict[str, str]:
    """Ids of rows with a value that does not fit its column's type, and why."""
    bad: dict[str, str] = {}
    for f in schema:
        if _fits([r.get(f.name) for r in rows], f.type):
            continue
        for row in rows:
            if row["id"] not in bad and not _fits([row.get(f.name)], f.type):
                bad[row["id"]] = f"field {f.name!r}: expected {f.type}, got {row.get(f.name)!r:.60}"
    return bad


def content_hash(item: Mapping[str, Any], signature: str) -> str:
    """A stable hash of an item's content plus the vector columns it is embedded into."""
    payload = json.dumps(item, sort_keys=True, default=str) + signature
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def _keys(rows: Iterable[Mapping[str, Any]]) -> list[str]:
    seen: dict[str, None] = {}
    for row in rows:
        seen.update(dict.fromkeys(row))
    return list(seen)


def _infer_field(name: str, rows: Sequence[Mapping[str, Any]]) -> pa.Field:
    values = [r.get(name) for r in rows if r.get(name) is not None]
    try:
        kind = pa.array(values).type if values else pa.string()
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        kind = pa.string()
    if pa.types.is_null(kind) or (pa.types.is_list(kind) and pa.types.is_null(kind.value_type)):
        kind = pa.list_(pa.string()) if pa.types.is_list(kind) else pa.string()
    return pa.field(name, kind)


def _fits(values: list[Any], kind: pa.DataType) -> bool:
    try:
        pa.array(values, type=kind)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError, TypeError, ValueError):
        return False
    return True


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


@contextmanager
def _progress(enabled: bool, total: int | None, label: str) -> Iterator[Any]:
    if not enabled:
        yield lambda n: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, transient=False) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)
