"""The language a request is read in: the detector's (:func:`~xmr_agent.encoders.language.detect_closely`, by cue
words, letters and statistics), unless the installed dictionaries know more of its words in another language. A short
request shares its cue words between languages ("un", "en", "de"): "un pull en laine" is Spanish by them, French by
its nouns. Written here: the detector knows no shop's words; the dictionaries do.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from xmr_agent.agent.dictionaries import CLOSE, load, senses
from xmr_agent.encoders.language import detect_closely

#: Languages a request in Latin letters may be in, by the words its dictionaries know (:func:`request_language`).
READ = ("fr", "es", "de")


def request_language(text: str) -> str:
    """The language of a request: :func:`~xmr_agent.encoders.language.detect_closely`'s, unless the dictionary of another
    of :data:`READ` knows more of its words of four letters or more ("un pull en laine", Spanish by its cue words "un"
    and "en": French knows "pull" and "laine")."""
    said = detect_closely(text)
    words = {w.lower() for w in re.findall(r"[^\W\d_]{4,}", text)} if said in (*READ, "it", "pt") else set()
    known = {language: sum(map(_knows(language), words)) for language in READ} if words else {}
    best = max(known, key=lambda language: known[language]) if known else said
    return best if known and known[best] > known.get(CLOSE.get(said, said), 0) else said


def _knows(language: str) -> Callable[[str], bool]:
    """Whether the dictionary of ``language`` reads a word (as written, without its ending, through its pivot)."""
    dictionary = load(language)
    return (lambda word: False) if dictionary is None else (lambda word: bool(senses(word, language, dictionary)))
