"""User profiles from interaction logs, and "more for this user" with no query.

An interaction log is JSONL, one event per line: ``{"user": "u1", "item": "song-001",
"rating": 4}`` or ``{"user": ..., "item": ..., "like": true}``, with an optional ``time``
(epoch seconds or ISO 8601). A user's profile is, per vector column, the weighted average of
the stored vectors of the items they liked — weights from the rating (or like/dislike) and
halved every ``half_life_days`` — expressed as item sub-queries, so the agent's early fusion
builds the profile vector for each modality. Disliked items are demoted, seen items skipped.
With no positive interaction (cold start) the answer is the items most liked by everyone.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xmr_agent.agent.query import CrossModalQuery, SubQuery
from xmr_agent.errors import ConfigError
from xmr_agent.recommend.graph import ItemGraph
from xmr_agent.types import BadRecord

NEUTRAL_RATING = 3.0
HALF_LIFE_DAYS = 180.0
MAX_PROFILE_ITEMS = 20


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


def profile_query(events: Sequence[Interaction], user: str, *, k: int = 10, now: float | None = None,
                  half_life_days: float = HALF_LIFE_DAYS) -> CrossModalQuery:
    """The query that stands for ``user``'s taste (empty ``queries`` when there is none)."""
    now = now if now is not None else time.time()
    mine = [e for e in events if e.user == user]
    weights: dict[str, float] = {}
    for e in mine:
        age_days = max(now - e.time, 0.0) / 86_400 if e.time else 0.0
        weights[e.item] = weights.get(e.item, 0.0) + e.weight * 0.5 ** (age_days / half_life_days)
    liked = sorted((i for i, w in weights.items() if w > 0), key=lambda i: -weights[i])[:MAX_PROFILE_ITEMS]
    disliked = [i for i, w in weights.items() if w < 0]
    queries = tuple(SubQuery(item=i, modality="item", weight=min(weights[i], 10.0)) for i in liked)
    return CrossModalQuery(queries=queries, unlike_ids=tuple(disliked[:10]), exclude_ids=tuple(weights),
                           seed_ids=tuple(reversed(liked)), k=k, notes=(f"profile of {user!r}: {len(liked)} liked, "
                                                                         f"{len(disliked)} disliked, {len(mine)} events",))


def user_sessions(events: Iterable[Interaction]) -> list[list[str]]:
    """Each user's positively rated items in time order: sessions for an :class:`ItemGraph`."""
    by_user: dict[str, list[Interaction]] = {}
    for e in events:
        if e.weight > 0:
            by_user.setdefault(e.user, []).append(e)
    return [[e.item for e in sorted(v, key=lambda e: e.time)] for v in by_user.values()]


def recommend_for_user(agent: Any, events: Sequence[Interaction], user: str, *, k: int = 10) -> Any:
    """"More for this user": the profile query through ``agent`` (an Agent, whose item graph is
    learned from everyone's events if it has none); cold start falls back to popularity."""
    if agent.graph is None:
        agent.graph = ItemGraph.fit(user_sessions(events))
    query = profile_query(events, user, k=k)
    if not query.queries:
        agent.popularity_weight = agent.popularity_weight or 1.0
        query = query.model_copy(update={"notes": (*query.notes, "cold start: the items most liked by everyone")})
    return agent.run(query, f"more for {user}")
