"""Hostile input against a real `xmr mcp --transport http` process on 127.0.0.1: foreign hosts and
origins, bodies before the key, expensive filters, floods and invalid Unicode in tool arguments.
Every one is refused and the server goes on answering."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from helpers import FAKE, ROOT, server_log, serving

pytest.importorskip("mcp")
httpx2 = pytest.importorskip("httpx2")
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

import xmr_agent

KEY = "mcp-hostile-key"
AUTH = {"Authorization": f"Bearer {KEY}"}
JSON = {"content-type": "application/json", "accept": "application/json, text/event-stream"}
INIT = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}


@pytest.fixture(scope="module")
def mcp_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("hostile-mcp") / "db"
    assert xmr_agent.ingest(ROOT / "examples" / "demo" / "catalog.jsonl", db, "demo", vectors={"text": FAKE}).ok
    command = ["mcp", "--db", str(db), "--table", "demo", "--transport", "http", "--api-key", KEY]
    with serving(command, health="/mcp") as (url, process):
        yield f"{url}/mcp"
        assert process.poll() is None, server_log(process)


def test_foreign_hosts_and_origins_are_refused(mcp_url: str) -> None:
    body = json.dumps(INIT)
    foreign = httpx2.post(mcp_url, content=body, headers={**AUTH, **JSON, "host": "attacker.example"})
    assert foreign.status_code == 421
    evil = httpx2.post(mcp_url, content=body, headers={**AUTH, **JSON, "origin": "http://evil.example"})
    assert evil.status_code == 403
    plain = httpx2.post(mcp_url, content=body, headers={**AUTH, "content-type": "text/plain"})
    assert 400 <= plain.status_code < 500


def test_the_key_comes_before_the_body_and_bodies_are_limited(mcp_url: str) -> None:
    big = b'{"x": "' + b"x" * (8 * 1024 * 1024) + b'"}'
    assert httpx2.post(mcp_url, content=big, headers=JSON, timeout=60).status_code == 401
    huge = b'{"x": "' + b"x" * (17 * 1024 * 1024) + b'"}'
    assert httpx2.post(mcp_url, content=huge, headers={**AUTH, **JSON}, timeout=60).status_code == 413


async def _calls(url: str, calls: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    async with httpx2.AsyncClient(headers=AUTH, timeout=60) as http, \
            streamable_http_client(url, http_client=http) as (read, write, *_), ClientSession(read, write) as session:
        await session.initialize()
        return [await session.call_tool(name, args) for name, args in calls]


@pytest.mark.parametrize("name, args, words", [
    ("search", {"query": "piano", "where": "length(repeat(text, 24000000)) > 0"}, "'length' is not allowed"),
    ("search", {"query": "piano", "where": "price < 1 ; SELECT 1"}, "unexpected character"),
    ("search", {"query": "piano", "where": " OR ".join(["price < 1"] * 40)}, "more than 32 conditions"),
    ("search", {"query": "piano", "where": " OR ".join(["price < 1"] * 40_000)}, "2000"),
    ("ask", {"request": "under $2 " * 40_000}, "4000"),
])
def test_tool_arguments_that_would_crash_or_exhaust_are_tool_errors(mcp_url: str, name: str,
                                                                     args: dict[str, Any], words: str) -> None:
    refused, fine = asyncio.run(asyncio.wait_for(_calls(mcp_url, [(name, args), ("search", {"query": "piano"})]), 120))
    assert refused.is_error and words in refused.content[0].text, refused.content[0].text[:300]
    assert not fine.is_error and fine.structured_content["hits"]


def test_a_where_of_the_allowed_kind_still_filters(mcp_url: str) -> None:
    (result,) = asyncio.run(asyncio.wait_for(_calls(mcp_url, [
        ("search", {"query": "piano", "k": 10, "where": "category = 'music' AND price < 1"})]), 60))
    assert not result.is_error and all(h["price"] < 1 for h in result.structured_content["hits"])


def _raw_call(url: str, arguments: str) -> tuple[int, dict[str, Any]]:
    """tools/call with ``arguments`` as raw JSON text (an SDK client cannot send a lone surrogate)."""
    headers = {**AUTH, **JSON}
    started = httpx2.post(url, content=json.dumps(INIT), headers=headers, timeout=60)
    session = {"mcp-session-id": started.headers["mcp-session-id"], "mcp-protocol-version": "2025-06-18"}
    httpx2.post(url, content='{"jsonrpc": "2.0", "method": "notifications/initialized"}',
                headers={**headers, **session}, timeout=60)
    body = '{"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": ' + arguments + "}"
    answer = httpx2.post(url, content=body, headers={**headers, **session}, timeout=60)
    data = [line[5:] for line in answer.text.splitlines() if line.startswith("data:")] or [answer.text]
    return answer.status_code, json.loads(data[-1])


@pytest.mark.parametrize("arguments", [
    '{"name": "ask", "arguments": {"request": "calm \\ud83c piano"}}',
    '{"name": "search", "arguments": {"query": "\\udc00"}}',
    '{"name": "recommend", "arguments": {"liked_ids": ["\\ud83c"]}}',
    '{"name": "describe_item", "arguments": {"item_id": "song-001\\ud83c"}}',
])
def test_lone_surrogates_in_tool_arguments_are_tool_errors(mcp_url: str, arguments: str) -> None:
    """The SDK's JSON parser refuses them (400, a JSON-RPC parse error); a tool never sees one,
    and if it did, the argument types would refuse it too (tests/test_limits.py)."""
    status, reply = _raw_call(mcp_url, arguments)
    text = json.dumps(reply, ensure_ascii=False)
    assert status == 400 and reply["error"]["code"] == -32700, text[:300]
    assert httpx2.post(mcp_url, content=json.dumps(INIT), headers={**AUTH, **JSON}).status_code == 200


def test_results_and_errors_over_http_name_no_server_path(mcp_url: str) -> None:
    demo = str(ROOT / "examples" / "demo")
    found, outside = asyncio.run(asyncio.wait_for(_calls(mcp_url, [
        ("search", {"query": "calm solo piano", "k": 3}),
        ("ask", {"request": "piano", "image": str(ROOT / "examples" / "demo" / "catalog.jsonl")})]), 60))
    assert found.structured_content["hits"][0]["image"] == "song-001.png"
    assert outside.is_error and "catalog.jsonl" in outside.content[0].text
    for result in (found, outside):
        assert demo not in json.dumps([c.model_dump() for c in result.content])
