"""Reciprocal-rank fusion: one ranking from several, scored Σ w / (c + rank). Used by
:meth:`~xmr_agent.store.catalog.Catalog.search` across vector columns, and by the agent's
``rrf`` fusion (:mod:`xmr_agent.agent.fuse`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from xmr_agent.types import Hit

#: The constant of reciprocal-rank fusion (Cormack et al., 2009).
RRF_C = 60


def rank_scores(n: int, c: int = RRF_C) -> np.ndarray:
    """The reciprocal-rank score of ranks 1..n: 1 / (c + rank)."""
    return 1.0 / (c + np.arange(1, n + 1))


def rrf_fuse(rankings: Sequence[Sequence[Hit]], *, k: int, c: int = RRF_C) -> list[Hit]:
    """Reciprocal-rank fusion of several ranked hit lists (score = Σ 1 / (c + rank))."""
    fused: dict[str, float] = {}
    first: dict[str, Hit] = {}
    sources: dict[str, dict[str, float]] = {}
    for ranking in rankings:
        for hit, score in zip(ranking, rank_scores(len(ranking), c), strict=True):
            fused[hit.id] = fused.get(hit.id, 0.0) + float(score)
            first.setdefault(hit.id, hit)
            sources.setdefault(hit.id, {}).update(hit.scores)
    order = sorted(fused, key=lambda i: -fused[i])[:k]
    return [Hit(i, fused[i], first[i].item, sources[i]) for i in order]
