"""Values of a shop written in German, French or Spanish that a request in that language names in other
words: a German compound by the noun it ends in ("ein Schlauch" names the Gartenschlauch, "eine Tonne"
the Regentonne, "keine Kanne" leaves out the Gießkanne), a value by a word of the same first sense
("keine aus Plastik": not Kunststoff), the materials of a class by its name in any language ("nicht aus
Metall" of a shop written in Chinese: not 锡, 马口铁, 不锈钢).

The words of a German shop's kinds are compounds, which neither the stems of their words nor the
titles' head nouns part; a request names them by their last noun. A value is parted at its longest
last part that the German dictionary has as a word (of four letters at the least), and that part
names it when it ends no other value of its column (else it names none of them: no guess).
"""

from __future__ import annotations

import threading
from functools import lru_cache

from xmr_agent.agent.columns import kind_columns
from xmr_agent.agent.dictionaries import ENDINGS, load, senses, unumlauted
from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.headwords import MIN_PART
from xmr_agent.agent.lexicon import has_cjk
from xmr_agent.agent.materials import MATERIALS, of_class
from xmr_agent.agent.values import MAX_NAME_WORDS, MAX_VALUES, stem_phrase
from xmr_agent.encoders.language import detect_closely


def shop_language(facets: Facets) -> str:
    """The language the values of ``facets`` are written in (read once for a table's facets)."""
    key = (id(facets), len(facets))
    with _LOCK:
        known = _LANGUAGES.get(key)
    if known is not None and known[0] is facets:
        return known[1]
    values = sorted({v for f in facets.values() if f.categorical for v in f.values})[:MAX_READ]
    language = detect_closely(" ".join(values)) if len(values) >= 2 else ""
    with _LOCK:
        _LANGUAGES[key] = (facets, language)
        while len(_LANGUAGES) > 64:
            _LANGUAGES.pop(next(iter(_LANGUAGES)))
    return language


#: The languages of the facets read lately (the facets kept with them, so that an id is not reused).
_LANGUAGES: dict[tuple[int, int], tuple[Facets, str]] = {}
_LOCK = threading.Lock()
#: The most values read for a shop's language.
MAX_READ = 400


def compound_value(word: str, facet: Facet, language: str) -> str | None:
    """The value of ``facet`` (a German compound; ``language``: the shop's) that ``word`` names by its last part,
    or ``None``."""
    tails = _tails(facet.values) if language == "de" and facet.categorical and len(word) >= MIN_PART and word.isalpha() else {}
    if not tails:
        return None
    low = word.lower()
    forms = [low, *(low[:-len(e)] for e in ENDINGS["de"] if low.endswith(e) and len(low) - len(e) >= MIN_PART)]  # "Tonnen"
    for form in [*forms, *(u for f in forms for u in unumlauted(f))]:
        if (value := tails.get(stem_phrase(form))) is not None:
            return facet.canonical[value]
    return None


def first_value(word: str, facet: Facet, language: str) -> str | None:
    """The value of ``facet`` that a German compound of a shop written in German begins with, the rest a word of the
    dictionary ("Wettkampftag": Wettkampf, a race day; "Damenschuhe": Damen), or ``None``; one value only."""
    dictionary = load("de") if language == "de" and facet.categorical and len(word) >= 2 * MIN_PART and word.isalpha() else None
    low = word.lower()
    found = {v for v in facet.values if dictionary is not None and v.isalpha() and len(v) > MIN_PART and low.startswith(v)
             and low != v and any((rest := low[len(v) + len(link):]) and len(rest) >= 3 and rest in dictionary
                                  for link in ("", "s", "n", "en", "es") if low[len(v):].startswith(link))}
    return facet.canonical[found.pop()] if len(found) == 1 else None


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


def class_values(word: str, facets: Facets) -> tuple[Facet, list[str]] | None:
    """The describing column (no column of kinds) most of whose values, read in English, are of the class of material
    ``word`` names, and those values, where ``word`` or the values are in another language than English ("金属",
    "Metall": metal; 锡 is tin, 不锈钢 stainless steel); ``None`` otherwise."""
    language = shop_language(facets)
    if language == "en" or (kind := _class_of(word)) is None:
        return None  # (an English shop's materials: :func:`~xmr_agent.agent.values.valued_word`)
    kinds = kind_columns(facets)
    found = [(f, [f.canonical[v] for v in sorted(f.values) if any(
        of_class(kind, stem_phrase(s).split(), stem_phrase) for s in _english(v, language))])
        for f in facets.values() if f.categorical and f.column.lower() not in kinds
        and max(len(v.split()) for v in f.values) <= MAX_NAME_WORDS]
    found = sorted(((f, values) for f, values in found if values), key=lambda fv: -len(fv[1]))
    if not found or len(found) > 1 and len(found[1][1]) * 2 > len(found[0][1]):  # a column of materials, not a colour
        return None  # (Kupfer) among them
    return found[0] if len(found[0][1]) <= MAX_VALUES else None


def _class_of(word: str) -> str | None:
    """The class of material (a stem of :data:`~xmr_agent.agent.materials.MATERIALS`) ``word`` names, in English or
    by a first sense in the Chinese, German, French or Spanish dictionary."""
    if (stem := stem_phrase(word)) in MATERIALS:
        return stem
    for language in ("zh",) if has_cjk(word) else ("de", "fr", "es"):
        dictionary = load(language)
        pieces = [word[-n:] for n in (2, 3) if len(word) > n] if language == "zh" else []  # "用金属": 金属
        for said in (word, *pieces):
            if dictionary is not None and (found := senses(said, language, dictionary)[:2]):
                named = [stem_phrase(s) for s in found if stem_phrase(s) in MATERIALS]
                if named:
                    return named[0]
    return None


def _english(value: str, language: str) -> tuple[str, ...]:
    """``value``'s first English senses (itself in an English shop)."""
    if has_cjk(value):
        language = "zh"
    if language not in ("zh", *_READ) or (dictionary := load(language)) is None:
        return (value,)
    return senses(value, language, dictionary)[:2] or (value,)
