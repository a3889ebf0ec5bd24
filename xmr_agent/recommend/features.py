"""Per-candidate features for the learned ranker (:mod:`xmr_agent.recommend.ranker`).

The candidates are the union of the agent's ranked lists (full-text and vector search of the
request, the seed items' stored vectors, the item graph, popularity within the preferences,
shared metadata) and of the item graph's two-hop links from the seeds. Each candidate gets:

* per kind of list: its calibrated score (÷ the list's best), reciprocal rank, and presence;
* ``two_hop``: links through the seeds' neighbours (generalises beyond direct co-occurrence);
* ``graph_last``: links from the latest mention only (recency);
* ``graph_liked`` / ``graph_disliked``: links from the mentions the user spoke well / ill of;
* ``log_pop``: overall popularity in the logs; ``soft_met``: preferences of the request met;
* ``lists``: in how many kinds of list the candidate appears.

Lists are duck-typed (``.source``, ``.hits``) so that this layer needs nothing from the agent.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from xmr_agent.recommend.graph import ItemGraph

KINDS = ("fts", "vector", "like", "graph", "popular", "attributes")
FEATURES = (*(f"{k}_{part}" for k in KINDS for part in ("score", "rr", "in")),
            "two_hop", "graph_last", "graph_liked", "graph_disliked", "log_pop", "soft_met", "lists")
#: Two-hop links: the seeds' best neighbours walked through, and the candidates they add.
TWO_HOP_VIA = 20
TWO_HOP_K = 100


def kind_of(source: str) -> str | None:
    """The kind of a ranked list's source name (``avoid:`` searches are not features)."""
    if source.startswith("avoid:"):
        return None
    head = source.split(":", 1)[0]
    return head if head in KINDS else None


def _by_best(scored: Iterable[tuple[str, float]]) -> dict[str, float]:
    pairs = list(scored)
    top = max((s for _, s in pairs), default=0.0)
    return {i: (s / top if top > 0 else 0.0) for i, s in pairs}


def two_hop(graph: ItemGraph, seeds: Sequence[str], *, exclude: Iterable[str] = (), k: int = TWO_HOP_K) -> list[tuple[str, float]]:
    """Items linked to the seeds' best neighbours, weighted by how linked each neighbour is."""
    skip = set(exclude) | set(seeds)
    scores: Counter[str] = Counter()
    for via, weight in graph.related(seeds, k=TWO_HOP_VIA):
        for item, s in graph.related([via], k=TWO_HOP_K):
            if item not in skip:
                scores[item] += weight * s  # type: ignore[assignment]
    return [(i, float(s)) for i, s in scores.most_common(k)]


def candidate_features(lists: Sequence[Any], *, graph: ItemGraph | None, seeds: Sequence[str],
                       exclude: Iterable[str] = (), liked: Sequence[str] = (), disliked: Sequence[str] = (),
                       soft_met: Mapping[str, int] | None = None) -> tuple[list[str], np.ndarray, dict[str, Any]]:
    """Candidate ids, their feature matrix (columns :data:`FEATURES`), and id → hit for items
    found by a list (two-hop-only candidates have no hit)."""
    skip = set(exclude)
    rows: dict[str, dict[str, float]] = {}
    hits: dict[str, Any] = {}
    for ranked in lists:
        kind = kind_of(ranked.source)
        if kind is None or not ranked.hits:
            continue
        scores = [float(h.score) for h in ranked.hits]
        low, high = min(scores), max(scores)
        for rank, h in enumerate(ranked.hits):
            if h.id in skip:
                continue
            hits.setdefault(h.id, h)
            row = rows.setdefault(h.id, {})
            calibrated = (h.score - low) / (high - low) if high > low else 1.0
            row[f"{kind}_score"] = max(row.get(f"{kind}_score", 0.0), calibrated)
            row[f"{kind}_rr"] = max(row.get(f"{kind}_rr", 0.0), 1.0 / (1 + rank))
            row[f"{kind}_in"] = 1.0
    if graph is not None and seeds:
        for item, s in _by_best(two_hop(graph, seeds, exclude=skip)).items():
            rows.setdefault(item, {})["two_hop"] = s
        links = {"graph_last": seeds[-1:], "graph_liked": liked, "graph_disliked": disliked}
        for name, anchors in links.items():
            if anchors:
                for item, s in _by_best(graph.related(anchors, exclude=skip, k=TWO_HOP_K * 2)).items():
                    if item in rows:
                        rows[item][name] = s
    top = math.log1p(max(graph.counts.values(), default=0)) if graph is not None else 0.0
    ids = list(rows)
    matrix = np.zeros((len(ids), len(FEATURES)), dtype=np.float32)
    column = {name: j for j, name in enumerate(FEATURES)}
    for n, item in enumerate(ids):
        row = rows[item]
        if graph is not None and top > 0:
            row["log_pop"] = math.log1p(graph.counts.get(item, 0)) / top
        row["soft_met"] = float((soft_met or {}).get(item, 0))
        row["lists"] = float(sum(1 for k in KINDS if row.get(f"{k}_in")))
        for name, value in row.items():
            matrix[n, column[name]] = value
    return ids, matrix, hits
