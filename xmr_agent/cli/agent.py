"""The agent's commands: ``xmr ask`` (one request), ``xmr chat`` (a conversation that remembers)
and ``xmr recommend`` (more for a user, from their interactions). Imports stay inside the
commands so ``xmr --help`` stays fast."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import click

from xmr_agent.cli.options import (
    DB_OPTION,
    LLM_OPTION,
    TABLE_OPTION,
    make_signals,
    signal_options,
    warn,
)
from xmr_agent.cli.warm import NO_SERVER_OPTION, RemoteSession, ask_server, find_server, profile
from xmr_agent.encoders import DEFAULT_WHISPER
from xmr_agent.errors import XmrError


@click.command()
@click.argument("request", required=False, default="")
@DB_OPTION
@TABLE_OPTION
@click.option("--image", type=click.Path(exists=True, dir_okay=False), help="A photo to find items like.")
@click.option("--audio", type=click.Path(exists=True, dir_okay=False),
              help="A spoken request (transcribed with Whisper and added to the words).")
@click.option("--whisper", default=DEFAULT_WHISPER, show_default=True, help="Whisper model for --audio (tiny.en for speed).")
@LLM_OPTION
@click.option("--rerank", default="none", show_default=True, help="none, mmr[:LAMBDA], llm, cross-encoder[:MODEL].")
@click.option("--fusion", type=click.Choice(["relative", "zscore", "rrf"]), default="relative", show_default=True)
@click.option("--prompts", "prompts_path", type=click.Path(exists=True),
              help="YAML file or folder overriding packaged prompts per key.")
@click.option("-k", "--top-k", "k", type=click.IntRange(1, 200), help="How many (default: from the request, else 10).")
@click.option("--llm-explains", default=3, show_default=True, type=click.IntRange(0, 50),
              help="With --llm, how many top results get LLM-worded explanations (others: templates).")
@click.option("--interactions", type=click.Path(exists=True, dir_okay=False),
              help="Interaction log (JSONL: user, item, rating | like, time) to learn which items go together "
                   "and which are popular.")
@signal_options
@click.option("--json", "as_json", is_flag=True, help="Print the answer (query, recommendations, evidence) as JSON.")
@click.option("--trace", is_flag=True, help="Show each step: rewritten query, searches, fusion, rerank, timings.")
@NO_SERVER_OPTION
def ask(request: str, db: str, table: str, image: str | None, audio: str | None, whisper: str, llm_spec: str,
        rerank: str, fusion: str, prompts_path: str | None, k: int | None, llm_explains: int,
        interactions: str | None, dialogues: str | None, graph_weight: float, popularity_weight: float,
        attribute_weight: float, seed_weight: float, as_json: bool, trace: bool, no_server: bool) -> None:
    """Recommend items for REQUEST (words), optionally with --image and/or --audio, and say why.
    When `xmr serve` runs for the table with the same agent options, it answers (--no-server: never)."""
    if not request.strip() and not image and not audio:
        raise click.UsageError("give a REQUEST, --image PATH or --audio PATH")
    server = find_server(db, table, no_server=no_server)
    wanted = profile(llm=llm_spec, rerank=rerank, interactions=interactions, dialogues=dialogues,
                          graph_weight=graph_weight, popularity_weight=popularity_weight,
                          attribute_weight=attribute_weight, seed_weight=seed_weight, ranker=_ranker(),
                          fusion=fusion, prompts=prompts_path, llm_explains=llm_explains, whisper=whisper)
    found = ask_server(server, request, image=image, audio=audio, k=k) if server and server.agent == wanted else None
    if found is not None:
        _show(found, as_json, trace)
        return
    from xmr_agent.assembly import AgentOptions, build_agent, open_catalog

    signals = make_signals(interactions, dialogues, graph_weight, popularity_weight, attribute_weight, seed_weight)
    transcriber = None
    if audio:
        from xmr_agent.encoders.speech import get_transcriber

        model = get_transcriber(whisper)
        transcriber = lambda path: model.transcribe(path).text  # noqa: E731
    options = AgentOptions(llm=llm_spec, reranker=rerank, fusion=fusion, prompts=prompts_path, transcriber=transcriber,
                           llm_explains=llm_explains, signals=signals)
    agent = build_agent(open_catalog(db, table), options, notify=warn)
    _show(agent.ask(request, image=image, audio=audio, k=k).to_dict(), as_json, trace)


def _ranker() -> str:
    return str(click.get_current_context().meta.get("xmr_ranker", "auto"))


def _show(answer: dict[str, Any], as_json: bool, trace: bool) -> None:
    if as_json:
        click.echo(json.dumps(answer, ensure_ascii=False, indent=2, default=str))
    else:
        _print_answer(answer, trace)


def _print_answer(answer: dict[str, Any], trace: bool, console: Any = None) -> None:
    """An answer (``Answer.to_dict()``, in-process or from the server) as a table."""
    from rich.console import Console
    from rich.table import Table

    from xmr_agent.agent.query import CrossModalQuery, describe_query

    console = console or Console()
    query = describe_query(CrossModalQuery.model_validate(answer["query"]))
    console.print(f"[bold]query[/bold]: {query}", markup=True, highlight=False)
    if answer.get("where"):
        console.print(f"[bold]where[/bold]: {answer['where']}", highlight=False)
    if trace:
        for entry in answer.get("trace", []):
            shown = {k: v for k, v in entry.items() if k not in ("step", "seconds")}
            took = f" {entry['seconds'] * 1000:.0f} ms" if "seconds" in entry else ""  # a relaxation is no timed step
            console.print(f"[cyan]{entry['step']}[/cyan]{took} {json.dumps(shown, ensure_ascii=False, default=str)}",
                          highlight=False)
    message = str(answer.get("message") or "")
    for entry in answer.get("trace", []):
        if entry.get("step") == "relax":
            console.print(f"[yellow]{entry['reason']}[/yellow] (dropped: {', '.join(entry['dropped'])})")
            message = re.sub(r"(?:;\s*)+", "; ", message.replace(str(entry["reason"]), "")).strip("; ")  # said once
    if message:
        console.print(message, highlight=False)
    if not answer.get("recommendations"):
        if not answer.get("message"):
            console.print("no items match: try fewer conditions")
        return
    out = Table("#", "score", "id", "title", "why")
    for rec in answer["recommendations"]:
        out.add_row(str(rec["rank"]), f"{rec['score']:.3f}", rec["id"], str(rec["item"].get("title") or ""),
                    rec["explanation"])
    console.print(out)


@click.command()
@DB_OPTION
@TABLE_OPTION
@click.option("--session", "session_id", help="Resume (or start) this session; a new id when omitted.")
@click.option("--sessions", "sessions_dir", help="Folder of saved sessions (default: DB/.sessions).")
@LLM_OPTION
@click.option("--user", help="Blend this user's profile (from --interactions) into every turn.")
@click.option("--interactions", type=click.Path(exists=True, dir_okay=False),
              help="Interaction log (JSONL: user, item, rating | like, time): which items go together and which "
                   "are popular, and --user's profile.")
@signal_options
@click.option("-k", "--top-k", "k", default=5, show_default=True, type=click.IntRange(1, 50))
@click.option("--json", "as_json", is_flag=True, help="One JSON answer per line (for scripts).")
@NO_SERVER_OPTION
def chat(db: str, table: str, session_id: str | None, sessions_dir: str | None, llm_spec: str, user: str | None,
         interactions: str | None, dialogues: str | None, graph_weight: float, popularity_weight: float,
         attribute_weight: float, seed_weight: float, k: int, as_json: bool, no_server: bool) -> None:
    """Talk with the recommender. Lines are messages; /like N, /dislike N, /image PATH,
    /audio PATH (attach to the next message), /state, /quit. Reads stdin when it is not a terminal.
    When `xmr serve` runs for the table with the same agent options and sessions folder, the
    conversation is held there (--no-server: never)."""
    from rich.console import Console

    session: Any = None
    if not user and (sessions_dir is None or "://" in db or Path(sessions_dir).resolve() == Path(db, ".sessions").resolve()):
        server = find_server(db, table, no_server=no_server)
        wanted = profile(llm=llm_spec, interactions=interactions, dialogues=dialogues, graph_weight=graph_weight,
                              popularity_weight=popularity_weight, attribute_weight=attribute_weight,
                              seed_weight=seed_weight, ranker=_ranker())
        if server is not None and server.agent == wanted:
            session = RemoteSession.open(server, session_id, k)
    if session is None:
        signals = make_signals(interactions, dialogues, graph_weight, popularity_weight, attribute_weight, seed_weight)
        session = _open_session(db, table, session_id, sessions_dir, llm_spec, user, signals, k)
    console = Console()
    if not as_json:
        console.print(f"session [bold]{session.state.id}[/bold] on table {table!r} "
                      f"({len(session.state.turns) // 2} earlier turns); /quit to leave", highlight=False)
    pending: list[str] = []
    for line in _lines(console):
        message = line.strip()
        if not message:
            continue
        if message.startswith("/"):
            if _command(session, message, pending, console, as_json) == "quit":
                break
            continue
        try:
            answer = session.send(message, attachments=pending)
        except XmrError as e:  # a turn that fails says why; the session goes on
            console.print(f"[red]{e}[/red]", highlight=False)
            continue
        finally:
            pending = []
        answer = answer if isinstance(answer, dict) else answer.to_dict()
        if as_json:
            click.echo(json.dumps(answer, ensure_ascii=False, default=str))
        else:
            _print_answer(answer, trace=False, console=console)


@click.command()
@DB_OPTION
@TABLE_OPTION
@click.option("--user", required=True, help="The user to recommend for.")
@click.option("--interactions", required=True, type=click.Path(exists=True, dir_okay=False),
              help="Interaction log, JSONL: {user, item, rating | like, time}.")
@click.option("-k", "--top-k", "k", default=10, show_default=True, type=click.IntRange(1, 200))
@click.option("--json", "as_json", is_flag=True)
def recommend(db: str, table: str, user: str, interactions: str, k: int, as_json: bool) -> None:
    """More for this user, with no query: their profile (liked items' vectors per modality, by
    rating and recency) and items liked together by others; popular items for a new user."""
    from xmr_agent.agent.users import recommend_for_user
    from xmr_agent.assembly import build_agent, open_catalog
    from xmr_agent.recommend.profile import read_interactions

    events, bad = read_interactions(interactions)
    for record in bad:
        click.secho(f"skipped {record}", fg="yellow", err=True)
    answer = recommend_for_user(build_agent(open_catalog(db, table)), events, user, k=k)
    if as_json:
        click.echo(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2, default=str))
    else:
        _print_answer(answer.to_dict(), trace=False)


def _open_session(db: str, table: str, session_id: str | None, sessions_dir: str | None, llm_spec: str,
                  user: str | None, signals: Any, k: int) -> Any:
    from xmr_agent.agent.session import Session, SessionStore
    from xmr_agent.assembly import AgentOptions, build_agent, open_catalog

    interactions = signals.interactions
    if user and not interactions:
        raise click.UsageError("--user needs --interactions (the log the user's profile is read from)")
    folder = sessions_dir or (str(Path(db) / ".sessions") if "://" not in db else ".xmr-sessions")
    profile = None
    if user and interactions:
        from xmr_agent.agent.users import profile_query
        from xmr_agent.recommend.profile import read_interactions

        profile = profile_query(read_interactions(interactions)[0], user)
    agent = build_agent(open_catalog(db, table), AgentOptions(llm=llm_spec, signals=signals), notify=warn)
    return Session.open(agent, session_id, store=SessionStore(folder), k=k, profile=profile)


def _lines(console: Any) -> Any:
    if not sys.stdin.isatty():
        yield from sys.stdin
        return
    while True:
        try:
            yield console.input("[bold green]you>[/bold green] ")
        except (EOFError, KeyboardInterrupt):
            return


def _command(session: Any, message: str, pending: list[str], console: Any, as_json: bool = False) -> str | None:
    name, _, arg = message.partition(" ")
    if name in ("/quit", "/exit"):
        return "quit"
    if name in ("/like", "/dislike"):
        last = session.state.last
        if not arg.strip().isdigit() or not 1 <= int(arg) <= len(last):
            console.print(f"{name} N: N is a number shown in the last list (1–{len(last)})")
            return None
        session.feedback(last[int(arg) - 1], liked=name == "/like")
        console.print(f"{name[1:]}d {last[int(arg) - 1]}")
    elif name in ("/image", "/audio"):
        if not Path(arg.strip()).is_file():
            console.print(f"no file {arg.strip()!r}")
            return None
        pending.append(arg.strip())
        console.print(f"attached {arg.strip()} to your next message")
    elif name == "/state" and as_json:  # one JSON object per line, as the answers
        click.echo(session.state.model_dump_json(exclude={"turns"}))
    elif name == "/state":
        console.print_json(session.state.model_dump_json(exclude={"turns"}))
    else:
        console.print("commands: /like N, /dislike N, /image PATH, /audio PATH, /state, /quit")
    return None
