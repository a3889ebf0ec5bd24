"""LLM backends behind one small Protocol: local GGUF, OpenAI-compatible HTTP, LangChain chat models.

    from xmr_agent.llm import complete_json, get_llm
    llm = get_llm("ollama:qwen2.5:0.5b")          # or "local", "openai:gpt-4o-mini", "none"

Importing this package imports no backend (httpx, llama_cpp, langchain): each name below is
imported from its module on first access (PEP 562).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xmr_agent.llm.base import (
        LLM,
        Message,
        check_messages,
        complete_json,
        parse_json,
    )
    from xmr_agent.llm.langchain_chat import LangChainLLM
    from xmr_agent.llm.local import LocalLLM, default_model_path
    from xmr_agent.llm.openai_compat import OpenAICompatibleLLM
    from xmr_agent.llm.spec import describe, get_llm, translator_llm

_WHERE: dict[str, str] = {
    "LLM": "xmr_agent.llm.base",
    "LangChainLLM": "xmr_agent.llm.langchain_chat",
    "LocalLLM": "xmr_agent.llm.local",
    "Message": "xmr_agent.llm.base",
    "OpenAICompatibleLLM": "xmr_agent.llm.openai_compat",
    "check_messages": "xmr_agent.llm.base",
    "complete_json": "xmr_agent.llm.base",
    "default_model_path": "xmr_agent.llm.local",
    "describe": "xmr_agent.llm.spec",
    "get_llm": "xmr_agent.llm.spec",
    "parse_json": "xmr_agent.llm.base",
    "translator_llm": "xmr_agent.llm.spec",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'xmr_agent.llm' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*__all__, *globals()})
