"""What a user wants, as structured data: the :class:`CrossModalQuery` a rewriter produces.

These are pydantic models because they cross edges: an LLM writes them as JSON, sessions
store them, the HTTP API returns them. Everything in them is data; filters become a LanceDB
``where`` clause only through :mod:`xmr_agent.agent.filters`, which checks every column and
value against the table.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Target = Literal["any", "text", "image", "audio"]
Op = Literal["=", "!=", "<", "<=", ">", ">=", "contains", "not_contains"]
Scalar = str | int | float | bool


class SubQuery(BaseModel):
    """One thing to search for: words, or an attached file, aimed at a kind of content.

    ``target`` says what the words describe: ``text`` (the item's description), ``image`` (how
    it looks), ``audio`` (how it sounds) or ``any``. ``weight`` is its share in the fusion.
    """

    model_config = ConfigDict(frozen=True)

    text: str = ""
    file: str | None = Field(default=None, description="path of an attached image or audio file")
    item: str | None = Field(default=None, description="id of a catalogue item whose stored vectors are the query")
    modality: Literal["text", "image", "audio", "item"] = "text"
    target: Target = "any"
    weight: float = Field(default=1.0, ge=0.0, le=10.0)

    @field_validator("text")
    @classmethod
    def _strip(cls, value: str) -> str:
        return " ".join(value.split())


class Filter(BaseModel):
    """A condition on a metadata column. ``hard`` filters restrict the search (a ``where``
    clause); soft ones only lift the items that meet them."""

    model_config = ConfigDict(frozen=True)

    column: str
    op: Op
    value: Scalar | list[Scalar]
    hard: bool = True

    def __str__(self) -> str:
        return f"{self.column} {self.op} {self.value!r}" + ("" if self.hard else " (preferred)")


class Order(BaseModel):
    """Ranking by a numeric column. ``sort``: a superlative ("the cheapest": the relevant items
    in the column's order); ``low``/``high``: a relative word ("cheap", "pricey": the lower or
    upper half of the relevant items' values first); ``less``/``more``: a comparative
    ("cheaper") — than a named or shown item when there is one, else like ``low``/``high``."""

    model_config = ConfigDict(frozen=True)

    column: str
    mode: Literal["sort", "low", "high", "less", "more"] = "sort"
    descending: bool = False

    def __str__(self) -> str:
        if self.mode == "sort":
            return f"sort by {self.column} {'descending' if self.descending else 'ascending'}"
        return {"low": "low", "high": "high", "less": "lower", "more": "higher"}[self.mode] + f" {self.column}"


class CrossModalQuery(BaseModel):
    """The rewritten intent: sub-queries with weights, filters, things to avoid, and how many."""

    model_config = ConfigDict(frozen=True)

    queries: tuple[SubQuery, ...] = ()
    filters: tuple[Filter, ...] = ()
    avoid: tuple[str, ...] = Field(default=(), description="negative preferences, e.g. 'scary'")
    k: int = Field(default=10, ge=1, le=200)
    exclude_ids: tuple[str, ...] = Field(default=(), description="items never to return")
    like_ids: tuple[str, ...] = Field(default=(), description="find more like these items (their stored vectors)")
    unlike_ids: tuple[str, ...] = Field(default=(), description="demote items like these")
    seed_ids: tuple[str, ...] = Field(default=(), description="items the user mentioned or liked, oldest first "
                                                                 "(for item-to-item links from interaction logs)")
    within_ids: tuple[str, ...] = Field(default=(), description="answer among these items only ('which of those is "
                                                                   "the lightest')")
    order: Order | None = Field(default=None, description="rank by a numeric column (the cheapest, cheap, cheaper)")
    exclude_words: tuple[str, ...] = Field(default=(), description="items whose title names these are never shown "
                                                                     "('no mugs')")
    context: tuple[str, ...] = Field(default=(), description="kinds the request names as what the thing wanted "
                                     "is for or goes with ('a lock for my suitcase'): never guessed as its kind")
    head: str | None = Field(default=None, description="the stem of the head noun of the thing asked for, as "
                             "the catalogue's titles end ('racket' in 'the cheapest tennis racket')")
    notes: tuple[str, ...] = Field(default=(), description="what the rewriter did, for traces")

    def guessed(self) -> list[Filter]:
        """The kinds found by meaning or by the titles (:func:`guessed_note`, :func:`titled_note`), not
        stated by the user: they give way when nothing meets them."""
        return [f for f in self.filters if guessed_note(f) in self.notes or titled_note(f) in self.notes]

    def gives_way(self) -> list[Filter]:
        """The conditions that give way when nothing meets them: those :meth:`guessed`, who an
        item is for read from words about people (:func:`audience_note`: "for my wife"), and
        bounds read from loose words (:func:`loose_note`: "near the beach")."""
        return [*self.guessed(), *(f for f in self.filters if audience_note(f) in self.notes or loose_note(f) in self.notes)]


def guessed_note(flt: Filter) -> str:
    """How the rewriter notes a preference it found by meaning ("a lamp" → category lighting)."""
    return f"{flt} by meaning"


def titled_note(flt: Filter) -> str:
    """How the rewriter notes a kind read in the titles ("paper plates" → section tableware)."""
    return f"{flt} by the titles"


def loose_note(flt: Filter) -> str:
    """How the rewriter notes a bound read from loose words ("near the beach" → beach_km <= 2)."""
    return f"{flt} read loosely"


def audience_note(flt: Filter) -> str:
    """How the rewriter notes who an item is for, read from words about people ("for my wife" →
    audience women)."""
    return f"{flt} for who it is for"


# -- what an LLM is asked to write (a narrower shape: words only, no files, no ids) ------------
class LLMSubQuery(BaseModel):
    text: str = Field(description="a short search phrase")
    target: Target = Field(default="any", description="what the phrase describes")
    weight: float = Field(default=1.0, ge=0.0, le=10.0)


class LLMFilter(BaseModel):
    column: str
    op: Op
    value: Scalar | list[Scalar]


class LLMOrder(BaseModel):
    column: str
    mode: Literal["sort", "low", "high", "less", "more"] = "sort"
    descending: bool = False


class LLMRewrite(BaseModel):
    queries: list[LLMSubQuery] = Field(default_factory=list, max_length=4)
    filters: list[LLMFilter] = Field(default_factory=list, max_length=6)
    avoid: list[str] = Field(default_factory=list, max_length=6)
    exclude_words: list[str] = Field(default_factory=list, max_length=6)
    order: LLMOrder | None = None
    k: int | None = Field(default=None, ge=1, le=200)


def describe_query(query: CrossModalQuery) -> str:
    """One line for terminals: sub-queries, filters, avoid, order, k."""
    parts = [f"{s.text or s.file or 'item ' + str(s.item)!r}→{s.target}×{s.weight:g}" for s in query.queries]
    parts += [str(f) for f in query.filters] + [f"avoid {a!r}" for a in query.avoid]
    parts += [str(query.order)] if query.order is not None else []
    return "; ".join(parts) + f"; k={query.k}" if parts else "nothing asked yet"
