"""A dictionary's headwords found by how a word is spelt: nearly alike ("castañuela" → Kastanietten, a misspelt
pivot word), like an English word ("fragancia": fragrance), or without its accents ("algodon": algodón, "Kase":
Käse), as people type in a hurry. Written by hand over the headwords the dictionaries already index.
"""

from __future__ import annotations

from collections.abc import Iterable
from difflib import SequenceMatcher, get_close_matches
from functools import lru_cache
from typing import Any

from xmr_agent.agent.values import folded

#: How alike a misspelt pivot word and a headword must be (:func:`spelt_alike`).
ALIKE = 0.8
#: The fewest letters of a word looked up by its spelling; also the shortest last part of a German compound that is
#: looked up on its own.
MIN_PART = 4


def spelt_like(word: str, words: Iterable[str]) -> tuple[str, ...]:
    """Those of ``words`` (English) that ``word``, one no dictionary has, is spelt like: of six letters or more, the
    same first three, at least :data:`SPELT_LIKE` alike ("fragancia": fragrance); or the one that a word of
    :data:`CLIPPED` letters or more begins, three letters or more longer: its clipped form ("un ampli": amplifier)."""
    low = folded(word.lower())
    near = {w for w in (folded(x.lower()) for x in words) if len(w) >= 6 and w.isalpha() and w[:3] == low[:3]}
    alike = tuple(sorted(w for w in near if len(low) >= 6 and SequenceMatcher(None, low, w).ratio() >= SPELT_LIKE))
    clipped = {w for w in near if len(low) >= CLIPPED and low.isalpha() and w.startswith(low) and len(w) >= len(low) + 3}
    return alike or (tuple(clipped) if len(clipped) == 1 else ())


#: The fewest letters of a clipped word (:func:`spelt_like`).
CLIPPED = 5


#: How alike :func:`spelt_like` wants two words spelt.
SPELT_LIKE = 0.75


def spelt_alike(word: str, dictionary: Any) -> str:
    """The one headword of ``dictionary`` spelt nearly as ``word`` (one of :data:`MIN_PART` letters or more): the same first
    three letters, the same length within two, at least :data:`ALIKE` alike; else nothing."""
    if len(word) < MIN_PART or " " in word:
        return ""
    near = [w for w in _by_start(dictionary).get(word[:3], ()) if abs(len(w) - len(word)) <= 2]
    close = get_close_matches(word, near, n=2, cutoff=ALIKE)
    return close[0] if len(close) == 1 or close and close[0].rstrip("sn") == close[1].rstrip("sn") else ""


@lru_cache(maxsize=4)
def _by_start(dictionary: Any) -> dict[str, list[str]]:
    """A dictionary's one-word headwords by their first three letters (read once)."""
    out: dict[str, list[str]] = {}
    for word in dictionary.headwords():
        if " " not in word and len(word) >= MIN_PART:
            out.setdefault(word[:3], []).append(word)
    return out


def accented(word: str, dictionary: Any, language: str = "") -> str | None:
    """The one headword of ``dictionary`` that ``word``, typed without accents and not a headword itself, is with
    them ("algodon": algodón); ``None`` when there is none or more than one, or when ``word`` as typed is about as
    common in ``language`` as the headword (:data:`MORE_COMMON` on wordfreq's Zipf scale: "wurde", an inflected form
    no dictionary lists, is no "würde")."""
    found = _unaccented(dictionary).get(word) if word.isascii() and word not in dictionary else None
    if found is None or not language:
        return found
    try:
        from wordfreq import zipf_frequency
    except ImportError:  # (the ``spelling`` extra)
        return found
    return found if zipf_frequency(found, language) >= zipf_frequency(word, language) + MORE_COMMON else None


#: How much more common (Zipf) the accented headword must be than the word as typed.
MORE_COMMON = 0.9


@lru_cache(maxsize=8)
def _unaccented(dictionary: Any) -> dict[str, str]:
    """A dictionary's headwords with accents, by their spelling without them (read once); none spelt two ways."""
    out: dict[str, str | None] = {}
    for word in (*dictionary.headwords(), *getattr(dictionary, "_backward", {})):  # (and the words read backwards only)
        if not word.isascii() and (plain := folded(word)) != word:
            out[plain] = word if out.get(plain, word) == word else None
    return {k: v for k, v in out.items() if v}
