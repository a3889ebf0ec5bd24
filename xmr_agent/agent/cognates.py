"""English words a kind of a catalogue in another language is written as, or glossed by: a word taken from English
("Shaker" in a French shop), an adjective with its French or Spanish ending ("eléctrica": electric, "completa":
complete), a common English sense. Written here: wordfreq says how common a word is, no library says which.
"""

from __future__ import annotations

import re
from typing import Any

from xmr_agent.agent.values import folded

#: How common a word must be in English (Zipf) to be its own gloss when the dictionary lacks it ("solar", "robot").
_ENGLISH_ZIPF = 3.0


def loaned(kind: str, dictionary: Any) -> tuple[str, ...]:
    """A kind of one word that is a common English word its language's own dictionary lacks (a word taken from
    English: "Shaker", "Cutter", "Pad"), glossed as itself, before what a pivot makes of it ("Shaker": a college)."""
    from wordfreq import zipf_frequency

    low = kind.lower()
    own = getattr(dictionary, "own", dictionary.__contains__)
    return (low,) if low.isalpha() and not own(low) and zipf_frequency(low, "en") >= _ENGLISH_ZIPF else ()


def common(sense: str) -> bool:
    """Whether ``sense`` is one common English word (a later dictionary sense worth a gloss: Rad, wheel)."""
    from wordfreq import zipf_frequency

    return " " not in sense and zipf_frequency(sense, "en") >= _COMMON_ZIPF


#: How common a word a sense after a kind's first ones must be to gloss it too.
_COMMON_ZIPF = 4.4


def cognates(word: str, *, ending: bool = False) -> list[str]:
    """The common English word ``word`` is written as ("solar", "kit"), or (``ending``: an adjective) with a French or
    Spanish ending taken off ("eléctrica" → electric, "acoustique" → acoustic); none when it is no English word."""
    plain = folded(word.lower())
    forms = [plain, *([re.sub(r"(?:que|ca|co|cas|cos|ques)$", "c", plain), plain[:-1], plain[:-2], plain[:-1] + "e"]
                      if ending else [])]  # "completa": complete
    from wordfreq import zipf_frequency

    return next(([f] for f in forms if len(f) >= 3 and zipf_frequency(f, "en") >= _ENGLISH_ZIPF), [])
