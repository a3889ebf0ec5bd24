"""Image → text on an image–text data set: each image is a query that ranks every caption.

The route uses the offline models only, and the same representation as caption → image search:
an image's query vector is the one stored for it in the table's text column (its tags, embedded
by the text encoder), and the captions are embedded once, in memory, by that text encoder (as
documents; nothing is written to the table). Captions are ranked by cosine similarity. An image
counts as found at K when any of its captions is among the top K (the usual image → text R@K);
nDCG@10 and MRR take all of its captions as relevant.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from xmr_agent.errors import ConfigError
from xmr_agent.eval.datasets import Case, Dataset
from xmr_agent.eval.runner import run_retrieval
from xmr_agent.store.catalog import Catalog
from xmr_agent.types import Hit

ROUTE = ("image query = the image's stored text-column vector (its tags through the text encoder); "
         "captions embedded in memory by the same encoder; cosine similarity")


def caption_pairs(dataset: Dataset) -> list[tuple[str, str]]:
    """``(image, caption)`` for every caption whose image exists, in file order."""
    if dataset.catalog is None:
        raise ConfigError(f"data set {dataset.queries} has no images folder")
    pairs = []
    with dataset.queries.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            image, caption = (row.get("image") or "").strip(), (row.get("caption") or "").strip()
            if image and caption and (dataset.catalog / image).is_file():
                pairs.append((image, caption))
    return pairs


def caption_ids(pairs: Sequence[tuple[str, str]]) -> list[str]:
    """``image#n`` for the n-th caption of each image (Flickr's own naming)."""
    seen: dict[str, int] = {}
    ids = []
    for image, _ in pairs:
        ids.append(f"{image}#{seen.get(image, 0)}")
        seen[image] = seen.get(image, 0) + 1
    return ids


def text_column(catalog: Catalog) -> str:
    """The vector column built from the items' text (title, text and image tags)."""
    for column, spec in catalog.vectors.items():
        if spec.field == "text":
            return column
    raise ConfigError(f"table {catalog.name!r} has no text vector column: image → text needs the images' tags "
                      "embedded with a text encoder")


def run_image_to_text(
    catalog: Catalog,
    dataset: Dataset,
    images: Sequence[str],
    *,
    on_case: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """Rank all captions of ``dataset`` for each of ``images`` (ids in ``catalog``); the results of
    :func:`~xmr_agent.eval.runner.run_retrieval` (R@K as hits) plus the route and caption count."""
    pairs = caption_pairs(dataset)
    ids = caption_ids(pairs)
    column = text_column(catalog)
    start = time.perf_counter()
    captions = catalog.encoder(column).encode([c for _, c in pairs], modality="text", role="document")
    captions = captions / np.maximum(np.linalg.norm(captions, axis=1, keepdims=True), 1e-12)
    encode_s = time.perf_counter() - start
    stored = catalog.vectors_of(list(images), column)
    missing = [i for i in images if i not in stored]
    if missing:
        raise ConfigError(f"{len(missing)} images have no {column} vector (e.g. {missing[0]}): were they tagged?")
    relevant: dict[str, set[str]] = {}
    for (image, _), caption_id in zip(pairs, ids, strict=True):
        relevant.setdefault(image, set()).add(caption_id)
    cases = [Case(image, frozenset(relevant.get(image, ())), group=image) for image in images]
    cases = [c for c in cases if c.relevant]

    def retrieve(case: Case, depth: int, timings: dict[str, float]) -> list[Hit]:
        tick = time.perf_counter()
        query = stored[case.query]
        scores = captions @ (query / max(float(np.linalg.norm(query)), 1e-12))
        top = np.argpartition(-scores, min(depth, len(scores) - 1))[:depth]
        top = top[np.argsort(-scores[top], kind="stable")]
        timings["rank"] = time.perf_counter() - tick
        return [Hit(ids[j], float(scores[j])) for j in top]

    results = run_retrieval(catalog, cases, retrieve=retrieve, on_case=on_case, any_hit=True)
    return {**results, "route": ROUTE, "n_captions": len(pairs), "encode_captions_s": encode_s,
            "recall": "an image is found at K when any of its captions is in the top K"}
