"""``xmr align``: a linear map from the image-vector space into the text space, by ridge regression.

On an image–text data set (images/ + captions.csv), the images are split by a stable hash of their
file name into a fit part and a test part (``test_fraction``). On the fit part, each caption's
text vector (the text encoder, e.g. MiniLM) is regressed on its image's vector (the image encoder,
e.g. EfficientNet-Lite0, L2-normalised), with centring and an L2 penalty λ::

    W = argmin ||(X - mx) W - (Y - my)||² + λ ||W||²     (closed form, numpy only)

λ comes from a grid, chosen by a 2-fold split of the fit images alone (R@10 caption → image). The
test part is never fitted on: its captions and images are scored once, caption → image and
image → text, for three routes that share the same gallery:

* ``tags`` — the image's tags embedded with the text encoder (what ``xmr ingest --tags`` stores);
* ``projection`` — the image vector mapped by W;
* ``tags + projection`` — the sum of the two cosine similarities.

The map (W, mx, my, λ) is written to ``projection.npz`` beside ``results.json`` and ``report.md``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from xmr_agent.errors import ConfigError
from xmr_agent.eval.datasets import in_holdout, locate
from xmr_agent.eval.image_text import caption_pairs
from xmr_agent.eval.metrics import mean_metrics, ranking_metrics

DEFAULT_RIDGES = (0.1, 1.0, 10.0)
KS = (1, 5, 10)


def fit_ridge(x: np.ndarray, y: np.ndarray, ridge: float) -> dict[str, np.ndarray]:
    """Centred ridge regression of ``y`` on ``x`` (rows are pairs): ``{"w", "mx", "my"}``."""
    if ridge <= 0:
        raise ConfigError(f"the ridge penalty must be positive, got {ridge}")
    mx, my = x.mean(axis=0), y.mean(axis=0)
    xc = x - mx
    w = np.linalg.solve(xc.T @ xc + ridge * np.eye(x.shape[1]), xc.T @ (y - my))
    return {"w": w.astype(np.float32), "mx": mx.astype(np.float32), "my": my.astype(np.float32)}


def project(x: np.ndarray, fit: dict[str, np.ndarray]) -> np.ndarray:
    """Image vectors → the text space, L2-normalised."""
    return _unit((x - fit["mx"]) @ fit["w"] + fit["my"])


def both_ways(scores: np.ndarray, owner: Sequence[int] | np.ndarray) -> dict[str, dict[str, float]]:
    """Metrics of a captions × images score matrix; ``owner[c]`` is caption c's image column.

    Caption → image: one relevant image per caption. Image → text: an image is found at K when
    any of its captions is in the top K; nDCG@10 and MRR count all of its captions.
    """
    owners = np.asarray(owner)
    t2i = [ranking_metrics([str(j) for j in np.argsort(-row, kind="stable")], {str(owners[c])}, KS)
           for c, row in enumerate(scores)]
    i2t = []
    for image in range(scores.shape[1]):
        relevant = {str(c) for c in np.flatnonzero(owners == image)}
        if relevant:
            ranked = [str(c) for c in np.argsort(-scores[:, image], kind="stable")]
            i2t.append(ranking_metrics(ranked, relevant, KS, any_hit=True))
    return {"text_to_image": mean_metrics(t2i), "image_to_text": mean_metrics(i2t)}


def run_align(
    dataset: str | Path,
    out: str | Path,
    *,
    test_fraction: float = 0.5,
    ridges: Sequence[float] = DEFAULT_RIDGES,
    image_encoder: str = "efficientnet-lite0",
    text_encoder: str = "text",
    tags_k: int | None = None,
    limit: int | None = None,
    on_stage: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Fit the map on the fit images' captions, score the test images once; write the report."""
    from xmr_agent.encoders.registry import get_encoder
    from xmr_agent.ingestion.embedding import embed_input
    from xmr_agent.ingestion.tags import TAGS_K, Tagger
    from xmr_agent.store.columns import TAGS_COLUMN

    found = locate(dataset, "image-text")
    if not 0 < test_fraction < 1:
        raise ConfigError(f"test_fraction must be between 0 and 1, got {test_fraction}")
    pairs = caption_pairs(found)
    names = sorted({image for image, _ in pairs})[:limit]
    pairs = [(image, caption) for image, caption in pairs if image in set(names)]
    test = [n for n in names if in_holdout(n, test_fraction)]
    fit = [n for n in names if n not in set(test)]
    if len(test) < 2 or len(fit) < 4:
        raise ConfigError(f"{len(names)} images give {len(fit)} to fit and {len(test)} to test: too few")
    say = on_stage or (lambda _: None)

    say(f"image vectors and tags for {len(names)} images")
    images, texts = get_encoder(image_encoder), get_encoder(text_encoder)
    tagger = Tagger(images, k=tags_k or TAGS_K)
    rows = [{"id": n, "image": str(found.catalog / n)} for n in names]  # type: ignore[operator]
    vectors, failures = tagger.tag(rows)
    if failures:
        raise ConfigError(f"unreadable images: {failures}")
    x = _unit(np.stack([vectors[n] for n in names]).astype(np.float64))
    say(f"text vectors for {len(pairs)} captions and {len(names)} tag lists")
    captions = _unit(texts.encode([c for _, c in pairs], modality="text", role="document").astype(np.float64))
    tag_vectors = _unit(texts.encode([embed_input({TAGS_COLUMN: r[TAGS_COLUMN]}, "text") for r in rows],
                                     modality="text", role="document").astype(np.float64))
    index = {n: i for i, n in enumerate(names)}
    owner = np.array([index[image] for image, _ in pairs])

    say("choosing the ridge penalty on the fit images")
    inner = [n for n in fit if in_holdout(n + "#inner", 0.5)]
    outer = [n for n in fit if n not in set(inner)]
    chosen, tried = _choose_ridge(x, captions, owner, index, [inner, outer], ridges)
    fitted = fit_ridge(*_pairs_of(x, captions, owner, [index[n] for n in fit]), chosen)

    test_ids = np.array([index[n] for n in test])
    on_test = np.isin(owner, test_ids)
    local = np.searchsorted(test_ids, owner[on_test])
    projected = project(x[test_ids], fitted)
    routes = {
        "tags": captions[on_test] @ tag_vectors[test_ids].T,
        "projection": captions[on_test] @ projected.T,
    }
    routes["tags + projection"] = routes["tags"] + routes["projection"]
    results = {
        "dataset": str(found.queries), "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "image_encoder": image_encoder, "text_encoder": text_encoder, "tags_k": tagger.k,
        "images": {"fit": len(fit), "test": len(test)}, "captions": {"fit": int((~on_test).sum()),
                                                                      "test": int(on_test.sum())},
        "test_fraction": test_fraction, "ridge": {"chosen": chosen, "tried_on_fit_images": tried},
        "routes": {name: both_ways(scores, local) for name, scores in routes.items()},
    }
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, Any] = {"ridge": chosen, "image_encoder": image_encoder, "text_encoder": text_encoder,
                              "fit_images": np.array(fit), **fitted}
    np.savez(out / "projection.npz", **arrays)
    (out / "results.json").write_text(json.dumps(results, indent=2))
    (out / "report.md").write_text(align_markdown(results))
    return results


def align_markdown(results: dict[str, Any]) -> str:
    """The report as Markdown: one row per route and direction, on the test images."""
    images, captions = results["images"], results["captions"]
    lines = [f"# Alignment: {results['dataset']}", "",
             f"- image encoder `{results['image_encoder']}` → text encoder `{results['text_encoder']}`, "
             f"{results['tags_k']} tags per image",
             f"- fitted on {images['fit']} images ({captions['fit']} captions); scored on the other "
             f"{images['test']} images ({captions['test']} captions), never fitted on",
             f"- ridge λ = {results['ridge']['chosen']:g}, chosen on the fit images "
             f"(2-fold R@10 caption → image: {_tried(results['ridge']['tried_on_fit_images'])})",
             f"- date: {results['date']}", "",
             "| route | direction | R@1 | R@5 | R@10 | nDCG@10 | MRR |", "|---|---|---|---|---|---|---|"]
    for route, directions in results["routes"].items():
        for direction, m in directions.items():
            lines.append(f"| {route} | {direction.replace('_', ' ')} | {m['recall@1']:.3f} | {m['recall@5']:.3f} | "
                         f"{m['recall@10']:.3f} | {m['ndcg@10']:.3f} | {m['mrr']:.3f} |")
    return "\n".join(lines) + "\n"


def _choose_ridge(x: np.ndarray, captions: np.ndarray, owner: np.ndarray, index: dict[str, int],
                  folds: list[list[str]], ridges: Sequence[float]) -> tuple[float, dict[str, float]]:
    """The λ with the best mean caption → image R@10 over the two folds of the fit images."""
    if not ridges:
        raise ConfigError("give at least one ridge penalty")
    tried = {}
    for ridge in ridges:
        scores = []
        for train, held in (folds, folds[::-1]):
            if len(held) < 2 or not train:
                continue
            fitted = fit_ridge(*_pairs_of(x, captions, owner, [index[n] for n in train]), ridge)
            held_ids = np.array(sorted(index[n] for n in held))
            on_held = np.isin(owner, held_ids)
            sims = captions[on_held] @ project(x[held_ids], fitted).T
            scores.append(both_ways(sims, np.searchsorted(held_ids, owner[on_held]))["text_to_image"]["recall@10"])
        tried[f"{ridge:g}"] = float(np.mean(scores)) if scores else 0.0
    best = max(tried, key=lambda r: tried[r])
    return float(best), tried


def _pairs_of(x: np.ndarray, captions: np.ndarray, owner: np.ndarray, images: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    rows = np.flatnonzero(np.isin(owner, np.asarray(images)))
    return x[owner[rows]], captions[rows]


def _tried(tried: dict[str, float]) -> str:
    return ", ".join(f"λ={r}: {v:.3f}" for r, v in tried.items())


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-12)
