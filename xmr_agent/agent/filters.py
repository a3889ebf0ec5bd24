"""Filters → a LanceDB ``where`` clause, checked against the table, never raw SQL.

:class:`Facets` describes a table's filterable metadata columns (type, and for small sets of
strings, their values). :func:`compile_where` turns :class:`~xmr_agent.agent.query.Filter`
objects into SQL: the column must be one of the table's metadata columns, the operator one of
a fixed set, and the value is converted to the column's type and written as a literal. A
filter that fails any check is rejected with a reason, so a crafted intent can add conditions
but never change the clause's structure.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pyarrow as pa

from xmr_agent.agent.lexicon import has_cjk
from xmr_agent.agent.query import Filter, Scalar
from xmr_agent.store.catalog import Catalog
from xmr_agent.store.columns import HIDDEN_PREFIXES
from xmr_agent.store.filters import compare, contains_text, list_has, or_missing
from xmr_agent.types import CORE_FIELDS

#: Columns with at most this many distinct strings get their values listed (categorical).
MAX_FACET_VALUES = 200
#: A string column holding the item's own title in at least this share of rows is its name, no facet.
NAMES_SHARE = 0.8
#: Rows scanned to collect facet values.
FACET_SCAN_ROWS = 200_000
#: Most hard filters in one where clause (after merging); more are rejected with a reason.
MAX_FILTERS = 16
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_COMPARE = {"=": "=", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


@dataclass(frozen=True)
class Facet:
    """One filterable column: ``kind`` is number, string, list or bool."""

    column: str
    kind: str
    values: frozenset[str] = frozenset()
    lower: float | None = None
    upper: float | None = None
    canonical: Mapping[str, str] = field(default_factory=dict)
    integer: bool = False  #: a number column of whole numbers (a bound of 12.5 is rounded to fit it)
    titled: float = 0.0  #: the share of all items whose title says this number column's value with a unit ("Pot 17 cm")
    #: (column, value) of the kinds most of whose items' titles say this number ("Fuel": "Power Gas 100 g")
    titled_in: frozenset[tuple[str, str]] = frozenset()
    middle: float | None = None  #: a number column's median value
    #: of a short column of a catalogue titled in Chinese: each value's items' titles (:mod:`~xmr_agent.agent.titled`)
    titles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def categorical(self) -> bool:
        return bool(self.values) and self.kind in ("string", "list")

    def describe(self) -> str:
        if self.kind == "number":
            return f"{self.column} (number, {self.lower:g} to {self.upper:g})" if self.lower is not None else \
                f"{self.column} (number)"
        if self.categorical:
            shown = ", ".join(sorted(self.values)[:30])
            return f"{self.column} ({'list of ' if self.kind == 'list' else ''}one of: {shown})"
        return f"{self.column} ({self.kind})"


#: Values of a yes/no column.
YES, NO = ("yes", "y", "true", "1", "oui", "ja", "sí", "si", "是"), ("no", "n", "false", "0", "non", "nein", "否")
#: Values a yes/no column may also hold for items it does not apply to.
NEITHER = frozenset({"n/a", "na", "n.a.", "n/d", "-", "--", "–", "—", "unknown", "k.a.", "k. a.", "keine angabe", "s/o",
                     "sans objet", "n.d.", "nd", "no aplica", "不适用"})


def yes_no(facet: Facet) -> bool:
    """Whether ``facet`` is a yes/no column: its values yes and no, and "n/a" where it does not apply."""
    return facet.categorical and any(v in YES for v in facet.values) and set(facet.values) - NEITHER <= set(YES) | set(NO)


class Facets(dict[str, Facet]):
    """Filterable columns of a table, by name."""

    @classmethod
    def of(cls, catalog: Catalog) -> Facets:
        """Read the metadata columns of ``catalog`` (scanning up to ``FACET_SCAN_ROWS`` rows)."""
        schema = catalog.schema()
        if schema is None:
            return cls()
        wanted = [f for f in schema if f.name not in CORE_FIELDS and not f.name.startswith(HIDDEN_PREFIXES)]
        if not wanted:
            return cls()
        titled = "title" in schema.names
        data = catalog.scan([f.name for f in wanted] + (["title"] if titled else []), limit=FACET_SCAN_ROWS)
        titles = data.column("title").to_pylist() if titled else []
        measures = [{float(n.replace(",", ".")) for n in _TITLE_MEASURE.findall(t)} if isinstance(t, str) else set()
                    for t in titles]  # read once for every number column
        facets = cls((f.name, _facet(f, data.column(f.name), titles, measures)) for f in wanted if _kind(f.type))
        for facet in [f for f in facets.values() if f.titled]:  # "Net fuel (g)": the measure of the fuel's titles
            facets[facet.column] = replace(facet, titled_in=_titled_in(facet.column, facets, data, measures))
        return facets

    def describe(self) -> str:
        return "\n".join(f"- {facet.describe()}" for facet in self.values())


#: A number said with a unit in a title ("Classic Terracotta Pot 17 cm", "2,5L").
_TITLE_MEASURE = re.compile(r"(?<![\d.,])(\d+(?:[.,]\d+)?)\s?[^\W\d_\s]{1,3}(?![^\W\d_])")


#: The most values a column may have for the kinds whose titles say a number to be read from it.
TITLED_KINDS = 60
#: The most titles kept for each value of a column (:attr:`Facet.titles`).
TITLES_KEPT = 40


def _titled_in(column: str, facets: Facets, data: pa.Table, measures: Sequence[set[float]]) -> frozenset[tuple[str, str]]:
    """The (column, value) of each value of a short categorical column most of whose items (two at
    least) have a title that says ``column``'s value with a unit."""
    numbers = data.column(column).to_pylist()
    said = [v is not None and float(v) in m for v, m in zip(numbers, measures, strict=False)]
    found: set[tuple[str, str]] = set()
    for other in (f for f in facets.values() if f.kind == "string" and 0 < len(f.values) <= TITLED_KINDS):
        counts: dict[str, list[int]] = {}
        for value, yes in zip(data.column(other.column).to_pylist(), said, strict=False):
            if isinstance(value, str):
                pair = counts.setdefault(value.lower(), [0, 0])
                pair[0], pair[1] = pair[0] + yes, pair[1] + 1
        found |= {(other.column, v) for v, (yes, n) in counts.items() if n >= 2 and yes * 2 > n}
    return frozenset(found)


def _kind(arrow_type: pa.DataType) -> str | None:
    if pa.types.is_boolean(arrow_type):
        return "bool"
    if pa.types.is_integer(arrow_type) or pa.types.is_floating(arrow_type):
        return "number"
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return "string"
    if pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type):
        inner = arrow_type.value_type
        return "list" if pa.types.is_string(inner) or pa.types.is_large_string(inner) else None
    return None


def _facet(f: pa.Field, column: pa.ChunkedArray, titles: Sequence[Any] = (),
           measures: Sequence[set[float]] = ()) -> Facet:
    """``column`` as a facet; a column of the items' own names (the one the titles were taken
    from: "Event", "Listing") has no values to filter on, so "like Chopin by Candlelight" is a seed.
    ``measures``: the numbers each title says with a unit ("Pot 17 cm": 17)."""
    kind = _kind(f.type) or "string"
    if kind == "number":
        numbers = [v for v in column.to_pylist() if v is not None and not (isinstance(v, float) and math.isnan(v))]
        said = [v for v, m in zip(column.to_pylist(), measures, strict=False) if v is not None and float(v) in m]
        return Facet(f.name, kind, lower=min(numbers, default=None), upper=max(numbers, default=None),
                     integer=pa.types.is_integer(f.type), titled=len(said) / len(column) if numbers else 0.0,
                     middle=sorted(numbers)[len(numbers) // 2] if numbers else None)
    if kind == "bool":
        return Facet(f.name, kind)
    rows = column.to_pylist()
    values = _strings(rows)
    same = sum(1 for v, t in zip(rows, titles, strict=False) if v is not None and v == t)
    if len(values) > MAX_FACET_VALUES or (titles and same >= NAMES_SHARE * len(rows)) or _sentences(rows, values):
        return Facet(f.name, kind)
    titled: dict[str, list[str]] = {}
    if len(values) <= TITLED_KINDS and any(isinstance(t, str) and has_cjk(t) for t in titles[:TITLED_KINDS]):
        for v, t in zip(rows, titles, strict=False):
            if isinstance(v, str) and isinstance(t, str) and len(titled.setdefault(v, [])) < TITLES_KEPT:
                titled[v].append(t)
    return Facet(f.name, kind, frozenset(v.lower() for v in values), canonical={v.lower(): v for v in values},
                 titles={v: tuple(t) for v, t in titled.items()})


def _sentences(rows: Sequence[Any], values: set[str]) -> bool:
    """Whether a column is the items' own descriptions, no values to filter on: one for nearly every item, most of them
    sentences (a full stop or a comma inside, six words or more; in Chinese, twelve characters or more)."""
    said = sum(v is not None for v in rows)
    if len(values) < MIN_SENTENCES or len(values) < SENTENCE_SHARE * said:
        return False
    return sum(bool(_SENTENCE.search(v)) or (len(v) >= 12 if has_cjk(v) else len(v.split()) >= 6)
               for v in values) >= SENTENCE_SHARE * len(values)


#: A column of descriptions: at least this many values, one for this share of its items, this share sentences.
MIN_SENTENCES, SENTENCE_SHARE = 5, 0.8
_SENTENCE = re.compile(r"[，。！？；]|[.!?;](?:\s|$)")


def _strings(values: Iterable[Any]) -> set[str]:
    found: set[str] = set()
    for value in values:
        if isinstance(value, list):
            found.update(str(v) for v in value if v is not None)
        elif value is not None:
            found.add(str(value))
    return {v for v in found if v.strip() and v.strip().lower() not in NEITHER}  # an empty cell or "n/a" is no value
    # ("format = 'n/a'" of the chemistry, read in "一台胶片相机")


#: One-word values that say an item serves every value of its column ("Instrument: Tous", "Method: Any").
EVERY_ONE = frozenset({"any", "all", "both", "universal", "tous", "toutes", "universel", "universelle", "alle", "beide",
                       "universell", "todos", "todas", "ambos", "通用", "全部"})


class FilterRejected(ValueError):
    """A filter does not fit the table (unknown column, wrong type, unknown value)."""


def compile_where(filters: Sequence[Filter], facets: Facets) -> tuple[str | None, list[tuple[Filter, str]]]:
    """The hard filters as one ``where`` clause, and the rejected ones with reasons.

    Conditions are joined by AND, except several ``=`` on one single-valued column ("books or
    films"), which are joined by OR. Filters are merged first (:func:`merge_filters`); past
    :data:`MAX_FILTERS` the rest are rejected, so no request can build an unbounded clause.
    """
    groups: dict[tuple[str, ...], list[str]] = {}
    rejected = []
    hard = merge_filters([f for f in filters if f.hard])
    for flt in hard[MAX_FILTERS:]:
        rejected.append((flt, f"more than {MAX_FILTERS} conditions in one request: only the first {MAX_FILTERS} apply"))
    for n, flt in enumerate(hard[:MAX_FILTERS]):
        try:
            clause = compile_one(flt, facets)
        except FilterRejected as e:
            rejected.append((flt, str(e)))
            continue
        either = flt.op == "=" and facets[flt.column].kind != "list"
        groups.setdefault((flt.column, "=") if either else (str(n),), []).append(clause)
        if either and str(flt.value).lower() not in EVERY_ONE:  # "for cold process": and those for any method
            groups[(flt.column, "=")] += [compare(flt.column, "=", v) for v in _every_one(facets[flt.column])]
    clauses = [" OR ".join(dict.fromkeys(group)) for group in groups.values()]
    return (" AND ".join(f"({c})" for c in clauses) or None), rejected


def _every_one(facet: Facet) -> list[str]:
    """The values of ``facet`` that say an item serves every value of the column, as stored."""
    return sorted({facet.canonical.get(str(v).lower(), str(v)) for v in facet.values
                   if facet.categorical and facet.kind == "string" and str(v).lower() in EVERY_ONE})


def merge_filters(filters: Sequence[Filter]) -> list[Filter]:
    """``filters`` without repeats, and with the bounds of one column in one direction merged
    into the tightest ("under $5" and "under $2" → ``< 2``); the order of first mention is kept."""
    merged: dict[tuple[Any, ...], Filter] = {}
    for flt in filters:
        key = _merge_key(flt)
        kept = merged.get(key)
        merged[key] = flt if kept is None else _tighter(kept, flt)
    return list(merged.values())


def _merge_key(flt: Filter) -> tuple[Any, ...]:
    number = None if isinstance(flt.value, list) else _number(flt.value)
    if flt.op in ("<", "<=", ">", ">=") and number is not None:
        return flt.column, "upper" if flt.op.startswith("<") else "lower", flt.hard
    return flt.column, flt.op, repr(flt.value), flt.hard


def _tighter(kept: Filter, new: Filter) -> Filter:
    """The stricter of two bounds in the same direction (at equal values, the strict one)."""
    if kept.op in ("=", "!=", "contains", "not_contains"):
        return kept  # the same condition again
    a, b = _number(kept.value), _number(new.value)  # type: ignore[arg-type]
    if a is None or b is None or a == b:
        return new if a == b and new.op in ("<", ">") else kept
    upper = kept.op.startswith("<")
    return new if (b < a if upper else b > a) else kept


def compile_one(flt: Filter, facets: Facets) -> str:
    """One filter → SQL, after checking its column, operator and value against ``facets``."""
    facet = facets.get(flt.column)
    if facet is None:
        raise FilterRejected(f"no filterable column {flt.column!r} (columns: {', '.join(facets) or 'none'})")
    if facet.kind == "list":
        if flt.op not in ("contains", "not_contains", "=", "!="):
            raise FilterRejected(f"{flt.column} is a list: use contains / not_contains, not {flt.op}")
        clause = list_has(flt.column, _category(flt.value, facet))
        return clause if flt.op in ("contains", "=") else or_missing(flt.column, f"NOT {clause}")
    if flt.op in ("contains", "not_contains"):
        if facet.kind != "string":
            raise FilterRejected(f"{flt.op} needs a text column; {flt.column} is {facet.kind}")
        clause = contains_text(flt.column, str(_scalar(flt.value)).strip())
        return clause if flt.op == "contains" else or_missing(flt.column, f"NOT ({clause})")
    clause = compare(flt.column, _COMPARE[flt.op], _literal(flt, facet))
    return or_missing(flt.column, clause) if flt.op == "!=" else clause  # "not black": no colour given is not black


def _literal(flt: Filter, facet: Facet) -> str | float | bool:
    value = _scalar(flt.value)
    if facet.kind == "number":
        number = _number(value)
        if number is None:
            raise FilterRejected(f"{flt.column} is a number; {value!r} is not")
        return _whole(number, flt.op) if facet.integer else number
    if facet.kind == "bool":
        if isinstance(value, bool) or str(value).lower() in ("true", "false", "yes", "no"):
            return str(value).lower() in ("true", "yes")
        raise FilterRejected(f"{flt.column} is true/false; {value!r} is not")
    if flt.op not in ("=", "!="):
        raise FilterRejected(f"{flt.column} is text: use = or != (or contains), not {flt.op}")
    return _category(value, facet) if facet.categorical else str(value)


def _category(value: Scalar | list[Scalar], facet: Facet) -> str:
    text = str(_scalar(value)).strip()
    if not facet.categorical:
        return text
    stored = facet.canonical.get(text.lower())
    if stored is None:
        raise FilterRejected(f"{text!r} is not a value of {facet.column} (values: {', '.join(sorted(facet.values)[:20])})")
    return stored


def _whole(number: float, op: str) -> float | int:
    """A bound on a column of whole numbers as a whole number that keeps its meaning
    (``< 12.5`` → ``< 13``, ``>= 12.5`` → ``>= 13``); an exact non-whole value stays as it is."""
    if float(number).is_integer():
        return int(number)
    if op in ("<", ">="):
        return math.ceil(number)
    if op in ("<=", ">"):
        return math.floor(number)
    return number


def _scalar(value: Scalar | list[Scalar]) -> Scalar:
    if isinstance(value, list):
        if len(value) != 1:
            raise FilterRejected(f"expected one value, got {value!r}")
        return value[0]
    return value


def _number(value: Scalar) -> float | int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value if math.isfinite(value) else None
    match = re.fullmatch(r"\s*\$?\s*(-?\d+(?:\.\d+)?)\s*", str(value))
    if not match:
        return None
    number = float(match.group(1))
    return int(number) if number.is_integer() else number


def satisfies(item: Mapping[str, Any], flt: Filter) -> bool:
    """Whether a stored item meets ``flt`` (used for soft filters and for evidence)."""
    value = item.get(flt.column)
    if value is None:
        return flt.op in ("!=", "not_contains")  # nothing given is not the value
    target = _scalar(flt.value) if not isinstance(flt.value, list) or len(flt.value) == 1 else flt.value
    if isinstance(value, list):
        has = str(target).lower() in {str(v).lower() for v in value}
        return has if flt.op in ("contains", "=") else not has
    if flt.op in ("contains", "not_contains"):
        has = str(target).lower() in str(value).lower()
        return has if flt.op == "contains" else not has
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = _number(target)  # type: ignore[arg-type]
        return number is not None and _compare(value, flt.op, number)
    return _compare(str(value).lower(), flt.op, str(target).lower())


def _compare(left: Any, op: str, right: Any) -> bool:
    return {"=": left == right, "!=": left != right, "<": left < right, "<=": left <= right,
            ">": left > right, ">=": left >= right}.get(op, False)
