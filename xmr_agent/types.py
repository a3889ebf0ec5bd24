"""Plain, frozen data types that flow through the pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Modality = Literal["text", "image", "audio", "video"]
Role = Literal["query", "document"]
MODALITIES: tuple[str, ...] = ("text", "image", "audio", "video")

#: Columns every catalogue table has. Everything else is item metadata.
CORE_FIELDS: tuple[str, ...] = ("id", "title", "text", "image", "audio", "video")


@dataclass(frozen=True)
class Hit:
    """One search result: the item's id, a score (higher is better) and its stored fields.

    ``scores`` holds the per-source scores that were fused into ``score``
    (e.g. ``{"vector:text": 0.71, "fts": 12.3}``).
    """

    id: str
    score: float
    item: dict[str, Any] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: ``id``, ``score``, ``scores`` and the item's fields."""
        return {"id": self.id, "score": self.score, "scores": dict(self.scores), **self.item}


@dataclass(frozen=True)
class BadRecord:
    """A catalogue record that was skipped, and why."""

    source: str
    line: int | None
    reason: str
    id: str | None = None

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        who = f" (id {self.id!r})" if self.id is not None else ""
        return f"{where}{who}: {self.reason}"


@dataclass(frozen=True)
class IngestReport:
    """What an ingest run did."""

    read: int
    inserted: int
    updated: int
    unchanged: int
    bad: tuple[BadRecord, ...]
    rows: int
    #: What was decided without being asked (an encoding detected, a column renamed, media left unembedded).
    warnings: tuple[str, ...] = ()
    #: How records become the table (``text: title, description; image: efficientnet-lite0``).
    mapping: str = ""
    #: Ids removed because the source no longer has them (``sync``).
    removed: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when no record was skipped."""
        return not self.bad

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        return {
            "read": self.read,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": [
                {"source": b.source, "line": b.line, "id": b.id, "reason": b.reason} for b in self.bad
            ],
            "rows": self.rows,
            "warnings": list(self.warnings),
            "mapping": self.mapping,
            "removed": list(self.removed),
        }
