"""Preferences (soft filters) an item meets: values wanted of one column are alternatives ("a wave
pump or an air pump"), a value that says "every one" meets a preference for any value of its column (rosin
"for a violin": Instrument = Tous), and a preference that a condition rules out is none ("a light for a
freshwater tank": a light, so no tank first)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from xmr_agent.agent.filters import EVERY_ONE, Facets, satisfies
from xmr_agent.agent.query import Filter


def met(item: Mapping[str, Any], preferences: Sequence[Filter]) -> int:
    """How many of ``preferences`` ``item`` meets, values wanted of one column counting once as
    alternatives ("a wave pump or an air pump": either)."""
    either: dict[str, bool] = {}
    count = 0
    for f in preferences:
        if f.op == "=":
            either[f.column] = either.get(f.column, False) or satisfies(item, f) or _every_one(item, f)
        else:
            count += satisfies(item, f)
    return count + sum(either.values())


def groups(preferences: Sequence[Filter]) -> int:
    """How many preferences :func:`met` counts at most."""
    return len({f.column for f in preferences if f.op == "="}) + sum(f.op != "=" for f in preferences)


def attainable(filters: Sequence[Filter]) -> list[Filter]:
    """The preferences (soft filters) among ``filters`` that their conditions leave possible: not a
    kind that a condition on the same column rules out ("a budget light for a freshwater tank": a
    light, so no tank first)."""
    required: dict[str, set[str]] = {}
    for f in filters:
        if f.hard and f.op == "=":
            required.setdefault(f.column, set()).add(str(f.value).lower())
    return [f for f in filters if not f.hard and not (f.op == "=" and f.column in required
                                                          and str(f.value).lower() not in required[f.column])]


def _every_one(item: Mapping[str, Any], preference: Filter) -> bool:
    """Whether ``item``'s value of the preference's column says it serves every value (not one the request names)."""
    value = item.get(preference.column)
    return isinstance(value, str) and value.strip().lower() in EVERY_ONE \
        and str(preference.value).strip().lower() not in EVERY_ONE


def rehomed(filters: Sequence[Filter], facets: Facets) -> tuple[list[Filter], list[str]]:
    """``filters`` with each preference for a value that a condition on its column rules out moved to another column that
    has the value and no filter yet ("un archet de violon": a bow, of Famille = Archet, for Instrument = Violon, not a
    violin too), and notes of the moves."""
    hard = {f.column: str(f.value).lower() for f in filters if f.hard and f.op == "="}
    taken = {f.column for f in filters}
    out, notes = [], []
    for f in filters:
        value = str(f.value).lower()
        other = next((c for c, facet in facets.items() if c not in taken and facet.categorical and value in facet.canonical),
                     None) if not f.hard and f.op == "=" and hard.get(f.column, value) != value else None
        if other is not None:
            taken.add(other)
            notes.append(f"{other} = {facets[other].canonical[value]!r} (preferred), not {f.column}: that is {hard[f.column]!r}")
            f = Filter(column=other, op="=", value=facets[other].canonical[value], hard=False)
        out.append(f)
    return out, notes
