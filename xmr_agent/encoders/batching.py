"""Micro-batching: concurrent small ``encode`` calls of one encoder run as one batch.

A server encodes one short query per request. Run one at a time, a transformer spends most of its
time on per-call overhead; run together, a batch of 32 queries costs little more than one. A
:class:`BatchingEncoder` wraps an encoder: a call waits at most ``window_s`` for others of the
same modality and role, up to ``max_batch`` items in all, and one worker thread encodes them
together and hands each caller its own rows. A failed batch is retried call by call, so one bad
input fails only its own caller, and an encoder that cannot run fails every caller with its error.
Calls with ``max_batch`` items or more, or with ``window_s=0``, go straight to the encoder.
:class:`MicroBatcher` is the same machinery for any batched function (the server batches whole
text searches with it: one encode and one multi-vector LanceDB query for many requests).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Sequence
from typing import Any

import numpy as np

__all__ = ["BatchingEncoder", "MicroBatcher"]

#: Longest wait for company, in seconds, by default (a few milliseconds: small against an encode).
DEFAULT_WINDOW_S = 0.004
DEFAULT_MAX_BATCH = 32


class _Call:
    __slots__ = ("at", "done", "error", "key", "payload", "result", "size")

    def __init__(self, key: Hashable, payload: Any, size: int) -> None:
        self.key, self.payload, self.size, self.at = key, payload, size, time.monotonic()
        self.done = threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None


class MicroBatcher:
    """Concurrent calls with equal keys, run together: ``run(key, payloads)`` gets the payloads of
    the calls in one batch and returns one result per payload, in order. A call waits at most
    ``window_s`` for company, and a batch holds at most ``max_batch`` in size (each call says its
    own ``size``). One worker thread runs the batches; a batch that raises is run again call by
    call, so each caller gets its own result or its own error."""

    def __init__(self, run: Callable[[Any, list[Any]], Sequence[Any]], *, window_s: float = DEFAULT_WINDOW_S,
                 max_batch: int = DEFAULT_MAX_BATCH, name: str = "xmr-batcher") -> None:
        if max_batch < 1:
            raise ValueError(f"max_batch must be at least 1, got {max_batch}")
        self.run, self.window_s, self.max_batch, self.name = run, max(0.0, window_s), max_batch, name
        self._pending: list[_Call] = []
        self._wake = threading.Condition()
        self._worker: threading.Thread | None = None
        self.batches = self.calls = self.largest = 0  #: counters, for reports

    def __call__(self, key: Hashable, payload: Any, size: int = 1) -> Any:
        """``run(key, [payload])[0]``, run in a batch with other calls of ``key``."""
        call = _Call(key, payload, size)
        with self._wake:
            self._pending.append(call)
            if self._worker is None:
                self._worker = threading.Thread(target=self._loop, name=self.name, daemon=True)
                self._worker.start()
            self._wake.notify()
        call.done.wait()
        if call.error is not None:
            raise call.error
        return call.result

    def _loop(self) -> None:
        while True:
            self._flush(self._next_batch())

    def _next_batch(self) -> list[_Call]:
        """The calls of the next batch: the oldest waiting call and those of its key that come
        within its window, up to ``max_batch`` in size."""
        with self._wake:
            while not self._pending:
                self._wake.wait()
            first = self._pending[0]
            while True:
                same = [c for c in self._pending if c.key == first.key]
                left = first.at + self.window_s - time.monotonic()
                if sum(c.size for c in same) >= self.max_batch or left <= 0:
                    break
                self._wake.wait(left)
            batch: list[_Call] = []
            size = 0
            for call in same:
                if batch and size + call.size > self.max_batch:
                    break
                batch.append(call)
                size += call.size
            taken = {id(c) for c in batch}
            self._pending = [c for c in self._pending if id(c) not in taken]
            return batch

    def _flush(self, batch: list[_Call]) -> None:
        self.batches, self.calls = self.batches + 1, self.calls + len(batch)
        self.largest = max(self.largest, sum(c.size for c in batch))
        try:
            results = list(self.run(batch[0].key, [c.payload for c in batch]))
            if len(results) != len(batch):
                raise RuntimeError(f"a batch of {len(batch)} gave {len(results)} results")
        except Exception:  # run again one call at a time: the error goes to the call(s) that cause it
            for call in batch:
                self._alone(call)
            return
        for call, result in zip(batch, results, strict=True):
            call.result = result
            call.done.set()

    def _alone(self, call: _Call) -> None:
        try:
            call.result = self.run(call.key, [call.payload])[0]
        except BaseException as e:  # noqa: BLE001 - handed to the caller, who raises it
            call.error = e
        call.done.set()


class BatchingEncoder:
    """``encoder`` with concurrent calls batched (see the module docstring). It is an encoder
    itself: name, modalities, space, dim and config are the wrapped encoder's."""

    def __init__(self, encoder: Any, *, window_s: float = DEFAULT_WINDOW_S, max_batch: int = DEFAULT_MAX_BATCH) -> None:
        self.encoder = encoder
        self.name: str = encoder.name
        self.modalities: frozenset[str] = frozenset(encoder.modalities)
        self.batcher = MicroBatcher(self._run, window_s=window_s, max_batch=max_batch, name="xmr-encode-batcher")

    @property
    def space(self) -> str:
        return str(self.encoder.space)

    @property
    def dim(self) -> int:
        return int(self.encoder.dim)

    def config(self) -> dict[str, Any]:
        return dict(self.encoder.config())

    def __getattr__(self, name: str) -> Any:  # other attributes of the wrapped encoder (e.g. load)
        if name in ("encoder", "batcher"):
            raise AttributeError(name)
        return getattr(self.encoder, name)

    def __repr__(self) -> str:
        return f"BatchingEncoder({self.encoder!r}, window_s={self.batcher.window_s}, max_batch={self.batcher.max_batch})"

    def encode(self, items: Sequence[Any], *, modality: str, role: str) -> np.ndarray:
        """Like the wrapped encoder's ``encode``; small calls wait to join a batch."""
        if self.batcher.window_s <= 0 or len(items) == 0 or len(items) >= self.batcher.max_batch:
            return np.asarray(self.encoder.encode(items, modality=modality, role=role))
        return np.asarray(self.batcher((modality, role), list(items), len(items)))

    def _run(self, key: tuple[str, str], calls: list[list[Any]]) -> list[np.ndarray]:
        modality, role = key
        vectors = np.asarray(self.encoder.encode([i for items in calls for i in items], modality=modality, role=role))
        out, start = [], 0
        for items in calls:
            out.append(vectors[start : start + len(items)])
            start += len(items)
        return out
