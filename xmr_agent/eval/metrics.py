"""Ranking metrics over one query: ranked ids against the set of relevant ids."""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence

import numpy as np


def recall_at(ranked: Sequence[str], relevant: Collection[str], k: int) -> float:
    """Share of the relevant ids found in the top ``k``."""
    if not relevant:
        raise ValueError("recall needs at least one relevant id")
    return len(set(ranked[:k]) & set(relevant)) / len(relevant)


def hit_at(ranked: Sequence[str], relevant: Collection[str], k: int) -> float:
    """1 when any relevant id is in the top ``k``, else 0 (R@K as image → text retrieval reports it)."""
    if not relevant:
        raise ValueError("a hit needs at least one relevant id")
    return float(any(i in relevant for i in ranked[:k]))


def ndcg_at(ranked: Sequence[str], relevant: Collection[str], k: int) -> float:
    """Normalised discounted cumulative gain with binary relevance."""
    gains = sum(1.0 / math.log2(rank + 2) for rank, i in enumerate(ranked[:k]) if i in relevant)
    ideal = sum(1.0 / math.log2(rank + 2) for rank in range(min(len(relevant), k)))
    return gains / ideal if ideal else 0.0


def reciprocal_rank(ranked: Sequence[str], relevant: Collection[str]) -> float:
    """1 / rank of the first relevant id (0 when none is ranked)."""
    return next((1.0 / (rank + 1) for rank, i in enumerate(ranked) if i in relevant), 0.0)


def ranking_metrics(ranked: Sequence[str], relevant: Collection[str], ks: Sequence[int], *,
                    any_hit: bool = False) -> dict[str, float]:
    """Recall@k for each k, nDCG@10 and reciprocal rank for one query.

    ``any_hit``: recall@k is 1 when any relevant id is in the top k (:func:`hit_at`) rather than the
    share of relevant ids found there.
    """
    recall = hit_at if any_hit else recall_at
    out = {f"recall@{k}": recall(ranked, relevant, k) for k in ks}
    out["ndcg@10"] = ndcg_at(ranked, relevant, 10)
    out["mrr"] = reciprocal_rank(ranked, relevant)
    return out


def mean_metrics(rows: Sequence[dict[str, float]]) -> dict[str, float]:
    """Mean of each metric over queries."""
    if not rows:
        return {}
    return {name: float(np.mean([r[name] for r in rows])) for name in rows[0]}


def latency_summary(seconds: Sequence[float]) -> dict[str, float]:
    """p50 / p95 / p99 / mean in milliseconds."""
    if not seconds:
        return {}
    ms = np.asarray(seconds) * 1000.0
    return {
        "n": int(ms.size),
        "p50_ms": float(np.percentile(ms, 50)),
        "p95_ms": float(np.percentile(ms, 95)),
        "p99_ms": float(np.percentile(ms, 99)),
        "mean_ms": float(ms.mean()),
    }
