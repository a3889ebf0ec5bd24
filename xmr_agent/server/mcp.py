"""An MCP server (official ``mcp`` SDK, ``pip install 'xmr-agent[mcp]'``) with the tools
``search``, ``ask``, ``recommend`` and ``describe_item`` over one catalogue.

    xmr mcp --db .xmr --table catalog                        # stdio: for Claude Desktop, IDEs, agents
    xmr mcp --db .xmr --table catalog --transport http       # streamable HTTP on 127.0.0.1:8765/mcp
    python -m xmr_agent.cli mcp --db .xmr --table catalog

An image or a sound is a file path (stdio) or base64 (a ``data:`` URI or bare), written to a
file with a size limit. Over HTTP, paths are read only from the media folder beside the database
and an API key (``X-API-Key`` or ``Authorization: Bearer``) is required off localhost; the key is
checked before a body is read, bodies are limited (16 MB: a 10 MB photo as base64 fits), and a ``Host`` or ``Origin``
that is not the server's own is refused (421 / 403; more names with ``allow_hosts``). Arguments
have the same limits as the HTTP API (text length, ids, the ``where`` grammar of
:mod:`xmr_agent.store.where`). Errors reach the model as tool errors that say what to fix.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field

from xmr_agent.errors import ConfigError, XmrError
from xmr_agent.integrations.cards import answer_card, hit_card
from xmr_agent.integrations.media import media_folder
from xmr_agent.integrations.tools import MAX_IDS, MAX_K, ItemId, Media, Where, Words, XmrTools
from xmr_agent.server.public import redact_all

try:
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError
except ImportError as e:  # pragma: no cover - exercised only without the extra
    raise ImportError("the MCP server needs the MCP SDK 2.x: pip install 'xmr-agent[mcp]'") from e

__all__ = ["build_server", "run_server"]

INSTRUCTIONS = (
    "Tools over a product/media catalogue. Use `ask` for requests in plain words (it understands "
    "prices, years, categories and 'nothing scary'), `search` for raw similarity search (words, a "
    "photo or a spoken clip), `recommend` for more items like ones a user liked, and `describe_item` "
    "for every field of one item. Images and audio: a file path or base64."
)
_MEDIA = "a file path, or the file as base64 (data: URI or bare)"
K = Annotated[int, Field(ge=1, le=MAX_K, description="How many items.")]
Ids = Annotated[list[ItemId] | None, Field(max_length=MAX_IDS)]
Detail = Annotated[Literal["compact", "full"], Field(description="compact: ids, titles, key fields, a one-line reason; "
                                                                    "full: every short field.")]
#: Largest MCP request body over HTTP (a photo as base64 fits).
MAX_MCP_BODY_BYTES = 16 * 1024 * 1024


def build_server(tools: XmrTools, *, name: str = "xmr-agent", hide_paths: bool = False) -> MCPServer:
    """An ``MCPServer`` whose tools call ``tools`` (one catalogue, loaded once). ``hide_paths``: cut
    this machine's file paths in results and errors to their last part (for clients elsewhere)."""
    server: MCPServer = MCPServer(name, instructions=INSTRUCTIONS, log_level="WARNING")
    show: Callable[[Any], Any] = redact_all if hide_paths else (lambda value: value)

    def _run(call: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        return _result(call, show)

    @server.tool(description="Find catalogue items similar to words, a photo or a spoken request.")
    def search(query: Annotated[Words, Field(description="Words to search for.")] = "",
               image: Annotated[Media | None, Field(description=f"A photo: {_MEDIA}.")] = None,
               audio: Annotated[Media | None, Field(description=f"A spoken request: {_MEDIA}.")] = None,
               k: K = 5, where: Annotated[Where | None, Field(description='Filter, e.g. "price < 20": comparisons, '
                                                             'AND/OR/NOT, IN, IS NULL, BETWEEN, LIKE.')] = None,
               hybrid: Annotated[bool, Field(description="Add keyword (full-text) search.")] = False,
               detail: Detail = "compact") -> dict[str, Any]:
        return _run(lambda: {"hits": [hit_card(h, compact=detail == "compact")
                                      for h in tools.search(query, image=image, audio=audio, k=k, where=where,
                                                            hybrid=hybrid)]})

    @server.tool(description="Recommend items for a request in plain words, each with the reason; "
                             "filters such as 'under $20' or 'from the 90s' are understood.")
    def ask(request: Annotated[Words, Field(description="What the user wants, in their words.")] = "",
            image: Annotated[Media | None, Field(description=f"A photo the user shared: {_MEDIA}.")] = None,
            audio: Annotated[Media | None, Field(description=f"A spoken request: {_MEDIA}.")] = None,
            k: K = 5, exclude_ids: Annotated[Ids, Field(description="Item ids not to recommend.")] = None,
            seed_ids: Annotated[Ids, Field(description="Item ids the user mentioned or liked.")] = None,
            detail: Detail = "compact") -> dict[str, Any]:
        return _run(lambda: answer_card(tools.ask(request, image=image, audio=audio, k=k, exclude_ids=exclude_ids or (),
                                                  seed_ids=seed_ids or ()), compact=detail == "compact"))

    @server.tool(description="More items for a user (from the interaction log) or like the given item ids.")
    def recommend(user: Annotated[ItemId | None, Field(description="A user id from the interaction log.")] = None,
                  liked_ids: Annotated[Ids, Field(description="Item ids the user liked.")] = None,
                  k: K = 5, detail: Detail = "compact") -> dict[str, Any]:
        return _run(lambda: answer_card(tools.recommend(user, liked_ids=liked_ids or (), k=k),
                                        compact=detail == "compact"))

    @server.tool(description="Every stored field of one catalogue item.")
    def describe_item(item_id: Annotated[ItemId, Field(description="The item's id.")]) -> dict[str, Any]:
        return _run(lambda: tools.describe_item(item_id))

    if tools.allow_delete:
        @server.tool(description="Remove items from the catalogue for good, by id.")
        def delete_items(item_ids: Annotated[Ids, Field(description="Ids of the items to remove.")] = None,
                         ) -> dict[str, Any]:
            return _run(lambda: {"removed": tools.delete_items(item_ids or [])})

    return server


def _result(call: Callable[[], dict[str, Any]], show: Callable[[Any], Any]) -> dict[str, Any]:
    """The tool's result as JSON-ready data (the SDK sends it as text and as structured content)."""
    try:
        return show(json.loads(json.dumps(call(), ensure_ascii=False, default=str)))
    except XmrError as e:
        raise ToolError(show(f"{type(e).__name__}: {e}")) from e


def run_server(db: str | Path, table: str, *, transport: str = "stdio", host: str = "127.0.0.1",
               port: int = 8765, api_key: str | None = None, llm: str = "none",
               interactions: str | None = None, signals: Any = None,
               notify: Callable[[str], Any] | None = None, allow_hosts: Sequence[str] = (),
               max_body_bytes: int = MAX_MCP_BODY_BYTES, allow_delete: bool = False) -> None:
    """Open the catalogue once, then serve MCP on ``transport`` (``stdio`` or ``http``). ``signals``
    (a :class:`~xmr_agent.recommend.signals.Signals`) gives the agent its item graph and weights.
    Over HTTP, ``allow_hosts`` are names the server answers to besides its address (``*``: any).
    ``allow_delete`` adds the ``delete_items`` tool (off by default)."""
    from xmr_agent.assembly import AgentOptions, build_tools

    if transport not in ("stdio", "http"):
        raise ConfigError(f"transport {transport!r}: expected stdio or http")
    if transport == "http":
        from xmr_agent.server.auth import check_bind

        check_bind(host, api_key)
    roots = None if transport == "stdio" else [media_folder(db)]
    tools = build_tools(db, table, AgentOptions(llm=llm, signals=signals), interactions=interactions,
                        media_roots=roots, notify=notify or (lambda message: print(message, file=sys.stderr)),
                        allow_delete=allow_delete).warm_up()
    server = build_server(tools, hide_paths=transport == "http")
    if transport == "stdio":
        server.run("stdio")
        return
    import uvicorn

    from xmr_agent.server.auth import ApiKeyMiddleware

    inner = server.streamable_http_app(host=host, max_request_body_size=max_body_bytes,
                                       transport_security=transport_security(host, allow_hosts))
    uvicorn.run(ApiKeyMiddleware(inner, api_key=api_key), host=host, port=port, log_level="warning")


def transport_security(host: str, allow_hosts: Sequence[str] = ()) -> Any:
    """The SDK's Host and Origin checks for a server bound to ``host``
    (:func:`~xmr_agent.server.guard.allowed_hosts`); ``None`` (the SDK's default) when any host may be used."""
    from mcp.server.transport_security import TransportSecuritySettings

    from xmr_agent.server.guard import allowed_hosts

    names = allowed_hosts(host, allow_hosts)
    if names is None:
        return None
    netlocs = [f"[{name}]" if ":" in name else name for name in sorted(names)]
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True, allowed_hosts=[*netlocs, *(f"{n}:*" for n in netlocs)],
        allowed_origins=[f"{scheme}://{n}{port}" for n in netlocs for scheme in ("http", "https")
                         for port in ("", ":*")])

