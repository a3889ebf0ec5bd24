"""English glosses of a kind of a catalogue titled in Chinese, read from the words its items' titles share: a
shop's kind is often a trade word no dictionary has ("吹水机", a pet blaster; "口腔护理", oral care) while its
titles say what the things are ("家用恒温宠物吹风机", "便携无线宠物吹风机": 吹风机, hair dryer; "双头宠物牙刷":
牙刷, toothbrush). A word names its kind when two of the kind's titles or more have it and no other kind's title
does; only the words that end a run of characters are read (the head of a noun phrase), none a title says the item is
without ("无酒精": alcohol-free). Written here: no library glosses a shop's own kinds offline.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from xmr_agent.agent.derived import nouns

#: The shortest and the longest dictionary word read in a title (characters).
MIN_WORD, MAX_WORD = 2, 4
#: How many shared words, and how many senses of each, a kind is glossed by.
MAX_WORDS, WORD_SENSES = 3, 2


def title_senses(kind: str, titles: Mapping[str, tuple[str, ...]], dictionary: Any) -> tuple[str, ...]:
    """The senses (the ``dictionary``'s own, common nouns) of the words two or more of
    ``kind``'s titles have and no other kind's title has, the most shared first (a word inside a longer one as
    shared is the longer one's part: "风机" in "吹风机")."""
    def lookup(word: str) -> tuple[str, ...]:
        return nouns(dictionary.senses(word)) if word in dictionary else ()

    others = [t for other, said in titles.items() if other != kind for t in said]
    counts = Counter(w for t in titles.get(kind, ()) for w in _words(t, lookup))
    shared = [w for w, n in counts.items() if n >= 2 and not any(w in t for t in others)]
    kept = [w for w in shared if not any(w != o and w in o and counts[o] >= counts[w] for o in shared)]
    found = [s for w in sorted(kept, key=lambda w: (-counts[w], -len(w)))[:MAX_WORDS] for s in lookup(w)[:WORD_SENSES]]
    return tuple(dict.fromkeys(found))


def _words(title: str, lookup: Callable[[str], tuple[str, ...]]) -> set[str]:
    """The words with senses that end a run of Chinese characters of ``title`` (:data:`MIN_WORD` to :data:`MAX_WORD`
    long): a Chinese noun phrase ends in its head ("便携无线宠物吹风机"; "折叠" in "折叠美容台" says how it is)."""
    runs = re.findall(r"[\u3400-\u9fff]+", title)
    return {run[-n:] for run in runs for n in range(MIN_WORD, MAX_WORD + 1)
            if len(run) >= n and not _WITHOUT.search(run[:-n]) and lookup(run[-n:])}


#: What a title says its item is without, just before a word: "无酒精" (alcohol-free) says no alcohol is what it is.
_WITHOUT = re.compile(r"(?:无|免|零|不含|去)$")
