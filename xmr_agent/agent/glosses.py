"""The kinds of a catalogue written in another language than English, read from English words:
"glazes", "a kiln", "a pottery wheel" on a French catalogue whose kinds are "Émail", "Four",
"Tour de potier"; and, through the request's own dictionary, from German, Spanish or Chinese words
("Töpferscheibe", "horno").

The small translator puts a request into the catalogue's language word by word and often leaves
a word as it was ("Quelles glazes sous 15 euros ?") or picks another sense ("Wheel de poterie");
the catalogue's kinds, though, are few and each is read once in a dictionary into English (its
glosses: "Four" → furnace, kiln, oven, stove). A gloss that two kinds share names neither; the
last word of a gloss of several words names its kind when no other gloss ends so ("wheel" for
"potter's wheel"). The request is then read against the glossed kinds as against an English
catalogue's, by the same rules (:func:`~xmr_agent.agent.rules.rule_rewrite`) or, in another
language, by the dictionary senses of its words (:func:`~xmr_agent.agent.glossary.kinds`). When the
glosses name nothing, an English request's head noun is read the other way, through an English →
German dictionary, into the catalogue's own words (:func:`backward_kinds`: "a towel rail" →
Handtuchhalter).
Written here because no library maps a shop's own category names between languages offline.
"""

from __future__ import annotations

import re
from functools import lru_cache

from xmr_agent.agent import glossary, lexicon
from xmr_agent.agent.backward import backward_kinds, backward_values, head_phrases, round_trip_kinds, titled_kinds
from xmr_agent.agent.cognates import cognates, common, loaned
from xmr_agent.agent.columns import kind_columns
from xmr_agent.agent.dictionaries import (
    MIN_PART,
    Dictionary,
    adjectives,
    kind_senses,
    load,
    participles,
    senses,
)
from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.mentioned import widens
from xmr_agent.agent.naming import SPACED
from xmr_agent.agent.query import CrossModalQuery, Filter, SubQuery, guessed_note, loose_note, titled_note
from xmr_agent.agent.rules import rule_rewrite
from xmr_agent.agent.senses import spelt_alike
from xmr_agent.agent.titled import title_senses
from xmr_agent.agent.translate import needs_translation
from xmr_agent.agent.values import folded, stem_phrase
from xmr_agent.encoders.language import ENGLISH, detect_closely

#: How many of a kind's dictionary senses are its glosses (the first ones are the common ones).
MAX_SENSES = 6
#: Glosses longer than this many words are explanations, not names.
MAX_GLOSS_WORDS = 3
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]|<[^>]*>?|\S*[<>]\S*")  # "(informal)", "<pl>", "n>"
#: Senses that name a property or nothing in particular ("Émail": colour, hue; "Outil": means, agent): no kind.
NO_KIND = frozenset({"colour", "color", "hue", "shade", "tint", "tincture", "size", "price", "material", "shape", "brand",
                     "flavour", "flavor", "style", "means", "agent", "suit", "thing", "stuff", "item", "article",
                     "product", "piece", "part", "kind", "type", "sort", "way", "manner"})


def glossed(facets: Facets, language: str) -> Facets | None:
    """``facets``' columns of kinds with English glosses for values (each gloss's canonical value
    the catalogue's own), for a catalogue in ``language``; ``None`` without a dictionary for it or
    with no kind glossed."""
    if language == "en" or load(language) is None:
        return None
    columns = tuple(sorted(c for c in facets if c.lower() in kind_columns(facets) and facets[c].categorical))
    found = _glossed(columns, tuple((c, tuple(sorted(facets[c].canonical.values()))) for c in columns), language,
                     tuple((c, tuple(sorted(facets[c].titles.items()))) for c in columns))
    return Facets(dict(found)) if found else None


@lru_cache(maxsize=32)
def _glossed(columns: tuple[str, ...], values: tuple[tuple[str, tuple[str, ...]], ...], language: str,
             titled: tuple[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], ...] = ()) -> tuple[tuple[str, Facet], ...]:
    dictionary = load(language)
    out = []
    for column, kinds in values:
        named: dict[str, set[str]] = {}
        titles = dict(dict(titled).get(column, ()))
        for kind in kinds:
            found = kind_senses(kind, language, dictionary) or _lettered(kind, language, dictionary)  # type: ignore[arg-type]
            if titles:  # "吹水机": its titles' 吹风机, hair dryer
                found = (*found[:MAX_SENSES // 2], *title_senses(kind, titles, dictionary))
            found = (*loaned(kind, dictionary), *found)  # "Shaker", "Cutter", "Pad": the English word itself
            if both := re.fullmatch(r"([^\W\d_]+) (?:y|e|et|und|and|&) ([^\W\d_]+)", kind):  # "Peinetas y flores": comb,
                found = tuple(s for w in both.groups() for s in kind_senses(w, language, dictionary)[:5]) or found  # type: ignore[arg-type]
                # flower; "Ställe & Gehege": stables, enclosure, pen (each word's own, none made of both)
            elif not found and language in ("fr", "es", "it", "pt"):  # "Bomba de calor": heat pump; "Nevera portátil": its noun's
                found = (*phrase_senses(kind, language, dictionary)[:3],  # type: ignore[arg-type]  # "Sacs à dos": backpack
                         *(senses(kind.split()[0], language, dictionary)[:3]  # type: ignore[arg-type]
                           if len(kind.split()) == 2 else ()), *composed(kind, language))  # "Bougie non parfumée": no candle
            elif language == "de" and kind.lower() not in dictionary:  # type: ignore[operator]
                # "Holzkohlegrill": charcoal grill; "Puzzle für Erwachsene": adult puzzle
                found = (*(joined(kind) if " " not in kind else composed(kind, language) if len(kind.split()) == 3 else ()), *found)
            for sense in (*found[:MAX_SENSES], *(s for s in found[MAX_SENSES:2 * MAX_SENSES] if common(s))):  # (made ones
                # first; no more than a word's: the column stays one of kinds; a later sense a common word: Rad, wheel)
                said = " ".join(_BRACKETS.sub(" ", sense).split()).lower().removeprefix("to ")
                for gloss in dict.fromkeys((said, said.replace("-", " "))):  # "electric-powered toothbrush": electric
                    if gloss and len(gloss.split()) <= MAX_GLOSS_WORDS and gloss not in NO_KIND | (lexicon.FILLER - lexicon.ENGLISH_NOUNS):
                        named.setdefault(gloss, set()).add(kind)
        heads: dict[str, set[str]] = {}
        for gloss, kinds_of in named.items():
            if len(gloss.split()) > 1:
                heads.setdefault(gloss.split()[-1], set()).update(kinds_of)
        for head, kinds_of in heads.items():
            if head not in named and len(kinds_of) == 1 and len(head) > 2 and head not in lexicon.FILLER:  # "watering
                # can": no "I can stretch the budget"
                named[head] = kinds_of
        whole = {g: k for g, k in named.items() if not SPACED.search(g)}  # "teapot" (茶壶) and "tea pot" (茶叶罐, a jar):
        named = {g: k for g, k in named.items() if not ((one := whole.get(SPACED.sub("", g))) and one != k)}  # the
        # word written as one names its kind alone
        stems: dict[str, set[str]] = {}  # "clipper" (nail clipper) and "clippers" (电推剪) name neither
        for gloss, kinds_of in named.items():
            stems.setdefault(stem_phrase(gloss).removesuffix("s"), set()).update(kinds_of)
        unique = {g: next(iter(k)) for g, k in named.items()
                  if len(k) == 1 and stem_phrase(g) and len(stems[stem_phrase(g).removesuffix("s")]) == 1}
        if unique:
            out.append((column, Facet(column, "string", frozenset(unique), canonical=unique)))
    return tuple(out)


#: A kind in Chinese named by Latin letters or digits and a Chinese noun ("LED灯", "USB线").
_LETTERED = re.compile(r"([A-Za-z0-9][A-Za-z0-9+.\-]*)\s*([^\x00-\x7f]+)")


def _lettered(kind: str, language: str, dictionary: Dictionary) -> tuple[str, ...]:
    """The senses of a Chinese kind written with Latin letters first, its noun's senses after the letters: "LED灯" → LED
    lamp, LED light (the head nouns "lamp" and "light" then name it too where no other kind is glossed so)."""
    m = _LETTERED.fullmatch(kind) if language == "zh" else None
    return tuple(f"{m.group(1)} {s}" for s in kind_senses(m.group(2), language, dictionary)[:3]) if m else ()


def phrase_senses(kind: str, language: str, dictionary: Dictionary) -> tuple[str, ...]:
    """The senses of a French or Spanish kind of several words in the plural, read in the singular."""
    words = kind.lower().split()
    if language not in _PLURALS or len(words) < 2:
        return ()
    first = [_singular(words[0], language), *words[1:]]  # "Sacs à dos": sac à dos; "Lampes frontales": lampe frontale
    for form in (" ".join(first), " ".join(_singular(w, language) for w in words)):
        if form != kind.lower() and dictionary.has_phrase(form) and (found := senses(form, language, dictionary)):
            return found
    return ()


#: Plural endings of French and Spanish words, longest first.
_PLURALS = {"fr": ("aux", "s", "x"), "es": ("es", "s")}


def _singular(word: str, language: str) -> str:
    """``word`` without a plural ending (French "chevaux" → cheval)."""
    ending = next((e for e in _PLURALS[language] if word.endswith(e) and len(word) > len(e) + 2), "")
    return word[:-len(ending)] + ("al" if ending == "aux" else "") if ending else word


#: Words joining a French or Spanish kind's noun to the noun after it, and whether English says that noun first
#: ("Bomba de calor": heat pump; "Cloro en pastillas": chlorine tablets).
_JOINS = {"de": True, "du": True, "des": True, "d": True, "del": True, "à": True, "au": True, "aux": True, "para": True,
          "pour": True, "en": False, "con": False, "avec": False, "für": True, "aus": True, "mit": False}
#: Articles inside a kind's name, read past ("Flor para el pelo").
_ARTICLES = frozenset("el la los las le les l un une una der die das den".split())
def composed(kind: str, language: str) -> tuple[str, ...]:
    """English glosses of a French or Spanish kind of two nouns, or of a noun and an adjective, that the dictionary
    lacks whole, made of its words' senses in English order: "Bomba de calor" → heat pump, "Cubierta solar" → solar
    deck, "Cloro en pastillas" → chlorine tablet. A word the dictionary lacks glosses as itself when it is a common
    English word ("solar", "robot")."""
    words = [w for w in re.findall(r"[^\W\d_]+", kind.lower().replace("'", " ")) if w not in _ARTICLES]  # "Flor para
    dictionary = load(language)  # el pelo": hair flower
    if dictionary is None or not 2 <= len(words) <= 3 or (len(words) == 3 and words[1] not in _JOINS):
        return ()
    head, other = words[0], words[-1]

    def read(word: str, ending: bool) -> list[str]:
        found = [" ".join(_BRACKETS.sub(" ", s).split()).lower() for s in senses(word, language, dictionary)[:MAX_SENSES]]
        made = participles(word, language, dictionary) if ending and not found else ()  # "Parapluie pliant": folding
        return list(dict.fromkeys([*cognates(word, ending=ending), *made, *(s for s in found if s and len(s.split()) <= 2)]))

    first = len(words) == 2 or _JOINS[words[1]]
    return tuple(f"{o} {h}" if first else f"{h} {o}" for h in read(head, False) for o in read(other, len(words) == 2))


def joined(compound: str) -> tuple[str, ...]:
    """English glosses of a German compound the dictionary lacks whole, made of its first part's senses and its
    last part's ("Holzkohlegrill" → charcoal grill, "Saunaofen" → sauna oven, sauna stove), parted at its hyphen
    when it has one ("Puzzle-Zubehör" → puzzle accessory); a part the dictionary lacks glosses as itself when it is
    a common English word ("Pizza", "Puzzle") or has digits ("3D")."""
    dictionary, low = load("de"), compound.lower()
    if dictionary is None:
        return ()

    def word(part: str) -> str | None:  # the form of ``part`` the dictionary has as a word, with or without an ending
        forms = [part, *(part[:-len(e)] for e in ("s", "es", "n", "en", "e", "er") if part.endswith(e))]
        return next((f for f in forms if len(f) >= MIN_PART - 1 and f in dictionary), None)

    hyphen = low.rfind("-")  # "Puzzle-Zubehör", "3D-Puzzle": parted where the shop parts them
    for cut in [hyphen] if hyphen > 0 else range(MIN_PART - 1, len(low) - MIN_PART + 2):  # the longest last part known
        # (of three letters at the least: "Schwarztee")
        part, rest = low[:cut], low[cut + (hyphen > 0):]
        if (tail := word(rest)) is None and not cognates(rest):
            continue
        first = word(part)
        heads = [*([part] if any(c.isdigit() for c in part) else cognates(part)),  # "3D"; "Schwarztee": black tea
                 *(h for h in ((senses(first, "de", dictionary) or adjectives(first, dictionary))[:3] if first else ()) if " " not in h)]
        said = (" ".join(_BRACKETS.sub(" ", t).split()) for t in (senses(tail, "de", dictionary) if tail else ()))
        tails = [*cognates(rest), *[t for t in said if t][:4]]
        return tuple(f"{h} {t}" for h in dict.fromkeys(heads) for t in dict.fromkeys(tails) if " " not in t and _WORD.fullmatch(t))
    return ()


_WORD = re.compile(r"[^\W_][\w\-']*")


def better_kinds(filters: tuple[Filter, ...], found: list[Filter], guessed: set[str]) -> tuple[Filter, ...]:
    """``filters`` with the kinds ``found`` through the glosses on each column they name, in place
    of that column's positive conditions, as a dictionary's reading of the request's own words
    replaces the translation's ("小提琴" is a violin, whatever the translation made of it); a kind
    only preferred gives way to one the translation named (``guessed``: the filters, as ``str``,
    found by meaning or by the titles, which never count as named)."""
    out = list(filters)
    for column in dict.fromkeys(f.column for f in found):
        on = [f for f in out if f.column == column and f.op in ("=", "contains")]
        mine = [f for f in found if f.column == column]
        if not any(f.hard for f in mine) and any(f.hard and str(f) not in guessed for f in on):
            continue  # a preference the glosses found gives way to a kind the translation named
        out = [f for f in out if f not in on] + mine
    return tuple(out)


def named_kinds(text: str, query: CrossModalQuery, facets: Facets, language: str | None, masked: str,
                generic: frozenset[str], nouns: object = None) -> CrossModalQuery:
    """``query`` with the kinds of a catalogue in ``language`` (not English) that the request
    ``text`` names in another language than the catalogue's (``masked``: its words, the items it
    names blanked; ``generic``: the word stems that name every item; ``nouns``: the kinds by the
    words of their titles, for a kind no gloss names: "a garden hose", the Riego titled "Manguera")."""
    if language in (None, ENGLISH) or not needs_translation(text, language):
        return query
    glossed_facets = glossed(facets, language)
    if glossed_facets is None:
        return query
    said = detect_closely(text)
    guessed = {str(f) for f in query.filters if {guessed_note(f), titled_note(f)} & set(query.notes)}
    if said == ENGLISH:
        read = rule_rewrite(masked, glossed_facets, hard_categories=True, generic=generic)
        found = [f for f in read.filters if f.column in glossed_facets]
        named = {f.column for f in query.filters if f.hard and f.op in ("=", "contains") and str(f) not in guessed
                 and _glossed_in(f, glossed_facets, masked) and _as_head([f], glossed_facets, masked, query.avoid)}  # (the translation's kind no word of the request names
        back = [f for f in backward_kinds(masked, facets, language, query.avoid) if f.column not in named]
        found = back if back and found and not _as_head(found, glossed_facets, masked, query.avoid) else found  # "a
        # pencil case": Trousses (pencil names the Crayons, case is the head)
        # (the dictionary's reading of the head: "rain barrel" is no Regner, whatever the translation said)
        found = [f for f in _of_the_kind(found or back, glossed_facets) if str(f.value) not in read.context]  # "my
        # chisels are dull": what the thing wanted goes with
        titled, word = titled_kinds(([" ".join(p) for p in phrases] for phrases in head_phrases(masked, query.avoid)), nouns,
                                    facets, language)
        titled = [f for f in titled if f.column not in named and (  # "watering cans": Regadera, whatever "watering"
            str(f.value) not in read.context or not _as_head([f], glossed_facets, masked, query.avoid))]  # goes with
        word = "" if found or not titled else word
        found = found or titled or [f for f in _of_the_kind(round_trip_kinds(masked, glossed_facets, query.avoid), glossed_facets)
                                    if f.column not in named and str(f.value) not in read.context]  # "cable": wire
    else:
        found = glossary.kinds(masked, said, glossed_facets, negated=query.avoid, generic=generic, heads_only=True)
        found = [] if len(found) > 1 and not any(f.hard for f in found) else found  # "Konzertgitarre": a guitar, some
        # glossed (electric, acoustic), one not (Guitarra clásica): no guess among them, the meaning's instead
        titled, word = _titled_senses(masked, said, query, facets, language, nouns)  # "un arrosoir": watering can,
        found, word = (titled, word) if titled and titled != found and {f.column for f in titled} >= {f.column for f in found} \
            else (found, "")  # regadera; the titles' reading of a word's own senses before a gloss of its part
        # ("Gießkanne": no Kanne, a pot); where both read the same kind, the translation's words are searched still
    found = [f for f in found if not widens(f, query, guessed, masked)]  # "a puzzle": Puzzle, not Puzzle 3D
    filters = better_kinds(query.filters, found, guessed)
    unsaid = [f for f in filters if f.hard and f.op in ("=", "contains") and str(f) not in guessed and f not in found
              and not _glossed_in(f, glossed_facets, masked, said)]  # a kind the translation alone names: a guess
    # ("one that's waterproof" → "Un boussole …": in a chat, no new subject)
    taken = {f.column for f in filters if (str(f) not in guessed or f.hard) and f.op in ("=", "contains")}  # (not "not aluminium")
    values = backward_values(masked, facets, language, taken, query.avoid) if said == ENGLISH else \
        _read_values(masked, said, facets, language, taken, query.avoid)  # "要不锈钢的": stainless steel, Inox
    values = [v for v in values if not any(f.column == v.column and f.op in ("!=", "not_contains") and f.value == v.value
                                           for f in filters)]  # "not made in China": no China beside it
    if filters == query.filters and not values and not unsaid:  # "stainless steel" → Edelstahl, of a column of finishes
        return query
    filters = tuple(f for f in filters if f.column not in {v.column for v in values} or f.op not in ("=", "contains"))  # in place of the meaning's guesses
    searched = (SubQuery(text=word, target="any"), *query.queries[len(query.queries) > 1:]) if word and found else query.queries
    return query.model_copy(update={"filters": (*filters, *values), "queries": searched, "notes": (  # "manguera", in place
        *query.notes, *(f"{f}: named in English words, read through the kinds' dictionary senses" for f in found),  # of the
        *(() if searched == query.queries else (f"searched for {word!r}, the word of the titles that names it",)),  # words
        # of a translation that missed it ("una aguja de jardín")
        *(loose_note(f) for f in found if f.hard and loose_note(f) not in query.notes),  # (a dictionary's reading gives way)
        *(f"{f}: named in English words, read in a dictionary" for f in values),
        *(guessed_note(f) for f in unsaid))})


def _titled_senses(text: str, said: str | None, query: CrossModalQuery, facets: Facets, language: str,
                   nouns: object) -> tuple[list[Filter], str]:
    """The kind whose titles say what a word of ``text`` (in ``said``, neither English nor the catalogue's language)
    means, through its English senses (:func:`~xmr_agent.agent.backward.titled_kinds`), where the translation named
    none of that column's kinds as a condition."""
    dictionary = load(said) if said and said != language else None
    if dictionary is None or said is None:
        return [], ""
    skip = {w.lower() for phrase in query.avoid for w in phrase.split()}
    heads = [[s.replace("-", " ") for s in meant[:MAX_SENSES]] for w in glossary.split_words(text, said)
             if w.lower() not in skip and w.lower() not in lexicon.FILLER and (meant := senses(w, said, dictionary))
             and meant[0].lower() not in lexicon.FILLER]  # "能": can, then energy, no Energiegel
    guessed = query.guessed()
    named = {f.column for f in query.filters if f.hard and f.op in ("=", "contains") and f not in guessed}
    found, word = titled_kinds(heads, nouns, facets, language)
    return [f for f in found if f.column not in named], word


def _as_head(found: list[Filter], glossed_facets: Facets, text: str, negated: tuple[str, ...]) -> bool:
    """Whether a gloss of the values ``found`` is said as a head noun of the English ``text`` (not only before one)."""
    heads = {stem_phrase(phrases[-1][-1]) for phrases in head_phrases(text, negated) if phrases}
    return any(stem_phrase(g).split()[-1:] and stem_phrase(g).split()[-1] in heads
               for f in found if f.column in glossed_facets
               for g, v in glossed_facets[f.column].canonical.items() if v == f.value)


def _glossed_in(flt: Filter, glossed_facets: Facets, text: str, language: str = ENGLISH) -> bool:
    """Whether a word of ``text`` (in ``language``), or one of its senses in a dictionary, is the head noun of one of
    the English glosses of ``flt``'s value (true where the value has none, or no dictionary reads the language)."""
    facet = glossed_facets[flt.column] if flt.column in glossed_facets else None
    glosses = [g for g, v in facet.canonical.items() if v == flt.value] if facet is not None else []
    if not glosses:  # (nothing to tell)
        return True
    words = set(stem_phrase(text).split())
    if language != ENGLISH:
        if (dictionary := load(language)) is None:
            return True
        words |= _stems([s for w in glossary.split_words(text, language) for s in senses(w, language, dictionary)[:MAX_SENSES]])
    return any(stem_phrase(g).split()[-1:] and stem_phrase(g).split()[-1] in words for g in glosses)  # its head noun
    # ("tea caddy" names no "tea tray")


def _of_the_kind(found: list[Filter], glossed_facets: Facets) -> list[Filter]:
    """``found`` without a condition on who an item is for whose gloss is a word of a kind found's glosses ("the
    cheapest baby bottle": 奶瓶 is a baby's feeding bottle, for newborns too, not 婴儿 only)."""
    from xmr_agent.agent.columns import FOR_COLUMNS

    kinds = [f for f in found if f.column.lower() not in FOR_COLUMNS]
    words = {w for f in kinds for g, v in glossed_facets[f.column].canonical.items() if v == f.value for w in stem_phrase(g).split()}
    return [f for f in found if f in kinds or not any(
        g_v == f.value and set(stem_phrase(g).split()) <= words for g, g_v in glossed_facets[f.column].canonical.items())]


def _read_values(text: str, said: str | None, facets: Facets, language: str, taken: set[str],
                 negated: tuple[str, ...]) -> list[Filter]:
    """:func:`backward_values` of the English senses of the words of ``text``, a request in another language
    (``said``) than English and the catalogue's: "要不锈钢的" (stainless steel) → Inox, "acero inoxidable" → Edelstahl."""
    dictionary = load(said) if said else None
    if dictionary is None or said == language:
        return []
    skip = {w.lower() for phrase in negated for w in phrase.split()}
    found: dict[str, Filter] = {}
    for word in glossary.split_words(text, said):  # type: ignore[arg-type]
        if word.lower() in lexicon.FILLER or len(word) < (2 if lexicon.has_cjk(word) else 4):
            continue
        denied = word.lower() in skip or lexicon.has_cjk(word) and any(word in phrase for phrase in negated)
        last = word.split()[-1]  # "de madera": wood
        for sense in dict.fromkeys([*senses(word, said, dictionary)[:2], *(senses(last, said, dictionary)[:2] if last != word else ())]):  # type: ignore[arg-type]
            if len(sense.split()) <= 2:
                for flt in backward_values(sense, facets, language, taken | set(found)):  # "不要石英机芯的": no Quarz
                    found.setdefault(flt.column, flt.model_copy(update={"op": "not_contains" if facets[flt.column].kind == "list"
                                                                        else "!=", "hard": True}) if denied else flt)
    return list(found.values())


def said_value(value: str, catalogue_language: str, original: str, language: str, *, strict: bool = False) -> bool:
    """Whether a value a translation names (of a catalogue in ``catalogue_language``) is one the words of ``original``
    (in ``language``) name: written there, or its English senses among theirs in a dictionary ("白色的扇子" read as
    "Silla de madera": no Madera, wood). True when a dictionary has no senses for either side: nothing to tell (not
    when ``strict``: then only when the words do name it)."""
    if any(len(w) >= MIN_PART and folded(w) in folded(original.lower()) for w in [value.lower(), *value.lower().split()]):
        return True  # ("Carbon fibre": "Skulls aus Carbon")
    mine = _stems([value] if catalogue_language == ENGLISH else list(_senses_of(value, catalogue_language)[:MAX_SENSES]))
    if not mine and catalogue_language != ENGLISH and " " in value:  # "Acero inoxidable": steel, stainless
        mine = _stems([s for w in value.split() if len(w) >= MIN_PART for s in _senses_of(w, catalogue_language)[:3]])
    mine = mine or (_stems([value]) if strict else mine)  # ("Plastique", no dictionary has: its cognate "plastics")
    words = [p for w in glossary.split_words(original, language)  # "aus Holz": Holz too; "木头": 木 (wood) too
             for p in dict.fromkeys([w, *(w if lexicon.has_cjk(w) else w.split())])]
    read = {w: _senses_of(w, language) if language != ENGLISH else () for w in words}
    unread = language != ENGLISH and any(not found and w.lower() not in lexicon.FILLER and (len(w) >= MIN_PART or lexicon.has_cjk(w))
                                         for w, found in read.items())  # "japanischer": a word no dictionary reads
    theirs, written = _stems([s for found in read.values() for s in found]), _stems(words)  # "profesional": a cognate
    return not strict and (not mine or unread) or any(
        a == b or min(len(a), len(b)) >= 3 and (a.startswith(b) or b.startswith(a))  # "Pro"
        or min(len(a), len(b)) >= MIN_PART and spelt_alike(a, b)  # "profesional": Professional
        for a in mine for b in theirs | written)


def _senses_of(word: str, language: str) -> tuple[str, ...]:
    dictionary = load(language)
    return senses(word, language, dictionary) if dictionary is not None else ()


def _stems(phrases: list[str]) -> set[str]:
    return {w for p in phrases for w in stem_phrase(_BRACKETS.sub(" ", p)).split() if len(w) > 2}
