"""A user's ``where`` filter, parsed and checked before it reaches LanceDB.

The text is parsed by a small recursive-descent parser into conditions over the table's own
columns, then written out again (identifiers and literals quoted by :mod:`lancedb.expr`), so
LanceDB only ever sees a clause this module produced. Accepted:

- comparisons ``= != <> < <= > >=`` between columns, literals and the functions below;
- ``AND``, ``OR``, ``NOT`` and parentheses;
- ``x [NOT] IN (literal, ...)``, ``x IS [NOT] NULL``, ``x [NOT] BETWEEN a AND b``, ``x [NOT] LIKE 'pattern'``;
- the functions ``lower(x)``, ``upper(x)``, ``array_has(column, literal)`` (``array_contains`` is the same);
- string literals (``'it''s'``), numbers, ``TRUE`` and ``FALSE``; bare or backquoted column names.

Anything else (other functions such as ``repeat``, arithmetic, a second statement after ``;``,
comments) is refused with a :class:`~xmr_agent.errors.ConfigError` that says what is allowed. The
text, the number of conditions, the nesting and the lists are bounded, so one filter costs one
pass over the rows at most.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import NoReturn

from xmr_agent.errors import ConfigError
from xmr_agent.store.filters import column, literal

__all__ = ["MAX_WHERE_CHARS", "MAX_CONDITIONS", "check_where"]

#: Longest ``where`` text accepted.
MAX_WHERE_CHARS = 2000
#: Most conditions (comparisons, IN, LIKE, ...) in one ``where``.
MAX_CONDITIONS = 32
#: Deepest nesting of parentheses and NOT.
MAX_DEPTH = 8
#: Most values in one IN list.
MAX_IN_VALUES = 100
#: Longest string literal.
MAX_LITERAL_CHARS = 500

ALLOWED = ("comparisons (= != <> < <= > >=), AND, OR, NOT, parentheses, IN (...), IS [NOT] NULL, "
           "BETWEEN ... AND ..., LIKE '...', the functions lower, upper, array_has and array_contains, "
           "string and number literals, TRUE, FALSE and the table's columns")
_KEYWORDS = frozenset({"AND", "OR", "NOT", "IN", "IS", "NULL", "BETWEEN", "LIKE", "TRUE", "FALSE"})
_COMPARE = {"=": "=", "==": "=", "!=": "!=", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_FUNCTIONS = {"lower": "lower", "upper": "upper", "array_has": "array_has", "array_contains": "array_has"}
_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<number>-?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?)
  | (?P<string>'(?:[^']|'')*')
  | (?P<quoted>`[^`]+`)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op><=|>=|<>|!=|==|[=<>(),])
""", re.VERBOSE)


@dataclass(frozen=True)
class _Token:
    kind: str  # number, string, quoted, word, op, end
    text: str
    at: int

    def keyword(self, *words: str) -> bool:
        return self.kind == "word" and self.text.upper() in words


def check_where(text: str, columns: Collection[str]) -> str:
    """``text`` checked against ``columns`` and written out again; :class:`ConfigError` if it is
    not a filter of the accepted form (see the module docstring)."""
    if len(text) > MAX_WHERE_CHARS:
        raise ConfigError(f"the where filter is {len(text)} characters long; at most {MAX_WHERE_CHARS} are accepted")
    if not text.strip():
        raise ConfigError("the where filter is empty: leave it out, or write a condition such as \"price < 20\"")
    return _Parser(text, columns).parse()


class _Parser:
    def __init__(self, text: str, columns: Collection[str]) -> None:
        self.text, self.columns = text, frozenset(columns)
        self.tokens, self.pos, self.conditions, self.depth = _tokens(text), 0, 0, 0

    # -- the grammar -------------------------------------------------------------------------
    def parse(self) -> str:
        sql = self.disjunction()
        if self.peek.kind != "end":
            self.fail(f"unexpected {self.peek.text!r} after a complete condition (one condition only, no ';')")
        return sql

    def disjunction(self) -> str:
        parts = [self.conjunction()]
        while self.peek.keyword("OR"):
            self.next()
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else " OR ".join(f"({p})" for p in parts)

    def conjunction(self) -> str:
        parts = [self.negation()]
        while self.peek.keyword("AND"):
            self.next()
            parts.append(self.negation())
        return parts[0] if len(parts) == 1 else " AND ".join(f"({p})" for p in parts)

    def negation(self) -> str:
        if self.peek.keyword("NOT"):
            self.next()
            with_depth = self.nested()
            return f"NOT ({with_depth})"
        return self.predicate()

    def nested(self) -> str:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.fail(f"nested more than {MAX_DEPTH} levels deep")
        sql = self.negation()
        self.depth -= 1
        return sql

    def predicate(self) -> str:
        if self.peek.kind == "op" and self.peek.text == "(":
            self.next()
            self.depth += 1
            if self.depth > MAX_DEPTH:
                self.fail(f"nested more than {MAX_DEPTH} levels deep")
            sql = self.disjunction()
            self.expect(")")
            self.depth -= 1
            return sql
        self.count()
        left, boolean = self.operand()
        return self.condition(left, boolean)

    def condition(self, left: str, boolean: bool) -> str:
        token = self.peek
        if token.kind == "op" and token.text in _COMPARE:
            self.next()
            right, _ = self.operand()
            return f"{left} {_COMPARE[token.text]} {right}"
        if token.keyword("IS"):
            self.next()
            negated = self.take("NOT")
            if not self.take("NULL"):
                self.fail("expected NULL after IS [NOT]")
            return f"{left} IS {'NOT ' if negated else ''}NULL"
        negated = self.take("NOT")
        if self.peek.keyword("IN"):
            self.next()
            return f"{left} {'NOT ' if negated else ''}IN ({', '.join(self.values())})"
        if self.peek.keyword("BETWEEN"):
            self.next()
            low, _ = self.operand()
            if not self.take("AND"):
                self.fail("expected AND in BETWEEN ... AND ...")
            high, _ = self.operand()
            return f"{left} {'NOT ' if negated else ''}BETWEEN {low} AND {high}"
        if self.peek.keyword("LIKE"):
            self.next()
            return f"{left} {'NOT ' if negated else ''}LIKE {self.string()}"
        if negated:
            self.fail("expected IN, BETWEEN or LIKE after NOT")
        if not boolean:
            self.fail("expected a comparison, IN, IS NULL, BETWEEN or LIKE after the value")
        return left

    def operand(self) -> tuple[str, bool]:
        """A column, a literal or a function call: (SQL, whether it may stand alone as a condition)."""
        token = self.next()
        if token.kind == "number":
            return literal(_number(token)), False
        if token.kind == "string":
            return self.quoted(token), False
        if token.keyword("TRUE", "FALSE"):
            return literal(token.text.upper() == "TRUE"), True
        if token.kind == "word" and self.peek.kind == "op" and self.peek.text == "(":
            return self.call(token)
        if token.kind in ("word", "quoted") and not (token.kind == "word" and token.text.upper() in _KEYWORDS):
            return self.column(token), True
        self.fail(f"expected a column, a literal or a function, found {token.text or 'the end'!r}", token)

    def call(self, name: _Token) -> tuple[str, bool]:
        function = _FUNCTIONS.get(name.text.lower())
        if function is None:
            self.fail(f"the function {name.text!r} is not allowed", name)
        self.expect("(")
        if function == "array_has":
            target = self.column(self.next())
            self.expect(",")
            value, _ = self.operand()
            self.expect(")")
            return f"array_has({target}, {value})", True
        argument, _ = self.operand()
        self.expect(")")
        return f"{function}({argument})", False

    def values(self) -> list[str]:
        self.expect("(")
        found = [self.value()]
        while self.peek.kind == "op" and self.peek.text == ",":
            self.next()
            found.append(self.value())
            if len(found) > MAX_IN_VALUES:
                self.fail(f"more than {MAX_IN_VALUES} values in one IN list")
        self.expect(")")
        return found

    def value(self) -> str:
        token = self.next()
        if token.kind == "number":
            return literal(_number(token))
        if token.kind == "string":
            return self.quoted(token)
        self.fail(f"IN (...) takes string or number literals, found {token.text or 'the end'!r}", token)

    def string(self) -> str:
        token = self.next()
        if token.kind != "string":
            self.fail(f"LIKE takes a string literal such as '%rain%', found {token.text or 'the end'!r}", token)
        return self.quoted(token)

    # -- pieces ------------------------------------------------------------------------------
    def column(self, token: _Token) -> str:
        name = token.text[1:-1] if token.kind == "quoted" else token.text
        if token.kind not in ("word", "quoted") or name not in self.columns:
            shown = ", ".join(sorted(self.columns)) or "none"
            self.fail(f"{name!r} is not a column of this table (columns: {shown})", token)
        return column(name)

    def quoted(self, token: _Token) -> str:
        value = token.text[1:-1].replace("''", "'")
        if len(value) > MAX_LITERAL_CHARS:
            self.fail(f"a string of {len(value)} characters; at most {MAX_LITERAL_CHARS} are accepted", token)
        return literal(value)

    def count(self) -> None:
        self.conditions += 1
        if self.conditions > MAX_CONDITIONS:
            self.fail(f"more than {MAX_CONDITIONS} conditions")

    @property
    def peek(self) -> _Token:
        return self.tokens[self.pos]

    def next(self) -> _Token:
        token = self.tokens[self.pos]
        self.pos = min(self.pos + 1, len(self.tokens) - 1)
        return token

    def take(self, word: str) -> bool:
        if self.peek.keyword(word):
            self.next()
            return True
        return False

    def expect(self, op: str) -> None:
        token = self.next()
        if token.kind != "op" or token.text != op:
            self.fail(f"expected {op!r}, found {token.text or 'the end'!r}", token)

    def fail(self, problem: str, token: _Token | None = None) -> NoReturn:
        at = (token or self.peek).at
        shown = self.text if len(self.text) <= 80 else self.text[:77] + "..."
        raise ConfigError(f"the where filter {shown!r} is refused: {problem} (at character {at + 1}). "
                          f"A filter may use {ALLOWED}")


def _tokens(text: str) -> list[_Token]:
    found, pos = [], 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise ConfigError(f"the where filter is refused: unexpected character {text[pos]!r} at character "
                              f"{pos + 1}. A filter may use {ALLOWED}")
        kind = match.lastgroup or "space"
        if kind != "space":
            found.append(_Token(kind, match.group(), pos))
        pos = match.end()
    found.append(_Token("end", "", len(text)))
    return found


def _number(token: _Token) -> int | float:
    if len(token.text) > 30:
        raise ConfigError(f"the where filter is refused: the number {token.text[:30]}... is too long")
    number = float(token.text)
    if not math.isfinite(number):
        raise ConfigError(f"the where filter is refused: the number {token.text} is out of range")
    if re.fullmatch(r"-?\d+", token.text) and abs(number) < 2**63:
        return int(token.text)
    return number
