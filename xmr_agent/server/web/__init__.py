"""The web chat of ``xmr serve``: one page at ``/`` (HTML, CSS and JavaScript shipped in this
package, no CDN) over the HTTP API's ``/chat`` endpoints, plus the media its cards show.

    GET /                         the chat page
    GET /static/{file}            its script and style
    GET /media/{field}/{item_id}  an item's image, audio or video file
    GET /uploads/{name}           a file the user attached to a message

Media is served only by item id and field, never by a path from the request, and only when the
item's stored file lies inside the catalogue's media roots (``--media-root``; by default the
folder ``xmr serve`` runs in and the media folder beside the database). Every response carries
a Content-Security-Policy that forbids inline script, so text from items or an LLM, which the
page shows with ``textContent`` only, could not run even if it were ever put into HTML.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from xmr_agent.errors import StoreError
from xmr_agent.ingestion.readers import MEDIA_FIELDS
from xmr_agent.media.roots import URL, inside, resolved_roots

try:
    from fastapi import FastAPI, HTTPException, Request, Response
    from fastapi.responses import FileResponse
    from fastapi.staticfiles import StaticFiles
except ImportError as e:  # pragma: no cover - exercised only without the extra
    raise ImportError("the web chat needs FastAPI: pip install 'xmr-agent[serve]'") from e

__all__ = ["STATIC", "PAGE_CSP", "mount", "MediaFiles", "media_outside"]

STATIC = Path(__file__).parent / "static"
#: The page may load only its own script, style and media (plus https media of catalogues whose
#: items point at the web); nothing inline, no frames, no other origins for requests.
PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data: https:; "
            "media-src 'self' blob: https:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; "
            "base-uri 'none'; form-action 'self'")
#: Files served from the catalogue are never run as documents (an SVG or HTML file stays inert).
MEDIA_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


class MediaFiles:
    """Resolves an item's media file, refusing anything outside ``roots``."""

    def __init__(self, roots: Sequence[str | Path]) -> None:
        self.roots = resolved_roots(roots)

    def path(self, value: Any) -> Path:
        if not isinstance(value, str) or not value or URL.match(value):
            raise HTTPException(404, "this item has no local file in that field")
        if not inside(value, self.roots):
            raise HTTPException(403, "the item's file lies outside the catalogue's media folders (--media-root)")
        path = Path(value).resolve()
        if not path.is_file():
            raise HTTPException(404, "the item's file is missing")
        return path


def media_outside(catalog: Any, roots: Sequence[str | Path], *, limit: int = 5000) -> list[str]:
    """Local media files of (the first ``limit``) items that lie outside ``roots``: the page
    cannot show them (``xmr serve`` names a few at start-up)."""
    columns = [c for c in MEDIA_FIELDS if c in catalog.columns()]
    if not columns or not catalog.exists:
        return []
    files = MediaFiles(roots)
    rows = catalog.scan(columns, limit=limit).to_pylist()
    values = [v for row in rows for v in row.values() if isinstance(v, str) and v and not URL.match(v)]
    return [v for v in dict.fromkeys(values)
            if not inside(v, files.roots)]


def mount(app: FastAPI, service: Any, media_roots: Sequence[str | Path]) -> None:
    """Add the page, its assets and the media routes to ``app`` (a :func:`~xmr_agent.server.app.create_app` app)."""
    files = MediaFiles([*media_roots, service.media])

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        path = request.url.path
        if path.startswith(("/media/", "/uploads/")):
            response.headers["Content-Security-Policy"] = MEDIA_CSP
        elif not path.startswith(("/docs", "/redoc")):  # the OpenAPI pages load their own script
            response.headers.setdefault("Content-Security-Policy", PAGE_CSP)
        return response

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html", headers={"Cache-Control": "no-cache"})

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/media/{field}/{item_id:path}", tags=["web"])
    def media(field: str, item_id: str) -> FileResponse:
        """An item's image, audio or video file (only inside the catalogue's media roots)."""
        if field not in MEDIA_FIELDS:
            raise HTTPException(404, f"no media field {field!r}: use one of {', '.join(MEDIA_FIELDS)}")
        items = service.tools.catalog.get([item_id])
        if not items:
            raise StoreError(f"no item {item_id!r}")
        return _file(files.path(items[0].get(field)))

    @app.get("/uploads/{name}", tags=["web"])
    def upload(name: str) -> FileResponse:
        """A file attached to a chat message (by the name the chat history gives): only a plain
        file directly in the upload folder, never a link or a path that leads out of it."""
        return _file(service.upload(name))


def _file(path: Path) -> FileResponse:
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return FileResponse(path, media_type=kind, content_disposition_type="inline",
                        headers={"Cache-Control": "private, max-age=3600"})
