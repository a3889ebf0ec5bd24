"""The categorical values a request names by their words: by stem, whole words or phrases of up
to four words, the longest first ("a hanging seed feeder": Hanging feeder; "battery-powered");
colours also in the lexicon's other languages ("blanc": White); values written in Chinese
characters as written; one-letter sizes and scales next to their word ("N gauge"). Read by
:mod:`~xmr_agent.agent.rules` for its conditions.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence

from xmr_agent.agent import lexicon as lx
from xmr_agent.agent import units
from xmr_agent.agent.chinese import cjk_values
from xmr_agent.agent.columns import kind_columns
from xmr_agent.agent.compounds import compound_value, first_value, same_sense, shop_language
from xmr_agent.agent.countries import names as country_names
from xmr_agent.agent.countries import translated
from xmr_agent.agent.filters import Facet, Facets, yes_no
from xmr_agent.agent.phrases import ELIDED
from xmr_agent.agent.query import CrossModalQuery, Filter
from xmr_agent.agent.values import stem_index as _stem_index
from xmr_agent.agent.values import stem_phrase, worded
from xmr_agent.encoders.language import detect_closely

#: After a hyphen, words that say a value is not had or only looked like ("sugar-free").
_NOT_OF = frozenset("free less like look looking proof".split())


def mentions(text: str, facets: Facets) -> Iterator[tuple[Facet, str, tuple[int, int]]]:
    """Categorical values named in ``text`` (stem match on whole words or phrases of up to four
    words, longest first; colours also in the other languages of the lexicon)."""
    unelided = ELIDED.sub(r"\1 ", text)  # "à l'alto": alto (the same length: the spans are the text's)
    words = list(re.finditer(r"[^\W\d_][\w\-]*(?:'(?!s\b)[\w\-]+)*", unelided))  # "children's" → children
    i = 0
    while i < len(words):
        for n in (4, 3, 2, 1):
            if i + n > len(words):
                continue
            span = (words[i].start(), words[i + n - 1].end())
            hit = category_of(text[span[0]:span[1]], facets)
            middle = words[i + 1].group(0).lower() if n == 3 else ""
            if not hit and middle and middle not in lx.FILLER and middle not in _NO_GAP:  # "hanging seed feeder":
                hit = category_of(f"{words[i].group(0)} {words[i + 2].group(0)}", facets)  # Hanging feeder
                hit = hit if hit and len(stem_phrase(hit[1]).split()) == 2 else None
            elif not hit and middle == "of":  # "a bottle of ink": Bottled ink
                hit = category_of(f"{words[i].group(0)} {words[i + 2].group(0)}", facets)
                hit = hit if hit and len(stem_phrase(hit[1]).split()) == 2 else None
            if hit and not in_name(text, span):
                yield hit[0], hit[1], span
                i += n - 1
                break
        else:  # "battery-powered", "wool-blend": the first part names a value ("sugar-free" does not)
            first, _, rest = words[i].group(0).partition("-")
            hit = category_of(first, facets) if len(first) > 2 and rest and rest.lower() not in _NOT_OF else None
            if hit:
                yield hit[0], hit[1], (words[i].start(), words[i].start() + len(first))
        i += 1
    for english, names in translated().items():
        for m in (m for m in lx.pattern(names).finditer(text) if not in_name(text, m.span())):
            for facet in facets.values():
                if facet.categorical and english in facet.values:
                    yield facet, facet.canonical[english], m.span()
                elif facet.categorical and (english in lx.COLOURS or english in country_names()) and len(named := [  # "白色", "blanc": "Weiß"
                        v for v in facet.values if lx.pattern(names).fullmatch(v)] or worded(facet, english, names)) == 1:
                    yield facet, facet.canonical[named[0]], m.span()
    yield from cjk_values(text, facets)  # "最便宜的绿茶" in a catalogue of Chinese teas: 绿茶
    yield from units.lettered(text, facets)  # "CD", "XL"; "N gauge", "talla M"
    yield from _fractions(text, facets)
    yield from _numbered(text, facets)  # "35mm", "120"  # "the 3/4 size"


def in_name(text: str, span: tuple[int, int]) -> bool:
    """Whether the capitalised word at ``span`` begins or goes on a name of several capitalised words in the middle of
    a sentence ("those Black Forest clocks", "a Red Sea holiday"): no value of its own."""
    word, before = text[span[0]:span[1]], text[:span[0]].rstrip()
    if not word[:1].isupper() or word.isupper() or not before or before[-1] in ".!?:;\"“(«¿¡":
        return False
    near = [m.group(1) for m in (re.match(r"\s+([^\W\d_])", text[span[1]:]), re.search(r"([^\W\d_])[\w\-']*\s*$", before)) if m]
    words = [w for w in re.findall(r"[^\W\d_][\w\-']*", text) if w != "I"]
    return any(c.isupper() for c in near) and 2 * sum(w[0].isupper() for w in words) < len(words) \
        and detect_closely(text) != "de"  # (German writes every noun so: "in Schwarz oder Gold")


def hyphenated(word: str, facets: Facets) -> tuple[Facet, str] | None:
    """The value a compound word names by its first part when its last part is the column's own name ("left-handed":
    ``hand`` = Left; "long-sleeved": ``sleeve`` = Long), as a negation reads it ("not a left-handed one")."""
    first, _, rest = word.partition("-")
    hit = category_of(first, facets) if len(first) > 2 and len(rest) > 3 else None
    return hit if hit and stem_phrase(rest)[:4] in hit[0].column.lower() else None


def _fractions(text: str, facets: Facets) -> Iterator[tuple[Facet, str, tuple[int, int]]]:
    """Values written as a fraction or a ratio ("3/4", "1/2": sizes of guitars, of violins; "1:24", "1:10": scales of
    models), named as written or with the other sign ("1/10 scale"), and the whole size, 4/4, named in words ("a
    full-size violin", "un violon entier")."""
    for facet in facets.values():
        for value in (v for v in facet.values if _FRACTION.fullmatch(v)) if facet.categorical else ():
            top, bottom = re.split(r"[/:]", value)
            for m in re.finditer(rf"(?<![\d/:.,]){top}\s?[/:]\s?{bottom}(?![\d/:])", text):
                yield facet, facet.canonical[value], m.span()
            for m in _WHOLE_SIZE.finditer(text) if value == "4/4" else ():
                yield facet, facet.canonical[value], m.span()


def _numbered(text: str, facets: Facets) -> Iterator[tuple[Facet, str, tuple[int, int]]]:
    """Values that begin with a digit said as written ("35mm film", "une pellicule 120", "6x6"), a space allowed
    between the digits and the letters ("35 mm"); values of digits alone only in a column of such values (formats),
    and not as a bound or an amount of money ("under 120", "120 $")."""
    for facet in facets.values():
        led = [v for v in facet.values if v[:1].isdigit() and not _FRACTION.fullmatch(v)] if facet.categorical else []
        formats = len(led) >= len(facet.values) - 1  # a column of such values (35mm, 120)
        for value in (v for v in led if formats or not v.isdigit()):
            spelt = re.sub(r"(?<=\d)(?=[^\W\d_])", r"\\s?", re.escape(value))
            for m in re.finditer(rf"(?<![\w.,/:]){spelt}(?![\w.,/:%])", text, re.IGNORECASE):
                if value.isdigit() and (_PRICED.search(text[max(0, m.start() - 16):m.start()])
                                        or re.match(rf"\s*(?:{lx.CURRENCY})", text[m.end():], re.IGNORECASE)):
                    continue
                yield facet, facet.canonical[value], m.span()


#: Words just before a number that make it a bound or an amount, no value ("under 120", "$120").
_PRICED = re.compile(rf"(?:{lx.AT_MOST}|{lx.AT_LEAST}|{lx.BELOW}|{lx.ABOVE}|{lx.CURRENCY})\s*$", re.IGNORECASE)
_FRACTION = re.compile(r"\d{1,2}[/:]\d{1,3}")
_WHOLE_SIZE = re.compile(r"\bfull[\s-]?(?:size[ds]?|sized?)\b|\b(?:adult|grown[\s-]up) size\b|\b(?:taille |format )?(?:entier|entière|adulte)s?\b|"
                         r"\bin voller Größe\b|\bvolle[nr]? Größe\b|\bganze[nr]?\b|\btamaño (?:completo|adulto|entero)\b|全尺寸|成人尺寸", re.IGNORECASE)


#: Words between the two of a value's name that make them no one thing ("red and blue", "fish not meat").
_NO_GAP = frozenset("and or not nor but with without und oder nicht ohne mit et ou ni pas sans avec y o e sin con".split())


def category_of(words: str, facets: Facets) -> tuple[Facet, str] | None:
    """The value ``words`` name (by stem; a colour also in the lexicon's other languages; in
    Chinese characters, one they have as written)."""
    if lx.has_cjk(words) and (written := cjk_values(words, facets, heads=False) or cjk_values(words, facets)):
        return written[-1][0], written[-1][1]  # "福建的乌龙茶": the oolong, the last named
    key, glued = stem_phrase(words), "".join(words.lower().split())
    joined = stem_phrase(glued) if len(words.split()) == 2 and not lx.FILLER & set(words.lower().split()) else ""
    uninflected = stem_phrase(re.sub(r"(?:er|es|en|em|e)\s+", "", words.lower(), count=1).replace(" ", "")) \
        if joined else ""  # "schwarzer Tee": Schwarztee
    for facet in facets.values():
        if not facet.categorical or yes_no(facet):  # a yes/no column: :mod:`flags`
            continue
        index = _stem_index(facet)
        glued_values = tuple(v for v in index.get(joined, ()) or index.get(uninflected, ()) if len(v) <= len(glued) + 3)  # "sun glasses", not
        plural = re.sub(r"(?<=[aeiou])s$", "", key) if len(key.rsplit(" ", 1)[-1]) >= 3 else key  # "gis": Karate gi
        for value in index.get(key, ()) or glued_values or index.get(stem_phrase(words.replace("-", " ")), ()) or (
                index.get(plural, ()) if plural != key else ()):  # "hat in":
            if words.strip().lower() in lx.FILLER - lx.ENGLISH_NOUNS and words.strip().lower() != value.lower():  # Hatinator
                continue  # "with" is no "Withings"
            return facet, facet.canonical[value]
    single = " " not in words.strip() and not lx.has_cjk(words) and words.strip().lower() not in lx.FILLER
    language = shop_language(facets) if single else ""
    for facet in (f for c, f in facets.items() if c.lower() in kind_columns(facets)) if single else ():
        if (compound := compound_value(words.strip(), facet, language)) is not None:  # "ein Schlauch": Gartenschlauch
            return facet, compound
    for facet in facets.values() if single else ():  # "Plastik": the Kunststoff
        if not yes_no(facet) and (synonym := same_sense(words.strip(), facet, language)) is not None:
            return facet, synonym
    for facet in (f for c, f in facets.items() if c.lower() not in kind_columns(facets)) if single else ():
        if not yes_no(facet) and (first := first_value(words.strip(), facet, language)) is not None:
            return facet, first  # "Wettkampftag": Wettkampf
    for english, names in translated().items():
        said = lx.pattern(names).fullmatch(words.strip())
        for facet in facets.values() if said or words.strip().lower() == english else ():  # "black" where the
            for value in (v for v in facet.values if facet.categorical and (v == english and bool(said) or  # colours
                                                                           lx.pattern(names).fullmatch(v))):  # are "Schwarz"
                return facet, facet.canonical[value]
            if facet.categorical and english in lx.COLOURS and len(named := worded(facet, english, names)) == 1:  # "black": Schwarz matt
                return facet, facet.canonical[named[0]]
    return None


def narrowed(filters: Sequence[Filter], text: str) -> tuple[Filter, ...]:
    """``filters`` with the kinds of one column that begin or end with the same word (read from a
    translation: "racket" → Badminton, Padel and Tennis racquet) cut to those whose other words ``text``
    (the request's own) says (:func:`says`: "pala de pádel": Padel racket), when it says some."""
    said = set(stem_phrase(text).split())
    by_head: dict[tuple[str, str], list[Filter]] = {}
    for f in filters:
        if f.hard and f.op == "=" and (words := stem_phrase(str(f.value)).split()):
            for head in dict.fromkeys((words[-1], words[0])):  # "Guitarra flamenca"; "Dartboard" beside its kinds
                by_head.setdefault((f.column, head), []).append(f)
    cut = {id(f) for (_, head), group in by_head.items() if len(group) > 1 and (kept := [
        f for f in group if str(f.value) in narrowest([str(g.value) for g in group], head, said, plain=False)])
        for f in group if f not in kept}  # "un escritorio": Desk and Standing desk; "uno de pie": Standing desk
    return tuple(f for f in filters if id(f) not in cut)


def narrowest(values: Sequence[str], shared: str, said: set[str], *, plain: bool = True,
              spelled: Mapping[str, Sequence[str]] | None = None) -> list[str]:
    """Of ``values`` (kinds that share the word stem ``shared``), those whose other words are all ``said`` (stems), else
    (``plain``) the plain ``shared`` one ("an electronic dartboard": not Dartboard; "a dartboard": Dartboard); none when
    there is none such (the caller keeps them all: "a kayak" among Kayak de paseo, Kayak hinchable). ``spelled``: the
    words each value is also written in (a German kind's English glosses: "3D-Puzzle" as 3d puzzle, 3d jigsaw)."""
    rests = {v: [set(stem_phrase(w).split()) - {shared} - _LINKING for w in [v, *(spelled or {}).get(v, [])]
                 if w == v or shared in stem_phrase(w).split()] for v in values}
    told = [v for v in values if any(rest and says(said, rest) for rest in rests[v])]
    return told or [v for v in values if plain and any(not rest for rest in rests[v])]


#: Words that link a kind's nouns, said or not ("Boules de compétition": "competition boules").
_LINKING = frozenset({"de", "du", "des", "del", "la", "le", "les", "a", "au", "aux", "para", "pour", "en", "con", "avec",
                      "fur", "mit", "aus", "for", "of", "with", "the"})


#: The shortest stem two spellings of one word share (:func:`alike`), and how many letters past it each may end with.
_SHARED, _ENDING = 5, 2


def alike(one: str, other: str) -> bool:
    """Whether two stems are one word with another ending, as adjectives agree in gender and number in French,
    German and Spanish ("flamenco" and "flamenca", "eléctrico" and "électrique"): equal, or sharing their first
    letters but for at most :data:`_ENDING` each, one more after a long stem (and at least :data:`_SHARED`)."""
    if one == other:
        return True
    shared = len(os.path.commonprefix([one, other]))  # a long stem may lose more ("electronica", "electron")
    return shared >= _SHARED and max(len(one), len(other)) - shared <= _ENDING + (shared >= 2 * _SHARED - 3)


def says(said: set[str], words: set[str]) -> bool:
    """Whether every stem of ``words`` is :func:`alike` one of ``said``."""
    return all(w in said or any(alike(w, s) for s in said) for w in words)


def widens(found: Filter, query: CrossModalQuery, guessed: set[str], text: str) -> bool:
    """Whether a kind ``found`` through the glosses is a longer one of a kind the request names in the catalogue's
    own words (``query``'s, not ``guessed``) whose other words ``text`` does not say ("a puzzle" names Puzzle, and
    Puzzle 3D only with "3d")."""
    own = set(stem_phrase(str(found.value)).split())
    return any(f.column == found.column and f.hard and str(f) not in guessed and (named := set(stem_phrase(str(f.value)).split()))
               and named < own and not says(set(stem_phrase(text).split()), own - named) for f in query.filters)
