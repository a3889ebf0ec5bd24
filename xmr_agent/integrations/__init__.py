"""The agent as tools, and its adapters for agent frameworks.

* :mod:`.tools` — :class:`XmrTools` (search, ask, recommend, describe) and the argument models
  every adapter shows its framework; :func:`tool_specs`;
* :mod:`.cards` — compact JSON views of hits and answers for language models;
* :mod:`.media` — photos and sounds given as paths or base64;
* :mod:`.langchain`, :mod:`.llamaindex` — thin adapters, importing their framework lazily.

The names below are imported on first use (PEP 562): importing this package imports no
framework and no LanceDB.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "AskArgs": "tools", "DeleteArgs": "tools", "DescribeArgs": "tools", "MAX_K": "tools", "RecommendArgs": "tools", "SearchArgs": "tools",
    "ToolSpec": "tools", "XmrTools": "tools", "tool_specs": "tools",
    "answer_card": "cards", "hit_card": "cards", "to_json": "cards",
    "MAX_MEDIA_BYTES": "media", "MediaInput": "media", "media_folder": "media",
}

__all__ = ["MAX_K", "MAX_MEDIA_BYTES", "AskArgs", "DeleteArgs", "DescribeArgs", "MediaInput", "RecommendArgs", "SearchArgs",
           "ToolSpec", "XmrTools", "answer_card", "hit_card", "media_folder", "to_json", "tool_specs"]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
