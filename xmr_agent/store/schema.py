"""Item dicts → Arrow rows in a catalogue's schema.

Core fields are strings. A metadata column's type is inferred the first time the column has
a value, by majority over the values' types (ints and floats together widen to float64), so
one odd value is reported instead of turning the whole column into strings. A value is
accepted only if it survives the conversion unchanged: pyarrow would otherwise truncate 9.99
into an int64 column or split "abc" into a list of characters without complaint.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from xmr_agent.errors import ConfigError
from xmr_agent.types import CORE_FIELDS

if TYPE_CHECKING:
    from xmr_agent.store.catalog import Catalog

HIDDEN_COLUMNS = (pa.field("_hash", pa.string()), pa.field("_embed_hash", pa.string()))


TYPE_NAMES: dict[str, pa.DataType] = {
    "str": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(),
    "list[str]": pa.list_(pa.string()), "list[int]": pa.list_(pa.int64()), "list[float]": pa.list_(pa.float64()),
}


def parse_type(name: str) -> pa.DataType:
    """A column type by name: str, int, float, bool, list[str], list[int], list[float]."""
    kind = TYPE_NAMES.get(name.strip().replace(" ", ""))
    if kind is None:
        raise ConfigError(f"unknown column type {name!r}; expected one of {', '.join(TYPE_NAMES)}")
    return kind


def arrow_rows(
    rows: list[dict[str, Any]], catalog: Catalog, types: Mapping[str, str] | None = None
) -> tuple[pa.Table, list[tuple[str, str]]]:
    """Rows → an Arrow table in the catalogue's schema; plus (id, reason) of rows that do not fit.

    New metadata columns are added, typed by ``types`` (column → type name) where given, else
    inferred from the values.
    """
    schema = catalog.schema()
    known = {f.name for f in schema} if schema is not None else set()
    declared = {name: pa.field(name, parse_type(kind)) for name, kind in (types or {}).items()}
    new_fields = [
        f for f in (declared.get(n) or infer_field(n, rows) for n in _keys(rows) if n not in known) if f is not None
    ]
    if schema is None:
        core = [pa.field(n, pa.string()) for n in CORE_FIELDS] + list(HIDDEN_COLUMNS)
        taken = {c.name for c in core}
        target = pa.schema(core + [f for f in new_fields if f.name not in taken])
    else:
        catalog.add_columns(new_fields)
        target = pa.schema([f for f in catalog.schema() or () if not f.name.startswith("vec__")])
    converted, bad = convert(rows, target)
    if bad:  # rare: convert again without the rows that do not fit
        converted, _ = convert([r for r in rows if r["id"] not in bad], target)
    return pa.Table.from_arrays(converted, schema=target), list(bad.items())


def convert(rows: Sequence[Mapping[str, Any]], schema: pa.Schema) -> tuple[list[pa.Array], dict[str, str]]:
    """One Arrow array per column, and the ids of rows with a value that does not fit (and why)."""
    arrays, bad = [], {}
    for f in schema:
        values = [r.get(f.name) for r in rows]
        if pa.types.is_string(f.type):  # a number in a column of words ("38" among sizes "M", "One size")
            values = [_written(v) if isinstance(v, int | float) and not isinstance(v, bool) else v for v in values]
        elif pa.types.is_floating(f.type) or pa.types.is_integer(f.type):  # "16.90" kept as written (its column had
            values = [_number(v, pa.types.is_integer(f.type)) if isinstance(v, str) else v for v in values]  # words)
        array = to_array(values, f.type)
        if array is None:
            for row in rows:
                if row["id"] not in bad and to_array([row.get(f.name)], f.type) is None:
                    bad[row["id"]] = f"field {f.name!r}: expected {f.type}, got {row.get(f.name)!r:.60}"
        arrays.append(array)
    return arrays, bad


def _number(text: str, whole: bool) -> Any:
    """A number written as text ("16.90", "16,90", "12") as a number of the column's type; other text as it is."""
    m = re.fullmatch(r"\s*(-?\d+)(?:[.,](\d+))?\s*", text)
    if m is None or whole and m.group(2) and set(m.group(2)) != {"0"}:
        return text
    return int(m.group(1)) if whole else float(f"{m.group(1)}.{m.group(2) or 0}")


def _written(number: float) -> str:
    """A number as text: whole numbers without a decimal point (38, not 38.0)."""
    return str(int(number)) if isinstance(number, float) and number.is_integer() and abs(number) < 1e15 else str(number)


def to_array(values: list[Any], kind: pa.DataType) -> pa.Array | None:
    """``values`` as an Arrow array of ``kind``, or None when any value would not survive unchanged.

    Strings, floats and booleans either convert exactly or raise; other types (ints, lists,
    structs) are read back and compared, because pyarrow truncates 9.99 into int64 and splits
    "abc" into a list of characters without complaint.
    """
    try:
        array = pa.array(values, type=kind)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError, TypeError, ValueError):
        return None
    if pa.types.is_string(kind) or pa.types.is_floating(kind) or pa.types.is_boolean(kind):
        return array
    back = array.to_pylist()
    if back == values or all(_same(a, b) for a, b in zip(values, back, strict=True)):
        return array
    return None


def infer_field(name: str, rows: Sequence[Mapping[str, Any]]) -> pa.Field | None:
    """The majority type of ``name``'s non-null values, or None while it has none."""
    values = [row.get(name) for row in rows if row.get(name) is not None]
    try:
        whole = pa.array(values).type  # one consistent type: the common case, decided at once
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        whole = None
    if whole is not None and not _is_null(whole):
        return pa.field(name, whole)
    kinds: Counter[pa.DataType] = Counter()
    for value in values:
        try:
            kinds[pa.array([value]).type] += 1
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
            continue
    kinds = Counter({k: n for k, n in kinds.items() if not _is_null(k)})
    if not kinds:
        return None
    if pa.int64() in kinds and pa.float64() in kinds:
        kinds[pa.float64()] += kinds.pop(pa.int64())
    return pa.field(name, kinds.most_common(1)[0][0])


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, bool) != isinstance(b, bool):
        return False
    if isinstance(a, (list, tuple)):
        return isinstance(b, list) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, Mapping):
        return isinstance(b, Mapping) and all(_same(v, b.get(k)) for k, v in a.items())
    return a == b


def _is_null(kind: pa.DataType) -> bool:
    return pa.types.is_null(kind) or (pa.types.is_list(kind) and pa.types.is_null(kind.value_type))


def _keys(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    seen: dict[str, None] = {}
    for row in rows:
        seen.update(dict.fromkeys(row))
    return list(seen)
