"""Item-to-item signal learned from interaction logs: which items appear together, and which
follow which, in past sessions (a user's history, a shopping basket, a dialogue).

:class:`ItemGraph` is plain item-based collaborative filtering: co-occurrence counts within a
session, directed "b came after a" counts within a window, and item popularity, with cosine
normalisation so that very popular items do not link to everything. Any catalogue owner with
logs of sessions (ordered item ids) can fit one; it is saved as JSON next to the table.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from xmr_agent.errors import ConfigError
from xmr_agent.recommend.embedding import ItemEmbedding

#: Items at most this many positions apart in a session count as "b followed a".
FOLLOW_WINDOW = 5
#: Weight of a directed (follow) link relative to a plain co-occurrence.
FOLLOW_WEIGHT = 1.0


@dataclass
class ItemGraph:
    """Co-occurrence and follow counts between items, and how many sessions hold each item."""

    together: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    follows: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    counts: Counter[str] = field(default_factory=Counter)
    sessions: int = 0
    _embedding: ItemEmbedding | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def fit(cls, sessions: Iterable[Sequence[str]], *, window: int = FOLLOW_WINDOW) -> ItemGraph:
        """Learn from sessions, each an ordered sequence of item ids (repeats are ignored)."""
        graph = cls()
        for session in sessions:
            items = list(dict.fromkeys(str(i) for i in session))
            if not items:
                continue
            graph.sessions += 1
            graph.counts.update(items)
            for i, a in enumerate(items):
                for j, b in enumerate(items):
                    if a != b:
                        graph.together[a][b] += 1
                    if 0 < j - i <= window:
                        graph.follows[a][b] += 1
        return graph

    def __len__(self) -> int:
        return len(self.counts)

    def related(self, seeds: Sequence[str], *, exclude: Iterable[str] = (), k: int = 100,
                recency: float = 0.8) -> list[tuple[str, float]]:
        """Items linked to ``seeds`` (most recent last; older seeds count ``recency`` times less
        per step), best first: Σ link(seed, item) / √(count(seed) · count(item))."""
        skip = set(exclude) | set(seeds)
        scores: Counter[str] = Counter()
        for age, seed in enumerate(reversed(list(dict.fromkeys(seeds)))):
            if seed not in self.counts:
                continue
            weight = recency**age / math.sqrt(self.counts[seed])
            links = Counter(self.together.get(seed, {}))
            for item, n in self.follows.get(seed, {}).items():
                links[item] += FOLLOW_WEIGHT * n  # type: ignore[assignment]  # a Counter of floats
            for item, n in links.items():
                if item not in skip:
                    scores[item] += weight * n / math.sqrt(self.counts[item])  # type: ignore[assignment]
        return [(item, float(score)) for item, score in scores.most_common(k)]

    def embedding(self) -> ItemEmbedding:
        """Item vectors factorised from these counts (:mod:`xmr_agent.recommend.embedding`), fitted
        on first use and kept."""
        if self._embedding is None:
            self._embedding = ItemEmbedding.of(self)
        return self._embedding

    def popular(self, *, exclude: Iterable[str] = (), k: int = 100) -> list[tuple[str, float]]:
        """The items in most sessions: the cold-start answer."""
        skip = set(exclude)
        return [(i, n / max(self.sessions, 1)) for i, n in self.counts.most_common(k + len(skip)) if i not in skip][:k]

    # -- persistence -------------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        path = Path(path)
        data = {"format": 1, "sessions": self.sessions, "counts": dict(self.counts),
                "together": {a: dict(c) for a, c in self.together.items()},
                "follows": {a: dict(c) for a, c in self.follows.items()}}
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        tmp.replace(path)
        return path

    @classmethod
    def load(cls, path: str | Path) -> ItemGraph:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            graph = cls(sessions=int(data["sessions"]), counts=Counter(data["counts"]))
            graph.together.update({a: Counter(c) for a, c in data["together"].items()})
            graph.follows.update({a: Counter(c) for a, c in data["follows"].items()})
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise ConfigError(f"cannot read the item graph {path}: {e}") from e
        return graph
