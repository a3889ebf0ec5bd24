"""Category values matched by meaning: "a classic detective story" → genre ``crime``, "cake" →
course ``dessert``, "a lamp" → category ``lighting``, in any language the text encoder reads.

The rule-based parser finds values written out ("a comedy", "kitchen stuff"); this finds the
kind of item a request describes without naming it. The request's subject is embedded with the
table's text encoder for its language and compared with each value of a column of kinds (not
colours, languages, tags) twice: with the value's name ("plant") and with the mean of the stored
vectors of the items that have it (what a plant of this catalogue is described as). Each
comparison is made a z-score over the column's values and the two are added, so the test does
not depend on how spread an encoder's cosines are; the items carry more than a one-word name,
which matters most for a request in another language than the catalogue's. A value is taken
when it stands out: :data:`STANDOUT` standard deviations above the column's mean and
:data:`GAP` above the runner up. A value that stands out by its name and whose items' mean
vector is also the closest is a condition ("a kettle" → kitchen; tried on four suites, 441
cases: 13 more right, 5 fewer, and the superlatives among the 5, so a request with an order
keeps it a preference); any other value found is a preference (it lifts the items of that
kind). A guessed condition that leaves nothing gives way (the agent answers without it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from xmr_agent.agent.audience import audience_columns
from xmr_agent.agent.columns import DESCRIPTIVE_COLUMNS, attribute_columns
from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.query import Filter
from xmr_agent.encoders.language import for_language

#: How far (in standard deviations of the column's values) the best value must stand out.
STANDOUT = 1.5
#: ... and how far above the second best, in the same units.
GAP = 1.2
#: The gap needed when the value's name and its items' mean vector are counted together.
ITEMS_GAP = 1.05
#: When neither test alone finds a value: both put the same one first, this far above the mean
#: in each, and this far ahead of the second on their sum.
AGREED, AGREED_GAP = 1.5, 0.3
#: A request read in two languages: how far above the mean (the sum of the two z-scores) each
#: reading must put the same value, and how far ahead of the second.
TWO_VIEWS, TWO_VIEWS_GAP = 2.0, 0.5
#: Columns with fewer or more values than this are not matched by meaning.
MIN_VALUES, MAX_VALUES = 3, 60
#: ... or with a value longer than this (a column of descriptions, in a small catalogue).
MAX_NAME_CHARS, MAX_NAME_WORDS = 40, 4


class Meanings:
    """The category values of one table, embedded once with each of its text encoders (column →
    encoder); a request is matched with the encoder made for its language."""

    def __init__(self, encoders: Mapping[str, Any], facets: Facets,
                 rows: Callable[[list[str]], list[dict[str, Any]]] | None = None, language: str | None = None) -> None:
        """``rows(columns)``: stored rows with those columns (the vector columns and the columns
        of kinds), for the items' mean vectors; without it, values are matched by name only.
        ``language``: the catalogue's, when known (an English request on a German catalogue is read
        by the multilingual encoder, as the search does: an English-only one cannot read the German
        names and texts it is compared with)."""
        self.encoders, self.language = dict(encoders), language
        attributes = attribute_columns(facets)
        people = audience_columns(facets)  # who an item is for is read from words about people, not guessed
        kinds = [f for f in facets.values() if _kinds(f, attributes) and f.column not in people]
        stored = rows([*self.encoders, *(f.column for f in kinds)]) if rows is not None and kinds else []
        self.columns: dict[str, list[tuple[Facet, list[str], np.ndarray, np.ndarray | None]]] = {}
        for column, encoder in self.encoders.items():
            self.columns[column] = []
            for facet in kinds:
                values = sorted(facet.canonical[v] for v in facet.values)
                self.columns[column].append((facet, values, _embed(encoder, values, "document"),
                                             _means(stored, column, facet, values)))

    def preferences(self, subject: str, said: set[str]) -> list[Filter]:
        """Filters for the values ``subject`` describes, on columns not in ``said``: conditions when
        both tests agree on a value that stands out by name, else preferences (module docstring)."""
        if not self.encoders or not subject.strip():
            return []
        column = for_language(subject, self.encoders, self.language)[0]
        query = _embed(self.encoders[column], [subject], "query")[0]
        found = []
        for facet, values, names, means in self.columns[column]:
            if facet.column in said:
                continue
            by_name = _z(names @ query)
            best = _standout(by_name, GAP)
            sure = best is not None and means is not None and int(np.argmax(means @ query)) == best
            if best is None and means is not None:
                by_items = _z(means @ query)
                best = _standout(by_name + by_items, ITEMS_GAP)
                if best is None:
                    best = _agreed(by_name, by_items)
            if best is not None:
                found.append(Filter(column=facet.column, op="contains" if facet.kind == "list" else "=",
                                    value=values[best], hard=sure))
        return found


    def agreed(self, original: str, translation: str, said: set[str]) -> list[Filter]:
        """Conditions on the kinds that a request in another language than the catalogue's
        (``original``, read by the encoder for its language) and its ``translation`` (read by the
        catalogue's) both put first, each :data:`TWO_VIEWS` above its column's mean and
        :data:`TWO_VIEWS_GAP` ahead of its second: "Zahnpflege" and "dental care" → oral care.
        Two encoders and a translation that agree are seldom wrong together."""
        first, second = self._scores(original), self._scores(translation)
        if first is None or second is None:
            return []
        found = []
        for (facet, values, a), (_, _, b) in zip(first, second, strict=True):
            if facet.column in said:
                continue
            best = int(np.argmax(a))
            if int(np.argmax(b)) == best and _leads(a, best) and _leads(b, best):
                found.append(Filter(column=facet.column, op="contains" if facet.kind == "list" else "=",
                                    value=values[best]))
        return found

    def _scores(self, subject: str) -> list[tuple[Facet, list[str], np.ndarray]] | None:
        """Per column of kinds, each value's z-score by name plus by its items' mean vector."""
        if not self.encoders or not subject.strip():
            return None
        column = for_language(subject, self.encoders, self.language)[0]
        query = _embed(self.encoders[column], [subject], "query")[0]
        return [(facet, values, _z(names @ query) + (_z(means @ query) if means is not None else 0.0))
                for facet, values, names, means in self.columns[column]]


def _leads(scores: np.ndarray, best: int) -> bool:
    """Whether value ``best`` is :data:`TWO_VIEWS` above the mean and :data:`TWO_VIEWS_GAP` ahead."""
    second = float(np.sort(scores)[-2]) if len(scores) > 1 else float("-inf")
    return float(scores[best]) >= TWO_VIEWS and float(scores[best]) - second >= TWO_VIEWS_GAP


def _agreed(by_name: np.ndarray, by_items: np.ndarray) -> int | None:
    """The value both tests put first, when it stands :data:`AGREED` above the mean in each and
    first by :data:`AGREED_GAP` on their sum ("a stuffed animal": plush by name and by items, with
    dolls close behind in both)."""
    best = int(np.argmax(by_name))
    if int(np.argmax(by_items)) != best or min(by_name[best], by_items[best]) < AGREED:
        return None
    total = by_name + by_items
    second = float(np.sort(total)[-2])
    return best if (float(total[best]) - second) / (float(total.std()) or 1.0) >= AGREED_GAP else None


def _standout(scores: np.ndarray, gap: float) -> int | None:
    """The index of the value that stands out (:data:`STANDOUT`, then ``gap`` above the next)."""
    order = np.argsort(-scores)
    spread = float(scores.std()) or 1.0
    best, second = float(scores[order[0]]), float(scores[order[1]])
    return int(order[0]) if (best - float(scores.mean())) / spread >= STANDOUT and (best - second) / spread >= gap else None


def _z(scores: np.ndarray) -> np.ndarray:
    return (scores - scores.mean()) / (float(scores.std()) or 1.0)


def _means(rows: Sequence[Mapping[str, Any]], column: str, facet: Facet, values: Sequence[str]) -> np.ndarray | None:
    """Per value, the normalised mean of ``column``'s vectors over the items that have it
    (``None`` unless every value has an item with a vector)."""
    sums: dict[str, np.ndarray] = {}
    for row in rows:
        vector = row.get(column)
        if vector is None:
            continue
        raw = row.get(facet.column)
        for value in raw if isinstance(raw, list) else [raw]:
            key = facet.canonical.get(str(value).lower()) if value is not None else None
            if key is not None:
                sums[key] = sums.get(key, 0.0) + np.asarray(vector, dtype=np.float32)
    if not rows or any(v not in sums for v in values):
        return None
    matrix = np.stack([sums[v] for v in values])
    return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-9)


def _kinds(facet: Facet, attributes: frozenset[str]) -> bool:
    """A column whose values name kinds of item: categorical, not a describing column
    (``attributes``, :func:`~xmr_agent.agent.rules.attribute_columns`), a few short names."""
    return facet.column.lower() not in attributes and facet.categorical \
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
