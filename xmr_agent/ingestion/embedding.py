"""The vector columns of a batch of rows, and the hashes that tell which rows changed."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute

from xmr_agent.encoders.base import Encoder
from xmr_agent.errors import InputError
from xmr_agent.ingestion.readers import (
    MEDIA_FIELDS,
)
from xmr_agent.store.catalog import Catalog
from xmr_agent.store.columns import TAGS_COLUMN, TRANSCRIPT_COLUMN
from xmr_agent.store.specs import VectorSpec

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


def with_vectors(
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


def embed_input(item: Mapping[str, Any], field_name: str) -> Any:
    """What an encoder sees for ``field_name``: for ``text``, the title and text together."""
    if field_name != "text":
        return item.get(field_name)
    tags, heard = item.get(TAGS_COLUMN), item.get(TRANSCRIPT_COLUMN)
    parts = (item.get("title") or "", item.get("text") or "", f"image tags: {', '.join(tags)}" if tags else "",
             f"transcript: {heard}" if heard else "")
    return ". ".join(p for p in parts if p)


def item_hashes(item: Mapping[str, Any], catalog: Catalog, tagging: str = "") -> tuple[str, str]:
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
