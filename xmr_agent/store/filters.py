"""Filters built with ``lancedb.expr`` (which quotes identifiers and literals), never by string
formatting. Each helper returns SQL text, so a built clause can be joined with a user's
``where`` (already checked by the agent) and shown in traces as it runs.

``array_has`` is not among the functions ``lancedb.expr.func`` knows, so :func:`list_has` writes
the call around an identifier and a literal that ``lancedb.expr`` rendered.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def literal(value: Any) -> str:
    """``value`` (str, number, bool) as a SQL literal."""
    from lancedb.expr import lit

    return lit(value).to_sql()


def column(name: str) -> str:
    """A column reference, quoted when the name needs it."""
    from lancedb.expr import col

    return col(name).to_sql()


def ids_in(ids: Iterable[str], *, negate: bool = False) -> str:
    """``id IN (...)`` (or ``NOT IN``) for ``ids``."""
    from lancedb.expr import col

    clause = col("id").isin([str(i) for i in ids]).to_sql()
    return f"NOT ({clause})" if negate else clause


def compare(name: str, op: str, value: Any) -> str:
    """``name op value`` for ``op`` in ``=, !=, <, <=, >, >=``."""
    from lancedb.expr import col, lit

    left, right = col(name), lit(value)
    built = {"=": left == right, "!=": left != right, "<": left < right, "<=": left <= right, ">": left > right,
             ">=": left >= right}
    return _bare(built[op].to_sql())


def contains_text(name: str, needle: str) -> str:
    """Case-insensitive substring test (``%`` and ``_`` in ``needle`` are plain characters)."""
    from lancedb.expr import col, lit

    return col(name).lower().contains(lit(needle.lower())).to_sql()


def or_missing(name: str, clause: str) -> str:
    """``clause`` or no value in ``name``: "not black" keeps the items whose colour is not given."""
    return f"({column(name)} IS NULL OR {clause})"


def list_has(name: str, value: Any) -> str:
    """``array_has(name, value)``: the list column ``name`` holds ``value``."""
    return f"array_has({column(name)}, {literal(value)})"


def all_of(*clauses: str | None) -> str | None:
    """The clauses that are set, joined with AND (each in parentheses)."""
    kept = [c for c in clauses if c]
    if len(kept) <= 1:
        return kept[0] if kept else None
    return " AND ".join(f"({c})" for c in kept)


def _bare(sql: str) -> str:
    """``sql`` without the parentheses ``lancedb.expr`` puts around a whole comparison."""
    if sql.startswith("(") and sql.endswith(")") and sql.count("(") == 1:
        return sql[1:-1]
    return sql
