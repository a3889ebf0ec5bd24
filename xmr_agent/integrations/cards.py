"""Compact, JSON-ready views of hits and answers for language models (tool outputs)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xmr_agent.agent.pipeline import Answer
    from xmr_agent.types import Hit


SNIPPET = 240
#: In compact cards: the snippet, the reason, and how many other fields are kept.
COMPACT_SNIPPET = 100
COMPACT_WHY = 160
COMPACT_FIELDS = 6
#: Fields made by models at ingest (image labels, transcripts): searched, not shown in compact cards.
MACHINE_FIELDS = frozenset({"image_tags", "transcript", "keyframes", "frames", "audio_transcript"})


# -- output for language models -------------------------------------------------------------
def hit_card(hit: Hit, *, compact: bool = False) -> dict[str, Any]:
    """A JSON-ready view of a hit for a language model: id, score, title, a snippet, scalar
    metadata and media paths (``compact``: short fields only, no machine-made ones)."""
    return {"id": hit.id, "score": round(float(hit.score), 4), **_item_card(hit.item, compact)}


def answer_card(answer: Answer, *, compact: bool = False) -> dict[str, Any]:
    """A view of an answer: the filters applied and each recommendation with its reason.
    ``compact``: ids, titles, key fields and a one-line reason, to fit an LLM's context."""
    recs = [{"rank": r.rank, "id": r.id, "score": round(float(r.score), 4), **_item_card(r.item, compact),
             "why": _line(r.explanation, COMPACT_WHY) if compact else r.explanation} for r in answer.recommendations]
    notes = [e["reason"] for e in answer.trace if e.get("step") == "relax"]
    notes = [answer.message, *notes] if getattr(answer, "message", "") else notes
    card = {"request": answer.request, "where": answer.where, "recommendations": recs}
    return card | {"notes": notes} if notes else card


def to_json(value: Any) -> str:
    """Compact JSON (non-JSON values such as dates become strings)."""
    return json.dumps(value, ensure_ascii=False, default=str)


def _item_card(item: dict[str, Any], compact: bool = False) -> dict[str, Any]:
    text = str(item.get("text") or "")
    size = COMPACT_SNIPPET if compact else SNIPPET
    snippet = text[:size] + ("…" if len(text) > size else "")
    card: dict[str, Any] = {"title": item.get("title") or "", "text": snippet}
    for key, value in item.items():
        if key in ("id", "title", "text") or value is None or value == []:
            continue
        if compact and (key in MACHINE_FIELDS or len(card) >= COMPACT_FIELDS + 2 or not _short(value)
                        or (isinstance(value, str) and value in text)):  # the text says it already
            continue
        if isinstance(value, str | int | float | bool) or (isinstance(value, list) and len(value) <= 12):
            card[key] = value
    return card


def _short(value: Any) -> bool:
    """A field worth its place in a compact card: a number, or a short text or list of texts."""
    if isinstance(value, list):
        return len(value) <= 5 and all(isinstance(v, str) and len(v) <= 30 for v in value)
    return not isinstance(value, str) or len(value) <= 60


def _line(text: str, limit: int) -> str:
    """The first sentence of ``text``, at most ``limit`` characters."""
    first = text.split(". ")[0].strip()
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"
