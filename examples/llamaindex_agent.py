"""A LlamaIndex agent (``FunctionAgent``) that recommends with xmr-agent's tools.

    python examples/llamaindex_agent.py --fake                      # offline: demo catalogue, scripted LLM
    python examples/llamaindex_agent.py --db .xmr --table demo --llm openai:gpt-4o-mini "a calm piano song under \\$2"

``--fake`` ingests the demo catalogue with the hash-based FakeEncoder into a temporary folder
and drives the agent with LlamaIndex's ``MockFunctionCallingLLM``: its first reply calls
``xmr_ask`` with the request, its second reads the tool's JSON and names the top pick. The tool
call is real: the catalogue is searched, fused and explained by xmr-agent.
(``--llm openai:MODEL`` needs ``pip install llama-index-llms-openai`` and OPENAI_API_KEY.)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
from pathlib import Path
from typing import Any

from llama_index.core.agent.workflow import FunctionAgent, ToolCallResult
from llama_index.core.base.llms.types import ChatMessage, MessageRole, ToolCallBlock
from llama_index.core.llms.mock import MockFunctionCallingLLM

from xmr_agent import Agent, Catalog, ingest
from xmr_agent.integrations.llamaindex import XmrLlamaRetriever, make_tools

DEMO = Path(__file__).parent / "demo" / "catalog.jsonl"
SYSTEM = "You recommend items from a catalogue. Use xmr_ask for requests; answer with titles and reasons."


def scripted_reply(messages: list[ChatMessage], **_: Any) -> ChatMessage:
    """First turn: call xmr_ask with the user's words. After the tool answers: name its top pick."""
    last = messages[-1]
    if last.role == MessageRole.TOOL:
        recs = json.loads(last.content or "{}").get("recommendations", [])
        if not recs:
            return ChatMessage(role="assistant", content="Nothing in the catalogue fits that.")
        return ChatMessage(role="assistant", content=f"Try {recs[0]['title']} ({recs[0]['id']}): {recs[0]['why']}")
    call = ToolCallBlock(tool_call_id="call-1", tool_name="xmr_ask", tool_kwargs={"request": last.content, "k": 3})
    return ChatMessage(role="assistant", blocks=[call])


def demo_catalog() -> tuple[str, str]:
    db = tempfile.mkdtemp(prefix="xmr-llamaindex-")
    ingest(DEMO, db, "demo", vectors={"text": "xmr_agent.testing:FakeEncoder"})
    return db, "demo"


def make_llm(spec: str) -> Any:
    if spec.startswith("openai:"):
        from llama_index.llms.openai import OpenAI  # pip install llama-index-llms-openai

        return OpenAI(model=spec.partition(":")[2])
    raise SystemExit(f"unknown --llm {spec!r}: use openai:MODEL, or --fake")


async def run(agent: FunctionAgent, request: str) -> str:
    handler = agent.run(user_msg=request)
    async for event in handler.stream_events():
        if isinstance(event, ToolCallResult):
            print(f"[tool {event.tool_name}({json.dumps(event.tool_kwargs)})] {event.tool_output.content[:300]}")
    return str((await handler).response.content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("request", nargs="?", default="a calm piano song under $2")
    parser.add_argument("--db")
    parser.add_argument("--table", default="demo")
    parser.add_argument("--llm", default="openai:gpt-4o-mini")
    parser.add_argument("--fake", action="store_true", help="offline: demo catalogue and a scripted LLM")
    args = parser.parse_args()
    db, table = demo_catalog() if args.fake or not args.db else (args.db, args.table)
    catalog = Catalog.open(db, table)
    for scored in XmrLlamaRetriever(catalog, k=2).retrieve(args.request):  # the retriever on its own
        print(f"[retriever] {scored.score:.3f} {scored.node.node_id} {scored.node.metadata['title']}")
    llm = MockFunctionCallingLLM(response_generator=scripted_reply) if args.fake else make_llm(args.llm)
    agent = FunctionAgent(tools=make_tools(Agent(catalog)), llm=llm, system_prompt=SYSTEM)
    print(asyncio.run(run(agent, args.request)))


if __name__ == "__main__":
    main()
