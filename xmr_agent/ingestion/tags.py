"""Image tags at ingest: an image classifier's top labels, stored with the item and embedded with its text.

With tags, words reach photos even where no shared image–text model (CLIP) is available:
"a dog running in the snow" meets a photo tagged "dogsled, Eskimo dog, Siberian husky".
An encoder with a ``describe_tags(tags)`` method decides what text each tag becomes (the
EfficientNet-Lite0 plugin adds WordNet glosses to the most probable labels); its
``describe_signature`` string names those settings, so that changing them re-tags the items.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from xmr_agent.errors import ConfigError, InputError
from xmr_agent.store.columns import LABELS_COLUMN, SHOWN_TAG_SCORE, TAGS_COLUMN

#: Labels kept per image by default (chosen on Flickr8k caption → image: docs/benchmarks.md).
TAGS_K = 10


@dataclass(frozen=True)
class Tagger:
    """Tags images with ``encoder.encode_and_tag`` (labels and the image vectors from one pass)."""

    encoder: Any
    k: int = TAGS_K
    min_score: float = 0.0

    def __post_init__(self) -> None:
        if not callable(getattr(self.encoder, "encode_and_tag", None)):
            raise ConfigError(
                f"encoder {getattr(self.encoder, 'name', self.encoder)!r} cannot tag images: it has no "
                "encode_and_tag(items, k=...) method; use an image classifier such as efficientnet-lite0"
            )

    def signature(self) -> str:
        """What decides the tag texts: a change re-tags and re-embeds the items."""
        base = f"{self.encoder.name}:{self.encoder.space}:{self.k}:{self.min_score}"
        if callable(getattr(self.encoder, "describe_tags", None)):
            base += f":{getattr(self.encoder, 'describe_signature', '')}"
        return base

    def tag(self, rows: list[dict[str, Any]]) -> tuple[dict[str, np.ndarray], dict[str, str]]:
        """Set ``rows[i][TAGS_COLUMN]`` (and the confident ones, ``LABELS_COLUMN``) for rows with an image.

        Returns the image vectors by row id (for reuse by the image column) and the rows whose
        image could not be read, by id, with the reason.
        """
        todo = [r for r in rows if r.get("image")]
        vectors: dict[str, np.ndarray] = {}
        failures: dict[str, str] = {}
        while todo:
            try:
                matrix, tags = self.encoder.encode_and_tag([r["image"] for r in todo], k=self.k)
            except InputError as e:
                failures.update({todo[j]["id"]: f"image: {reason}" for j, reason in e.failures.items()})
                todo = [r for j, r in enumerate(todo) if j not in e.failures]
                continue
            kept = [[(label, score) for label, score in labels if score >= self.min_score] for labels in tags]
            describe = getattr(self.encoder, "describe_tags", None)
            texts = describe(kept) if callable(describe) else [[label for label, _ in labels] for labels in kept]
            for row, vector, labels, scored in zip(todo, matrix, texts, kept, strict=True):
                row[TAGS_COLUMN] = list(labels)
                row[LABELS_COLUMN] = [label for label, score in scored if score >= SHOWN_TAG_SCORE]
                vectors[row["id"]] = vector
            break
        return vectors, failures
