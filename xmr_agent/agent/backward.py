"""English words read into a catalogue's language through the English → German dictionary (and German for French and
Spanish): the kind a request's head noun names ("a towel rail": Handtuchhalter; "rain barrel": the Regentonne), the
describing values its words name ("stainless steel": Edelstahl), and whether a dictionary's word is a kind.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any

from xmr_agent.agent import lexicon
from xmr_agent.agent.cjk_senses import sensed_values
from xmr_agent.agent.columns import brand_column, kind_columns
from xmr_agent.agent.dictionaries import ENDINGS, MIN_PART, from_english, load, senses
from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.query import Filter
from xmr_agent.agent.values import HEAD_SHARE, folded, stem_phrase

#: Words after which the word before them ends a noun phrase ("arrows for", "a tap that").
_ENDS_PHRASE = frozenset("and or but please thanks that which who with for in of from under over than to at on by "
                         "though now today too below above around about without you you've youve you'd i i'd i'm "
                         "we we're we'd they it is are was made designed built".split())  # "the lightest chair you've got"
_TOKEN = re.compile(r"[^\W\d_][\w\-']*")


def backward_kinds(text: str, facets: Facets, language: str, negated: tuple[str, ...] = ()) -> list[Filter]:
    """The kind of a catalogue in ``language`` that the first head noun of the English ``text``
    names through the English → German dictionary, and for French and Spanish through German too
    ("a towel rail for the bathroom": Handtuchhalter; "a mirror": Badspiegel, the compound that
    ends so): the last word of a phrase (one of up to three words, the longest the dictionary has)
    followed by a linking word, a mark or the end. The first head that translates decides; words
    the request negates are none."""
    columns = [f for c, f in facets.items() if c.lower() in kind_columns(facets) and f.categorical]
    for phrases in head_phrases(text, negated):
        for words in phrases:
            n = len(words)
            translated = from_english(" ".join(words), language)
            named = {(facet.column, facet.canonical[v]) for facet in columns for v in facet.values
                     if any(same_noun(t, v, language, compound=False) for t in translated)} or \
                {(facet.column, facet.canonical[v]) for facet in columns for v in facet.values
                 if any(same_noun(t, v, language) for t in translated)}
            if not named and n == 2 and language == "de" and (joined := _joined_kinds(words, columns)):
                return joined  # "gas bbq": Gas + Grill, the kind Gasgrill
            if not translated:
                continue
            by_column = {c for c, _ in named}
            shared = len(by_column) == 1 and len({stem_phrase(v).split()[0] for _, v in named if stem_phrase(v)}) == 1
            if (len(named) == len(by_column) or shared) and named:  # (or kinds of one noun: Casque homme, femme, enfant)
                return [Filter(column=c, op="contains" if facets[c].kind == "list" else "=", value=v) for c, v in named]
            if named:
                break  # the head's longest translated phrase that names kinds decides; one naming none gives way to
                # the head's shorter phrases ("rain barrel": Regenfass, no kind; "barrel": Tonne, the Regentonne)
    return []


def head_phrases(text: str, negated: tuple[str, ...]) -> Iterator[list[list[str]]]:
    """For each head noun of the English ``text`` (the last word of a phrase, followed by a linking word, a mark or
    the end; none the request negates), its phrases of three, two and one words, longest first."""
    tokens = list(_TOKEN.finditer(text))
    skip = {w.lower() for phrase in negated for w in phrase.split()}
    for j, token in enumerate(tokens):
        following = tokens[j + 1] if j + 1 < len(tokens) else None
        if following is not None and not text[token.end():following.start()].strip(" ") \
                and following.group(0).lower() not in _ENDS_PHRASE:
            continue  # not the last word of its phrase ("basin" of "basin mixer tap")
        if token.group(0).lower() in _FILLER or token.group(0).lower() in skip:
            continue
        yield [words for n in (3, 2, 1) if len(words := [t.group(0) for t in tokens[max(0, j - n + 1):j + 1]]) == n
               and not any(w.lower() in _FILLER or w.lower() in skip for w in words)]


_FILLER = lexicon.FILLER - lexicon.ENGLISH_NOUNS | {"way", "lot", "lots", "bit", "time", "times", "day", "days", "week", "weeks",
                                                    "ages", "while", "home"}  # ("hay" is a noun; "way too long" names none)


def round_trip_kinds(text: str, glossed_facets: Facets, negated: tuple[str, ...] = ()) -> list[Filter]:
    """The kind one of whose English glosses is a sense of a German word that the first head noun of the English
    ``text`` translates as: its words in other words ("charging cable": Ladekabel, Kabel: cable, wire, the kind glossed
    "data wire", 数据线). The head's longest phrase that names one kind decides."""
    german = load("de")
    for phrases in head_phrases(text, negated) if german is not None else ():
        for words in phrases:
            synonyms = {s.lower() for g in from_english(" ".join(words), "de")[:ROUND_TRIP_WORDS]
                        for s in senses(g, "de", german)[:ROUND_TRIP_SENSES]}  # type: ignore[arg-type]
            named = {(f.column, f.canonical[s]) for f in glossed_facets.values() for s in synonyms if s in f.canonical}
            if len(named) == 1:
                column, value = next(iter(named))
                return [Filter(column=column, op="=", value=value)]
            if named:
                return []
    return []


#: How many German words of an English phrase, and how many English senses of each, :func:`round_trip_kinds` reads.
ROUND_TRIP_WORDS, ROUND_TRIP_SENSES = 2, 4


def backward_values(text: str, facets: Facets, language: str, said: set[str], negated: tuple[str, ...] = ()) -> list[Filter]:
    """Preferences for the values of a catalogue in ``language`` that English words of ``text`` (two
    together, else one) translate as, through the English → German dictionary (and German for French
    and Spanish): "stainless steel" → Edelstahl, "cedar" → Zeder; on describing columns (no kinds, no
    brands, no yes/no, none in ``said``), one value each; words the request negates are none."""
    kinds = kind_columns(facets)
    columns = [f for c, f in facets.items() if f.categorical and c.lower() not in kinds and c not in said
               and not brand_column(c) and len(f.values) > 2 and f.values.isdisjoint({"yes", "no", "ja", "nein", "oui", "non", "sí"})]
    values = {folded(v.lower()): (f.column, f.canonical[v]) for f in columns for v in f.values}
    skip = {w.lower() for phrase in negated for w in phrase.split()}
    words = [w for w in (t.group(0) for t in _TOKEN.finditer(text)) if w.lower() not in lexicon.FILLER and w.lower() not in skip]
    found: dict[str, str] = {}
    used: set[int] = set()
    sensed = sensed_values(columns) if language == "zh" else {}  # no dictionary into Chinese: its values' senses
    for n in (2, 1) if values else ():
        for j in range(len(words) - n + 1):
            if used & set(range(j, j + n)):
                continue
            spoken = [folded(t.lower()) for t in from_english(" ".join(words[j:j + n]), language)]
            hit = next((values[t] for t in spoken if t in values), None) or next(  # "stainless steel": acier inox, Inox
                (values[w] for t in spoken if len(t.split()) == 2 for w in t.split() if w in values and len(w) >= 4), None) \
                or sensed.get(stem_phrase(" ".join(words[j:j + n])))
            if hit and hit[0] not in found:
                found[hit[0]] = hit[1]
                used |= set(range(j, j + n))
    return [Filter(column=c, op="contains" if facets[c].kind == "list" else "=", value=v, hard=False) for c, v in found.items()]


def _joined_kinds(words: list[str], columns: list[Facet]) -> list[Filter]:
    """The one German kind that joins a sense (or the word itself) of the English modifier to a
    sense of the head, the way German compounds are made: "gas bbq" → Gas + Grill(en): Gasgrill,
    "charcoal grill" → Holzkohle + Grill: Holzkohlegrill, "infrared cabin" → Infrarot + Kabine."""
    modifiers = {folded(w.lower()) for w in (words[0], *from_english(words[0], "de")[:PARTS]) if len(w) >= 3}
    heads = {folded(h.lower())[:-len(e)] if e and folded(h.lower()).endswith(e) else folded(h.lower())
             for h in from_english(words[1], "de")[:PARTS] for e in ("", *ENDINGS["de"])}
    named = {(facet.column, facet.canonical[v]) for facet in columns for v in facet.values
             if any(folded(v.lower()).replace("-", "").startswith(m) and folded(v.lower()).endswith(h)
                    and len(folded(v.lower()).replace("-", "")) >= len(m) + len(h) for m in modifiers for h in heads if len(h) >= 4)}
    return [Filter(column=c, op="contains" if any(f.column == c and f.kind == "list" for f in columns) else "=", value=v)
            for c, v in named] if len(named) == 1 else []


#: How many senses of each word of a phrase :func:`_joined_kinds` joins.
PARTS = 6


def same_noun(word: str, value: str, language: str, *, compound: bool = True) -> bool:
    """Whether ``word`` (a dictionary's) is the kind ``value``: the same (accents, case and a
    plural ending aside), or in German the last part of a compound of the other ("Spiegel" of
    "Badspiegel", "Waschbecken" of "Handwaschbecken"), in French and Spanish the noun a
    describing word follows ("silla" of "Silla plegable", "glacière" of "Glacière électrique")."""
    a, b = folded(word.lower()), folded(value.lower())
    forms = {a, *(a[:-len(e)] for e in ENDINGS.get(language, ()) if a.endswith(e) and len(a) - len(e) >= 3)}
    if b in forms or " " not in b and {b[:-len(e)] for e in ENDINGS.get(language, ()) if b.endswith(e) and len(b) - len(e) >= 3} & forms:
        return True  # (a kind named in the plural: "Trousses" of "trousse")
    if compound and language in ("fr", "es") and " " not in a and len(b.split()) == 2 and len(a) >= 4:
        return b.split()[0] in forms
    return compound and language == "de" and " " not in b and (any(len(f) >= 4 and b.endswith(f) for f in forms) or len(b) >= 4 and a.endswith(b))


def avoided_in(phrases: tuple[str, ...], language: str) -> tuple[str, ...]:
    """The words of ``language`` (German, French, Spanish) that English ``phrases`` a request avoids translate as, to
    leave out the items titled so in a shop written in it ("without caffeine": Koffein, where a translator wrote
    Kaffee); the dictionary's first two nouns of each."""
    if language not in ("de", "fr", "es"):
        return ()
    return tuple(dict.fromkeys(w.lower() for phrase in phrases for w in from_english(phrase, language)[:2] if " " not in w))


def titled_kinds(heads: Iterable[Sequence[str]], nouns: Any, facets: Facets, language: str) -> tuple[list[Filter], str]:
    """The kind of a catalogue in ``language`` whose items' titles say a word an English phrase translates as (through
    the English → German dictionary, a compound by its last part): "a garden hose" → Manguera, the titles of the
    shop's Riego; "pruning shears" → Gartenschere, Schere: tijeras, the Tijeras de podar. ``heads``: for each noun of
    the request in turn, its English phrases, longest first; the first that names one kind decides. A word names a
    kind where at least two thirds of the items whose titles begin with it (in German: have it) are of that kind, and
    it is no word of most kinds' titles: a French or Spanish title says what the item is first ("Tierra para
    macetas", no pot; "Coque bébé", no baby). A title's first word whose own senses are the phrase names its kind too
    ("pruning shears": "Sécateur …"). With the kind, the word that names it ("manguera")."""
    counts: Mapping[str, Mapping[str, Mapping[str, int]]] = getattr(nouns, "counts" if language == "de" else "firsts", {})
    common: frozenset[str] = getattr(nouns, "common", frozenset)()
    if not counts or language not in ("de", "fr", "es"):
        return [], ""
    dictionary = load(language)
    for phrases in heads:
        for phrase in phrases:
            translated = _said_as(phrase, language, dictionary)
            named = {(column, kind, word) for column, stems in counts.items() if column in facets
                     for word in (*translated, *(_sensing(phrase, stems, language) if language != "de" else ()))
                     for kind in _titled_kind(_title_word(word), stems, common, dictionary if language == "de" else None)}
            if len({(c, k) for c, k, _ in named}) == 1:
                column, kind, word = min(named)
                value = facets[column].canonical.get(kind, kind)
                return [Filter(column=column, op="contains" if facets[column].kind == "list" else "=", value=value)], word
            if named:
                return [], ""
    return [], ""


def _said_as(phrase: str, language: str, dictionary: Any) -> list[str]:
    """The words of ``language`` an English ``phrase`` is read as for :func:`titled_kinds`: those whose own senses say
    the phrase's head again ("hose": Schlauch, manguera, a hose; not "back": Boden, tierra), and for a phrase of
    several words, those of its first German noun ("pruning shears": Gartenschere, Schere, tijeras)."""
    head = stem_phrase(phrase).split()[-1:]
    found = from_english(phrase, language, parts=True)[:TITLED_WORDS]
    first = set(from_english(phrase, language, parts=True, first=True)) if len(phrase.split()) > 1 else set()
    return [w for w in found if w in first or dictionary is not None and head
            and any(stem_phrase(s).split()[-1:] == head for s in senses(w, language, dictionary))]


#: How many words of the catalogue's language an English phrase is read as by :func:`titled_kinds`.
TITLED_WORDS = 4


def _sensing(phrase: str, firsts: Mapping[str, Mapping[str, int]], language: str) -> list[str]:
    """The first words of titles one of whose own senses is the English ``phrase`` ("Sécateur …": pruning shears)."""
    said = stem_phrase(phrase)
    return [word for word in firsts if len(word) >= 3 and said in _word_senses(word, language)]


@lru_cache(maxsize=4096)
def _word_senses(word: str, language: str) -> frozenset[str]:
    """The stems of the first senses of a word of ``language`` (read once)."""
    dictionary = load(language)
    return frozenset(stem_phrase(s) for s in senses(word, language, dictionary)[:TITLED_SENSES]) if dictionary else frozenset()


#: How many senses of a title's first word :func:`_sensing` reads.
TITLED_SENSES = 8


def _title_word(said: str) -> str:
    """A translation of one word, else none ("voiture d'enfant", a pram, names no car seat)."""
    return said if len(said.split()) == 1 else ""


def _titled_kind(word: str, stems: Mapping[str, Mapping[str, int]], common: Container[str], german: Any = None) -> list[str]:
    """The one kind at least :data:`~xmr_agent.agent.values.HEAD_SHARE` of the items titled with ``word`` are of; in
    German (``german``: its dictionary) with a word ending so ("Gurt": Möbelgurt, Spanngurt), else with one ending as
    the word's last part ("Schubkarre": Karre, the Sackkarre)."""
    low = word.lower()
    tail = next((low[c:] for c in range(MIN_PART, len(low) - 4) if low[c:] in german), "") if german is not None else ""
    for said in (word, tail) if tail else (word,):
        stem = stem_phrase(said)
        if not stem or " " in stem or len(stem) < 3 or stem in common:
            return []
        forms, found, whole = {stem, stem.removesuffix("s"), stem + "s"}, dict[str, int](), 0
        for title_stem, counts in stems.items():  # (German: stems of all the titles' words; else their first words)
            if (exact := (title_stem if german is not None else stem_phrase(title_stem)) in forms) \
                    or german is not None and len(stem) >= MIN_PART and title_stem.endswith(stem):
                for kind, n in counts.items():
                    found[kind], whole = found.get(kind, 0) + n, whole + (n if exact else 0)
        if (total := sum(found.values())) and (whole or total >= 2):  # (one "Nagerheim" says no "Heim" is a cage)
            return [k for k, n in found.items() if n >= HEAD_SHARE * total]
    return []
