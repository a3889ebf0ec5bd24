"""LlamaIndex: the retriever's nodes (text and image), the FunctionTools, and a FunctionAgent run
with a scripted function-calling LLM (LlamaIndex's own MockFunctionCallingLLM) that makes a real
tool call."""

from __future__ import annotations

import asyncio
import base64
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar

import numpy as np
import pytest
from helpers import FAKE, ROOT, subprocess_env, write_jsonl

pytest.importorskip("llama_index.core")
from llama_index.core.agent.workflow import FunctionAgent, ToolCallResult
from llama_index.core.llms.mock import MockFunctionCallingLLM
from llama_index.core.schema import ImageNode, QueryBundle, TextNode

import xmr_agent
from xmr_agent import Agent, Catalog
from xmr_agent.integrations.llamaindex import XmrLlamaRetriever, make_tools
from xmr_agent.testing import FakeEncoder

DEMO = ROOT / "examples" / "demo" / "catalog.jsonl"
EXAMPLE = ROOT / "examples" / "llamaindex_agent.py"
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC")


class BytesEncoder(FakeEncoder):
    """Text and images (a file's bytes hashed as one 'word'), so an image column exists offline."""

    name = "bytes"
    modalities: ClassVar[frozenset[str]] = frozenset({"text", "image"})

    def _encode(self, items: list[Any], modality: str, role: str) -> np.ndarray:
        if modality == "image":
            items = [Path(i).read_bytes().hex() for i in items]
        return super()._encode(items, "text", role)


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    db = tmp_path_factory.mktemp("llamaindex") / "db"
    assert xmr_agent.ingest(DEMO, db, "demo", vectors={"text": FAKE}).ok
    return Catalog.open(db, "demo")


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> tuple[Catalog, Path]:
    root = tmp_path_factory.mktemp("photos")
    (root / "red.png").write_bytes(PNG)
    (root / "other.png").write_bytes(PNG[:-4] + b"XXXX")
    rows = [{"id": "red", "title": "Red square", "text": "a tiny red square", "image": "red.png"},
            {"id": "other", "title": "Other square", "text": "another square", "image": "other.png"}]
    encoder = BytesEncoder()
    assert xmr_agent.ingest(write_jsonl(root / "items.jsonl", rows), root / "db", "photos",
                            vectors={"text": encoder, "image": encoder}).ok
    catalog = Catalog.open(root / "db", "photos")
    for column in catalog.vectors:
        catalog.use_encoder(column, encoder)
    return catalog, root / "red.png"


def _example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("llamaindex_agent_example", EXAMPLE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_retriever_returns_text_nodes_with_scores_and_metadata(catalog: Catalog) -> None:
    nodes = XmrLlamaRetriever(catalog, k=3).retrieve("calm solo piano rain")
    assert len(nodes) == 3 and nodes[0].score == pytest.approx(nodes[0].node.metadata["score"])
    top = nodes[0].node
    assert isinstance(top, TextNode) and isinstance(top, ImageNode)  # the demo items have cover images
    assert Path(top.image_path).name == "song-001.png"
    assert top.node_id == "song-001" and top.text.startswith("Moonlit Harbour\n")
    assert top.metadata["category"] == "music" and top.metadata["tags"] == ["calm", "piano", "instrumental"]
    cheap = XmrLlamaRetriever(catalog, k=10, where="price < 1").retrieve("piano")
    assert cheap and all(n.node.metadata["price"] < 1 for n in cheap)


def test_items_with_an_image_become_image_nodes_and_a_photo_can_be_the_query(photos: tuple[Catalog, Path]) -> None:
    catalog, red = photos
    by_words = {n.node.node_id: n.node for n in XmrLlamaRetriever(catalog, k=2).retrieve("red square")}
    assert isinstance(by_words["red"], ImageNode) and Path(by_words["red"].image_path).read_bytes() == PNG
    assert by_words["red"].image_mimetype == "image/png"
    plain = [x.node for x in XmrLlamaRetriever(catalog, k=2, image_nodes=False).retrieve("red square")]
    assert plain and not any(isinstance(n, ImageNode) for n in plain)
    by_photo = XmrLlamaRetriever(catalog, k=1).retrieve(QueryBundle(query_str="", image_path=str(red)))
    assert by_photo[0].node.node_id == "red"  # the same bytes: the nearest image


def test_function_tools_return_json_and_keep_the_full_result(catalog: Catalog) -> None:
    tools = {t.metadata.name: t for t in make_tools(catalog)}
    assert set(tools) == {"xmr_search", "xmr_ask", "xmr_recommend", "xmr_describe_item"}
    params = tools["xmr_ask"].metadata.get_parameters_dict()["properties"]
    assert {"request", "image", "audio", "k", "exclude_ids", "seed_ids", "detail"} == set(params)
    out = tools["xmr_ask"].call(request="waterproof gear for a rainy hike under $200", k=2)
    assert not out.is_error and json.loads(out.content)["where"] == "(price < 200.0) AND (`category` = 'gear')"
    assert out.raw_output["recommendations"][0]["evidence"]
    found = asyncio.run(tools["xmr_search"].acall(query="calm solo piano rain", k=1))
    assert json.loads(found.content)[0]["id"] == "song-001"
    failed = tools["xmr_describe_item"].call(item_id="nope")
    assert failed.is_error and "StoreError: no item with id 'nope'" in failed.content


def test_function_agent_makes_a_real_tool_call_with_a_scripted_llm(catalog: Catalog) -> None:
    llm = MockFunctionCallingLLM(response_generator=_example().scripted_reply)
    agent = FunctionAgent(tools=make_tools(Agent(catalog)), llm=llm, system_prompt="Recommend from the catalogue.")

    async def run() -> tuple[list[ToolCallResult], Any]:
        handler = agent.run(user_msg="a calm piano song under $2")
        results = [e async for e in handler.stream_events() if isinstance(e, ToolCallResult)]
        return results, await handler

    results, output = asyncio.run(asyncio.wait_for(run(), 60))
    assert [r.tool_name for r in results] == ["xmr_ask"] and results[0].tool_kwargs["k"] == 3
    answer = json.loads(results[0].tool_output.content)
    top = answer["recommendations"][0]
    assert answer["where"] == "(price < 2.0)" and top["id"] == "song-001"  # from the real catalogue
    assert str(output.response.content) == f"Try {top['title']} ({top['id']}): {top['why']}"


def test_llamaindex_example_runs_offline_with_fake() -> None:
    out = subprocess.run([sys.executable, str(EXAMPLE), "--fake"], capture_output=True, text=True,
                         env=subprocess_env(), timeout=300, check=False)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert sum(line.startswith("[retriever]") for line in lines) == 2
    assert any(line.startswith('[tool xmr_ask({"request": "a calm piano song under $2", "k": 3})]') for line in lines)
    assert lines[-1].startswith("Try Moonlit Harbour (song-001)")
