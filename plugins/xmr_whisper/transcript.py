"""What a transcriber returns, and how a text span is traced back to a timestamp."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Failure", "Segment", "Transcript", "failures_of", "segment_for"]


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
    "a an and are as at be by for from has he her his i in is it its of on or she that the their "
    "them they this to was were with you your".split()
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
