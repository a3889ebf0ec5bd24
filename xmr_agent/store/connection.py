"""A LanceDB connection: a local folder, or an S3-compatible object store."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from xmr_agent.errors import StoreError, StoreUnavailable

#: Where in LanceDB's Rust sources an error was raised (", /root/.cargo/.../scanner.rs:8155:66"): not for users.
_SOURCE = re.compile(r",?\s*(?:/|[A-Za-z]:\\)\S*\.rs:\d+(?::\d+)?")


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


def lance_message(error: BaseException) -> str:
    """LanceDB's message for ``error`` on one line, without the Rust source locations it names."""
    text = " ".join(str(error).split())
    return _SOURCE.sub("", text)


def unavailable(table: str, error: BaseException) -> StoreUnavailable:
    """A :class:`StoreUnavailable` for a LanceDB or file-system failure: a query past its time, a
    full or read-only disk, an I/O error."""
    text = lance_message(error)
    if "timeout" in text.lower() or "timed out" in text.lower():
        return StoreUnavailable(f"the query{f' on table {table!r}' if table else ''} ran past its time budget and was stopped; "
                                "narrow the request (fewer or simpler filters) and try again")
    reason = error.strerror if isinstance(error, OSError) and error.strerror else text.split(":")[-1].strip()
    return StoreUnavailable(f"the catalogue's storage cannot be used now ({reason or type(error).__name__}): the "
                            "disk may be full, read-only or failing; try again later")
