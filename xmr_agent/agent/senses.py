"""The values of describing columns that a request in another language names, read in its words'
dictionary senses: "Ziegenkäse" (goat's cheese) → milk ``Goat``, "山羊" (goat) → ``Goat``, "ne
marche pas à l'essence" (petrol) → power not ``Petrol``, "Merinowolle" → fibre ``Merino``.

A small translating model drops or confuses such words ("Hättet ihr Ziegenkäse da?" → "Do you
have a cheese?", "山羊奶酪" → "sheep's milk cheese"); the dictionary (:mod:`~xmr_agent.agent.glossary`)
lists every sense of a word, and a sense that is a one-word value of a categorical column ("goat"
in "goat's milk cheese") names it. A word names a value when at least half its senses name it, or
when one sense is the value itself and no sense names another value of that column ("羊": sheep or
goat, names neither). German compounds are also read by their first part ("Merinowolle": Merino).
The kinds of item (:func:`~xmr_agent.agent.columns.kind_columns`) are read by
:func:`~xmr_agent.agent.glossary.kinds`; this reads the other categorical columns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import SequenceMatcher

from xmr_agent.agent import dictionaries, glossary, lexicon, phrases
from xmr_agent.agent.columns import DESCRIPTIVE_COLUMNS, brand_column, kind_columns
from xmr_agent.agent.compounds import shop_language
from xmr_agent.agent.filters import NO, YES, Facets
from xmr_agent.agent.mentioned import hyphenated
from xmr_agent.agent.query import CrossModalQuery, Filter, Order
from xmr_agent.agent.rules import blank
from xmr_agent.agent.values import folded, stem_phrase

#: Most values a column may have to be read this way (not a column of names or descriptions).
MAX_VALUES = 40
#: How alike a word and a value must be to be the same word in two languages, and the shortest such value.
COGNATE, MIN_COGNATE = 0.8, 5
#: Linking letters between the parts of a German compound ("Ziegen|käse", "Schafs|milch").
_LINKS = ("en", "n", "s", "es", "")
#: Values of a yes/no column, named by no dictionary sense.
_YES_NO = frozenset((*YES, *NO, "有", "无"))


def sensed(query: CrossModalQuery, base: CrossModalQuery, original: str, language: str, facets: Facets) -> CrossModalQuery:
    """``query`` (a translated request's) with the values of describing columns that the words of
    the ``original`` name in a dictionary (:func:`named_values`): a preference where
    nothing was said of the column, in place of the translation's value where only it said one, in
    its words too ("山羊奶酪" read as "sheep's milk cheese": goat) or a value spelt nearly as written ("alfombra
    bereber" read as "a bath towel": Berber, :func:`written_values`); words after a negation leave the
    value out ("ne marche pas à l'essence": no petrol)."""
    spans = [m.span() for m in NEGATED_WORDS.finditer(original)]
    said = {f.column for f in base.filters}
    filters, notes, queries = list(query.filters), list(query.notes), list(query.queries)
    for negative, text in ((False, blank(original, spans)), (True, " ".join(original[a:b] for a, b in spans))):
        written = written_values(text, facets)
        named = {**written, **named_values(text, language, facets)}
        for column, (value, word) in named.items():
            on = [f for f in filters if f.column == column]
            if column in said or any(str(f.value).lower() == value.lower() for f in on):
                continue
            if negative:
                filters.append(Filter(column=column, op="!=", value=value))
            elif any(f.op == "=" for f in on):
                wrong = [str(f.value) for f in on if f.op == "="]
                filters = [f.model_copy(update={"value": value}) if f.column == column and f.op == "=" else f for f in filters]
                queries = [q.model_copy(update={"text": _swapped(q.text, wrong, value)}) if q.text else q for q in queries]
            else:
                filters.append(Filter(column=column, op="=", value=value, hard=False))
            how = "as written" if written.get(column) == (value, word) else "in a dictionary"
            notes.append(f"{column} {'not ' if negative else ''}{value!r}: {word!r} {how}")
        for flt in _flags_said(text, language, facets, negative):  # "活塞上墨": a piston filler
            if flt.column not in said and all(f.column != flt.column for f in filters):
                filters.append(flt)
                notes.append(f"{flt}: read in a dictionary")
    order = query.order if query.order is not None else _most_said(original, language, facets)  # "la que tenga más
    if order is not None and query.order is None:  # puntadas" read as "the most stars": the most stitches
        notes.append(f"{order}: read in a dictionary")
    return query.model_copy(update={"filters": tuple(filters), "notes": tuple(notes), "queries": tuple(queries),
                                    "order": order}) if len(notes) > len(query.notes) else query


#: "The most" or "the fewest" and the word after it, in French, German, Spanish and Chinese.
_MOST = re.compile(r"\b(?:le plus d[e']|plus d[e']|am meisten|die meisten|meisten|más|mayor número de)\s*([^\W\d_]{3,})|"
                   r"最多的?([\u3400-\u9fff]{1,4})", re.IGNORECASE)
_FEWEST = re.compile(r"\b(?:le moins d[e']|am wenigsten|die wenigsten|menos)\s*([^\W\d_]{3,})|最少的?([\u3400-\u9fff]{1,4})",
                     re.IGNORECASE)


def _most_said(text: str, language: str, facets: Facets) -> Order | None:
    """A sort on the number column a word after "the most" or "the fewest" names by its dictionary senses
    ("la que tenga más puntadas": stitches, ``stitches``; "最多的针迹": the same)."""
    from xmr_agent.agent.numbers import core

    dictionary = glossary.load(language)
    if dictionary is None:
        return None
    columns = {stem_phrase(part): c for c, f in facets.items() if f.kind == "number" for part in core(c).split("_") if len(part) > 3}
    for pattern, descending in ((_MOST, True), (_FEWEST, False)):
        for m in pattern.finditer(text):
            word = m.group(1) or m.group(2)
            for sense in (s for found in _sense_sets(word, language, dictionary) for s in found if len(s.split()) <= 2):
                column = columns.get(stem_phrase(sense.split()[-1])) if sense.split() else None
                if column is not None:
                    return Order(column=column, mode="sort", descending=descending)
    return None


def _flags_said(text: str, language: str, facets: Facets, negative: bool) -> list[Filter]:
    """The yes/no columns (:mod:`~xmr_agent.agent.flags`) that the first dictionary senses of the words
    of ``text`` say ("Kolbenmechanik": piston, "活塞": piston; ``negative``: words a negation denies)."""
    from xmr_agent.agent.flags import flags
    from xmr_agent.agent.numbers import Parse

    dictionary = glossary.load(language)
    if dictionary is None or not text.strip():
        return []
    gloss = ", ".join(f"{'no' if negative else 'with'} {sense}" for word in glossary.split_words(text, language)
                      for found in [*_sense_sets(word, language, dictionary), dictionaries.adjectives(word.lower(), dictionary)]
                      for sense in found[:4])  # "no smoked"; "wasserfest": waterproof
    parse = Parse(gloss, gloss)
    flags(parse, facets)
    return parse.filters


def _swapped(text: str, wrong: list[str], value: str) -> str:
    """The translation's words with its wrong value put right ("sheep's milk cheese" → "goat milk cheese")."""
    for said in wrong:
        text = re.sub(rf"(?<![^\W\d_]){re.escape(said)}(?:'s|s)?(?![^\W\d_])", value.lower(), text, flags=re.IGNORECASE)
    return text


#: A negation and the words it denies ("ne marche pas à l'essence", "keine Tassen").
NEGATED_WORDS = lexicon.pattern(lexicon.NEGATION, after=r"\W*(?:(?:sea|soit|sei|be|de|en|aus|of|in|du|des|del)\s+){0,2}"
                                r"[\w'-]+(?:\s+[\w'-]+)?")  # "que no sea de malla"


def named_values(text: str, language: str, facets: Facets, *, skip: Iterable[str] = ()) -> dict[str, tuple[str, str]]:
    """Column → (value, the word that names it) for the describing columns that a word of ``text``
    (in ``language``) names by its dictionary senses, one value per column; words in ``skip`` (lower
    case: those of negated phrases, or names) are passed over. Empty without a dictionary."""
    dictionary = glossary.load(language)
    if dictionary is None:
        return {}
    index, longer = _value_stems(facets), _longer_values(facets)
    if not index:
        return {}
    skipped = {w.lower() for w in skip}
    found: dict[str, dict[str, str]] = {}
    for said in glossary.split_words(text, language):
        word = said.split("'")[-1] if language == "fr" else said  # "l'essence"
        if word.lower() in skipped or len(word) < 2 and not (lexicon.has_cjk(word) and word not in lexicon.FILLER):
            continue  # ("钛": titanium)
        named: dict[str, set[str]] = {}
        sets = _sense_sets(word, language, dictionary)
        for sensed in sets:
            for column, value in _named_by(sensed, index).items():
                named.setdefault(column, set()).add(value)
            for facet, value in filter(None, (hyphenated(s, facets) for s in sensed[:1])):  # "Linkshänder": left-hander,
                named.setdefault(facet.column, set()).add(value)  # Hand = Left
        if language == "de" and len(word) > 2 * dictionaries.MIN_PART:  # "Merinowolle": a value as written first,
            for column, stems in index.items():  # ahead of the last part's senses (wool)
                written = {stems[v] for v in stems if len(v) >= dictionaries.MIN_PART and word.lower().startswith(v)}
                named.update({column: written} if written else {})
        said_stems = {stem for sensed in sets for sense in sensed for stem in stem_phrase(sense).split()}
        for column, kept in named.items():  # "Thaiboxen" (Thai, boxing) names no `Boxing` beside `Muay Thai`
            for value in (v for v in kept if not said_stems & (longer.get(column, set()) - set(stem_phrase(v).split()))):
                found.setdefault(column, {}).setdefault(value, word)
    return {c: next(iter(values.items())) for c, values in found.items() if len(values) == 1}


def written_values(text: str, facets: Facets) -> dict[str, tuple[str, str]]:
    """Column → (value, word) for the one-word values of categorical columns that a word of ``text``
    spells nearly as written, a cognate ("bereber": Berber, "moderna": Modern, "scandinave": Scandinavian):
    at least :data:`COGNATE` alike (accents aside) and the same first two letters; one per column."""
    values = [(c, v, _plain(v)) for c, f in facets.items() if f.categorical and c not in DESCRIPTIVE_COLUMNS
              and not brand_column(c)  # a brand is a name: "camping" is no "Campingaz"
              and len(f.values) <= MAX_VALUES for v in (f.canonical[x] for x in f.values)
              if " " not in v.strip() and len(v) >= MIN_COGNATE]
    found: dict[str, dict[str, str]] = {}
    words = re.findall(r"[^\W\d_]+", text)
    for i, word in enumerate(words):
        if len(word) < MIN_COGNATE or lexicon.pattern(lexicon.CURRENCY).fullmatch(word) or phrases.owned(words, i):
            continue  # "dollars" is no "dolls"; "una boquilla para mi trompeta": no trumpet
        plain = _plain(word)
        for column, value, name in values:
            if spelt_alike(plain, name):
                found.setdefault(column, {}).setdefault(value, word)
    return {c: next(iter(v.items())) for c, v in found.items() if len(v) == 1}


def spelt_alike(a: str, b: str) -> bool:
    """Whether two words (folded, lower case) are one word in two languages by their spelling: the
    same first two letters and at least :data:`COGNATE` alike ("bereber": berber)."""
    return a[:2] == b[:2] and SequenceMatcher(None, a, b).ratio() >= COGNATE


def _plain(word: str) -> str:
    return folded(word.lower())


def _sense_sets(word: str, language: str, dictionary: dictionaries.Dictionary) -> list[tuple[str, ...]]:
    """The word's senses, and for a German compound not in the dictionary its first part's; a German word written small
    with an adjective's ending also its adjective's ("ein festes Kissen": firm, not a feast's)."""
    sets = [dictionaries.senses(word, language, dictionary)]
    low = word.lower()
    if language == "de" and word[:1].islower() and (stem := next((low[:-len(e)] for e in ("es", "er", "en", "em", "e")
                                                                   if low.endswith(e) and len(low) - len(e) >= 3), None)):
        sets.append(dictionaries.adjectives(stem, dictionary))
    if language == "de" and low not in dictionary:
        for cut in range(len(low) - dictionaries.MIN_PART, dictionaries.MIN_PART - 1, -1):  # the longest first part first
            head = next((low[:cut - len(link)] for link in _LINKS
                         if low[:cut].endswith(link) and low[:cut - len(link)] in dictionary), None)
            if head:
                sets.append(dictionary.senses(head))
                break
    return [s for s in sets if s]


def _named_by(senses: tuple[str, ...], index: dict[str, dict[str, str]]) -> dict[str, str]:
    """Column → value the ``senses`` of one word name (module docstring)."""
    named: dict[str, dict[str, int]] = {}
    exact: dict[str, set[str]] = {}
    senses = tuple(s for s in senses if len(s.split()) <= glossary.MAX_SENSE_WORDS)  # not a paraphrase
    phrases = {w for s in senses for w in (stem_phrase(s), " ".join(stem_phrase(s).split()[:2])) if " " in w}  # ("stainless
    phrased = {c: {v[p] for p in phrases if p in v} for c, v in index.items()}  # steel SS")
    for sense in senses:
        stems = stem_phrase(sense).split()
        for column, values in index.items():
            for stem in dict.fromkeys(stems):
                if stem in values:
                    named.setdefault(column, {})[values[stem]] = named.get(column, {}).get(values[stem], 0) + 1
                    if len(stems) == 1:
                        exact.setdefault(column, set()).add(values[stem])
    found = {c: next(iter(v)) for c, v in phrased.items() if len(v) == 1}  # "Edelstahl", stainless steel: 不锈钢
    for column, counts in named.items():
        if column in found:
            continue
        most = [v for v, n in counts.items() if 2 * n >= len(senses)]
        alone = exact.get(column, set())
        if len(most) == 1 and len(counts) == 1:
            found[column] = most[0]
        elif len(alone) == 1 and len(counts) == 1:
            found[column] = next(iter(alone))
    return found


def _value_stems(facets: Facets) -> dict[str, dict[str, str]]:
    """Column → stem of a one-word value → the value, for the describing categorical columns."""
    kinds = kind_columns(facets)
    index: dict[str, dict[str, str]] = {}
    for column, facet in facets.items():
        if not facet.categorical or column.lower() in kinds or column in DESCRIPTIVE_COLUMNS \
                or not 2 <= len(facet.values) <= MAX_VALUES or facet.values <= _YES_NO:  # "no" is no value
            continue
        stems = {stem_phrase(v): facet.canonical[v] for v in facet.values if len(stem_phrase(v).split()) == 1 and not lexicon.has_cjk(v)}
        written = {v: facet.canonical[v] for v in facet.values if lexicon.has_cjk(v)}  # (read by their senses alone)
        if (stems or written) and (language := shop_language(facets)) in _READ and (dictionary := dictionaries.load(language)):
            stems = {**_english_stems({**stems, **written}, language, dictionary), **stems}  # "Titanio": titanium ("钛的")
        if stems:
            index[column] = stems
    return index


#: Languages of shops whose values are also named by their English senses.
_READ = frozenset({"de", "fr", "es", "zh"})


def _english_stems(stems: dict[str, str], language: str, dictionary: dictionaries.Dictionary) -> dict[str, str]:
    """Stem of one of the first two senses (of one or two words) → the value, for values written in another language
    than English (a sense two values share names neither)."""
    found: dict[str, set[str]] = {}
    for value in stems.values():
        for sense in dictionaries.kind_senses(value, language, dictionary)[:2]:
            if len(stem_phrase(sense).split()) <= 2:  # ("solid wood": 实木, said as a whole)
                found.setdefault(stem_phrase(sense), set()).add(value)
    return {stem: next(iter(values)) for stem, values in found.items() if len(values) == 1 and len(stem) > 2}


def _longer_values(facets: Facets) -> dict[str, set[str]]:
    """Column → the stems of the words of its values of more than one word that are names, their other words no English
    ones (``Muay Thai``: muay, thai; not ``Carbon ink``)."""
    from wordfreq import zipf_frequency

    def named(value: str) -> bool:
        return len(value.split()) > 1 and any(zipf_frequency(w, "en") < ENGLISH_ZIPF for w in value.lower().split())

    return {c: {w for v in f.values if named(v) for w in stem_phrase(v).split()}
            for c, f in facets.items() if f.categorical and 2 <= len(f.values) <= MAX_VALUES}


#: A word at least this common in English (Zipf) is no part of a name.
ENGLISH_ZIPF = 3.0


def titled_sense(phrase: str, language: str, titled: Iterable[str]) -> str | None:
    """The English noun of one of the first senses of ``phrase`` (a word or two in ``language``) that the titles use
    (``titled``: their word stems): "Bausatz" (construction kit, self-assembly kit) → kit, in a shop whose kits are
    titled so; ``None`` where no sense is (the translator reads it then)."""
    dictionary = dictionaries.load(language) if language != "en" and len(phrase.split()) <= 2 else None
    stems = set(titled)
    for sense in dictionaries.senses(phrase, language, dictionary)[:MAX_SENSES] if dictionary is not None else ():
        noun = sense.split()[-1] if sense.split() else ""
        if noun.isalpha() and stem_phrase(noun) in stems:
            return noun
    return None


#: The senses of a negated word read for one the titles use.
MAX_SENSES = 6
