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
Importing this package imports no framework and no LanceDB.
"""

from __future__ import annotations

import base64
import binascii
import copy
import hashlib
import json
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from pydantic import BaseModel, Field

from xmr_agent.errors import ConfigError, StoreError

if TYPE_CHECKING:
    from xmr_agent.agent.pipeline import Agent, Answer
    from xmr_agent.recommend.profile import Interaction
    from xmr_agent.store import Catalog
    from xmr_agent.types import Hit

__all__ = ["MAX_MEDIA_BYTES", "AskArgs", "DescribeArgs", "RecommendArgs", "SearchArgs", "ToolSpec", "XmrTools",
           "answer_card", "hit_card", "media_folder", "media_suffix", "to_json", "tool_specs"]

#: Largest photo or sound accepted as base64 (decoded bytes).
MAX_MEDIA_BYTES = 10 * 1024 * 1024
MAX_K = 50
SNIPPET = 240
_MEDIA_FIELD = "a file path, or the file as base64 (a data: URI or bare base64)"
_MIME_SUFFIX = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp",
                "image/bmp": ".bmp", "audio/wav": ".wav", "audio/x-wav": ".wav", "audio/wave": ".wav",
                "audio/mpeg": ".mp3", "audio/mp3": ".mp3", "audio/flac": ".flac", "audio/ogg": ".ogg",
                "audio/mp4": ".m4a", "audio/webm": ".webm"}
_MAGIC = ((b"\xff\xd8\xff", ".jpg"), (b"\x89PNG", ".png"), (b"GIF8", ".gif"), (b"BM", ".bmp"), (b"ID3", ".mp3"),
          (b"fLaC", ".flac"), (b"OggS", ".ogg"), (b"\x1aE\xdf\xa3", ".webm"))


class SearchArgs(BaseModel):
    """Find catalogue items similar to words, a photo or a spoken request."""

    query: str = Field("", description="Words to search for (leave empty when searching with an image).")
    image: str | None = Field(None, description=f"A photo to find similar items: {_MEDIA_FIELD}.")
    audio: str | None = Field(None, description=f"A spoken request, transcribed then searched: {_MEDIA_FIELD}.")
    k: int = Field(5, ge=1, le=MAX_K, description="How many items to return.")
    where: str | None = Field(None, description="Optional SQL filter on item columns, e.g. \"price < 20\".")
    hybrid: bool = Field(False, description="Fuse full-text (keyword) search with the vector search.")


class AskArgs(BaseModel):
    """Recommend items for a request in plain words (filters such as 'under $20' are understood)."""

    request: str = Field("", description="What the user wants, in their words.")
    image: str | None = Field(None, description=f"A photo the user shared: {_MEDIA_FIELD}.")
    audio: str | None = Field(None, description=f"A spoken request or clip: {_MEDIA_FIELD}.")
    k: int = Field(5, ge=1, le=MAX_K, description="How many recommendations.")
    exclude_ids: list[str] = Field(default_factory=list, description="Item ids not to recommend (already shown).")
    seed_ids: list[str] = Field(default_factory=list, description="Item ids the user mentioned or liked.")


class RecommendArgs(BaseModel):
    """More items for a user (from their interaction history) or like the given items."""

    user: str | None = Field(None, description="A user id from the interaction log.")
    liked_ids: list[str] = Field(default_factory=list, description="Item ids the user liked.")
    k: int = Field(5, ge=1, le=MAX_K, description="How many recommendations.")


class DescribeArgs(BaseModel):
    """Every stored field of one catalogue item."""

    item_id: str = Field(description="The item's id, as returned by search, ask or recommend.")


class XmrTools:
    """Search, ask, recommend and describe over one catalogue, safe to call from many threads.

    ``target`` is a :class:`~xmr_agent.store.Catalog` (an agent with no LLM is built on first
    use) or an :class:`~xmr_agent.agent.pipeline.Agent`. ``interactions`` (a JSONL log or events)
    lets ``recommend`` take a user id. ``media_roots``: folders file paths must lie in (``None``:
    any path; ``()``: base64 only — for callers on other machines).
    """

    def __init__(self, target: Catalog | Agent, *, interactions: str | Path | Sequence[Interaction] | None = None,
                 media_roots: Sequence[str | Path] | None = None, max_media_bytes: int = MAX_MEDIA_BYTES) -> None:
        from xmr_agent.agent.pipeline import Agent

        self._agent: Agent | None = target if isinstance(target, Agent) else None
        self.catalog: Catalog = target.catalog if isinstance(target, Agent) else target
        self.media_roots = None if media_roots is None else [Path(r).resolve() for r in media_roots]
        self.max_media_bytes = max_media_bytes
        self.events = _events(interactions)
        self._lock = threading.Lock()
        self._graph: Any = None

    @classmethod
    def open(cls, db: str | Path, table: str, **options: Any) -> XmrTools:
        from xmr_agent.store import Catalog

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
        """Items nearest to words, a photo (``image``) or a spoken request (``audio``)."""
        _check_k(k)
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

    def ask(self, request: str = "", *, image: str | None = None, audio: str | None = None, k: int = 5,
            exclude_ids: Sequence[str] = (), seed_ids: Sequence[str] = (), explain: bool = True) -> Answer:
        """The agent's recommendations for a request, each with evidence and an explanation."""
        _check_k(k)
        if not request.strip() and not image and not audio:
            raise ConfigError("the request is empty: say what you are looking for, or give an image or audio")
        with self.media(image=image, audio=audio) as (image_path, audio_path):
            return self.agent.ask(request, image=image_path, audio=audio_path, k=k, exclude_ids=exclude_ids,
                                  seed_ids=seed_ids, explain=explain)

    def recommend(self, user: str | None = None, *, liked_ids: Sequence[str] = (), k: int = 5) -> Answer:
        """More for ``user`` (from the interaction log) and/or like ``liked_ids``; popular items
        for a user with no history."""
        from xmr_agent.recommend.graph import ItemGraph
        from xmr_agent.recommend.profile import Interaction, recommend_for_user, user_sessions

        _check_k(k)
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
        agent = copy.copy(self.agent)  # recommend_for_user sets the graph and popularity on the agent it gets
        if liked_ids:
            agent.graph = ItemGraph.fit(user_sessions(events))
        else:
            with self._lock:
                self._graph = self._graph or ItemGraph.fit(user_sessions(events))
            agent.graph = self._graph
        return recommend_for_user(agent, events, who, k=k)

    def describe_item(self, item_id: str) -> dict[str, Any]:
        """Every stored (user-visible) field of one item."""
        found = self.catalog.get([item_id])
        if not found:
            raise StoreError(f"no item with id {item_id!r} in table {self.catalog.name!r}")
        return found[0]

    # -- media -------------------------------------------------------------------------------
    @contextmanager
    def media(self, *, image: str | None = None, audio: str | None = None,
              folder: str | Path | None = None) -> Iterator[tuple[str | None, str | None]]:
        """File paths for ``image`` and ``audio`` given as paths or base64; decoded files go to
        ``folder`` (kept, named by content) or to a temporary folder removed on exit."""
        with tempfile.TemporaryDirectory(prefix="xmr-media-") as scratch:
            target = Path(folder) if folder is not None else Path(scratch)
            yield (self.media_path(image, "image", target) if image else None,
                   self.media_path(audio, "audio", target) if audio else None)

    def media_path(self, value: str, kind: str, folder: Path) -> str:
        """A path for ``value`` (a path inside the allowed roots, or base64 written into ``folder``)."""
        value = value.strip()
        if value.startswith("data:"):
            header, _, payload = value.partition(",")
            return self._write(_decode(payload, kind, self.max_media_bytes), kind, folder, header[5:].split(";")[0])
        if len(value) < 1024 and "\n" not in value and Path(value).expanduser().is_file():
            return self._allowed(Path(value).expanduser(), kind)
        try:
            data = _decode(value, kind, self.max_media_bytes)
        except ConfigError:
            if len(value) < 1024 and ("/" in value or "." in value):
                raise ConfigError(f"{kind} {value!r}: no such file here (send the file as base64 instead)") from None
            raise
        return self._write(data, kind, folder, "")

    def _allowed(self, path: Path, kind: str) -> str:
        resolved = path.resolve()
        if self.media_roots is not None and not any(resolved.is_relative_to(r) for r in self.media_roots):
            raise ConfigError(f"{kind} path {str(path)!r} is outside the folders this server reads from; "
                              "send the file as base64 (or upload it) instead")
        return str(resolved)

    @staticmethod
    def _write(data: bytes, kind: str, folder: Path, mime: str) -> str:
        suffix = media_suffix(data, kind, mime)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{hashlib.sha256(data).hexdigest()[:24]}{suffix}"
        if not path.exists():
            tmp = path.with_suffix(f"{suffix}.{threading.get_ident()}.tmp")
            tmp.write_bytes(data)
            tmp.replace(path)
        return str(path)


def media_folder(db: str | Path) -> Path:
    """Where a served catalogue keeps uploaded media: a folder beside the database (``DB-media``)."""
    db = Path(db)
    return db.with_name(f"{db.name}-media")


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
        hits = tools.search(**SearchArgs(**args).model_dump())
        return to_json([hit_card(h) for h in hits]), [h.to_dict() for h in hits]

    def ask(**args: Any) -> tuple[str, Any]:
        a = AskArgs(**args)
        answer = tools.ask(a.request, image=a.image, audio=a.audio, k=a.k, exclude_ids=a.exclude_ids,
                           seed_ids=a.seed_ids)
        return to_json(answer_card(answer)), answer.to_dict()

    def recommend(**args: Any) -> tuple[str, Any]:
        a = RecommendArgs(**args)
        answer = tools.recommend(a.user, liked_ids=a.liked_ids, k=a.k)
        return to_json(answer_card(answer)), answer.to_dict()

    def describe_item(**args: Any) -> tuple[str, Any]:
        item = tools.describe_item(DescribeArgs(**args).item_id)
        return to_json(item), item

    specs = [ToolSpec("xmr_search", SearchArgs, search), ToolSpec("xmr_ask", AskArgs, ask),
             ToolSpec("xmr_recommend", RecommendArgs, recommend)]
    return specs + [ToolSpec("xmr_describe_item", DescribeArgs, describe_item)] if describe else specs


# -- output for language models -------------------------------------------------------------
def hit_card(hit: Hit) -> dict[str, Any]:
    """A compact, JSON-ready view of a hit for a language model: id, score, title, a snippet,
    scalar metadata and media paths."""
    return {"id": hit.id, "score": round(float(hit.score), 4), **_item_card(hit.item)}


def answer_card(answer: Answer) -> dict[str, Any]:
    """A compact view of an answer: the filters applied and each recommendation with its reason."""
    recs = [{"rank": r.rank, "id": r.id, "score": round(float(r.score), 4), **_item_card(r.item),
             "why": r.explanation} for r in answer.recommendations]
    notes = [e["reason"] for e in answer.trace if e.get("step") == "relax"]
    card = {"request": answer.request, "where": answer.where, "recommendations": recs}
    return card | {"notes": notes} if notes else card


def to_json(value: Any) -> str:
    """Compact JSON (non-JSON values such as dates become strings)."""
    return json.dumps(value, ensure_ascii=False, default=str)


def _item_card(item: dict[str, Any]) -> dict[str, Any]:
    text = str(item.get("text") or "")
    snippet = text[:SNIPPET] + ("…" if len(text) > SNIPPET else "")
    card: dict[str, Any] = {"title": item.get("title") or "", "text": snippet}
    for key, value in item.items():
        if key in ("id", "title", "text") or value is None or value == []:
            continue
        if isinstance(value, str | int | float | bool) or (isinstance(value, list) and len(value) <= 12):
            card[key] = value
    return card


# -- helpers ---------------------------------------------------------------------------------
def _check_k(k: int) -> None:
    if not 1 <= k <= MAX_K:
        raise ConfigError(f"k must be between 1 and {MAX_K}, got {k}")


def _events(interactions: str | Path | Sequence[Interaction] | None) -> list[Interaction]:
    if interactions is None:
        return []
    if isinstance(interactions, str | Path):
        from xmr_agent.recommend.profile import read_interactions

        events, _bad = read_interactions(interactions)
        return events
    return list(interactions)


def _decode(payload: str, kind: str, limit: int) -> bytes:
    if len(payload) > (limit * 4) // 3 + 8:
        raise ConfigError(f"the {kind} is larger than {limit // (1024 * 1024)} MB; send a smaller file")
    try:
        data = base64.b64decode("".join(payload.split()), validate=True)
    except (binascii.Error, ValueError) as e:
        raise ConfigError(f"the {kind} is neither a readable file nor valid base64 ({e})") from e
    if not data:
        raise ConfigError(f"the {kind} is empty")
    if len(data) > limit:
        raise ConfigError(f"the {kind} is larger than {limit // (1024 * 1024)} MB; send a smaller file")
    return data


def media_suffix(data: bytes, kind: str, mime: str = "") -> str:
    """A file suffix for media bytes: from the MIME type, else the file's magic bytes, else by kind."""
    return _MIME_SUFFIX.get(mime.lower()) or _sniff(data) or (".jpg" if kind == "image" else ".wav")


def _sniff(data: bytes) -> str | None:
    if data[:4] == b"RIFF":
        return {b"WAVE": ".wav", b"WEBP": ".webp"}.get(data[8:12])
    if data[4:8] == b"ftyp":
        return ".m4a"
    if data[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return ".mp3"
    return next((suffix for magic, suffix in _MAGIC if data.startswith(magic)), None)
