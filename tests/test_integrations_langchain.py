"""LangChain: the retriever's Documents, the typed tools, and an agent that really calls a tool."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from helpers import FAKE, ROOT, subprocess_env

pytest.importorskip("langchain")
from langchain.agents import create_agent
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

import xmr_agent
from xmr_agent import Agent, Catalog
from xmr_agent.integrations.langchain import XmrRetriever, make_tools

DEMO = ROOT / "examples" / "demo" / "catalog.jsonl"
EXAMPLE = ROOT / "examples" / "langchain_agent.py"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("langchain") / "db"
    assert xmr_agent.ingest(DEMO, path, "demo", vectors={"text": FAKE}).ok
    return path


@pytest.fixture(scope="module")
def catalog(db: Path) -> Catalog:
    return Catalog.open(db, "demo")


def _example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("langchain_agent_example", EXAMPLE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_retriever_returns_documents_with_item_metadata(catalog: Catalog) -> None:
    docs = XmrRetriever(catalog=catalog, k=3).invoke("calm solo piano rain")
    assert len(docs) == 3
    top = docs[0]
    assert top.id == "song-001" and top.page_content.startswith("Moonlit Harbour\nA calm solo piano piece")
    meta = top.metadata
    assert meta["id"] == "song-001" and meta["score"] > 0 and meta["scores"]
    assert meta["category"] == "music" and meta["price"] == 0.99 and meta["tags"] == ["calm", "piano", "instrumental"]
    assert "image" in meta and "audio" in meta and "text" not in meta
    json.dumps(meta)  # plain data: serialisable for any vector store or tracer


def test_retriever_filters_and_hybrid_search(catalog: Catalog, db: Path) -> None:
    cheap = XmrRetriever(catalog=catalog, k=10, where="category = 'music' AND price < 1").invoke("piano")
    assert cheap and all(d.metadata["category"] == "music" and d.metadata["price"] < 1 for d in cheap)
    hybrid = XmrRetriever(catalog=catalog, k=3, hybrid=True).invoke("sourdough bread")
    assert hybrid[0].metadata["title"] == "Sourdough Every Day" and "hybrid" in hybrid[0].metadata["scores"]
    opened = XmrRetriever.open(db, "demo", k=1, where="category = 'book'")
    assert [d.metadata["category"] for d in opened.invoke("a friendly book")] == ["book"]


def test_tools_have_typed_schemas_and_return_content_and_artifact(catalog: Catalog) -> None:
    tools = {t.name: t for t in make_tools(catalog)}
    assert set(tools) == {"xmr_search", "xmr_ask", "xmr_recommend", "xmr_describe_item"}
    schema = tools["xmr_search"].args
    assert {"query", "image", "audio", "k", "where", "hybrid"} <= set(schema)
    assert schema["k"]["maximum"] == 50 and "base64" in schema["image"]["description"]
    call = {"type": "tool_call", "id": "c1", "name": "xmr_ask",
            "args": {"request": "waterproof gear for a rainy hike under $200", "k": 2}}
    message = tools["xmr_ask"].invoke(call)
    assert isinstance(message, ToolMessage)
    card = json.loads(message.content)
    assert card["where"] == "(price < 200.0) AND (`category` = 'gear')" and len(card["recommendations"]) == 2
    assert message.artifact["recommendations"][0]["evidence"]  # the full answer rides along
    liked = json.loads(tools["xmr_recommend"].invoke({"liked_ids": ["song-001"], "k": 2}))
    assert len(liked["recommendations"]) == 2
    assert json.loads(tools["xmr_describe_item"].invoke({"item_id": "book-001"}))["category"] == "book"


def test_tool_errors_come_back_to_the_model_as_messages(catalog: Catalog) -> None:
    tools = {t.name: t for t in make_tools(catalog)}
    empty = tools["xmr_search"].invoke({"type": "tool_call", "id": "c2", "name": "xmr_search", "args": {"query": ""}})
    assert empty.status == "error" and "ConfigError: nothing to search for" in empty.content
    unknown = tools["xmr_recommend"].invoke({"liked_ids": ["no-such-item"]})
    assert "StoreError: no item with id 'no-such-item'" in unknown
    with pytest.raises(Exception, match="less than or equal to 50"):  # schema violations are the caller's bug
        tools["xmr_search"].invoke({"query": "piano", "k": 99})


def test_create_agent_drives_a_real_tool_call_into_the_final_answer(catalog: Catalog) -> None:
    model = _example().ScriptedToolModel()
    agent = create_agent(model, make_tools(Agent(catalog)), system_prompt="Recommend from the catalogue.")
    result = agent.invoke({"messages": [HumanMessage("a calm piano song under $2")]})
    human, call, tool, final = result["messages"]
    assert isinstance(call, AIMessage) and call.tool_calls[0]["name"] == "xmr_ask"
    assert isinstance(tool, ToolMessage) and tool.name == "xmr_ask" and tool.status == "success"
    answer = json.loads(tool.content)
    assert answer["where"] == "(price < 2.0)"
    top = answer["recommendations"][0]
    assert top["id"] == "song-001" and top["price"] < 2  # computed by the real catalogue, not scripted
    assert isinstance(final, AIMessage) and final.content.startswith(f"Try {top['title']} ({top['id']})")
    assert top["why"] in final.content


def test_langchain_example_runs_offline_with_fake() -> None:
    out = subprocess.run([sys.executable, str(EXAMPLE), "--fake"], capture_output=True, text=True,
                         env=subprocess_env(), timeout=300, check=False)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert sum(line.startswith("[retriever]") for line in lines) == 2
    assert any(line.startswith('[tool xmr_ask] {"request": "a calm piano song under $2"') for line in lines)
    assert lines[-1].startswith("Try Moonlit Harbour (song-001)")
