"""What a session remembers (:class:`SessionState`, its :class:`Turn` list) and where it is kept
(:class:`SessionStore`: JSON files, one per session, written whole and locked per turn across
processes). :mod:`~xmr_agent.agent.session` holds the conversation itself."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from numbers import Real
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from xmr_agent.agent.query import Filter, Order
from xmr_agent.errors import ConfigError

_SESSION_ID = re.compile(r"^[A-Za-z0-9_.\-]{1,100}$")


class Turn(BaseModel):
    role: str
    text: str
    attachments: list[str] = Field(default_factory=list)
    items: list[str] = Field(default_factory=list)
    #: Per recommended item: its explanation and evidence, so a conversation can be shown again.
    explanations: dict[str, str] = Field(default_factory=dict)
    evidence: dict[str, dict[str, Any]] = Field(default_factory=dict)
    at: float = Field(default_factory=time.time)


class SessionState(BaseModel):
    """Everything a session remembers."""

    id: str
    table: str = ""
    turns: list[Turn] = Field(default_factory=list)
    topic: list[str] = Field(default_factory=list)
    boost: list[str] = Field(default_factory=list)
    filters: list[Filter] = Field(default_factory=list)
    kinds: list[Filter] = Field(default_factory=list)  #: the subject's kinds found by meaning ("a roof box")
    avoid: list[str] = Field(default_factory=list)
    liked: list[str] = Field(default_factory=list)
    disliked: list[str] = Field(default_factory=list)
    like_ids: list[str] = Field(default_factory=list)
    unlike_ids: list[str] = Field(default_factory=list)
    shown: list[str] = Field(default_factory=list)
    mentioned: list[str] = Field(default_factory=list)
    #: Items the latest message asked to see by title alone: "cheaper" is then cheaper than them.
    looked_up: list[str] = Field(default_factory=list)
    last: list[str] = Field(default_factory=list)
    attachments: list[str] = Field(default_factory=list)
    order: Order | None = None
    exclude_words: list[str] = Field(default_factory=list)
    loose: list[str] = Field(default_factory=list)  #: notes of the kept conditions that give way ("for my wife")
    k: int = 5

    def subject(self, phrases: int) -> list[str]:
        """The topic's words the search reads: the phrase that started the subject ("winter tyres
        for my Golf, 205/55 R16") and the latest ``phrases`` - 1, so a refinement ("no studs,
        they're banned where I live") never pushes the subject itself out."""
        return [*self.topic[:1], *self.topic[1:][len(self.topic) - phrases:]] if self.topic else []


class SessionStore:
    """Session states as JSON files in ``folder``."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def path(self, session_id: str) -> Path:
        if not _SESSION_ID.match(session_id):
            raise ConfigError(f"session id {session_id!r}: use 1–100 letters, digits, '.', '_' or '-'")
        return self.folder / f"{session_id}.json"

    def load(self, session_id: str) -> SessionState | None:
        path = self.path(session_id)
        if not path.is_file():
            return None
        try:
            return SessionState.model_validate_json(path.read_text(encoding="utf-8"))
        except ValueError as e:
            raise ConfigError(f"session file {path} is damaged ({e}); delete it to start over") from e

    def save(self, state: SessionState) -> Path:
        path = self.path(state.id)
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{uuid.uuid4().hex}.tmp")
        tmp.write_text(state.model_dump_json(indent=1), encoding="utf-8")
        tmp.replace(path)
        return path

    def ids(self) -> list[str]:
        return sorted(p.stem for p in self.folder.glob("*.json")) if self.folder.is_dir() else []

    @contextmanager
    def locked(self, session_id: str) -> Iterator[None]:
        """Hold ``session_id`` for one turn, across processes (a lock file beside the session):
        several servers on one folder then keep every turn and like of a shared session."""
        from filelock import FileLock

        path = self.path(session_id)
        self.folder.mkdir(parents=True, exist_ok=True)
        with FileLock(str(path.with_name(f".{path.stem}.lock"))):
            yield


def past_bounds(bounds: list[Filter], earlier: list[Filter]) -> tuple[list[Filter], list[Filter]]:
    """A comparison's ``bounds`` ("pricier": over the price of the items shown) moved past the ``earlier`` bounds the
    other way on their column ("under 500", then "something pricier? I can stretch the budget": over 500), and the
    earlier filters without those bounds, which the comparison replaces."""
    def opposite(a: Filter, b: Filter) -> bool:
        return a.column == b.column and {a.op[:1], b.op[:1]} == {"<", ">"} and isinstance(b.value, Real)

    moved = []
    for bound in bounds:
        other = [f.value for f in earlier if isinstance(bound.value, Real) and opposite(bound, f)]
        value = (max if bound.op[:1] == ">" else min)(bound.value, *other) if other else bound.value
        moved.append(bound.model_copy(update={"value": value}) if other else bound)
    return moved, [f for f in earlier if not any(opposite(b, f) for b in moved)]
