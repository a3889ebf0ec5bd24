"""Which keyframe of a video item matched a query: the hidden per-keyframe vectors of an image
column are compared with the query vector, and the hit names the time (``matched_keyframe``)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from xmr_agent.store.columns import KEYFRAMES_COLUMN, MATCH_KEY, keyframe_column
from xmr_agent.store.filters import ids_in
from xmr_agent.types import Hit


def match_keyframes(table: Any, fields: Mapping[str, str], hits: Sequence[Hit],
                    vectors: Mapping[str, np.ndarray]) -> dict[str, dict[str, Any]]:
    """For each hit on a video item found through an image vector column, the keyframe closest
    to that column's query vector (``vectors``: column → query vector; ``fields``: column → the
    item field it embeds): ``{id: {"time": 1.0, "at": "0:01", "field": "image", "score": 0.93}}``."""
    if table is None or not any(h.item.get("video") for h in hits):
        return {}
    names = set(table.schema.names)
    found: dict[str, dict[str, Any]] = {}
    for column, vector in vectors.items():
        name = keyframe_column(column)
        ids = [h.id for h in hits if h.id not in found and h.item.get("video") and _found_by(h, column)]
        if name not in names or not ids or vector is None or not np.any(vector):
            continue
        rows = table.search().where(ids_in(ids)).select(["id", name, KEYFRAMES_COLUMN]).limit(len(ids)).to_list()
        for row in rows:
            frames, times = row.get(name), _times(row.get(KEYFRAMES_COLUMN))
            if not frames or len(frames) != len(times):
                continue
            matrix = np.asarray(frames, dtype=np.float32)
            scores = matrix @ np.asarray(vector, dtype=np.float32) / np.maximum(
                np.linalg.norm(matrix, axis=1) * float(np.linalg.norm(vector)), 1e-12)
            best = int(np.argmax(scores))
            found[row["id"]] = {"time": times[best], "at": clock(times[best]),
                                "field": fields[column], "score": round(float(scores[best]), 4)}
    return found


def with_keyframes(hits: Sequence[Hit], found: Mapping[str, dict[str, Any]]) -> list[Hit]:
    """The hits, each video hit in ``found`` with its keyframe in its item under :data:`MATCH_KEY`."""
    return [replace(h, item={**h.item, MATCH_KEY: found[h.id]}) if h.id in found else h for h in hits]


def keyframe_with_tags(keyframes: Any, tags: Sequence[str]) -> dict[str, Any] | None:
    """The keyframe whose tags include most of ``tags`` (those a request matched), if any."""
    entries = _entries(keyframes)
    wanted = set(tags)
    scored = [(len(wanted & set(e.get("tags") or ())), e) for e in entries]
    if not scored or not wanted:
        return None
    count, best = max(scored, key=lambda pair: pair[0])
    if count == 0:
        return None
    time = best.get("time")
    return {"time": time, "at": clock(time), "field": "image tags",
            "tags": [t for t in best.get("tags") or () if t in wanted]}


def clock(seconds: Any) -> str:
    """``m:ss`` for a number of seconds (``?`` when unknown)."""
    if not isinstance(seconds, int | float) or isinstance(seconds, bool):
        return "?"
    return f"{int(seconds) // 60}:{int(seconds) % 60:02d}"


def _found_by(hit: Hit, column: str) -> bool:
    return any(source.endswith(f":{column}") and not source.startswith("avoid:") for source in hit.scores)


def _entries(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    return [dict(e) for e in value if isinstance(e, Mapping)] if isinstance(value, list) else []


def _times(value: Any) -> list[Any]:
    return [e.get("time") for e in _entries(value)]
