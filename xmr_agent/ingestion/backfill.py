"""Backfill and re-embedding: add a vector column to a table that exists, or re-embed one with
another encoder, while readers keep searching the table as it was.

A run works in three steps, each a LanceDB commit (a new table version), so a reader never sees
a half-filled column and a killed run loses at most the batches in flight:

1. **Add.** The new column is added, empty, and marked *pending* in its field metadata. Readers
   do not search it: a column counts only once its spec is in its field metadata
   (:func:`xmr_agent.store.read_vector_specs`). Re-embedding a column with other settings of the
   same encoder writes a new column (``<column>__<settings digest>``) beside the old one.
2. **Fill.** Rows with no vector yet are read from a snapshot in batches, encoded by an engine
   (:class:`~xmr_agent.ingestion.engines.LocalEngine`, or :class:`~xmr_agent.ingestion.ray.RayEngine` on a
   cluster), and written by id with ``merge_insert`` (only the new columns). A rerun after a kill
   reads what is still empty and goes on. Rows that writers add meanwhile are found by a next
   pass over a newer snapshot.
3. **Switch.** The ANN index is built when the table is large enough, then one metadata commit
   makes the column searchable and marks the column(s) it replaces retired; the retired columns
   are then dropped (``keep_old`` keeps them). A reader that opened the table before still has
   its version, old column included, until old versions are cleaned up.

The content hashes of stored rows do not change (they are computed over the specs the table was
created with), so the next ingest of the same catalogue re-embeds nothing; it fills the new
column for new and changed items like any other. Running a backfill whose column is in place
already fills the rows that have none (items written by a writer that opened the table before
the switch).

Why by hand: LanceDB keeps backfill of embedding columns for its enterprise offering; the open
format gives what it needs (``add_columns``, ``merge_insert`` on some columns, field metadata,
versions), and this module strings those together.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa

from xmr_agent.encoders.base import Encoder
from xmr_agent.encoders.registry import get_encoder
from xmr_agent.errors import ConfigError, StoreError
from xmr_agent.ingestion.engines import Engine, get_engine
from xmr_agent.ingestion.fill import BackfillReport, Filler, Target
from xmr_agent.ingestion.readers import MEDIA_FIELDS
from xmr_agent.media.video import Keyframes
from xmr_agent.store.catalog import (
    DEFAULT_ANN_THRESHOLD,
    Catalog,
)
from xmr_agent.store.columns import keyframe_column
from xmr_agent.store.specs import (
    FIELD_PENDING_KEY,
    FIELD_RETIRED_KEY,
    FIELD_SPEC_KEY,
    VectorSpec,
    field_meta,
    spec_json,
)


def backfill(
    db: str | Path,
    table: str,
    vectors: Mapping[str, str | Encoder],
    *,
    replace: Sequence[str] = (),
    keep_old: bool = False,
    restart: bool = False,
    engine: str | Engine = "local",
    batch_size: int = 256,
    keyframes: Keyframes | None = None,
    ann_threshold: int = DEFAULT_ANN_THRESHOLD,
    progress: bool = False,
    storage_options: Mapping[str, str] | None = None,
) -> BackfillReport:
    """Fill ``vectors`` (item field → encoder, as for :func:`~xmr_agent.ingestion.ingest`) for the
    rows of ``table`` in the LanceDB at ``db``; see the module notes for the steps.

    A field and encoder the table has with the same settings: its empty rows are filled. The same
    encoder with other settings: a new column re-embeds the field and retires the old one. Another
    encoder: a new column beside the others; ``replace`` names columns it retires. ``restart``
    drops what an unfinished run with other settings left. Video items get image vectors from
    their keyframes, taken at the times the table holds (``keyframes``: the policy that ingest used).
    """
    if batch_size < 1:
        raise ConfigError(f"batch_size must be at least 1, got {batch_size}")
    if not vectors:
        raise ConfigError("nothing to backfill: give at least one FIELD=ENCODER")
    catalog = Catalog.open(db, table, storage_options=storage_options)
    encoders = {f: get_encoder(e) for f, e in vectors.items()}
    targets = plan(catalog, encoders, replace, restart=restart)
    report = BackfillReport(columns={t.spec.column: _describe(t) for t in targets})
    _add_columns(catalog, [t for t in targets if t.state == "new"])
    view = Catalog(catalog.db, table, catalog.table, [t.spec for t in targets])
    for t in targets:
        view.use_encoder(t.spec.column, encoders[t.spec.field])
    filler = Filler(catalog, view, get_engine(engine), batch_size, keyframes or Keyframes(), report)
    filler.run(progress)
    switching = [t for t in targets if t.state != "fill"]
    if switching:
        _build_ann(catalog, switching, ann_threshold)
        report.retired = _switch(catalog, switching)
        filler.run(progress)  # rows a writer added between the last pass and the switch
        if not keep_old:
            report.dropped = _drop(catalog, report.retired)
    catalog.refresh_indexes(ann_threshold=ann_threshold)
    report.rows, report.version = catalog.count(), catalog.lance.version
    return report


def plan(catalog: Catalog, encoders: Mapping[str, Encoder], replace: Sequence[str] = (), *,
         restart: bool = False) -> list[Target]:
    """Which column each (field, encoder) fills, and what it replaces."""
    names = catalog.column_names()
    unknown = [c for c in replace if c not in catalog.vectors]
    if unknown:
        raise ConfigError(f"cannot replace {', '.join(map(repr, unknown))}: not a vector column of table "
                          f"{catalog.name!r} (it has {', '.join(sorted(catalog.vectors)) or 'none'})")
    targets, claimed = [], set()
    for field_name, encoder in encoders.items():
        _check_field(catalog, field_name, encoder, names)
        spec = VectorSpec.build(field_name, encoder, field_name if field_name in MEDIA_FIELDS else "text")
        same = [v for v in catalog.vectors.values() if (v.field, v.encoder) == (spec.field, spec.encoder)]
        kept = [v for v in same if (v.space, v.dim, v.config) == (spec.space, spec.dim, spec.config)]
        if kept:
            targets.append(Target(kept[0], "fill"))
            claimed.add(kept[0].column)
            continue
        column, state = _column_for(catalog, spec, names, restart)
        spec = VectorSpec(**{**spec.__dict__, "column": column})
        targets.append(Target(spec, state, tuple(v.column for v in same)))
        claimed.add(column)
    retiring = {c for t in targets for c in t.replaces}
    extra = [c for c in replace if c not in retiring]
    if extra:
        first = next((i for i, t in enumerate(targets) if t.state != "fill"), None)
        if first is None:
            raise ConfigError("--replace retires columns when a new column is added; every column asked for "
                              "is in place already")
        targets[first] = Target(targets[first].spec, targets[first].state, (*targets[first].replaces, *extra))
    clash = claimed & {c for t in targets for c in t.replaces}
    if clash:
        raise ConfigError(f"column(s) {', '.join(sorted(clash))} cannot be both filled and replaced")
    return targets


def _check_field(catalog: Catalog, field_name: str, encoder: Encoder, names: set[str]) -> None:
    if field_name == "video":
        raise ConfigError("a video is embedded through its keyframes by the image column(s): "
                          "use an image encoder for field 'image' (e.g. --encoder image=efficientnet-lite0)")
    modality = field_name if field_name in MEDIA_FIELDS else "text"
    if modality not in encoder.modalities:
        raise ConfigError(f"encoder {encoder.name!r} does not embed {modality} (it takes "
                          f"{', '.join(encoder.modalities)}), so it cannot fill field {field_name!r}")
    if field_name != "text" and field_name not in names and not (field_name == "image" and "video" in names):
        raise ConfigError(f"table {catalog.name!r} has no field {field_name!r} to embed; "
                          f"its columns: {', '.join(catalog.columns())}")


def _column_for(catalog: Catalog, spec: VectorSpec, names: set[str], restart: bool) -> tuple[str, str]:
    """The column a new spec fills, and whether an earlier run began it ("pending") or not ("new").
    An unfinished column of the same field and encoder with other settings is refused, or with
    ``restart`` dropped."""
    digest = hashlib.blake2b(json.dumps(spec.config, sort_keys=True, default=str).encode(), digest_size=4)
    candidates = (spec.column, f"{spec.column}__{digest.hexdigest()}")
    schema = catalog.schema()
    for column in [f.name for f in schema]:  # type: ignore[union-attr]
        pending = field_meta(schema, column, FIELD_PENDING_KEY)
        if pending is None:
            continue
        theirs = json.loads(pending)
        if (theirs["field"], theirs["encoder"]) != (spec.field, spec.encoder):
            continue
        if column in candidates and pending == spec_json(VectorSpec(**{**spec.__dict__, "column": column})):
            return column, "pending"
        if not restart:
            raise StoreError(
                f"column {column!r} of table {catalog.name!r} is an unfinished backfill with other settings "
                f"({theirs['encoder']!r} {theirs['config']}): rerun that backfill to finish it, or pass "
                "--restart to drop it and start again")
        _drop_columns(catalog, [column])
        names.discard(column)
    for column in candidates:
        if column not in names:
            return column, "new"
    raise StoreError(f"table {catalog.name!r} has columns {candidates[0]!r} and {candidates[1]!r} already; "
                     "retire one first (--replace on a backfill, then it is dropped)")


def _describe(target: Target) -> str:
    if target.state == "fill":
        return "filled"
    verb = "added" if target.state == "new" else "resumed"
    return f"{verb}, replaces {', '.join(target.replaces)}" if target.replaces else verb


def _add_columns(catalog: Catalog, targets: Sequence[Target]) -> None:
    """Add the new columns, empty and pending (not searched until the switch)."""
    if not targets:
        return
    fields = [pa.field(t.spec.column, pa.list_(pa.float32(), t.spec.dim)) for t in targets]
    pending = [{"path": t.spec.column, "metadata": {FIELD_PENDING_KEY: spec_json(t.spec)}} for t in targets]
    catalog.lance.add_columns(fields)  # a keyframe column is added by the first video row, as at ingest
    catalog.lance.update_field_metadata(*pending)


def _build_ann(catalog: Catalog, targets: Sequence[Target], ann_threshold: int) -> None:
    """The ANN index of each new column, before it becomes searchable (large tables only)."""
    if catalog.count() < ann_threshold:
        return
    from lancedb.index import IvfHnswSq

    for t in targets:
        catalog.lance.create_index(t.spec.column, config=IvfHnswSq(distance_type="cosine"), replace=True)


def _switch(catalog: Catalog, targets: Sequence[Target]) -> tuple[str, ...]:
    """One commit: the new columns become searchable and the replaced ones retired."""
    updates: list[dict[str, Any]] = []
    retired: list[str] = []
    for t in targets:
        updates.append({"path": t.spec.column, "metadata": {FIELD_SPEC_KEY: spec_json(t.spec), FIELD_PENDING_KEY: None}})
        for old in t.replaces:
            updates.append({"path": old, "metadata": {FIELD_RETIRED_KEY: t.spec.column}})
            retired.append(old)
    catalog.lance.update_field_metadata(*updates)
    from xmr_agent.store.specs import read_vector_specs

    catalog.vectors = {v.column: v for v in read_vector_specs(catalog.lance.schema, catalog.name)}
    return tuple(retired)


def _drop(catalog: Catalog, columns: Sequence[str]) -> tuple[str, ...]:
    names = catalog.column_names()
    doomed = [c for column in columns for c in (column, keyframe_column(column)) if c in names]
    _drop_columns(catalog, doomed)
    return tuple(doomed)


def _drop_columns(catalog: Catalog, columns: Sequence[str]) -> None:
    if not columns:
        return
    indexed = {ix.name for ix in catalog.lance.list_indices() if set(ix.columns) & set(columns)}
    for name in indexed:
        catalog.lance.drop_index(name)
    catalog.lance.drop_columns(list(columns))


def iter_columns(catalog: Catalog) -> Iterator[tuple[str, str]]:
    """(column, state) of every vector column of the table: searchable, pending or retired."""
    schema = catalog.schema()
    for f in schema or ():
        if not f.name.startswith("vec__") or f.name.endswith("__keyframes"):
            continue
        if field_meta(schema, f.name, FIELD_RETIRED_KEY):
            yield f.name, "retired"
        elif field_meta(schema, f.name, FIELD_PENDING_KEY):
            yield f.name, "pending"
        elif f.name in catalog.vectors:
            yield f.name, "searchable"
