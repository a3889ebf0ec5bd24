"""A LangChain agent (``langchain.agents.create_agent``) that recommends with xmr-agent's tools.

    python examples/langchain_agent.py --fake                       # offline: demo catalogue, scripted model
    python examples/langchain_agent.py --db .xmr --table demo --model openai:gpt-4o-mini "a calm piano song under \\$2"

``--fake`` ingests the demo catalogue with the hash-based FakeEncoder into a temporary folder
and drives the agent with :class:`ScriptedToolModel`, a fake chat model that can bind tools:
its first reply calls ``xmr_ask`` with the request, its second reads the tool's JSON and names
the top pick. The tool call is real: the catalogue is searched, fused and explained by xmr-agent.
(``--model`` takes any ``init_chat_model`` spec, e.g. ``openai:gpt-4o-mini`` with langchain-openai.)
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from langchain.agents import create_agent
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from xmr_agent import Agent, Catalog, ingest
from xmr_agent.integrations.langchain import XmrRetriever, make_tools

DEMO = Path(__file__).parent / "demo" / "catalog.jsonl"
SYSTEM = "You recommend items from a catalogue. Use xmr_ask for requests; answer with titles and reasons."


class ScriptedToolModel(BaseChatModel):
    """A fake chat model that calls ``xmr_ask`` once, then answers from the tool's result."""

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> ScriptedToolModel:
        return self  # the script knows its tool; a real model would get the schemas here

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager: Any = None,
                  **kwargs: Any) -> ChatResult:
        last = messages[-1]
        if isinstance(last, ToolMessage):
            recs = json.loads(str(last.content)).get("recommendations", []) if last.status != "error" else []
            text = f"Try {recs[0]['title']} ({recs[0]['id']}): {recs[0]['why']}" if recs else f"No luck: {last.content}"
            reply = AIMessage(content=text)
        else:
            request = next(m.content for m in reversed(messages) if isinstance(m, HumanMessage))
            reply = AIMessage(content="", tool_calls=[{"name": "xmr_ask", "args": {"request": request, "k": 3},
                                                       "id": "call-1", "type": "tool_call"}])
        return ChatResult(generations=[ChatGeneration(message=reply)])

    @property
    def _llm_type(self) -> str:
        return "scripted-tool-model"


def demo_catalog() -> tuple[str, str]:
    db = tempfile.mkdtemp(prefix="xmr-langchain-")
    ingest(DEMO, db, "demo", vectors={"text": "xmr_agent.testing:FakeEncoder"})
    return db, "demo"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("request", nargs="?", default="a calm piano song under $2")
    parser.add_argument("--db")
    parser.add_argument("--table", default="demo")
    parser.add_argument("--model", default="openai:gpt-4o-mini", help="an init_chat_model spec")
    parser.add_argument("--fake", action="store_true", help="offline: demo catalogue and a scripted model")
    args = parser.parse_args()
    db, table = demo_catalog() if args.fake or not args.db else (args.db, args.table)
    catalog = Catalog.open(db, table)
    for doc in XmrRetriever(catalog=catalog, k=2).invoke(args.request):  # the retriever on its own
        print(f"[retriever] {doc.metadata['score']:.3f} {doc.id} {doc.metadata['title']}")
    if args.fake:
        model: Any = ScriptedToolModel()
    else:
        from langchain.chat_models import init_chat_model

        model = init_chat_model(args.model)
    agent = create_agent(model, make_tools(Agent(catalog)), system_prompt=SYSTEM)
    result = agent.invoke({"messages": [HumanMessage(args.request)]})
    for message in result["messages"]:
        if isinstance(message, ToolMessage):
            print(f"[tool {message.name}] {str(message.content)[:300]}")
    print(result["messages"][-1].content)


if __name__ == "__main__":
    main()
