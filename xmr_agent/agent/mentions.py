"""Catalogue items named in free text: "I loved The Babadook" → the item whose title is
"The Babadook (2014)".

Titles are normalised (lower case, no punctuation, a trailing "(year)" dropped) and matched as
whole word sequences of the message, longest first. Titles of several words match in any case.
A one-word title is also an ordinary word ("It", "Up", "Always", "Family"), so it counts only
when the message writes it like a name: followed by a year ("It (2017)"), or capitalised, and
for words under six letters not at the start of a sentence ("we watched Moana"). A year written
after a title picks the item of that year among remakes ("Dunkirk (2017)"); without one, every
item with that title is returned. The first words of a title (three or more, or two with a number)
name its item when no other title begins with them and the message writes each capitalised: "the
Kessler Valve 30" is the "Kessler Valve 30 Tube Combo". A title's first word written as a name
inside a sentence, followed by words of that title only ("the Titan combi drill"), names it too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from xmr_agent.agent.filters import Facets
    from xmr_agent.store.catalog import Catalog

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from xmr_agent.agent import lexicon
from xmr_agent.agent.query import CrossModalQuery

_CJK_RUN = re.compile(r"[\u3400-\u9fff]{2,}")
_YEAR = re.compile(r"\s*\((\d{4})\)\s*$")
_WORDS = re.compile(r"[a-z0-9]+(?:'[a-z]+)?", re.IGNORECASE)
#: What may stand between a sentence's end and its first word: spaces, quotes, brackets.
_OPENERS = frozenset(" \t\r\"'([“‘")
_ENDS = frozenset(".!?\n")
MAX_TITLE_WORDS = 8
#: The fewest first words of a title that name its item on their own ("Kessler Valve 30").
MIN_PREFIX_WORDS = 2
#: ... which may not end on one of these.
_SMALL_WORDS = frozenset("a an the of and or in on for with to at by de la le les el los das der die und".split())
#: The most items the first words of whose titles make a product line ("Noir Santal").
MAX_LINE = 6
#: A capitalised one-word title at the start of a sentence counts from this many letters.
SENTENCE_START_LETTERS = 6


def normalise(title: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in _WORDS.findall(_YEAR.sub("", title)))


def title_year(title: str) -> str | None:
    """The trailing "(1995)" of a title, if it has one."""
    found = _YEAR.search(title)
    return found.group(1) if found else None


class TitleIndex:
    """Normalised title → item ids, with each item's year when its title gives one."""

    def __init__(self, pairs: Iterable[tuple[str, str]], makers: Iterable[str] = ()) -> None:
        """``makers``: the values of the catalogue's column of brands, which may stand before a
        title its items do not begin with ("like the Helinox Chair One": "Chair One ultraligera")."""
        self.makers = tuple(sorted({m.strip() for m in makers if len(m.strip()) >= 2}, key=len, reverse=True))
        self.ids: dict[tuple[str, ...], list[tuple[str, str | None]]] = {}
        pairs = list(pairs)
        for item_id, title in pairs:
            words = normalise(title or "")
            if len(words) > 1 or (len(words) == 1 and len(words[0]) >= 2):
                self.ids.setdefault(words[:MAX_TITLE_WORDS], []).append((str(item_id), title_year(title or "")))
        self.longest = max((len(k) for k in self.ids), default=0)
        # "the Oakridge D-20 Dreadnought" for "Oakridge D-20 Dreadnought Acoustic": the first words
        # of one item's title (at least two, not ending on a small word), written as a name
        starts: dict[tuple[str, ...], set[tuple[str, str | None]]] = {}
        for words, items in self.ids.items():
            for n in range(MIN_PREFIX_WORDS, len(words)):
                if words[n - 1] not in _SMALL_WORDS:
                    starts.setdefault(words[:n], set()).update(items)
        self.prefixes = {words: next(iter(items))[0] for words, items in starts.items()
                         if len(items) == 1 and words not in self.ids}
        # "the Titan combi drill" for "Titan 18V Brushless Combi Drill Kit": first word → titles' words
        self.first: dict[str, list[tuple[str, frozenset[str]]]] = {}
        for words, items in self.ids.items():
            if len(items) == 1 and len(words) > 1:
                self.first.setdefault(words[0], []).append((items[0][0], frozenset(words[1:])))
        # "like the X-T30 II": model words inside one title; "like Noir Santal": the first words of a few
        # titles (a product line); both name items only after a word of likeness (:func:`named_items`)
        inner: dict[tuple[str, ...], set[str]] = {}
        for words, items in self.ids.items():
            for n in range(1, min(4, len(words)) + 1):
                for at in range(len(words) - n + 1):
                    if any(_model_word(w) for w in words[at:at + n]) or any(  # "MX-5", "GT 86"
                            a.isalpha() and len(a) <= 3 and b.isdigit() for a, b in zip(words[at:at + n], words[at + 1:at + n], strict=False)):
                        inner.setdefault(words[at:at + n], set()).update(i for i, _ in items)
        self.models = {words: next(iter(ids)) for words, ids in inner.items() if len(ids) == 1}
        # "like the Kandinsky", "like the Penny": a name written capitalised in one or two titles only
        named: dict[str, set[str]] = {}
        for item_id, title in pairs:
            for word in re.findall(r"\b[A-Z][a-z]{3,}\b", _YEAR.sub("", title or "")):
                named.setdefault(word.lower(), set()).add(str(item_id))
        lowered = {w for words in self.ids for w in words}
        self.names = {word: sorted(ids) for word, ids in named.items() if len(ids) <= 2 and word in lowered
                      and word not in _SMALL_WORDS and word not in lexicon.COLOURS}  # not "like the Blue one"
        order = {str(i): n for n, (i, _) in enumerate(pairs)}  # a line's items in the catalogue's order
        self.lines = {words: sorted(items, key=order.__getitem__)
                      for words, items in ((w, {i for i, _ in its}) for w, its in starts.items())
                      if 2 <= len(items) <= MAX_LINE and words not in self.ids}
        self.cjk: dict[str, list[str]] = {}  # titles written in Chinese characters: matched as they are, when one
        for item_id, title in pairs:  # run is the title's Chinese ("活着"); not each word of a shop's title ("得力
            runs = _CJK_RUN.findall(title or "")  # 订书机 标准型": 订书机 names no one item)
            for run in runs if len(runs) == 1 and runs[0] not in self.makers else ():  # (a brand: "李锦记XO酱")
                self.cjk.setdefault(run, []).append(str(item_id))

    @classmethod
    def of(cls, catalog: Catalog, facets: Facets | None = None) -> TitleIndex:
        """The index of ``catalog``'s titles, with the values of ``facets``' column of brands."""
        from xmr_agent.agent.columns import brand_column

        return cls(catalog.titles(), [f.canonical.get(v, v) for c, f in (facets or {}).items() if brand_column(c) for v in f.values])

    def find(self, text: str) -> list[str]:
        """Ids of items named in ``text``, in the order they appear (longest titles first)."""
        found: list[str] = []
        for _, ids in self.spans(text):
            found += [i for i in ids if i not in found]
        return found

    def spans(self, text: str) -> list[tuple[tuple[int, int], list[str]]]:
        """Where ``text`` names items: each (start, end) span with the ids it names."""
        tokens = list(_WORDS.finditer(text))
        words = [t.group().lower() for t in tokens]
        found: list[tuple[tuple[int, int], list[str]]] = []
        i = 0
        while i < len(words):
            for n in range(min(self.longest, len(words) - i), 0, -1):
                items = self.ids.get(tuple(words[i : i + n]))
                year = words[i + n] if i + n < len(words) and _is_year(words[i + n]) else None
                if not items or (n == 1 and not year and not _written_as_name(text, tokens[i])):
                    continue
                dated = [item for item, y in items if y == year] if year else []
                end = tokens[i + n - 1 + bool(dated)].end()
                found.append(((tokens[i].start(), end), dated or [item for item, _ in items]))
                i += n - 1 + bool(dated)
                break
            else:
                n = self._prefix(tokens, words, i)
                if n:
                    found.append(((tokens[i].start(), tokens[i + n - 1].end()), [self.prefixes[tuple(words[i:i + n])]]))
                    i += n - 1
                else:
                    n, item = self._loose(text, tokens, words, i)
                    if item is not None:
                        found.append(((tokens[i].start(), tokens[i + n - 1].end()), [item]))
                        i += n - 1
            i += 1
        if self.cjk and _CJK_RUN.search(text):
            for run, ids in self.cjk.items():
                at = text.find(run)
                if at >= 0:
                    found.append(((at, at + len(run)), list(ids)))
        return found

    def _prefix(self, tokens: Sequence[re.Match[str]], words: Sequence[str], i: int) -> int:
        """The number of words from ``i`` that begin exactly one item's title, every one of them
        capitalised or a number, three or more or with a number ("Kessler Valve 30", "Voyager 55";
        not "Green Tea"), or 0."""
        if not self.prefixes or not _capitalised(tokens[i].group()):
            return 0
        for n in range(min(self.longest - 1, len(words) - i), MIN_PREFIX_WORDS - 1, -1):
            if tuple(words[i:i + n]) in self.prefixes and all(_capitalised(t.group()) for t in tokens[i:i + n]) \
                    and (n >= 3 or any(c.isdigit() for w in words[i:i + n] for c in w)):  # not "Green Tea"
                return n
        return 0

    def _loose(self, text: str, tokens: Sequence[re.Match[str]], words: Sequence[str], i: int
               ) -> tuple[int, str | None]:
        """A title's first word written as a name inside a sentence ("the Titan"), then words that
        all appear in one title beginning with it ("combi drill"): (the number of words, its
        id), else (0, None). Two words do when the second has three letters or more, unless they
        begin the title (left to :meth:`_prefix`: "Kessler Custom" may be the start of a sentence
        in another language)."""
        if words[i] not in self.first or not _capitalised(tokens[i].group()) or _starts_sentence(text, tokens[i].start()):
            return 0, None
        titles, n = self.first[words[i]], 1
        while i + n < len(words) and n < MAX_TITLE_WORDS and words[i + n] not in _SMALL_WORDS:
            word = words[i + n]
            left = [t for t in titles if word in t[1] or (word.endswith("s") and word[:-1] in t[1])]
            if not left:
                break
            titles, n = left, n + 1
        prefix = n < 3 and tuple(words[i:i + n]) in self.prefixes  # two first words of a title: :meth:`_prefix` decides
        if len(titles) == 1 and not prefix and (n >= 3 or (n == 2 and len(words[i + 1]) >= 3)):
            return n, titles[0][0]
        return 0, None

    def likened(self, text: str) -> list[tuple[tuple[int, int], list[str]]]:
        """Where ``text`` names items by words that :meth:`spans` leaves to a word of likeness: the
        first words of one title, two or more in any case ("the fiddle leaf fig", "the Omega
        Speedmaster"); written as names (each capitalised or with a digit), model words inside one
        title ("X-T30 II", "R50") or the first words of a product line ("Noir Santal": its items,
        in the catalogue's order); longest first."""
        tokens = list(_WORDS.finditer(text))
        words = [t.group().lower() for t in tokens]
        found: list[tuple[tuple[int, int], list[str]]] = []
        i = 0
        while i < len(words):
            for n in range(min(max(4, self.longest - 1), len(words) - i), 0, -1):
                key = tuple(words[i:i + n])
                if key[-1] in _SMALL_WORDS:
                    continue
                if n >= MIN_PREFIX_WORDS and key in self.prefixes:  # "like the fiddle leaf fig", "like the Omega Speedmaster"
                    ids = [self.prefixes[key]]
                elif n > 4 or not all(_capitalised(t.group()) for t in tokens[i:i + n]):
                    continue
                else:
                    ids = [self.models[key]] if key in self.models else self.lines.get(key, []) if n >= 2 else \
                    self.names.get(key[0], [])
                if ids:
                    found.append(((tokens[i].start(), tokens[i + n - 1].end()), ids))
                    i += n - 1
                    break
            i += 1
        return found

    def naming(self, words: str, stem: Callable[[str], str]) -> list[str]:
        """Ids of items whose title has every word of ``words`` (compared by ``stem``): "mugs" →
        every item with "Mug" in its title."""
        wanted = set(stem(words).split())
        if not wanted:
            return []
        return [item for title, items in self.ids.items() if wanted <= _stems(title, stem)
                and not _without(title, wanted, stem) for item, _ in items]


def _agreeing(word: str) -> list[str]:
    """``word`` and, for a Spanish adjective in -o or -a, its other genders and plurals ("rojo": roja, rojos, rojas: a
    "Navaja multiusos roja" is red)."""
    m = re.fullmatch(r"([^\W\d_]{3,}?)(?:o|a|os|as)", word.lower()) if " " not in word.strip() else None
    return [word, *(m.group(1) + e for e in ("o", "a", "os", "as") if m.group(1) + e != word.lower())] if m else [word]


def _stems(title: Sequence[str], stem: Callable[[str], str]) -> set[str]:
    """The stems of a title's words, and of each two words written together ("Wi-Fi", "Smart Phone": a "wifi", a
    "smartphone")."""
    joined = ("".join(pair) for pair in zip(title, title[1:], strict=False))
    return set(stem(" ".join(title)).split()) | set(stem(" ".join(joined)).split())


def _without(title: Sequence[str], wanted: set[str], stem: Callable[[str], str]) -> bool:
    """Whether ``title`` says its item is without a word of ``wanted``: "Alcohol-Free Propolis", "No Sugar"."""
    words = [w.lower() for w in title]
    return any(stem(w) in wanted and (words[i + 1:i + 2] == ["free"] or i and words[i - 1] in _NO)
               for i, w in enumerate(words))


#: Words before a thing in a title that say the item has none of it.
_NO = frozenset({"no", "non", "without", "zero", "sans", "sin", "ohne", "kein", "keine"})


def _model_word(word: str) -> bool:
    """A word of a model's name: letters then digits, or digits then letters that are no unit ("t30", "hp5", "x100v")."""
    return len(word) >= 2 and word[0].isalpha() and any(c.isdigit() for c in word)


def _capitalised(word: str) -> bool:
    return word[0].isupper() or word[0].isdigit()


def _is_year(word: str) -> bool:
    return len(word) == 4 and word.isdigit() and 1870 <= int(word) <= 2100


def _written_as_name(text: str, token: re.Match[str]) -> bool:
    """A capitalised word; under six letters, not the first word of a sentence either."""
    word = token.group()
    if not word[0].isupper():
        return False
    return len(word) >= SENTENCE_START_LETTERS or not _starts_sentence(text, token.start())


def _starts_sentence(text: str, at: int) -> bool:
    """Whether only spaces, quotes or brackets stand between ``at`` and the start of the text or
    the end of a sentence (., !, ? or a new line): looks back only over those characters."""
    i = at - 1
    while i >= 0 and text[i] in _OPENERS:
        i -= 1
    return i < 0 or text[i] in _ENDS


def named_items(titles: TitleIndex, text: str, seed_ids: Sequence[str], *, seeds: bool
                ) -> tuple[list[tuple[int, int]], list[str], list[str]]:
    """Where ``text`` names catalogue items: the spans (searched, never read as filters), the
    items it asks to be like ("like the Orange Dome Tent": their vectors join the query and they
    are not offered back), and with ``seeds`` the other named items (seeds, not offered back). In a
    catalogue search (no ``seeds``), items named by model words or as a product line after "like",
    and items named anywhere in a request that likens to them ("… is too much, something like it"),
    are to be like too; in a conversation of seeds (movies talked about) they stay seeds."""
    maker = rf"(?:(?:{'|'.join(map(re.escape, titles.makers))})\s*(?:[\u3400-\u9fff]{{1,3}}\s*)?)?" if titles.makers else ""
    like_before = lexicon.pattern(lexicon.LIKE, after=r"\s*(?:the|a|an|le|la|les|der|die|das|dem|den|el|los|las|"
                                                       r"[\u3400-\u9fff]{1,6})?\s*" + maker +  # "类似那辆马自达MX-5"
                                                       r"""[《「『“"'‘(]?\s*$""")  # "like the Helinox Chair One", "类似Hornby那台Mallard"
    spans: list[tuple[int, int]] = []
    like: list[str] = []
    named: list[str] = []
    found = titles.spans(text)
    likened = not seeds and bool(_LIKE_IT.search(text))  # "the Red Family Tent is too much, … like it"
    for span, ids in found:
        spans.append(span)
        fresh = [i for i in ids if i not in seed_ids and i not in like and i not in named]
        if likened or like_before.search(text[max(0, span[0] - 40): span[0]]) or _LIKE_AFTER.match(text, span[1]):
            like += fresh
        elif seeds:
            named += fresh
    for span, ids in () if seeds else titles.likened(text):  # "like the X-T30 II", "like Noir Santal"
        if not any(a < span[1] and span[0] < b for a, b in spans) and (
                like_before.search(text[max(0, span[0] - 40): span[0]]) or _LIKE_AFTER.match(text, span[1])):
            spans.append(span)
            like += [i for i in ids if i not in seed_ids and i not in like and i not in named]
    return spans, like, named


#: Words that liken the thing wanted to an item named elsewhere in the request, or find fault with it.
_LIKE_IT = re.compile(r"\b(?:like|similar to) (?:it|that|this|that one|this one|them|those)\b|\btoo (?:much|expensive|"
                      r"pricey|dear|big|small|heavy|long|short)\b|\btrop (?:cher|chère|grand|petit|lourd)|"
                      r"\bzu (?:teuer|groß|klein|schwer)|\bdemasiado (?:car[oa]|grande|pequeñ[oa]|pesad[oa])|"
                      r"\bcomme (?:ça|celui-ci|celle-ci)|太贵|太大|太小|太重|\bover (?:my |our |the )?budget\b|"
                      r"\b(?:anything|something|one|ones) similar\b|\bsimilar (?:ones?|items?)\b|\bähnliche[ns]?\b|"
                      r"\b(?:quelque chose|un|une) de (?:similaire|semblable|pareil)|\balgo (?:parecido|similar)\b", re.IGNORECASE)
#: Words after a name that liken to it: "跟富士X-T30 II差不多", "和它一样".
_LIKE_AFTER = re.compile(r"\s*[\u3400-\u9fff]{0,3}?\s*(?:差不多|一样|类似|相似|相近|那样|似的)")  # "…海报类似的": a poster like it


def only_titles(titles: TitleIndex, message: str, get: Callable[[list[str]], Sequence[dict[str, Any]]]) -> bool:
    """Whether ``message`` says nothing but the titles it names (and words of no subject): "das
    Orbit Space Station Set"; ``get`` reads items by id."""
    from xmr_agent.agent.rules import blank

    found = titles.spans(message)
    rest = blank(message, [span for span, _ in found])
    words = {w.lower() for r in get([i for _, ids in found for i in ids]) for w in re.findall(r"[^\W_]+", str(r.get("title") or ""))}
    return all(w in lexicon.FILLER or w in words for w in re.findall(r"[^\W_]+", rest.lower()))


def without_named(query: CrossModalQuery, titles: TitleIndex) -> CrossModalQuery:
    """``query`` with the items whose titles name a negated word ("no mugs") excluded."""
    if not query.exclude_words:
        return query
    from xmr_agent.agent.rules import stem_phrase

    named = list(dict.fromkeys(i for words in query.exclude_words for form in _agreeing(words)
                               for i in titles.naming(form, stem_phrase)))
    if not named:
        return query
    return query.model_copy(update={"exclude_ids": tuple(dict.fromkeys([*query.exclude_ids, *named])),
                                    "notes": (*query.notes, f"left out {len(named)} items named "
                                                            f"{', '.join(map(repr, query.exclude_words))}")})
