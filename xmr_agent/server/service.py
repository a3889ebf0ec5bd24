"""What the HTTP API serves, built once per process: the catalogue, the agent, sessions, ingest.

Every method is plain blocking code, safe to call from the server's worker threads: searches
share one :class:`~xmr_agent.integrations.XmrTools`; a conversation's turns are serialised per
session id; adding items is serialised and then swaps in a freshly opened catalogue and agent
(new rows, new facet values) while requests in flight finish on the old one.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import tempfile
import threading
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from xmr_agent.encoders.batching import DEFAULT_MAX_BATCH, DEFAULT_WINDOW_S, BatchingEncoder, MicroBatcher
from xmr_agent.errors import ConfigError, StoreError
from xmr_agent.ingestion.readers import MEDIA_FIELDS
from xmr_agent.integrations.media import media_folder
from xmr_agent.integrations.tools import XmrTools
from xmr_agent.media.images import check_image
from xmr_agent.media.roots import URL, inside, resolved_roots
from xmr_agent.media.sniff import media_suffix
from xmr_agent.server.public import Public
from xmr_agent.server.retention import Retention, Sweeper

__all__ = ["Hearing", "Retention", "Service"]

_log = logging.getLogger(__name__)
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
#: Locks that serialise the turns of a session (shared by hash of the session id).
SESSION_LOCKS = 256
_SAFE_NAME_FULL = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,150}$")


class Service:
    """One catalogue table served over HTTP (see :func:`xmr_agent.server.app.create_app`)."""

    def __init__(self, db: str | Path, table: str, *, llm: Any = None, reranker: str | None = None,
                 sessions: str | Path | None = None, interactions: str | Path | None = None,
                 transcriber: Any = None, torch_threads: int | None = 1, signals: Any = None,
                 notify: Callable[[str], Any] | None = None, retention: Retention | None = None,
                 query_timeout: float | None = None, batch_window_s: float = DEFAULT_WINDOW_S,
                 max_batch: int = DEFAULT_MAX_BATCH) -> None:
        remote = URL.match(str(db)) is not None  # s3://…: sessions and uploads stay on this machine
        self.db, self.table = (str(db) if remote else Path(db)), table
        local = Path(".xmr-serve") if remote else Path(db)
        self.media = media_folder(local)
        self.uploads = self.media / "uploads"
        from xmr_agent.agent.session import SessionStore

        self.sessions = SessionStore(sessions or local / ".sessions")
        self.hearing = Hearing(transcriber)  # Whisper loads on the first spoken request and stays loaded
        self._llm, self._reranker, self._interactions = llm, reranker, interactions
        self._batch = (batch_window_s, max_batch)  # encoders' micro-batching (window 0: off)
        self._searches = MicroBatcher(self._search_many, window_s=batch_window_s, max_batch=max_batch,
                                      name="xmr-search-batcher") if batch_window_s > 0 else None
        self._signals = signals  # a Signals: item graph, popularity, metadata and seed weights for the agent
        self._notify = notify or _log.warning  # skipped log lines, logs naming no item
        self._write = threading.Lock()
        self._locks = tuple(threading.Lock() for _ in range(SESSION_LOCKS))
        self._query_timeout = query_timeout
        self.tools = self._load()
        self._public = Public(self.uploads)
        self.sweeper = Sweeper(retention or Retention(), self.uploads, self.sessions.folder)
        self.sweeper.maybe()
        _limit_torch_threads(torch_threads)

    def _load(self, previous: XmrTools | None = None) -> XmrTools:
        """Open the catalogue and build the agent; encoders (and their models) of ``previous`` are reused."""
        from xmr_agent.assembly import AgentOptions, build_tools

        options = AgentOptions(llm=self._llm, reranker=self._reranker, transcriber=self.hearing.words,
                               signals=self._signals)
        tools = build_tools(self.db, self.table, options, interactions=self._interactions, media_roots=[self.media],
                            notify=self._notify, previous=previous)
        window, largest = self._batch
        if window > 0:  # concurrent requests' queries are encoded together (xmr_agent.encoders.batching)
            for column in tools.catalog.vectors:
                encoder = tools.catalog.encoder(column)
                if not isinstance(encoder, BatchingEncoder):
                    tools.catalog.use_encoder(column, BatchingEncoder(encoder, window_s=window, max_batch=largest))
        if self._query_timeout is not None:
            tools.catalog.query_timeout = self._query_timeout
        return tools.warm_up()

    def search(self, query: str = "", *, image: str | None = None, audio: str | None = None, k: int = 5,
               where: str | None = None, hybrid: bool = False) -> list[Any]:
        """:meth:`XmrTools.search`; plain text searches of concurrent requests with the same ``k``
        and ``where`` run together (one encode, one multi-vector LanceDB query) when batching is on."""
        if self._searches is None or image or audio or hybrid or not query.strip():
            return self.tools.search(query, image=image, audio=audio, k=k, where=where, hybrid=hybrid)
        where = self.tools.check_search(query, k=k, where=where)
        return list(self._searches((k, where), query))

    def _search_many(self, key: tuple[int, str | None], queries: list[str]) -> list[Any]:
        k, where = key
        return list(self.tools.catalog.search_many(queries, k=k, where=where))

    def public(self, data: Any) -> Any:
        """``data`` for a response: media as URLs, no server path (:class:`~xmr_agent.server.public.Public`)."""
        return self._public.data(data)

    # -- conversations -----------------------------------------------------------------------
    def chat(self, session_id: str, message: str, *, attachments: Sequence[str] = (), like: Sequence[str] = (),
             dislike: Sequence[str] = (), k: int = 5) -> tuple[Any, Any]:
        """One turn of ``session_id`` (created if new): feedback first, then the message.
        Returns (answer or ``None`` for feedback only, state)."""
        from xmr_agent.agent.session import Session

        with self._lock_for(session_id), self.sessions.locked(session_id):
            session = Session.open(self.tools.agent, session_id, store=self.sessions, k=k)
            for item in like:
                session.feedback(item, liked=True)
            for item in dislike:
                session.feedback(item, liked=False)
            if not message.strip() and not attachments:
                if not like and not dislike:
                    raise ConfigError("the message is empty: say what you are looking for, attach a file, or send "
                                      "like/dislike ids")
                return None, session.state
            answer = session.send(message, attachments=attachments)
        self.sweeper.maybe()
        return answer, session.state

    def state(self, session_id: str) -> Any:
        state = self.sessions.load(session_id)
        if state is None:
            raise StoreError(f"no session {session_id!r}: POST a message to /chat/{session_id} to start it")
        return state

    def history(self, session_id: str) -> dict[str, Any]:
        """The session's turns for showing again: each assistant turn with its items (as stored
        now; items since deleted are left out), explanations and evidence; attachments by the
        name ``GET /uploads/{name}`` serves."""
        state = self.state(session_id)
        ids = list(dict.fromkeys(i for turn in state.turns for i in turn.items))
        items = {item["id"]: item for item in self.tools.catalog.get(ids)}
        turns = []
        for turn in state.turns:
            cards = [{"rank": rank, "id": i, "item": items[i], "explanation": turn.explanations.get(i, ""),
                      "evidence": turn.evidence.get(i)} for rank, i in enumerate(turn.items, start=1) if i in items]
            turns.append({"role": turn.role, "text": turn.text, "at": turn.at, "cards": cards,
                          "attachments": [self._attachment(a) for a in turn.attachments]})
        return {"session": state.id, "turns": turns, "liked": state.liked, "disliked": state.disliked,
                "last": state.last}

    def _attachment(self, path: str) -> dict[str, Any]:
        from xmr_agent.agent.session import IMAGE_SUFFIXES

        p = Path(path)
        uploads = self.uploads.resolve()
        served = inside(p, [uploads]) and p.resolve().parent == uploads  # resolves once inside says so
        return {"name": p.name, "kind": "image" if p.suffix.lower() in IMAGE_SUFFIXES else "audio",
                "url": f"/uploads/{p.name}" if served else None}

    def _lock_for(self, session_id: str) -> threading.Lock:
        """The lock of ``session_id``'s turns: one of a fixed set (by a hash of the id), so any
        number of session ids costs no memory; two sessions may share one and wait for each other."""
        self.sessions.path(session_id)  # checks the id before it names a file
        return self._locks[zlib.crc32(session_id.encode()) % SESSION_LOCKS]

    # -- media -------------------------------------------------------------------------------
    @contextlib.contextmanager
    def uploading(self) -> Iterator[list[Path]]:
        """Collects the files a request writes under ``uploads/``; if the request fails, they are
        deleted again (a refused photo does not stay on disk)."""
        new: list[Path] = []
        try:
            yield new
        except BaseException:
            for path in new:
                path.unlink(missing_ok=True)
            raise
        self.sweeper.maybe()

    def keep(self, value: str | None, kind: str, new: list[Path] | None = None) -> str | None:
        """A path (inside the media folder) or base64 → a file kept under ``uploads/``."""
        return self.tools.media_path(value, kind, self.uploads, created=new) if value else None

    def save_upload(self, data: bytes, filename: str, kind: str = "", new: list[Path] | None = None) -> Path:
        """Store an uploaded file under ``uploads/`` by content, keeping its (cleaned) name; a name
        without a suffix gets one from the content (``kind``: image or audio, the fallback). An
        image too large to decode is refused here. A file written now is added to ``new``."""
        import hashlib

        if not data:
            raise ConfigError(f"uploaded file {filename!r} is empty")
        name = _SAFE_NAME.sub("_", Path(filename or "upload").name).strip("._")[:100] or "upload"
        if not Path(name).suffix and kind:
            name += media_suffix(data, kind)
        check_image(data, f"uploaded file {name!r}")
        path = self.uploads / f"{hashlib.sha256(data).hexdigest()[:16]}-{name}"
        self.uploads.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            tmp = path.with_name(f".{path.name}.{threading.get_ident()}.tmp")
            tmp.write_bytes(data)
            tmp.replace(path)
            if new is not None:
                new.append(path)
        return path

    def upload(self, name: str) -> Path:
        """The file ``GET /uploads/{name}`` serves: a plain file directly in ``uploads/`` (no link,
        nothing outside); :class:`StoreError` otherwise."""
        path = self.uploads / name
        if (not _SAFE_NAME_FULL.match(name) or path.is_symlink() or not path.is_file()
                or path.resolve().parent != self.uploads.resolve()):
            raise StoreError(f"no uploaded file {name[:100]!r}")
        return path

    # -- adding items ------------------------------------------------------------------------
    def add_items(self, items: Sequence[Mapping[str, Any]], files: Mapping[str, bytes] | None = None) -> dict[str, Any]:
        """Ingest ``items`` with the table's own encoders; ``files`` (name → bytes) are stored
        under the media folder and replace the items' references to those names."""
        from xmr_agent.ingestion.pipeline import ingest

        if not items:
            raise ConfigError("no items given: send a JSON list of objects with at least an id and a title or text")
        with self._write, self.uploading() as new:
            stored = {name: self.save_upload(data, name, new=new) for name, data in (files or {}).items()}
            rows = [self._with_media(dict(item), stored) for item in items]
            catalog = self.tools.catalog
            vectors = {spec.field: catalog.encoder(spec.column) for spec in catalog.vectors.values()}
            self.media.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", suffix=".jsonl", dir=self.media, delete=False,
                                             encoding="utf-8") as f:
                f.writelines(json.dumps(row, ensure_ascii=False, default=str) + "\n" for row in rows)
            try:
                report = ingest(f.name, self.db, self.table, vectors=vectors, progress=False)
            finally:
                Path(f.name).unlink(missing_ok=True)
            self.tools = self._load(self.tools)
        return {**report.to_dict(), "stored": {name: f"/uploads/{p.name}" for name, p in stored.items()}}

    def delete_items(self, ids: Sequence[str]) -> dict[str, Any]:
        """Remove items by id (one writer per table, as ingest); :class:`StoreError` when none was there."""
        from xmr_agent.store.locks import write_lock

        with self._write, write_lock(self.db, self.table):
            removed = self.tools.catalog.delete(list(ids))
        if not removed:
            raise StoreError(f"no item with id {', '.join(map(repr, ids))} in table {self.table!r}")
        return {"removed": removed}

    def _with_media(self, item: dict[str, Any], stored: Mapping[str, Path]) -> dict[str, Any]:
        for field in MEDIA_FIELDS:
            value = item.get(field)
            if not isinstance(value, str) or not value:
                continue
            if value in stored:
                item[field] = str(stored[value])
            elif not URL.match(value):
                path = self.media / value
                if not inside(path, resolved_roots([self.media])):
                    raise ConfigError(f"item {item.get('id')!r}: {field} {value!r} is not an uploaded file, a URL "
                                      "or a file in the media folder; upload it with the items (multipart)")
                item[field] = str(path.resolve())
        return item


class Hearing:
    """Speech to words for every request of the server: ``transcriber`` (audio path → words), or
    Whisper ``DEFAULT_WHISPER``, loaded once on first use (one load even when the first spoken
    requests come together) and kept across requests and catalogue reloads."""

    def __init__(self, transcriber: Callable[[str], str] | None = None) -> None:
        self._given, self._lock = transcriber, threading.Lock()
        self._model: Any = None

    def model(self) -> Any:
        """The Whisper transcriber (loaded on first use)."""
        with self._lock:
            if self._model is None:
                from xmr_agent.encoders.speech import DEFAULT_WHISPER, get_transcriber

                self._model = get_transcriber(DEFAULT_WHISPER)
            return self._model

    def transcript(self, path: str) -> Any:
        """The :class:`~xmr_agent.encoders.speech.Transcript` of ``path`` (Whisper), or, with a
        transcriber of one's own, an object with its ``text`` and ``language`` ``None``."""
        if self._given is not None:
            from types import SimpleNamespace

            return SimpleNamespace(text=self._given(path), language=None)
        return self.model().transcribe(path)

    def words(self, path: str) -> str:
        return str(self.transcript(path).text)


def _limit_torch_threads(threads: int | None) -> None:
    """Intra-op threads for torch encoders (if torch is loaded at all). A server runs requests in
    parallel, so one thread per query encoding avoids oversubscribing the cores (OpenMP threads
    otherwise wait on each other; see docs/benchmarks.md)."""
    import sys

    if threads is not None and "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(threads)
