"""An OpenAI-compatible chat completions client over httpx: OpenAI, Ollama, vLLM, llama.cpp server.

``POST {base_url}/chat/completions`` with the messages, ``temperature``, ``max_tokens`` and, when
a schema is given, ``response_format={"type": "json_schema", ...}``. A server that refuses a
parameter with 400/422 (older llama.cpp and Ollama: ``response_format``; OpenAI's reasoning
models: ``max_tokens``, ``temperature``) is asked again once without it, and the instance
remembers. Without ``response_format`` the schema is put in the system message instead.

The API key never leaves the ``Authorization`` header: it is kept as a pydantic ``SecretStr``,
left out of ``repr``, :meth:`OpenAICompatibleLLM.config` and logs, and masked in any error text
(a server may echo it back).
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
from pydantic import SecretStr

from xmr_agent.errors import ConfigError, LLMError
from xmr_agent.llm.base import Message, check_messages

__all__ = ["DEFAULT_BASE_URL", "OpenAICompatibleLLM", "redact_url", "with_schema_hint"]

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.openai.com/v1"
_REFUSABLE = ("response_format", "max_tokens", "temperature")
"""Request parameters a server may refuse with 400/422; each is dropped (or renamed) once."""
_REFUSAL_WORDS = ("unsupported", "not supported", "does not support", "unknown", "unrecognized", "not permitted",
                  "not allowed", "invalid", "extra")
"""A 400/422 body must also say one of these (not only name the parameter, as "too large" would)."""


class OpenAICompatibleLLM:
    """Chat completions over HTTP for any server that speaks the OpenAI API.

    ``base_url``: argument, else ``$OPENAI_BASE_URL``, else ``https://api.openai.com/v1``.
    ``api_key``: argument, else the environment variable ``api_key_env`` (``None``: never read
    one); no key means no ``Authorization`` header (Ollama, local servers). ``timeout`` bounds
    connecting and each read, in seconds. ``headers`` are sent with every request (their
    values are treated as secrets too).
    """

    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        api_key_env: str | None = "OPENAI_API_KEY",
        timeout: float = 30.0,
        temperature: float = 0.0,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        if not model or not isinstance(model, str):
            raise ConfigError(f"OpenAICompatibleLLM needs a model name, got {model!r}")
        if not timeout or timeout <= 0:
            raise ConfigError(f"timeout must be a positive number of seconds, got {timeout!r}")
        url = (base_url or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
        if urlsplit(url).scheme not in ("http", "https"):
            raise ConfigError(f"base_url must start with http:// or https://, got {redact_url(url)!r}")
        key = api_key if api_key is not None else (os.environ.get(api_key_env) if api_key_env else None)
        self.model = model
        self.base_url = url
        self.timeout = float(timeout)
        self.temperature = float(temperature)
        self.name = f"openai:{model}"
        self._key = SecretStr(key) if key else None
        self._headers = {k: SecretStr(v) for k, v in (headers or {}).items()}
        self._refused: set[str] = set()
        self._client: httpx.Client | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"OpenAICompatibleLLM(model={self.model!r}, base_url={redact_url(self.base_url)!r})"

    @property
    def endpoint(self) -> str:
        """The chat completions URL, with any credentials in it masked."""
        return redact_url(f"{self.base_url}/chat/completions")

    def config(self) -> dict[str, Any]:
        """Settings for traces and table metadata: no key, no header values."""
        return {
            "backend": "openai-compatible",
            "model": self.model,
            "base_url": redact_url(self.base_url),
            "timeout": self.timeout,
            "temperature": self.temperature,
            "api_key_set": self._key is not None,
            "headers": sorted(self._headers),
            "refused_parameters": sorted(self._refused),
        }

    def complete(
        self, messages: Sequence[Message], *, schema: dict[str, Any] | None = None, max_tokens: int = 512
    ) -> str:
        history = check_messages(messages)
        for _ in range(len(_REFUSABLE) + 1):
            body = self._body(history, schema, max_tokens)
            response = self._post(body)
            refused = self._refused_parameter(response, body)
            if refused is None:
                return self._content(response)
            log.info("%s refused %r; asking again without it", self.endpoint, refused)
            self._refused.add(refused)
        raise LLMError(f"{self.endpoint} kept refusing the request: {self._excerpt(response)}")

    def close(self) -> None:
        """Close the pooled HTTP connections (a later call opens new ones)."""
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None

    def _body(self, history: list[dict[str, str]], schema: dict[str, Any] | None, max_tokens: int) -> dict[str, Any]:
        body: dict[str, Any] = {"model": self.model, "messages": history}
        if "temperature" not in self._refused:
            body["temperature"] = self.temperature
        body["max_completion_tokens" if "max_tokens" in self._refused else "max_tokens"] = max_tokens
        if schema is not None and "response_format" not in self._refused:
            body["response_format"] = {"type": "json_schema", "json_schema": {"name": "reply", "schema": schema}}
        elif schema is not None:
            body["messages"] = with_schema_hint(history, schema)
        return body

    def _post(self, body: dict[str, Any]) -> httpx.Response:
        url = f"{self.base_url}/chat/completions"
        log.debug("POST %s model=%s messages=%d", self.endpoint, self.model, len(body["messages"]))
        try:
            return self._http().post(url, json=body, headers=self._auth())
        except httpx.TimeoutException as e:
            raise LLMError(
                f"{self.endpoint} did not answer within {self.timeout:g} s ({type(e).__name__}); is the "
                "server up and the model loaded? Pass a larger timeout=... for slow models"
            ) from e
        except httpx.HTTPError as e:
            raise LLMError(f"cannot reach {self.endpoint}: {type(e).__name__}: {self._mask(str(e))}") from e

    def _refused_parameter(self, response: httpx.Response, body: dict[str, Any]) -> str | None:
        """The parameter a 400/422 answer complains about, if we sent it and may drop it."""
        if response.status_code not in (400, 422):
            return None
        text = response.text.lower()
        if not any(word in text for word in _REFUSAL_WORDS):
            return None
        for name in _REFUSABLE:
            named = name in text or (name == "response_format" and "json_schema" in text)
            if name in body and named:
                return name
        return None

    def _content(self, response: httpx.Response) -> str:
        if response.status_code >= 400:
            hint = " (check the API key: pass api_key=... or set it in the environment)" if response.status_code in (
                401, 403) else ""
            raise LLMError(f"{self.endpoint} answered HTTP {response.status_code}{hint}: {self._excerpt(response)}")
        try:
            choice = response.json()["choices"][0]
            content = choice["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError) as e:
            raise LLMError(f"{self.endpoint} gave no chat completion: {self._excerpt(response)}") from e
        if not isinstance(content, str):
            raise LLMError(f"{self.endpoint} gave no text (finish_reason={choice.get('finish_reason')!r}): "
                           f"{self._excerpt(response)}")
        if choice.get("finish_reason") == "length":
            log.debug("%s: reply cut at max_tokens", self.endpoint)
        return content

    def _http(self) -> httpx.Client:
        with self._lock:
            if self._client is None:
                self._client = httpx.Client(timeout=httpx.Timeout(self.timeout), follow_redirects=False)
            return self._client

    def _auth(self) -> dict[str, str]:
        headers = {k: v.get_secret_value() for k, v in self._headers.items()}
        if self._key is not None:
            headers["Authorization"] = f"Bearer {self._key.get_secret_value()}"
        return headers

    def _excerpt(self, response: httpx.Response, limit: int = 300) -> str:
        text = " ".join(response.text.split())
        return self._mask(text[:limit] + ("…" if len(text) > limit else "")) or "(empty body)"

    def _mask(self, text: str) -> str:
        """``text`` with the key and header values replaced by ``***``."""
        secrets = [s.get_secret_value() for s in (self._key, *self._headers.values()) if s is not None]
        for secret in sorted(secrets, key=len, reverse=True):
            if len(secret) >= 4:
                text = text.replace(secret, "***")
        return text


def with_schema_hint(messages: Sequence[Mapping[str, str]], schema: Mapping[str, Any]) -> list[dict[str, str]]:
    """``messages`` with an instruction to answer with one JSON object following ``schema``,
    appended to the first system message (or as a new one), for backends without structured output."""
    hint = ("Answer with only one JSON object, no prose and no code fence, following this JSON schema:\n"
            + json.dumps(schema, separators=(",", ":")))
    history = [dict(m) for m in messages]
    if history and history[0]["role"] == "system":
        history[0]["content"] = f"{history[0]['content']}\n\n{hint}"
    else:
        history.insert(0, {"role": "system", "content": hint})
    return history


def redact_url(url: str) -> str:
    """``url`` without user info or query string (where keys tend to hide)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        if parts.port:
            host = f"{host}:{parts.port}"
    except ValueError:
        return "(unparsable url)"
    userinfo = "***@" if parts.username or parts.password else ""
    return urlunsplit((parts.scheme, userinfo + host, parts.path, "***" if parts.query else "", ""))
