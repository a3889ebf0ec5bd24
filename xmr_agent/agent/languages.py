"""The language a request is read in: the detector's (:func:`~xmr_agent.encoders.language.detect_closely`, by cue
words, letters and statistics), unless the dictionary of that language knows none of the request's words and another's
does. A short request shares its cue words between languages ("un", "en", "de"): "un pull en laine" is Spanish by
them, French by its nouns. Where both dictionaries know some words, the detector decides. Written here: the detector
knows no shop's words; the dictionaries do.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial

from xmr_agent.agent.dictionaries import CLOSE, load, senses
from xmr_agent.encoders.language import WORDS, detect_closely

#: Languages a request in Latin letters may be in, by the words its dictionaries know (:func:`request_language`).
READ = ("fr", "es", "de")
#: Their cue words, read once.
_CUES = {language: frozenset(WORDS.get(language, "").split()) for language in READ}


def request_language(text: str) -> str:
    """The language of a request: :func:`~xmr_agent.encoders.language.detect_closely`'s, unless its dictionary knows none
    of the request's words of four letters or more and that of another of :data:`READ` knows some ("un pull en laine",
    Spanish by its cue words "un" and "en": French knows "pull" and "laine"); the one that knows most."""
    said = detect_closely(text)
    words = {w.lower() for w in re.findall(r"[^\W\d_]{4,}", text)} if said in (*READ, "it", "pt") else set()
    known = {language: sum(map(_knows(language), words)) for language in READ} if words else {}
    best = max(known, key=lambda language: known[language]) if known else said
    return best if known and known[best] and not known.get(CLOSE.get(said, said), 0) else said


def _knows(language: str) -> Callable[[str], bool]:
    """Whether a word is one of the cue words of ``language`` ("moins", "cher": no dictionary sense is read for them)
    or its dictionary reads it (accents, endings, its pivot); German as written, not by the parts of a compound: it
    would read any long word by its end."""
    dictionary, cues = load(language), _CUES[language]
    if dictionary is None:
        return cues.__contains__
    whole = dictionary.senses if language == "de" else partial(senses, language=language, dictionary=dictionary)
    return lambda word: word in cues or bool(whole(word))
