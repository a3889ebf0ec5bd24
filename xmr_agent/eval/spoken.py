"""Spoken queries on an image–text data set: each image's first caption, typed and spoken.

For every image with a recording in ``audio/`` (the spoken first caption), the typed caption
and the recording transcribed by Whisper are searched against the same table. Both rankings
are scored, the spoken one is compared with the typed one (R@10 ratio), and the transcripts'
word error rate against the captions is measured with Whisper's English normaliser.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path
from typing import Any

from xmr_agent.encoders.speech import DEFAULT_WHISPER
from xmr_agent.errors import ConfigError, XmrError
from xmr_agent.eval.datasets import Case, Dataset
from xmr_agent.eval.runner import run_retrieval
from xmr_agent.store.catalog import Catalog
from xmr_agent.types import Hit

AUDIO_SUFFIXES = (".mp3", ".wav", ".flac", ".ogg", ".m4a")


def spoken_cases(dataset: Dataset, *, limit: int | None = None) -> list[tuple[Case, Path]]:
    """(typed first caption → its image, the recording of that caption), for images with one."""
    audio_dir = dataset.queries.parent / "audio"
    if dataset.catalog is None or not audio_dir.is_dir():
        raise ConfigError(f"no audio/ folder beside {dataset.queries}: spoken captions are needed for --spoken")
    seen: set[str] = set()
    pairs = []
    with dataset.queries.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            image, caption = (row.get("image") or "").strip(), (row.get("caption") or "").strip()
            if not image or not caption or image in seen or not (dataset.catalog / image).is_file():
                continue
            seen.add(image)
            clip = next((audio_dir / (Path(image).stem + s) for s in AUDIO_SUFFIXES
                         if (audio_dir / (Path(image).stem + s)).is_file()), None)
            if clip is not None:
                pairs.append((Case(caption, frozenset({image}), group=image), clip))
    return pairs[:limit]


def run_spoken(catalog: Catalog, dataset: Dataset, *, whisper: str = DEFAULT_WHISPER, limit: int | None = None,
               on_case: Any = None) -> dict[str, Any]:
    """Typed and spoken first captions through the same search; metrics, R@10 ratio, WER."""
    from xmr_agent.encoders.speech import get_transcriber
    from xmr_agent.eval.wer import corpus_wer, whisper_english_normalizer

    pairs = spoken_cases(dataset, limit=limit)
    if not pairs:
        raise ConfigError("no image has both a caption and a spoken recording")
    cases = [case for case, _ in pairs]
    clips = {case.group: clip for case, clip in pairs}
    typed = run_retrieval(catalog, cases)
    transcriber = get_transcriber(whisper)
    heard: dict[str, str] = {}

    def retrieve(case: Case, depth: int, timings: dict[str, float]) -> list[Hit]:
        start = time.perf_counter()
        heard[case.group] = transcriber.transcribe(clips[case.group]).text.strip()
        timings["transcribe"] = time.perf_counter() - start
        try:
            return catalog.search(heard[case.group], k=depth, timings=timings)
        except XmrError:
            return []  # nothing heard: a miss

    spoken = run_retrieval(catalog, cases, retrieve=retrieve, on_case=on_case)
    typed_r10 = typed["metrics"]["all"].get("recall@10", 0.0)
    spoken_r10 = spoken["metrics"]["all"].get("recall@10", 0.0)
    wer = corpus_wer([(c.query, heard.get(c.group, "")) for c in cases], normalize=whisper_english_normalizer())
    return {
        **spoken,
        "metrics": {"typed_first_caption": typed["metrics"]["all"], "spoken_first_caption": spoken["metrics"]["all"]},
        "spoken": {"whisper": whisper, "clips": len(cases), "wer": wer,
                   "r10_spoken_over_typed": spoken_r10 / typed_r10 if typed_r10 else None},
    }
