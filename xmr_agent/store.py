"""The catalogue store: one LanceDB table per catalogue.

A table holds the core fields (``id``, ``title``, ``text``, ``image``, ``audio``, ``video``),
any other item fields as typed metadata columns, a content hash ``_hash``, and one vector
column per (field, encoder). The encoders' names and settings live in the table's schema
metadata, so :meth:`Catalog.open` rebuilds them in a new process with no arguments.

Columns added later by :mod:`xmr_agent.backfill` carry their spec in their own field metadata
(LanceDB updates a field's metadata, not the schema's): a column counts once it has a spec
there, a column marked retired no longer counts, and the specs the table was created with stay
the basis of the content hashes, so adding a column never makes stored rows look changed.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from xmr_agent.encoders.base import Encoder
from xmr_agent.encoders.registry import get_encoder, list_encoders
from xmr_agent.errors import ConfigError, EncoderMismatch, StoreError
from xmr_agent.types import Hit

META_KEY = b"xmr_agent"
#: Field metadata: the spec of a column added after the table was made (JSON).
FIELD_SPEC_KEY = "xmr_agent"
#: Field metadata: the spec of a column being filled and not searchable yet.
FIELD_PENDING_KEY = "xmr_agent:pending"
#: Field metadata: the column that replaced this one (no longer searched).
FIELD_RETIRED_KEY = "xmr_agent:retired"
FORMAT_VERSION = 1
TEXT_FIELDS = ("title", "text")
HIDDEN_PREFIXES = ("_", "vec__")
DEFAULT_ANN_THRESHOLD = 50_000
#: An item with nothing to embed in a column (e.g. no image) has a null vector there; LanceDB
#: refuses null vectors in wide float columns unless told to keep them as null.
NULL_VECTORS = "null"


@dataclass(frozen=True)
class VectorSpec:
    """How one vector column was built: which field, by which encoder, in which space."""

    column: str
    field: str
    encoder: str
    config: dict[str, Any]
    space: str
    dim: int
    modality: str
    target: str = ""

    @classmethod
    def build(cls, field: str, encoder: Encoder, modality: str = "text") -> VectorSpec:
        column = f"vec__{field}__{re.sub(r'[^0-9A-Za-z]+', '_', encoder.name)}"
        target = f"{type(encoder).__module__}:{type(encoder).__qualname__}"
        return cls(column, field, encoder.name, encoder.config(), encoder.space, encoder.dim, modality, target)


def check_same_space(spec: VectorSpec, encoder: Encoder) -> None:
    """Refuse ``encoder`` for ``spec``'s column unless it embeds into the same space and dim."""
    if encoder.space != spec.space or encoder.dim != spec.dim:
        raise EncoderMismatch(
            f"column {spec.column!r} was indexed with encoder {spec.encoder!r} "
            f"(space {spec.space!r}, dim {spec.dim}); the query encoder {encoder.name!r} has "
            f"space {encoder.space!r}, dim {encoder.dim}. Search with the indexed encoder "
            "(omit the encoder option) or re-ingest into a new table"
        )


def build_encoder(spec: VectorSpec, **extra: Any) -> Encoder:
    """The encoder that built a column, from its spec (a registered name, else its class path)."""
    registered = {info.name for info in list_encoders()}
    name = spec.encoder if spec.encoder in registered or not spec.target else spec.target
    encoder = get_encoder(name, **spec.config, **extra)
    check_same_space(spec, encoder)
    return encoder


def connect(uri: str | Path, *, create: bool = True, storage_options: Mapping[str, str] | None = None) -> Any:
    """A LanceDB connection: a local folder (made if ``create``) or any lancedb URI. An object store
    (``s3://``) is reached with :func:`xmr_agent.storage.resolve_options`: ``storage_options`` first,
    then the environment."""
    import lancedb

    from xmr_agent.storage import is_object_store, normalise_uri, probe, resolve_options

    uri = normalise_uri(uri)
    if is_object_store(uri):
        options = resolve_options(uri, storage_options)
        return probe(uri, options, lambda: lancedb.connect(uri, storage_options=options or None))
    if "://" not in uri:
        if not create and not Path(uri).is_dir():
            raise StoreError(f"no database at {uri}: ingest a catalogue there first (`xmr ingest ... --db {uri}`)")
        Path(uri).mkdir(parents=True, exist_ok=True)
    return lancedb.connect(uri, storage_options=dict(storage_options) if storage_options else None)


class Catalog:
    """One catalogue table: write rows, search them, and keep its indexes."""

    def __init__(self, db: Any, name: str, table: Any | None, vectors: Sequence[VectorSpec],
                 hash_basis: Sequence[VectorSpec] | None = None) -> None:
        self.db = db
        self.name = name
        self.table = table
        self.vectors = {v.column: v for v in vectors}
        #: The specs the table was created with: what content hashes are computed over.
        self.hash_basis = list(vectors if hash_basis is None else hash_basis)
        self._encoders: dict[str, Encoder] = {}

    # -- opening -----------------------------------------------------------------------------
    @classmethod
    def open(cls, uri: str | Path, name: str, *, storage_options: Mapping[str, str] | None = None) -> Catalog:
        """Open an existing catalogue; its encoders come back from the table metadata."""
        db = connect(uri, create=False, storage_options=storage_options)
        try:
            table = db.open_table(name)
        except (ValueError, FileNotFoundError) as e:
            raise StoreError(
                f"no table {name!r} in {uri}; tables there: {_table_names(db) or 'none'}. "
                "Create it with `xmr ingest CATALOG --db DIR --table NAME`"
            ) from e
        return cls(db, name, table, read_vector_specs(table.schema, name), read_hash_basis(table.schema, name))

    @classmethod
    def open_or_new(
        cls, uri: str | Path, name: str, vectors: Sequence[VectorSpec], *,
        storage_options: Mapping[str, str] | None = None,
    ) -> Catalog:
        """Open ``name`` if it exists (its vector columns must match ``vectors``), else prepare it."""
        db = connect(uri, storage_options=storage_options)
        if name not in _table_names(db):
            return cls(db, name, None, vectors)
        catalog = cls.open(uri, name, storage_options=storage_options)
        for spec in vectors:
            stored = catalog.column_like(spec)
            if stored is None:
                raise ConfigError(
                    f"table {name!r} has no vector column for field {spec.field!r} by encoder {spec.encoder!r} "
                    f"(it has {sorted(catalog.vectors)}); add it with `xmr backfill --encoder "
                    f"{spec.field}={spec.encoder} --db {uri} --table {name}` or ingest into a new table"
                )
            if (stored.space, stored.dim, stored.config) != (spec.space, spec.dim, spec.config):
                raise EncoderMismatch(
                    f"table {name!r} column {stored.column!r} was built with {stored.encoder!r} "
                    f"{stored.config}; this ingest uses {spec.encoder!r} {spec.config}. "
                    "Use the same encoder settings, re-embed the column with `xmr backfill`, or a new table"
                )
        return catalog

    def column_like(self, spec: VectorSpec) -> VectorSpec | None:
        """The stored spec of ``spec``'s column: the same column name, else the same field and encoder."""
        if spec.column in self.vectors:
            return self.vectors[spec.column]
        same = [v for v in self.vectors.values() if (v.field, v.encoder) == (spec.field, spec.encoder)]
        return same[0] if len(same) == 1 else None

    # -- facts -------------------------------------------------------------------------------
    def count(self) -> int:
        return 0 if self.table is None else self.table.count_rows()

    def columns(self) -> list[str]:
        """User-visible columns (no hash, no vectors)."""
        if self.table is None:
            return []
        return [f.name for f in self.table.schema if not f.name.startswith(HIDDEN_PREFIXES)]

    def encoder(self, column: str) -> Encoder:
        """The encoder that built ``column``, rebuilt from the table metadata (cached)."""
        if column not in self._encoders:
            self._encoders[column] = build_encoder(self.vectors[column])
        return self._encoders[column]

    def use_encoder(self, column: str, encoder: Encoder) -> None:
        """Search ``column`` with an encoder instance of your own (must share its space)."""
        check_same_space(self.vectors[column], encoder)
        self._encoders[column] = encoder

    # -- writing -----------------------------------------------------------------------------
    def write(self, rows: pa.Table, *, new: bool = False) -> tuple[int, int]:
        """Upsert ``rows`` by ``id``; returns (inserted, updated).

        ``new=True`` promises that no id of ``rows`` is in the table yet: they are appended
        without the merge (much faster on a large table).
        """
        if self.table is not None and new:
            self.table.add(rows, on_bad_vectors=NULL_VECTORS)
            return rows.num_rows, 0
        if self.table is None:
            schema = rows.schema.with_metadata({META_KEY: _dump_meta(self.vectors.values())})
            self.table = self.db.create_table(self.name, data=rows.cast(schema), schema=schema,
                                              on_bad_vectors=NULL_VECTORS)
            from lancedb.index import BTree

            self.table.create_index("id", config=BTree())
            return rows.num_rows, 0
        result = (
            self.table.merge_insert("id").when_matched_update_all().when_not_matched_insert_all()
            .execute(rows, on_bad_vectors=NULL_VECTORS)
        )
        return result.num_inserted_rows, result.num_updated_rows

    def hashes(self, ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        """Stored (content hash, embedded-inputs hash) of those ``ids`` that exist."""
        if self.table is None or not ids:
            return {}
        where = "id IN (" + ", ".join(sql_literal(i) for i in ids) + ")"
        found = self.table.search().where(where).select(["id", "_hash", "_embed_hash"]).limit(len(ids)).to_arrow()
        pairs = zip(found["_hash"].to_pylist(), found["_embed_hash"].to_pylist(), strict=True)
        return dict(zip(found["id"].to_pylist(), pairs, strict=True))

    def add_columns(self, fields: Sequence[pa.Field]) -> None:
        """Add new (all-null) metadata columns."""
        if self.table is not None and fields:
            self.table.add_columns(list(fields))

    def schema(self) -> pa.Schema | None:
        return None if self.table is None else self.table.schema

    def missing_indexes(self, ann_threshold: int = DEFAULT_ANN_THRESHOLD) -> list[str]:
        """Columns that should have an index and have none yet."""
        if self.table is None:
            return []
        have = {column for ix in self.table.list_indices() for column in ix.columns}
        wanted = [*self.fts_columns(), "id"]
        if self.table.count_rows() >= ann_threshold:
            wanted += list(self.vectors)
        return [c for c in wanted if c not in have]

    def refresh_indexes(self, *, ann_threshold: int = DEFAULT_ANN_THRESHOLD) -> list[str]:
        """Build missing indexes (full text on title/text, B-tree on id, ANN once the table has
        ``ann_threshold`` rows), then compact and bring existing indexes up to date."""
        from lancedb.index import FTS, BTree, IvfHnswSq

        missing = self.missing_indexes(ann_threshold)
        for column in missing:
            if column in self.vectors:
                config: Any = IvfHnswSq(distance_type="cosine")
            else:
                config = BTree() if column == "id" else FTS()
            self._table().create_index(column, config=config, replace=True)
        if self.table is not None:
            self.table.optimize()
        return missing

    # -- searching ---------------------------------------------------------------------------
    def search(
        self,
        query: str,
        *,
        k: int = 10,
        where: str | None = None,
        hybrid: bool = False,
        modality: str = "text",
        timings: dict[str, float] | None = None,
    ) -> list[Hit]:
        """A query → hits, fused (reciprocal rank) over every vector column it can be compared with.

        ``query`` is text, or for ``modality="image"`` (or another media) a file path or URL: it
        is encoded by each column's encoder that takes that modality. ``hybrid`` adds full-text
        search (text only). Pass a dict as ``timings`` to get seconds per stage. A hit on a video
        item through an image column names the keyframe that matched (``item["matched_keyframe"]``).
        """
        if not query or not str(query).strip():
            raise ConfigError("the query is empty: give some words (or a file) to search for")
        if k < 1:
            raise ConfigError(f"k must be at least 1, got {k}")
        if hybrid and modality != "text":
            raise ConfigError("hybrid search combines full text with vectors: it needs a text query")
        columns = self.columns_for(modality)
        if not columns:
            raise StoreError(f"table {self.name!r} has no vector column that a {modality} query can search; "
                             f"its columns: {', '.join(self.vectors) or 'none'}")
        clock = timings if timings is not None else {}
        per_column, vectors = [], {}
        for column in columns:
            with _timed(clock, "encode"):
                vector = vectors[column] = self.encoder(column).encode([query], modality=modality, role="query")[0]
            with _timed(clock, "search"):
                if hybrid:
                    per_column.append(self._hybrid(query, vector, column, k, where))
                else:
                    per_column.append(self.search_vector(vector, column=column, k=k, where=where))
        if len(per_column) == 1:
            hits = per_column[0]
        else:
            with _timed(clock, "fuse"):
                hits = rrf_fuse(per_column, k=k)
        from xmr_agent.video import mark_keyframes

        mark_keyframes(self, hits, vectors)
        return hits

    def columns_for(self, modality: str) -> list[str]:
        """Vector columns a query of ``modality`` can search (its encoder takes that modality)."""
        return [c for c, v in self.vectors.items() if v.modality == modality or modality in self.encoder(c).modalities]

    def search_vector(
        self, vector: np.ndarray, *, column: str, k: int = 10, where: str | None = None
    ) -> list[Hit]:
        """Nearest rows to ``vector`` in ``column`` by cosine similarity."""
        query = (
            self._table().search(vector, vector_column_name=column).distance_type("cosine").limit(k)
            .select([*self.columns(), "_distance"])  # vectors stay in the table: no copying 384 floats a hit
        )
        rows = self._run(query.where(where, prefilter=True) if where else query, where)
        return [self._hit(r, 1.0 - float(r.pop("_distance")), f"vector:{column}") for r in rows]

    def fts_columns(self) -> list[str]:
        """Columns with a full-text index: title, text, and transcripts where the table has them."""
        names = self.schema().names if self.schema() is not None else []  # type: ignore[union-attr]
        return [*TEXT_FIELDS, *(c for c in ("transcript",) if c in names)]

    def search_text(self, text: str, *, k: int = 10, where: str | None = None) -> list[Hit]:
        """Full-text (BM25) search over title, text (and transcripts); scores are BM25 scores."""
        query = (
            self._table().search(text, query_type="fts", fts_columns=self.fts_columns())
            .limit(k).select([*self.columns(), "_score"])
        )
        try:
            rows = self._run(query.where(where, prefilter=True) if where else query, where)
        except StoreError:
            return []  # no full-text index yet (an empty or fresh table): nothing to add
        return [self._hit(r, float(r.pop("_score")), "fts") for r in rows]

    def vectors_of(self, ids: Sequence[str], column: str) -> dict[str, np.ndarray]:
        """Stored vectors of ``column`` for ``ids`` (items without one are left out)."""
        if not ids:
            return {}
        where = "id IN (" + ", ".join(sql_literal(i) for i in ids) + ")"
        rows = self._table().search().where(where).select(["id", column]).limit(len(ids)).to_list()
        return {r["id"]: np.asarray(r[column], dtype=np.float32) for r in rows if r.get(column) is not None}

    def _hybrid(self, text: str, vector: np.ndarray, column: str, k: int, where: str | None) -> list[Hit]:
        from lancedb.rerankers import RRFReranker

        query = (
            self._table()
            .search(query_type="hybrid", vector_column_name=column, fts_columns=self.fts_columns())
            .vector(vector)
            .text(text)
            .distance_type("cosine")
            .limit(k)
            .select(self.columns())
            .rerank(RRFReranker())
        )
        rows = self._run(query.where(where, prefilter=True) if where else query, where)
        return [self._hit(r, float(r.pop("_relevance_score")), "hybrid") for r in rows]

    def get(self, ids: Sequence[str], *, where: str | None = None) -> list[dict[str, Any]]:
        """Stored items by id (user-visible fields), in the order given; missing ids (and, with
        ``where``, items that do not meet it) are left out."""
        if not ids:
            return []
        clause = "id IN (" + ", ".join(sql_literal(i) for i in ids) + ")"
        clause = f"({clause}) AND ({where})" if where else clause
        rows = self._run(self._table().search().where(clause).select(self.columns()).limit(len(ids)), where)
        by_id = {r["id"]: self._visible(r) for r in rows}
        return [by_id[i] for i in ids if i in by_id]

    def _table(self) -> Any:
        if self.table is None:
            raise StoreError(f"table {self.name!r} is empty: ingest a catalogue first")
        return self.table

    def _run(self, query: Any, where: str | None) -> list[dict[str, Any]]:
        try:
            return query.to_list()
        except ValueError as e:
            if where:
                raise ConfigError(
                    f"the filter {where!r} is not valid for table {self.name!r}: {e}. "
                    f"Columns: {', '.join(self.columns())}"
                ) from e
            raise StoreError(f"search on table {self.name!r} failed: {e}") from e

    def _hit(self, row: dict[str, Any], score: float, source: str) -> Hit:
        return Hit(id=row["id"], score=score, item=self._visible(row), scores={source: score})

    @staticmethod
    def _visible(row: Mapping[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in row.items() if not k.startswith(HIDDEN_PREFIXES)}


def rrf_fuse(rankings: Sequence[Sequence[Hit]], *, k: int, c: int = 60) -> list[Hit]:
    """Reciprocal-rank fusion of several ranked hit lists (score = Σ 1 / (c + rank))."""
    fused: dict[str, float] = {}
    first: dict[str, Hit] = {}
    sources: dict[str, dict[str, float]] = {}
    for ranking in rankings:
        for rank, hit in enumerate(ranking, start=1):
            fused[hit.id] = fused.get(hit.id, 0.0) + 1.0 / (c + rank)
            first.setdefault(hit.id, hit)
            sources.setdefault(hit.id, {}).update(hit.scores)
    order = sorted(fused, key=lambda i: -fused[i])[:k]
    return [Hit(i, fused[i], first[i].item, sources[i]) for i in order]


@contextmanager
def _timed(clock: dict[str, float], stage: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        clock[stage] = clock.get(stage, 0.0) + time.perf_counter() - start


def sql_literal(value: str) -> str:
    """A single-quoted SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def read_vector_specs(schema: pa.Schema, name: str = "") -> list[VectorSpec]:
    """The searchable vector columns: the schema metadata's specs whose column is there and not
    retired, then the columns added later (a spec in their field metadata)."""
    names = set(schema.names)
    basis = [v for v in read_hash_basis(schema, name) if v.column in names and not _field_meta(schema, v.column,
                                                                                               FIELD_RETIRED_KEY)]
    added = [VectorSpec(**json.loads(raw)) for f in schema
             if (raw := _field_meta(schema, f.name, FIELD_SPEC_KEY)) and not _field_meta(schema, f.name,
                                                                                             FIELD_RETIRED_KEY)]
    return basis + [v for v in added if v.column not in {b.column for b in basis}]


def read_hash_basis(schema: pa.Schema, name: str = "") -> list[VectorSpec]:
    """The vector specs in a table's schema metadata (those it was created with)."""
    raw = (schema.metadata or {}).get(META_KEY)
    if raw is None:
        raise StoreError(f"table {name!r} was not written by xmr-agent (no {META_KEY.decode()} metadata)")
    meta = json.loads(raw)
    if meta.get("format", 0) > FORMAT_VERSION:
        raise StoreError(f"table {name!r} has format {meta['format']}; upgrade xmr-agent to read it")
    return [VectorSpec(**v) for v in meta["vectors"]]


def _field_meta(schema: pa.Schema, column: str, key: str) -> str | None:
    """A value of ``column``'s field metadata (None when absent)."""
    index = schema.get_field_index(column)
    if index < 0:
        return None
    raw = (schema.field(index).metadata or {}).get(key.encode())
    return None if raw is None else raw.decode()


def spec_json(spec: VectorSpec) -> str:
    """``spec`` as the JSON kept in a column's field metadata."""
    return json.dumps(asdict(spec), sort_keys=True)


def _dump_meta(vectors: Sequence[VectorSpec]) -> bytes:
    return json.dumps({"format": FORMAT_VERSION, "vectors": [asdict(v) for v in vectors]}).encode()


def _table_names(db: Any) -> list[str]:
    listing = db.list_tables()
    return list(getattr(listing, "tables", listing))
