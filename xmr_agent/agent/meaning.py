"""Category values matched by meaning: "a classic detective story" → genre ``crime``, "cake" →
course ``dessert``, "a lamp" → category ``lighting``, in any language the text encoder reads.

The rule-based parser finds values written out ("a comedy", "kitchen stuff"); this finds the
kind of item a request describes without naming it. The request's subject and each value of a
column of kinds (not colours, languages, tags) are embedded with the table's text encoders (a request is matched with the one made for its
language); a value is taken when it stands out from the column's other values — its
similarity is :data:`STANDOUT` standard deviations above their mean and clearly above the runner
up — so the test does not depend on how spread an encoder's cosines are. A value found this way
is a preference (it lifts the items of that kind), never a condition: a guess must not empty
an answer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.query import Filter
from xmr_agent.agent.rules import ATTRIBUTE_COLUMNS, CATEGORY_COLUMNS, DESCRIPTIVE_COLUMNS
from xmr_agent.encoders.language import for_language

#: How far (in standard deviations of the column's values) the best value must stand out.
STANDOUT = 1.5
#: ... and how far above the second best, in the same units.
GAP = 1.2
#: Columns with fewer or more values than this are not matched by meaning.
MIN_VALUES, MAX_VALUES = 3, 60
#: ... or with a value longer than this (a column of descriptions, in a small catalogue).
MAX_NAME_CHARS, MAX_NAME_WORDS = 40, 4


class Meanings:
    """The category values of one table, embedded once with each of its text encoders (column →
    encoder); a request is matched with the encoder made for its language."""

    def __init__(self, encoders: Mapping[str, Any], facets: Facets) -> None:
        self.encoders = dict(encoders)
        kinds = [f for f in facets.values() if _kinds(f)]
        self.columns: dict[str, list[tuple[Facet, list[str], np.ndarray]]] = {}
        for column, encoder in self.encoders.items():
            self.columns[column] = []
            for facet in kinds:
                values = sorted(facet.canonical[v] for v in facet.values)
                self.columns[column].append((facet, values, _embed(encoder, values, "document")))

    def preferences(self, subject: str, said: set[str]) -> list[Filter]:
        """Soft filters for the values ``subject`` describes, on columns not in ``said``."""
        if not self.encoders or not subject.strip():
            return []
        column = for_language(subject, self.encoders)[0]
        query = _embed(self.encoders[column], [subject], "query")[0]
        found = []
        for facet, values, matrix in self.columns[column]:
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


def _kinds(facet: Facet) -> bool:
    """A column whose values name kinds of item: categorical, not a describing column, a few short names."""
    name = facet.column.lower()
    return (name in CATEGORY_COLUMNS or name not in ATTRIBUTE_COLUMNS) and facet.categorical \
        and facet.column not in DESCRIPTIVE_COLUMNS and MIN_VALUES <= len(facet.values) <= MAX_VALUES \
        and all(_a_name(v) for v in facet.values)


def _embed(encoder: Any, texts: Sequence[str], role: str) -> np.ndarray:
    vectors = np.asarray(encoder.encode(list(texts), modality="text", role=role), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1.0)


def _a_name(value: str) -> bool:
    """A value that names a kind ("science fiction"), not a description ("Warm knitted hat for winter")."""
    return len(value) <= MAX_NAME_CHARS and len(value.split()) <= MAX_NAME_WORDS


def text_encoders(catalog: Any) -> dict[str, Any]:
    """The encoders of the table's text columns, by column."""
    return {c: catalog.encoder(c) for c, spec in catalog.vectors.items() if spec.modality == "text" and spec.field == "text"}
