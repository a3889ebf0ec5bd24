"""Responses of ``xmr serve`` without the server's file paths, and errors as one clean JSON line.

An item's media file becomes the URL the server serves it at (``/media/{field}/{id}``), a file a
user attached becomes ``/uploads/{name}``, and any other absolute path in a response or an error
message (a database folder, a temporary file, a library's source) is cut to its last part.
"""

from __future__ import annotations

import logging
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from xmr_agent.ingestion.readers import MEDIA_FIELDS
from xmr_agent.media.roots import URL, inside

__all__ = ["Public", "redact", "redact_all"]

_log = logging.getLogger(__name__)
#: An absolute path: a slash, then characters up to a space, a quote or a bracket.
_PATH = re.compile(r"""(?<![\w.:/~-])/[^\s'"`<>(){}\[\],;]+""")


class Public:
    """Rewrites response data for the world: media paths → URLs, other paths → their names."""

    def __init__(self, uploads: Path) -> None:
        self.uploads = uploads.resolve()

    def data(self, value: Any) -> Any:
        """``value`` (JSON-ready data) with every server path replaced (see the module docstring)."""
        if isinstance(value, dict):
            item_id = value.get("id")
            return {key: self._field(key, inner, item_id) for key, inner in value.items()}
        if isinstance(value, list):
            return [self.data(inner) for inner in value]
        if isinstance(value, str):
            return redact(value)
        return value

    def _field(self, key: str, value: Any, item_id: Any) -> Any:
        if isinstance(value, str) and value and not URL.match(value):
            if key in MEDIA_FIELDS and isinstance(item_id, str) and Path(value).is_absolute():
                return f"/media/{key}/{quote(item_id, safe='')}"
            if key == "file" or key in MEDIA_FIELDS:
                return self.upload_url(value)
        return self.data(value)

    def upload_url(self, path: str) -> str:
        """``/uploads/{name}`` for a file in the upload folder, else the file's name alone."""
        p = Path(path)
        served = inside(p, [self.uploads]) and p.resolve().parent == self.uploads  # resolves once inside says so
        return f"/uploads/{p.name}" if served else p.name


def redact_all(value: Any) -> Any:
    """``value`` (JSON-ready data) with :func:`redact` applied to every string in it."""
    if isinstance(value, dict):
        return {key: redact_all(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [redact_all(inner) for inner in value]
    return redact(value) if isinstance(value, str) else value


def redact(text: str) -> str:
    """``text`` with each absolute path under one of this machine's top folders cut to its last
    part (``/srv/x/db/photo.png`` → ``photo.png``); URL paths such as ``/chat/alice`` stay."""
    if "/" not in text:
        return text
    return _PATH.sub(_short, text)


def _short(match: re.Match[str]) -> str:
    path = match.group(0)
    first = path.split("/", 2)[1]
    if first not in _top_folders():
        return path
    return path.rstrip("/").rsplit("/", 1)[-1] or "…"


@lru_cache(maxsize=1)
def _top_folders() -> frozenset[str]:
    try:
        return frozenset(os.listdir("/"))
    except OSError:  # pragma: no cover - a root that cannot be listed
        _log.warning("cannot list / to recognise server paths in responses")
        return frozenset()
