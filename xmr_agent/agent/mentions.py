"""Catalogue items named in free text: "I loved The Babadook" → the item whose title is
"The Babadook (2014)".

Titles are normalised (lower case, no punctuation, a trailing "(year)" dropped) and matched as
whole word sequences of the message. One-word titles count only when they are at least six
letters long, since short ones ("It", "Up", "Her") are ordinary words. Where titles collide
(remakes), every match is returned.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_YEAR = re.compile(r"\s*\(\d{4}\)\s*$")
_WORDS = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
MAX_TITLE_WORDS = 8
#: Titles read at most (bigger catalogues match the first ones only).
MAX_TITLES = 500_000


def normalise(title: str) -> tuple[str, ...]:
    return tuple(_WORDS.findall(_YEAR.sub("", title.lower())))


class TitleIndex:
    """Normalised title → item ids."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self.ids: dict[tuple[str, ...], list[str]] = {}
        for item_id, title in pairs:
            words = normalise(title or "")
            if len(words) > 1 or (len(words) == 1 and len(words[0]) >= 6):
                self.ids.setdefault(words[:MAX_TITLE_WORDS], []).append(str(item_id))
        self.longest = max((len(k) for k in self.ids), default=0)

    @classmethod
    def of(cls, catalog: object) -> TitleIndex:
        table = getattr(catalog, "table", None)
        if table is None:
            return cls([])
        rows = table.search().select(["id", "title"]).limit(MAX_TITLES).to_arrow().to_pylist()
        return cls((r["id"], r["title"]) for r in rows)

    def find(self, text: str) -> list[str]:
        """Ids of items named in ``text``, in the order they appear (longest titles first)."""
        words = _WORDS.findall(text.lower())
        found: list[str] = []
        i = 0
        while i < len(words):
            for n in range(min(self.longest, len(words) - i), 0, -1):
                ids = self.ids.get(tuple(words[i : i + n]))
                if ids:
                    found += [x for x in ids if x not in found]
                    i += n - 1
                    break
            i += 1
        return found
