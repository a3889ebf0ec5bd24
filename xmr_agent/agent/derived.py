"""English senses of words made from others, where the dictionaries lack the word itself.

- French verb–noun compounds: "protège-tibias" (protects + shins) is a shin guard, "porte-clés" a
  key holder, "ouvre-bouteille" a bottle opener, "taille-crayon" a pencil sharpener.
- Spanish ones, written as one word: "guardabarros" (mudguard), "abrelatas" (can opener),
  "portallaves" (key holder), "cortaúñas" (nail cutter).
- Chinese words CC-CEDICT lacks, read as their longest first part it has (a modifier) and the rest (the head
  noun): "流星球" (meteor + ball), "鸡舍" (chicken + residence); a first part it has as a verb only names the
  head alone ("美容台": 台, desk, table).
- Spanish nouns in -era/-ero of a part of the body: "rodillera" (knee pad), "coderas" (elbow pads),
  "muñequera" (wrist guard), "tobillera" (ankle brace).

Each sense is the noun's English senses followed by the English name of what such a thing does
("shin guard", "bottle opener"); the catalogue's values pick the one it sells, as for any word.
Written by hand: FreeDict lists few such compounds, and no library derives them.
"""

from __future__ import annotations

from collections.abc import Callable

#: French verbs that make compounds with a noun, and the English names of what the compound is.
FRENCH = {"protège": ("guard", "protector", "pad"), "porte": ("holder", "carrier", "rack"), "ouvre": ("opener",),
          "coupe": ("cutter",), "pare": ("guard", "shield"), "garde": ("guard",), "essuie": ("wiper", "towel"),
          "presse": ("press", "squeezer"), "lave": ("washer",), "sèche": ("dryer",), "chauffe": ("warmer", "heater"),
          "casse": ("cracker",), "taille": ("sharpener",), "range": ("organizer", "storage"), "couvre": ("cover",),
          "cache": ("cover",), "attrape": ("catcher", "trap"), "repose": ("rest",), "appuie": ("rest",),
          "tire": ("puller",), "brise": ("breaker",), "cure": ("pick", "cleaner"), "pèse": ("scale",),
          "grille": ("toaster",), "allume": ("lighter",)}
#: Spanish verbs that make one-word compounds with a plural noun.
SPANISH = {"guarda": ("guard",), "abre": ("opener",), "porta": ("holder", "carrier"),
           "corta": ("cutter", "clipper"), "saca": ("remover", "puller"), "lava": ("washer",), "para": ("guard", "shield"),
           "cubre": ("cover",), "quita": ("remover",), "limpia": ("cleaner",), "afila": ("sharpener",),
           "cuenta": ("counter",), "calienta": ("warmer",), "salva": ("protector", "saver"), "pisa": ("weight",),
           "tapa": ("cover", "cap"), "seca": ("dryer",), "exprime": ("squeezer",)}
#: Parts of the body whose Spanish names in -era/-ero name what is worn on them.
BODY = frozenset({"knee", "elbow", "wrist", "ankle", "shoulder", "shin", "neck", "thigh", "chest", "hip", "head"})
#: What a thing worn on a part of the body is called.
WORN = ("pad", "guard", "brace", "protector")
#: The fewest letters of the noun part of a compound.
MIN_NOUN = 3
#: How many of the noun's first senses are read (the three most common English words of them make the compound's).
NOUN_SENSES = 6

#: The longest Chinese word read by its parts (each first part is read so in turn: the work doubles with each character).
MAX_CJK = 8

Lookup = Callable[[str], tuple[str, ...]]


def senses(word: str, language: str, lookup: Lookup, known: Callable[[str], bool] = lambda _: False) -> tuple[str, ...]:
    """The English senses of ``word`` (lower case, in ``language``) made from its parts' (``lookup``: a
    word's senses; ``known``: whether the dictionary has a word, senses or none), or none."""
    if language == "zh":
        return _headed(word, lookup, known)
    if language == "fr":
        verb, _, noun = word.partition("-")
        return _named(noun, FRENCH.get(verb, ()), lookup)
    if language != "es":
        return ()
    for verb, agents in SPANISH.items():
        if word.startswith(verb) and len(word) - len(verb) >= MIN_NOUN:
            if found := _named(word[len(verb):], agents, lookup):
                return found
    return _worn(word, lookup)


def _named(noun: str, agents: tuple[str, ...], lookup: Lookup) -> tuple[str, ...]:
    """"<noun's sense> <agent>" for the noun's commonest senses (each of one word) and the ``agents``."""
    if len(noun) < MIN_NOUN or not agents:
        return ()
    from wordfreq import zipf_frequency

    found = sorted((s for s in lookup(noun)[:NOUN_SENSES] if " " not in s), key=lambda s: -zipf_frequency(s, "en"))[:3]
    return tuple(f"{sense} {agent}" for sense in found for agent in agents)


def _worn(word: str, lookup: Lookup) -> tuple[str, ...]:
    """"rodillera" → knee pad …: a noun in -era/-ero (plural too) of a part of the body's name."""
    stem = word.removesuffix("s")
    if not stem.endswith(("era", "ero")) or len(stem) < MIN_NOUN + 3:
        return ()
    base = stem[:-3]
    bases = [base + "a", base + "o", base, *([base[:-2] + "ca", base[:-2] + "co"] if base.endswith("qu") else [])]
    for form in bases:
        parts = [s for s in lookup(form)[:NOUN_SENSES] if s in BODY]
        if parts:
            return tuple(f"{parts[0]} {what}" for what in WORN)
    return ()


def _headed(word: str, lookup: Lookup, known: Callable[[str], bool]) -> tuple[str, ...]:
    """"流星球" → meteor ball, ball: a Chinese word by its longest first part with senses (a modifier) and the rest,
    the head noun."""
    if not 2 <= len(word) <= MAX_CJK or not all("\u3400" <= c <= "\u9fff" for c in word):  # (each part is read so too)
        return ()
    cuts = range(len(word) - 1, 0, -1)  # two words the dictionary has first ("橡胶手套": rubber + glove, not 橡胶手 + 套)
    for cut in [*(c for c in cuts if known(word[:c]) and known(word[c:])), *cuts]:
        if (modifier := nouns(lookup(word[:cut]))[:1]) and (head := nouns(lookup(word[cut:]))[:3]):
            return (*(f"{m} {h}" for m in modifier for h in head if " " not in h and " " not in m), *head)
    for cut in range(1, len(word)):  # a first part of verbs only ("美容台": to beautify): the head's ("台": desk, table)
        if known(word[:cut]) and known(word[cut:]) and (head := nouns(lookup(word[cut:]))[:3]):
            return head
    return ()


#: Senses no kind is named by (台: "you" in letters).
_PRONOUNS = frozenset("i you he she it we they me him her us them this that".split())


def nouns(found: tuple[str, ...]) -> tuple[str, ...]:
    """The senses of ``found`` that are common nouns: no name ("Taiwan") and no pronoun."""
    return tuple(s for s in found if s[:1].islower() and s not in _PRONOUNS)
