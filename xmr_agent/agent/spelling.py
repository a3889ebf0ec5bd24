"""Misspelt words of a request, put right against the catalogue's own words.

"champange under CHF 60" or "a sharp knfie" find nothing by their misspelt word: no value, title
or description has it, and a word the encoder has never seen moves the vector little. A word is
put right when it is rare in the language (its Zipf frequency in :mod:`wordfreq`, a well-kept
word-frequency list, is below :data:`RARE`), is not a word of the catalogue, and exactly one word
of the catalogue (titles, descriptions, column values) or of the request-reading lexicon is
within :func:`edits` edits of it (optimal string alignment: a swap of two letters is one edit,
with RapidFuzz) and is the catalogue's or much more frequent (:data:`LEAD` on the Zipf scale). A real word that the
catalogue lacks ("night" beside a shop's "light") is frequent and stays as written; so does a
rare word with two near neighbours. Without :mod:`wordfreq` and :mod:`rapidfuzz` (the
``spelling`` extra), requests are read as written.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import Any

#: A word at or above this Zipf frequency (≈ once in 10 million words of the language) is a word.
RARE = 2.5
#: How much more frequent (Zipf) the right word must be than the written one.
LEAD = 1.5
#: How many of the most frequent English words are right spellings too ("somthing" → something).
COMMON = 30_000
#: Rows whose titles and texts give the catalogue's words.
SAMPLE = 20_000
#: The shortest word put right.
MIN_CHARS = 5
_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
_LATIN = re.compile(r"[a-z]+")


def edits(length: int) -> int:
    """Edits allowed for a word of ``length`` letters: 1, and 2 from 9 letters on."""
    return 2 if length >= 9 else 1


class Speller:
    """The words of one catalogue, to put a request's misspelt words right against them."""

    def __init__(self, words: Iterable[str]) -> None:
        self.counts = Counter(w for w in (x.lower() for x in words) if len(w) >= MIN_CHARS - 1 and _LATIN.fullmatch(w))
        self._by_length: dict[int, list[str]] = {}
        for word in {*self.counts, *_common()}:
            self._by_length.setdefault(len(word), []).append(word)

    def correct(self, text: str, keep: Sequence[tuple[int, int]] = (), language: str = "en"
                ) -> tuple[str, list[tuple[int, int]], list[tuple[str, str]]]:
        """``text`` with its misspelt words put right, the ``keep`` spans (item names, never
        changed) where they now are, and the (written, right) pairs."""
        tools = _tools()
        if tools is None or not self.counts:
            return text, list(keep), []
        out, changes, deltas, last = [], [], [], 0
        for m in _WORD.finditer(text):
            if any(a <= m.start() < b for a, b in keep):
                continue
            right = self._right(m.group(0), language, tools)
            if right is None:
                continue
            out += [text[last:m.start()], right]
            last = m.end()
            changes.append((m.group(0), right))
            deltas.append((m.start(), len(right) - len(m.group(0))))
        out.append(text[last:])
        moved = [(a + sum(d for at, d in deltas if at < a), b + sum(d for at, d in deltas if at < a)) for a, b in keep]
        return "".join(out), moved, changes

    def _right(self, word: str, language: str, tools: tuple[Any, Any]) -> str | None:
        """The right spelling of ``word``, or ``None`` to keep it."""
        zipf, distance = tools
        low = word.lower()
        if len(low) < MIN_CHARS or low in self.counts or low.endswith("'s"):
            return None
        written = max(zipf(low, "en"), zipf(low, language) if language != "en" else 0.0)
        if written >= RARE:
            return None
        limit = edits(len(low))
        near = {w: d for n in range(len(low) - limit, len(low) + limit + 1) for w in self._by_length.get(n, ())
                if (d := distance(low, w, score_cutoff=limit)) <= limit}
        near = {w: d for w, d in near.items() if (w in self.counts or max(zipf(w, "en"), zipf(w, language)) >= written + LEAD)
                and not w.startswith(low) and not low.startswith(w)}  # "lamps" is no misspelt "lamp"
        closest = [w for w, d in near.items() if d == min(near.values(), default=0)]
        if len(closest) > 1:  # two as near ("kettel": kettle, vettel): the catalogue's, else a far more frequent one
            ours = [w for w in closest if w in self.counts]
            closest = ours if len(ours) == 1 else sorted(closest, key=lambda w: -zipf(w, "en"))
            if len(closest) > 1 and len(ours) != 1 and zipf(closest[0], "en") - zipf(closest[1], "en") < 1.0:
                return None
        if not closest:
            return None
        right = closest[0]
        return right.capitalize() if word[0].isupper() else right


def catalogue_words(texts: Iterable[str]) -> list[str]:
    """The words of ``texts`` (titles, descriptions, column values), lower case."""
    return [w.lower() for text in texts for w in _WORD.findall(text or "")]


def lexicon_words() -> list[str]:
    """The words the request-reading lexicon and the table of units know ("cheapest", "without", "pouces")."""
    from xmr_agent.agent import lexicon, units

    def strings(value: Any) -> Iterable[str]:
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for part in (*value, *value.values()):
                yield from strings(part)
        elif isinstance(value, list | tuple | set | frozenset):
            for part in value:
                yield from strings(part)

    return [w for value in [*vars(lexicon).values(), units.UNITS] for text in strings(value)
            for w in _LATIN.findall(text.lower())]


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    """The :data:`COMMON` most frequent English words (none without :mod:`wordfreq`)."""
    try:
        from wordfreq import top_n_list
    except ImportError:
        return frozenset()
    return frozenset(w for w in top_n_list("en", COMMON) if len(w) >= MIN_CHARS - 1 and _LATIN.fullmatch(w))


@lru_cache(maxsize=1)
def _tools() -> tuple[Any, Any] | None:
    try:
        from rapidfuzz.distance import OSA
        from wordfreq import zipf_frequency
    except ImportError:
        return None
    return zipf_frequency, OSA.distance


def speller_of(catalog: Any, facets: Any, sample: int = SAMPLE) -> Callable[[], Speller | None]:
    """A function giving the :class:`Speller` of ``catalog`` (the words of its titles and texts in
    ``sample`` rows, of the values of its ``facets`` and of the lexicon), built on first call;
    ``None`` without the ``spelling`` extra."""
    from xmr_agent.store.columns import TEXT_FIELDS

    built: list[Speller | None] = []

    def speller() -> Speller | None:
        if not built:
            if _tools() is None:
                built.append(None)
            else:
                rows = catalog.rows(list(TEXT_FIELDS), limit=sample)
                values = [str(v) for f in facets.values() if f.categorical for v in f.values]
                texts = [str(r.get(c) or "") for r in rows for c in TEXT_FIELDS]
                built.append(Speller([*catalogue_words([*texts, *values]), *lexicon_words()]))
        return built[0]

    return speller


def with_accents(text: str, named: Sequence[tuple[int, int]] = ()) -> str:
    """``text`` with the words of degree and price typed without their accents ("el mas barato", "economico",
    "tres leger", "gunstig") written as the lexicon spells them, outside the ``named`` spans. Each word keeps its
    length, so spans stay where they are."""
    def accented(m: re.Match[str]) -> str:
        if any(a < m.end() and m.start() < b for a, b in named):
            return m.group(0)
        word = m.group(0)
        right = _ACCENTED[word.lower()]
        return right.capitalize() if word[:1].isupper() else right

    return _UNACCENTED.sub(accented, text) if _UNACCENTED.search(text) else text


#: Words of the lexicon often typed without their accents (none an English word), and how they are spelt.
_ACCENTED = {plain + end: right + end for plain, right, ends in (
    ("mas", "más", ("",)), ("economic", "económic", ("o", "a", "os", "as")), ("rapid", "rápid", ("o", "a", "os", "as")),
    ("pequen", "pequeñ", ("o", "a", "os", "as")), ("electric", "eléctric", ("o", "a", "os", "as")),
    ("maxim", "máxim", ("o", "a")), ("minim", "mínim", ("o", "a")), ("comod", "cómod", ("o", "a", "os", "as")),
    ("legere", "légère", ("", "s")), ("leger", "léger", ("", "s")), ("tres", "très", ("",)), ("epais", "épais", ("", "se", "ses")),
    ("etroit", "étroit", ("", "e", "s", "es")), ("debutant", "débutant", ("", "e", "s", "es")),
    ("gunstig", "günstig", ("", "e", "er", "es", "en", "ere", "eren", "ste", "sten", "ster", "stes"))) for end in ends}
_UNACCENTED = re.compile(r"(?<![^\W\d_])(?:" + "|".join(sorted(_ACCENTED, key=len, reverse=True)) + r")(?![^\W\d_])",
                         re.IGNORECASE)
