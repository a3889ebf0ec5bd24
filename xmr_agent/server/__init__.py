"""The HTTP API: :func:`create_app` builds the FastAPI app; ``xmr serve`` runs it (extra ``serve``).

Importing this package imports nothing heavy; ``xmr_agent.server.app`` imports FastAPI.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from typing import Any

__all__ = ["create_app", "running"]


def create_app(*args: Any, **kwargs: Any) -> Any:
    """See :func:`xmr_agent.server.app.create_app`."""
    from xmr_agent.server.app import create_app as create

    return create(*args, **kwargs)


@contextlib.contextmanager
def running(app: Any, *, host: str = "127.0.0.1", port: int = 0, timeout: float = 60) -> Iterator[str]:
    """Serve ``app`` with uvicorn in a background thread while the block runs; yields its base
    URL (``port=0``: a free port). For tests, notebooks and scripts such as examples/web_screenshots.py."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"uvicorn did not start on {host}:{port}")
        time.sleep(0.05)
    bound = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://{host}:{bound}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
