"""One writer at a time per table: a lock file beside the table (``filelock``), held by an
ingest from reading the table's state to its last commit, so two writers never both create the
table or append the same new ids. On an object store (``s3://``) there is no shared file system
to lock: writes there rely on LanceDB's merge-insert (which upserts by id) and retries."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from xmr_agent.store.objectstore import is_object_store

#: Seconds to wait quietly before saying that another writer holds the table.
QUIET_WAIT = 1.0


@contextmanager
def write_lock(db: str | Path, table: str, *, notify: Callable[[str], Any] | None = None) -> Iterator[None]:
    """Hold the write lock of ``table`` in the local database ``db`` (no-op for object stores)."""
    if is_object_store(db) or "://" in str(db):
        yield
        return
    from filelock import FileLock, Timeout

    folder = Path(db)
    folder.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(folder / f".{table}.write.lock"))
    try:
        lock.acquire(timeout=QUIET_WAIT)
    except Timeout:
        if notify is not None:
            notify(f"another process is writing to table {table!r}; waiting for it to finish")
        lock.acquire()
    try:
        yield
    finally:
        lock.release()
