"""The LLM contract: chat messages in, text (or JSON validated against a pydantic model) out.

Every backend implements one method, :meth:`LLM.complete`. :func:`complete_json` adds what
structured steps need on top of any backend: the model's JSON schema in the request (backends
that can constrain decoding use it), repair of near-JSON (code fences, trailing commas, prose
around the object), one retry that shows the model its validation error, then
:class:`~xmr_agent.errors.LLMError` so the caller can fall back to a rule-based answer.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel, ValidationError

from xmr_agent.errors import LLMError

Message = Mapping[str, str]
"""One chat message: ``{"role": "system" | "user" | "assistant", "content": "..."}``."""

ModelT = TypeVar("ModelT", bound=BaseModel)
ROLES = frozenset({"system", "user", "assistant"})


@runtime_checkable
class LLM(Protocol):
    """What xmr-agent needs from a language model."""

    name: str

    def complete(
        self, messages: Sequence[Message], *, schema: dict[str, Any] | None = None, max_tokens: int = 512
    ) -> str:
        """The assistant's reply to ``messages``.

        ``schema`` is a JSON schema the reply should follow; a backend that can constrain its
        decoding (grammar, ``response_format``) uses it, others may ignore it. Raise
        :class:`~xmr_agent.errors.LLMError` on transport failures and timeouts.
        """
        ...


def check_messages(messages: Sequence[Message]) -> list[dict[str, str]]:
    """Plain dict copies of ``messages``, each checked for a known role and string content."""
    if not messages:
        raise LLMError("no messages to send to the LLM")
    checked = []
    for i, message in enumerate(messages):
        role, content = message.get("role"), message.get("content")
        if role not in ROLES or not isinstance(content, str):
            raise LLMError(f"message {i} needs role in {sorted(ROLES)} and string content, got {dict(message)!r}")
        checked.append({"role": role, "content": content})
    return checked


def complete_json(
    llm: LLM, messages: Sequence[Message], model: type[ModelT], *, max_tokens: int = 512, retries: int = 1
) -> ModelT:
    """Ask ``llm`` for a JSON object that validates as ``model``.

    Near-JSON is repaired; a reply that still fails is sent back once (``retries``) with the
    error. Raises :class:`~xmr_agent.errors.LLMError` when no valid object came back.
    """
    schema = model.model_json_schema()
    history = check_messages(messages)
    error = ""
    for _ in range(retries + 1):
        reply = llm.complete(history, schema=schema, max_tokens=max_tokens)
        try:
            return model.model_validate(parse_json(reply))
        except (ValueError, ValidationError) as e:
            error = _short(e)
            history = [
                *history,
                {"role": "assistant", "content": reply},
                {"role": "user", "content": f"That reply was not valid: {error}. Answer again with only "
                                            "one JSON object that follows the schema."},
            ]
    raise LLMError(f"{llm.name} gave no valid {model.__name__} JSON after {retries + 1} tries: {error}")


def parse_json(text: str) -> Any:
    """The JSON object in an LLM reply, repaired where it is nearly JSON (fences, trailing commas,
    single quotes, text around it). Raises ``ValueError`` when there is no object at all."""
    import json_repair

    start = text.find("{")
    if start < 0:
        raise ValueError(f"no JSON object in the reply {text[:120]!r}")
    try:
        return json.loads(text[start : text.rfind("}") + 1])
    except json.JSONDecodeError:
        value = json_repair.loads(text[start:])
    if not isinstance(value, dict) or not value:
        raise ValueError(f"no JSON object in the reply {text[:120]!r}")
    return value


def _short(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'object'}: {e['msg']}" for e in error.errors()[:5])
    return str(error)[:300]
