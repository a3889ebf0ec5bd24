"""Fusion of ranked lists from several searches into one ranking.

* ``relative`` (default): each list's scores are calibrated to [0, 1] by min–max over the
  list, so cosine similarities of different encoders and BM25 scores become comparable; the
  fused score is the weighted sum (a missing item scores 0 in that list). Negative weights
  (``avoid`` searches) pull down the items that score above that list's mean.
* ``zscore``: calibration by each list's mean and standard deviation instead.
* ``rrf``: reciprocal-rank fusion, Σ w / (60 + rank), which ignores scores altogether.

Soft filters add ``soft_bonus`` per filter an item meets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from xmr_agent.agent.filters import satisfies
from xmr_agent.agent.query import Filter
from xmr_agent.store.fusion import rank_scores
from xmr_agent.types import Hit

FusionMethod = Literal["relative", "zscore", "rrf"]
SOFT_BONUS = 0.15


@dataclass(frozen=True)
class Ranked:
    """One search's hits, with the weight and name of the search."""

    source: str
    weight: float
    hits: Sequence[Hit]


def calibrate(scores: Sequence[float], method: FusionMethod) -> np.ndarray:
    """Scores of one list mapped onto a common scale (see module docstring)."""
    values = np.asarray(scores, dtype=np.float64)
    if values.size == 0:
        return values
    if method == "rrf":
        return rank_scores(values.size)
    if method == "zscore":
        spread = values.std()
        return (values - values.mean()) / spread if spread > 1e-9 else np.zeros_like(values)
    low, high = values.min(), values.max()
    return (values - low) / (high - low) if high - low > 1e-9 else np.ones_like(values)


def _above_mean(scores: Sequence[float]) -> np.ndarray:
    """For a negative (``avoid``) list: only items clearly like the avoided thing are pulled
    down, in proportion to how far above the list's mean they score (0 to 1)."""
    z = np.clip(calibrate(scores, "zscore"), 0.0, None)
    return z / z.max() if z.size and z.max() > 0 else z


def fuse(
    lists: Sequence[Ranked],
    *,
    k: int,
    method: FusionMethod = "relative",
    soft: Sequence[Filter] = (),
    soft_bonus: float = SOFT_BONUS,
) -> list[Hit]:
    """The top ``k`` items over ``lists``; each hit's ``scores`` keeps the per-search scores."""
    fused: dict[str, float] = {}
    first: dict[str, Hit] = {}
    sources: dict[str, dict[str, float]] = {}
    for ranked in lists:
        scores = [h.score for h in ranked.hits]
        values = calibrate(scores, method) if ranked.weight >= 0 else _above_mean(scores)
        for hit, value in zip(ranked.hits, values, strict=True):
            if ranked.weight >= 0:
                first.setdefault(hit.id, hit)
            fused[hit.id] = fused.get(hit.id, 0.0) + ranked.weight * float(value)
            sources.setdefault(hit.id, {})[ranked.source] = hit.score
    for item_id, hit in first.items():
        met = [f for f in soft if satisfies(hit.item, f)]
        if met:
            fused[item_id] += soft_bonus * len(met)
            sources[item_id]["soft_filters"] = float(len(met))
    order = sorted(first, key=lambda i: -fused[i])[:k]
    return [Hit(i, fused[i], first[i].item, {**sources[i], "fused": fused[i]}) for i in order]
