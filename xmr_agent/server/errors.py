"""Every error of ``xmr serve`` as JSON ``{"detail": ..., "type": ...}`` on one line, with no
server path and no traceback: 400 bad input (invalid Unicode included), 401 no key, 404 missing
table, item or session, 413 body over the limit, 415 not JSON, 421 foreign host, 403 foreign
origin, 422 malformed request, 502 LLM failure, 503 storage unavailable (full or read-only disk,
a query past its time budget), 500 anything else (the server log has the details)."""

from __future__ import annotations

import logging
from typing import Any

from xmr_agent.errors import (
    ConfigError,
    InputError,
    LLMError,
    ModalityError,
    PluginError,
    StoreError,
    StoreUnavailable,
    XmrError,
)
from xmr_agent.server.public import redact
from xmr_agent.store.connection import unavailable

try:
    from fastapi import FastAPI, Request
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse
except ImportError as e:  # pragma: no cover - exercised only without the extra
    raise ImportError("the HTTP API needs FastAPI and uvicorn: pip install 'xmr-agent[serve]'") from e

__all__ = ["STATUS", "install", "invalid_body"]

_log = logging.getLogger(__name__)
STATUS: tuple[tuple[type[XmrError], int], ...] = (
    (StoreUnavailable, 503), (StoreError, 404), (ConfigError, 400), (InputError, 400), (ModalityError, 400),
    (LLMError, 502), (PluginError, 503),
)
#: Longest piece of a request echoed back in a validation error.
ECHO_CHARS = 100


def install(app: FastAPI) -> None:
    """Add the handlers to ``app``."""
    app.add_exception_handler(XmrError, _xmr_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(UnicodeError, _unicode_error)  # type: ignore[arg-type]
    app.add_exception_handler(OSError, _storage_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _internal_error)


def invalid_body(kind: str, message: str, text: str = "") -> RequestValidationError:
    """A 422 for a body that is not what the endpoint reads (``kind``: the error type)."""
    return RequestValidationError([{"type": kind, "loc": ["body"], "msg": message, "input": text[:ECHO_CHARS]}])


def _json(status: int, detail: Any, kind: str) -> JSONResponse:
    return JSONResponse({"detail": detail, "type": kind}, status_code=status)


async def _xmr_error(request: Request, exc: XmrError) -> JSONResponse:
    status = next((code for kind, code in STATUS if isinstance(exc, kind)), 500)
    return _json(status, redact(" ".join(str(exc).split())), type(exc).__name__)


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = list(exc.errors())
    unicode = [e for e in errors if e.get("type") == "invalid_unicode"]
    if unicode:
        where = ".".join(str(p) for p in unicode[0].get("loc", ()) if p != "body")
        return _json(400, f"{where or 'the body'}: {unicode[0].get('msg')}", "InvalidUnicode")
    return JSONResponse({"detail": [_short_error(e) for e in errors]}, status_code=422)


def _short_error(error: dict[str, Any]) -> dict[str, Any]:
    """A validation error with its echo of the input cut short (a 1 MB string is not sent back)."""
    value = error.get("input")
    if isinstance(value, str):
        value = value[:ECHO_CHARS]
    elif not isinstance(value, int | float | bool | type(None)):
        value = redact(repr(value)[:ECHO_CHARS])
    return {"type": error.get("type"), "loc": list(error.get("loc", ())), "msg": redact(str(error.get("msg", ""))),
            "input": value}


async def _unicode_error(request: Request, exc: UnicodeError) -> JSONResponse:
    return _json(400, "the request holds text that is not valid Unicode (a lone surrogate or bytes that are not "
                      "UTF-8): send UTF-8 text", "InvalidUnicode")


async def _storage_error(request: Request, exc: OSError) -> JSONResponse:
    _log.warning("storage error on %s: %s", request.url.path, exc)
    return _json(503, redact(str(unavailable("", exc))), "StoreUnavailable")


async def _internal_error(request: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, RuntimeError) and "lance error" in str(exc).lower():
        _log.warning("storage error on %s: %s", request.url.path, exc)
        return _json(503, redact(str(unavailable("", exc))), "StoreUnavailable")
    _log.error("unexpected error on %s", request.url.path, exc_info=exc)
    return _json(500, f"internal error ({type(exc).__name__}); the server log has the details", "InternalError")
