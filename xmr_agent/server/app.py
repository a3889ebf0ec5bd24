"""The HTTP API (FastAPI, ``pip install 'xmr-agent[serve]'``); ``xmr serve`` runs it with uvicorn.

    GET  /health                 status, table, rows (no key needed)
    GET  /search?q=...&k=5       POST /search {query | image | audio, k, where, hybrid}
    POST /ask                    JSON {request, image, audio, k, ...} or multipart (request + image/audio files)
    POST /recommend              {user | liked_ids, k}: more for a user (with --interactions) or like these items
    POST /chat/{session}         JSON {message, image, audio, like, dislike, k} or multipart; a new id starts a session
    GET  /chat/{session}         the session's state
    POST /items                  JSON [items] or multipart (items = JSON text, plus the media files)
    GET  /items/{id}             one item
    GET  /chat/{session}/history the conversation with its items, explanations and evidence
    GET  /docs                   OpenAPI documentation
    GET  /                       the web chat (xmr_agent.server.web): page, /static, /media, /uploads

Images and sounds in JSON are base64 (or paths inside the media folder beside the database).
Errors are JSON ``{"detail": ..., "type": ...}``: 400 bad input, 401 no key, 404 missing table,
item or session, 413 body over the limit, 422 malformed request, 502 LLM failure.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote

from pydantic import BaseModel, Field, ValidationError

from xmr_agent.errors import (
    ConfigError,
    InputError,
    LLMError,
    ModalityError,
    PluginError,
    StoreError,
    XmrError,
)
from xmr_agent.integrations.tools import MAX_K, AskArgs, RecommendArgs, SearchArgs
from xmr_agent.server.auth import MAX_BODY_BYTES, BodyLimitMiddleware, key_matches
from xmr_agent.server.service import Service

try:
    from fastapi import FastAPI, HTTPException, Query, Request, Security
    from fastapi.concurrency import run_in_threadpool
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse
    from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
except ImportError as e:  # pragma: no cover - exercised only without the extra
    raise ImportError("the HTTP API needs FastAPI and uvicorn: pip install 'xmr-agent[serve]'") from e

__all__ = ["create_app"]

ModelT = TypeVar("ModelT", bound=BaseModel)
#: Paths open without the API key: the health check and the chat page (it asks for the key).
OPEN_PATHS = frozenset({"/health", "/"})
KEY_COOKIE = "xmr_key"
COOKIE_PATHS = ("/media/", "/uploads/")
Files = dict[str, tuple[str, bytes]]
STATUS: tuple[tuple[type[XmrError], int], ...] = (
    (StoreError, 404), (ConfigError, 400), (InputError, 400), (ModalityError, 400), (LLMError, 502), (PluginError, 503),
)


class AskBody(AskArgs):
    explain: bool = Field(True, description="Build evidence and an explanation for each recommendation.")


class ChatBody(BaseModel):
    message: str = Field("", description="The user's message.")
    image: str | None = Field(None, description="A photo, as base64 (or a path in the media folder).")
    audio: str | None = Field(None, description="A spoken message or clip, as base64.")
    like: list[str] = Field(default_factory=list, description="Item ids the user liked.")
    dislike: list[str] = Field(default_factory=list, description="Item ids the user disliked.")
    k: int = Field(5, ge=1, le=MAX_K)


def create_app(db: str | Path, table: str, *, api_key: str | None = None, llm: Any = None, reranker: str | None = None,
               max_body_bytes: int = MAX_BODY_BYTES, sessions: str | Path | None = None,
               interactions: str | Path | None = None, transcriber: Callable[[str], str] | None = None,
               torch_threads: int | None = 1, web: bool = True,
               media_roots: Sequence[str | Path] | None = None, signals: Any = None,
               notify: Callable[[str], Any] | None = None) -> FastAPI:
    """The API over ``table`` of ``db``: the catalogue and agent are opened here, once. ``llm``,
    ``reranker`` and ``transcriber`` (audio path → words; Whisper ``base`` when ``None``) go to the
    :class:`~xmr_agent.agent.pipeline.Agent`, and so do the item graph and signal weights of ``signals``
    (a :class:`~xmr_agent.recommend.signals.Signals`); ``sessions`` defaults to ``DB/.sessions`` (as ``xmr chat``).
    ``torch_threads``: intra-op threads of torch encoders (``None``: leave torch's setting alone).
    ``web``: serve the chat page at ``/`` (:mod:`xmr_agent.server.web`), with item media read only inside
    ``media_roots`` (``None``: the working folder) and the media folder beside the database.
    ``notify`` gets warnings about the logs (skipped lines, no item of the table named)."""
    service = Service(db, table, llm=llm, reranker=reranker, sessions=sessions, interactions=interactions,
                      transcriber=transcriber, torch_threads=torch_threads, signals=signals, notify=notify)
    app = FastAPI(title="xmr-agent", version=_version(), description=__doc__.split("\n\n")[0],
                  dependencies=[Security(_key_check(api_key))])
    app.state.service = service
    app.add_middleware(BodyLimitMiddleware, max_bytes=max_body_bytes)
    app.add_exception_handler(XmrError, _xmr_error)  # type: ignore[arg-type]
    _routes(app, service)
    if web:
        from xmr_agent.server.web import mount

        mount(app, service, [Path.cwd()] if media_roots is None else media_roots)
    return app


def _routes(app: FastAPI, service: Service) -> None:  # noqa: C901 - one small handler per endpoint
    @app.get("/health", tags=["meta"])
    def health() -> dict[str, Any]:
        return {"status": "ok", "table": service.table, "rows": service.tools.catalog.count(), "version": _version()}

    @app.get("/search", tags=["search"])
    def search_get(q: str = Query(..., description="Words to search for."), k: int = Query(5, ge=1, le=MAX_K),
                   where: str | None = Query(None, description='SQL filter, e.g. "price < 20".'),
                   hybrid: bool = False) -> dict[str, Any]:
        return {"hits": [h.to_dict() for h in service.tools.search(q, k=k, where=where, hybrid=hybrid)]}

    @app.post("/search", tags=["search"])
    def search_post(body: SearchArgs) -> dict[str, Any]:
        return {"hits": [h.to_dict() for h in service.tools.search(**body.model_dump())]}

    @app.post("/ask", tags=["agent"], openapi_extra=_bodies(AskBody, {"request": "string", "k": "integer",
                                                                      "image": "binary", "audio": "binary"}))
    async def ask(request: Request) -> dict[str, Any]:
        body, files = await _read(request, AskBody, lists=("exclude_ids", "seed_ids"))
        return await run_in_threadpool(_ask, service, body, files)

    @app.post("/chat/{session}", tags=["agent"], openapi_extra=_bodies(ChatBody, {"message": "string", "k": "integer",
                                                                                 "image": "binary", "audio": "binary"}))
    async def chat(session: str, request: Request) -> dict[str, Any]:
        body, files = await _read(request, ChatBody, lists=("like", "dislike"))
        return await run_in_threadpool(_chat, service, session, body, files)

    @app.post("/recommend", tags=["agent"])
    def recommend(body: RecommendArgs) -> dict[str, Any]:
        return service.tools.recommend(body.user, liked_ids=body.liked_ids, k=body.k).to_dict()

    @app.get("/chat/{session}", tags=["agent"])
    def chat_state(session: str) -> dict[str, Any]:
        return service.state(session).model_dump(mode="json")

    @app.get("/chat/{session}/history", tags=["agent"])
    def chat_history(session: str) -> dict[str, Any]:
        """The conversation to show again: turns, with the items, explanations and evidence shown."""
        return service.history(session)

    @app.post("/items", tags=["catalogue"], openapi_extra=_items_body())
    async def add_items(request: Request) -> dict[str, Any]:
        items, files = await _read_items(request)
        return await run_in_threadpool(service.add_items, items, files)

    @app.get("/items/{item_id}", tags=["catalogue"])
    def get_item(item_id: str) -> dict[str, Any]:
        return service.tools.describe_item(item_id)


# -- handlers (blocking; run in the threadpool) ----------------------------------------------
def _media(service: Service, body: BaseModel, files: Files, kind: str) -> str | None:
    """The ``kind`` file of a request: uploaded (multipart), else base64 or a media-folder path (JSON)."""
    if kind in files:
        filename, data = files[kind]
        return str(service.save_upload(data, filename, kind))
    return service.keep(getattr(body, kind), kind)


def _ask(service: Service, body: AskBody, files: Files) -> dict[str, Any]:
    answer = service.tools.ask(body.request, image=_media(service, body, files, "image"),
                               audio=_media(service, body, files, "audio"), k=body.k, exclude_ids=body.exclude_ids,
                               seed_ids=body.seed_ids, explain=body.explain)
    return answer.to_dict()


def _chat(service: Service, session: str, body: ChatBody, files: Files) -> dict[str, Any]:
    attachments = [p for p in (_media(service, body, files, kind) for kind in ("image", "audio")) if p]
    answer, state = service.chat(session, body.message, attachments=attachments, like=body.like,
                                 dislike=body.dislike, k=body.k)
    return {"session": state.id, "answer": answer.to_dict() if answer else None, "state": state.model_dump(mode="json")}


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
        raise RequestValidationError([{"type": "list_type", "loc": ["body"], "msg": "expected a JSON list of item "
                                       "objects (or {\"items\": [...]})", "input": None}])
    return items, files


async def _json(request: Request) -> Any:
    return _loads((await request.body()).decode("utf-8", errors="replace"))


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as e:
        raise RequestValidationError([{"type": "json_invalid", "loc": ["body", e.pos if hasattr(e, "pos") else 0],
                                       "msg": f"JSON decode error: {e}", "input": text[:100]}]) from e


def _validate(model: type[ModelT], data: Any) -> ModelT:
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise RequestValidationError(e.errors(include_url=False)) from e


def _is_form(request: Request) -> bool:
    kind = request.headers.get("content-type", "")
    return kind.startswith(("multipart/form-data", "application/x-www-form-urlencoded"))


# -- auth, errors, docs ----------------------------------------------------------------------
def _key_check(api_key: str | None) -> Callable[..., None]:
    header, bearer = APIKeyHeader(name="X-API-Key", auto_error=False), HTTPBearer(auto_error=False)

    def check(request: Request, key: str | None = Security(header),
              token: HTTPAuthorizationCredentials | None = Security(bearer)) -> None:
        path = request.url.path
        if not api_key or path in OPEN_PATHS:
            return
        # <img>/<audio> elements cannot send headers: the page's media requests carry the key
        # in a SameSite=Strict cookie, accepted for reading media and nothing else.
        cookie = unquote(request.cookies.get(KEY_COOKIE, "")) if request.method == "GET" and path.startswith(
            COOKIE_PATHS) else None
        if not (key_matches(key, api_key) or key_matches(token.credentials if token else None, api_key)
                or key_matches(cookie, api_key)):
            raise HTTPException(401, "missing or wrong API key: send it as X-API-Key or Authorization: Bearer",
                                headers={"WWW-Authenticate": "Bearer"})

    return check


async def _xmr_error(request: Request, exc: XmrError) -> JSONResponse:
    status = next((code for kind, code in STATUS if isinstance(exc, kind)), 500)
    return JSONResponse({"detail": str(exc), "type": type(exc).__name__}, status_code=status)


def _bodies(model: type[BaseModel], form: dict[str, str]) -> dict[str, Any]:
    props = {name: {"type": "string", "format": "binary"} if kind == "binary" else {"type": kind}
             for name, kind in form.items()}
    return {"requestBody": {"required": True, "content": {
        "application/json": {"schema": model.model_json_schema()},
        "multipart/form-data": {"schema": {"type": "object", "properties": props}}}}}


def _items_body() -> dict[str, Any]:
    item = {"type": "object", "properties": {"id": {"type": "string"}, "title": {"type": "string"},
                                             "text": {"type": "string"}, "image": {"type": "string"}},
            "additionalProperties": True}
    return {"requestBody": {"required": True, "content": {
        "application/json": {"schema": {"type": "array", "items": item}},
        "multipart/form-data": {"schema": {"type": "object", "properties": {
            "items": {"type": "string", "description": "the items as JSON text"},
            "files": {"type": "array", "items": {"type": "string", "format": "binary"}}}}}}}}


def _version() -> str:
    from xmr_agent import __version__

    return __version__
