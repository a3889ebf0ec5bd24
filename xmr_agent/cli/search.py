"""``xmr search``: a table searched for words, a photo or a spoken request, by a running
``xmr serve`` when there is one (:mod:`xmr_agent.cli.warm`), else in this process. Heavy modules
are imported only once the command knows it needs them."""

from __future__ import annotations

import json
from typing import Any

import click

from xmr_agent.cli.options import DB_OPTION, TABLE_OPTION
from xmr_agent.cli.warm import NO_SERVER_OPTION, find_server, search_server
from xmr_agent.encoders import DEFAULT_WHISPER


@click.command()
@click.argument("query", required=False)
@DB_OPTION
@TABLE_OPTION
@click.option("--image", type=click.Path(exists=True, dir_okay=False),
              help="Search with a photo instead of words (needs an image vector column).")
@click.option("--audio", type=click.Path(exists=True, dir_okay=False),
              help="Search with a spoken request: it is transcribed (Whisper) and searched as words.")
@click.option("--whisper", default=DEFAULT_WHISPER, show_default=True,
              help="Whisper model for --audio (base, tiny.en for speed, another size, a hub id or a folder).")
@click.option("-k", "--top-k", "k", default=10, show_default=True, type=click.IntRange(1))
@click.option("--where", help="SQL filter on metadata, e.g. \"year > 2000\" or \"array_has(genre, 'comedy')\".")
@click.option("--hybrid", is_flag=True, help="Fuse vector and full-text search (reciprocal rank).")
@click.option("--json", "as_json", is_flag=True, help="Print hits as a JSON list.")
@NO_SERVER_OPTION
def search(query: str | None, db: str, table: str, image: str | None, audio: str | None, whisper: str, k: int,
           where: str | None, hybrid: bool, as_json: bool, no_server: bool) -> None:
    """Search a table for QUERY (words), with --image PATH (a photo) or --audio PATH (a spoken request).
    When `xmr serve` runs for the table, it answers with its loaded models (--no-server: never)."""
    if sum(x is not None for x in (query, image, audio)) != 1:
        raise click.UsageError("give exactly one of QUERY, --image PATH or --audio PATH")
    server = find_server(db, table, no_server=no_server) if audio is None or whisper == DEFAULT_WHISPER else None
    found = search_server(server, query, image=image, audio=audio, k=k, where=where, hybrid=hybrid) if server else None
    if found is not None:
        if found.get("heard"):
            click.echo(f"heard ({found['heard'].get('language')}): {str(found['heard'].get('text', '')).strip()}",
                       err=True)
        _print_hits(found["hits"], as_json)
        return
    from xmr_agent.store.catalog import Catalog

    catalog = Catalog.open(db, table)  # a missing table or a bad filter answers before any model loads
    if where:
        catalog.check_filter(where)
    if audio is not None:
        query = _transcribe(audio, whisper)
    modality = "image" if image else "text"
    hits = catalog.search(query or image or "", k=k, where=where, hybrid=hybrid, modality=modality)
    _print_hits([h.to_dict() for h in hits], as_json)


def _print_hits(hits: list[dict[str, Any]], as_json: bool) -> None:
    """Hits (``Hit.to_dict()``, in-process or from the server) as JSON or a table."""
    if as_json:
        click.echo(json.dumps(hits, ensure_ascii=False, indent=2, default=str))
        return
    from rich.console import Console
    from rich.table import Table

    out = Table("#", "score", "id", "title", "text")
    for rank, hit in enumerate(hits, start=1):
        text = str(hit.get("text") or "")
        if hit.get("matched_keyframe"):
            text = f"[frame at {hit['matched_keyframe']['at']}] {text}"
        out.add_row(str(rank), f"{hit['score']:.3f}", hit["id"], str(hit.get("title") or ""),
                    text[:80] + ("…" if len(text) > 80 else ""))
    Console().print(out)


def _transcribe(path: str, model: str) -> str:
    """A spoken request → its words (Whisper); an empty transcript is an error, not a search for nothing."""
    from xmr_agent.encoders.speech import get_transcriber
    from xmr_agent.errors import ConfigError

    transcript = get_transcriber(model).transcribe(path)
    if not transcript.text.strip():
        raise ConfigError(f"no speech found in {path} (language {transcript.language}, "
                          f"{transcript.duration:.1f} s): nothing to search for")
    click.echo(f"heard ({transcript.language}): {transcript.text.strip()}", err=True)
    return transcript.text
