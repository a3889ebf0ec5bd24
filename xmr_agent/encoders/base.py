"""The encoder contract every plugin fulfils.

An encoder turns items of one or more modalities into L2-normalised float32 vectors of a
fixed ``dim``. Vectors are comparable only within one ``space``: two encoders that share a
space (e.g. CLIP's text and image towers) may be searched against each other.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any, ClassVar, Protocol, runtime_checkable

import numpy as np

from xmr_agent.errors import ModalityError

REQUIRED_ATTRIBUTES: tuple[str, ...] = ("name", "space", "modalities", "dim", "encode", "config")


@runtime_checkable
class Encoder(Protocol):
    """What xmr-agent needs from an encoder plugin."""

    name: str
    modalities: frozenset[str]

    @property
    def space(self) -> str:
        """Vectors from encoders with equal ``space`` strings are comparable."""
        ...

    @property
    def dim(self) -> int:
        """Length of every vector."""
        ...

    def encode(self, items: Sequence[Any], *, modality: str, role: str) -> np.ndarray:
        """Encode ``items`` → ``(len(items), dim)`` float32, rows L2-normalised.

        ``role`` is ``"query"`` or ``"document"``; asymmetric models embed them differently.
        """
        ...

    def config(self) -> dict[str, Any]:
        """JSON-serialisable settings that rebuild an equal encoder (never secrets)."""
        ...


class LazyState:
    """Pickles an object that loads its model lazily without the loaded model and its lock, so a
    copy sent to another process (a Ray actor) loads the model there, once, on first use."""

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        if "_model" in state:
            state["_model"] = None
        if "_lock" in state:
            state["_lock"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        if "_lock" in state:
            self._lock = threading.Lock()


class EncoderBase(LazyState):
    """Helper base class: validates inputs, batches, normalises.

    Subclasses set ``name`` and ``modalities`` and implement ``_encode(items, modality, role)``
    returning an ``(n, dim)`` array, plus ``space``, ``dim`` and ``config``.
    """

    name: ClassVar[str] = ""
    modalities: ClassVar[frozenset[str]] = frozenset()
    batch_size: int = 64

    def encode(self, items: Sequence[Any], *, modality: str, role: str) -> np.ndarray:
        if modality not in self.modalities:
            raise ModalityError(
                f"encoder {self.name!r} handles {sorted(self.modalities)}, not {modality!r}; "
                "pick an encoder for that modality (`xmr encoders` lists them)"
            )
        if role not in ("query", "document"):
            raise ValueError(f"role must be 'query' or 'document', got {role!r}")
        if len(items) == 0:
            return np.zeros((0, int(getattr(self, "dim", 0))), dtype=np.float32)
        items = [well_formed(i) if isinstance(i, str) else i for i in items] if modality == "text" else list(items)
        return normalise(np.asarray(self._encode(items, modality, role), dtype=np.float32))

    def _encode(self, items: list[Any], modality: str, role: str) -> np.ndarray:
        raise NotImplementedError

    def __repr__(self) -> str:
        config = getattr(self, "config", dict)
        return f"{type(self).__name__}({config()!r})"


def normalise(vectors: np.ndarray) -> np.ndarray:
    """L2-normalise rows; zero rows stay zero."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)


def well_formed(text: str) -> str:
    """``text`` as valid UTF-8: a lone surrogate (a byte that was no UTF-8, read from a terminal or
    JSON's "\\udcff") becomes U+FFFD, which every tokenizer takes."""
    return text if text.isascii() else text.encode("utf-8", "replace").decode("utf-8")
