"""The LanceDB table under a catalogue: its plain facts and housekeeping (rows, columns, ids,
metadata kept with the table, deletes, compaction). :class:`~xmr_agent.store.catalog.Catalog`
adds the catalogue's meaning on top: vector columns, encoders, writes and searches."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa

from xmr_agent.errors import StoreError
from xmr_agent.store.columns import HIDDEN_PREFIXES
from xmr_agent.store.filters import ids_in
from xmr_agent.store.specs import field_meta

#: Most titles read for finding items named in a request (a table larger than this is scanned in part).
MAX_TITLES = 500_000
#: Metadata key: the name of the file a table was first ingested from ("courses" of courses.csv).
SOURCE_KEY = "xmr_agent:source"


class TableHandle:
    """One LanceDB table (``None`` until the first write creates it) in the database ``db``."""

    def __init__(self, db: Any, name: str, table: Any | None) -> None:
        self.db = db
        self.name = name
        self.table = table

    def count(self) -> int:
        return 0 if self.table is None else self.table.count_rows()

    def columns(self) -> list[str]:
        """User-visible columns (no hash, no vectors)."""
        if self.table is None:
            return []
        return [f.name for f in self.table.schema if not f.name.startswith(HIDDEN_PREFIXES)]

    def add_columns(self, fields: Sequence[pa.Field]) -> None:
        """Add new (all-null) metadata columns."""
        if self.table is not None and fields:
            self.table.add_columns(list(fields))

    def column_names(self) -> set[str]:
        """Every column of the table, hidden ones included (none before the first write)."""
        schema = self.schema()
        return set() if schema is None else set(schema.names)

    def schema(self) -> pa.Schema | None:
        return None if self.table is None else self.table.schema

    @property
    def lance(self) -> Any:
        """The LanceDB table, for storage-level work (backfill, benchmarks); :class:`StoreError`
        while the catalogue has no table yet."""
        if self.table is None:
            raise StoreError(f"table {self.name!r} is empty: ingest a catalogue first")
        return self.table

    @property
    def exists(self) -> bool:
        """Whether the table has been created (by a first write)."""
        return self.table is not None

    def scan(self, columns: Sequence[str], *, limit: int | None = None) -> pa.Table:
        """Columns of every row (the first ``limit`` rows), as Arrow; empty before the first write."""
        if self.table is None:
            return pa.table({c: pa.array([], pa.string()) for c in columns})
        query = self.table.search().select(list(columns))
        return (query.limit(limit) if limit else query.limit(None)).to_arrow()

    def titles(self) -> list[tuple[str, str]]:
        """(id, title) of every item, up to :data:`MAX_TITLES` (for finding items named in words)."""
        return [(r["id"], r["title"]) for r in self.scan(["id", "title"], limit=MAX_TITLES).to_pylist()]

    @property
    def uri(self) -> str:
        """Where the database is (a folder or an object-store URI)."""
        return str(getattr(self.db, "uri", ""))

    def ids(self) -> list[str]:
        """Every item id in the table."""
        return [str(i) for i in self.scan(["id"])["id"].to_pylist()]

    def delete(self, ids: Sequence[str]) -> int:
        """Remove the items with these ids; returns how many there were."""
        if not ids or self.table is None:
            return 0
        clause = ids_in(list(dict.fromkeys(ids)))
        found = self.table.count_rows(clause)
        if found:
            self.table.delete(clause)
        return found

    def meta(self, key: str) -> str | None:
        """A value xmr-agent keeps with the table (in the field metadata of ``id``)."""
        schema = self.schema()
        return None if schema is None else field_meta(schema, "id", key)

    def label(self) -> str:
        """The table's name and the name of the file it was first ingested from ("catalog
        courses"): words that say what every item is."""
        return " ".join(dict.fromkeys(n for n in (self.name, self.meta(SOURCE_KEY)) if n))

    def set_meta(self, key: str, value: str) -> None:
        """Keep ``value`` with the table under ``key`` (one metadata commit)."""
        self.lance.update_field_metadata({"path": "id", "metadata": {key: value}})

    def optimize(self, **options: Any) -> None:
        """Compact the table and bring its indexes up to date (LanceDB ``optimize``)."""
        if self.table is not None:
            self.table.optimize(**options)

    def indexes(self) -> list[Any]:
        """The table's indexes (LanceDB ``list_indices``)."""
        return [] if self.table is None else list(self.table.list_indices())

    @staticmethod
    def _visible(row: Mapping[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in row.items() if not k.startswith(HIDDEN_PREFIXES)}
