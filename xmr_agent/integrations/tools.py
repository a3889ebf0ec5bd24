"""The agent as tools: plain functions that every adapter (LangChain, LlamaIndex, MCP, HTTP) wraps.

    tools = XmrTools.open(".xmr", "catalog")            # or XmrTools(agent) / XmrTools(catalog)
    hits = tools.search("calm piano", k=3)               # list[Hit]
    answer = tools.ask("a calm piano song under $1")     # Answer
    answer = tools.recommend(liked_ids=["song-001"])     # "more like these", no log needed
    tools.describe_item("song-001")                      # the stored item

Inputs are checked here once, with the same pydantic argument models every adapter shows its
framework (:class:`SearchArgs`, :class:`AskArgs`, :class:`RecommendArgs`); the adapters only add
their framework's idiom, and import it lazily. A photo or a sound arrives as a file path or as
base64 (a ``data:`` URI or the bare characters), which is written to a file with a size limit.
Importing this module imports no framework and no LanceDB.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, NamedTuple

from pydantic import AfterValidator, BaseModel, Field
from pydantic_core import PydanticCustomError

from xmr_agent.errors import ConfigError, StoreError
from xmr_agent.integrations.cards import answer_card, hit_card, to_json
from xmr_agent.integrations.media import MAX_MEDIA_BYTES, MEDIA_FIELD, MediaInput
from xmr_agent.store.where import MAX_WHERE_CHARS, check_where

if TYPE_CHECKING:
    from xmr_agent.agent.pipeline import Agent, Answer
    from xmr_agent.recommend.profile import Interaction
    from xmr_agent.store.catalog import Catalog
    from xmr_agent.types import Hit

__all__ = ["MAX_IDS", "MAX_K", "MAX_TEXT_CHARS", "AskArgs", "DeleteArgs", "DescribeArgs", "ItemId", "RecommendArgs",
           "SearchArgs", "Text", "ToolSpec", "Words", "XmrTools", "check_text", "tool_specs"]

MAX_K = 50
#: Longest words of one request (a search query, an ask request, a chat message).
MAX_TEXT_CHARS = 4000
#: Most item ids in one list (exclude_ids, seed_ids, liked_ids, like, dislike).
MAX_IDS = 200
#: Longest item id accepted in a request.
MAX_ID_CHARS = 256
#: Longest photo or sound argument: a path, or base64 of MAX_MEDIA_BYTES (with a data: header).
MAX_MEDIA_CHARS = (MAX_MEDIA_BYTES * 4) // 3 + 1024


def valid_unicode(value: str) -> str:
    """``value`` if it can be written as UTF-8; an ``invalid_unicode`` validation error if it holds
    a lone surrogate (JSON allows ``"\\ud83c"`` alone; no file, database or response can hold it)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as e:
        raise PydanticCustomError("invalid_unicode", "not valid Unicode: a lone surrogate ({char}) at character "
                                  "{at}; send the text as UTF-8 (surrogates only in pairs)",
                                  {"char": f"\\u{ord(value[e.start]):04x}", "at": e.start + 1}) from None
    return value


#: Text checked for valid Unicode.
Text = Annotated[str, AfterValidator(valid_unicode)]
#: A user's words: valid Unicode, at most MAX_TEXT_CHARS.
Words = Annotated[str, AfterValidator(valid_unicode), Field(max_length=MAX_TEXT_CHARS)]
#: An item id as a request gives it.
ItemId = Annotated[str, AfterValidator(valid_unicode), Field(max_length=MAX_ID_CHARS)]
#: A photo or a sound: a path or base64.
Media = Annotated[str, AfterValidator(valid_unicode), Field(max_length=MAX_MEDIA_CHARS)]
#: A where filter (checked in full by :func:`xmr_agent.store.where.check_where`).
Where = Annotated[str, AfterValidator(valid_unicode), Field(max_length=MAX_WHERE_CHARS)]


class SearchArgs(BaseModel):
    """Find catalogue items similar to words, a photo or a spoken request."""

    query: Words = Field("", description="Words to search for (leave empty when searching with an image).")
    image: Media | None = Field(None, description=f"A photo to find similar items: {MEDIA_FIELD}.")
    audio: Media | None = Field(None, description=f"A spoken request, transcribed then searched: {MEDIA_FIELD}.")
    k: int = Field(5, ge=1, le=MAX_K, description="How many items to return.")
    where: Where | None = Field(None, description="Optional filter on item columns, e.g. \"price < 20\": "
                                                   "comparisons, AND/OR/NOT, IN, IS NULL, BETWEEN, LIKE, "
                                                   "lower/upper, array_has.")
    hybrid: bool = Field(False, description="Fuse full-text (keyword) search with the vector search.")
    detail: Literal["compact", "full"] = Field("compact", description="compact: ids, titles, key fields and a "
                                                                       "one-line reason; full: every short field.")


class AskArgs(BaseModel):
    """Recommend items for a request in plain words (filters such as 'under $20' are understood)."""

    request: Words = Field("", description="What the user wants, in their words.")
    image: Media | None = Field(None, description=f"A photo the user shared: {MEDIA_FIELD}.")
    audio: Media | None = Field(None, description=f"A spoken request or clip: {MEDIA_FIELD}.")
    k: int = Field(5, ge=1, le=MAX_K, description="How many recommendations.")
    exclude_ids: list[ItemId] = Field(default_factory=list, max_length=MAX_IDS,
                                      description="Item ids not to recommend (already shown).")
    seed_ids: list[ItemId] = Field(default_factory=list, max_length=MAX_IDS,
                                   description="Item ids the user mentioned or liked.")
    detail: Literal["compact", "full"] = Field("compact", description="compact: ids, titles, key fields and a "
                                                                       "one-line reason; full: every short field.")


class RecommendArgs(BaseModel):
    """More items for a user (from their interaction history) or like the given items."""

    user: ItemId | None = Field(None, description="A user id from the interaction log.")
    liked_ids: list[ItemId] = Field(default_factory=list, max_length=MAX_IDS, description="Item ids the user liked.")
    k: int = Field(5, ge=1, le=MAX_K, description="How many recommendations.")
    detail: Literal["compact", "full"] = Field("compact", description="compact: ids, titles, key fields and a "
                                                                       "one-line reason; full: every short field.")


class DescribeArgs(BaseModel):
    """Every stored field of one catalogue item."""

    item_id: ItemId = Field(description="The item's id, as returned by search, ask or recommend.")


class DeleteArgs(BaseModel):
    """Remove items from the catalogue for good (only offered when deleting was enabled)."""

    item_ids: list[ItemId] = Field(min_length=1, max_length=MAX_K, description="Ids of the items to remove.")


class XmrTools:
    """Search, ask, recommend and describe over one catalogue, safe to call from many threads.

    ``target`` is a :class:`~xmr_agent.store.catalog.Catalog` (an agent with no LLM is built on first
    use) or an :class:`~xmr_agent.agent.pipeline.Agent`. ``interactions`` (a JSONL log or events)
    lets ``recommend`` take a user id. ``media_roots``: folders file paths must lie in (``None``:
    any path; ``()``: base64 only — for callers on other machines). ``allow_delete`` offers
    :meth:`delete_items` (and the ``xmr_delete_items`` tool); it is off by default.
    """

    def __init__(self, target: Catalog | Agent, *, interactions: str | Path | Sequence[Interaction] | None = None,
                 media_roots: Sequence[str | Path] | None = None, max_media_bytes: int = MAX_MEDIA_BYTES,
                 allow_delete: bool = False) -> None:
        from xmr_agent.agent.pipeline import Agent

        self._agent: Agent | None = target if isinstance(target, Agent) else None
        self.catalog: Catalog = target.catalog if isinstance(target, Agent) else target
        self.media_input = MediaInput(media_roots, max_media_bytes)
        self.allow_delete = allow_delete
        self.events = _events(interactions)
        self._lock = threading.Lock()
        self._graph: Any = None

    @classmethod
    def open(cls, db: str | Path, table: str, **options: Any) -> XmrTools:
        from xmr_agent.store.catalog import Catalog

        return cls(Catalog.open(db, table), **options)

    @property
    def agent(self) -> Agent:
        if self._agent is None:
            with self._lock:
                if self._agent is None:
                    from xmr_agent.agent.pipeline import Agent

                    self._agent = Agent(self.catalog)
        return self._agent

    def warm_up(self) -> XmrTools:
        """Load every encoder and its model now (one throwaway text query), not in the first call."""
        for column in self.catalog.vectors:
            encoder = self.catalog.encoder(column)
            if "text" in encoder.modalities:
                encoder.encode(["warm up"], modality="text", role="query")
        return self

    # -- the tools ---------------------------------------------------------------------------
    def search(self, query: str = "", *, image: str | None = None, audio: str | None = None, k: int = 5,
               where: str | None = None, hybrid: bool = False) -> list[Hit]:
        """Items nearest to words, a photo (``image``) or a spoken request (``audio``); ``where`` is
        checked and rewritten by :func:`~xmr_agent.store.where.check_where` first."""
        where = self.check_search(query, k=k, where=where)
        if image and query.strip():
            raise ConfigError("search takes words or an image, not both; use ask to combine them")
        with self.media(image=image, audio=audio) as (image_path, audio_path):
            if audio_path:
                query = f"{query} {self.agent.transcribe(audio_path)}".strip()
            if image_path:
                return self.catalog.search(image_path, k=k, where=where, modality="image")
            if not query.strip():
                raise ConfigError("nothing to search for: give query words, an image or an audio clip")
            return self.catalog.search(query, k=k, where=where, hybrid=hybrid)

    def check_search(self, query: str, *, k: int = 5, where: str | None = None) -> str | None:
        """What :meth:`search` checks before it searches: ``k``, the query's text and ``where``
        (returned as :func:`~xmr_agent.store.where.check_where` writes it out again)."""
        _check_k(k)
        check_text(query, "query")
        return check_where(check_text(where, "where", MAX_WHERE_CHARS), self.catalog.columns()) \
            if where and where.strip() else None

    def ask(self, request: str = "", *, image: str | None = None, audio: str | None = None, k: int | None = 5,
            exclude_ids: Sequence[str] = (), seed_ids: Sequence[str] = (), explain: bool = True) -> Answer:
        """The agent's recommendations for a request, each with evidence and an explanation
        (``k=None``: as many as the request asks for, else 10)."""
        if k is not None:
            _check_k(k)
        check_text(request, "request")
        _check_ids(exclude_ids, "exclude_ids")
        _check_ids(seed_ids, "seed_ids")
        if not request.strip() and not image and not audio:
            raise ConfigError("the request is empty: say what you are looking for, or give an image or audio")
        with self.media(image=image, audio=audio) as (image_path, audio_path):
            return self.agent.ask(request, image=image_path, audio=audio_path, k=k, exclude_ids=exclude_ids,
                                  seed_ids=seed_ids, explain=explain)

    def recommend(self, user: str | None = None, *, liked_ids: Sequence[str] = (), k: int = 5) -> Answer:
        """More for ``user`` (from the interaction log) and/or like ``liked_ids``; popular items
        for a user with no history."""
        from xmr_agent.agent.users import recommend_for_user
        from xmr_agent.recommend.graph import ItemGraph
        from xmr_agent.recommend.profile import (
            Interaction,
            user_sessions,
        )

        _check_k(k)
        _check_ids(liked_ids, "liked_ids")
        if not user and not liked_ids:
            raise ConfigError("give a user id (with an interaction log) or liked_ids to recommend from")
        if user and not liked_ids and not self.events:
            raise ConfigError(f"no interaction log was given, so user {user!r} is unknown; pass liked_ids instead")
        missing = sorted(set(liked_ids) - {row["id"] for row in self.catalog.get(list(liked_ids))})
        if missing:
            raise StoreError(f"no item with id {', '.join(map(repr, missing))} in table {self.catalog.name!r}")
        events = list(self.events)
        who = user or "(liked items)"
        events += [Interaction(who, i, 1.0, 0.0) for i in liked_ids]
        if liked_ids:
            graph = ItemGraph.fit(user_sessions(events))
        else:
            with self._lock:
                self._graph = self._graph or ItemGraph.fit(user_sessions(events))
            graph = self._graph
        return recommend_for_user(self.agent.using(graph=graph), events, who, k=k)

    def delete_items(self, item_ids: Sequence[str]) -> int:
        """Remove items (one writer at a time per table); how many there were. Off unless the
        tools were made with ``allow_delete=True``."""
        if not self.allow_delete:
            raise ConfigError("deleting items is not enabled here (start the tools with allow_delete=True, "
                              "or `xmr mcp --allow-delete`)")
        from xmr_agent.store.locks import write_lock

        with write_lock(self.catalog.uri, self.catalog.name):
            return self.catalog.delete(list(item_ids))

    def describe_item(self, item_id: str) -> dict[str, Any]:
        """Every stored (user-visible) field of one item."""
        found = self.catalog.get([item_id])
        if not found:
            raise StoreError(f"no item with id {item_id!r} in table {self.catalog.name!r}")
        return found[0]

    # -- media -------------------------------------------------------------------------------
    def media(self, *, image: str | None = None, audio: str | None = None,
              folder: str | Path | None = None) -> AbstractContextManager[tuple[str | None, str | None]]:
        """File paths for ``image`` and ``audio`` given as paths or base64 (see :class:`MediaInput`)."""
        return self.media_input.files(image=image, audio=audio, folder=folder)

    def media_path(self, value: str, kind: str, folder: Path, created: list[Path] | None = None) -> str:
        """A path for ``value`` (a path inside the allowed roots, or base64 written into ``folder``;
        a file written now is added to ``created``)."""
        return self.media_input.path(value, kind, folder, created)


class ToolSpec(NamedTuple):
    """One tool as every framework needs it: a name, the argument model (its docstring is the
    description), and ``run(**args) → (JSON text for the model, the full JSON-ready result)``."""

    name: str
    args: type[BaseModel]
    run: Callable[..., tuple[str, Any]]


def tool_specs(tools: XmrTools, *, describe: bool = True) -> list[ToolSpec]:
    """``xmr_search``, ``xmr_ask``, ``xmr_recommend`` (and ``xmr_describe_item``) over ``tools``;
    arguments are validated with their model, so adapters may pass them through untouched."""

    def search(**args: Any) -> tuple[str, Any]:
        a = SearchArgs(**args)
        hits = tools.search(**a.model_dump(exclude={"detail"}))
        return to_json([hit_card(h, compact=a.detail == "compact") for h in hits]), [h.to_dict() for h in hits]

    def ask(**args: Any) -> tuple[str, Any]:
        a = AskArgs(**args)
        answer = tools.ask(a.request, image=a.image, audio=a.audio, k=a.k, exclude_ids=a.exclude_ids,
                           seed_ids=a.seed_ids)
        return to_json(answer_card(answer, compact=a.detail == "compact")), answer.to_dict()

    def recommend(**args: Any) -> tuple[str, Any]:
        a = RecommendArgs(**args)
        answer = tools.recommend(a.user, liked_ids=a.liked_ids, k=a.k)
        return to_json(answer_card(answer, compact=a.detail == "compact")), answer.to_dict()

    def describe_item(**args: Any) -> tuple[str, Any]:
        item = tools.describe_item(DescribeArgs(**args).item_id)
        return to_json(item), item

    def delete_items(**args: Any) -> tuple[str, Any]:
        ids = DeleteArgs(**args).item_ids
        result = {"removed": tools.delete_items(ids), "asked": len(set(ids))}
        return to_json(result), result

    specs = [ToolSpec("xmr_search", SearchArgs, search), ToolSpec("xmr_ask", AskArgs, ask),
             ToolSpec("xmr_recommend", RecommendArgs, recommend)]
    specs += [ToolSpec("xmr_describe_item", DescribeArgs, describe_item)] if describe else []
    return specs + [ToolSpec("xmr_delete_items", DeleteArgs, delete_items)] if tools.allow_delete else specs


# -- helpers ---------------------------------------------------------------------------------
def _check_k(k: int) -> None:
    if not 1 <= k <= MAX_K:
        raise ConfigError(f"k must be between 1 and {MAX_K}, got {k}")


def check_text(value: str, name: str, limit: int = MAX_TEXT_CHARS) -> str:
    """``value`` if it is valid Unicode of at most ``limit`` characters, else :class:`ConfigError`."""
    if len(value) > limit:
        raise ConfigError(f"the {name} is {len(value)} characters long; at most {limit} are accepted")
    try:
        valid_unicode(value)
    except ValueError as e:
        raise ConfigError(f"the {name} is {e}") from None
    return value


def _check_ids(ids: Sequence[str], name: str) -> None:
    if len(ids) > MAX_IDS:
        raise ConfigError(f"{name} has {len(ids)} ids; at most {MAX_IDS} are accepted")
    for item in ids:
        check_text(item, name, MAX_ID_CHARS)


def _events(interactions: str | Path | Sequence[Interaction] | None) -> list[Interaction]:
    if interactions is None:
        return []
    if isinstance(interactions, str | Path):
        from xmr_agent.recommend.profile import read_interactions

        events, _bad = read_interactions(interactions)
        return events
    return list(interactions)


