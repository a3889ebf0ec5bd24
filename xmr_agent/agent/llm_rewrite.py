"""An LLM's rewrite of a request merged with the rules' (:class:`~xmr_agent.agent.rewrite.Rewriter`):
its sub-queries added, its conditions checked against the table (values against the facets, no
condition on free text) in place of the rules', its avoided words kept only where the request says
them, its order only on a number column."""

from __future__ import annotations

from xmr_agent.agent.filters import Facets, FilterRejected, compile_one
from xmr_agent.agent.query import CrossModalQuery, Filter, LLMRewrite, Order, SubQuery
from xmr_agent.agent.values import stem_phrase

MAX_LLM_QUERIES = 3
MAX_LLM_WEIGHT = 3.0


def merge(base: CrossModalQuery, reply: LLMRewrite, facets: Facets, *, hard_categories: bool = True,
          request: str | None = None) -> CrossModalQuery:
    """The rule-based query with the LLM's sub-queries, valid filters and avoid phrases added.
    With ``hard_categories`` off (dialogues), the LLM's conditions on categorical columns are
    preferences, like the rule-based ones. Given the ``request``, an avoid phrase is kept only if
    the request says it (small models copy the prompt's examples)."""
    notes = list(base.notes)
    seen = {s.text.lower() for s in base.queries}
    queries = list(base.queries)
    for sub in reply.queries[:MAX_LLM_QUERIES]:
        text = " ".join(sub.text.split())
        if text and text.lower() not in seen:
            seen.add(text.lower())
            queries.append(SubQuery(text=text, target=sub.target, weight=min(sub.weight, MAX_LLM_WEIGHT)))
            notes.append(f"LLM sub-query {text!r} → {sub.target} (weight {queries[-1].weight:g})")
    filters: list[Filter] = []  # the LLM's checked conditions replace the rule-based ones
    taken: set[tuple[str, ...]] = set()
    dropped = [f for f in base.filters if not any(_same(f, p) for p in reply.filters)]
    notes += [f"rule filter {f} dropped: not in the LLM's rewrite" for f in dropped]
    for proposed in reply.filters:
        facet = facets.get(proposed.column)
        # Unverifiable values (a list column too large to enumerate, e.g. directors) and, in
        # dialogues, category values, are preferences: a wrong guess must not empty the answer.
        soft = facet is not None and ((facet.kind == "list" and not facet.categorical)
                                      or (not hard_categories and facet.categorical))
        candidate = Filter(column=proposed.column, op=proposed.op, value=proposed.value, hard=not soft)
        if _key(candidate, facets) in taken:
            continue
        try:
            _free_text_check(candidate, facets)
            compile_one(candidate, facets)
        except FilterRejected as e:
            notes.append(f"LLM filter {candidate} rejected: {e}")
            continue
        taken.add(_key(candidate, facets))
        filters.append(candidate)
        notes.append(f"LLM filter {candidate}")
    said = set(stem_phrase(request).split()) if request is not None else None
    proposed_avoid = [a.strip().lower() for a in reply.avoid if a.strip()]
    kept = [a for a in proposed_avoid if said is None or set(stem_phrase(a).split()) <= said]
    notes += [f"LLM avoid {a!r} dropped: not in the request" for a in proposed_avoid if a not in kept]
    avoid = tuple(dict.fromkeys([*base.avoid, *kept]))
    order = base.order
    if reply.order is not None:
        facet = facets.get(reply.order.column)
        if facet is not None and facet.kind == "number":
            order = Order(**reply.order.model_dump())
            notes.append(f"LLM order {order}")
        else:
            notes.append(f"LLM order on {reply.order.column!r} rejected: not a number column")
    exclude = tuple(dict.fromkeys(" ".join(w.lower().split()) for w in reply.exclude_words if w.strip()))
    return base.model_copy(update={"queries": tuple(queries), "filters": tuple(filters), "avoid": avoid,
                                   "k": reply.k or base.k, "notes": tuple(notes), "order": order,
                                   "exclude_words": exclude if reply.exclude_words else base.exclude_words})


def _same(rule: Filter, proposed: object) -> bool:
    return (rule.column, rule.op, str(rule.value).lower()) == \
        (getattr(proposed, "column", None), getattr(proposed, "op", None), str(getattr(proposed, "value", "")).lower())


def _free_text_check(flt: Filter, facets: Facets) -> None:
    """An LLM's condition on a free-text column (a plot, a description) is nearly always a
    misreading ("plot != 'nothing scary'"): those words belong to the search, not to a filter."""
    facet = facets.get(flt.column)
    if facet is not None and facet.kind == "string" and not facet.categorical:
        raise FilterRejected(f"{flt.column} is free text: its words are searched, not filtered")


def _key(flt: Filter, facets: Facets) -> tuple[str, ...]:
    """Filters with equal keys say the same thing; the rule-based one wins. A list column can
    take several ``contains``; a number or text column one condition per operator."""
    facet = facets.get(flt.column)
    if facet is not None and facet.kind == "list":
        return flt.column, flt.op, str(flt.value).lower()
    return flt.column, flt.op
