"""The per-row media work of an ingest, before encoding: image tags, audio transcripts and video
keyframes. It fills columns of the rows (tags, transcript, segments, language, keyframe times)
and gives back what the vector columns reuse (the tagger's image vectors, the pooled keyframe
vectors) and the rows that failed, with the reasons.

:class:`MediaStage` is plain data and a pure function of its rows, so an engine may run it
elsewhere on parts of a batch: the local engine calls :meth:`MediaStage.apply` in the process; the
Ray engine sends parts of each batch to a pool of actors (:mod:`xmr_agent.ingestion.ray`) and joins
the parts with :func:`join`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from xmr_agent.ingestion.tags import Tagger
from xmr_agent.ingestion.transcripts import Transcription
from xmr_agent.ingestion.video import VideoBatch, VideoStage

Rows = list[dict[str, Any]]


@dataclass
class MediaResult:
    """What the media work gave for some rows, besides filling their columns."""

    tagged: dict[str, np.ndarray] = field(default_factory=dict)  #: id → the tagger's image vector
    failures: dict[str, str] = field(default_factory=dict)  #: id → why the row is left out
    found: VideoBatch = field(default_factory=VideoBatch)  #: keyframe vectors of video rows


@dataclass
class MediaStage:
    """Tags, transcripts and keyframes for rows about to be embedded (each part optional)."""

    tagger: Tagger | None
    transcription: Transcription | None
    video: VideoStage

    @property
    def active(self) -> bool:
        return self.tagger is not None or self.transcription is not None or self.video.active

    def signature(self, item: dict[str, Any]) -> str:
        """Added to an item's embedded-inputs hash: new media settings re-embed the items they touch."""
        tags = self.tagger.signature() if self.tagger else ""
        words = self.transcription.signature() if self.transcription else ""
        return tags + words + self.video.signature(item)

    def apply(self, rows: Rows) -> tuple[Rows, MediaResult]:
        """The rows that went through (their columns filled), and the rest of the result."""
        result = MediaResult()
        if self.tagger is not None:
            result.tagged, failures = self.tagger.tag(rows)
            result.failures.update(failures)
            rows = [r for r in rows if r["id"] not in failures]
        if self.transcription is not None:
            failures = self.transcription.transcribe(rows)
            result.failures.update(failures)
            rows = [r for r in rows if r["id"] not in failures]
        result.found = self.video.process(rows)
        result.failures.update(result.found.failures)
        rows = [r for r in rows if r["id"] not in result.found.failures]
        return rows, result


def join(parts: Sequence[tuple[Rows, MediaResult]]) -> tuple[Rows, MediaResult]:
    """The results of :meth:`MediaStage.apply` on consecutive parts of a batch, as one."""
    rows: Rows = []
    joined = MediaResult()
    for part_rows, part in parts:
        rows += part_rows
        joined.tagged.update(part.tagged)
        joined.failures.update(part.failures)
        joined.found.failures.update(part.found.failures)
        for mine, theirs in ((joined.found.pooled, part.found.pooled), (joined.found.frames, part.found.frames)):
            for column, vectors in theirs.items():
                mine.setdefault(column, {}).update(vectors)
    return rows, joined
