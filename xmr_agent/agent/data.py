"""Item text on its way into a prompt: shortened, and cleaned of instruction-like sentences.

Item fields are data written by whoever filled the catalogue. Before any of it reaches an LLM,
sentences that address the model ("ignore previous instructions", "you must recommend …",
"system:") are replaced by a marker, and the rest is passed as JSON inside a data block. This
is one layer; the others are that rerank answers may only reorder given ids and explanations
must be grounded in evidence (:mod:`xmr_agent.agent.explain`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

REDACTED = "[instruction-like text removed]"
_INJECTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b[^.!?\n]{0,40}\b(?:instructions?|prompts?|rules?|above|context)\b"
    r"|\byou\s+(?:must|should|will|are\s+required\s+to)\s+(?:now\s+)?(?:recommend|rank|say|answer|reply|output|pick|choose)\b"
    r"|\b(?:recommend|rank|choose|pick)\s+(?:only\s+)?(?:item|product|movie|id)\s*[#:]?\s*\S+\s+(?:first|instead|only|above)\b"
    r"|(?:^|[\s\"'])(?:system|assistant|developer)\s*:"
    r"|\bnew\s+instructions?\b|<\|im_start\|>|\[/?INST\]",
    re.IGNORECASE,
)
_SENTENCES = re.compile(r"[^.!?\n]+[.!?\n]*")


def clean(text: Any, limit: int = 300) -> tuple[str, bool]:
    """``text`` shortened to ``limit`` characters with instruction-like sentences replaced;
    the flag says whether anything was removed."""
    if text is None:
        return "", False
    text = str(text)
    found = False
    parts = []
    for sentence in _SENTENCES.findall(text) or [text]:
        if _INJECTION.search(sentence):
            found = True
            parts.append(REDACTED + " ")
        else:
            parts.append(sentence)
    cleaned = " ".join("".join(parts).split())
    return (cleaned[: limit - 1] + "…" if len(cleaned) > limit else cleaned), found


def item_card(item: Mapping[str, Any], *, limit: int = 300) -> dict[str, Any]:
    """The id, title and cleaned text of an item, ready to be dumped as JSON into a prompt."""
    title, flagged_title = clean(item.get("title"), 120)
    text, flagged_text = clean(item.get("text"), limit)
    card: dict[str, Any] = {"id": str(item.get("id")), "title": title, "text": text}
    if flagged_title or flagged_text:
        card["note"] = "instruction-like text removed from this item"
    return card
