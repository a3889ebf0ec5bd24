"""Transcripts at ingest: each item's ``audio`` is transcribed (Whisper), and the words, their
segment timestamps and the detected language are stored with the item.

The transcript is embedded with the item's text and full-text indexed, so words reach what was
said; the segments come back as evidence ("at 0:42–0:47: …") when a request matches them. A file
that cannot be decoded (empty, not audio) makes its item a bad record with the reason; a long file
costs bounded work (the transcriber's ``max_seconds``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from xmr_agent.encoders.speech import get_transcriber
from xmr_agent.errors import ConfigError, PluginError
from xmr_agent.store.columns import LANGUAGE_COLUMN, SEGMENTS_COLUMN, TRANSCRIPT_COLUMN


@dataclass(frozen=True)
class Transcription:
    """Runs ``transcriber.transcribe_many`` over the rows that have audio."""

    transcriber: Any

    @classmethod
    def of(cls, spec: str | Any) -> Transcription:
        """From a model name / folder (``base``, ``openai-whisper:/path.pt``: see
        :func:`~xmr_agent.encoders.speech.get_transcriber`) or a transcriber object."""
        try:
            return cls(get_transcriber(spec))
        except PluginError as e:
            raise ConfigError(str(e)) from e

    def signature(self) -> str:
        config: dict[str, Any] = getattr(self.transcriber, "config", dict)()
        return f"{type(self.transcriber).__name__}:{json.dumps(config, sort_keys=True, default=str)}"

    def transcribe(self, rows: list[dict[str, Any]], field: str = "audio") -> dict[str, str]:
        """Fill the transcript columns of rows with a file in ``field`` (``audio``, or ``video``
        for soundtracks); returns ``{id: reason}`` for failures."""
        todo = [r for r in rows if r.get(field)]
        failures: dict[str, str] = {}
        for row, result in zip(todo, self.transcriber.transcribe_many([r[field] for r in todo]), strict=True):
            reason = getattr(result, "reason", None)
            if reason is not None:
                failures[row["id"]] = f"{field}: {reason}"
                continue
            row[TRANSCRIPT_COLUMN] = " ".join(str(result.text).split())
            row[LANGUAGE_COLUMN] = result.language or ""
            row[SEGMENTS_COLUMN] = json.dumps(
                [{"start": round(s.start, 2), "end": round(s.end, 2), "text": s.text.strip()} for s in result.segments],
                ensure_ascii=False)
        return failures
