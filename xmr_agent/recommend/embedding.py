"""Item vectors learned from sessions: links that generalise beyond direct co-occurrence.

Two items that never appeared in the same session can still be close when they appear with the
same other items. :class:`ItemEmbedding` factorises the item graph's co-occurrence counts the
word2vec way (Levy & Goldberg, 2014): positive pointwise mutual information (PPMI, with the
context counts smoothed by the power 0.75), then a truncated SVD (randomised, numpy only), each
item's vector ``U·√S`` normalised to unit length. Items seen in fewer than ``min_count`` sessions
get no vector. Fitting a graph of a few thousand items takes well under a second.

    vectors = ItemEmbedding.of(graph)
    vectors.similarity(["m1", "m2"], ["m3", "m4"])   # cosine of each candidate to the seeds' mean
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: Dimensions of the item vectors, and the least number of sessions an item needs to get one.
DIM = 48
MIN_COUNT = 2
#: Smoothing of the context distribution in PPMI (the word2vec value).
CONTEXT_POWER = 0.75
#: Older seeds count this many times less per step in the seeds' mean (as in the item graph).
RECENCY = 0.8


@dataclass
class ItemEmbedding:
    """Unit vectors (rows of ``vectors``) for the items in ``index``."""

    index: dict[str, int] = field(default_factory=dict)
    vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, DIM), dtype=np.float32))

    @classmethod
    def of(cls, graph: Any, *, dim: int = DIM, min_count: int = MIN_COUNT, seed: int = 0) -> ItemEmbedding:
        """Vectors for the items of ``graph`` (an :class:`~xmr_agent.recommend.graph.ItemGraph`)
        seen in at least ``min_count`` sessions."""
        items = sorted(i for i, n in graph.counts.items() if n >= min_count)
        index = {item: n for n, item in enumerate(items)}
        rows, cols, counts = _pairs(graph, index)
        if len(items) < 3 or not len(counts):
            return cls()
        values = _ppmi(rows, cols, counts, len(items))
        keep = values > 0
        rows, cols, values = rows[keep], cols[keep], values[keep]
        k = max(1, min(dim, len(items) - 2))
        u, s = _randomized_svd(rows, cols, values, len(items), k, seed=seed)
        vectors = (u * np.sqrt(s)).astype(np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
        return cls(index, vectors)

    def __len__(self) -> int:
        return len(self.index)

    def profile(self, seeds: Sequence[str], *, recency: float = RECENCY) -> np.ndarray | None:
        """The seeds' mean vector (latest seed weighted most), or ``None`` when none has one."""
        known = [s for s in reversed(list(dict.fromkeys(seeds))) if s in self.index]
        if not known:
            return None
        weights = np.asarray([recency**age for age in range(len(known))], dtype=np.float32)[:, None]
        mean = (self.vectors[[self.index[s] for s in known]] * weights).sum(axis=0)
        norm = float(np.linalg.norm(mean))
        return mean / norm if norm > 0 else None

    def similarity(self, seeds: Sequence[str], items: Sequence[str]) -> np.ndarray:
        """Cosine of each item to the seeds' mean vector (0 for items or seeds without one)."""
        out = np.zeros(len(items), dtype=np.float32)
        mean = self.profile(seeds)
        if mean is None:
            return out
        for n, item in enumerate(items):
            row = self.index.get(item)
            if row is not None:
                out[n] = float(self.vectors[row] @ mean)
        return out

    def nearest(self, seeds: Sequence[str], *, exclude: Sequence[str] = (), k: int = 100) -> list[tuple[str, float]]:
        """The ``k`` items closest to the seeds' mean vector, best first."""
        mean = self.profile(seeds)
        if mean is None:
            return []
        scores = self.vectors @ mean
        skip = {self.index[i] for i in [*exclude, *seeds] if i in self.index}
        order = np.argsort(-scores, kind="stable")[: k + len(skip)]
        items = list(self.index)
        return [(items[n], float(scores[n])) for n in order if n not in skip][:k]


def _pairs(graph: Any, index: dict[str, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Co-occurrence counts between embedded items as COO triples (both directions)."""
    rows, cols, counts = [], [], []
    for a, links in graph.together.items():
        i = index.get(a)
        if i is None:
            continue
        for b, n in links.items():
            j = index.get(b)
            if j is not None:
                rows.append(i)
                cols.append(j)
                counts.append(float(n))
    return np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64), np.asarray(counts, dtype=np.float64)


def _ppmi(rows: np.ndarray, cols: np.ndarray, counts: np.ndarray, n: int) -> np.ndarray:
    """PMI of each pair, log(p(a,b) / (p(a)·p_α(b))), with smoothed context probabilities."""
    row_sum = np.bincount(rows, weights=counts, minlength=n)
    context = np.bincount(cols, weights=counts, minlength=n) ** CONTEXT_POWER
    p_context = context / context.sum()
    return np.log(counts / (row_sum[rows] * p_context[cols]))


def _multiply(rows: np.ndarray, cols: np.ndarray, values: np.ndarray, n: int, q: np.ndarray) -> np.ndarray:
    """The sparse matrix (rows, cols, values) times the dense ``q``."""
    out = np.zeros((n, q.shape[1]), dtype=np.float64)
    np.add.at(out, rows, values[:, None] * q[cols])
    return out


def _randomized_svd(rows: np.ndarray, cols: np.ndarray, values: np.ndarray, n: int, k: int, *,
                    seed: int = 0, oversample: int = 10, iterations: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """The top ``k`` left singular vectors and values of a symmetric sparse matrix (Halko et al.)."""
    rng = np.random.default_rng(seed)
    q = np.linalg.qr(_multiply(rows, cols, values, n, rng.standard_normal((n, min(n, k + oversample)))))[0]
    for _ in range(iterations):
        q = np.linalg.qr(_multiply(cols, rows, values, n, q))[0]  # the transpose (PPMI is not quite symmetric)
        q = np.linalg.qr(_multiply(rows, cols, values, n, q))[0]
    small = _multiply(cols, rows, values, n, q).T  # qᵀ·M, as (k + oversample) × n
    u_small, s, _ = np.linalg.svd(small, full_matrices=False)
    return (q @ u_small)[:, :k], s[:k]
