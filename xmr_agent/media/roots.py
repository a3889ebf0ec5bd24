"""Where media files may be read from: one check that a path, once resolved (symlinks followed),
lies inside one of the allowed folders; and what counts as a URL rather than a path."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

#: A location with a scheme (``https://``, ``s3://``): read by its library, not from a local folder.
URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def resolved_roots(roots: Sequence[str | Path]) -> list[Path]:
    """The folders, resolved once."""
    return [Path(r).resolve() for r in roots]


def inside(path: str | Path, roots: Sequence[Path]) -> bool:
    """Whether ``path`` resolves to a place inside one of ``roots`` (already resolved); a path that
    cannot be resolved (a NUL character, a link loop) lies nowhere."""
    try:
        resolved = Path(path).expanduser().resolve()
    except (OSError, ValueError, RuntimeError):
        return False
    return any(resolved.is_relative_to(root) for root in roots)
