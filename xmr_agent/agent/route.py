"""Routing: which vector columns (and full text) each sub-query is searched against.

A sub-query goes to the columns whose encoder takes its modality and whose field fits its
target: words aimed at images use a text→image encoder (a CLIP text tower) where the table has
one, and the text column (where image tags are embedded) otherwise. Sub-queries that land on
the same column are fused early, into one weighted-average query vector, when their spaces
match (they do: one column, one encoder).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from xmr_agent.agent.query import CrossModalQuery, SubQuery
from xmr_agent.encoders.language import for_language
from xmr_agent.store.catalog import Catalog

#: Weight of the full-text (BM25) route relative to its sub-query.
FTS_WEIGHT = 0.5
#: Weight of a cross-modal route that a sub-query reaches only because its target is ``any``.
ANY_CROSS_WEIGHT = 0.5
#: Weight of "more like this item" (its stored vectors as the query, per column).
LIKE_WEIGHT = 1.0
#: Negative weight given to each ``avoid`` phrase.
AVOID_WEIGHT = -0.5


@dataclass(frozen=True)
class Route:
    """One search to run: ``column`` is a vector column, or ``None`` for full-text search."""

    column: str | None
    modality: str
    inputs: tuple[SubQuery, ...]
    weights: tuple[float, ...]
    reason: str
    negative: bool = False
    fields: tuple[str, ...] = field(default=())

    @property
    def weight(self) -> float:
        total = sum(self.weights)
        return -total if self.negative else total

    @property
    def source(self) -> str:
        kind = "fts" if not self.column else f"like:{self.column}" if self.modality == "item" else f"vector:{self.column}"
        return f"avoid:{kind}" if self.negative else kind


def route(query: CrossModalQuery, catalog: Catalog, *, fts: bool = True) -> list[Route]:
    """The searches that answer ``query`` on ``catalog``, early-fused per column."""
    planned: list[tuple[str | None, SubQuery, float, str, bool]] = []
    for sub in query.queries:
        planned += [(col, sub, w, why, False) for col, w, why in _columns_for(sub, catalog)]
        if fts and sub.modality == "text" and sub.text and _has_text_column(catalog):
            planned.append((None, sub, sub.weight * FTS_WEIGHT, "words also match title/text by BM25", False))
    for item in query.like_ids:
        anchor = SubQuery(item=item, modality="item", weight=LIKE_WEIGHT)
        planned += [(c, anchor, anchor.weight, f"more like item {item!r}", False) for c in catalog.vectors]
    for item in query.unlike_ids:
        anchor = SubQuery(item=item, modality="item", weight=-AVOID_WEIGHT)
        planned += [(c, anchor, anchor.weight, f"less like item {item!r}", True) for c in catalog.vectors]
    for phrase in query.avoid:
        avoid = SubQuery(text=phrase, target="any", weight=-AVOID_WEIGHT)
        planned += [(col, avoid, avoid.weight, f"demote items like {phrase!r}", True)
                    for col, _, _ in _columns_for(avoid, catalog, cross=False)]
    return _merge(planned, catalog)


def _columns_for(sub: SubQuery, catalog: Catalog, *, cross: bool = True) -> list[tuple[str, float, str]]:
    if sub.modality == "item":
        return [(c, sub.weight, f"like item {sub.item!r} (its stored vector)") for c in catalog.vectors]
    takes = [c for c in catalog.vectors if sub.modality in catalog.encoder(c).modalities]
    if sub.modality != "text":
        return [(c, sub.weight, f"{sub.modality} query → {catalog.vectors[c].field} ({catalog.vectors[c].encoder})")
                for c in takes]
    by_field = {m: [c for c in takes if catalog.vectors[c].modality == m] for m in ("text", "image", "audio")}
    # several text columns (MiniLM and multilingual-e5): the ones made for the request's language
    own = for_language(sub.text, {c: catalog.encoder(c) for c in by_field["text"]},
                       _language(catalog) if len(by_field["text"]) > 1 else None)
    if sub.target in ("image", "audio"):
        if by_field[sub.target]:
            return [(c, sub.weight, f"words about the {sub.target} → {catalog.vectors[c].encoder} text tower")
                    for c in by_field[sub.target]]
        return [(c, sub.weight, f"no text→{sub.target} encoder: {sub.target} tags/transcripts in the text column")
                for c in own]
    routes = [(c, sub.weight, "words → item text") for c in own]
    if cross and sub.target == "any":
        routes += [(c, sub.weight * ANY_CROSS_WEIGHT, f"words → {catalog.vectors[c].field} "
                    f"({catalog.vectors[c].encoder} shared space)") for c in by_field["image"] + by_field["audio"]]
    return routes


def _language(catalog: Catalog) -> str | None:
    """The catalogue's language, when it can tell (a stand-in catalogue may not)."""
    told = getattr(catalog, "text_language", None)
    return told() if callable(told) else None


def _has_text_column(catalog: Catalog) -> bool:
    schema = catalog.schema()
    return schema is not None and "text" in schema.names


def _merge(planned: Sequence[tuple[str | None, SubQuery, float, str, bool]], catalog: Catalog) -> list[Route]:
    merged: dict[tuple[str | None, str, bool], Route] = {}
    for column, sub, weight, reason, negative in planned:
        key = (column, sub.modality, negative)
        seen = merged.get(key)
        if seen is None:
            merged[key] = Route(column, sub.modality, (sub,), (weight,), reason, negative)
        elif column is not None or not negative:
            merged[key] = Route(column, sub.modality, (*seen.inputs, sub), (*seen.weights, weight),
                                f"{seen.reason}; early fusion with {sub.text or sub.file or sub.item!r}", negative)
    return list(merged.values())
