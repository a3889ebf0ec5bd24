"""The rule-based rewriter: a user's words → a :class:`CrossModalQuery` with no LLM.

It reads what rules read reliably — prices ("under $20", "between 10 and 30 dollars"), years
and decades ("from the 90s", "after 2005"), "top 5", values of the table's categorical columns
("a comedy", "no horror", with stemming so "comedies" finds ``comedy``), and negative phrases
("nothing scary", "without vocals") — and keeps the rest of the words as the search text.
It is deterministic, so the toolkit works with no LLM at all, and the LLM rewriter uses it as
the source of truth for filters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from xmr_agent.agent.filters import Facet, Facets, merge_filters
from xmr_agent.agent.query import CrossModalQuery, Filter, Op, SubQuery

MONEY = r"(?:\$\s*(?P<{n}a>\d+(?:\.\d+)?)|(?P<{n}b>\d+(?:\.\d+)?)\s*(?:\$|dollars?|bucks|usd|eur|euros?|€|£))"
_NUM = r"(\d+(?:\.\d+)?)"
_BELOW = r"under|below|less than|cheaper than|at most|no more than|up to|max(?:imum)?|<=?"
_ABOVE = r"over|above|more than|at least|min(?:imum)?|>=?"
_NEGATION = r"(?:no|not|nothing|without|avoid|except|never|don't want|do not want|isn't|aren't|but not)"
_AVOID = re.compile(rf"\b{_NEGATION}\s+((?:[a-z][a-z\-']*\s*){{1,4}})", re.IGNORECASE)
#: Words skipped at the start of a negated phrase ("nothing about a ...", "not too ...").
_FILLER = {"too", "very", "a", "an", "any", "the", "about", "with", "of", "so", "really", "more", "overly", "that"}
#: A negation followed by these is about the speaker, not the item ("no, I have not seen it").
_NOT_A_THING = {"i", "i'm", "im", "you", "we", "they", "he", "she", "it", "have", "has", "had", "is", "was", "are",
                "were", "do", "did", "seen", "been", "sure", "problem", "idea", "thanks", "way", "one", "worries"}
#: Words that end a negated phrase.
_STOP_AFTER = {"and", "or", "but", "please", "thanks", "like", "that", "which", "with", "for", "in", "of", "more",
               "from", "under", "over", "than", "to", "at", "on", "by", "though", "either", "anymore", "now",
               "today", "tonight", "too"}
_DECADE = re.compile(r"\b(?:from |in )?(?:the )?(?:(19|20)?(\d)0'?s)\b", re.IGNORECASE)
_TOP = re.compile(r"\b(?:top|best|give me|show me|suggest|recommend)\s+(\d{1,3})\b", re.IGNORECASE)
#: Columns of free descriptive words: a word named from them is a preference, never a hard filter.
DESCRIPTIVE_COLUMNS = frozenset({"tags", "image_tags", "keywords", "labels", "moods", "mood"})
DECADE_WORDS = {"sixties": 1960, "seventies": 1970, "eighties": 1980, "nineties": 1990}
#: Most notes (for traces) and negative phrases kept from one request.
MAX_NOTES = 32
MAX_AVOID = 8


@dataclass
class _Parse:
    text: str
    filters: list[Filter]
    avoid: list[str]
    notes: list[str]

    def cut(self, span: tuple[int, int]) -> None:
        self.text = self.text[: span[0]] + " " * (span[1] - span[0]) + self.text[span[1]:]


def rule_rewrite(text: str, facets: Facets, *, k: int = 10, hard_categories: bool = True) -> CrossModalQuery:
    """Parse ``text`` into a query for a table with ``facets``; see the module docstring."""
    parse = _Parse(text, [], [], [])
    price = _price_column(facets)
    if price:
        _prices(parse, price)
    year = _year_column(facets)
    if year:
        _years(parse, year)
    k = _top_k(parse) or k
    _negatives(parse, facets)
    _categories(parse, facets, hard_categories)
    words = " ".join(parse.text.split()).strip(" ,.;:!?") or " ".join(text.split())
    queries = (SubQuery(text=words, target="any"),) if words else ()
    return CrossModalQuery(queries=queries, filters=tuple(merge_filters(parse.filters)),
                           avoid=tuple(dict.fromkeys(parse.avoid))[:MAX_AVOID], k=k,
                           notes=tuple(dict.fromkeys(parse.notes))[:MAX_NOTES])


def _price_column(facets: Facets) -> str | None:
    numbers = [f.column for f in facets.values() if f.kind == "number"]
    for name in ("price", "cost", "price_usd", "amount"):
        if name in numbers:
            return name
    return next((c for c in numbers if "price" in c.lower()), None)


def _year_column(facets: Facets) -> str | None:
    numbers = [f.column for f in facets.values() if f.kind == "number"]
    return next((c for c in ("year", "release_year", "released") if c in numbers), None)


def _prices(parse: _Parse, column: str) -> None:
    money = MONEY.format(n="m")
    between = re.compile(rf"\bbetween\s+\$?\s*{_NUM}\s*(?:and|-|to)\s+(?:{money}|{_NUM})", re.IGNORECASE)
    for m in between.finditer(parse.text):
        high = m.group("ma") or m.group("mb") or m.group(m.lastindex or 0)
        parse.filters += [Filter(column=column, op=">=", value=float(m.group(1))),
                          Filter(column=column, op="<=", value=float(high))]
        parse.notes.append(f"price range from {m.group(0)!r}")
        parse.cut(m.span())
    for words, op in ((_BELOW, "<="), (_ABOVE, ">=")):
        pattern = re.compile(rf"\b(?:{words})\s*(?:{money}|{_NUM}(?=\s*(?:$|[,.;!?]|\s(?!years?\b|minutes?\b|mins?\b))))",
                             re.IGNORECASE)
        for m in pattern.finditer(parse.text):
            value = m.group("ma") or m.group("mb") or m.group(m.lastindex or 0)
            strict = "<" if m.group(0).lower().startswith(("under", "below", "less", "cheaper")) else op
            strict = ">" if m.group(0).lower().startswith(("over", "above", "more")) else strict
            parse.filters.append(Filter(column=column, op=strict, value=float(value)))  # type: ignore[arg-type]
            parse.notes.append(f"{column} {strict} {value} from {m.group(0).strip()!r}")
            parse.cut(m.span())


def _years(parse: _Parse, column: str) -> None:
    for m in _DECADE.finditer(parse.text):
        century = m.group(1) or ("20" if m.group(2) in "012" else "19")
        start = int(f"{century}{m.group(2)}0")
        _year_range(parse, column, start, start + 9, m)
    for word, start in DECADE_WORDS.items():
        for m in re.finditer(rf"\b(?:from |in )?(?:the )?{word}\b", parse.text, re.IGNORECASE):
            _year_range(parse, column, start, start + 9, m)
    pattern = re.compile(r"\b(after|since|newer than|before|older than|from|in)\s+((?:19|20)\d\d)\b", re.IGNORECASE)
    for m in pattern.finditer(parse.text):
        word, year = m.group(1).lower(), int(m.group(2))
        op = {"after": ">", "since": ">=", "newer than": ">", "before": "<", "older than": "<"}.get(word, "=")
        parse.filters.append(Filter(column=column, op=op, value=year))  # type: ignore[arg-type]
        parse.notes.append(f"{column} {op} {year} from {m.group(0)!r}")
        parse.cut(m.span())


def _year_range(parse: _Parse, column: str, start: int, end: int, m: re.Match[str]) -> None:
    parse.filters += [Filter(column=column, op=">=", value=start), Filter(column=column, op="<=", value=end)]
    parse.notes.append(f"{column} {start}–{end} from {m.group(0).strip()!r}")
    parse.cut(m.span())


def _top_k(parse: _Parse) -> int | None:
    m = _TOP.search(parse.text)
    if not m or not 1 <= int(m.group(1)) <= 200:
        return None
    parse.notes.append(f"k = {m.group(1)} from {m.group(0)!r}")
    parse.cut(m.span())
    return int(m.group(1))


def _negatives(parse: _Parse, facets: Facets) -> None:
    for m in _AVOID.finditer(parse.text):
        words = _phrase(m.group(1).lower().split())
        if not words:
            continue
        hit = _category_of(" ".join(words), facets) or _category_of(words[0], facets)
        if hit:
            facet, value = hit
            parse.filters.append(Filter(column=facet.column, op="not_contains" if facet.kind == "list" else "!=",
                                        value=value))
            parse.notes.append(f"{facet.column} not {value!r} from {m.group(0).strip()!r}")
        else:
            parse.avoid.append(" ".join(words))
            parse.notes.append(f"avoid {' '.join(words)!r}")
        parse.cut(m.span())


def _phrase(words: list[str]) -> list[str]:
    """Up to two content words of a negated phrase: leading filler skipped, cut at a stop word."""
    while words and words[0] in _FILLER:
        words = words[1:]
    if not words or words[0] in _NOT_A_THING:
        return []
    taken: list[str] = []
    for word in words:
        if word in _STOP_AFTER or len(taken) == 2:
            break
        taken.append(word.strip("'"))
    return taken


def _categories(parse: _Parse, facets: Facets, hard: bool) -> None:
    taken = {(f.column, str(f.value).lower()) for f in parse.filters}
    for facet, value, _ in _mentions(parse.text, facets):
        if (facet.column, value.lower()) in taken:
            continue
        taken.add((facet.column, value.lower()))
        op: Op = "contains" if facet.kind == "list" else "="
        required = hard and facet.column not in DESCRIPTIVE_COLUMNS
        parse.filters.append(Filter(column=facet.column, op=op, value=value, hard=required))
        parse.notes.append(f"{facet.column} {op} {value!r} ({'required' if required else 'preferred'})")


def _mentions(text: str, facets: Facets) -> Iterator[tuple[Facet, str, tuple[int, int]]]:
    """Categorical values named in ``text`` (stem match on whole words or phrases)."""
    for m in re.finditer(r"[A-Za-z][A-Za-z\-']*", text):
        hit = _category_of(m.group(0), facets)
        if hit:
            yield hit[0], hit[1], m.span()


def _category_of(words: str, facets: Facets) -> tuple[Facet, str] | None:
    key = stem_phrase(words)
    for facet in facets.values():
        if not facet.categorical:
            continue
        for value in _stem_index(facet).get(key, ()):
            return facet, facet.canonical[value]
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
