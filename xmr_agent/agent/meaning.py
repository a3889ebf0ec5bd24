"""Category values matched by meaning: "a classic detective story" → genre ``crime``, "cake" →
course ``dessert``, "a lamp" → category ``lighting``, in any language the text encoder reads.

The rule-based parser finds values written out ("a comedy", "kitchen stuff"); this finds the
kind of item a request describes without naming it. The request's subject and each value of a
column of kinds (not colours, languages, tags) are embedded with the table's text encoder (the multilingual one when the
table has it); a value is taken when it stands out from the column's other values — its
similarity is :data:`STANDOUT` standard deviations above their mean and clearly above the runner
up — so the test does not depend on how spread an encoder's cosines are. A value found this way
is a preference (it lifts the items of that kind), never a condition: a guess must not empty
an answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.query import Filter
from xmr_agent.agent.rules import ATTRIBUTE_COLUMNS, CATEGORY_COLUMNS, DESCRIPTIVE_COLUMNS

#: How far (in standard deviations of the column's values) the best value must stand out.
STANDOUT = 1.5
#: ... and how far above the second best, in the same units.
GAP = 1.2
#: Columns with fewer or more values than this are not matched by meaning.
MIN_VALUES, MAX_VALUES = 3, 60
#: ... or with a value longer than this (a column of descriptions, in a small catalogue).
MAX_NAME_CHARS, MAX_NAME_WORDS = 40, 4


class Meanings:
    """The category values of one table, embedded once with a text encoder."""

    def __init__(self, encoder: Any, facets: Facets) -> None:
        self.encoder = encoder
        self.columns: list[tuple[Facet, list[str], np.ndarray]] = []
        for facet in facets.values():
            kind = facet.column.lower() in CATEGORY_COLUMNS or facet.column.lower() not in ATTRIBUTE_COLUMNS
            if kind and facet.categorical and facet.column not in DESCRIPTIVE_COLUMNS \
                    and MIN_VALUES <= len(facet.values) <= MAX_VALUES and all(_a_name(v) for v in facet.values):
                values = sorted(facet.canonical[v] for v in facet.values)
                self.columns.append((facet, values, self._embed(values, "document")))

    def _embed(self, texts: Sequence[str], role: str) -> np.ndarray:
        vectors = np.asarray(self.encoder.encode(list(texts), modality="text", role=role), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms > 0, norms, 1.0)

    def preferences(self, subject: str, said: set[str]) -> list[Filter]:
        """Soft filters for the values ``subject`` describes, on columns not in ``said``."""
        if not self.columns or not subject.strip():
            return []
        query = self._embed([subject], "query")[0]
        found = []
        for facet, values, matrix in self.columns:
            if facet.column in said:
                continue
            scores = matrix @ query
            order = np.argsort(-scores)
            spread = float(scores.std()) or 1.0
            best, second = float(scores[order[0]]), float(scores[order[1]])
            if (best - float(scores.mean())) / spread >= STANDOUT and (best - second) / spread >= GAP:
                found.append(Filter(column=facet.column, op="contains" if facet.kind == "list" else "=",
                                    value=values[int(order[0])], hard=False))
        return found


def _a_name(value: str) -> bool:
    """A value that names a kind ("science fiction"), not a description ("Warm knitted hat for winter")."""
    return len(value) <= MAX_NAME_CHARS and len(value.split()) <= MAX_NAME_WORDS


def text_encoder(catalog: Any) -> Any | None:
    """The encoder of the table's text column (the multilingual one when there are several)."""
    columns = [c for c, spec in catalog.vectors.items() if spec.modality == "text" and spec.field == "text"]
    if not columns:
        return None
    columns.sort(key=lambda c: "e5" not in str(catalog.vectors[c].encoder))
    return catalog.encoder(columns[0])
