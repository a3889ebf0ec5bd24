"""Per-candidate features for the learned ranker (:mod:`xmr_agent.recommend.ranker`).

The candidates are the union of the agent's ranked lists (full-text and vector search of the
request, the seed items' stored vectors, the item graph, popularity within the preferences,
shared metadata) and of the item graph's two-hop links from the seeds. Each candidate gets:

* per kind of list: its calibrated score (÷ the list's best), reciprocal rank, and presence;
* ``two_hop``: links through the seeds' neighbours (generalises beyond direct co-occurrence);
* ``graph_last``: links from the latest mention only (recency);
* ``graph_liked`` / ``graph_disliked``: links from the mentions the user spoke well / ill of;
* ``log_pop``: overall popularity in the logs; ``soft_met``: preferences of the request met;
* ``lists``: in how many kinds of list the candidate appears;
* ``emb_cos``, ``emb_rr``: cosine to the seeds in the item vectors learned from the sessions
  (:mod:`xmr_agent.recommend.embedding`), and the rank among the seeds' nearest items (which
  join the candidates: items close in those vectors need never have met the seeds in a session);
* ``emb_liked`` / ``emb_disliked``: cosine to the mentions the user spoke well / ill of (an item
  the recommender offered and the user turned down counts as spoken ill of).

Every candidate row has every column of :data:`FEATURES`; a ranker reads the columns it was
trained on (:data:`DEFAULT_FEATURES` unless told otherwise).

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
            "two_hop", "graph_last", "graph_liked", "graph_disliked", "log_pop", "soft_met", "lists",
            "emb_cos", "emb_rr", "emb_liked", "emb_disliked")
#: Features of the mentions the user spoke well or ill of (offers turned down among them): no
#: measurable gain on ReDial (docs/benchmarks.md), so a ranker uses them only when trained with them.
SENTIMENT = ("graph_liked", "graph_disliked", "emb_liked", "emb_disliked")
#: The features a ranker learns from unless told otherwise: the ones measured to help.
DEFAULT_FEATURES = tuple(f for f in FEATURES if f not in SENTIMENT)
#: Two-hop links: the seeds' best neighbours walked through, and the candidates they add.
TWO_HOP_VIA = 20
TWO_HOP_K = 100
#: The seeds' nearest items in the learned item vectors that join the candidates.
EMBEDDING_K = 100


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
        _graph_links(rows, graph, seeds, skip, liked, disliked)
    top = math.log1p(max(graph.counts.values(), default=0)) if graph is not None else 0.0
    ids = list(rows)
    if graph is not None:
        _embedding_similarity(rows, ids, graph, seeds, liked, disliked)
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


def _graph_links(rows: dict[str, dict[str, float]], graph: ItemGraph, seeds: Sequence[str], skip: set[str],
                 liked: Sequence[str], disliked: Sequence[str]) -> None:
    """Two-hop and embedding candidates join ``rows``; graph links from the latest, liked and
    disliked mentions fill the rows' graph features."""
    for item, s in _by_best(two_hop(graph, seeds, exclude=skip)).items():
        rows.setdefault(item, {})["two_hop"] = s
    for rank, (item, _) in enumerate(graph.embedding().nearest(seeds, exclude=list(skip), k=EMBEDDING_K)):
        rows.setdefault(item, {})["emb_rr"] = 1.0 / (1 + rank)
    links = {"graph_last": seeds[-1:], "graph_liked": liked, "graph_disliked": disliked}
    for name, anchors in links.items():
        if anchors:
            for item, s in _by_best(graph.related(anchors, exclude=skip, k=TWO_HOP_K * 2)).items():
                if item in rows:
                    rows[item][name] = s


def _embedding_similarity(rows: dict[str, dict[str, float]], ids: Sequence[str], graph: ItemGraph,
                          seeds: Sequence[str], liked: Sequence[str], disliked: Sequence[str]) -> None:
    vectors = graph.embedding()
    for name, anchors in {"emb_cos": seeds, "emb_liked": liked, "emb_disliked": disliked}.items():
        if anchors:
            for item, s in zip(ids, vectors.similarity(anchors, ids), strict=True):
                if s:
                    rows[item][name] = float(s)
