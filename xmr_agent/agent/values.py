"""Words and the values of a table's columns: stems of phrases, and the values that hold a word
("gold" → gold-plated, rose gold), read by the rule-based parser (:mod:`xmr_agent.agent.rules`)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from xmr_agent.agent import lexicon
from xmr_agent.agent.columns import brand_column, kind_columns
from xmr_agent.agent.filters import EVERY_ONE, Facet, Facets
from xmr_agent.agent.materials import imitates, of_class, of_kind
from xmr_agent.encoders.language import detect_closely

#: At most this many values are left out for one negated word.
MAX_VALUES = 8
#: A column with a value of more words than this holds descriptions, not values.
MAX_NAME_WORDS = 4
#: How much rarer (in Zipf units) a word without its final "s" must be for the "s" to be its own.
SINGULAR_MARGIN = 0.5


@lru_cache(maxsize=65_536)
def stem_phrase(words: str) -> str:
    """Lower-cased words of ``words``, each Snowball-stemmed, joined by spaces (a singular ending
    in "s" keeps it, as its plural's stem does: "lens" and "lenses" are both "lens")."""
    found = re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", _SPELT_ONE_WAY.sub(_one_way, folded(words.lower())))
    stems = _stemmer().stemWords(found)
    return " ".join(w if s == w[:-1] and w.endswith("s") and _singular_in_s(w) else s
                    for w, s in zip(found, stems, strict=True))


#: American and British spellings read as one ("computerized": "Computerised", "color" "Colour", "gray" "Grey").
_SPELT_ONE_WAY = re.compile(r"\b([a-z]{3,})iz(e|ed|es|er|ers|ing|ation|ations)\b|\b([a-z]{3,})yz(e|ed|es|er|ers|ing)\b|"
                            r"\b(col|flav|fav|arm|hum|od|hon|harb|neighb|vap|lab|rum|behavi)or(s|ed|ful|ite|ites|less|ing)?\b|"
                            r"\b(cent|met|lit|theat|fib|kilomet|millimet|centimet|millilit)er(s)?\b|\b(gr)ay\b|"
                            r"\b(racquet|aluminum|jewelry|pajama|tire|mold|donut|plow|cozy|bicycle|mitten|refrigerator|telephone|"
                            r"photograph|fiberglass)(s)?\b")
#: The one spelling of the words :data:`_SPELT_ONE_WAY` reads in two (and of a word and its clipped form: "bicycle
#: lock" is a "Bike lock", "mittens" are "Mitts").
_ONE_SPELLING = {"racquet": "racket", "aluminum": "aluminium", "jewelry": "jewellery", "pajama": "pyjama", "tire": "tyre",
                 "mold": "mould", "donut": "doughnut", "plow": "plough", "cozy": "cosy", "bicycle": "bike", "mitten": "mitt",
                 "refrigerator": "fridge", "telephone": "phone", "photograph": "photo",
                 "fiberglass": "fibreglass"}


def folded(text: str) -> str:
    """``text`` without accents: "Émail" and "email", "débutant" and "debutant" are one word (a
    stem of ASCII letters would cut "électrique" at the "é")."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)) \
        if not text.isascii() else text


def _one_way(m: re.Match[str]) -> str:
    g = m.groups()
    if g[0]:
        return f"{g[0]}is{g[1]}"
    if g[2]:
        return f"{g[2]}ys{g[3]}"
    if g[4]:
        return f"{g[4]}our{g[5] or ''}"
    if g[6]:
        return f"{g[6]}re{g[7] or ''}"
    if g[9]:
        return f"{_ONE_SPELLING[g[9]]}{g[10] or ''}"
    return "grey"


@lru_cache(maxsize=4096)
def _singular_in_s(word: str) -> bool:
    """Whether ``word`` is a singular that ends in "s" ("lens", "canvas", "gas"): the word without its "s" is far rarer
    than the word (Zipf frequencies in :mod:`wordfreq`; without it, never)."""
    try:
        from wordfreq import zipf_frequency
    except ImportError:  # the ``spelling`` extra is not installed
        return False
    return zipf_frequency(word[:-1], "en") < zipf_frequency(word, "en") - SINGULAR_MARGIN


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import snowballstemmer
    return snowballstemmer.stemmer("english")


def material_forms(value: str) -> set[str]:
    """Words that name a value as an adjective of its material or kind: "wood" → wooden, "wool" → woollen; "woody" →
    wooden (a translation's "a wooden perfume" is a woody one; never the bare "wood", whose like "comed" of "comedy"
    stems as "come"); a long one's in -y ("citrusy", "smoky"; not "part" → party)."""
    forms = {value + "en", value + value[-1] + "en", *([value[:-1] + "en"] if value.endswith("y") and len(value) >= 5 else [])}
    return forms | ({value.removesuffix("e") + "y"} if len(value) >= 5 and value[-1] not in "aiouy" else set())


#: The most words of a narrower value that a broader one names ("Extra virgin olive oil").
NARROWER_WORDS = 4


def with_combos(facet: Facet, value: str) -> list[str]:
    """``value``, the values of ``facet`` that list it among others ("vegan, gluten-free" for gluten-free: a cell of a
    CSV that holds several values), and the narrower values that end with its words ("olive oil": Extra virgin olive
    oil too; names of up to :data:`NARROWER_WORDS` words, not descriptions), no imitation of it."""
    if facet.kind == "list":
        return [value]
    combos = [facet.canonical[v] for v in sorted(facet.values)
              if facet.canonical[v] != value and value.lower() in (p.strip() for p in re.split(r"[,;/|]", v))]
    said = stem_phrase(value).split()
    narrower = [facet.canonical[v] for v in sorted(facet.values) if facet.canonical[v] != value and said and "," not in v
                and len(said) < len(words := stem_phrase(v).split()) <= NARROWER_WORDS and words[-len(said):] == said
                and not imitates(said, words, stem_phrase)]  # "leather": no Synthetic leather
    return list(dict.fromkeys([value, *combos, *narrower]))[:MAX_VALUES + 1]


def containing(facet: Facet, value: str) -> list[str]:
    """``value`` and the other values of ``facet`` with its words ("gold": rose gold) or of its class ("Plastic": PVC)."""
    words = stem_phrase(value.replace("-", " ")).split()  # "Gore-Tex": Gore-Tex Pro too
    if not words:  # "乌龙茶": no stem to share
        return [value]
    others = [facet.canonical[v] for v in sorted(facet.values)
              if facet.canonical[v] != value and of_kind(words, stem_phrase(v.replace("-", " ")).split(), stem_phrase)]
    return [value, *others[:MAX_VALUES]]


def valued_word(word: str, facets: Facets) -> tuple[Facet, list[str]] | None:
    """The one column that describes items (not a column of kinds) whose values have ``word`` among their words (or a
    kind of the material it names), and those values: "down" → material: goose down, duck feather & down; "wood": Oak."""
    if not (stem := stem_phrase(word)) or " " in stem or len(stem) < 3:
        return None
    kinds = kind_columns(facets)
    found = [(f, [f.canonical[v] for v in sorted(f.values) if of_class(stem, stem_phrase(v.replace("-", " ")).split(), stem_phrase)])
             for f in facets.values() if f.categorical and f.column.lower() not in kinds
             and max(len(v.split()) for v in f.values) <= MAX_NAME_WORDS]  # not a column of descriptions
    found = [(f, values) for f, values in found if values]  # (one column only, of a few of its values)
    return found[0] if len(found) == 1 and len(found[0][1]) <= MAX_VALUES else None


def title_words(titles: Any) -> frozenset[str]:
    """The word stems (of three letters or more) of a :class:`~xmr_agent.agent.mentions.TitleIndex`'s titles."""
    return _title_stems(id(titles), tuple(titles.ids))


@lru_cache(maxsize=8)
def _title_stems(_: int, titles: tuple[tuple[str, ...], ...]) -> frozenset[str]:
    return frozenset(stem for title in titles for stem in stem_phrase(" ".join(title)).split() if len(stem) > 2)


#: The least share of the items whose titles have a word that must be of the kinds of the items whose
#: titles end in it, for that word to name a kind.
HEAD_SHARE = 2 / 3


#: A word in the titles of every kind names every item when at least one item in this many has it.
COMMON_SHARE = 3


class TitleNouns(dict[str, dict[str, frozenset[str]]]):
    """Column of kinds → word stem of titles → the kinds (lower-cased values) of the items so
    titled; ``heads``: the same for the head noun of each title only ("Gold Rim Paper Plates 9
    inch, Pack of 16": plate), the word that says what the item is."""

    def __init__(self, words: Mapping[str, dict[str, frozenset[str]]] = (),  # type: ignore[assignment]
                 heads: Mapping[str, dict[str, frozenset[str]]] | None = None,
                 counts: Mapping[str, dict[str, dict[str, int]]] | None = None, size: int = 0,
                 firsts: Mapping[str, dict[str, dict[str, int]]] | None = None) -> None:
        super().__init__(words)
        self.heads: dict[str, dict[str, frozenset[str]]] = dict(heads or {})
        #: column → word stem → kind → how many items of that kind have it in their titles (``firsts``: first words)
        self.counts: dict[str, dict[str, dict[str, int]]] = dict(counts or {})
        self.firsts: dict[str, dict[str, dict[str, int]]] = dict(firsts or {})
        self._common: frozenset[str] | None = None
        self.size, self.first = size, False  #: how many items were read; whether ``heads`` are titles' first words

    def common(self) -> frozenset[str]:
        """The head nouns of the titles of items of at least half the kinds of a column of three or
        more, in the titles of at least one item in :data:`COMMON_SHARE`: "knife" in a knife shop
        ("Chef's Knife", "Bread Knife", "Paring Knife"), a word for every item that describes no kind
        of its own (unless a kind is called so: "Tank"); not "phone" in a phone shop, where it is
        the head of phones only ("Phone Case": a case)."""
        if self._common is None:
            found: set[str] = set()
            named = {stem_phrase(k) for stems in self.counts.values() for counts in stems.values() for k in counts}
            for column, stems in self.counts.items():  # ("tank" where a kind is "Tank" names it)
                kinds, heads = {k for counts in stems.values() for k in counts}, {} if self.first else self.heads.get(column, {})
                found |= {s for s, counts in stems.items() if len(kinds) >= 3 and 2 * len(heads.get(s, ())) >= len(kinds)
                          and s not in named and sum(counts.values()) * COMMON_SHARE >= self.size}
            self._common = frozenset(found)
        return self._common

    def headed(self, column: str, stem: str) -> frozenset[str]:
        """The kinds of the items whose titles end in ``stem`` (``heads``), when at least :data:`HEAD_SHARE` of the items
        with the word anywhere in their titles are of those kinds: "champagne" (two bottles, one "Champagne Flutes"),
        not "game" (one "Logic Game", one "Playmat for Card Games")."""
        kinds = self.heads.get(column, {}).get(stem, frozenset())
        counts = self.counts.get(column, {}).get(stem, {})
        total = sum(counts.values())
        return kinds if not total or sum(n for k, n in counts.items() if k in kinds) >= HEAD_SHARE * total else frozenset()


def kinds_by_title(catalog: Any, facets: Facets) -> TitleNouns:
    """For each column of kinds, the values (lower-cased) of the items whose titles have each word stem: "knife" →
    {accessories} in a deli, "wine" → {red, white, sparkling, accessories}."""
    from xmr_agent.agent.audience import audience_columns  # a title's noun says what it is, not for whom
    people = audience_columns(facets)
    columns = [c for c in facets if c.lower() in kind_columns(facets) and facets[c].categorical and c not in people]
    return title_kinds(catalog.rows(["title", *columns]) if columns else [], columns)


def title_kinds(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> TitleNouns:
    found: dict[str, dict[str, set[str]]] = {c: {} for c in columns}
    heads: dict[str, dict[str, set[str]]] = {c: {} for c in columns}
    counts: dict[str, dict[str, dict[str, int]]] = {c: {} for c in columns}
    firsts: dict[str, dict[str, dict[str, int]]] = {c: {} for c in columns}
    romance = detect_closely(" ".join(str(r.get("title") or "") for r in rows[:HEAD_SAMPLE])) in HEAD_FIRST
    for row, title in ((r, str(r.get("title") or "")) for r in rows):
        first = (title.lower().split() or [""])[0].strip(",.;:()")
        stems, head = set(stem_phrase(title).split()), (stem_phrase(first) or None) if romance else title_head(title)
        first_stem = stem_phrase(first).split()  # (read once per title, not per word)
        for column in columns:
            cell = row.get(column)
            for value in cell if isinstance(cell, list) else [cell]:
                for stem in stems if value not in (None, "") else ():
                    found[column].setdefault(stem, set()).add(str(value).lower())
                    for index, key in ((counts, stem), (firsts, first)) if [stem] == first_stem else ((counts, stem),):
                        kind_counts = index[column].setdefault(key, {})
                        kind_counts[str(value).lower()] = kind_counts.get(str(value).lower(), 0) + 1
                if head and value not in (None, ""):
                    heads[column].setdefault(head, set()).add(str(value).lower())
    nouns = TitleNouns({c: {s: frozenset(v) for s, v in stems.items()} for c, stems in found.items()},
                       {c: {s: frozenset(v) for s, v in stems.items()} for c, stems in heads.items()}, counts, len(rows), firsts)
    nouns.first = romance  # (a word most French titles begin with names no shop's every item: "Guitarra clásica …")
    return nouns


#: How many titles tell whether they put the noun first (:data:`HEAD_FIRST`: "Réservoir d'eaux grises sur roulettes").
HEAD_SAMPLE = 60


def title_head(title: str) -> str | None:
    """The stem of a title's head noun: the last word of its first part, before a comma, a dash, a bracket or "for"/
    "with"/"and", numbers ("28x28cm"), units and packs left out ("Pastel Latex Balloons, Pack of 50": balloon)."""
    first = _TITLE_CUT.split(title, maxsplit=1)[0]
    words = [w for w in re.findall(r"(?<![\w'’])[^\W\d_][\w'’]*", first) if w.lower() not in _NOT_HEADS and len(w) > 2]
    if not words or words[-1].lower() in lexicon.FILLER:  # "Me Before You": a name, not a kind
        return None
    return stem_phrase(words[-1]) or None


#: Where a title's first part ends: what follows says what it is for, with, or how many.
_TITLE_CUT = re.compile(r"\s*(?:[,;:(\[|/]|\s[-–—]\s|\b(?:for|with|and|in|by|from|incl|including|plus|x)\b)\s*", re.IGNORECASE)
#: Words at the end of a title's first part that name no kind: packs, units, sizes.
_NOT_HEADS = frozenset("set sets kit kits pack packs pcs piece pieces pair pairs bundle collection edition version "
                       "inch inches cm mm ml oz litre liter lbs pcs mini maxi large small medium xl xxl the".split())


def modified(text: str, span: tuple[int, int], nouns: Mapping[str, frozenset[str]], value: str, facets: Facets) -> str | None:
    """The noun after the kind ``value`` at ``span`` that it describes, the thing wanted ("knife" in "a cheese knife
    set"): a word of titles (``nouns``: its stem → the kinds of the items so titled) of at most two kinds, not
    ``value`` ("red wine", "herbal tea" keep their kind), no function word and no word of a value."""
    said = text[span[0]:span[1]].lower().split()
    if not said or said[-1] in lexicon.COLOURS or ADJECTIVE.search(said[-1]):
        return None  # "red wine", "herbal tea", "running shoes": a kind said by an adjective names the wine
    after = _NEXT_WORD.match(text, span[1])
    stem = stem_phrase(after.group(1)) if after else ""
    kinds = nouns.get(stem, frozenset({value.lower()}))
    if not after or value.lower() in kinds or len(kinds) > 2 or after.group(1).lower() in lexicon.FILLER | NOT_NOUNS:
        return None
    return None if stem in value_words(facets) else after.group(1)  # "green tea bags" where tea bags are sold


#: Endings of English adjectives ("herbal", "electric", "sparkling", "italian").
ADJECTIVE = re.compile(r"(?:al|ic|ive|ous|ful|less|ing|ed|ish|ian)$")
_NEXT_WORD = re.compile(r"[ \-]+([^\W\d_]{3,})")
NOT_NOUNS = frozenset("for with and but under over that which who from into onto the than like please only without "
                       "not can could would should will was are were has have had you your our their his her its "
                       "one ones any some all very too also just set pack made built approved certified "
                       "designed sold".split())  # "a jacket made by …": no "made" wanted


def value_words(facets: Facets) -> set[str]:
    """The word stems of the short values of ``facets`` (names of at most three words, not lists
    nor descriptions): a word among them describes items, it names no other thing."""
    return {w for f in facets.values() if f.categorical for v in f.values if "," not in v and len(v.split()) <= 3
            for w in stem_phrase(v).split()}


def head_noun(text: str, heads: Container[str], stops: Iterable[str],
              goes_with: Callable[[tuple[int, int]], bool]) -> tuple[str, tuple[int, int]] | None:
    """The stem of the head noun of the thing ``text`` asks for, as the catalogue's titles end
    (``heads``: :func:`title_head` stems), with its span: the last of the first run of such nouns
    ("cheap paper plates": plate). A noun the wanted thing goes with (``goes_with(span)``: "for
    my camera") is passed over; a noun followed by a word that is not one (the "paper" of "paper
    cups") names nothing."""
    words = list(re.finditer(r"(?:(?![\u3400-\u9fff])[^\W\d_])(?:(?![\u3400-\u9fff])[\w\-'’])*", text))
    stops = set(stops)
    for i, word in enumerate(words):
        if stem_phrase(word.group(0)) not in heads or goes_with(word.span()):
            continue
        last = i
        for j in range(i + 1, len(words)):
            gap, said = text[words[j - 1].end():words[j].start()], words[j].group(0).lower()
            if gap.strip() or said in stops or said in lexicon.FILLER:
                break
            if stem_phrase(said) in heads:
                last = j
            elif said not in _NOT_HEADS:
                return None  # "paper cups": the noun wanted is not a head of any title
        return stem_phrase(words[last].group(0)), words[last].span()
    return None


def stem_index(facet: Facet) -> dict[str, tuple[str, ...]]:
    """The values of ``facet`` by the stems that name them: whole, hyphens as spaces, a material's adjective, a
    country's, a word left out, and the noun several values share (:func:`head_group`)."""
    return _stem_index_cached(facet.column, facet.values)


@lru_cache(maxsize=64)
def _stem_index_cached(column: str, values: frozenset[str]) -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for value in sorted(values):
        if len(value) >= 3 and stem_phrase(value) and value.lower() not in EVERY_ONE:  # ("any": no value's) "乌龙茶"
            # has no stem: matched as written (:func:`~xmr_agent.agent.chinese.cjk_values`)
            index.setdefault(stem_phrase(value), []).append(value)
        if "-" in value:  # "blue light glasses" for "Blue-light glasses"
            index.setdefault(stem_phrase(value.replace("-", " ")), []).append(value)
        if len(value) >= 3 and value.isalpha():  # the adjective of a material: wooden, woollen, golden
            for form in material_forms(value):
                index.setdefault(stem_phrase(form), []).append(value)
        if value in lexicon.DEMONYMS:  # the adjective of a country: Japanese green tea
            index.setdefault(stem_phrase(lexicon.DEMONYMS[value]), []).append(value)
    shorter: dict[str, list[str]] = {}  # "heavy duty machine": Heavy-duty sewing machine (a middle word left out)
    for value in sorted(values):  # whole words only: "blue glasses" is no "Blue-light glasses"; the last left out
        shared = len(words := value.split()) == 3 and sum(  # where others end so ("steel tips": Steel tip darts)
            stem_phrase(o).split()[-1:] == stem_phrase(value).split()[-1:] for o in values) > 1
        for i in range(1, len(words) - 1 + shared) if 3 <= len(words) <= 4 and "," not in value else ():
            shorter.setdefault(stem_phrase(" ".join(words[:i] + words[i + 1:]).replace("-", " ")), []).append(value)
    index.update({key: group for key, group in shorter.items() if len(group) == 1 and key not in index})
    heads: dict[str, list[str]] = {}  # "frames": Prescription frames, Kids frames; "guitarra": Guitarra clásica,
    first = values and detect_closely(" ".join(sorted(values))) in HEAD_FIRST  # Guitarra acústica (the noun first)
    for value in sorted(values):
        if 1 < len(stem_phrase(value).split()) <= 3 and "," not in value:  # names, not descriptions
            heads.setdefault(stem_phrase(value).split()[0 if first else -1], []).append(value)
    index.update({head: group for head, group in heads.items() if len(group) > 1 and head not in index
                  and not brand_column(column)})  # "games" names no maker, of Mantic Games and Osprey Games
    parts: dict[str, list[str]] = {}  # "BMX" for "BMX/Skate", "table" for "Table & station": names, not
    for value in (v for v in sorted(values) if len(v.split()) <= 4 and not re.search(r"[,.]", v)
                  and not brand_column(column)):  # descriptions; "Light & Motion" is one name
        pieces = re.split(r"/|\s(?:&|and|et|und|y)\s", value)  # "Soudure et flux"; "tap": Tapware
        for part in pieces if len(pieces) > 1 else [m.group(1)] if (m := WARE.fullmatch(value)) else ():
            if len(part.strip()) >= 3 and part.strip().lower() not in values:  # ("Wool/nylon sock yarn that knits up …")
                parts.setdefault(stem_phrase(part), []).append(value)
    index.update({part: group for part, group in parts.items() if part not in index})  # "down": the downs, not
    return {k: tuple(dict.fromkeys(v)) for k, v in index.items()}  # only "Duck feather & down"


#: A kind named as the ware of a thing ("Tapware", "Glassware"): the thing names it too.
WARE = re.compile(r"\b(?!hard|soft|firm|ware)([a-z]{3,})(?:ware|wear)\b", re.IGNORECASE)
#: Languages whose names of kinds put the noun first ("Guitarra clásica", "Scie sauteuse").
HEAD_FIRST = frozenset({"es", "fr", "it", "pt"})


def head_group(facet: Facet, said: str) -> list[str]:
    """The values ``said`` names by the last word they share ("frames": Prescription frames and
    Kids frames; the first in a catalogue whose names put the noun first, :data:`HEAD_FIRST`:
    "guitarra" names Guitarra clásica and Guitarra acústica), when it names more than one; else none."""
    if lexicon.has_cjk(said):  # "杯子": 茶杯, 公道杯
        from xmr_agent.agent.chinese import head_group as ending

        return ending(facet, said)
    group = stem_index(facet).get(stem_phrase(said), ())
    if len(group) < 2 or len(stem_phrase(said).split()) != 1 or any(len(stem_phrase(v).split()) < 2 for v in group):
        return []
    return [facet.canonical[v] for v in group]


def worded(facet: Facet, english: str, names: str) -> list[str]:
    """The values of two or three words one of which is ``english`` or one of its ``names`` in
    another language (:data:`~xmr_agent.agent.lexicon.TRANSLATED`): "Schwarz matt" for black; no
    brand ("verde" names no "Big Green Egg")."""
    if brand_column(facet.column):
        return []
    said = lexicon.pattern(names)
    return [v for v in facet.values if 2 <= len(parts := v.split()) <= 3
            and any(w == english or said.fullmatch(w) for w in parts)]


#: How common (Zipf frequency) a word must be in English to be an English word.
ENGLISH_ZIPF = 1.5


@lru_cache(maxsize=4096)
def english_word(word: str) -> bool:
    """Whether ``word`` is used in English ("baguette", not "Essig"); any word, without :mod:`wordfreq` (``spelling``)."""
    try:
        from wordfreq import zipf_frequency
    except ImportError:
        return True
    return zipf_frequency(word.lower(), "en") >= ENGLISH_ZIPF
