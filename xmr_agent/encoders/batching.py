"""Micro-batching: concurrent small ``encode`` calls of one encoder run as one batch.

A server encodes one short query per request. Run one at a time, a transformer spends most of its
time on per-call overhead; run together, a batch of 32 queries costs little more than one. A
:class:`BatchingEncoder` wraps an encoder: a call waits at most ``window_s`` for others of the
same modality and role, up to ``max_batch`` items in all, and one worker thread encodes them
together and hands each caller its own rows. A failed batch is retried call by call, so one bad
input fails only its own caller, and an encoder that cannot run fails every caller with its error.
Calls with ``max_batch`` items or more, or with ``window_s=0``, go straight to the encoder.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["BatchingEncoder"]

#: Longest wait for company, in seconds, by default (a few milliseconds: small against an encode).
DEFAULT_WINDOW_S = 0.004
DEFAULT_MAX_BATCH = 32


class _Call:
    __slots__ = ("at", "done", "error", "items", "key", "result")

    def __init__(self, items: list[Any], key: tuple[str, str]) -> None:
        self.items, self.key, self.at = items, key, time.monotonic()
        self.done = threading.Event()
        self.result: np.ndarray | None = None
        self.error: BaseException | None = None


class BatchingEncoder:
    """``encoder`` with concurrent calls batched (see the module docstring). It is an encoder
    itself: name, modalities, space, dim and config are the wrapped encoder's."""

    def __init__(self, encoder: Any, *, window_s: float = DEFAULT_WINDOW_S, max_batch: int = DEFAULT_MAX_BATCH) -> None:
        if max_batch < 1:
            raise ValueError(f"max_batch must be at least 1, got {max_batch}")
        self.encoder, self.window_s, self.max_batch = encoder, max(0.0, window_s), max_batch
        self.name: str = encoder.name
        self.modalities: frozenset[str] = frozenset(encoder.modalities)
        self._pending: list[_Call] = []
        self._wake = threading.Condition()
        self._worker: threading.Thread | None = None
        self.batches = self.calls = self.largest = 0  #: counters, for reports

    # -- the encoder contract, delegated -----------------------------------------------------
    @property
    def space(self) -> str:
        return str(self.encoder.space)

    @property
    def dim(self) -> int:
        return int(self.encoder.dim)

    def config(self) -> dict[str, Any]:
        return dict(self.encoder.config())

    def __getattr__(self, name: str) -> Any:  # other attributes of the wrapped encoder (e.g. load)
        if name == "encoder":
            raise AttributeError(name)
        return getattr(self.encoder, name)

    def __repr__(self) -> str:
        return f"BatchingEncoder({self.encoder!r}, window_s={self.window_s}, max_batch={self.max_batch})"

    # -- encoding ----------------------------------------------------------------------------
    def encode(self, items: Sequence[Any], *, modality: str, role: str) -> np.ndarray:
        """Like the wrapped encoder's ``encode``; small calls wait to join a batch."""
        if self.window_s <= 0 or len(items) == 0 or len(items) >= self.max_batch:
            return np.asarray(self.encoder.encode(items, modality=modality, role=role))
        call = _Call(list(items), (modality, role))
        with self._wake:
            self._pending.append(call)
            if self._worker is None:
                self._worker = threading.Thread(target=self._run, name="xmr-encode-batcher", daemon=True)
                self._worker.start()
            self._wake.notify()
        call.done.wait()
        if call.error is not None:
            raise call.error
        assert call.result is not None
        return call.result

    def _run(self) -> None:
        while True:
            self._encode(self._next_batch())

    def _next_batch(self) -> list[_Call]:
        """The calls of the next batch: the oldest waiting call and those of its kind that come
        within its window, up to ``max_batch`` items."""
        with self._wake:
            while not self._pending:
                self._wake.wait()
            first = self._pending[0]
            while True:
                same = [c for c in self._pending if c.key == first.key]
                left = first.at + self.window_s - time.monotonic()
                if sum(len(c.items) for c in same) >= self.max_batch or left <= 0:
                    break
                self._wake.wait(left)
            batch: list[_Call] = []
            size = 0
            for call in same:
                if batch and size + len(call.items) > self.max_batch:
                    break
                batch.append(call)
                size += len(call.items)
            taken = {id(c) for c in batch}
            self._pending = [c for c in self._pending if id(c) not in taken]
            return batch

    def _encode(self, batch: list[_Call]) -> None:
        modality, role = batch[0].key
        self.batches, self.calls = self.batches + 1, self.calls + len(batch)
        self.largest = max(self.largest, sum(len(c.items) for c in batch))
        try:
            vectors = np.asarray(self.encoder.encode([i for c in batch for i in c.items], modality=modality, role=role))
        except Exception:  # retried one call at a time: the error goes to the call(s) that cause it
            for call in batch:
                self._alone(call)
            return
        start = 0
        for call in batch:
            call.result = vectors[start : start + len(call.items)]
            start += len(call.items)
            call.done.set()

    def _alone(self, call: _Call) -> None:
        modality, role = call.key
        try:
            call.result = np.asarray(self.encoder.encode(call.items, modality=modality, role=role))
        except BaseException as e:  # noqa: BLE001 - handed to the caller, who raises it
            call.error = e
        call.done.set()
