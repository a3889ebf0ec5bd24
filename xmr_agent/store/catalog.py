"""The catalogue store: one LanceDB table per catalogue.

A table holds the core fields (``id``, ``title``, ``text``, ``image``, ``audio``, ``video``),
any other item fields as typed metadata columns, a content hash ``_hash``, and one vector
column per (field, encoder). The encoders' names and settings live in the table's schema
metadata, so :meth:`Catalog.open` rebuilds them in a new process with no arguments.

Columns added later by :mod:`xmr_agent.ingestion.backfill` carry their spec in their own field metadata
(LanceDB updates a field's metadata, not the schema's): a column counts once it has a spec
there, a column marked retired no longer counts, and the specs the table was created with stay
the basis of the content hashes, so adding a column never makes stored rows look changed.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from xmr_agent.encoders.base import Encoder
from xmr_agent.encoders.language import catalogue_language, for_language
from xmr_agent.errors import ConfigError, EncoderMismatch, StoreError, StoreUnavailable
from xmr_agent.store.columns import TEXT_FIELDS
from xmr_agent.store.connection import connect, lance_message, table_names, unavailable
from xmr_agent.store.filters import all_of, ids_in
from xmr_agent.store.fusion import rrf_fuse
from xmr_agent.store.keyframes import match_keyframes, with_keyframes
from xmr_agent.store.specs import (
    META_KEY,
    VectorSpec,
    build_encoder,
    check_same_space,
    dump_meta,
    read_hash_basis,
    read_vector_specs,
)
from xmr_agent.store.table import TableHandle
from xmr_agent.types import Hit

DEFAULT_ANN_THRESHOLD = 50_000
#: An item with nothing to embed in a column (e.g. no image) has a null vector there; LanceDB
#: refuses null vectors in wide float columns unless told to keep them as null.
NULL_VECTORS = "null"
#: Seconds a search may run in LanceDB before it is stopped (``Catalog.query_timeout``; ``None``: no limit).
QUERY_TIMEOUT = 30.0


class Catalog(TableHandle):
    """One catalogue table: write rows, search them, and keep its indexes."""

    #: Time budget of one search in seconds (``None``: none); a query past it raises StoreUnavailable.
    query_timeout: float | None = QUERY_TIMEOUT

    def __init__(self, db: Any, name: str, table: Any | None, vectors: Sequence[VectorSpec],
                 hash_basis: Sequence[VectorSpec] | None = None) -> None:
        super().__init__(db, name, table)
        self.vectors = {v.column: v for v in vectors}
        #: The specs the table was created with: what content hashes are computed over.
        self.hash_basis = list(vectors if hash_basis is None else hash_basis)
        self._encoders: dict[str, Encoder] = {}
        self._language: list[str | None] = []  #: the detected language of the titles and texts, once read

    # -- opening -----------------------------------------------------------------------------
    @classmethod
    def open(cls, uri: str | Path, name: str, *, storage_options: Mapping[str, str] | None = None) -> Catalog:
        """Open an existing catalogue; its encoders come back from the table metadata."""
        db = connect(uri, create=False, storage_options=storage_options)
        try:
            table = db.open_table(name)
        except (ValueError, FileNotFoundError) as e:
            raise StoreError(
                f"no table {name!r} in {uri}; tables there: {table_names(db) or 'none'}. "
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
        if name not in table_names(db):
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

    # -- encoders ----------------------------------------------------------------------------

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
        """Upsert ``rows`` by ``id``; returns (inserted, updated). ``new=True`` promises that no id of
        ``rows`` is in the table yet: they are appended without the merge (much faster)."""
        if self.table is not None:  # a column first seen in a batch prepared before the table had it
            self.add_columns([f for f in rows.schema if f.name not in self.column_names()])
        if self.table is not None and new:
            self.table.add(rows, on_bad_vectors=NULL_VECTORS)
            return rows.num_rows, 0
        if self.table is None:
            schema = rows.schema.with_metadata({META_KEY: dump_meta(list(self.vectors.values()))})
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
        found = self.table.search().where(ids_in(ids)).select(["id", "_hash", "_embed_hash"]).limit(len(ids)).to_arrow()
        pairs = zip(found["_hash"].to_pylist(), found["_embed_hash"].to_pylist(), strict=True)
        return dict(zip(found["id"].to_pylist(), pairs, strict=True))

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
            self.lance.create_index(column, config=config, replace=True)
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
            raise StoreError(self.cannot_search(modality))
        if modality == "text":
            columns = self.by_language(str(query), columns)
        if where:
            self.check_filter(where)  # before any model loads: a bad filter answers at once
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
        return with_keyframes(hits, self.match_keyframes(hits, vectors))

    def search_many(self, queries: Sequence[str], *, k: int = 10, where: str | None = None) -> list[list[Hit]]:
        """Several text queries at once, each answered as :meth:`search` answers it (one encode per
        column and one multi-vector LanceDB query: :func:`xmr_agent.store.many.search_many`)."""
        from xmr_agent.store.many import search_many

        return search_many(self, queries, k=k, where=where)

    def search_vectors(self, vectors: np.ndarray, *, column: str, k: int = 10, where: str | None = None
                       ) -> list[list[Hit]]:
        """:meth:`search_vector` for each row of ``vectors``, in one LanceDB query."""
        if len(vectors) == 1:
            return [self.search_vector(vectors[0], column=column, k=k, where=where)]
        query = (self.lance.search(list(vectors), vector_column_name=column).distance_type("cosine").limit(k)
                 .select([*self.columns(), "_distance"]))
        found: list[list[Hit]] = [[] for _ in vectors]
        for row in self._run(query.where(where, prefilter=True) if where else query, where):
            found[int(row.pop("query_index"))].append(self._hit(row, 1.0 - float(row.pop("_distance")),
                                                                f"vector:{column}"))
        return [sorted(hits, key=lambda h: -h.score) for hits in found]

    def match_keyframes(self, hits: Sequence[Hit], vectors: Mapping[str, np.ndarray]) -> dict[str, dict[str, Any]]:
        """The best keyframe of each video hit for the query ``vectors`` (column → vector)."""
        return match_keyframes(self.table, {c: v.field for c, v in self.vectors.items()}, hits, vectors)

    def cannot_search(self, modality: str) -> str:
        """Why a ``modality`` query finds nothing here, and the command that adds such vectors."""
        encoder = {"image": "efficientnet-lite0", "audio": "NAME"}.get(modality, "text")
        uri = getattr(self.db, "uri", "DB")
        return (f"table {self.name!r} has no {modality} vectors (its vector columns: {', '.join(self.vectors) or 'none'}), "
                f"so a query by {modality} cannot be searched; add them with `xmr backfill --encoder "
                f"{modality}={encoder} --db {uri} --table {self.name}`")

    def check_filter(self, where: str) -> None:
        """Raise :class:`ConfigError` if ``where`` is not a valid filter on this table (the query is
        planned, not run)."""
        try:
            self.lance.search().where(where).limit(1).explain_plan()
        except (RuntimeError, ValueError) as e:
            raise self._bad_filter(where, e) from e

    def text_language(self, sample: int = 200) -> str | None:
        """The language most of the titles and texts are in (read once, from ``sample`` rows)."""
        if not self._language:
            rows = self.rows(list(TEXT_FIELDS), limit=sample)  # none while the table is empty
            self._language.append(catalogue_language([" ".join(str(r.get(c) or "") for c in TEXT_FIELDS) for r in rows]))
        return self._language[0]

    def columns_for(self, modality: str) -> list[str]:
        """Vector columns a query of ``modality`` can search (its encoder takes that modality)."""
        return [c for c, v in self.vectors.items() if v.modality == modality or modality in self.encoder(c).modalities]

    def by_language(self, text: str, columns: Sequence[str]) -> list[str]:
        """``columns`` less the text-field columns whose encoder is not the one for ``text``'s language
        and the catalogue's (:func:`~xmr_agent.encoders.language.for_language`; one such column is
        always kept)."""
        texts = {c: self.encoder(c) for c in columns if self.vectors[c].modality == "text"}
        chosen = set(for_language(text, texts, self.text_language() if len(texts) > 1 else None))
        return [c for c in columns if c not in texts or c in chosen]

    def search_vector(
        self, vector: np.ndarray, *, column: str, k: int = 10, where: str | None = None
    ) -> list[Hit]:
        """Nearest rows to ``vector`` in ``column`` by cosine similarity."""
        query = (
            self.lance.search(vector, vector_column_name=column).distance_type("cosine").limit(k)
            .select([*self.columns(), "_distance"])  # vectors stay in the table: no copying 384 floats a hit
        )
        rows = self._run(query.where(where, prefilter=True) if where else query, where)
        return [self._hit(r, 1.0 - float(r.pop("_distance")), f"vector:{column}") for r in rows]

    def fts_columns(self) -> list[str]:
        """Columns with a full-text index: title, text, and transcripts where the table has them."""
        names = self.column_names()
        return [*TEXT_FIELDS, *(c for c in ("transcript",) if c in names)]

    def search_text(self, text: str, *, k: int = 10, where: str | None = None) -> list[Hit]:
        """Full-text (BM25) search over title, text (and transcripts); scores are BM25 scores."""
        query = (
            self.lance.search(text, query_type="fts", fts_columns=self.fts_columns())
            .limit(k).select([*self.columns(), "_score"])
        )
        try:
            rows = self._run(query.where(where, prefilter=True) if where else query, where)
        except StoreUnavailable:
            raise
        except StoreError:
            return []  # no full-text index yet (an empty or fresh table): nothing to add
        return [self._hit(r, float(r.pop("_score")), "fts") for r in rows]

    def vectors_of(self, ids: Sequence[str], column: str) -> dict[str, np.ndarray]:
        """Stored vectors of ``column`` for ``ids`` (items without one are left out)."""
        if not ids:
            return {}
        rows = self.lance.search().where(ids_in(ids)).select(["id", column]).limit(len(ids)).to_list()
        return {r["id"]: np.asarray(r[column], dtype=np.float32) for r in rows if r.get(column) is not None}

    def _hybrid(self, text: str, vector: np.ndarray, column: str, k: int, where: str | None) -> list[Hit]:
        from lancedb.rerankers import RRFReranker

        query = (
            self.lance
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
        clause = all_of(ids_in(ids), where)
        rows = self._run(self.lance.search().where(clause).select(self.columns()).limit(len(ids)), where)
        by_id = {r["id"]: self._visible(r) for r in rows}
        return [by_id[i] for i in ids if i in by_id]

    def sorted_ids(self, column: str | None, *, descending: bool = False, where: str | None = None, k: int = 10,
                   limit: int = 100_000) -> list[str]:
        """Ids of the first ``k`` items meeting ``where`` (of the first ``limit``) by ``column``, items
        without a value left out ("the cheapest thing you have"); ``None``: in stored order."""
        if self.table is None:
            return []
        query = self.lance.search().select(["id", column] if column else ["id"]).limit(limit if column else k)
        rows = self._run(query.where(where) if where else query, where)
        valued = [r for r in rows if column is None or (isinstance(r.get(column), int | float) and r[column] == r[column])]
        return [str(r["id"]) for r in (sorted(valued, key=lambda r: r[column], reverse=descending) if column else valued)][:k]

    def rows(self, columns: Sequence[str], *, limit: int = 5_000) -> list[dict[str, Any]]:
        """The first ``limit`` stored rows, with only ``columns`` (vector columns too): a sample."""
        return self._run(self.lance.search().select(list(columns)).limit(limit), None) if self.table is not None else []

    def _run(self, query: Any, where: str | None) -> list[dict[str, Any]]:
        from datetime import timedelta

        timeout = timedelta(seconds=self.query_timeout) if self.query_timeout else None
        try:
            return query.to_list(timeout=timeout)
        except ValueError as e:
            if where:
                raise self._bad_filter(where, e) from e
            raise StoreError(f"search on table {self.name!r} failed: {lance_message(e)}") from e
        except (OSError, RuntimeError) as e:
            raise unavailable(self.name, e) from e

    def _bad_filter(self, where: str, error: Exception) -> ConfigError:
        return ConfigError(f"the filter {where!r} is not valid for table {self.name!r}: {lance_message(error)}. "
                           f"Columns: {', '.join(self.columns())}")

    def _hit(self, row: dict[str, Any], score: float, source: str) -> Hit:
        return Hit(id=row["id"], score=score, item=self._visible(row), scores={source: score})


@contextmanager
def _timed(clock: dict[str, float], stage: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        clock[stage] = clock.get(stage, 0.0) + time.perf_counter() - start


