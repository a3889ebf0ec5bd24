"""Choose an LLM backend from a short string (CLI flags, config files, environment variables).

==============================  ==========================================================
``none`` or empty               no LLM (the pipeline uses its rule-based steps)
``local``                       the offline Qwen2.5-Coder-0.5B-Instruct GGUF (llama-cpp-python)
``local:/path/model.gguf``      any GGUF chat model on CPU
``openai:MODEL``                OpenAI-compatible server at ``$OPENAI_BASE_URL`` or OpenAI;
                                key from ``$OPENAI_API_KEY``
``openai:MODEL@URL``            the same server API at ``URL`` (vLLM, llama.cpp server, …)
``ollama:MODEL``                Ollama at ``http://localhost:11434/v1``; no key is sent
``ollama:MODEL@URL``            Ollama elsewhere
==============================  ==========================================================

Backends are imported only when chosen, so parsing a spec costs nothing.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from xmr_agent.errors import ConfigError

if TYPE_CHECKING:
    from xmr_agent.llm.base import LLM

__all__ = ["FORMS", "OLLAMA_BASE_URL", "TRANSLATOR_MODEL", "describe", "get_llm", "translator_llm"]

#: The offline model ``auto`` translates with (1.5B: the 0.5B one mistranslates too many nouns).
TRANSLATOR_MODEL = "qwen2.5-coder-1.5b"

OLLAMA_BASE_URL = "http://localhost:11434/v1"
FORMS = (
    "none",
    "local",
    "local:/path/model.gguf",
    "openai:MODEL",
    "openai:MODEL@http://host:port/v1",
    "ollama:MODEL",
    "ollama:MODEL@http://host:11434/v1",
)
_AT_URL = re.compile(r"^(?P<model>.+?)@(?P<url>https?://\S+)$")


def get_llm(spec: str | None) -> LLM | None:
    """The LLM that ``spec`` names, or ``None`` for ``"none"``/empty (see the module docstring)."""
    text = (spec or "").strip()
    if text.lower() in ("", "none"):
        return None
    kind, _, rest = text.partition(":")
    kind = kind.lower()
    if kind == "local":
        from xmr_agent.llm.local import LocalLLM

        return LocalLLM(rest or None)
    if kind in ("openai", "ollama") and rest:
        from xmr_agent.llm.openai_compat import OpenAICompatibleLLM

        model, url = _model_and_url(rest)
        if kind == "ollama":
            return OpenAICompatibleLLM(model, base_url=url or OLLAMA_BASE_URL, api_key_env=None)
        return OpenAICompatibleLLM(model, base_url=url)
    raise ConfigError(f"unknown LLM spec {text!r}; expected one of: {', '.join(FORMS)}")


def translator_llm(spec: str | None) -> LLM | None:
    """The LLM that reads requests in other languages: ``auto`` is the offline
    :data:`TRANSLATOR_MODEL` when llama-cpp-python and its parts are installed, else none; any
    other spec is read by :func:`get_llm`."""
    if (spec or "").strip().lower() != "auto":
        return get_llm(spec)
    from xmr_agent.llm.local import LocalLLM

    try:
        return LocalLLM(TRANSLATOR_MODEL)
    except ConfigError:  # not installed: requests are read as written
        return None


def describe(llm: Any) -> str:
    """A short description of ``llm`` for traces and logs: backend, model and settings, no secrets."""
    if llm is None:
        return "none"
    config = getattr(llm, "config", None)
    name = getattr(llm, "name", None) or type(llm).__name__
    if not callable(config):
        return str(name)
    settings = config()
    shown = ", ".join(f"{k}={v}" for k, v in settings.items() if k in _SHOWN and v not in (None, [], ""))
    return f"{name} ({shown})" if shown else str(name)


_SHOWN = ("backend", "base_url", "n_ctx", "n_threads", "chat_model")


def _model_and_url(rest: str) -> tuple[str, str | None]:
    match = _AT_URL.match(rest)
    if match:
        return match["model"], match["url"]
    if "://" in rest:
        raise ConfigError(f"cannot read a model and a URL from {rest!r}; write MODEL@http://host:port/v1")
    return rest, None
