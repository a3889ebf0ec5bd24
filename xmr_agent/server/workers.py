"""The server's blocking work (encoding, LanceDB queries, the agent) on a bounded thread pool.

The event loop only reads requests and writes responses. Each endpoint's work runs on one of
``threads`` worker threads; at most ``queue`` more requests wait for a thread. A request beyond
that is answered at once with 503 and ``Retry-After`` (:class:`Busy`), instead of queueing
without bound while every waiting client times out.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

__all__ = ["DEFAULT_QUEUE", "DEFAULT_THREADS", "Busy", "Workers"]

T = TypeVar("T")
DEFAULT_THREADS = 16
DEFAULT_QUEUE = 256


class Busy(Exception):
    """Every worker is busy and the queue is full: the request was not started."""

    def __init__(self, waiting: int, retry_after_s: int = 1) -> None:
        super().__init__(f"the server is busy ({waiting} requests running or waiting): retry in {retry_after_s} s")
        self.retry_after_s = retry_after_s


class Workers:
    """``threads`` threads, and at most ``queue`` requests waiting for one (see the module docstring)."""

    def __init__(self, threads: int = DEFAULT_THREADS, queue: int = DEFAULT_QUEUE) -> None:
        if threads < 1 or queue < 0:
            raise ValueError(f"need at least one thread and a queue of 0 or more, got {threads} and {queue}")
        self.threads, self.queue = threads, queue
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="xmr-worker")
        self._lock = threading.Lock()
        self.active = 0  #: requests running or waiting now
        self.refused = 0  #: requests answered with 503 so far

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn(*args, **kwargs)`` on a worker thread; :class:`Busy` when the queue is full."""
        with self._lock:
            if self.active >= self.threads + self.queue:
                self.refused += 1
                raise Busy(self.active)
            self.active += 1
        try:
            future = self._pool.submit(functools.partial(fn, *args, **kwargs))
        except BaseException:
            self._release(None)
            raise
        future.add_done_callback(self._release)  # the slot is held until the work ends, even if the client left
        return await asyncio.wrap_future(future)

    def _release(self, _: Future[Any] | None) -> None:
        with self._lock:
            self.active -= 1

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
