"""Encoders the Ray tests hand to Ray workers (importable there: the tests put this folder on their path)."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from xmr_agent.errors import InputError
from xmr_agent.testing import FakeEncoder


class PickyEncoder(FakeEncoder):
    """A FakeEncoder that rejects inputs containing ``REJECT`` (an :class:`InputError`, reported per
    item) and crashes on a batch with an input containing ``EXPLODE`` (any other error: the run stops)."""

    name: ClassVar[str] = "picky"

    def _encode(self, items: list[Any], modality: str, role: str) -> np.ndarray:
        if any("EXPLODE" in str(item) for item in items):
            raise RuntimeError("the encoder crashed on purpose")
        rejected = {i: "no REJECT allowed" for i, item in enumerate(items) if "REJECT" in str(item)}
        if rejected:
            raise InputError(rejected)
        return super()._encode(items, modality, role)


class BytesTagger(FakeEncoder):
    """An image "classifier" over a file's bytes: a byte histogram as the vector, and the most common
    bytes as labels; files starting with ``BAD`` are rejected (an :class:`InputError` per file)."""

    name: ClassVar[str] = "bytes-tagger"
    modalities: ClassVar[frozenset[str]] = frozenset({"image"})

    def __init__(self, dim: int = 16, *, space: str = "bytes") -> None:
        super().__init__(dim, space=space)

    def _encode(self, items: list[Any], modality: str, role: str) -> np.ndarray:
        from pathlib import Path

        data = [Path(p).read_bytes() for p in items]
        rejected = {i: "not an image" for i, d in enumerate(data) if d.startswith(b"BAD")}
        if rejected:
            raise InputError(rejected)
        return np.stack([np.bincount(np.frombuffer(d, np.uint8) % self.dim, minlength=self.dim) for d in data]
                        ).astype(np.float32) + 0.01

    def encode_and_tag(self, items: list[Any], k: int = 10) -> tuple[np.ndarray, list[list[tuple[str, float]]]]:
        from collections import Counter
        from pathlib import Path

        vectors = self.encode(items, modality="image", role="document")
        labels = [[(f"byte-{b}", n / 100) for b, n in Counter(Path(p).read_bytes()).most_common(k)] for p in items]
        return vectors, labels


class TextFileTranscriber:
    """A "transcriber" that reads a text file's words as the transcript (one segment); a file starting
    with ``BAD`` fails. The language names the process that did the work."""

    def config(self) -> dict[str, Any]:
        return {"kind": "text-file"}

    def transcribe_many(self, paths: list[Any]) -> list[Any]:
        import os
        from pathlib import Path
        from types import SimpleNamespace

        out: list[Any] = []
        for path in paths:
            words = Path(path).read_text()
            if words.startswith("BAD"):
                out.append(SimpleNamespace(reason="not audio"))
                continue
            segment = SimpleNamespace(start=0.0, end=1.0, text=words)
            out.append(SimpleNamespace(text=words, language=f"pid{os.getpid()}", segments=[segment]))
        return out
