"""Words and the values of a table's columns: stems of phrases, and the values that hold a word
("gold" → gold-plated, rose gold), read by the rule-based parser (:mod:`xmr_agent.agent.rules`)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from xmr_agent.agent.columns import kind_columns
from xmr_agent.agent.filters import Facet, Facets

#: At most this many values are left out for one negated word.
MAX_VALUES = 8
#: A column with a value of more words than this holds descriptions, not values.
MAX_NAME_WORDS = 4


@lru_cache(maxsize=65_536)
def stem_phrase(words: str) -> str:
    """Lower-cased words of ``words``, each Snowball-stemmed, joined by spaces."""
    return " ".join(_stemmer().stemWords(re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", words.lower())))


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import snowballstemmer

    return snowballstemmer.stemmer("english")


def with_combos(facet: Facet, value: str) -> list[str]:
    """``value`` and the values of ``facet`` that list it among others ("vegan, gluten-free" for
    gluten-free: a cell of a CSV that holds several values)."""
    if facet.kind == "list":
        return [value]
    combos = [facet.canonical[v] for v in sorted(facet.values)
              if facet.canonical[v] != value and value.lower() in (p.strip() for p in re.split(r"[,;/|]", v))]
    return [value, *combos[:MAX_VALUES]]


def containing(facet: Facet, value: str) -> list[str]:
    """``value`` and the other values of ``facet`` that have its words ("gold" → gold-plated, rose gold)."""
    words = set(stem_phrase(value).split())
    others = [facet.canonical[v] for v in sorted(facet.values)
              if facet.canonical[v] != value and words <= set(stem_phrase(v.replace("-", " ")).split())]
    return [value, *others[:MAX_VALUES]]


def valued_word(word: str, facets: Facets) -> tuple[Facet, list[str]] | None:
    """The one column that describes items (not a column of kinds) whose values have ``word``
    among their words, and those values: "down" → material: goose down, duck feather & down."""
    stem = stem_phrase(word)
    if not stem or " " in stem or len(stem) < 3:
        return None
    kinds = kind_columns(facets)
    found = [(f, [f.canonical[v] for v in sorted(f.values) if stem in stem_phrase(v.replace("-", " ")).split()])
             for f in facets.values() if f.categorical and f.column.lower() not in kinds
             and max(len(v.split()) for v in f.values) <= MAX_NAME_WORDS]  # not a column of descriptions
    found = [(f, values) for f, values in found if values]
    return found[0] if len(found) == 1 and len(found[0][1]) <= MAX_VALUES else None


def title_words(titles: Any) -> frozenset[str]:
    """The word stems (of three letters or more) of a :class:`~xmr_agent.agent.mentions.TitleIndex`'s titles."""
    return _title_stems(id(titles), tuple(titles.ids))


@lru_cache(maxsize=8)
def _title_stems(_: int, titles: tuple[tuple[str, ...], ...]) -> frozenset[str]:
    return frozenset(stem for title in titles for stem in stem_phrase(" ".join(title)).split() if len(stem) > 2)
