"""Test helpers shipped for plugin authors and for offline tests.

* :class:`FakeEncoder` — deterministic, hash-based bag-of-words vectors: texts that share
  words are similar, no model needed.
* :func:`check_encoder` — the conformance check a third-party encoder plugin should pass.
* :class:`ScriptedLLM` — an LLM that replies from a queue (or a function) and records every call.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

import numpy as np

from xmr_agent.encoders.base import EncoderBase
from xmr_agent.encoders.registry import check_contract
from xmr_agent.errors import LLMError, ModalityError, PluginError
from xmr_agent.types import MODALITIES

__all__ = ["FakeEncoder", "ScriptedLLM", "check_encoder"]

DEFAULT_SAMPLES: Mapping[str, Sequence[Any]] = {
    "text": ["a red bicycle leaning on a wall", "a calm piano piece", "北京的秋天"],
}


class FakeEncoder(EncoderBase):
    """Hashes each word into one of ``dim`` buckets (signed), then L2-normalises."""

    name: ClassVar[str] = "fake"
    modalities: ClassVar[frozenset[str]] = frozenset({"text"})

    def __init__(self, dim: int = 64, *, space: str = "fake") -> None:
        self._dim = dim
        self._space = space
        self.calls = 0

    @property
    def dim(self) -> int:
        return self._dim

    @property
    def space(self) -> str:
        return f"{self._space}:{self._dim}"

    def config(self) -> dict[str, Any]:
        return {"dim": self._dim, "space": self._space}

    def _encode(self, items: list[Any], modality: str, role: str) -> np.ndarray:
        self.calls += 1
        out = np.zeros((len(items), self._dim), dtype=np.float32)
        for row, text in enumerate(items):
            for word in re.findall(r"\w+", str(text).lower()):
                h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
                out[row, h % self._dim] += 1.0 if (h >> 32) & 1 else -1.0
        return out


class ScriptedLLM:
    """A fake LLM for tests: each call takes the next reply from ``replies`` (a string, or a
    function of the messages returning one); ``calls`` keeps the messages and schema of each call.

    When the queue is empty the last reply repeats, or :class:`~xmr_agent.errors.LLMError` is
    raised if ``strict``.
    """

    name = "scripted"

    def __init__(self, replies: Sequence[str | Callable[[list[dict[str, str]]], str]], *, strict: bool = False) -> None:
        self._replies = list(replies)
        self._strict = strict
        self._last: str | Callable[[list[dict[str, str]]], str] = ""
        self.calls: list[dict[str, Any]] = []

    def complete(
        self, messages: Sequence[Mapping[str, str]], *, schema: dict[str, Any] | None = None, max_tokens: int = 512
    ) -> str:
        history = [dict(m) for m in messages]
        self.calls.append({"messages": history, "schema": schema, "max_tokens": max_tokens})
        if self._replies:
            self._last = self._replies.pop(0)
        elif self._strict or not self._last:
            raise LLMError("ScriptedLLM has no reply left for this call")
        reply = self._last
        return reply(history) if callable(reply) else reply


def check_encoder(encoder: Any, samples: Mapping[str, Sequence[Any]] | None = None) -> None:
    """Raise :class:`PluginError` listing every way ``encoder`` breaks the contract.

    ``samples`` gives a few inputs per modality (paths for image/audio/video); text has defaults.
    """
    check_contract(encoder)
    problems = _static_problems(encoder)
    samples = {**DEFAULT_SAMPLES, **(samples or {})}
    for modality in sorted(encoder.modalities):
        if modality not in samples:
            problems.append(f"no samples for modality {modality!r}: pass samples={{{modality!r}: [...]}}")
            continue
        problems += _encode_problems(encoder, modality, list(samples[modality]))
    problems += _refusal_problems(encoder)
    if problems:
        raise PluginError(f"{type(encoder).__qualname__} fails the encoder contract:\n- " + "\n- ".join(problems))


def _static_problems(encoder: Any) -> list[str]:
    problems = []
    if not isinstance(encoder.name, str) or not encoder.name:
        problems.append("name must be a non-empty string")
    if not isinstance(encoder.space, str) or not encoder.space:
        problems.append("space must be a non-empty string")
    if not isinstance(encoder.dim, int) or encoder.dim <= 0:
        problems.append(f"dim must be a positive int, got {encoder.dim!r}")
    unknown = set(encoder.modalities) - set(MODALITIES)
    if not encoder.modalities or unknown:
        problems.append(f"modalities must be a non-empty subset of {MODALITIES}, got {set(encoder.modalities)}")
    try:
        json.dumps(encoder.config())
    except (TypeError, ValueError) as e:
        problems.append(f"config() must be JSON-serialisable: {e}")
    return problems


def _encode_problems(encoder: Any, modality: str, items: list[Any]) -> list[str]:
    problems = []
    for role in ("document", "query"):
        out = encoder.encode(items, modality=modality, role=role)
        if not isinstance(out, np.ndarray) or out.shape != (len(items), encoder.dim):
            problems.append(f"{modality}/{role}: expected an array of shape {(len(items), encoder.dim)}, "
                            f"got {getattr(out, 'shape', type(out))}")
            continue
        if out.dtype != np.float32:
            problems.append(f"{modality}/{role}: dtype must be float32, got {out.dtype}")
        if not np.all(np.isfinite(out)):
            problems.append(f"{modality}/{role}: vectors contain NaN or inf")
        elif not np.allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-3):
            problems.append(f"{modality}/{role}: vectors are not L2-normalised")
        single = encoder.encode(items[:1], modality=modality, role=role)
        if single.shape == (1, encoder.dim) and not np.allclose(single[0], out[0], atol=1e-3):
            problems.append(f"{modality}/{role}: a vector depends on the rest of its batch")
    empty = encoder.encode([], modality=modality, role="document")
    if getattr(empty, "shape", None) != (0, encoder.dim):
        problems.append(f"{modality}: encoding [] must give shape (0, {encoder.dim})")
    return problems


def _refusal_problems(encoder: Any) -> list[str]:
    other = next((m for m in MODALITIES if m not in encoder.modalities), None)
    if other is None:
        return []
    try:
        encoder.encode(["x"], modality=other, role="query")
    except ModalityError:
        return []
    except Exception as e:  # noqa: BLE001 - reporting what a third-party plugin raised
        return [f"an unsupported modality must raise ModalityError, got {type(e).__name__}: {e}"]
    return [f"encoding modality {other!r} (unsupported) must raise ModalityError"]
