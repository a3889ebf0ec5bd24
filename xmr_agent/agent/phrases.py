"""Where a word of a request stands in its phrase: the head noun and the words that describe it.

Read with the dictionaries (:mod:`~xmr_agent.agent.glossary`): in French and Spanish a word right
after a noun an article makes the head describes it ("une entrée phono"), a thing the dictionary
lacks is a noun by its ending ("alimentador"); a word after a possessive is what the thing wanted
goes with ("mein Fahrrad"); Chinese is written without spaces, so a compound the dictionary lacks
is read by its parts ("窗帘杆": the word before says what the one after is for); of a word's senses
the one the request spells next to it is meant ("persianas venecianas"); English compounds are
written joined or apart ("showerhead", "shower head"); an adjective before a noun says what the
thing is like beyond its kind ("the cheapest electric trolley"). Written by hand: no maintained library
parses five languages' shopping phrases without a model.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from difflib import SequenceMatcher

from xmr_agent.agent import lexicon
from xmr_agent.agent.query import CrossModalQuery
from xmr_agent.agent.values import folded, stem_phrase

#: How alike (accents and a plural aside) a word of a sense and a word of the request must be to be one word.
COGNATE = 0.8


def in_context(words: Sequence[str], i: int, meanings: Sequence[str]) -> tuple[str, ...]:
    """Of ``words[i]``'s senses, those of several words one of whose other words the request
    says next to it in its own spelling ("persianas venecianas": Venetian blind, of roller blind,
    shutter, Venetian blind); all of them when none is."""
    near = [folded(w.lower()).removesuffix("s") for w in (words[i - 1] if i else "", words[i + 1] if i + 1 < len(words) else "")
            if len(w) >= 5]
    chosen = tuple(m for m in meanings if any(
        len(part) >= 5 and any(w[:2] == part[:2] and SequenceMatcher(None, w, part).ratio() >= COGNATE for w in near)
        for part in (folded(p) for p in m.lower().split()[:-1])))
    return chosen or tuple(meanings)


def compound_head(words: Sequence[str], i: int, text: str) -> str | None:
    """The Chinese word written right after ``words[i]`` with nothing between, when both are words
    of things (no particle, measure word or verb of wanting), else ``None``."""
    if i + 1 >= len(words) or words[i + 1] in JOINS_NONE or words[i] in JOINS_NONE \
            or words[i] + words[i + 1] not in text or words[i + 1] in lexicon.FILLER:
        return None
    return words[i + 1]


#: Endings of French and Spanish nouns of things and tools ("alimentador", "enfumoir", "nourrisseur").
NOUN_ENDING = re.compile(r"\w{3,}(?:dor|dora|dero|dera|ción|miento|eur|euse|oir|oire|ier|ière|tion|ment)s?$")


def after_head(words: Sequence[str], i: int, language: str, text: str) -> bool:
    """Whether French or Spanish ``words[i]`` follows a noun that an article makes the head ("une
    entrée phono", "un cable USB"): it describes that noun (an adjective before it aside: "une
    petite tente")."""
    if language not in ("fr", "es") or i < 2 or words[i - 2].lower() not in _DETERMINERS:
        return False
    head = words[i - 1].lower()
    return head not in _BEFORE_NOUNS and head not in lexicon.FILLER and len(head) > 2 \
        and re.search(rf"(?<!\w){re.escape(words[i - 1])}\s+{re.escape(words[i])}(?!\w)", text) is not None


_DETERMINERS = frozenset("un une le la les l des du mon ma mes ton ta tes son sa ses ce cette cet "
                         "el los las una unos unas mi mis tu tus su sus este esta".split())
#: French and Spanish adjectives said before their noun ("une petite tente", "un nuevo saco").
_BEFORE_NOUNS = frozenset("petit petite petits petites grand grande grands grandes bon bonne bons bonnes beau bel belle "
                          "beaux belles vieux vieil vieille nouveau nouvel nouvelle nouveaux nouvelles jeune jeunes joli "
                          "jolie gros grosse mauvais mauvaise premier première dernier dernière autre autres seul seule "
                          "vrai vraie meilleur meilleure pequeño pequeña pequeños pequeñas gran buen buena bueno buenos "
                          "buenas nuevo nueva nuevos nuevas viejo vieja mejor otro otra otros otras primer primera mal "
                          "mala cierto cierta".split())


def owned(words: Sequence[str], i: int) -> bool:
    """Whether ``words[i]`` is a thing the user has ("mein Fahrrad", "我的自行车") or one the thing
    named before is for ("eine Schwimmweste fürs Kanu", "un étui pour la trompette"): what the thing
    wanted goes with, not the thing."""
    if i and _OWNER.fullmatch(words[i - 1]) or i > 1 and _OWNER.fullmatch("".join(words[i - 2:i])):
        return True
    at = i - 1 - (i > 1 and words[i - 1].lower() in _DETERMINERS | _GERMAN_DETERMINERS)
    return at >= 2 and words[at].lower() in _FOR and words[at - 1].lower() not in lexicon.FILLER \
        and any(len(w) > 2 and w.lower() not in lexicon.FILLER for w in words[:at])


#: Words for "for" before the thing another is for, in the five languages' Latin scripts.
_FOR = frozenset("for fürs für pour para".split())
_GERMAN_DETERMINERS = frozenset("der die das den dem ein eine einen einem einer meinen meine mein".split())


_OWNER = re.compile(rf"(?:{lexicon.POSSESSIVE})", re.IGNORECASE)


#: An elided French or Italian article or pronoun before its word ("l'alto", "d'étude", "qu'un"): read off as a word.
ELIDED = re.compile(r"(?<![\w'’])([cdjlmnst]|qu)['’](?=[^\W\d_])", re.IGNORECASE)
#: An elided article or pronoun cut off its word (by :data:`ELIDED`): "d arrosage".
ELIDED_WORD = re.compile(r"(?<![\w'’])([cdjlmnst]|qu) (?=[^\W\d_])", re.IGNORECASE)
#: Chinese characters that end or start no compound: particles, measure words, verbs of wanting.
JOINS_NONE = frozenset("的了吗呢吧个只双条台张套本瓶盒顶支块辆位把件款种买要想找送给看有选是和或与在用一两这那")


def fragment(words: Sequence[str], i: int, text: str = "") -> bool:
    """Whether Chinese ``words[i]`` is one character of a longer word the dictionary lacks ("磨豆机"
    cut into characters, "登机箱" into 登机 and 箱): a character next to another word of the request
    (written next to it in ``text``, where given: "的包，不要" has no word "包不要")."""
    def joins(n: int) -> bool:
        return 0 <= n < len(words) and lexicon.has_cjk(words[n]) and words[n] not in JOINS_NONE \
            and words[n] not in lexicon.FILLER and (not text or "".join(words[min(i, n):max(i, n) + 1]) in text)

    return len(words[i]) == 1 and lexicon.has_cjk(words[i]) and (joins(i - 1) or joins(i + 1))


def closed(word: str, value: str) -> bool:
    """Whether ``word`` (lower case, as written) is an English compound written as one whose last
    part is the one-word ``value``, singular or plural ("beehive" is a hive, "wristwatch" a watch;
    "carbon" is no "bone")."""
    forms = {value, value.removesuffix("s"), value.removesuffix("es")}
    return " " not in value and any(len(f) >= 4 and len(word) >= len(f) + 2 and word.endswith(f) for f in forms)


def joined(words: Sequence[str]) -> set[str]:
    """The stems of ``words`` next to each other written as one ("shower head" is a showerhead too)."""
    return {a + b for a, b in zip(words, words[1:], strict=False)}


def described(query: CrossModalQuery) -> tuple[str, ...]:
    """The stems of the adjectives (by their endings: "electric", "wireless", "heated") just
    before a noun in ``query``'s first sub-query that name no value its filters name: what the
    request says of the thing beyond its kind and conditions. Nouns before the kind's noun are
    left out: they are as often the kind's own words ("riding helmet", "LED strip", whose titles
    need not say them) as words that tell its items apart ("road bike")."""
    if any(note.startswith("searched for ") for note in query.notes):
        return ()  # the words are a dictionary's sense ("scented candle" for "Duftkerze"), not the user's
    text = query.queries[0].text if query.queries else ""
    said = {w for f in query.filters for w in stem_phrase(str(f.value)).split()}
    words = [w.lower() for w in re.findall(r"[^\W\d_]+", text) if w.lower() not in lexicon.FILLER]
    told = {stem_phrase(v) for v in query.context if " " not in str(v).strip()}  # "the lightest pipe wrench": a kind's
    kept = [w for w, after in zip(words, words[1:], strict=False) if _ADJECTIVE.search(w) and not _ADJECTIVE.search(after)
            or stem_phrase(w) in told]  # word describing the thing wanted tells its items apart too
    return tuple(dict.fromkeys(s for w in kept for s in stem_phrase(w).split() if s not in said))


_ADJECTIVE = re.compile(r"\w{3,}(?:al|ic|ive|ous|ful|less|ed|able|ible)$")


#: A definite or possessive article before a value, at most one word between ("joined the fencing club").
_DEFINITE = re.compile(r"\b(?:the|my|our|his|her|their|mon|ma|son|sa|notre|au|aux|du|el|al|del|mi|su|nuestr[oa]|der|die|das|dem|den|im|"
                       r"mein(?:e[mnr]?)?|unser(?:e[mnr]?)?)\s+(?:[^\W\d_][\w\-']*\s+)?$", re.IGNORECASE)
#: Words that end a noun phrase after its head ("the club and", "the club, …").
_ENDS = frozenset("and or but so because since when while where who which that to at in on with for of from "
                  "is are was were has have had says said et ou mais und oder aber y o pero".split())


def spoken_of(text: str, span: tuple[int, int], before: str) -> bool:
    """Whether a value at ``span`` of ``text`` is a thing the request speaks of, the head of a noun phrase an article or a
    possessive begins, no word of what is wanted ("my daughter just joined the fencing club and …": no Level = Club
    preference; "the red one", "the club mask" describe)."""
    after = re.match(r"\s*([^\W\d_][\w\-']*|[,.;:!?'’]|$)", text[span[1]:])  # ("the club's loaners": of the club)
    word = after.group(1).lower() if after else "x"
    return text[span[0]:span[0] + 1].islower() and bool(_DEFINITE.search(before)) and (  # (not a name: "en el Reino
        word in _ENDS or not word or not word[0].isalpha())  # Unido", "the USA")


#: A question for a thing the request does not name, after a situation told ("…in the bag, what should I use to keep
#: them dry?", "womit kann ich sie befeuchten?"): the kinds the situation names are the user's, not the thing wanted.
NEED_ASKED = re.compile(
    r"\b(?:what (?:should|can|could|do|would) (?:i|we|he|she|they) (?:use|put|get|wear|need|buy)|what (?:do|does) "
    r"(?:i|we|he|she|they) need|is there (?:anything|something)|(?:anything|something) (?:that|which) (?:would|will|can|could)?"
    r"|how (?:do|can|could|should) (?:i|we) (?:stop|keep|fix|protect|prevent)|womit|was (?:brauche|braucht|nehme)|"
    r"de quoi|qu'est-ce qu(?:e|'il) (?:je|j'|il) (?:dois|faut|peux)|ce qu'il (?:me |nous |lui )?faut|que (?:dois|puis)-je|"
    r"avec quoi|soll ich (?:nehmen|benutzen|kaufen)|con qu[ée]|qu[ée] (?:necesito|uso|puedo usar|pongo)|"
    r"用什么|该买什么|需要什么|有没有什么|买点什么|买什么)", re.IGNORECASE)


def told_before_need(text: str) -> str:
    """The situation a request tells before a question for a thing unnamed (:data:`NEED_ASKED`), else nothing."""
    found = NEED_ASKED.search(text)
    return text[:found.start()] if found else ""


#: A thing left unnamed and what it is to do ("something to keep the book block flat", "what do I use to poke the
#: holes through the pages", "de quoi coudre les cahiers", "algo para forrar las tapas", "etwas, um …", "用来点燃发动机的";
#: a thing named, then "para", "pour", "zum" and a verb: "unas gafas para cortar vidrio"):
#: the things the doing acts on are the user's, not the thing wanted. Not after verbs of getting ("something to buy").
PURPOSE = re.compile(
    r"(?:\b(?:something|anything|stuff|a thing|a tool|what (?:\w+ ){1,3}?(?:use|need|get|buy))(?: \w+)? to "
    r"(?!(?:buy|get|have|find|order|try|wear|go|do)\b)|\b(?:de quoi|quelque chose (?:pour|à)|un truc pour|un outil pour|"
    r"avec quoi) |\b(?:algo (?:para|con que|que sirva para)|qu[ée] (?:uso|necesito|puedo usar) para|con qu[ée]) |"
    r"\b(?:womit|(?:etwas|was) (?:zum|zur|um)|etwas, (?:um|womit|mit dem)) |用来|用于|拿来|"
    r"\b(?:para|pour|zum) (?=[^\W\d_]{3,}(?:ar|er|ir|re|en)\b))"  # "gafas para cortar vidrio", "zum Schneiden von Glas"
    r"(?P<does>[^.,;!?，。；！？的]*)", re.IGNORECASE)


def context_spans(text: str, acted_on: bool = True) -> list[tuple[int, int]]:
    """Where ``text`` speaks of the user's things rather than the thing wanted: the situation told before a question
    for a thing unnamed (:data:`NEED_ASKED`) and (``acted_on``) what an unnamed thing is to act on (:data:`PURPOSE`)."""
    told = len(told_before_need(text))
    return ([(0, told)] if told else []) + [found.span("does") for found in PURPOSE.finditer(text) if found.group("does")
                                            and acted_on]


def context_words(text: str, split: Callable[[str], list[str]]) -> set[int]:
    """The places among ``split(text)``'s words of those that speak of the user's things (:func:`context_spans`)."""
    return {i for start, end in context_spans(text) for i in range(len(split(text[:start])), len(split(text[:end])))}


def before_need(text: str, span: tuple[int, int], whole: bool = True) -> bool:
    """Whether the kind at ``span`` is one of the user's things (:func:`context_spans`); what a thing is to act on only
    when it is the ``whole`` kind ("algo para medir el pH": a tester, of the kind "Testing & pH")."""
    return any(start <= span[0] and span[1] <= end for start, end in context_spans(text, whole))


def thing_for(before: str, after: str = "") -> bool:
    """Whether ``before`` (the words before a kind) ends with a thing named by a noun and "for", "pour", "für",
    "para": the kind is what that thing is for ("a pair of gloves for the forge", "un tablier pour la forge"), not the
    thing wanted; not after a word that names nothing ("something for the forge", "a gift for the garden"), nor when
    ``after`` (the words after the kind) makes it a part of the shop ("a lock for the suitcases aisle")."""
    return thing_noun(before, after) is not None


def thing_noun(before: str, after: str = "") -> str | None:
    """The noun of the thing :func:`thing_for` finds before "for" ("developer" of "a developer for black and white
    film"), or ``None``."""
    m = _THING_FOR.search(before)
    return m.group(1) if m is not None and m.group(1).lower() not in lexicon.FILLER | _NAMES_NOTHING \
        and not m.group(1).lower().endswith("ing") and not _SHOP_PART.match(after) else None


#: A determiner (or the request's start), up to two words and the noun, then "for" and an article or a possessive.
_THING_FOR = re.compile(
    r"(?:^\s*|\b(?:a|an|the|some|\d+|un|une|des|le|la|les|ein|eine|einen|einem|die|den|das|unos?|unas?|el|los|las)\s+)"
    r"(?:[^\W\d_][\w\-']*\s+){0,2}([^\W\d_][\w\-']{2,})\s+(?:for|pour|für|para)"
    r"(?:\s+(?:the|a|an|my|our|le|la|les|l'|un|une|mon|ma|mes|den|die|das|dem|der|meinen?|meine[mr]?|el|los|las|mi|mis))?"
    r"(?:\s+(?:black and white|[^\W\d_]+(?:-[^\W\d_]+)?(?:\s+[^\W\d_]+)?))?\s*$",  # "for black and white film", "for old film"
    re.IGNORECASE)
_SHOP_PART = re.compile(r"\s*(?:aisle|section|department|shelf|shelves|corner|range|rayon|abteilung|regal|secci[oó]n|pasillo)\b",
                        re.IGNORECASE)
_NAMES_NOTHING = frozenset("gift gifts present presents idea ideas thing things one ones something anything stuff bit kind "
                           "sort type cadeau regalo geschenk truc algo chose etwas sache".split())


def accessory_after(text: str, span: tuple[int, int], titled: Mapping[str, frozenset[str]], value: str) -> str | None:
    """The noun of a thing made for another right after the kind ``value`` at ``span`` ("a dart bag", "leather paint",
    "a coop door", "guitar strings"): the kind says what it is for, the noun what is wanted; ``None`` otherwise, or
    when items of the kind are titled with the noun (``titled``: title word stem → kinds: "a meditation cushion" where
    the cushions are of the kind Meditation)."""
    m = _ACCESSORY.match(text, span[1])
    return m.group(1) if m and value.lower() not in titled.get(stem_phrase(m.group(1)), ()) else None


#: Nouns of things made for another thing (a bag for darts, paint for leather), English (requests are read in English
#: too, through their translation), singular or plural, ending the phrase.
_ACCESSORY = re.compile(
    r"[ \-]+((?:bag|case|cover|holder|stand|rack|box|door|shaft|stem|sleeve|strap|lid|mount|bracket|hook|hanger|"
    r"paint|dye|polish|cleaner|wax|oil|glue|brush|spray|charger|battery|batterie|cable|leash|string|refill|tray|pouch|"
    r"sheath)(?:e?s)?)(?=\s*(?:[,.;:!?)]|$|"
    r"(?:and|or|but|please|for|with|that|which|under|over|from|in|to|you|i|we|than|like)\b))", re.IGNORECASE)


def linked_head(words: Sequence[str], i: int, language: str, adjacent: bool = False) -> str | None:
    """In French and Spanish, the word ``words[i]`` describes after "à", "pour", "para" (an article
    between: "vasos para el agua"), or (``adjacent``) right after it ("un nettoyant intérieur": an interior
    cleaner), else ``None``."""
    article = i >= 3 and words[i - 1].lower() in _ARTICLES and words[i - 2].lower() in _LINKS
    if language not in ("fr", "es") or i < 1:
        return None
    if i < 2 or words[i - 1 - article].lower() not in _LINKS:
        return words[i - 1] if adjacent and words[i - 1].lower() not in _ARTICLES | _LINKS | lexicon.FILLER else None
    return words[i - 2 - article]


_LINKS = frozenset({"à", "a", "pour", "para", "aux", "al", "de", "d", "du", "del"})  # "raquette de badminton"
_ARTICLES = frozenset({"le", "la", "les", "l", "el", "los", "las"})
