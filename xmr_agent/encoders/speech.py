"""The speech-to-text contract: what a transcriber is, what it returns, and how one is found.

Transcribers are plugins like encoders: they register under the entry-point group
``xmr_agent.transcribers`` (``faster-whisper = "xmr_whisper:FasterWhisperTranscriber"``) and
are imported on first use. :func:`get_transcriber` takes ``"base"`` (a model of the default
backend), ``"openai-whisper:/path/model.pt"`` (backend and model), or an instance.
A text span is traced back to its timestamp with :func:`segment_for`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from xmr_agent.encoders import DEFAULT_WHISPER  # re-exported
from xmr_agent.encoders.registry import entry_point_targets, import_target
from xmr_agent.errors import EncoderNotFound, PluginError

__all__ = ["DEFAULT_BACKEND", "DEFAULT_WHISPER", "GROUP", "Failure", "Segment", "Transcriber", "Transcript",
           "failures_of", "get_transcriber", "list_transcribers", "segment_for"]

GROUP = "xmr_agent.transcribers"
#: The backend a bare model name goes to.
DEFAULT_BACKEND = "faster-whisper"


@dataclass(frozen=True)
class Segment:
    """A stretch of speech: seconds from the start of the file, and what was said."""

    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Transcript:
    """The text of one recording.

    ``duration`` is the length of the whole source in seconds. ``truncated`` is true when only
    its first ``max_seconds`` were transcribed (see the transcriber's ``max_seconds``).
    ``language`` is ``None`` (probability 0.0) when the clip is silent and no model ran.
    """

    text: str
    language: str | None
    language_probability: float
    duration: float
    segments: tuple[Segment, ...] = ()
    truncated: bool = False


@dataclass(frozen=True)
class Failure:
    """A batch item that could not be transcribed: the file, and why."""

    path: str
    reason: str


def failures_of(results: Sequence[Transcript | Failure]) -> dict[int, str]:
    """``{index: reason}`` of the failed items: the mapping :class:`InputError` takes.

    ``raise InputError(failures_of(results))`` turns a batch result into the error encoders raise.
    """
    return {i: r.reason for i, r in enumerate(results) if isinstance(r, Failure)}


_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
_STOPWORDS = frozenset(
    ["a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "he", "her", "his", "i", "in", "is", "it", "its", "of", "on", "or", "she", "that", "the", "their", "them", "they", "this", "to", "was", "were", "with", "you", "your"]
)


def _tokens(text: str) -> list[str]:
    return [t.lower() for t in _TOKEN.findall(text)]


def segment_for(transcript: Transcript, text: str) -> Segment | None:
    """The segment of ``transcript`` that best matches ``text``, so a hit can cite a timestamp.

    Scores each segment by the share of the span's words it contains (stop words are ignored
    when the span has other words), ties broken by the share of the segment's words that are in
    the span, then by the earlier segment. ``None`` when no segment shares a word with the span.
    """
    query = _tokens(text)
    content = {t for t in query if t not in _STOPWORDS}
    wanted = content or set(query)
    if not wanted:
        return None
    best: tuple[float, float] = (0.0, 0.0)
    found: Segment | None = None
    for segment in transcript.segments:
        words = _tokens(segment.text)
        if not words:
            continue
        shared = wanted & set(words)
        score = (len(shared) / len(wanted), sum(w in wanted for w in words) / len(words))
        if shared and score > best:
            best, found = score, segment
    return found


@runtime_checkable
class Transcriber(Protocol):
    """What xmr-agent needs from a speech-to-text backend."""

    def transcribe(self, path: str | Path) -> Transcript:
        """One file → its transcript; raises ``InputError({0: reason})`` for an unreadable file."""
        ...

    def transcribe_many(self, paths: Iterable[str | Path]) -> list[Transcript | Failure]:
        """Files → one result per file, in order; unreadable files give a ``Failure``."""
        ...

    def config(self) -> dict[str, Any]:
        """JSON-serialisable settings that rebuild an equal transcriber."""
        ...


def list_transcribers() -> list[str]:
    """Names of the installed transcriber backends (from package metadata alone)."""
    return sorted(entry_point_targets(GROUP))


def get_transcriber(spec: str | Transcriber = DEFAULT_WHISPER, **options: Any) -> Transcriber:
    """A transcriber from ``MODEL`` (default backend), ``BACKEND:MODEL``, ``BACKEND``, or an instance."""
    if not isinstance(spec, str):
        _check(spec)
        return spec
    targets = entry_point_targets(GROUP)
    backend, sep, model = spec.partition(":")
    if not sep or backend not in targets:
        backend, model = (spec, "") if spec in targets else (DEFAULT_BACKEND, spec)
    if backend not in targets:
        raise EncoderNotFound(f"no speech-to-text backend {backend!r}; installed: {', '.join(targets) or 'none'} "
                              "(pip install 'xmr-agent[audio]' for Whisper)")
    cls = import_target(backend, targets[backend])
    transcriber = cls(model, **options) if model else cls(**options)
    _check(transcriber)
    return transcriber


def _check(transcriber: object) -> None:
    if not callable(getattr(transcriber, "transcribe_many", None)):
        raise PluginError(f"{transcriber!r} cannot transcribe: it has no transcribe_many(paths) method")
