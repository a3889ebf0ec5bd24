"""Compact, JSON-ready views of hits and answers for language models (tool outputs)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xmr_agent.agent.pipeline import Answer
    from xmr_agent.types import Hit


SNIPPET = 240


# -- output for language models -------------------------------------------------------------
def hit_card(hit: Hit) -> dict[str, Any]:
    """A compact, JSON-ready view of a hit for a language model: id, score, title, a snippet,
    scalar metadata and media paths."""
    return {"id": hit.id, "score": round(float(hit.score), 4), **_item_card(hit.item)}


def answer_card(answer: Answer) -> dict[str, Any]:
    """A compact view of an answer: the filters applied and each recommendation with its reason."""
    recs = [{"rank": r.rank, "id": r.id, "score": round(float(r.score), 4), **_item_card(r.item),
             "why": r.explanation} for r in answer.recommendations]
    notes = [e["reason"] for e in answer.trace if e.get("step") == "relax"]
    card = {"request": answer.request, "where": answer.where, "recommendations": recs}
    return card | {"notes": notes} if notes else card


def to_json(value: Any) -> str:
    """Compact JSON (non-JSON values such as dates become strings)."""
    return json.dumps(value, ensure_ascii=False, default=str)


def _item_card(item: dict[str, Any]) -> dict[str, Any]:
    text = str(item.get("text") or "")
    snippet = text[:SNIPPET] + ("…" if len(text) > SNIPPET else "")
    card: dict[str, Any] = {"title": item.get("title") or "", "text": snippet}
    for key, value in item.items():
        if key in ("id", "title", "text") or value is None or value == []:
            continue
        if isinstance(value, str | int | float | bool) or (isinstance(value, list) and len(value) <= 12):
            card[key] = value
    return card
