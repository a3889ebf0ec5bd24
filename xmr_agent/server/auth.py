"""API keys and request size, as plain ASGI middleware shared by the HTTP API and the MCP server.

A key is presented as ``X-API-Key: KEY`` or ``Authorization: Bearer KEY`` and compared in
constant time. A server with no key may listen only on the loopback interface.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import unquote

from xmr_agent.errors import ConfigError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
#: Largest request body accepted by default (413 above it).
MAX_BODY_BYTES = 10 * 1024 * 1024


def check_bind(host: str, api_key: str | None) -> None:
    """Refuse to listen beyond this machine without an API key."""
    if not api_key and host not in LOCAL_HOSTS:
        raise ConfigError(f"refusing to listen on {host} without an API key: pass --api-key KEY or set "
                          "XMR_API_KEY (or bind to 127.0.0.1 for local use only)")


def presented_key(headers: Iterable[tuple[bytes, bytes]]) -> str | None:
    """The key a request carries in ``X-API-Key`` or ``Authorization: Bearer``, if any."""
    found = {name.lower(): value.decode("latin-1") for name, value in headers}
    if found.get(b"x-api-key"):
        return found[b"x-api-key"]
    scheme, _, token = found.get(b"authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def key_matches(presented: str | None, api_key: str) -> bool:
    return presented is not None and secrets.compare_digest(presented.encode(), api_key.encode())


async def send_json(send: Send, status: int, body: dict[str, Any], headers: Iterable[tuple[bytes, bytes]] = ()) -> None:
    payload = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode()),
                            *headers]})
    await send({"type": "http.response.body", "body": payload})


def cookie_value(headers: Iterable[tuple[bytes, bytes]], name: str) -> str | None:
    """The value of cookie ``name`` in a request's ``Cookie`` header, if any (URL-decoded)."""
    for header, value in headers:
        if header.lower() == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except CookieError:
                continue
            if name in jar:
                return unquote(jar[name].value)
    return None


class ApiKeyMiddleware:
    """401 for HTTP requests without the right key, before the body is read; no key configured:
    everything passes. ``open_paths`` (exact) and ``open_prefixes`` need no key. ``GET`` requests
    under ``cookie_paths`` may carry the key in the cookie ``cookie`` instead (``<img>`` and
    ``<audio>`` elements cannot send headers)."""

    def __init__(self, app: App, *, api_key: str | None, open_paths: Iterable[str] = (),
                 open_prefixes: tuple[str, ...] = (), cookie: str | None = None,
                 cookie_paths: tuple[str, ...] = ()) -> None:
        self.app, self.api_key, self.open_paths = app, api_key, frozenset(open_paths)
        self.open_prefixes, self.cookie, self.cookie_paths = open_prefixes, cookie, cookie_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not self.allowed(scope):
            await send_json(send, 401, {"detail": "missing or wrong API key: send it as X-API-Key or "
                                                  "Authorization: Bearer", "type": "Unauthorized"},
                            [(b"www-authenticate", b"Bearer")])
            return
        await self.app(scope, receive, send)

    def allowed(self, scope: Scope) -> bool:
        path = scope["path"]
        if not self.api_key or path in self.open_paths or (self.open_prefixes and path.startswith(self.open_prefixes)):
            return True
        if key_matches(presented_key(scope["headers"]), self.api_key):
            return True
        if self.cookie and scope.get("method") == "GET" and self.cookie_paths and path.startswith(self.cookie_paths):
            return key_matches(cookie_value(scope["headers"], self.cookie), self.api_key)
        return False


class BodyLimitMiddleware:
    """413 for request bodies over ``max_bytes``: by ``Content-Length`` at once, else while the
    body streams in (it is buffered, at most ``max_bytes``, before the app sees it)."""

    def __init__(self, app: App, *, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None:
            if not length.isdigit() or int(length) > self.max_bytes:
                await self._refuse(send)
                return
            await self.app(scope, receive, send)  # uvicorn never delivers more than Content-Length
            return
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([message]), send)
                return
            size += len(message.get("body", b""))
            if size > self.max_bytes:
                await self._refuse(send)
                return
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        await self.app(scope, _replay([body], receive), send)

    async def _refuse(self, send: Send) -> None:
        limit = self.max_bytes / (1024 * 1024)
        await send_json(send, 413, {"detail": f"request body larger than {limit:g} MB", "type": "PayloadTooLarge"},
                        [(b"connection", b"close")])


def _replay(messages: list[Message], then: Receive | None = None) -> Receive:
    queue = list(messages)

    async def receive() -> Message:
        if queue:
            return queue.pop(0)
        if then is not None:
            return await then()
        return {"type": "http.disconnect"}

    return receive
