"""Evidence for each recommendation, and a short narrative that may cite only that evidence.

:func:`build_evidence` records, per hit, which searches matched (field, modality, query, score),
the item's tags that share a word stem with the request, the sentence of its text that shares
most words with it, the best transcript segment with its timestamps (items with
``transcript_segments``), the keyframe of a video item that matched (its time), and the filters
it meets. :func:`template_narrative` words that evidence without an LLM. :func:`llm_narratives`
asks an LLM to word it, and keeps an answer only if :func:`grounded` accepts it: it names no
other item, and every number and catalogue value it mentions is in the evidence; otherwise the
template is used.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from xmr_agent.agent.data import clean
from xmr_agent.agent.filters import satisfies
from xmr_agent.agent.query import CrossModalQuery, Filter
from xmr_agent.agent.route import Route
from xmr_agent.agent.rules import stem_phrase
from xmr_agent.store.columns import KEYFRAMES_COLUMN, LABELS_COLUMN, MATCH_KEY
from xmr_agent.store.keyframes import keyframe_with_tags
from xmr_agent.types import CORE_FIELDS, Hit

TAG_FIELDS = ("image_tags", "tags", "keywords")
#: Shared metadata values named per recommendation (the rarest).
MAX_SHARED_SHOWN = 2


@dataclass(frozen=True)
class Match:
    """One search that found the item."""

    source: str
    field: str
    modality: str
    query: str
    score: float


@dataclass(frozen=True)
class Evidence:
    """Why an item was recommended, as data."""

    id: str
    title: str
    matches: tuple[Match, ...] = ()
    tags: tuple[str, ...] = ()
    snippet: str = ""
    transcript: dict[str, Any] | None = None
    keyframe: dict[str, Any] | None = None
    filters: tuple[str, ...] = ()
    facts: dict[str, Any] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def build_evidence(hit: Hit, query: CrossModalQuery, routes: Sequence[Route],
                   keyframe: Mapping[str, Any] | None = None, names: Mapping[str, str] | None = None,
                   shared: Sequence[tuple[str, str, str]] = ()) -> Evidence:
    """The evidence for one fused hit; ``keyframe`` is the video keyframe that matched the query
    vector (:func:`xmr_agent.store.keyframes.match_keyframes`), else the one whose tags the request matched;
    ``names``: titles of the items the query starts from (liked or named), by id; ``shared``: the
    (column, value, seed id) metadata the item shares with those items, rarest first."""
    words = {w for s in query.queries for w in stem_phrase(s.text).split() if len(w) > 2}
    matches = tuple(_matches(hit, routes, names or {}, shared))
    title, _ = clean(hit.item.get("title"), 120)
    tags = tuple(_matched_tags(hit.item, words))
    return Evidence(
        id=hit.id,
        title=title,
        matches=matches,
        tags=tags,
        snippet=_snippet(hit.item.get("text"), words),
        transcript=_segment(hit.item.get("transcript_segments"), words),
        keyframe=dict(keyframe) if keyframe else keyframe_with_tags(hit.item.get(KEYFRAMES_COLUMN), tags),
        filters=tuple(_met(hit.item, query.filters)),
        facts=_facts(hit.item),
        scores={k: round(v, 4) for k, v in hit.scores.items()},
    )


def _matches(hit: Hit, routes: Sequence[Route], names: Mapping[str, str],
             shared: Sequence[tuple[str, str, str]]) -> Iterable[Match]:
    for source in ("graph", "popular"):
        if source in hit.scores:
            what = "seen with the items you mentioned" if source == "graph" else "often chosen"
            yield Match(source, what, "interactions", "", round(hit.scores[source], 4))
    if "attributes" in hit.scores:
        columns: dict[tuple[str, str], list[str]] = {}  # (value, seed) → the columns sharing it
        for column, value, seed in shared:
            columns.setdefault((_as_stored(hit.item.get(column), value), seed), []).append(column)
        for (value, seed), where in list(columns.items())[:MAX_SHARED_SHOWN]:
            yield Match("attributes", f"{' and '.join(where)} {value}", "metadata", names.get(seed) or f"item {seed}",
                        round(hit.scores["attributes"], 4))
    for r in routes:
        if r.negative or r.source not in hit.scores:
            continue
        field_name = "title/text" if r.column is None else r.column.split("__")[1]
        shown = ", ".join(dict.fromkeys(s.text or (_attached(s.modality) if s.file else "")
                                        or (names.get(s.item) or f"item {s.item}" if s.item else "")
                                        for s in r.inputs))
        yield Match(r.source, field_name, r.modality, shorten(shown), round(hit.scores[r.source], 4))


#: Longest request words repeated in each match (a long request is not copied into every item's evidence).
MAX_SHOWN_QUERY = 160


def shorten(text: str, limit: int = MAX_SHOWN_QUERY) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _as_stored(values: Any, key: str) -> str:
    """The item's own spelling of a shared value (the index keeps them lower-cased)."""
    return next((str(v) for v in values or () if str(v).strip().lower() == key), key)


#: How a query file is named to the user (never by its path on the server).
ATTACHED = {"image": "your photo", "audio": "your sound", "video": "your video", "": "your file"}


def _attached(modality: str) -> str:
    return ATTACHED.get(modality, ATTACHED[""])


def _facts(item: Mapping[str, Any]) -> dict[str, Any]:
    """The item's short metadata values (price, year, genre…): attributes a narrative may name."""
    facts: dict[str, Any] = {}
    for name, value in item.items():
        if name in CORE_FIELDS or name in TAG_FIELDS or name.startswith("transcript") or value is None \
                or name in (KEYFRAMES_COLUMN, MATCH_KEY):
            continue
        if isinstance(value, list) and len(value) <= 8 and all(len(str(v)) <= 60 for v in value):
            facts[name] = [clean(v, 60)[0] for v in value]
        elif isinstance(value, int | float | bool) or (isinstance(value, str) and len(value) <= 80):
            facts[name] = clean(value, 80)[0] if isinstance(value, str) else value
    return facts


def _matched_tags(item: Mapping[str, Any], words: set[str]) -> Iterable[str]:
    """Tags sharing a word with the request; of an image's tags only the confident ones
    (``image_labels``, where the table has it)."""
    confident = item.get(LABELS_COLUMN)
    for name in TAG_FIELDS:
        tags = item.get(name)
        if isinstance(tags, list):
            for tag in tags:
                shown = name != "image_tags" or not isinstance(confident, list) or str(tag).split(" (")[0] in confident
                if shown and set(stem_phrase(str(tag)).split()) & words:
                    yield str(tag)


def _snippet(text: Any, words: set[str]) -> str:
    if not text or not words:
        return ""
    best, score = "", 0
    for sentence in re.split(r"(?<=[.!?])\s+", str(text)):
        overlap = len(set(stem_phrase(sentence).split()) & words)
        if overlap > score:
            best, score = sentence, overlap
    return clean(best, 240)[0] if best else ""


def _segment(segments: Any, words: set[str]) -> dict[str, Any] | None:
    if isinstance(segments, str):  # stored as JSON by ingest (xmr_agent.ingestion.transcripts)
        try:
            segments = json.loads(segments)
        except ValueError:
            return None
    if not isinstance(segments, list) or not segments:
        return None
    scored = [(len(set(stem_phrase(str(s.get("text", ""))).split()) & words), s)
              for s in segments if isinstance(s, Mapping)]
    if not scored:
        return None
    overlap, best = max(scored, key=lambda pair: pair[0])
    if overlap == 0:
        return None
    return {"start": best.get("start"), "end": best.get("end"), "text": clean(best.get("text"), 240)[0]}


def _met(item: Mapping[str, Any], filters: Sequence[Filter]) -> Iterable[str]:
    for flt in filters:
        if (flt.hard or flt.column not in TAG_FIELDS) and satisfies(item, flt):
            value = item.get(flt.column)
            shown = value if not isinstance(value, list) else ", ".join(map(str, value[:6]))
            yield f"{flt.column} {flt.op} {flt.value} ({shown})"


def template_narrative(evidence: Evidence) -> str:
    """A plain sentence from the evidence alone."""
    how: dict[str, list[str]] = {}
    parts = [m.field for m in evidence.matches if m.source in ("graph", "popular")]
    parts += [f"{m.field}, as in {m.query}" for m in evidence.matches if m.source == "attributes"]
    for m in evidence.matches:
        if m.source == "attributes":
            continue
        if m.modality == "item":
            parts.append(f"close to {m.query} in {m.field}")
        elif m.source not in ("graph", "popular"):
            how.setdefault(m.query, []).append("its words" if m.source == "fts" else f"its {m.field} ({m.modality} query)")
    parts += [f"{q if q in ATTACHED.values() else f'“{q}”'} matched {' and '.join(dict.fromkeys(ways))}"
              for q, ways in list(how.items())[:2]]
    if evidence.tags:
        parts.append("tags: " + ", ".join(evidence.tags[:4]))
    if evidence.snippet:
        parts.append(f"“{evidence.snippet[:120]}”")
    if evidence.transcript:
        t = evidence.transcript
        parts.append(f"at {_clock(t.get('start'))}–{_clock(t.get('end'))}: “{t.get('text', '')[:80]}”")
    if evidence.keyframe:
        frame = evidence.keyframe
        seen = f" ({', '.join(frame['tags'][:3])})" if frame.get("tags") else ""
        parts.append(f"the frame at {_clock(frame.get('time'))}{seen} matched")
    if evidence.filters:
        parts.append("meets " + "; ".join(evidence.filters))
    return (evidence.title + ": " if evidence.title else "") + ("; ".join(parts) or "a close match") + "."


def _clock(seconds: Any) -> str:
    if not isinstance(seconds, int | float):
        return "?"
    return f"{int(seconds) // 60}:{int(seconds) % 60:02d}"


def grounded(text: str, evidence: Evidence, *, others: Sequence[Evidence] = (), vocabulary: Iterable[str] = (),
             request: str = "") -> tuple[bool, str]:
    """Whether ``text`` cites only ``evidence``: no other item's id or title, and no number or
    catalogue value (``vocabulary``) that is absent from the evidence (or the request)."""
    lowered = text.lower()
    source = (json.dumps(evidence.to_dict(), ensure_ascii=False, default=str) + " " + request).lower()
    for other in others:
        if other.id == evidence.id:
            continue
        if re.search(rf"\b{re.escape(other.id.lower())}\b", lowered):
            return False, f"names another item's id {other.id!r}"
        if len(other.title) >= 4 and other.title.lower() not in source and other.title.lower() in lowered:
            return False, f"names another item {other.title!r}"
    for number in re.findall(r"\d+(?:\.\d+)?", text):
        if number not in source:
            return False, f"the number {number} is not in the evidence"
    for value in vocabulary:
        if len(value) >= 3 and re.search(rf"\b{re.escape(value.lower())}\b", lowered) and value.lower() not in source:
            return False, f"{value!r} is not in the evidence"
    return True, ""


def _for_prompt(evidence: Evidence) -> dict[str, Any]:
    """The evidence an LLM needs to word a sentence, without scores and empty fields."""
    shown: dict[str, Any] = {"id": evidence.id, "title": evidence.title,
                             "matched": sorted({f"{m.field}: {m.query}" if m.query else m.field for m in evidence.matches}),
                             "tags": list(evidence.tags), "snippet": evidence.snippet, "filters": list(evidence.filters),
                             "facts": evidence.facts, "transcript": evidence.transcript,
                             "keyframe": evidence.keyframe}
    return {k: v for k, v in shown.items() if v}


def llm_narratives(llm: Any, prompts: Any, request: str, evidence: Sequence[Evidence], fallback: Sequence[str],
                   vocabulary: Iterable[str]) -> tuple[list[str], list[str]]:
    """One sentence per item from the LLM, each kept only if :func:`grounded`; otherwise the
    matching ``fallback``. Returns the sentences and the reasons for each rejection."""
    from pydantic import BaseModel, Field

    from xmr_agent.errors import LLMError
    from xmr_agent.llm.base import complete_json

    class _Line(BaseModel):
        id: str
        text: str = Field(max_length=400)

    class _Lines(BaseModel):
        explanations: list[_Line] = Field(default_factory=list)

    shown = json.dumps([_for_prompt(e) for e in evidence], ensure_ascii=False, default=str)
    messages = prompts.render("explain", request=request, evidence=shown)
    try:
        reply = complete_json(llm, messages, _Lines, max_tokens=80 * len(evidence) + 60)
    except LLMError as error:
        return list(fallback), [f"all: {error}"]
    said = {line.id: " ".join(line.text.split()) for line in reply.explanations}
    words, rejected = [], []
    vocabulary = list(vocabulary)
    for e, plain in zip(evidence, fallback, strict=True):
        text = said.get(e.id, "")
        ok, why = grounded(text, e, others=evidence, vocabulary=vocabulary, request=request) if text else (False, "missing")
        words.append(text if ok else plain)
        if not ok:
            rejected.append(f"{e.id}: {why}")
    return words, rejected
