"""A LanceDB connection: a local folder, or an S3-compatible object store."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from xmr_agent.errors import StoreError


def connect(uri: str | Path, *, create: bool = True, storage_options: Mapping[str, str] | None = None) -> Any:
    """A LanceDB connection: a local folder (made if ``create``) or any lancedb URI. An object store
    (``s3://``) is reached with :func:`xmr_agent.store.objectstore.resolve_options`: ``storage_options`` first,
    then the environment."""
    import lancedb

    from xmr_agent.store.objectstore import (
        is_object_store,
        normalise_uri,
        probe,
        resolve_options,
    )

    uri = normalise_uri(uri)
    if is_object_store(uri):
        options = resolve_options(uri, storage_options)
        return probe(uri, options, lambda: lancedb.connect(uri, storage_options=options or None))
    if "://" not in uri:
        if not create and not Path(uri).is_dir():
            raise StoreError(f"no database at {uri}: ingest a catalogue there first (`xmr ingest ... --db {uri}`)")
        Path(uri).mkdir(parents=True, exist_ok=True)
    return lancedb.connect(uri, storage_options=dict(storage_options) if storage_options else None)


def table_names(db: Any) -> list[str]:
    listing = db.list_tables()
    return list(getattr(listing, "tables", listing))
