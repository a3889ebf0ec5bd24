"""Talk to xmr-agent's MCP server with the official MCP SDK client: list the tools, call them.

    python examples/mcp_client.py --demo                                  # offline: demo catalogue, stdio
    python examples/mcp_client.py --db .xmr --table demo "a calm piano song under \\$2"
    python examples/mcp_client.py --url http://127.0.0.1:8765/mcp --api-key KEY "calm piano"

Over stdio the server is spawned as ``python -m xmr_agent.cli mcp --db DB --table T``
(the same as ``xmr mcp``); with ``--url`` it connects to ``xmr mcp --transport http``.
``--demo`` ingests the demo catalogue with the hash-based FakeEncoder into a temporary folder.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from mcp import ClientSession, StdioServerParameters, stdio_client

DEMO = Path(__file__).parent / "demo" / "catalog.jsonl"


@asynccontextmanager
async def connect(args: argparse.Namespace) -> Any:
    if args.url:
        import httpx2
        from mcp.client.streamable_http import streamable_http_client

        headers = {"X-API-Key": args.api_key} if args.api_key else {}
        async with httpx2.AsyncClient(headers=headers) as http, streamable_http_client(args.url, http_client=http) as (
            read, write, *_
        ), ClientSession(read, write) as session:
            yield session
        return
    server = StdioServerParameters(command=sys.executable, args=["-m", "xmr_agent.cli", "mcp", "--db", args.db,
                                                                 "--table", args.table], env={"HF_HUB_OFFLINE": "1"})
    async with stdio_client(server) as (read, write), ClientSession(read, write) as session:
        yield session


async def main(args: argparse.Namespace) -> None:
    async with connect(args) as session:
        await session.initialize()
        listed = await session.list_tools()
        print("tools:", ", ".join(t.name for t in listed.tools))
        found = await session.call_tool("search", {"query": args.request, "k": 3})
        for hit in found.structured_content["hits"]:
            print(f"search  {hit['score']:.3f} {hit['id']} {hit['title']}")
        asked = await session.call_tool("ask", {"request": args.request, "k": 3})
        answer = asked.structured_content
        print(f"ask     where {answer['where']}")
        for rec in answer["recommendations"]:
            print(f"ask     {rec['rank']}. {rec['id']} {rec['title']} — {rec['why']}")
        missing = await session.call_tool("describe_item", {"item_id": "no-such-item"})
        print(f"error   {missing.is_error}: {missing.content[0].text}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("request", nargs="?", default="a calm piano song under $2")
    parser.add_argument("--db")
    parser.add_argument("--table", default="demo")
    parser.add_argument("--url", help="a streamable-HTTP MCP endpoint instead of spawning a stdio server")
    parser.add_argument("--api-key")
    parser.add_argument("--demo", action="store_true", help="offline: ingest the demo catalogue (FakeEncoder)")
    options = parser.parse_args()
    if options.demo or not (options.db or options.url):
        from xmr_agent import ingest

        options.db = tempfile.mkdtemp(prefix="xmr-mcp-")
        ingest(DEMO, options.db, options.table, vectors={"text": "xmr_agent.testing:FakeEncoder"})
    asyncio.run(main(options))
