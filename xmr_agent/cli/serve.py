"""``xmr serve`` (the HTTP API) and ``xmr mcp`` (an MCP server). Frameworks are imported inside
the commands, so ``xmr --help`` stays fast."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from xmr_agent.cli.options import (
    DB_OPTION,
    LLM_OPTION,
    TABLE_OPTION,
    make_signals,
    signal_options,
    warn,
)
from xmr_agent.cli.warm import profile
from xmr_agent.errors import XmrError

if TYPE_CHECKING:
    from xmr_agent.server.retention import Retention

API_KEY_OPTION = click.option("--api-key", envvar="XMR_API_KEY", help="Require this key (X-API-Key or "
                              "Authorization: Bearer); needed to listen beyond 127.0.0.1 (env XMR_API_KEY).")
ALLOW_HOST_OPTION = click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME",
                                 help="Another name this server answers to in the Host header (repeatable; '*': "
                                      "any). By default: its address, and the loopback names for a local server.")
INTERACTIONS_OPTION = click.option("--interactions", type=click.Path(exists=True, dir_okay=False),
                                   help="Interaction log (JSONL: user, item, rating | like, time) so `recommend` "
                                        "can take a user id; the agent learns from it which items go together.")


@click.command()
@DB_OPTION
@TABLE_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@API_KEY_OPTION
@LLM_OPTION
@click.option("--rerank", default="none", show_default=True, help="none, mmr[:LAMBDA], llm, cross-encoder[:MODEL].")
@click.option("--max-body-mb", default=10.0, show_default=True, type=click.FloatRange(0.1),
              help="Largest request body (413 above it).")
@INTERACTIONS_OPTION
@signal_options
@click.option("--torch-threads", default=1, show_default=True, type=click.IntRange(0),
              help="Threads per query for torch encoders (requests already run in parallel); 0: torch's default.")
@click.option("--media-root", "media_roots", multiple=True, type=click.Path(exists=True, file_okay=False),
              help="Folder whose files the web chat may show (items' images, audio, video). Repeatable; "
                   "default: the current folder. The media folder beside the database is always allowed.")
@click.option("--web/--no-web", default=True, show_default=True, help="Serve the chat page at /.")
@ALLOW_HOST_OPTION
@click.option("--allow-origin", "allow_origins", multiple=True, metavar="URL",
              help="Another site (scheme://host[:port]) whose pages may send requests that change data (repeatable).")
@click.option("--query-timeout", default=30.0, show_default=True, type=click.FloatRange(0.1),
              help="Seconds one search may run in LanceDB before it is stopped (503).")
@click.option("--keep", "keep", multiple=True, metavar="WHAT=N",
              help="How long and how much to keep: upload_days, upload_mb, session_days, session_mb "
                   "(e.g. --keep upload_days=1 --keep session_mb=100; defaults 7 days / 1024 MB, 30 days / 256 MB).")
@click.option("--batch-window-ms", default=4.0, show_default=True, type=click.FloatRange(0),
              envvar="XMR_BATCH_WINDOW_MS",
              help="Encode the queries of concurrent requests together when they come within this many "
                   "milliseconds; 0: one at a time (env XMR_BATCH_WINDOW_MS).")
@click.option("--max-batch", default=32, show_default=True, type=click.IntRange(1), help="Most queries in one batch.")
@click.option("--threads", default=16, show_default=True, type=click.IntRange(1),
              help="Worker threads for the blocking work (encoding, LanceDB, the agent).")
@click.option("--queue", default=256, show_default=True, type=click.IntRange(0),
              help="Requests that may wait for a worker; beyond them the server answers 503 with Retry-After.")
def serve(db: str, table: str, host: str, port: int, api_key: str | None, llm_spec: str, rerank: str,
          max_body_mb: float, interactions: str | None, dialogues: str | None, graph_weight: float,
          popularity_weight: float, attribute_weight: float, seed_weight: float, torch_threads: int,
          media_roots: tuple[str, ...], web: bool, allow_hosts: tuple[str, ...], allow_origins: tuple[str, ...],
          query_timeout: float, keep: tuple[str, ...], batch_window_ms: float, max_batch: int, threads: int,
          queue: int) -> None:
    """Serve the catalogue over HTTP: a web chat at /, and /search, /ask, /chat/{session}, /items
    (docs at /docs). While it runs, `xmr search`, `xmr ask` and `xmr chat` on this machine send
    their requests here instead of loading the models themselves (DB/.xmr-server.json)."""
    try:
        import uvicorn

        from xmr_agent.server.app import create_app
    except ImportError as e:
        raise click.ClickException(f"{e}. Install the extra: pip install 'xmr-agent[serve]'") from e
    from xmr_agent.llm import get_llm
    from xmr_agent.server import announce
    from xmr_agent.server.auth import check_bind

    check_bind(host, api_key)
    token = announce.local_token()
    retention = _retention(keep)
    signals = make_signals(interactions, dialogues, graph_weight, popularity_weight, attribute_weight, seed_weight)
    app = create_app(db, table, api_key=api_key, llm=get_llm(llm_spec), reranker=rerank,
                     max_body_bytes=int(max_body_mb * 1024 * 1024), interactions=interactions,
                     torch_threads=torch_threads or None, web=web, media_roots=list(media_roots) or None,
                     signals=signals, notify=warn, host=host, allow_hosts=allow_hosts, allow_origins=allow_origins,
                     retention=retention, query_timeout=query_timeout, batch_window_ms=batch_window_ms,
                     max_batch=max_batch, threads=threads, queue=queue, local_token=token)
    if web:
        from xmr_agent.server.web import media_outside

        service = app.state.service
        outside = media_outside(service.tools.catalog, [*(media_roots or [Path.cwd()]), service.media])
        if outside:
            folders = sorted({str(Path(p).parent) for p in outside})
            click.echo(f"warning: {len(outside)} media files of this catalogue lie outside the web chat's media "
                       f"roots, so the page will not show them; add e.g. --media-root {folders[0]}"
                       f"{f' (and {len(folders) - 1} other folders)' if len(folders) > 1 else ''}", err=True)
    click.echo(f"serving table {table!r} of {db} on http://{host}:{port} ({'chat: /, ' if web else ''}docs: /docs)"
               f"{'' if api_key else '; no API key: local use only'}", err=True)
    agent = profile(llm=llm_spec, rerank=rerank, interactions=interactions, dialogues=dialogues,
                         graph_weight=graph_weight, popularity_weight=popularity_weight,
                         attribute_weight=attribute_weight, seed_weight=seed_weight,
                         ranker=str(click.get_current_context().meta.get("xmr_ranker", "auto")))
    notice = {"pid": os.getpid(), "tables": [table], "auth": "api-key" if api_key else None, "local_token": token,
              "agent": agent}
    # Keep idle connections longer than uvicorn's 5 s: under load a pooled client may reuse one just as
    # the server closes it, which the client sees as a dropped connection.
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", timeout_keep_alive=30)
    try:
        _run_announced(config, db, notice)
    finally:
        announce.remove(db, os.getpid())
        app.state.workers.shutdown()


def _run_announced(config: Any, db: str, notice: dict[str, Any]) -> None:
    """Run uvicorn; once it listens, write the announcement (DB/.xmr-server.json), and remove it
    as the server stops (:mod:`xmr_agent.server.announce`)."""
    import uvicorn

    from xmr_agent.server import announce

    class AnnouncingServer(uvicorn.Server):
        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets=sockets)
            if self.should_exit or not self.servers:
                return
            address = self.servers[0].sockets[0].getsockname()
            host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(address[0], address[0])
            url = f"http://{f'[{host}]' if ':' in host else host}:{address[1]}"
            announce.write(db, {"url": url, **notice})

        async def shutdown(self, sockets: Any = None) -> None:
            announce.remove(db, os.getpid())
            await super().shutdown(sockets=sockets)

    AnnouncingServer(config).run()


def _retention(keep: tuple[str, ...]) -> Retention:
    """``--keep WHAT=N`` options → a :class:`~xmr_agent.server.retention.Retention`."""
    from pydantic import ValidationError

    from xmr_agent.server.retention import Retention

    values: dict[str, str] = {}
    for option in keep:
        name, equals, value = option.partition("=")
        if not equals or name.strip() not in Retention.model_fields or name.strip() == "every_s":
            raise click.BadParameter(f"{option!r}: expected WHAT=N with WHAT one of upload_days, upload_mb, "
                                     "session_days, session_mb", param_hint="--keep")
        values[name.strip()] = value.strip()
    try:
        return Retention.model_validate(values)
    except ValidationError as e:
        problems = "; ".join(f"{err['loc'][0]}: {err['msg']}" for err in e.errors())
        raise click.BadParameter(problems, param_hint="--keep") from None


@click.command("mcp")
@DB_OPTION
@TABLE_OPTION
@click.option("--transport", type=click.Choice(["stdio", "http"]), default="stdio", show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface for --transport http.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535),
              help="Port for --transport http (endpoint /mcp).")
@API_KEY_OPTION
@LLM_OPTION
@INTERACTIONS_OPTION
@signal_options
@ALLOW_HOST_OPTION
@click.option("--allow-delete", is_flag=True, help="Offer the delete_items tool (off by default: a model could "
                                                   "remove items for good).")
def mcp_command(db: str, table: str, transport: str, host: str, port: int, api_key: str | None, llm_spec: str,
                interactions: str | None, dialogues: str | None, graph_weight: float, popularity_weight: float,
                attribute_weight: float, seed_weight: float, allow_hosts: tuple[str, ...], allow_delete: bool) -> None:
    """Serve the catalogue as an MCP server: tools search, ask, recommend, describe_item (and
    delete_items with --allow-delete)."""
    try:
        from xmr_agent.server.mcp import run_server
    except ImportError as e:
        raise click.ClickException(f"{e}") from e
    signals = make_signals(interactions, dialogues, graph_weight, popularity_weight, attribute_weight, seed_weight)
    try:
        run_server(db, table, transport=transport, host=host, port=port, api_key=api_key, llm=llm_spec,
                   interactions=interactions, signals=signals, notify=warn, allow_hosts=allow_hosts,
                   allow_delete=allow_delete)
    except XmrError as e:  # also when run as `python -m xmr_agent.cli mcp`, outside the xmr group
        click.secho(f"error: {e}", fg="red", err=True)
        sys.exit(1)
