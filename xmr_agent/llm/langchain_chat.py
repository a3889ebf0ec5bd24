"""Any LangChain chat model (``BaseChatModel``) as an xmr-agent :class:`~xmr_agent.llm.base.LLM`.

``langchain_core`` is imported on first use. Our messages become ``SystemMessage`` /
``HumanMessage`` / ``AIMessage``; the reply's text is returned, whether the model gives a string or
a list of content blocks. A schema is passed as an instruction in the system message (chat models
differ in how, or whether, they constrain output); ``max_tokens`` is left to the chat model's own
settings, since providers name that option differently.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xmr_agent.errors import ConfigError, LLMError
from xmr_agent.llm.base import Message, check_messages
from xmr_agent.llm.openai_compat import with_schema_hint

__all__ = ["LangChainLLM"]

_INSTALL = "pip install 'xmr-agent[langchain]'"


class LangChainLLM:
    """Wraps ``chat_model`` (a LangChain ``BaseChatModel``, or anything with ``invoke``)."""

    def __init__(self, chat_model: Any) -> None:
        if not callable(getattr(chat_model, "invoke", None)):
            raise ConfigError(f"LangChainLLM needs a LangChain chat model with .invoke(), got {type(chat_model)!r}")
        self.chat_model = chat_model
        model = getattr(chat_model, "model_name", None) or getattr(chat_model, "model", None)
        self.name = f"langchain:{type(chat_model).__name__}" + (f":{model}" if isinstance(model, str) else "")

    def __repr__(self) -> str:
        return f"LangChainLLM({self.name!r})"

    def config(self) -> dict[str, Any]:
        return {"backend": "langchain", "chat_model": type(self.chat_model).__qualname__, "name": self.name}

    def complete(
        self, messages: Sequence[Message], *, schema: dict[str, Any] | None = None, max_tokens: int = 512
    ) -> str:
        history = check_messages(messages)
        if schema is not None:
            history = with_schema_hint(history, schema)
        lc_messages = to_langchain(history)
        try:
            reply = self.chat_model.invoke(lc_messages)
        except Exception as e:  # noqa: BLE001 - providers raise their own error types
            raise LLMError(f"{self.name} failed: {type(e).__name__}: {str(e)[:300]}") from e
        return text_of(getattr(reply, "content", reply))


def to_langchain(messages: Sequence[Message]) -> list[Any]:
    """LangChain message objects for our ``{"role", "content"}`` dicts."""
    try:
        from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
    except ImportError as e:
        raise ConfigError(f"LangChainLLM needs langchain-core: {_INSTALL}") from e
    kinds = {"system": SystemMessage, "user": HumanMessage, "assistant": AIMessage}
    return [kinds[m["role"]](content=m["content"]) for m in messages]


def text_of(content: Any) -> str:
    """The text of a message's content: a string, or the text parts of a list of content blocks."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for block in content:
            if isinstance(block, str):
                parts.append(block)
            elif isinstance(block, dict) and block.get("type") == "text" and isinstance(block.get("text"), str):
                parts.append(block["text"])
        return "".join(parts)
    raise LLMError(f"the chat model's reply has no text content: {type(content).__name__} {str(content)[:120]!r}")
