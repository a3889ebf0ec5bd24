"""``xmr eval``: locate a data set, ingest its catalogue, run its cases, write the report."""

from __future__ import annotations

import datetime as dt
import os
import platform
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from xmr_agent.errors import ConfigError
from xmr_agent.eval.datasets import (
    Case,
    cases,
    image_items,
    in_holdout,
    locate,
    redial_items,
    redial_sessions,
)
from xmr_agent.eval.report import write_report
from xmr_agent.eval.runner import agent_retrieve, run_retrieval
from xmr_agent.ingestion.mapping import TEXT_VECTORS
from xmr_agent.ingestion.pipeline import ingest
from xmr_agent.ingestion.tags import TAGS_K
from xmr_agent.progress import progress_bar
from xmr_agent.store.catalog import Catalog


def evaluate(
    dataset: str | Path,
    db: str | Path,
    table: str,
    out: str | Path,
    *,
    kind: str | None = None,
    limit: int | None = None,
    hybrid: bool = False,
    image_encoder: str = "efficientnet-lite0",
    progress: bool = False,
    agent: dict[str, Any] | None = None,
    history: str | Path | None = None,
    holdout: float | None = None,
    spoken: str | None = None,
    tags_k: int = TAGS_K,
    tag_glosses: int | None = None,
    text_encoders: Sequence[str] = (),
) -> dict[str, Any]:
    """Evaluate retrieval on ``dataset``; returns the results also written to ``out``.

    An ``image-text`` data set is ingested with ``image_encoder`` for image vectors and, as tags
    embedded with the text model, for caption → image search (``tags_k`` labels per image;
    ``tag_glosses``, when given, is the encoder's ``glosses`` setting: how many labels carry their
    WordNet gloss). It is also evaluated image → text: each image's tag vector ranks all captions
    (:mod:`xmr_agent.eval.image_text`). ``agent`` (keyword arguments of
    :class:`~xmr_agent.agent.pipeline.Agent`, e.g. ``{"llm": None, "reranker": "mmr"}``) runs
    the agent instead of the plain search; dialogue contexts give it soft, not hard, category
    preferences. ``history`` (past dialogues in the same format as a ReDial turns file) trains
    an item graph for the agent; dialogues that are scored are never learned from, and with
    ``holdout`` only that fraction of dialogues (a stable split by dialogue id) is scored.
    ``spoken`` (a Whisper model) evaluates an image-text set's spoken first captions against the
    same captions typed, with the transcripts' word error rate. ``text_encoders`` embed a new
    table's text (default: a plain ingest's, :data:`~xmr_agent.ingestion.mapping.TEXT_VECTORS`);
    with two or more, each request is searched by the encoder for its language.
    """
    found = locate(dataset, kind)
    if found.kind == "image-text":
        Path(out).mkdir(parents=True, exist_ok=True)
        items = image_items(found, Path(out) / "catalog.jsonl")
        tagger: Any = image_encoder
        if tag_glosses is not None:
            from xmr_agent.encoders.registry import get_encoder

            tagger = get_encoder(image_encoder, glosses=tag_glosses)
        text = tuple(text_encoders) or TEXT_VECTORS
        ingest(items, db, table, vectors={"text": text[0] if len(text) == 1 else text, "image": tagger}, tags=tagger,
               tags_k=tags_k, progress=progress)
    elif found.kind == "redial":
        Path(out).mkdir(parents=True, exist_ok=True)
        vectors = None if not text_encoders else {"text": text_encoders[0] if len(text_encoders) == 1
                                                  else tuple(text_encoders)}
        ingest(redial_items(found, Path(out) / "catalog.jsonl"), db, table, fields=found.fields, vectors=vectors,
               progress=progress)
    elif found.catalog is not None:
        ingest(found.catalog, db, table, fields=found.fields, progress=progress)
    catalog = Catalog.open(db, table)
    if spoken is not None:
        return _spoken(catalog, found, table, out, spoken, limit, progress)
    selected = _select(found, limit, holdout)
    retrieve, mode = None, "hybrid" if hybrid else "vector"
    if history is not None:
        agent = agent if agent is not None else {}
        agent["graph"] = _history_graph(found, Path(history), {c.group for c in selected})
        agent["ranker"] = _ranker(agent.get("ranker", "auto"), catalog, holdout)
        if agent["ranker"] == "train":  # the measured best: a ranker learned from the history itself
            agent["ranker"] = _train(catalog, Path(history), {c.group for c in selected}, progress)
    if agent is not None:
        from xmr_agent.agent.pipeline import Agent

        settings = {"hard_categories": found.kind != "redial", **agent}
        retrieve = agent_retrieve(Agent(catalog, **settings))
        mode = "agent " + ", ".join(f"{k}={_describe(v)}" for k, v in settings.items())
    with progress_bar(progress, len(selected), "evaluating") as advance:
        results = run_retrieval(catalog, selected, hybrid=hybrid, on_case=lambda: advance(1), retrieve=retrieve)
    if found.kind == "image-text":
        results = _with_image_to_text(results, catalog, found, selected, progress)
    results = {
        "dataset": str(found.queries), "kind": found.kind, "table": table, "mode": mode,
        "encoders": {v.column: f"{v.encoder} {v.config}" for v in catalog.vectors.values()},
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "machine": machine(), **results,
    }
    write_report(dict(results), out)
    return results


def machine() -> str:
    """Cores, RAM and CPU model, for reports."""
    ram = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(meminfo.read_text().split("MemTotal:")[1].split()[0])
        ram = f", {kb / 2**20:.0f} GiB RAM"
    return f"{os.cpu_count()} cores{ram}, {platform.processor() or platform.machine()}"


def _spoken(catalog: Catalog, found: Any, table: str, out: str | Path, whisper: str, limit: int | None,
            progress: bool) -> dict[str, Any]:
    from xmr_agent.eval.spoken import run_spoken, spoken_cases

    if found.kind != "image-text":
        raise ConfigError("--spoken is for image-text data sets with an audio/ folder of spoken captions")
    total = len(spoken_cases(found, limit=limit))
    with progress_bar(progress, total, "spoken captions") as advance:
        results = run_spoken(catalog, found, whisper=whisper, limit=limit, on_case=lambda: advance(1))
    results = {"dataset": str(found.queries), "kind": "image-text (spoken)", "table": table, "mode": f"whisper {whisper}",
               "encoders": {v.column: f"{v.encoder} {v.config}" for v in catalog.vectors.values()},
               "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "machine": machine(), **results}
    write_report(dict(results), out)
    return results


def _with_image_to_text(results: dict[str, Any], catalog: Catalog, found: Any, selected: list[Case],
                        progress: bool) -> dict[str, Any]:
    """Add image → text for the images of the selected captions: metrics under
    ``metrics.image_to_text``, the rest under ``image_to_text``, the per-query time as a stage."""
    from xmr_agent.eval.image_text import run_image_to_text

    images = list(dict.fromkeys(c.group for c in selected))
    with progress_bar(progress, len(images), "image → text") as advance:
        i2t = run_image_to_text(catalog, found, images, on_case=lambda: advance(1))
    results["metrics"]["image_to_text"] = i2t["metrics"]["all"]
    results["image_to_text"] = {k: i2t[k] for k in ("route", "recall", "n_queries", "n_captions", "recall_curve")}
    results["image_to_text"]["encode_captions_s"] = round(i2t["encode_captions_s"], 3)
    results["latency"]["image_to_text"] = i2t["latency"]["total"]
    results["latency_raw_s"]["image_to_text"] = i2t["latency_raw_s"]["total"]
    return results


def _select(found: Any, limit: int | None, holdout: float | None) -> list[Case]:
    chosen = cases(found) if holdout is not None else cases(found, limit=limit)
    if holdout is not None:
        chosen = [c for c in chosen if in_holdout(c.group, holdout)][:limit]
    return chosen


def _history_graph(found: Any, history: Path, scored: set[str]) -> Any:
    from xmr_agent.recommend.graph import ItemGraph

    if found.kind != "redial" or found.catalog is None:
        raise ConfigError("--history is for ReDial-style data sets (dialogues with movie mentions)")
    return ItemGraph.fit(redial_sessions(history, found.catalog, skip=scored))


def _ranker(spec: Any, catalog: Catalog, holdout: float | None) -> Any:
    """The learned ranker for ``--history``: a file, ``auto`` (the table's, when it exists and
    was trained leaving out the same held-out dialogues; else ``"train"``: learn one from the
    history) or ``none``."""
    from xmr_agent.recommend.ranker import Ranker, ranker_path

    if spec is None or not isinstance(spec, str | Path):
        return spec
    if str(spec) == "none":
        return None
    if str(spec) != "auto":
        return Ranker.load(spec)
    path = ranker_path(catalog.uri, catalog.name)
    if not path.is_file():
        return "train"
    ranker = Ranker.load(path)
    if ranker.summary.get("holdout") != holdout:
        raise ConfigError(f"the ranker {path} was trained with holdout {ranker.summary.get('holdout')}, not {holdout}: "
                          f"it may have learned from the turns scored; retrain it with `xmr train --holdout {holdout}` "
                          "or pass --ranker none")
    return ranker


def _train(catalog: Catalog, history: Path, scored: set[str], progress: bool) -> Any:
    """A ranker learned from the history's dialogues that are not scored (``xmr train``'s way)."""
    from xmr_agent.agent.learn import train_ranker
    from xmr_agent.agent.pipeline import Agent

    with progress_bar(progress, None, "learning the ranker from --history") as advance:
        return train_ranker(Agent(catalog, hard_categories=False), history, skip=scored, on_turn=lambda: advance(1))


def _describe(value: Any) -> str:
    if hasattr(value, "weights") and hasattr(value, "summary"):
        return f"Ranker({value.summary.get('turns')} turns)"
    if hasattr(value, "sessions") and hasattr(value, "counts"):
        return f"ItemGraph({value.sessions} sessions, {len(value)} items)"
    if value is None or isinstance(value, str | int | float | bool):
        return str(value)
    return getattr(value, "name", type(value).__name__)
