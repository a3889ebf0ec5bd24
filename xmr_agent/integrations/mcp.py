"""Deprecated location of the MCP server: use :mod:`xmr_agent.server.mcp` (``xmr mcp``, or
``python -m xmr_agent.cli mcp``). Importing this module warns and gives the same names."""

from __future__ import annotations

import warnings
from typing import Any

__all__ = ["build_server", "run_server"]  # noqa: F822 - given by __getattr__

warnings.warn("xmr_agent.integrations.mcp moved to xmr_agent.server.mcp; run `python -m xmr_agent.cli mcp`",
              DeprecationWarning, stacklevel=2)


def __getattr__(name: str) -> Any:
    if name in __all__:
        import importlib

        return getattr(importlib.import_module("xmr_agent.server.mcp"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if __name__ == "__main__":  # the old `python -m xmr_agent.integrations.mcp --db DIR --table NAME`
    import importlib
    import sys

    importlib.import_module("xmr_agent.cli").main(["mcp", *sys.argv[1:]], prog_name="python -m xmr_agent.cli mcp")
