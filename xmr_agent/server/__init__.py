"""The HTTP API: :func:`create_app` builds the FastAPI app; ``xmr serve`` runs it (extra ``serve``).

Importing this package imports nothing heavy; ``xmr_agent.server.app`` imports FastAPI.
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def create_app(*args: Any, **kwargs: Any) -> Any:
    """See :func:`xmr_agent.server.app.create_app`."""
    from xmr_agent.server.app import create_app as create

    return create(*args, **kwargs)
