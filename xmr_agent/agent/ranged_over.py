"""Which candidates a superlative ranges over, read from the candidates themselves: those whose titles have the
request's describing words ("the cheapest electric trolley": the trolleys titled electric), and every candidate of
the one kind the closest ones all are ("最便宜的鼓棒是哪一款？" where no word named the kind: the drumsticks the search
found first are all `Baquetas`, so every `Baquetas` found is sorted, not only the three closest).
"""

from __future__ import annotations

from collections.abc import Sequence

from xmr_agent.agent.columns import FOR_COLUMNS
from xmr_agent.agent.values import stem_phrase
from xmr_agent.types import Hit


def worded_so(fused: Sequence[Hit], answers: set[str], words: Sequence[str]) -> set[str]:
    """Of ``answers``, those whose titles have every word of ``words`` that some of their titles
    have and others lack (none when no word tells them apart)."""
    titled = {h.id: set(stem_phrase(str(h.item.get("title") or "")).split()) for h in fused if h.id in answers}
    telling = [w for w in words if 0 < sum(w in t for t in titled.values()) < len(titled)]
    return {i for i, t in titled.items() if all(w in t for w in telling)} if telling else set()


def of_one_kind(fused: Sequence[Hit], answers: set[str], kinds: frozenset[str]) -> set[str]:
    """The candidates of the one value of a column of ``kinds`` (not who or what items are for) that every one of
    ``answers`` (two or more) has; none when they are of several kinds, or the column holds lists."""
    for column in sorted(kinds - FOR_COLUMNS):
        said = [h.item.get(column) for h in fused if h.id in answers]
        if len(answers) < 2 or any(v is None or isinstance(v, list | tuple | dict | set) for v in said):
            continue  # (a list of genres is no one kind)
        if len(set(said)) == 1:
            return {h.id for h in fused if h.item.get(column) == said[0]}
    return set()
