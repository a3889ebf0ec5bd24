"""The rule-based rewriter: a user's words → a :class:`CrossModalQuery` with no LLM.

It reads what rules read reliably, in English, French, German, Spanish and Chinese (the words
are in :mod:`xmr_agent.agent.lexicon`): prices with currencies, bounds and ranges ("under $20",
"moins de 12 euros", "20元以下"), relative price words ("cheap", "pricey") and comparatives
("cheaper"), superlatives as sorts ("the cheapest", "the newest", "the longest"), years and
decades, "top 5", values of the table's categorical columns, and negations. A value of a
category-like column ("a comedy", "kitchen stuff") is a condition; any other value ("red") is a
preference unless the user makes it one ("only red ones"); a negated value or a negated word
that names items ("no mugs") is a hard exclusion, other negated phrases ("nothing scary") are
demoted. Words that carry no subject ("something like this") are dropped from the search. It is
deterministic, so the toolkit works with no LLM at all; with an LLM it is the fallback.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from xmr_agent.agent import lexicon as lx
from xmr_agent.agent.filters import Facet, Facets, merge_filters
from xmr_agent.agent.query import CrossModalQuery, Filter, Op, Order, SubQuery

_NUM = r"(\d+(?:[.,]\d{1,2})?)"
_CUR = rf"(?:{lx.CURRENCY})"
#: A price: a number with a currency before or after it ("$20", "20 €", "12 euros", "20元").
_PRICE = rf"(?:{_CUR}\s*{_NUM}|{_NUM}\s*{_CUR}|{_NUM})"
#: Words skipped at the start of a negated phrase ("nothing about a ...", "not too ...").
_FILLER = {"too", "very", "a", "an", "any", "the", "about", "with", "of", "so", "really", "more", "overly", "that",
           "de", "d'", "des", "le", "la", "les", "un", "une", "einen", "eine", "ein", "el", "los", "las", "una",
           "uno", "unos", "unas", "ningún"}
#: A negation followed by these is about the speaker, not the item ("no, I have not seen it").
_NOT_A_THING = {"i", "i'm", "im", "you", "we", "they", "he", "she", "it", "have", "has", "had", "is", "was", "are",
                "were", "do", "did", "seen", "been", "sure", "problem", "idea", "thanks", "way", "one", "worries",
                "je", "ich", "yo", "sé", "se", "es", "est", "ist", "weiß", "sais", "gracias", "merci", "danke",
                "mal", "très", "muy", "sehr", "cher", "chère", "teuer", "caro", "cara", "than", "expensive", "que",
                "me", "te", "lo", "le", "quiero", "gusta", "mich", "mir"}
#: Words that end a negated phrase.
_STOP_AFTER = {"and", "or", "but", "please", "thanks", "like", "that", "which", "with", "for", "in", "of", "more",
               "from", "under", "over", "than", "to", "at", "on", "by", "though", "either", "anymore", "now",
               "today", "tonight", "too", "et", "ou", "mais", "pour", "avec", "und", "oder", "aber", "für", "mit",
               "y", "o", "pero", "para", "con", "por", "de", "s'il", "bitte"}
_DECADE = re.compile(r"\b(?:from |in )?(?:the )?(?:(19|20)?(\d)0'?s)\b", re.IGNORECASE)
_TOP = re.compile(r"\b(?:top|best|give me|show me|suggest|recommend)\s+(\d{1,3})\b", re.IGNORECASE)
#: Columns of free descriptive words: a word named from them is a preference, never a hard filter.
DESCRIPTIVE_COLUMNS = frozenset({"tags", "image_tags", "image_labels", "keywords", "labels", "moods", "mood"})
#: Columns whose values are kinds of item: naming one ("a comedy", "kitchen stuff") is a condition.
CATEGORY_COLUMNS = frozenset({"category", "categories", "genre", "genres", "type", "kind", "department", "section",
                              "format", "medium", "product_type", "item_type", "class", "media_type", "section_name"})
#: Columns whose values describe an item (a colour, a language): a preference unless the user
#: makes it a condition ("only red", "in French").
ATTRIBUTE_COLUMNS = frozenset({"colour", "color", "colours", "colors", "material", "materials", "size", "sizes",
                               "brand", "style", "pattern", "finish", "flavour", "flavor", "scent", "shape",
                               "fabric", "language", "languages", "mood", "moods", "tags", "author", "artist",
                               "season", "seasons", "occasion", "theme", "themes", "origin", "country"})
DECADE_WORDS = {"sixties": 1960, "seventies": 1970, "eighties": 1980, "nineties": 1990}
#: Most notes (for traces) and negative phrases kept from one request.
MAX_NOTES = 32
MAX_AVOID = 8
#: Words before a column value, at most this far, that make it a condition ("only in red").
CONDITION_REACH = 24


@dataclass
class _Parse:
    text: str  #: what is left for the search
    scan: str  #: the same with named titles blanked: where filters are looked for
    filters: list[Filter] = field(default_factory=list)
    avoid: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    order: Order | None = None
    said: list[tuple[int, int]] = field(default_factory=list)  #: spans of values already made conditions

    def cut(self, span: tuple[int, int]) -> None:
        blank = " " * (span[1] - span[0])
        self.text = self.text[: span[0]] + blank + self.text[span[1]:]
        self.scan = self.scan[: span[0]] + blank + self.scan[span[1]:]


def rule_rewrite(text: str, facets: Facets, *, k: int = 10, hard_categories: bool = True,
                 named: Sequence[tuple[int, int]] = (), generic: frozenset[str] = frozenset()) -> CrossModalQuery:
    """Parse ``text`` into a query for a table with ``facets``; see the module docstring.
    ``named``: spans of ``text`` that name catalogue items (their words are searched, never
    read as filters: the "orange" of "like the Orange Dome Tent"). ``generic``: word stems that
    name every item of the table ("book" in a table of books): no subject on their own."""
    scan = text
    for start, end in named:
        scan = scan[:start] + " " * (end - start) + scan[end:]
    parse = _Parse(text, scan)
    price = column_of_kind(facets, "price")
    if price:
        _prices(parse, price)
    year = column_of_kind(facets, "time")
    if year:
        _years(parse, year)
    _superlatives(parse, facets)
    _relative(parse, facets, price, measures=hard_categories)
    k = _top_k(parse) or k
    _negatives(parse, facets, about=hard_categories)
    _categories(parse, facets, hard_categories)
    words = " ".join(parse.text.split()).strip(" ,.;:!?，。！？的")
    rest = parse.text
    for start, end in parse.said:
        rest = rest[:start] + " " * (end - start) + rest[end:]
    if not has_subject(rest, generic):
        words = "" if (parse.filters or parse.order or parse.exclude or parse.avoid) else " ".join(text.split())
    queries = (SubQuery(text=words, target="any"),) if words else ()
    return CrossModalQuery(queries=queries, filters=tuple(merge_filters(parse.filters)),
                           avoid=tuple(dict.fromkeys(parse.avoid))[:MAX_AVOID], k=k, order=parse.order,
                           exclude_words=tuple(dict.fromkeys(parse.exclude))[:MAX_AVOID],
                           notes=tuple(dict.fromkeys(parse.notes))[:MAX_NOTES])


def has_subject(words: str, generic: frozenset[str] = frozenset()) -> bool:
    """Whether ``words`` say what is wanted (not only "something like this", "je cherche", or a
    ``generic`` word stem such as "book" in a bookshop)."""
    rest = words.lower()
    for filler in sorted((w for w in lx.FILLER if lx.has_cjk(w)), key=len, reverse=True):
        rest = rest.replace(filler, " ")
    tokens = re.findall(r"[^\W\d_]+(?:['’-][^\W\d_]+)*|\d+", rest)
    return any(t not in lx.FILLER and (len(t) > 1 or lx.has_cjk(t)) and (not generic or stem_phrase(t) not in generic)
               for t in tokens)


def column_of_kind(facets: Facets, kind: str) -> str | None:
    """The numeric column that measures ``kind`` (price, time, length, rating, weight, size)."""
    numbers = [f.column for f in facets.values() if f.kind == "number"]
    names = lx.COLUMN_KINDS.get(kind, ())
    for name in names:
        if name in numbers:
            return name
    return next((c for c in numbers if any(c.lower().startswith(n) or c.lower().endswith(n) for n in names)), None)


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def _prices(parse: _Parse, column: str) -> None:
    between = lx.pattern(lx.BETWEEN, after=rf"\s*{_CUR}?\s*{_NUM}\s*{_CUR}?\s*(?:{lx.AND})\s*{_PRICE}")
    range_ = re.compile(rf"{_CUR}?\s*{_NUM}\s*(?:-|–|到|至)\s*{_CUR}?\s*{_NUM}\s*{_CUR}")
    for m in [*between.finditer(parse.scan), *range_.finditer(parse.scan)]:
        numbers = [g for g in m.groups() if g]
        if len(numbers) < 2 or (_years_only(numbers) and not re.search(_CUR, m.group(0), re.IGNORECASE)):
            continue
        low, high = sorted((_number(numbers[0]), _number(numbers[-1])))
        parse.filters += [Filter(column=column, op=">=", value=low), Filter(column=column, op="<=", value=high)]
        parse.notes.append(f"{column} {low:g}–{high:g} from {m.group(0).strip()!r}")
        parse.cut(m.span())
    bounds: tuple[tuple[str, Op, bool], ...] = ((lx.BELOW, "<", True), (lx.ABOVE, ">", True),
                                                (lx.BELOW_AFTER, "<=", False), (lx.ABOVE_AFTER, ">=", False))
    for words, op, prefix in bounds:
        value = rf"\s*(?:{_CUR}\s*{_NUM}|{_NUM}\s*{_CUR}?)(?!\s*(?:years?|minutes?|mins?|pages?|ans|jahre|años|年|分钟|页))"
        found = lx.pattern(words, after=value) if prefix else \
            re.compile(rf"(?:{_CUR}\s*{_NUM}|{_NUM}\s*{_CUR}?)\s*(?:{words})", re.IGNORECASE)
        for m in found.finditer(parse.scan):
            number = next(g for g in m.groups() if g)
            parse.filters.append(Filter(column=column, op=op, value=_number(number)))
            parse.notes.append(f"{column} {op} {number} from {m.group(0).strip()!r}")
            parse.cut(m.span())
    for m in re.finditer(rf"(?:{_CUR}\s*{_NUM}|{_NUM}\s*{_CUR})", parse.scan, re.IGNORECASE):
        number = next(g for g in m.groups() if g)  # a price alone ("a gift for 20 euros"): the budget
        parse.filters.append(Filter(column=column, op="<=", value=_number(number)))
        parse.notes.append(f"{column} <= {number} from {m.group(0).strip()!r} (a budget)")
        parse.cut(m.span())


def _years_only(numbers: Sequence[str]) -> bool:
    """"from 1990 to 2000" is years, not prices."""
    return all(n.isdigit() and 1870 <= int(n) <= 2100 for n in numbers)


def _relative(parse: _Parse, facets: Facets, price: str | None, *, measures: bool = True) -> None:
    """Comparatives ("cheaper") and relative words ("cheap", "a light tent", "a quick lunch") → an order
    (with ``measures`` off, as in dialogues, only the price words)."""
    for words, kind, mode in ((lx.CHEAPER, "price", "less"), (lx.PRICIER, "price", "more"), *(lx.COMPARATIVES if measures else ())):
        column = column_of_kind(facets, kind)
        for m in lx.pattern(words).finditer(parse.scan) if column else ():
            parse.order = parse.order or Order(column=column, mode=mode)  # type: ignore[arg-type]
            parse.notes.append(f"{mode} {column} from {m.group(0)!r}")
            parse.cut(m.span())
    for words, kind, mode in ((lx.CHEAP, "price", "low"), (lx.PRICEY, "price", "high"), *(lx.RELATIVE if measures else ())):
        column = column_of_kind(facets, kind)
        for m in lx.pattern(words).finditer(parse.scan) if column else ():
            parse.order = parse.order or Order(column=column, mode=mode)  # type: ignore[arg-type]
            parse.notes.append(f"{mode} {column} from {m.group(0)!r} (against this catalogue's values)")
            parse.cut(m.span())


def _superlatives(parse: _Parse, facets: Facets) -> None:
    for words, kind, descending in lx.SUPERLATIVES:
        column = column_of_kind(facets, kind)
        spanish = words.replace("(?:el|la|los|las|lo) m", "m")  # "la mochila más ligera": the article comes first
        found = [*lx.pattern(words).finditer(parse.scan),
                 *(m for m in lx.pattern(spanish).finditer(parse.scan) if lx.ARTICLE_BEFORE.search(parse.scan[:m.start()]))]
        for m in found:
            if column is None:
                parse.notes.append(f"{m.group(0)!r}: this table has no {kind} column to sort by")
                continue
            parse.order = parse.order or Order(column=column, descending=descending)
            parse.notes.append(f"{parse.order} from {m.group(0)!r}")
            parse.cut(m.span())
    numbers = [f.column for f in facets.values() if f.kind == "number"]
    for words, descending in ((lx.LOW_WORDS, False), (lx.HIGH_WORDS, True)):
        for column in numbers:
            name = re.escape(column.replace("_", " ").removesuffix("s")).replace(r"\ ", r"[ _\-]")
            for m in lx.pattern(words, after=rf"[\s\-]+(?:{name}s?)\b").finditer(parse.scan):
                parse.order = parse.order or Order(column=column, descending=descending)
                parse.notes.append(f"{parse.order} from {m.group(0)!r}")
                parse.cut(m.span())


def _years(parse: _Parse, column: str) -> None:
    for m in [*_DECADE.finditer(parse.scan), *(m for p in lx.DECADES for m in p.finditer(parse.scan))]:
        century = m.group(1) or ("20" if m.group(2) in "012" else "19")
        start = int(f"{century}{m.group(2)}0")
        _year_range(parse, column, start, start + 9, m)
    for word, start in DECADE_WORDS.items():
        for m in re.finditer(rf"\b(?:from |in )?(?:the )?{word}\b", parse.scan, re.IGNORECASE):
            _year_range(parse, column, start, start + 9, m)
    span = re.compile(r"\b(?:from|between|de|von|entre|desde|du)\s+((?:19|20)\d\d)\s*(?:to|and|-|–|à|a|au|bis|und|y|"
                      r"hasta|et)\s*((?:19|20)\d\d)\b", re.IGNORECASE)
    for m in span.finditer(parse.scan):
        low, high = sorted((int(m.group(1)), int(m.group(2))))
        _year_range(parse, column, low, high, m)
    words = {"after": ">", "since": ">=", "newer than": ">", "before": "<", "older than": "<", "from": "=", "in": "=",
             "après": ">", "depuis": ">=", "avant": "<", "nach": ">", "seit": ">=", "vor": "<",
             "después de": ">", "desde": ">=", "antes de": "<", "en": "="}
    pattern = re.compile(rf"\b({'|'.join(sorted(words, key=len, reverse=True))})\s+((?:19|20)\d\d)\b", re.IGNORECASE)
    for m in pattern.finditer(parse.scan):
        _year_bound(parse, column, words[m.group(1).lower()], int(m.group(2)), m)
    for m in re.finditer(r"((?:19|20)\d\d)年?(以后|之后|以来|以前|之前)", parse.scan):
        _year_bound(parse, column, "<" if m.group(2) in ("以前", "之前") else ">", int(m.group(1)), m)


def _year_bound(parse: _Parse, column: str, op: str, year: int, m: re.Match[str]) -> None:
    parse.filters.append(Filter(column=column, op=op, value=year))  # type: ignore[arg-type]
    parse.notes.append(f"{column} {op} {year} from {m.group(0)!r}")
    parse.cut(m.span())


def _year_range(parse: _Parse, column: str, start: int, end: int, m: re.Match[str]) -> None:
    parse.filters += [Filter(column=column, op=">=", value=start), Filter(column=column, op="<=", value=end)]
    parse.notes.append(f"{column} {start}–{end} from {m.group(0).strip()!r}")
    parse.cut(m.span())


def _top_k(parse: _Parse) -> int | None:
    m = _TOP.search(parse.scan)
    if not m or not 1 <= int(m.group(1)) <= 200:
        return None
    parse.notes.append(f"k = {m.group(1)} from {m.group(0)!r}")
    parse.cut(m.span())
    return int(m.group(1))


def _negatives(parse: _Parse, facets: Facets, *, about: bool = True) -> None:
    latin = lx.pattern(lx.NEGATION, after=r"\s+((?:[^\W\d_][\w\-']*\s*){1,4})")
    cjk = re.compile(rf"(?:{lx.cjk_words(lx.NEGATION)})\s*([\u3400-\u9fff]{{1,6}})")
    for m in [*latin.finditer(parse.scan), *cjk.finditer(parse.scan)]:
        phrase = m.group(1).lower()
        words = [phrase.strip().rstrip("的之呢吗吧")] if lx.has_cjk(phrase) else _phrase(phrase.split(), about)
        if not words or not words[0]:
            continue
        hit = _category_of(" ".join(words), facets) or _category_of(words[0], facets)
        if hit:
            facet, value = hit
            parse.filters.append(Filter(column=facet.column, op="not_contains" if facet.kind == "list" else "!=",
                                        value=value))
            parse.notes.append(f"{facet.column} not {value!r} from {m.group(0).strip()!r}")
        else:
            phrase = " ".join(words)
            parse.avoid.append(phrase)
            parse.exclude.append(phrase)
            parse.notes.append(f"avoid {phrase!r} (items named so are left out)")
        parse.cut(m.span())


def _phrase(words: list[str], about: bool = True) -> list[str]:
    """Up to two content words of a negated phrase: leading filler skipped, cut at a stop word."""
    while words and words[0] in _FILLER:
        words = words[1:]
    if not words or words[0] in _NOT_A_THING:
        return []
    taken: list[str] = []
    for n, word in enumerate(words):
        if word in _STOP_AFTER or len(taken) == 2:
            after = [w for w in words[n + 1:] if w not in lx.FILLER][:1]
            if about and word in lx.ABOUT and after and after[0] not in _STOP_AFTER:  # "not set on Mars", "not by Tolkien"
                return [after[0].strip("'")]
            break
        taken.append(word.strip("'"))
    return taken


def _categories(parse: _Parse, facets: Facets, hard: bool) -> None:
    taken = {(f.column, str(f.value).lower()) for f in parse.filters}
    kinds: dict[str, int] = {}  # column → where its first required kind ended
    for facet, value, span in _mentions(parse.scan, facets):
        if (facet.column, value.lower()) in taken:
            continue
        taken.add((facet.column, value.lower()))
        op: Op = "contains" if facet.kind == "list" else "="
        before = parse.scan[max(0, span[0] - CONDITION_REACH): span[0]]
        marks = f"{lx.IN}|{lx.IN_REQUEST}" if hard else lx.IN  # in dialogues "but" and "by" are no conditions
        condition = bool(lx.pattern(lx.CONDITION).search(before) or lx.pattern(marks, after=r"\s+$").search(before))
        kind_of_item = facet.column.lower() in CATEGORY_COLUMNS or (
            facet.column.lower() not in ATTRIBUTE_COLUMNS and _as_noun(parse.scan, span))
        required = facet.column not in DESCRIPTIVE_COLUMNS and (condition or (hard and kind_of_item))
        joined = facet.column in kinds and lx.pattern(lx.OR).search(parse.scan[kinds[facet.column]:span[0]])
        required = required and (condition or facet.column not in kinds or bool(joined))  # "bulbs to plant"
        kinds.update({} if not required or facet.column in kinds else {facet.column: span[1]})
        parse.filters.append(Filter(column=facet.column, op=op, value=value, hard=required))
        parse.notes.append(f"{facet.column} {op} {value!r} ({'required' if required else 'preferred'})")
        if condition:  # "only red ones": the condition says it, the words need not be searched as well
            parse.cut(span)
        elif required:  # "kitchen stuff": searched, but the words alone are no subject
            parse.said.append(span)


def _as_noun(text: str, span: tuple[int, int]) -> bool:
    """Whether a value is written as the thing wanted ("lunch without meat", "kitchen stuff"),
    not as a word describing another ("vegan lunch", "a red mug"): nothing but filler, a stop
    word or the end of the phrase follows it."""
    following = re.match(r"\s*([^\W\d_][\w\-']*)?", text[span[1]:])
    word = (following.group(1) or "").lower() if following else ""
    return not word or word in lx.FILLER or word in _STOP_AFTER or bool(lx.pattern(lx.NEGATION).fullmatch(word))


def _mentions(text: str, facets: Facets) -> Iterator[tuple[Facet, str, tuple[int, int]]]:
    """Categorical values named in ``text`` (stem match on whole words or phrases of up to three
    words, longest first; colours also in the other languages of the lexicon)."""
    words = list(re.finditer(r"[^\W\d_][\w\-]*(?:'(?!s\b)[\w\-]+)*", text))  # "children's" → children
    i = 0
    while i < len(words):
        for n in (3, 2, 1):
            if i + n > len(words):
                continue
            span = (words[i].start(), words[i + n - 1].end())
            hit = _category_of(text[span[0]:span[1]], facets)
            if hit:
                yield hit[0], hit[1], span
                i += n - 1
                break
        i += 1
    for english, names in lx.TRANSLATED.items():
        for m in lx.pattern(names).finditer(text):
            for facet in facets.values():
                if facet.categorical and english in facet.values:
                    yield facet, facet.canonical[english], m.span()
    for facet in facets.values():  # two-letter values ("CD", "XL") count when written in capitals
        for value in (v for v in facet.values if len(v) == 2 and v.isalpha()) if facet.categorical else ():
            for m in re.finditer(rf"(?<!\w){value.upper()}(?!\w)", text):
                yield facet, facet.canonical[value], m.span()


def _category_of(words: str, facets: Facets) -> tuple[Facet, str] | None:
    """The value ``words`` name (by stem; a colour also in the lexicon's other languages)."""
    key = stem_phrase(words)
    for facet in facets.values():
        if not facet.categorical:
            continue
        for value in _stem_index(facet).get(key, ()):
            return facet, facet.canonical[value]
    for english, names in lx.TRANSLATED.items():
        if lx.pattern(names).fullmatch(words.strip()):
            for facet in facets.values():
                if facet.categorical and english in facet.values:
                    return facet, facet.canonical[english]
    return None


def _stem_index(facet: Facet) -> dict[str, tuple[str, ...]]:
    return _stem_index_cached(facet.column, facet.values)


@lru_cache(maxsize=64)
def _stem_index_cached(column: str, values: frozenset[str]) -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for value in sorted(values):
        if len(value) >= 3:
            index.setdefault(stem_phrase(value), []).append(value)
    return {k: tuple(v) for k, v in index.items()}


@lru_cache(maxsize=65_536)
def stem_phrase(words: str) -> str:
    """Lower-cased words of ``words``, each Snowball-stemmed, joined by spaces."""
    return " ".join(_stemmer().stemWords(re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", words.lower())))


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import snowballstemmer

    return snowballstemmer.stemmer("english")
