"""The MCP server, driven by the official SDK's own client over stdio (and streamable HTTP),
plus the media handling every tool adapter shares (paths, base64, size limit)."""

from __future__ import annotations

import asyncio
import base64
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from helpers import FAKE, ROOT, subprocess_env

pytest.importorskip("mcp")
from mcp import ClientSession, StdioServerParameters, stdio_client
from mcp.client.client import Client

import xmr_agent
from xmr_agent.errors import ConfigError
from xmr_agent.integrations import XmrTools
from xmr_agent.server.mcp import build_server

DEMO = ROOT / "examples" / "demo" / "catalog.jsonl"
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("mcp") / "db"
    assert xmr_agent.ingest(DEMO, path, "demo", vectors={"text": FAKE}).ok
    return path


async def _stdio_session(command: list[str], calls: list[tuple[str, dict[str, Any]]]) -> tuple[list[str], list[Any]]:
    server = StdioServerParameters(command=command[0], args=command[1:], env=subprocess_env())
    async with stdio_client(server) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        names = [t.name for t in (await session.list_tools()).tools]
        return names, [await session.call_tool(name, args) for name, args in calls]


def test_stdio_server_lists_tools_and_answers_search_and_ask(db: Path) -> None:
    command = [sys.executable, "-m", "xmr_agent.cli", "mcp", "--db", str(db), "--table", "demo"]
    calls = [("search", {"query": "calm solo piano rain", "k": 2}),
             ("ask", {"request": "waterproof gear for a rainy hike under $200", "k": 2}),
             ("describe_item", {"item_id": "song-001"}),
             ("describe_item", {"item_id": "nope"}),
             ("search", {"query": "piano", "k": 0})]
    names, (search, ask, item, missing, bad_k) = asyncio.run(asyncio.wait_for(_stdio_session(command, calls), 120))
    assert names == ["search", "ask", "recommend", "describe_item"]
    assert not search.is_error and search.structured_content["hits"][0]["id"] == "song-001"
    assert '"Moonlit Harbour"' in search.content[0].text  # the same result as text for clients without structure
    answer = ask.structured_content
    assert answer["where"] == "(price < 200.0) AND (`category` = 'gear')"
    assert all(r["category"] == "gear" and r["why"] for r in answer["recommendations"])
    assert item.structured_content["title"] == "Moonlit Harbour"
    assert missing.is_error and "no item with id 'nope'" in missing.content[0].text
    assert bad_k.is_error and "greater than or equal to 1" in bad_k.content[0].text


def test_the_xmr_mcp_script_serves_stdio_too(db: Path, xmr_bin: str) -> None:
    calls = [("recommend", {"liked_ids": ["song-001"], "k": 3})]
    command = [xmr_bin, "mcp", "--db", str(db), "--table", "demo"]
    _, (rec,) = asyncio.run(asyncio.wait_for(_stdio_session(command, calls), 120))
    ids = [r["id"] for r in rec.structured_content["recommendations"]]
    assert len(ids) == 3 and "song-001" not in ids


def test_in_process_tools_take_base64_images_and_explain_missing_columns(db: Path, tmp_path: Path) -> None:
    server = build_server(XmrTools.open(db, "demo"))

    async def run() -> list[Any]:
        async with Client(server) as client:
            image = "data:image/png;base64," + base64.b64encode(PNG).decode()
            return [await client.call_tool("search", {"image": image}),
                    await client.call_tool("ask", {"request": "calm piano under $2", "image": image, "k": 2}),
                    await client.call_tool("recommend", {"user": "u1"})]

    no_column, ask, no_log = asyncio.run(asyncio.wait_for(run(), 60))
    assert no_column.is_error and "no image vectors" in no_column.content[0].text
    assert not ask.is_error and ask.structured_content["where"] == "(price < 2.0)"
    assert no_log.is_error and "no interaction log" in no_log.content[0].text


def test_streamable_http_transport_needs_the_key(db: Path) -> None:
    httpx2 = pytest.importorskip("httpx2")
    from mcp.client.streamable_http import streamable_http_client

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "xmr_agent.cli", "mcp", "--db", str(db), "--table", "demo",
                                "--transport", "http", "--port", str(port), "--api-key", "k3y"], env=subprocess_env())
    url = f"http://127.0.0.1:{port}/mcp"

    async def call() -> Any:
        async with httpx2.AsyncClient(headers={"Authorization": "Bearer k3y"}) as http, \
                streamable_http_client(url, http_client=http) as (read, write, *_), \
                ClientSession(read, write) as session:
            await session.initialize()
            return await session.call_tool("search", {"query": "calm solo piano", "k": 1})

    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                refused = httpx2.post(url, json={})
                break
            except httpx2.TransportError:
                assert time.monotonic() < deadline and process.poll() is None, "the MCP HTTP server did not start"
                time.sleep(0.1)
        assert refused.status_code == 401
        result = asyncio.run(asyncio.wait_for(call(), 60))
        assert result.structured_content["hits"][0]["id"] == "song-001"
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_mcp_http_refuses_a_public_interface_without_a_key(db: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "xmr_agent.cli", "mcp", "--db", str(db), "--table", "demo",
                          "--transport", "http", "--host", "0.0.0.0"], capture_output=True, text=True,
                         env={**subprocess_env(), "XMR_API_KEY": ""}, timeout=120, check=False)
    assert out.returncode == 1 and "without an API key" in out.stderr


def test_mcp_client_example_runs_offline() -> None:
    out = subprocess.run([sys.executable, str(ROOT / "examples" / "mcp_client.py"), "--demo"], capture_output=True,
                         text=True, env=subprocess_env(), timeout=300, check=False)
    assert out.returncode == 0, out.stderr
    assert "tools: search, ask, recommend, describe_item" in out.stdout
    assert "ask     where (price < 2.0)" in out.stdout and "ask     1. song-001 Moonlit Harbour" in out.stdout
    assert "error   True: " in out.stdout


# -- media: the same rules for every adapter -------------------------------------------------
def test_media_paths_base64_and_limits(db: Path, tmp_path: Path) -> None:
    tools = XmrTools.open(db, "demo", media_roots=[tmp_path / "allowed"], max_media_bytes=1000)
    out = tmp_path / "out"
    raw = base64.b64encode(PNG).decode()
    assert Path(tools.media_path(raw, "image", out)).suffix == ".png"  # sniffed from the bytes
    from_uri = Path(tools.media_path(f"data:image/jpeg;base64,{raw}", "image", out))
    assert from_uri.suffix == ".jpg" and from_uri.read_bytes() == PNG  # the declared type wins
    (tmp_path / "allowed").mkdir()
    inside = tmp_path / "allowed" / "a.png"
    inside.write_bytes(PNG)
    assert tools.media_path(str(inside), "image", out) == str(inside.resolve())
    outside = tmp_path / "b.png"
    outside.write_bytes(PNG)
    with pytest.raises(ConfigError, match="outside the folders"):
        tools.media_path(str(outside), "image", out)
    with pytest.raises(ConfigError, match="larger than"):
        tools.media_path(base64.b64encode(b"x" * 2000).decode(), "audio", out)
    with pytest.raises(ConfigError, match="no such file"):
        tools.media_path("photos/missing.jpg", "image", out)
    with pytest.raises(ConfigError, match="nor valid base64"):
        tools.media_path("not base64 at all!", "image", out)
    with tools.media(image=raw) as (image, audio):
        assert Path(image).is_file() and audio is None  # type: ignore[arg-type]
    assert not Path(image).exists()  # a temporary file, removed after the call


def test_the_delete_tool_is_offered_only_when_allowed(tmp_path: Path) -> None:
    db = tmp_path / "db"
    assert xmr_agent.ingest(DEMO, db, "demo", vectors={"text": FAKE}).ok

    async def tools(allow: bool) -> tuple[list[str], Any]:
        async with Client(build_server(XmrTools.open(db, "demo", allow_delete=allow))) as client:
            names = [t.name for t in (await client.list_tools()).tools]
            removed = await client.call_tool("delete_items", {"item_ids": ["song-001"]}) if allow else None
            return names, removed

    plain, _ = asyncio.run(asyncio.wait_for(tools(False), 60))
    assert "delete_items" not in plain
    names, removed = asyncio.run(asyncio.wait_for(tools(True), 60))
    assert "delete_items" in names and removed.structured_content == {"removed": 1}
    assert "song-001" not in xmr_agent.Catalog.open(db, "demo").ids()
