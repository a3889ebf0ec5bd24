"""How long ``xmr serve`` keeps what users leave behind: uploaded files and chat sessions are
deleted once older than a number of days, and the oldest first while a folder is over its size.

The sweep runs when the server starts and then at most once a minute, after a request that wrote
a file; it looks only at plain files directly in the two folders (a link is removed, never followed).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Retention", "Sweeper", "prune"]

_log = logging.getLogger(__name__)
DAY = 86_400.0
MB = 1024 * 1024
#: Temporary files of an interrupted write are removed after this many seconds.
STALE_TMP_S = 3600.0


class Retention(BaseModel):
    """Ages (days) and sizes (MB) past which uploads and sessions are deleted."""

    model_config = ConfigDict(frozen=True)

    upload_days: float = Field(default=7.0, gt=0, description="Uploaded files older than this are deleted.")
    upload_mb: float = Field(default=1024.0, gt=0, description="Largest total size of the upload folder.")
    session_days: float = Field(default=30.0, gt=0, description="Sessions untouched for this long are deleted.")
    session_mb: float = Field(default=256.0, gt=0, description="Largest total size of the session folder.")
    every_s: float = Field(default=60.0, ge=0, description="Least time between two sweeps.")


class _Folder(NamedTuple):
    path: Path
    pattern: str
    max_age_s: float
    max_bytes: int


def prune(folder: Path, pattern: str, *, max_age_s: float, max_bytes: int, now: float | None = None) -> list[Path]:
    """Delete files of ``folder`` matching ``pattern`` older than ``max_age_s``, then the oldest
    until the rest fit in ``max_bytes``; returns what was deleted. Links are removed, not followed."""
    now = time.time() if now is None else now
    entries = []
    for path in folder.glob(pattern):
        try:
            info = path.lstat()
        except FileNotFoundError:
            continue
        if path.is_symlink() or path.is_file():
            entries.append((info.st_mtime, info.st_size, path))
    entries.sort()
    total = sum(size for _, size, _ in entries)
    removed = []
    for mtime, size, path in entries:
        stale = path.name.endswith(".tmp") and now - mtime > STALE_TMP_S
        if now - mtime <= max_age_s and total <= max_bytes and not stale and not path.is_symlink():
            continue
        path.unlink(missing_ok=True)
        total -= size
        removed.append(path)
    return removed


class Sweeper:
    """Runs :func:`prune` over the upload and session folders, at most every ``every_s`` seconds."""

    def __init__(self, retention: Retention, uploads: Path, sessions: Path) -> None:
        self.every_s = retention.every_s
        self.folders: Sequence[_Folder] = (
            _Folder(uploads, "*", retention.upload_days * DAY, int(retention.upload_mb * MB)),
            _Folder(sessions, "*.json", retention.session_days * DAY, int(retention.session_mb * MB)),
            _Folder(sessions, "*.tmp", retention.session_days * DAY, int(retention.session_mb * MB)),
        )
        self._lock, self._last = threading.Lock(), float("-inf")

    def maybe(self) -> list[Path]:
        """Sweep if the last sweep is at least ``every_s`` seconds old (and none is running)."""
        now = time.monotonic()
        if now - self._last < self.every_s or not self._lock.acquire(blocking=False):
            return []
        try:
            self._last = now
            return self.sweep()
        finally:
            self._lock.release()

    def sweep(self) -> list[Path]:
        removed: list[Path] = []
        for folder in self.folders:
            if folder.path.is_dir():
                try:
                    removed += prune(folder.path, folder.pattern, max_age_s=folder.max_age_s,
                                     max_bytes=folder.max_bytes)
                except OSError as e:
                    _log.warning("cannot clean %s: %s", folder.path.name, e)
        if removed:
            _log.info("removed %d expired uploads and sessions", len(removed))
        return removed
