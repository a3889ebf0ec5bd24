"""English senses of the values of a catalogue written in Chinese, by which an English request's words name them:
"fibreglass" → 玻璃钢, "latex" → 天然乳胶 (natural latex). No dictionary goes from English into Chinese offline, so the
values are read the other way, in CC-CEDICT, and a sense that names one value alone names it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from xmr_agent.agent import lexicon
from xmr_agent.agent.derived import nouns
from xmr_agent.agent.filters import Facet


def sensed_values(columns: list[Facet]) -> dict[str, tuple[str, str]]:
    """The values in Chinese characters of ``columns`` by the stems of their first English senses in CC-CEDICT, where
    a sense names one value alone: "fibreglass" → 玻璃钢, "seawater" → 海水 (an English request's words)."""
    return _sensed(tuple((f.column, tuple(sorted((v, f.canonical[v]) for v in f.values if lexicon.has_cjk(v))))
                         for f in columns))


@lru_cache(maxsize=32)
def _sensed(columns: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]) -> dict[str, tuple[str, str]]:
    """:func:`sensed_values` of (column, (value, canonical value) …), read once for a catalogue."""
    from xmr_agent.agent.dictionaries import load
    from xmr_agent.agent.values import stem_phrase

    dictionary = load("zh")
    found: dict[str, set[tuple[str, str]]] = {}
    for column, values in columns if dictionary is not None else ():
        for value, canonical in values:
            for sense in nouns(_senses(value, dictionary))[:SENSES]:
                if len(sense.split()) <= 2:
                    found.setdefault(stem_phrase(sense), set()).add((column, canonical))
    return {stem: next(iter(named)) for stem, named in found.items() if stem and len(named) == 1}


#: How many of a value's senses name it.
SENSES = 4


def _senses(value: str, dictionary: Any) -> tuple[str, ...]:
    """A value's own senses, else those made of its parts and its last word's of two characters or more ("天然乳胶":
    natural latex, latex); not a last character's ("全屋", the whole house, is no room)."""
    from xmr_agent.agent.dictionaries import senses

    if value in dictionary:
        return tuple(dictionary.senses(value))
    tail = next((value[-n:] for n in (3, 2) if len(value) > n and value[-n:] in dictionary), None)
    return (*(s for s in senses(value, "zh", dictionary) if " " in s), *(dictionary.senses(tail) if tail else ()))
