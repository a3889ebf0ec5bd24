"""The items an order ranges over, read from the catalogue: every item meeting the conditions
in the column's order when a request has no subject ("the cheapest thing you have"), the items of
the kinds it prefers ("the lightest drone": the drones first), and whether a superlative's subject
names nothing at all ("your newest release" in a record shop). :mod:`~xmr_agent.agent.order`
ranks the candidates with them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from xmr_agent.agent.columns import kind_columns
from xmr_agent.agent.filters import Facets, compile_where
from xmr_agent.agent.order import MAX_EXCLUDE_IN_WHERE, has_subject
from xmr_agent.agent.query import CrossModalQuery, Filter, Order, titled_note
from xmr_agent.agent.values import stem_phrase
from xmr_agent.store.filters import all_of, ids_in


def sorted_items(catalog: Any, order: Order | None, query: CrossModalQuery, where: str | None, *, k: int,
                 facets: Facets | None = None, head: str | None = None) -> list[dict[str, Any]]:
    """The items meeting ``where`` (and not excluded) in ``order``'s column order: a request
    with no subject ("the cheapest thing you have", "under 12 euros"). Given the ``facets``, those
    of the kinds the query prefers come first ("le drone le plus léger" in a drone shop: the
    drones, then the propellers); the others only when they are fewer than ``k``. Those titled with
    the ``head`` noun come first of all ("the lightest racket": the rackets, then the shuttlecocks)."""
    rows = _sorted_items(catalog, order, query, where, k=k, facets=facets)
    titled = [r for r in rows if head and head in stem_phrase(str(r.get("title") or "")).split()]
    return [*titled, *(r for r in rows if r not in titled)]


def _sorted_items(catalog: Any, order: Order | None, query: CrossModalQuery, where: str | None, *, k: int,
                  facets: Facets | None = None) -> list[dict[str, Any]]:
    exclude = list(query.exclude_ids)[:MAX_EXCLUDE_IN_WHERE]
    descending = order is not None and (order.descending or order.mode in ("high", "more"))

    def read(clause: str | None) -> list[dict[str, Any]]:
        clause = all_of(clause, ids_in(exclude, negate=True)) if exclude else clause
        clause = all_of(clause, ids_in(query.within_ids)) if query.within_ids else clause  # "which of those"
        return catalog.get(catalog.sorted_ids(order.column if order else None, descending=descending, where=clause, k=k))

    kinds = preferred_kinds(query, facets, kinds_only=True) if facets is not None else []
    first = read(compile_where([*(f for f in query.filters if f.hard), *kinds], facets)[0]) if facets and kinds else []
    if len(first) >= k:
        return first
    taken = {str(r["id"]) for r in first}
    return [*first, *(r for r in read(where) if str(r["id"]) not in taken)][:k]


def preferred_kinds(query: CrossModalQuery, facets: Facets, *, kinds_only: bool, named: bool = False) -> list[Filter]:
    """The values ``query`` prefers, as conditions, on columns no condition of it decides ("a budget
    light for a tank": a light, not a tank); ``kinds_only``: on columns of kinds alone; ``named``: not
    the kinds found by meaning (the request's words name candidates outright)."""
    guessed = query.guessed() if named else []
    decided = {f.column for f in query.filters if f.hard and f.op in ("=", "contains")}
    kinds = kind_columns(facets) if kinds_only else None
    return [f.model_copy(update={"hard": True}) for f in query.filters if not f.hard and f.op in ("=", "contains")
            and f not in guessed and f.column not in decided and (kinds is None or f.column.lower() in kinds)]


def unnamed(order: Order, query: CrossModalQuery, lists: Sequence[Any], scoped: bool, soft: Sequence[Filter]) -> bool:
    """A superlative whose subject names no kind, no value and no word of any item ("your newest
    release" in a record shop: every item is one) ranges over every item, as with no subject."""
    if order.mode != "sort" or scoped or soft or query.like_ids or query.seed_ids or not query.queries \
            or any(q.modality != "text" for q in query.queries):
        return False  # a translated request has two sub-queries: neither may name an item ("最便宜的咖啡豆")
    own = {w.lower() for q in query.queries[1:] for w in re.findall(r"[^\W\d_]+", q.text or "")}
    if own & {w.lower() for w in re.findall(r"[^\W\d_]+", query.queries[0].text or "")}:
        return False  # the translation kept a word as written ("el champán más caro" → "the champán"): unread
    keyword = [r for r in lists if getattr(r, "source", "") == "fts"]
    return bool(keyword) and not any(r.hits for r in keyword)


def kind_items(catalog: Any, facets: Facets, order: Order, query: CrossModalQuery, *, k: int, named: bool = False
               ) -> list[dict[str, Any]]:
    """For a superlative or a relative word with a subject, the items of the kinds found by meaning
    (unless the request's words ``named`` candidates outright) and of the values it prefers ("the
    chunky yarn with the most metres": every chunky yarn; "a budget riding hat": cheap against every
    helmet, not the few found), in the column's order."""
    kinds = preferred_kinds(query, facets, kinds_only=order.mode != "sort", named=named)  # "a cheap lamp": the lamps
    if order.mode not in ("sort", "low", "high") or not kinds or not has_subject(query):
        return []
    where, _ = compile_where([*(f for f in query.filters if f.hard), *kinds], facets)
    return sorted_items(catalog, order, query, where, k=k)


def kind_scoped(query: CrossModalQuery) -> bool:
    """Whether a condition on the kind of item already says which items answer ("the quickest lunch"): one the user
    named, or one read in the titles whose head noun the request says ("el remo de punta más ligero" searched as "oar":
    Sweep oars; not "a tent" read as Camping gear, of which only the tents answer)."""
    said = {w for q in query.queries[:1] for w in stem_phrase(q.text or "").split()} | {str(query.head)}
    return any(f.hard and f.op in ("=", "contains") and (titled_note(f) not in query.notes or bool(
        stem_phrase(str(f.value)).split()[-1:] and stem_phrase(str(f.value)).split()[-1] in said)) for f in query.filters)
