"""A user's profile from their interactions, and "more for this user" with no query.

A user's profile is, per vector column, the weighted average of the stored vectors of the items
they liked — weights from the rating (or like/dislike) and halved every ``half_life_days`` —
expressed as item sub-queries, so the agent's early fusion builds the profile vector for each
modality. Disliked items are demoted, seen items skipped. With no positive interaction (cold
start) the answer is the items most liked by everyone."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from xmr_agent.agent.query import CrossModalQuery, SubQuery
from xmr_agent.recommend.graph import ItemGraph
from xmr_agent.recommend.profile import Interaction, user_sessions

HALF_LIFE_DAYS = 180.0
MAX_PROFILE_ITEMS = 20


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


def recommend_for_user(agent: Any, events: Sequence[Interaction], user: str, *, k: int = 10) -> Any:
    """"More for this user": the profile query through ``agent`` (an Agent, whose item graph is
    learned from everyone's events if it has none); cold start falls back to popularity."""
    if agent.graph is None:
        agent = agent.using(graph=ItemGraph.fit(user_sessions(events)))
    query = profile_query(events, user, k=k)
    if not query.queries:
        agent = agent.using(popularity_weight=agent.popularity_weight or 1.0)
        query = query.model_copy(update={"notes": (*query.notes, "cold start: the items most liked by everyone")})
    return agent.run(query, f"more for {user}")
