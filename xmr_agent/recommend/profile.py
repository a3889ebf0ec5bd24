"""Interaction logs: reading them, and each user's liked items in time order.

An interaction log is JSONL, one event per line: ``{"user": "u1", "item": "song-001",
"rating": 4}`` or ``{"user": ..., "item": ..., "like": true}``, with an optional ``time``
(epoch seconds or ISO 8601). A rating becomes a weight around :data:`NEUTRAL_RATING`; the
profile built from a user's events is in :mod:`xmr_agent.agent.users`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xmr_agent.errors import ConfigError
from xmr_agent.types import BadRecord

NEUTRAL_RATING = 3.0


@dataclass(frozen=True)
class Interaction:
    user: str
    item: str
    weight: float
    time: float


def read_interactions(path: str | Path) -> tuple[list[Interaction], list[BadRecord]]:
    """Events from a JSONL file; malformed lines are returned as bad records, not raised."""
    events, bad = [], []
    for n, line in log_lines(path, "interactions"):
        try:
            events.append(_event(json.loads(line)))
        except (ValueError, TypeError, KeyError) as e:
            bad.append(BadRecord(str(path), n, f"not an interaction ({e}); expected user, item and rating or like"))
    return events, bad


def log_lines(path: str | Path, what: str) -> list[tuple[int, str]]:
    """(line number, line) of each non-blank line of a log; a file that cannot be read raises
    :class:`ConfigError` naming ``what`` it should hold."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise ConfigError(f"cannot read {what} {path}: {e}") from e
    return [(n, line) for n, line in enumerate(lines, start=1) if line.strip()]


def _event(row: Any) -> Interaction:
    if not isinstance(row, dict):
        raise ValueError("a JSON object per line")
    user, item = str(row["user"]), str(row["item"])
    if "rating" in row:
        weight = (float(row["rating"]) - NEUTRAL_RATING) / NEUTRAL_RATING
    elif "like" in row:
        weight = 1.0 if bool(row["like"]) else -1.0
    else:
        weight = 0.5  # a view / purchase with no rating: mildly positive
    return Interaction(user, item, weight, _when(row.get("time")))


def _when(value: Any) -> float:
    if value is None:
        return 0.0
    if isinstance(value, int | float):
        return float(value)
    return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()


def user_sessions(events: Iterable[Interaction]) -> list[list[str]]:
    """Each user's positively rated items in time order: sessions for an :class:`ItemGraph`."""
    by_user: dict[str, list[Interaction]] = {}
    for e in events:
        if e.weight > 0:
            by_user.setdefault(e.user, []).append(e)
    return [[e.item for e in sorted(v, key=lambda e: e.time)] for v in by_user.values()]


