"""CLIP encoder plugin on open_clip: images and texts embedded into one shared space.

* ``clip`` — :class:`ClipEncoder`: the image tower embeds photos, the text tower embeds words,
  and both land in the same space, so a text query finds images, an image finds images, and an
  image finds items whose text was embedded by the same model.

Weights come from an open_clip hub tag (``pretrained="laion2b_s34b_b79k"``, downloaded on first
use), from a local checkpoint file (``.pt`` / ``.pth`` / ``.bin`` / ``.safetensors``; its sha256
is recorded in :meth:`ClipEncoder.config`, so a reopened table checks it is the same file), or are
random (``pretrained=None``, seeded: for tests and benchmarks). ``model_config`` registers an
open_clip JSON model config (``add_model_config``), which is how tests build a tiny model.
torch, torchvision, Pillow and open_clip are imported on first use only.

Image items are file paths, encoded image bytes, or PIL images (read by ``xmr_image``'s loader:
EXIF rotation applied, alpha flattened onto white). A batch with unreadable items raises
:class:`~xmr_agent.errors.InputError` naming every bad index, after the whole batch was checked.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from xmr_agent.encoders.base import EncoderBase
from xmr_agent.errors import ConfigError, EncoderUnavailable, InputError

from ._loading import (
    Loaded,
    build,
    embed_dim,
    is_checkpoint_path,
    read_model_config,
    sha256_of,
)

__all__ = ["ClipEncoder"]

DEFAULT_MODEL = "ViT-B-32"
DEFAULT_PRETRAINED = "laion2b_s34b_b79k"
#: open_clip model ids that carry their weights: a hub repository or a local folder.
SCHEMAS = ("hf-hub:", "local-dir:")


class ClipEncoder(EncoderBase):
    """open_clip CLIP: ``image`` and ``text`` vectors in one space, L2-normalised float32.

    ``model``: an open_clip architecture (``ViT-B-32``, ``hf-hub:org/repo``, ``local-dir:/path``,
    or the name of the JSON file given as ``model_config``). ``pretrained``: a hub tag, a local
    checkpoint path, or ``None`` for seeded random weights. ``checkpoint_sha256``: the expected
    digest of a local checkpoint (recorded by :meth:`config`; a different file is refused).
    ``batch_size`` items go through the model at once, on ``device``.
    """

    name: ClassVar[str] = "clip"
    modalities: ClassVar[frozenset[str]] = frozenset({"image", "text"})
    requires: ClassVar[tuple[str, ...]] = ("torch", "torchvision", "PIL", "open_clip")

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        pretrained: str | os.PathLike[str] | None = DEFAULT_PRETRAINED,
        *,
        model_config: str | os.PathLike[str] | None = None,
        checkpoint_sha256: str | None = None,
        batch_size: int = 32,
        device: str = "cpu",
    ) -> None:
        if not isinstance(model, str) or not model.strip():
            raise ConfigError(f"model must be an open_clip model name such as {DEFAULT_MODEL!r}, got {model!r}")
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
            raise ConfigError(f"batch_size must be a positive int, got {batch_size!r}")
        self.model = model
        self.pretrained = _pretrained(pretrained)
        if model.startswith(SCHEMAS):  # the weights come with the model id (open_clip ignores pretrained)
            if self.pretrained not in (None, DEFAULT_PRETRAINED):
                raise ConfigError(f"{model!r} brings its own weights: pass pretrained=None, not {pretrained!r}")
            self.pretrained = None
        self.is_checkpoint = self.pretrained is not None and is_checkpoint_path(self.pretrained)
        if checkpoint_sha256 is not None and not self.is_checkpoint:
            raise ConfigError("checkpoint_sha256 applies to a local checkpoint file given as pretrained=PATH, "
                              f"not to {self.pretrained!r}")
        self.checkpoint_sha256 = checkpoint_sha256
        self.model_config = None if model_config is None else str(Path(model_config).expanduser().absolute())
        if self.model_config is not None:
            read_model_config(Path(self.model_config), model)  # a wrong name or file fails now
        self.batch_size = batch_size
        self.device = device
        self._loaded: Loaded | None = None
        self._dim: int | None = None
        self._lock = threading.Lock()

    # -- the contract --------------------------------------------------------------------------
    @property
    def dim(self) -> int:
        """The model's ``embed_dim``, read from its JSON config (no weights, no torch for built-ins)."""
        if self._dim is None:
            self._dim = embed_dim(self.model, self._config_path())
        return self._dim

    @property
    def space(self) -> str:
        """``open_clip:{model}:{weights}``: the hub tag, ``sha256-…`` of a local file, or ``random``;
        ``open_clip:{model}`` for ``hf-hub:`` and ``local-dir:`` models, whose id names the weights.

        A model defined by a JSON config carries that config's digest (``{model}@cfg-…``), since
        such names are not unique.
        """
        arch = self.model
        if self.model_config is not None:
            config = read_model_config(Path(self.model_config), self.model)
            digest = hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()
            arch = f"{self.model}@cfg-{digest[:12]}"
        if self.model.startswith(SCHEMAS):
            return f"open_clip:{arch}"
        if self.pretrained is None:
            weights = "random"
        elif self.is_checkpoint:
            weights = f"sha256-{self._checkpoint_digest()[:16]}"
        else:
            weights = self.pretrained
        return f"open_clip:{arch}:{weights}"

    def config(self) -> dict[str, Any]:
        """Settings that rebuild an equal encoder (model, weights, config file, checkpoint digest)."""
        config: dict[str, Any] = {"model": self.model, "pretrained": self.pretrained}
        if self.model_config is not None:
            config["model_config"] = self.model_config
        if self.is_checkpoint:
            config["checkpoint_sha256"] = self._checkpoint_digest()
        return config

    def load(self) -> Loaded:
        """Build the model once (thread-safe); later calls return the same one."""
        with self._lock:
            if self._loaded is None:
                if self.is_checkpoint:
                    self._checkpoint_digest()
                self._loaded = build(self.model, self.pretrained, config_file=self._config_path(),
                                     device=self.device)
        return self._loaded

    def _encode(self, items: list[Any], modality: str, role: str) -> np.ndarray:
        if modality == "text":
            return self._encode_text(items)
        return self._encode_images(items)

    # -- towers --------------------------------------------------------------------------------
    def _encode_text(self, items: list[Any]) -> np.ndarray:
        failures = {i: f"expected a str, got {type(x).__name__}" for i, x in enumerate(items) if not isinstance(x, str)}
        if failures:
            raise InputError(failures)
        loaded = self.load()
        return self._run(loaded.model.encode_text, (loaded.tokenizer(items[i : i + self.batch_size])
                                                    for i in range(0, len(items), self.batch_size)))

    def _encode_images(self, items: list[Any]) -> np.ndarray:
        pixels = self.load().pixels
        crops, failures = pixels.crops(items)  # the whole batch is checked before any model work
        if failures:
            raise InputError(failures)
        return self._run(self.load().model.encode_image, (pixels.batch(crops[i : i + self.batch_size])
                                                          for i in range(0, len(crops), self.batch_size)))

    def _run(self, tower: Any, batches: Iterator[Any]) -> np.ndarray:
        """Each model batch (made lazily: one float batch in memory at a time) through ``tower``."""
        import torch

        with torch.inference_mode():
            out = [tower(batch.to(self.device), normalize=True).float().cpu().numpy() for batch in batches]
        return np.concatenate(out)

    # -- helpers -------------------------------------------------------------------------------
    def _config_path(self) -> Path | None:
        return None if self.model_config is None else Path(self.model_config)

    def _checkpoint_digest(self) -> str:
        """The local checkpoint's sha256, checked against ``checkpoint_sha256`` when that was given."""
        found = sha256_of(Path(str(self.pretrained)))
        if self.checkpoint_sha256 is not None and found != self.checkpoint_sha256:
            raise EncoderUnavailable(
                f"CLIP checkpoint {self.pretrained} has sha256 {found}, expected {self.checkpoint_sha256}: the file "
                "changed since the table was built. Restore that file, or re-ingest into a new table"
            )
        return found


def _pretrained(value: str | os.PathLike[str] | None) -> str | None:
    """``None`` (or ``""``) for random weights, an absolute path for a file, else the hub tag as given."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, os.PathLike):
        return str(Path(value).expanduser().absolute())
    if not isinstance(value, str):
        raise ConfigError(f"pretrained must be a hub tag, a checkpoint path or None, got {type(value).__name__}")
    return str(Path(value).expanduser().absolute()) if is_checkpoint_path(value) else value
