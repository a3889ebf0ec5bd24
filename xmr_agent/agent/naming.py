"""Whether a dictionary's sense of a request's word names a catalogue's value: by all its words, by its head noun, or
through the titles' head nouns (read by :mod:`xmr_agent.agent.glossary`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from xmr_agent.agent import phrases
from xmr_agent.agent.values import WARE, stem_phrase

#: A sense longer than this (in words) is a paraphrase, not a name of a kind.
MAX_SENSE_WORDS = 3
#: A word of more senses than this ("chose": affair, business, case, matter, thing, …) names no kind
#: through the titles' head nouns.
MAX_TITLED_SENSES = 3


#: Spaces and hyphens between the words of a compound ("tea pot", "tea‐pot": teapot).
SPACED = re.compile(r"[\s\-\u2010]+")


def one_spelling(senses: tuple[str, ...]) -> tuple[str, ...]:
    """``senses`` without those written in parts that another is written as one word ("tea‐pot" of "teapot")."""
    whole = {s.lower() for s in senses if not SPACED.search(s)}
    return tuple(s for s in senses if not SPACED.search(s) or SPACED.sub("", s).lower() not in whole)


def named(sense: str, values: Iterable[str]) -> list[str]:
    """The values whose every word (by stem) is a word of ``sense`` ("running" in "running shoes",
    "kettle" in "electric kettle"), for a sense short enough to be a name."""
    words = stem_phrase(sense).split()
    if not words or len(words) > MAX_SENSE_WORDS:
        return []
    said = {*words, *map(base, words), *phrases.joined(words)}
    values = [v for v in values if len(v) >= 3]
    return [v for v in values if any(  # each part of "olives & antipasti" names the value
        len(part) > 2 and (stems := stem_phrase(part).split()) and (all(s in said or base(s) in said for s in stems)
                                                  or len(stems) > 1 and "".join(stems) in said)
        for part in (*_PARTS.split(v), *WARE.findall(v)))] or [  # "tap": Tapware  # "beehive" where no value is spelled like it ("earring": Earrings, no Ring)
        v for v in values if phrases.closed(sense.lower().split()[-1], v.lower())
        and not any(stem_phrase(x).startswith(words[-1][:max(4, len(words[-1]) - 2)]) for x in values)]  # "paintbrush":
    # a brush, though Paints begins it


#: Where a value joins two names ("olives & antipasti", "crackers and bread", "oils/vinegars").
_PARTS = re.compile(r"\s*(?:&|\+|/|,|\band\b|\bund\b|\bet\b|\by\b)\s*", re.IGNORECASE)


def head_of(sense: str, value: str) -> bool:
    """Whether ``value`` is named by the last word of ``sense``, its head noun ("lens" in "camera lens")."""
    words, said = stem_phrase(sense).split(), stem_phrase(value).split()
    return bool(words and said) and (words[-1] in (said[-1], base(said[-1]))
                                     or len(said) > 1 and "".join(words).endswith("".join(said))  # "showerhead"
                                     or phrases.closed(sense.lower().split()[-1], value.lower()))


def titled_kind(meanings: Sequence[str], heads: Mapping[str, frozenset[str]], values: Iterable[str],
            via_titles: set[str]) -> list[str]:
    """The one kind of the items whose titles' head noun is the last word of a sense of
    ``meanings`` (senses of a few words only), else none; it is added to ``via_titles``."""
    found = {kind for sense in meanings if 0 < len(words := stem_phrase(sense).split()) <= MAX_SENSE_WORDS
             for kind in heads.get(words[-1], ())}
    named = [v for v in values if v in found] if len(found) == 1 and len(meanings) <= MAX_TITLED_SENSES else []
    via_titles.update(named)
    return named


def base(stem: str) -> str:
    """A stem without an adjective's ending ("herbal" → "herb"), so "herb tea" names "Herbal"."""
    return stem[:-2] if len(stem) >= 6 and stem.endswith(("al", "ic")) else stem


def heads_many(sense: str, values: Iterable[str]) -> bool:
    """Whether a sense of one word is the head noun of two values or more ("umbrella": folding umbrella, golf
    umbrella)."""
    words = stem_phrase(sense).split()
    return len(words) == 1 and sum(len(s := stem_phrase(v).split()) >= 2 and s[-1] == words[0] for v in values) >= 2


def headed(sense: str, values: Iterable[str], alone: bool = True) -> list[str]:
    """The one value of several words whose last word (its head noun) is the last word of ``sense``: "carving
    board" names "Chopping Board" when no other value is a board; "coil" (of "bobina") names "Search coils" ``alone``."""
    words = stem_phrase(sense).split()
    if not (1 if alone else 2) <= len(words) <= MAX_SENSE_WORDS:
        return []
    headed = [v for v in values if len(stems := stem_phrase(v).split()) >= 2 and stems[-1] == words[-1]]
    return headed if len(headed) == 1 else []
