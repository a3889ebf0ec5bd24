"""One request's trace: what each step decided and how long it took."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np


class Trace:
    """Trace entries and per-step seconds for one request."""

    def __init__(self) -> None:
        self.trace: list[dict[str, Any]] = []
        self.timings: dict[str, float] = {}
        self.vectors: dict[str, np.ndarray] = {}  # column → query vector searched there

    @contextmanager
    def step(self, name: str) -> Iterator[Callable[..., None]]:
        entry: dict[str, Any] = {"step": name}
        start = time.perf_counter()
        try:
            yield entry.update
        finally:
            entry["seconds"] = round(time.perf_counter() - start, 4)
            self.timings[name] = self.timings.get(name, 0.0) + entry["seconds"]
            self.trace.append(entry)

    @contextmanager
    def clock(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[f"{name}_s"] = self.timings.get(f"{name}_s", 0.0) + time.perf_counter() - start
