"""The HTTP API (FastAPI, ``pip install 'xmr-agent[serve]'``); ``xmr serve`` runs it with uvicorn.

    GET  /health                 status, table, rows (no key needed)
    GET  /search?q=...&k=5       POST /search {query | image | audio, k, where, hybrid}
    POST /ask                    JSON {request, image, audio, k, ...} or multipart (request + image/audio files)
    POST /recommend              {user | liked_ids, k}: more for a user (with --interactions) or like these items
    POST /chat/{session}         JSON {message, image, audio, like, dislike, k} or multipart; a new id starts a session
    GET  /chat/{session}         the session's state
    POST /items                  JSON [items] or multipart (items = JSON text, plus the media files)
    GET  /items/{id}             one item
    DELETE /items/{id}           remove one item
    GET  /chat/{session}/history the conversation with its items, explanations and evidence
    GET  /docs                   OpenAPI documentation (behind the key when one is set)
    GET  /                       the web chat (xmr_agent.server.web): page, /static, /media, /uploads

Images and sounds in JSON are base64 (or paths inside the media folder beside the database).
Responses name media by URL (``/media/{field}/{id}``, ``/uploads/{name}``), never by a server path.
Every request passes, in order: the host and origin checks (:mod:`xmr_agent.server.guard`), the
API key (before the body is read), the body size limit, then the endpoint's own limits (text
length, filters, ``where``). Errors are JSON ``{"detail": ..., "type": ...}``
(:mod:`xmr_agent.server.errors`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, Field, ValidationError

from xmr_agent.encoders.batching import DEFAULT_MAX_BATCH, DEFAULT_WINDOW_S
from xmr_agent.errors import ConfigError
from xmr_agent.integrations.tools import (
    MAX_IDS,
    MAX_K,
    MAX_TEXT_CHARS,
    AskArgs,
    ItemId,
    Media,
    RecommendArgs,
    SearchArgs,
    Where,
    Words,
)
from xmr_agent.server.announce import LOCAL_HEADER
from xmr_agent.server.auth import MAX_BODY_BYTES, ApiKeyMiddleware, BodyLimitMiddleware, key_matches
from xmr_agent.server.errors import install, invalid_body
from xmr_agent.server.guard import SiteGuard, allowed_hosts
from xmr_agent.server.items import Items, items_schema
from xmr_agent.server.service import Retention, Service
from xmr_agent.server.workers import DEFAULT_QUEUE, DEFAULT_THREADS, Busy, Workers

try:
    from fastapi import FastAPI, Query, Request, Security
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse
    from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
except ImportError as e:  # pragma: no cover - exercised only without the extra
    raise ImportError("the HTTP API needs FastAPI and uvicorn: pip install 'xmr-agent[serve]'") from e

__all__ = ["create_app"]

ModelT = TypeVar("ModelT", bound=BaseModel)
#: Paths open without the API key: the health check and the chat page (it asks for the key), and its assets.
OPEN_PATHS = frozenset({"/health", "/"})
OPEN_PREFIXES = ("/static/",)
KEY_COOKIE = "xmr_key"
COOKIE_PATHS = ("/media/", "/uploads/")
Files = dict[str, tuple[str, bytes]]


class AskBody(AskArgs):
    k: int | None = Field(5, ge=1, le=MAX_K, description="How many recommendations (null: as many as the "  # type: ignore[assignment]
                                                         "request says, else 10).")
    explain: bool = Field(True, description="Build evidence and an explanation for each recommendation.")


class ChatBody(BaseModel):
    message: Words = Field("", description=f"The user's message (at most {MAX_TEXT_CHARS} characters).")
    image: Media | None = Field(None, description="A photo, as base64 (or a path in the media folder).")
    audio: Media | None = Field(None, description="A spoken message or clip, as base64.")
    like: list[ItemId] = Field(default_factory=list, max_length=MAX_IDS, description="Item ids the user liked.")
    dislike: list[ItemId] = Field(default_factory=list, max_length=MAX_IDS, description="Item ids the user disliked.")
    k: int = Field(5, ge=1, le=MAX_K)


def create_app(db: str | Path, table: str, *, api_key: str | None = None, llm: Any = None, reranker: str | None = None,
               max_body_bytes: int = MAX_BODY_BYTES, sessions: str | Path | None = None,
               interactions: str | Path | None = None, transcriber: Callable[[str], str] | None = None,
               torch_threads: int | None = 1, web: bool = True,
               media_roots: Sequence[str | Path] | None = None, signals: Any = None,
               notify: Callable[[str], Any] | None = None, host: str = "127.0.0.1",
               allow_hosts: Sequence[str] = (), allow_origins: Sequence[str] = (),
               retention: Retention | None = None, query_timeout: float | None = None,
               batch_window_ms: float = DEFAULT_WINDOW_S * 1000, max_batch: int = DEFAULT_MAX_BATCH,
               threads: int = DEFAULT_THREADS, queue: int = DEFAULT_QUEUE, local_token: str | None = None) -> FastAPI:
    """The API over ``table`` of ``db``: the catalogue and agent are opened here, once. ``llm``,
    ``reranker`` and ``transcriber`` (audio path → words; Whisper ``base`` when ``None``) go to the
    :class:`~xmr_agent.agent.pipeline.Agent`, and so do the item graph and signal weights of ``signals``
    (a :class:`~xmr_agent.recommend.signals.Signals`); ``sessions`` defaults to ``DB/.sessions`` (as ``xmr chat``).
    ``torch_threads``: intra-op threads of torch encoders (``None``: leave torch's setting alone).
    ``web``: serve the chat page at ``/`` (:mod:`xmr_agent.server.web`), with item media read only inside
    ``media_roots`` (``None``: the working folder) and the media folder beside the database.
    ``notify`` gets warnings about the logs (skipped lines, no item of the table named).
    ``host``: the address the server is bound to; with ``allow_hosts`` the ``Host`` names it answers to,
    and ``allow_origins`` other sites' pages that may send it requests (:mod:`xmr_agent.server.guard`).
    ``retention``: how long uploads and sessions are kept; ``query_timeout``: seconds one search may run.
    Queries of concurrent requests are encoded together when they come within ``batch_window_ms``
    (up to ``max_batch``; 0 ms: one at a time, :mod:`xmr_agent.encoders.batching`); the blocking work
    runs on ``threads`` threads with at most ``queue`` requests waiting (then 503,
    :mod:`xmr_agent.server.workers`). ``local_token``: requests carrying it get unrewritten data."""
    service = Service(db, table, llm=llm, reranker=reranker, sessions=sessions, interactions=interactions,
                      transcriber=transcriber, torch_threads=torch_threads, signals=signals, notify=notify,
                      retention=retention, query_timeout=query_timeout, batch_window_s=batch_window_ms / 1000,
                      max_batch=max_batch)
    workers = Workers(threads, queue)
    app = FastAPI(title="xmr-agent", version=_version(), description=__doc__.split("\n\n")[0],
                  dependencies=[Security(_key_schemes())])
    app.state.service, app.state.workers = service, workers
    # Outermost last: the host and origin checks, then the key (before any body is read), then the body size.
    app.add_middleware(BodyLimitMiddleware, max_bytes=max_body_bytes)
    app.add_middleware(ApiKeyMiddleware, api_key=api_key, open_paths=OPEN_PATHS, open_prefixes=OPEN_PREFIXES,
                       cookie=KEY_COOKIE, cookie_paths=COOKIE_PATHS)
    app.add_middleware(SiteGuard, hosts=allowed_hosts(host, allow_hosts), origins=allow_origins)
    install(app)
    app.add_exception_handler(Busy, _busy)  # type: ignore[arg-type]
    _routes(app, service, workers, local_token)
    if web:
        from xmr_agent.server.web import mount

        mount(app, service, [Path.cwd()] if media_roots is None else media_roots)
    return app


def _routes(app: FastAPI, service: Service, workers: Workers, local: str | None) -> None:  # noqa: C901
    """One small handler per endpoint: the blocking work runs on ``workers``. A request carrying
    the ``local`` token (:data:`~xmr_agent.server.announce.LOCAL_HEADER`, from a command on this
    machine) gets the data as it is, without :meth:`Service.public`'s rewriting."""

    def out(request: Request, data: Any) -> Any:
        given = request.headers.get(LOCAL_HEADER)
        return data if local and given and key_matches(given, local) else service.public(data)

    @app.get("/health", tags=["meta"])
    def health() -> dict[str, Any]:
        return {"status": "ok", "table": service.table, "rows": service.tools.catalog.count(), "version": _version()}

    @app.get("/search", tags=["search"])
    async def search_get(request: Request, q: Words = Query(..., description="Words to search for."),
                         k: int = Query(5, ge=1, le=MAX_K),
                         where: Where | None = Query(None, description='Filter, e.g. "price < 20" (see POST /search).'),
                         hybrid: bool = False) -> dict[str, Any]:
        hits = await workers.run(service.search, q, k=k, where=where, hybrid=hybrid)
        return out(request, {"hits": [h.to_dict() for h in hits]})

    @app.post("/search", tags=["search"])
    async def search_post(request: Request, body: SearchArgs) -> dict[str, Any]:
        return out(request, await workers.run(_search, service, body))

    @app.post("/ask", tags=["agent"], openapi_extra=_bodies(AskBody, {"request": "string", "k": "integer",
                                                                      "image": "binary", "audio": "binary"}))
    async def ask(request: Request) -> dict[str, Any]:
        body, files = await _read(request, AskBody, lists=("exclude_ids", "seed_ids"))
        return out(request, await workers.run(_ask, service, body, files))

    @app.post("/chat/{session}", tags=["agent"], openapi_extra=_bodies(ChatBody, {"message": "string", "k": "integer",
                                                                                 "image": "binary", "audio": "binary"}))
    async def chat(session: str, request: Request) -> dict[str, Any]:
        body, files = await _read(request, ChatBody, lists=("like", "dislike"))
        return out(request, await workers.run(_chat, service, session, body, files))

    @app.post("/recommend", tags=["agent"])
    async def recommend(request: Request, body: RecommendArgs) -> dict[str, Any]:
        answer = await workers.run(service.tools.recommend, body.user, liked_ids=body.liked_ids, k=body.k)
        return out(request, answer.to_dict())

    @app.get("/chat/{session}", tags=["agent"])
    async def chat_state(request: Request, session: str) -> dict[str, Any]:
        return out(request, (await workers.run(service.state, session)).model_dump(mode="json"))

    @app.get("/chat/{session}/history", tags=["agent"])
    async def chat_history(request: Request, session: str) -> dict[str, Any]:
        """The conversation to show again: turns, with the items, explanations and evidence shown."""
        return out(request, await workers.run(service.history, session))

    @app.post("/items", tags=["catalogue"], openapi_extra=_items_body())
    async def add_items(request: Request) -> dict[str, Any]:
        items, files = await _read_items(request)
        return out(request, await workers.run(service.add_items, items, files))

    @app.get("/items/{item_id}", tags=["catalogue"])
    async def get_item(request: Request, item_id: str) -> dict[str, Any]:
        return out(request, await workers.run(service.tools.describe_item, item_id))

    @app.delete("/items/{item_id}", tags=["catalogue"])
    async def delete_item(item_id: str) -> dict[str, Any]:
        """Remove one item (404 when there is none)."""
        return await workers.run(service.delete_items, [item_id])


# -- handlers (blocking; run in the threadpool) ----------------------------------------------
def _media(service: Service, body: BaseModel, files: Files, kind: str, new: list[Path]) -> str | None:
    """The ``kind`` file of a request: uploaded (multipart), else base64 or a media-folder path (JSON).
    Files this request wrote are added to ``new`` (removed again if the request fails)."""
    if kind in files:
        filename, data = files[kind]
        return str(service.save_upload(data, filename, kind, new=new))
    return service.keep(getattr(body, kind), kind, new=new)


def _search(service: Service, body: SearchArgs) -> dict[str, Any]:
    """POST /search; a spoken query is transcribed here so the answer can say what was heard."""
    if not body.audio or body.image:
        return {"hits": [h.to_dict() for h in service.search(**body.model_dump(exclude={"detail"}))]}
    args = body.model_dump(exclude={"audio", "detail"})
    with service.tools.media(audio=body.audio) as (_, audio_path):
        heard = service.hearing.transcript(str(audio_path))
    if not str(heard.text).strip():
        raise ConfigError(f"no speech found in the audio (language {heard.language}): nothing to search for")
    args["query"] = f"{args['query']} {heard.text}".strip()
    return {"hits": [h.to_dict() for h in service.search(**args)],
            "heard": {"text": heard.text, "language": heard.language}}


def _ask(service: Service, body: AskBody, files: Files) -> dict[str, Any]:
    with service.uploading() as new:
        answer = service.tools.ask(body.request, image=_media(service, body, files, "image", new),
                                   audio=_media(service, body, files, "audio", new), k=body.k,
                                   exclude_ids=body.exclude_ids, seed_ids=body.seed_ids, explain=body.explain)
    return answer.to_dict()


def _chat(service: Service, session: str, body: ChatBody, files: Files) -> dict[str, Any]:
    with service.uploading() as new:
        attachments = [p for p in (_media(service, body, files, kind, new) for kind in ("image", "audio")) if p]
        answer, state = service.chat(session, body.message, attachments=attachments, like=body.like,
                                     dislike=body.dislike, k=body.k)
    return {"session": state.id, "answer": answer.to_dict() if answer else None, "state": state.model_dump(mode="json")}


async def _busy(request: Request, exc: Busy) -> JSONResponse:
    return JSONResponse({"detail": str(exc), "type": "Busy"}, status_code=503,
                        headers={"Retry-After": str(exc.retry_after_s)})


# -- request bodies: JSON or multipart -------------------------------------------------------
async def _read(request: Request, model: type[ModelT], *, lists: tuple[str, ...] = ()) -> tuple[ModelT, Files]:
    """The body as ``model`` (422 when malformed) and uploaded files by field name."""
    if _is_form(request):
        form = await request.form()
        files = {key: (value.filename or key, await value.read()) for key, value in form.multi_items()
                 if not isinstance(value, str)}
        fields: dict[str, Any] = {key: value for key, value in form.multi_items() if isinstance(value, str)}
        for key in lists:  # repeated fields, or one comma-separated field
            values = [v for v in form.getlist(key) if isinstance(v, str)]
            fields[key] = [p.strip() for v in values for p in v.split(",") if p.strip()]
        return _validate(model, fields), files
    return _validate(model, await _json(request)), {}


async def _read_items(request: Request) -> tuple[list[dict[str, Any]], dict[str, bytes]]:
    if _is_form(request):
        form = await request.form()
        raw = form.get("items")
        if not isinstance(raw, str):
            raise ConfigError("multipart /items needs a field 'items' holding the items as JSON text")
        files = {value.filename or key: await value.read() for key, value in form.multi_items()
                 if not isinstance(value, str)}
        data = _loads(raw)
    else:
        data, files = await _json(request), {}
    items = data.get("items") if isinstance(data, dict) else data
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise invalid_body("list_type", "expected a JSON list of item objects (or {\"items\": [...]})")
    return [item.row() for item in _validate(Items, items).root], files


async def _json(request: Request) -> Any:
    raw = await request.body()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ConfigError(f"the body is not valid UTF-8 (byte {e.start + 1} cannot be decoded): send JSON as "
                          "UTF-8") from None
    return _loads(text)


def _loads(text: str) -> Any:
    try:
        data = json.loads(text)
    except ValueError as e:
        raise RequestValidationError([{"type": "json_invalid", "loc": ["body", e.pos if hasattr(e, "pos") else 0],
                                       "msg": f"JSON decode error: {e}", "input": text[:100]}]) from e
    except RecursionError:
        raise invalid_body("json_invalid", "the JSON is nested too deeply", text) from None
    return data


def _validate(model: type[ModelT], data: Any) -> ModelT:
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise RequestValidationError(e.errors(include_url=False)) from e


def _is_form(request: Request) -> bool:
    return request.headers.get("content-type", "").lower().startswith("multipart/form-data")


# -- auth (the schemes, for the docs), docs --------------------------------------------------
def _key_schemes() -> Callable[..., None]:
    """Declares the two ways to send the key, so /docs shows them. The key itself is checked by
    :class:`~xmr_agent.server.auth.ApiKeyMiddleware`, before a request's body is read."""
    header, bearer = APIKeyHeader(name="X-API-Key", auto_error=False), HTTPBearer(auto_error=False)

    def schemes(key: str | None = Security(header),
                token: HTTPAuthorizationCredentials | None = Security(bearer)) -> None:
        return None

    return schemes


def _bodies(model: type[BaseModel], form: dict[str, str]) -> dict[str, Any]:
    props = {name: {"type": "string", "format": "binary"} if kind == "binary" else {"type": kind}
             for name, kind in form.items()}
    return {"requestBody": {"required": True, "content": {
        "application/json": {"schema": model.model_json_schema()},
        "multipart/form-data": {"schema": {"type": "object", "properties": props}}}}}


def _items_body() -> dict[str, Any]:
    return {"requestBody": {"required": True, "content": {
        "application/json": {"schema": items_schema()},
        "multipart/form-data": {"schema": {"type": "object", "properties": {
            "items": {"type": "string", "description": "the items as JSON text"},
            "files": {"type": "array", "items": {"type": "string", "format": "binary"}}}}}}}}


def _version() -> str:
    from xmr_agent import __version__

    return __version__
