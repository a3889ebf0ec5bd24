"""Intent suites: requests to the agent, each with the constraints its answer must meet.

A suite is a JSONL file, one case a line, written by whoever knows the catalogue (the format is
in ``docs/evaluation.md``)::

    {"id": "shop-cheap-kitchen", "table": "shop", "lang": "en", "kind": "price", "split": "dev",
     "request": "something cheap for the kitchen", "k": 3,
     "expect": {"every": [{"column": "price", "op": "<", "value": 20}], "none_of": ["knife-chef"]}}
    {"id": "shop-chat-reset", "table": "shop", "kind": "chat",
     "turns": [{"say": "a mug"}, {"say": "start over"}, {"say": "a tent", "expect": {"any_of": ["tent-1"]}}]}

A case with ``request`` is one request (:meth:`~xmr_agent.agent.pipeline.Agent.ask`); a case
with ``turns`` is a conversation (:class:`~xmr_agent.agent.session.Session`), checked turn by
turn. Expectations apply to the top ``k`` items shown (3 unless the case says otherwise); a key
left out is not checked. :func:`load_suite` refuses a file with any bad line and names every
one, so a typo never silently drops a case from the pass rate. :func:`check` compares one
answer's items with an :class:`Expect` and says what failed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from xmr_agent.agent.filters import satisfies
from xmr_agent.agent.query import Filter, Op, Scalar
from xmr_agent.errors import ConfigError
from xmr_agent.ingestion.decoding import column_name

#: Top items an expectation looks at when a case gives no ``k``.
DEFAULT_K = 3
#: Bad lines listed in one error (the count of the rest follows).
MAX_LISTED_ERRORS = 20


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Condition(_Strict):
    """``column op value`` on each shown item's stored value, with the operators of
    :class:`~xmr_agent.agent.query.Filter` (= != < <= > >= contains not_contains)."""

    column: str
    op: Op
    value: Scalar | list[Scalar]

    def __str__(self) -> str:
        return f"{self.column} {self.op} {self.value!r}"


class Order(_Strict):
    """The items shown are sorted by ``column`` (``asc``: smallest first)."""

    column: str
    direction: Literal["asc", "desc"] = "asc"


class Expect(_Strict):
    """What the top ``k`` items must be. ``any_of``: at least one of these ids; ``all_of``: every
    one; ``none_of``: none; ``first``: the top item is this id (or one of these ids); ``every``:
    each item meets each condition; ``order``: the items are sorted so. ``every``, ``order`` and
    ``first`` fail on an answer with no items; ``empty: true`` expects no items at all."""

    any_of: list[str] = Field(default_factory=list)
    all_of: list[str] = Field(default_factory=list)
    none_of: list[str] = Field(default_factory=list)
    first: str | list[str] | None = None
    every: list[Condition] = Field(default_factory=list)
    order: Order | None = None
    empty: bool | None = None

    def ids(self) -> set[str]:
        """Every item id the expectation names."""
        first = [self.first] if isinstance(self.first, str) else (self.first or [])
        return {*self.any_of, *self.all_of, *self.none_of, *first}


class Turn(_Strict):
    """One message of a conversation, an optional photo (``image``, relative to the suite file),
    and what its answer must be."""

    say: str = ""
    image: str | None = None
    expect: Expect | None = None


class IntentCase(_Strict):
    """One case: a single ``request`` (optionally with a photo) or a conversation (``turns``)."""

    id: str = Field(min_length=1)
    table: str | None = None
    lang: str = ""
    kind: str = ""
    split: Literal["dev", "test"] | None = None
    request: str | None = None
    image: str | None = None
    k: int = Field(default=DEFAULT_K, ge=1, le=200)
    expect: Expect | None = None
    turns: list[Turn] | None = None

    @model_validator(mode="after")
    def _one_shape(self) -> IntentCase:
        if (self.request is None) == (self.turns is None):
            raise ValueError("give either 'request' (one request) or 'turns' (a conversation), not both or neither")
        if self.turns is not None:
            if not self.turns:
                raise ValueError("'turns' is empty")
            if self.expect is not None or self.image is not None:
                raise ValueError("a conversation puts 'expect' and 'image' on its turns, not on the case")
            if any(not t.say.strip() and t.image is None for t in self.turns):
                raise ValueError("every turn needs words ('say') or a photo ('image')")
        elif not (self.request or "").strip() and self.image is None:
            raise ValueError("'request' is empty and there is no 'image'")
        return self

    @property
    def chat(self) -> bool:
        return self.turns is not None

    def images(self) -> list[str]:
        return [i for i in [self.image, *(t.image for t in self.turns or [])] if i]


def load_suite(path: str | Path) -> list[IntentCase]:
    """The cases of a JSONL suite; image paths are made absolute (relative to the file).

    Blank lines are skipped. Any bad line (not JSON, a missing or unknown key, an unknown
    operator, a photo that is not there, an id used twice) stops the load with a
    :class:`~xmr_agent.errors.ConfigError` naming each bad line: a suite runs whole or not at all.
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"cannot read the suite {path}: {e}") from e
    cases: list[IntentCase] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            case = _parse(line, path.parent)
        except ValueError as e:
            errors.append(f"line {number}: {e}")
            continue
        if case.id in seen:
            errors.append(f"line {number}: id {case.id!r} is already used on line {seen[case.id]}")
            continue
        seen[case.id] = number
        cases.append(case)
    if errors:
        shown = errors[:MAX_LISTED_ERRORS]
        more = f"\n  … and {len(errors) - len(shown)} more" if len(errors) > len(shown) else ""
        raise ConfigError(f"the suite {path} has {len(errors)} bad line(s); nothing was run:\n  "
                          + "\n  ".join(shown) + more)
    if not cases:
        raise ConfigError(f"the suite {path} has no cases")
    return cases


def _parse(line: str, base: Path) -> IntentCase:
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as e:
        raise ValueError(f"not JSON ({e.msg} at column {e.colno})") from None
    if not isinstance(raw, dict):
        raise ValueError(f"expected a JSON object, got {type(raw).__name__}")
    try:
        case = IntentCase.model_validate(raw)
    except ValidationError as e:
        where = str(raw.get("id")) if isinstance(raw.get("id"), str) else "?"
        raise ValueError(f"case {where!r}: {_validation_message(e)}") from None
    missing = [i for i in case.images() if not (base / i).is_file()]
    if missing:
        raise ValueError(f"case {case.id!r}: no image file {missing[0]!r} (looked at {base / missing[0]})")
    return case.model_copy(update=_absolute_images(case, base))


def _absolute_images(case: IntentCase, base: Path) -> dict[str, Any]:
    update: dict[str, Any] = {}
    if case.image:
        update["image"] = str((base / case.image).resolve())
    if case.turns:
        update["turns"] = [t.model_copy(update={"image": str((base / t.image).resolve())}) if t.image else t
                           for t in case.turns]
    return update


def _validation_message(error: ValidationError) -> str:
    parts = []
    for e in error.errors():
        where = ".".join(str(p) for p in e["loc"])
        parts.append(f"{where}: {e['msg']}" if where else e["msg"])
    return "; ".join(parts)


def check(expect: Expect | None, items: Sequence[Mapping[str, Any]], renamed: Mapping[str, str] | None = None) -> list[str]:
    """What ``items`` (the top k shown, in order, as stored rows) get wrong against ``expect``:
    one sentence per failed expectation; an empty list is a pass. ``renamed``: the file's names of
    columns stored under another name ("label" → "title")."""
    if expect is None:
        return []
    ids = [str(item.get("id")) for item in items]
    shown = f"the top {len(ids)}" if ids else "the answer (no items)"
    failed = []
    if expect.empty is True and ids:
        failed.append(f"empty: expected no items, got {', '.join(ids)}")
    if expect.empty is False and not ids:
        failed.append("empty: expected items, got none")
    if expect.any_of and not set(expect.any_of) & set(ids):
        failed.append(f"any_of: none of {', '.join(expect.any_of)} in {shown}")
    missing = [i for i in expect.all_of if i not in ids]
    if missing:
        failed.append(f"all_of: {', '.join(missing)} not in {shown}")
    unwanted = [i for i in ids if i in set(expect.none_of)]
    if unwanted:
        failed.append(f"none_of: {', '.join(unwanted)} shown")
    if expect.first is not None:
        wanted = [expect.first] if isinstance(expect.first, str) else expect.first
        if not ids or ids[0] not in wanted:
            failed.append(f"first: expected {' or '.join(wanted)}, got {ids[0] if ids else 'nothing'}")
    for condition in expect.every:
        if not items:
            failed.append(f"every: {condition}: no items shown")
            continue
        column = _stored(condition.column, items, renamed or {})
        bad = [f"{item.get('id')} ({condition.column}={_value(item, column)})"
               for item in items if not _meets(item, column, condition)]
        if bad:
            failed.append(f"every: {condition} fails for {', '.join(bad)}")
    if expect.order is not None:
        failed += _order_problem(expect.order, items, renamed or {})
    return failed


def _stored(column: str, items: Sequence[Mapping[str, Any]], renamed: Mapping[str, str]) -> str:
    """The name ``column`` (as a catalogue file's header writes it: "Price (£)", "label") has in
    the table (``price``, ``title``), as ingestion names columns."""
    if not items or any(column in item for item in items):
        return column
    return renamed.get(column) or column_name(column)


def _order_problem(order: Order, items: Sequence[Mapping[str, Any]], renamed: Mapping[str, str]) -> list[str]:
    column = _stored(order.column, items, renamed)
    values = [item.get(column) for item in items]
    if not items:
        return [f"order: by {order.column} {order.direction}: no items shown"]
    if any(v is None for v in values):
        return [f"order: some items have no {order.column}"]
    try:
        ordered = sorted(values, reverse=order.direction == "desc")  # type: ignore[type-var]
    except TypeError:
        return [f"order: values of {order.column} cannot be compared"]
    if values != ordered:
        return [f"order: not sorted by {order.column} {order.direction} ({', '.join(map(str, values))})"]
    return []


def _meets(item: Mapping[str, Any], column: str, condition: Condition) -> bool:
    """``condition`` on ``item``; a list of values is any one of them for ``=`` ("Men" or
    "Unisex"), and each of them for the other operators (``!=``: none of them)."""
    values = condition.value if isinstance(condition.value, list) else [condition.value]
    met = [satisfies(item, Filter(column=column, op=condition.op, value=v)) for v in values]
    return any(met) if condition.op == "=" else all(met)


def _value(item: Mapping[str, Any], column: str) -> Any:
    value = item.get(column)
    return value if value is not None else "missing"
