"""Values of a shop written in German, French or Spanish that a request in that language names in other
words: a German compound by the noun it ends in ("ein Schlauch" names the Gartenschlauch, "eine Tonne"
the Regentonne, "keine Kanne" leaves out the Gießkanne), a value by a word of the same first sense
("keine aus Plastik": not Kunststoff).

The words of a German shop's kinds are compounds, which neither the stems of their words nor the
titles' head nouns part; a request names them by their last noun. A value is parted at its longest
last part that the German dictionary has as a word (of four letters at the least), and that part
names it when it ends no other value of its column (else it names none of them: no guess).
"""

from __future__ import annotations

from functools import lru_cache

from xmr_agent.agent.dictionaries import load, senses, unumlauted
from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.headwords import MIN_PART
from xmr_agent.agent.values import stem_phrase
from xmr_agent.encoders.language import detect_closely

#: Endings of German plurals and inflections, taken off a request's word ("Tonnen", "Schläuche").
_ENDINGS = ("nen", "en", "er", "n", "e", "s")


def shop_language(facets: Facets) -> str:
    """The language the values of ``facets`` are written in."""
    return _language(frozenset(v for f in facets.values() if f.categorical for v in f.values))


@lru_cache(maxsize=64)
def _language(values: frozenset[str]) -> str:
    return detect_closely(" ".join(sorted(values))) if len(values) >= 2 else ""


def compound_value(word: str, facet: Facet, language: str) -> str | None:
    """The value of ``facet`` (a German compound; ``language``: the shop's) that ``word`` names by its last part,
    or ``None``."""
    tails = _tails(facet.values) if language == "de" and facet.categorical and len(word) >= MIN_PART and word.isalpha() else {}
    if not tails:
        return None
    low = word.lower()
    forms = [low, *(low[:-len(e)] for e in _ENDINGS if low.endswith(e) and len(low) - len(e) >= MIN_PART)]
    for form in [*forms, *(u for f in forms for u in unumlauted(f))]:
        if (value := tails.get(stem_phrase(form))) is not None:
            return facet.canonical[value]
    return None


@lru_cache(maxsize=64)
def _tails(values: frozenset[str]) -> dict[str, str]:
    """The last parts that name one value each, by their stems (none in a catalogue not written in German)."""
    if len(values) < 2 or (dictionary := load("de")) is None:
        return {}
    whole = {stem_phrase(v) for v in values}
    found: dict[str, list[str]] = {}
    for value in sorted(values):
        word = value.rsplit("-", 1)[-1].lower()  # "Kinder-Gießkanne": Gießkanne, and its last part
        if " " in value.strip() or not word.isalpha():
            continue
        start = 0 if word != value.lower() else MIN_PART - 1
        tail = next((word[cut:] for cut in range(start, len(word) - MIN_PART + 1) if word[cut:] in dictionary), None)
        if tail is not None and stem_phrase(tail) not in whole:
            found.setdefault(stem_phrase(tail), []).append(value)
    return {tail: named[0] for tail, named in found.items() if len(named) == 1}


#: Languages of shops whose values are read by their senses (an English shop's are English words already).
_READ = frozenset({"de", "fr", "es"})


def same_sense(word: str, facet: Facet, language: str) -> str | None:
    """The one value of ``facet`` whose first senses in its shop's ``language`` have ``word``'s first sense
    ("Plastik": plastic, the first sense of Kunststoff), or ``None``."""
    if language not in _READ or not facet.categorical or len(word) < MIN_PART or not word.isalpha():
        return None
    by_sense = _senses(facet.values, language)
    if not by_sense or (dictionary := load(language)) is None or not (said := senses(word, language, dictionary)):
        return None
    named = by_sense.get(said[0].lower(), ())
    return facet.canonical[named[0]] if len(named) == 1 and named[0] != word.lower() else None


@lru_cache(maxsize=64)
def _senses(values: frozenset[str], language: str) -> dict[str, tuple[str, ...]]:
    """``values`` (in ``language``) by each of their first two senses."""
    if (dictionary := load(language)) is None:
        return {}
    found: dict[str, list[str]] = {}
    for value in sorted(values):
        for sense in senses(value, language, dictionary)[:2] if " " not in value.strip() else ():
            found.setdefault(sense.lower(), []).append(value)
    return {sense: tuple(named) for sense, named in found.items()}
