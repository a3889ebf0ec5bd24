"""The warm path: ``xmr search``, ``xmr ask`` and ``xmr chat`` ask a running ``xmr serve``.

``xmr serve`` announces itself in ``DB/.xmr-server.json`` (:mod:`xmr_agent.server.announce`).
A command uses that server when the file names its table, the process is alive, ``/health``
answers within :data:`HEALTH_TIMEOUT_S`, the server's agent is set up as the command's options
ask (:func:`profile`), and, for a server with an API key, ``XMR_API_KEY`` holds one. Otherwise,
and whenever the server answers with anything but 200, the command runs in-process as before,
silently: the output is the same either way. ``--no-server`` (or ``XMR_NO_SERVER=1``) skips it.

Only the standard library is imported here (``http.client``), so deciding costs milliseconds.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import click

from xmr_agent.encoders import DEFAULT_WHISPER
from xmr_agent.server import announce

__all__ = ["NO_SERVER_OPTION", "RemoteSession", "Server", "ask_server", "describe_path", "find_server", "profile",
           "search_server"]

#: How long the health check may take before the command runs in-process.
HEALTH_TIMEOUT_S = 1.0
#: How long one request may take on the server (then the command runs in-process).
REQUEST_TIMEOUT_S = 120.0

NO_SERVER_OPTION = click.option(
    "--no-server", is_flag=True, envvar="XMR_NO_SERVER",
    help="Run in this process even when `xmr serve` runs for the database (env XMR_NO_SERVER=1).")


@dataclass(frozen=True)
class Server:
    """A running ``xmr serve`` that answers for a table."""

    url: str
    pid: int
    headers: dict[str, str]
    agent: dict[str, Any]

    def call(self, method: str, path: str, body: Any = None, *, timeout: float = REQUEST_TIMEOUT_S) -> Any:
        """The JSON answer of one request; ``None`` for anything but a 200 (or no answer)."""
        parts = urlsplit(self.url)
        headers = dict(self.headers)
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=timeout)
        try:
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            data = response.read()
            if response.status != 200:
                return None
            return json.loads(data)
        except (OSError, http.client.HTTPException, ValueError):
            return None
        finally:
            connection.close()


def find_server(db: str, table: str, *, no_server: bool = False) -> Server | None:
    """The server to ask for ``table`` of ``db``, or ``None`` (run in-process). A file left by a
    server that is gone is removed."""
    if no_server:
        return None
    data = announce.read(db)
    if data is None or table not in data.get("tables", ()) or not isinstance(data.get("url"), str):
        return None
    if not announce.pid_alive(data.get("pid")):
        announce.remove(db, data.get("pid"))
        return None
    headers = {"Accept": "application/json"}
    if isinstance(data.get("local_token"), str):
        headers[announce.LOCAL_HEADER] = data["local_token"]
    if data.get("auth") == "api-key":
        key = os.environ.get("XMR_API_KEY")
        if not key:
            return None  # the server wants a key this command does not have
        headers["X-API-Key"] = key
    server = Server(url=data["url"].rstrip("/"), pid=int(data["pid"]), headers=headers, agent=data.get("agent") or {})
    health = server.call("GET", "/health", timeout=HEALTH_TIMEOUT_S)
    if not isinstance(health, dict) or health.get("table") != table:
        return None
    return server


def describe_path(db: str, table: str) -> str:
    """One line for ``xmr info``: which path ``xmr search``/``ask``/``chat`` take now."""
    server = find_server(db, table)
    if server is None:
        return ("no server runs for this table: xmr search/ask/chat load the models in-process "
                "(start one with xmr serve to keep them warm)")
    return (f"server at {server.url} (pid {server.pid}) will answer xmr search/ask/chat; "
            "--no-server to run in-process")


def profile(*, llm: str = "none", rerank: str = "none", interactions: str | None = None,
            dialogues: str | None = None, graph_weight: float = 1.0, popularity_weight: float = 0.0,
            attribute_weight: float = 0.0, seed_weight: float = 0.0, ranker: str = "auto",
            fusion: str = "relative", prompts: str | None = None, llm_explains: int = 5,
            whisper: str = DEFAULT_WHISPER) -> dict[str, Any]:
    """How an agent is set up, comparable between ``xmr serve`` and a command's options (the
    defaults of ``fusion``, ``prompts``, ``llm_explains`` and ``whisper`` are the server's)."""
    def path(value: str | None) -> str | None:
        return str(Path(value).resolve()) if value else None

    return {"llm": llm, "rerank": rerank, "interactions": path(interactions), "dialogues": path(dialogues),
            "graph_weight": graph_weight, "popularity_weight": popularity_weight,
            "attribute_weight": attribute_weight, "seed_weight": seed_weight, "ranker": ranker,
            "fusion": fusion, "prompts": path(prompts), "llm_explains": None if llm == "none" else llm_explains,
            "whisper": whisper}


def media(path: str | None) -> str | None:
    """A local file as base64, as the server takes media in JSON."""
    return base64.b64encode(Path(path).read_bytes()).decode("ascii") if path else None


# -- the commands' requests ------------------------------------------------------------------
def search_server(server: Server, query: str | None, *, image: str | None, audio: str | None, k: int,
           where: str | None, hybrid: bool) -> dict[str, Any] | None:
    """``{"hits": [...], "heard": ...}`` from the server, or ``None``."""
    if image is None and audio is None and not hybrid and not where:
        found = server.call("GET", "/search?" + urlencode({"q": query or "", "k": k}))
    else:
        body = {"query": query or "", "image": media(image), "audio": media(audio), "k": k, "where": where,
                "hybrid": hybrid}
        found = server.call("POST", "/search", body)
    return found if isinstance(found, dict) and isinstance(found.get("hits"), list) else None


def ask_server(server: Server, request: str, *, image: str | None, audio: str | None, k: int | None) -> dict[str, Any] | None:
    """The answer (``Answer.to_dict()``) from the server, or ``None``."""
    found = server.call("POST", "/ask", {"request": request, "image": media(image), "audio": media(audio), "k": k})
    return found if isinstance(found, dict) and "recommendations" in found else None


#: File suffixes ``xmr chat`` sends as a photo (as :data:`xmr_agent.agent.session.IMAGE_SUFFIXES`).
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff"})


class RemoteState:
    """A session's state as the server sends it (what ``xmr chat`` shows of it)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    @property
    def id(self) -> str:
        return str(self.data.get("id", ""))

    @property
    def turns(self) -> list[Any]:
        return list(self.data.get("turns") or [])

    @property
    def last(self) -> list[str]:
        return list(self.data.get("last") or [])

    def model_dump_json(self, exclude: set[str] | frozenset[str] = frozenset()) -> str:
        return json.dumps({key: value for key, value in self.data.items() if key not in exclude})


class RemoteSession:
    """A conversation held by the server (``POST /chat/{id}``), with what ``xmr chat`` uses of a
    :class:`~xmr_agent.agent.session.Session`: ``state``, ``send`` and ``feedback``."""

    def __init__(self, server: Server, session_id: str, k: int, state: Any) -> None:
        self.server, self.id, self.k, self.state = server, session_id, k, state

    @classmethod
    def open(cls, server: Server, session_id: str | None, k: int) -> RemoteSession:
        import uuid

        session_id = session_id or uuid.uuid4().hex[:12]
        found = server.call("GET", f"/chat/{quote(session_id, safe='')}")
        # a new session (404): the server starts it with the first message
        return cls(server, session_id, k, RemoteState(found if isinstance(found, dict) else {"id": session_id}))

    def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        from xmr_agent.errors import StoreUnavailable

        found = self.server.call("POST", f"/chat/{quote(self.id, safe='')}", {**body, "k": self.k})
        if not isinstance(found, dict) or "state" not in found:
            raise StoreUnavailable(f"the server at {self.server.url} did not answer this turn; "
                                   "run xmr chat --no-server to go on in-process")
        self.state = RemoteState(found["state"])
        return found

    def send(self, message: str, *, attachments: list[str] | tuple[str, ...] = ()) -> dict[str, Any]:
        files: dict[str, str | None] = {"image": None, "audio": None}
        for path in attachments:
            files["image" if Path(path).suffix.lower() in IMAGE_SUFFIXES else "audio"] = media(path)
        return dict(self._post({"message": message, **files})["answer"] or {})

    def feedback(self, item: str, *, liked: bool) -> None:
        self._post({"message": "", "like": [item] if liked else [], "dislike": [] if liked else [item]})
