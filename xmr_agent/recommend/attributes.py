"""Items that share metadata with given items: the same director, cast, genre, brand or tag.

:class:`AttributeIndex` reads the catalogue's list-of-strings columns (``genre``, ``director``,
``star``, ``tags`` …) once and scores an item by the values it shares with the seed items, each
value weighted by its rarity (inverse document frequency): sharing a director counts for more
than sharing "drama". Values held by more than ``max_share`` of the catalogue (and by more than
three items) are ignored, and so are values no other item holds. It needs no interaction logs, so it also works for items the logs
never saw.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

#: Values held by more than this share of the items say little about any of them.
MAX_SHARE = 0.06
#: ... except in small catalogues: a value held by this many items or fewer always counts.
SMALL_SHARE = 3
#: Columns that are never attributes (the text fields and media paths are strings, not lists).
SKIP = frozenset({"video_keyframes", "transcript_segments"})


@dataclass
class AttributeIndex:
    """Item → its (column, value) keys, and key → the items holding it."""

    keys: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    holders: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    max_share: float = MAX_SHARE

    @classmethod
    def of(cls, catalog: Any, *, columns: Sequence[str] | None = None, max_share: float = MAX_SHARE) -> AttributeIndex:
        """From a catalogue's list-of-strings columns (or the ``columns`` named)."""
        schema = catalog.schema()
        if schema is None:
            return cls(max_share=max_share)
        chosen = list(columns) if columns is not None else [
            f.name for f in schema
            if f.name not in SKIP and not f.name.startswith(("_", "vec__"))
            and pa.types.is_list(f.type) and pa.types.is_string(f.type.value_type)]
        if not chosen:
            return cls(max_share=max_share)
        rows = catalog.scan(["id", *chosen]).to_pylist()
        return cls.fit(((r["id"], [(c, str(v)) for c in chosen for v in r[c] or ()]) for r in rows),
                       max_share=max_share)

    @classmethod
    def fit(cls, items: Iterable[tuple[str, Iterable[tuple[str, str]]]], *, max_share: float = MAX_SHARE) -> AttributeIndex:
        """From (item id, its (column, value) pairs)."""
        index = cls(max_share=max_share)
        for item, pairs in items:
            keys = list(dict.fromkeys((c, v.strip().lower()) for c, v in pairs if v and v.strip()))
            index.keys[item] = keys
            for key in keys:
                index.holders[key].append(item)
        return index

    def __len__(self) -> int:
        return len(self.keys)

    def weight(self, key: tuple[str, str]) -> float:
        """The rarity of a value (0 for values too common or held by one item only)."""
        held = len(self.holders.get(key, ()))
        if held < 2 or held > max(self.max_share * len(self.keys), SMALL_SHARE):
            return 0.0
        return math.log(len(self.keys) / (1 + held))

    def related(self, seeds: Sequence[str], *, exclude: Iterable[str] = (), k: int = 100,
                recency: float = 0.8) -> list[tuple[str, float]]:
        """Items sharing values with ``seeds`` (most recent last; older seeds count ``recency``
        times less per step), best first: Σ_seed recency^age · Σ_shared value rarity."""
        skip = set(exclude) | set(seeds)
        scores: Counter[str] = Counter()
        for age, seed in enumerate(reversed(list(dict.fromkeys(seeds)))):
            for key in self.keys.get(seed, ()):
                weight = recency**age * self.weight(key)
                if weight <= 0:
                    continue
                for item in self.holders[key]:
                    if item not in skip:
                        scores[item] += weight  # type: ignore[assignment]  # a Counter of floats
        return [(item, float(score)) for item, score in scores.most_common(k)]

    def shared(self, seed: str, item: str) -> list[tuple[str, str]]:
        """The (column, value) pairs ``item`` shares with ``seed`` that count, rarest first."""
        mine = set(self.keys.get(item, ()))
        common = [key for key in self.keys.get(seed, ()) if key in mine and self.weight(key) > 0]
        return sorted(common, key=lambda key: -self.weight(key))
