"""One assembly behind every surface: the same request, with the same interaction log, gives the
same items through the CLI, HTTP, MCP, LangChain and LlamaIndex (xmr_agent.assembly)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import FAKE, ROOT, subprocess_env, write_jsonl

import xmr_agent
from xmr_agent.assembly import AgentOptions, build_tools
from xmr_agent.recommend.signals import Signals

DEMO = ROOT / "examples" / "demo" / "catalog.jsonl"
#: Names a title ("Moonlit Harbour" → a seed through the log's item graph) and a price condition.
REQUEST = "something like Moonlit Harbour under $2"
K = 4


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("surfaces")
    assert xmr_agent.ingest(DEMO, root / "db", "demo", vectors={"text": FAKE}).ok
    log = [{"user": f"u{n}", "item": item, "like": True, "time": t}
           for n in range(3) for t, item in enumerate(["song-001", "song-003", "song-005"])]
    return root / "db", write_jsonl(root / "log.jsonl", log)


def _ids(recommendations: list[dict[str, Any]]) -> list[str]:
    return [r["id"] for r in recommendations]


def _cli(db: Path, log: Path, xmr: str) -> list[str]:
    out = subprocess.run([xmr, "ask", REQUEST, "--db", str(db), "--table", "demo", "--interactions", str(log),
                          "-k", str(K), "--json"], capture_output=True, text=True, timeout=300, env=subprocess_env())
    assert out.returncode == 0, out.stderr
    return _ids(json.loads(out.stdout)["recommendations"])


def _http(db: Path, log: Path) -> list[str]:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from xmr_agent.server.app import create_app

    app = create_app(db, "demo", signals=Signals(interactions=log), interactions=log, web=False)
    response = TestClient(app, base_url="http://127.0.0.1").post("/ask", json={"request": REQUEST, "k": K})
    assert response.status_code == 200, response.text
    return _ids(response.json()["recommendations"])


def _mcp(db: Path, log: Path) -> list[str]:
    pytest.importorskip("mcp")
    from mcp import ClientSession, StdioServerParameters, stdio_client

    async def call() -> Any:
        server = StdioServerParameters(command=sys.executable, env=subprocess_env(), args=[
            "-m", "xmr_agent.cli", "mcp", "--db", str(db), "--table", "demo", "--interactions", str(log)])
        async with stdio_client(server) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            return await session.call_tool("ask", {"request": REQUEST, "k": K})

    result = asyncio.run(asyncio.wait_for(call(), 180))
    assert not result.is_error, result.content
    return _ids(result.structured_content["recommendations"])


def _langchain(db: Path, log: Path) -> list[str]:
    pytest.importorskip("langchain_core")
    from xmr_agent.integrations.langchain import make_tools

    tools = {t.name: t for t in make_tools(build_tools(db, "demo", AgentOptions(signals=Signals(interactions=log))))}
    content = tools["xmr_ask"].invoke({"request": REQUEST, "k": K})
    return _ids(json.loads(content)["recommendations"])


def _llamaindex(db: Path, log: Path) -> list[str]:
    pytest.importorskip("llama_index.core")
    from xmr_agent.integrations.llamaindex import make_tools

    tools = {t.metadata.name: t for t in make_tools(build_tools(db, "demo",
                                                                AgentOptions(signals=Signals(interactions=log))))}
    output = tools["xmr_ask"].call(request=REQUEST, k=K)
    return _ids(output.raw_output["recommendations"])


def test_the_same_request_gives_the_same_items_on_every_surface(setup: tuple[Path, Path], xmr_bin: str) -> None:
    db, log = setup
    found = {"cli": _cli(db, log, xmr_bin), "http": _http(db, log), "mcp": _mcp(db, log),
             "langchain": _langchain(db, log), "llamaindex": _llamaindex(db, log)}
    assert len(found["cli"]) == K and "song-001" not in found["cli"]  # the named item is a seed, not an answer
    assert {name: ids for name, ids in found.items() if ids != found["cli"]} == {}


def test_the_named_item_is_a_seed_on_every_surface(setup: tuple[Path, Path]) -> None:
    """Without the log no signal starts from named items; with it, the title becomes a seed."""
    db, log = setup
    plain = build_tools(db, "demo").ask(REQUEST, k=K)
    seeded = build_tools(db, "demo", AgentOptions(signals=Signals(interactions=log))).ask(REQUEST, k=K)
    assert seeded.query.seed_ids == ("song-001",)
    assert not plain.query.seed_ids


def test_logs_naming_no_item_are_reported_by_the_assembly(setup: tuple[Path, Path], tmp_path: Path) -> None:
    db, _ = setup
    stranger = write_jsonl(tmp_path / "other.jsonl", [{"user": "u", "item": "not-here", "like": True}])
    said: list[str] = []
    build_tools(db, "demo", AgentOptions(signals=Signals(interactions=stranger)), notify=said.append)
    assert any("name no item" in line for line in said), said
