"""Several text searches at once (the server batches concurrent requests): each query is routed
to the text columns :meth:`Catalog.search` would use for its language, every column's encoder
embeds its queries in one call, and LanceDB searches them in one multi-vector query."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from xmr_agent.errors import ConfigError, StoreError
from xmr_agent.store.fusion import rrf_fuse
from xmr_agent.store.keyframes import with_keyframes
from xmr_agent.types import Hit


def search_many(catalog: Any, queries: Sequence[str], *, k: int = 10, where: str | None = None) -> list[list[Hit]]:
    """The hits of each of ``queries``, as ``catalog.search(query, k=k, where=where)`` gives them
    (``catalog``: a :class:`~xmr_agent.store.catalog.Catalog`, which calls this)."""
    if not queries or any(not q or not str(q).strip() for q in queries):
        raise ConfigError("the query is empty: give some words (or a file) to search for")
    if k < 1:
        raise ConfigError(f"k must be at least 1, got {k}")
    columns = catalog.columns_for("text")
    if not columns:
        raise StoreError(catalog.cannot_search("text"))
    if where:
        catalog.check_filter(where)
    routed = [catalog.by_language(str(q), columns) for q in queries]  # as search() routes each one
    asked = {c: [i for i, cs in enumerate(routed) if c in cs] for c in columns}
    vectors: dict[str, dict[int, np.ndarray]] = {}
    lists: dict[str, dict[int, list[Hit]]] = {}
    for c, rows in ((c, rows) for c, rows in asked.items() if rows):
        encoded = catalog.encoder(c).encode([queries[i] for i in rows], modality="text", role="query")
        vectors[c] = dict(zip(rows, encoded, strict=True))
        lists[c] = dict(zip(rows, catalog.search_vectors(np.asarray(encoded), column=c, k=k, where=where), strict=True))
    out = []
    for i, cs in enumerate(routed):
        hits = lists[cs[0]][i] if len(cs) == 1 else rrf_fuse([lists[c][i] for c in cs], k=k)
        out.append(with_keyframes(hits, catalog.match_keyframes(hits, {c: vectors[c][i] for c in cs})))
    return out
