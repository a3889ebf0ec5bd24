"""Things counted in a request: "at least 3 bedrooms", "3 chambres", "mindestens drei Schlafzimmer",
"至少三间卧室", "a 7-seater", "seats 5", "2000 pieces or more", "mehr als 2000 Teilen", "un puzzle de
1000 pièces" → a bound on the whole-number column named by the thing counted (``bedrooms``,
``num_seats``, ``Teile``): the bound said (before the number or after the thing: "or more", "oder
mehr"), else that many ("a 2 bed flat": two bedrooms, read loosely: when no item has that many, the
count gives way); seats, or what a column counts at most (``max_pieces``), at least that many.

A column named in German, French or Spanish is also named by its English senses ("pieces" for
``Teile``), and a thing said in one of those languages names the column that shares a sense with it
("pièces", "Stücken": piece). Part of the rule-based parse (:mod:`xmr_agent.agent.rules`), read
before people (:func:`~xmr_agent.agent.numbers.people`). Written by hand: no library reads counts
in shoppers' words against a table's columns.
"""

from __future__ import annotations

import re
from functools import lru_cache

from xmr_agent.agent import lexicon as lx
from xmr_agent.agent import numbers as nb
from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.numbers import NUMBER_WORDS_ELSEWHERE, PEOPLE_COLUMNS, Parse, core
from xmr_agent.agent.query import Filter, Op, loose_note
from xmr_agent.agent.values import folded

#: Things a column counts, in other words and languages ("3 chambres": ``bedrooms``).
COUNTED = {"bedroom": r"bedrooms?|beds?|chambres?|schlafzimmer|dormitorios?|habitaciones?|卧室|睡房",
           "bathroom": r"bathrooms?|salles? de bains?|badezimmer|bäder|baños?|浴室|卫生间",
           "room": r"rooms?|pièces?|zimmer|habitaciones?|房间",
           "seat": r"seats?|seater|sièges?|places?|sitze|sitzplätzen?|sitzer|asientos?|plazas?|座位|座",
           "door": r"doors?|portes?|türen|puertas?|门", "key": r"keys?|touches|tasten|teclas|琴键|键",
           **dict.fromkeys(("piece", "teile", "pieza", "stuck"), r"pieces?|pcs|teile?n?|stücke?n?|stk|pièces?|piezas?|片|块")}
_LATIN = r"[a-zA-Z\u00c0-\u024f]"
#: A whole number: "3", "2000", thousands grouped ("1.000", "2 000", "10,000").
_WHOLE = r"\d{1,3}(?:[.,'’ \u00a0]\d{3})+(?![\d])|\d{1,6}(?![\d.,]\d)"
#: Endings a thing may take in the request that its column's name lacks ("Teilen" of Teile).
_ENDINGS = r"(?:s|es|n|en)?"
#: Parts of a column's name that make it the most an item holds, or the least it needs.
_MOST, _LEAST = frozenset({"max", "maximum"}), frozenset({"min", "minimum"})
#: A count's last word that is a currency ("entre 500 y 1200 pesos").
_CURRENCY_LAST = re.compile(rf"(?<![^\W\d_])(?:{nb.CUR})\s*$", re.IGNORECASE)
#: How many of a word's dictionary senses name it (the first are the common ones).
SENSES = 8
#: An English word at least this common (Zipf) is a column's name as written, not a word to translate.
_ENGLISH_ZIPF = 3.0


def counts(parse: Parse, facets: Facets) -> None:
    """Bounds and counts of the things number columns count (see the module docstring)."""
    numbers = "|".join([*lx.NUMBER_WORDS, *NUMBER_WORDS_ELSEWHERE])
    bounds: tuple[tuple[str, Op], ...] = ((lx.AT_LEAST, ">="), (lx.AT_MOST, "<="), (lx.BELOW, "<"), (lx.ABOVE, ">"))
    bound = "|".join(f"(?P<b{n}>{words})" for n, (words, _) in enumerate(bounds))
    after = rf"(?:[\s,]+(?:(?P<up>{lx.ABOVE_AFTER})|(?P<down>{lx.BELOW_AFTER}))(?!{_LATIN}))?"
    number = rf"(?:(?<!{_LATIN})(?:{bound})\s*)?(?<![\d.,a-zA-Z\u00c0-\u024f])(?P<n>{_WHOLE}|{numbers})\s*(?:-\s*)?"
    for facet in (f for f in facets.values() if f.kind == "number" and f.integer):
        parts = core(facet.column).split("_")
        if len(parts) != 1 or len(parts[0]) < 3 or parts[0] in PEOPLE_COLUMNS - {"seats"}:  # ("iso": "ISO 400 film")
            continue
        thing = parts[0].removesuffix("s")
        said = COUNTED.get(thing) or "|".join(rf"{re.escape(w)}{_ENDINGS}" for w in (thing, *english(thing)))
        found = re.compile(rf"{number}(?:间|个|张|座|扇)?\s*(?P<a>(?!(?:more|less|fewer|extra|mehr|weniger|plus|moins|más|menos)\s)"
                           rf"{_LATIN}{{4,}}\s+)?(?:{said})(?!{_LATIN}){after}"
                           rf"|(?<!{_LATIN})(?:{said})\s+(?P<m>\d{{1,4}})\b", re.IGNORECASE)
        for m in found.finditer(parse.scan):  # "88 weighted keys": the word between is read on its own
            if _CURRENCY_LAST.search(m.group(0)):  # "1200 pesos" by a column `Peso (g)`: a price
                continue
            _add(parse, facet, thing, m, bounds)
            parse.cut((m.start(), m.start("a")) if m.group("a") else m.span())
            parse.cut((m.end("a"), m.end()) if m.group("a") else m.span())
        if thing in COUNTED:
            continue
        named = {thing, *english(thing)}
        other = re.compile(rf"{number}(?P<w>{_LATIN}{{4,}}){after}", re.IGNORECASE)
        for m in other.finditer(parse.scan):  # "1000 pièces", "1000 Stücken": a piece, as Teile
            if named & {*english(m.group("w")), folded(m.group("w").lower())} and not _CURRENCY_LAST.search(m.group(0)):
                _add(parse, facet, thing, m, bounds)
                parse.cut(m.span())


def _add(parse: Parse, facet: Facet, thing: str, m: re.Match[str], bounds: tuple[tuple[str, Op], ...]) -> None:
    word = (m.group("n") or m.group("m")).lower()
    value = NUMBER_WORDS_ELSEWHERE.get(word) or lx.NUMBER_WORDS.get(word) or int(nb.number_value(word))
    parts = set(re.split(r"[_\W]+", facet.column.lower()))
    most = thing == "seat" or bool(parts & _MOST)
    said: Op | None = next((o for n, (_, o) in enumerate(bounds) if m.group(f"b{n}")), None)
    op: Op = said or (">=" if m.group("up") else "<=" if m.group("down") else ">=" if most else "<=" if parts & _LEAST else "=")
    flt = Filter(column=facet.column, op=op, value=value)
    parse.filters.append(flt)
    parse.notes += [f"{flt} from {m.group(0).strip()!r}", *([loose_note(flt)] if op == "=" else [])]


@lru_cache(maxsize=1024)
def english(word: str) -> frozenset[str]:
    """The English senses of ``word`` in the German, French and Spanish dictionaries installed (single words, the
    first :data:`SENSES` of each, without a plural "s"), or none for a common English word ("pieces")."""
    from wordfreq import zipf_frequency

    from xmr_agent.agent.dictionaries import load, senses

    low = word.lower()
    if low.isascii() and zipf_frequency(low, "en") >= _ENGLISH_ZIPF:
        return frozenset({low.removesuffix("s")})
    found = set()
    for language in ("de", "fr", "es"):
        if (dictionary := load(language)) is not None:
            found |= {s.lower().removesuffix("s") for s in senses(low, language, dictionary)[:SENSES] if s.isalpha()}
    return frozenset(found)
