"""The language of a request, and which text encoders serve it.

A text encoder may say which languages it was trained for (``languages``, ISO 639-1 codes); an
encoder without the attribute serves any language. When a table has several text vector columns,
a request is searched by the encoders made for its language (English → MiniLM), else by those
that serve any language (French → multilingual-e5), else by all of them (an older table with
one English column answers every request as it always did).

Detection is cheap and errs towards English: a letter outside the Latin script decides by its
script (Han, kana, Hangul, Cyrillic, …); Latin text is scored by common function words of
English, French, German, Spanish, Italian, Portuguese and Dutch and by letters that English
lacks, and only a clear lead over English makes it another language. Text with no such cue
(``"sci-fi thriller"``) stays English; a bare title in another language (``"La La Land"``) may
not, and is then searched by the multilingual encoder, which knows English too.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

ENGLISH = "en"
#: Scripts (first word of a character's Unicode name) → the language they most likely mean.
SCRIPTS = {"CJK": "zh", "HIRAGANA": "ja", "KATAKANA": "ja", "HANGUL": "ko", "CYRILLIC": "ru", "GREEK": "el",
           "ARABIC": "ar", "HEBREW": "he", "DEVANAGARI": "hi", "THAI": "th"}
#: Frequent short words of each Latin-script language (a word in two lists counts for both).
WORDS = {
    "en": "the a an and or of to in on at with for is are was were be it this that i you my me we do does "
          "not no like love want something some any movie movies film films about from have has by as but "
          "what who can would could looking good great please thanks hi hello similar more",
    "fr": "le la les un une des du de et ou est sont avec pour dans sur au aux qui que je tu il elle nous vous "
          "mon ma mes ce cette pas ne comme quelque chose film films aime j'ai c'est bonjour merci très "
          "genre plus d'un d'une l'eau qu'un sans trop vers chez pendant moins cher chère chers "
          "mais soit veux voudrais cherche avez auriez faut montre montrez moi besoin quel quelle",
    "de": "der die das ein eine einen einem einer und oder ist sind mit für im in auf am zum zur den dem des "
          "ich du er sie wir ihr mein nicht kein wie etwas etwa film filme mag über von hallo danke sehr "
          "gibt es noch auch bitte vom aus ohne zu viel bei nach durch an beim unter vor neben während "
          "bis aber keine keinen keiner keines nichts meinen meine meinem günstig günstige günstiger billig "
          "teuer teure teuerste etwas mir mich zeig zeige zeigt habt hast habe brauche suche möchte hätte gern "
          "gerne welche welcher welches",
    "es": "el la los las un una unos unas y o es son con para en por del al que de yo tú él ella mi "
          "nosotros como algo algún alguna película películas me gusta sobre hola gracias muy más sin donde "
          "mientras junto hacia menos hasta barato barata baratos baratas caro cara más tengo necesito "
          "quiero quería busco pero sea hay tienes tienen esto este esta eso ese lo le se su sus muéstrame "
          "enséñame cuál mas tengan tengáis tengais tenéis teneis",
    "it": "il lo la gli le un una uno e è sono con per nel nella sul della del che di io tu lui lei mio come "
          "qualcosa film mi piace ciao grazie molto più",
    "pt": "o a os as um uma e é são com para no na do da dos das que de eu você ele ela meu como algo "
          "filme filmes gosto olá obrigado muito mais sem",
    "nl": "de het een en of is zijn met voor in op van die dat ik jij hij zij wij mijn niet geen zoals iets "
          "film films hallo dank graag",
}
#: Letters a language uses and English does not (a title such as "Amélie" counts once, not per letter).
LETTERS = {"fr": "éèêëàâçîïôœùû", "de": "äöüß", "es": "ñáíóú¿¡", "it": "ìò", "pt": "ãõ", "nl": ""}
#: How far a language must lead English (in cue words) before a Latin-script text leaves English,
#: and how many cues it needs then (one is enough when English has none: "des dinosaures").
MARGIN, CUES = 1, 2
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)
_LEXICON = {lang: frozenset(words.split()) for lang, words in WORDS.items()}


def detect(text: str) -> str:
    """The ISO 639-1 code of ``text``'s language (``"en"`` when nothing says otherwise)."""
    script = _script(text)
    if script is not None:
        return script
    scores = _scores(text)
    if not scores:
        return ENGLISH
    best = max((lang for lang in scores if lang != ENGLISH), key=lambda lang: scores[lang])
    lead = scores[best] >= scores[ENGLISH] + MARGIN and (scores[best] >= CUES or not scores[ENGLISH])
    return best if lead else ENGLISH


def _scores(text: str) -> dict[str, int]:
    """Cue words and letters of each Latin-script language in ``text`` (empty: no words)."""
    words = {w.lower() for w in _WORD.findall(text)}
    if not words:
        return {}
    scores = {lang: sum(w in lexicon for w in words) for lang, lexicon in _LEXICON.items()}
    for lang, letters in LETTERS.items():
        scores[lang] += sum(1 for w in words if letters and any(c in letters for c in w))
    return scores


def detect_closely(text: str) -> str:
    """:func:`detect`, with a second opinion where it says English but a word or a letter of
    another language is there ("was hilft gegen Rückenschmerzen?", "tengo mucha caspa"): Lingua's
    statistical models, when installed, decide when they are at least :data:`SURE` of another
    language. Slower on first use (Lingua loads its models, about 1.4 s), so it is used where a
    wrong "English" costs most (whether to translate a request), not for routing every search."""
    lang, scores = detect(text), _scores(text)
    foreign = lang == ENGLISH and _rare_in_english(text)  # "globos dorados": no cue word, no English word
    tied = lang != ENGLISH and sum(v == scores.get(lang) for k, v in scores.items() if k != ENGLISH) > 1
    if lang != ENGLISH and not tied or not (tied or foreign or any(v for k, v in scores.items() if k != ENGLISH)):
        return lang
    detector = _lingua()
    if detector is None:
        return lang
    values = detector.compute_language_confidence_values(text)
    if tied:  # "muéstrame tiendas": as many French cues (é) as Spanish ones; the statistical model decides
        named = next((v.language.iso_code_639_1.name.lower() for v in values), lang)
        return named if scores.get(named) == scores.get(lang) else lang
    best, english = values[0], next((v.value for v in values if v.language.name == "ENGLISH"), 0.0)
    code = best.language.iso_code_639_1.name.lower()
    return code if code != ENGLISH and (best.value >= SURE or foreign and english < UNLIKELY) else lang


#: How unlikely (Lingua's confidence) English must be for a text of words rare in English to leave it.
UNLIKELY = 0.2
#: Words rarer than this in English (Zipf frequency) are not English words ("globos", "Kerzen").
RARE = 2.5


def _rare_in_english(text: str) -> bool:
    """Whether every word of ``text`` (of three letters or more) is rare in English; ``False``
    without :mod:`wordfreq` (the ``spelling`` extra)."""
    try:
        from wordfreq import zipf_frequency
    except ImportError:
        return False
    words = [w for w in _WORD.findall(text) if len(w) >= 3]
    return bool(words) and all(zipf_frequency(w.lower(), ENGLISH) < RARE for w in words)


#: How sure Lingua must be of another language to overrule "English" (single English words such
#: as "Jazz" get up to about 0.7 for Italian; German and Spanish requests 0.85–0.97).
SURE = 0.8
_detector: list[Any] = []


def _lingua() -> Any:
    if not _detector:
        try:
            from lingua import Language, LanguageDetectorBuilder
        except ImportError:
            _detector.append(None)
        else:
            names = ("ENGLISH", "FRENCH", "GERMAN", "SPANISH", "ITALIAN", "PORTUGUESE", "DUTCH")
            _detector.append(LanguageDetectorBuilder.from_languages(*(getattr(Language, n) for n in names)).build())
    return _detector[0]


def _script(text: str) -> str | None:
    """The language a non-Latin script implies, when at least a fifth of the letters are in one."""
    counts: dict[str, int] = {}
    letters = 0
    for char in text:
        if not char.isalpha():
            continue
        letters += 1
        if char.isascii():
            continue
        name = unicodedata.name(char, "").split(" ", 1)[0]
        if name in SCRIPTS:
            counts[SCRIPTS[name]] = counts.get(SCRIPTS[name], 0) + 1
    if not counts or not letters:
        return None
    if counts.get("ja") and counts.get("zh"):  # Japanese mixes kanji with kana
        counts["ja"] += counts.pop("zh")
    lang = max(counts, key=lambda k: counts[k])
    return lang if counts[lang] * 5 >= letters else None


def languages_of(encoder: Any) -> frozenset[str] | None:
    """The languages ``encoder`` was made for; ``None``: any language."""
    found = getattr(encoder, "languages", None)
    return frozenset(found) if found else None


def for_language(text: str, encoders: Mapping[str, Any], documents: str | None = None) -> list[str]:
    """The keys of ``encoders`` (column → text encoder) that should search ``text``: those made for
    its language (and for the ``documents``' language, when known: an English request in a German
    catalogue is no work for an English-only encoder), else those that serve any language, else all."""
    columns: Sequence[str] = list(encoders)
    if len(columns) < 2:
        return list(columns)
    lang = detect(text)
    served = {c: languages_of(encoders[c]) for c in columns}
    own = [c for c in columns if served[c] is not None and lang in served[c]  # type: ignore[operator]
           and (documents is None or documents in served[c])]  # type: ignore[operator]
    anyone = [c for c in columns if served[c] is None]
    return own or anyone or list(columns)


def catalogue_language(texts: Sequence[str]) -> str | None:
    """The language most of ``texts`` (titles and descriptions) are in, or ``None`` without text."""
    votes: dict[str, int] = {}
    for text in texts:
        if text and text.strip():
            lang = detect(text)
            votes[lang] = votes.get(lang, 0) + 1
    return max(votes, key=lambda lang: votes[lang]) if votes else None
