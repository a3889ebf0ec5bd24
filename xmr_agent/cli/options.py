"""Options shared by several ``xmr`` commands."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

import click

#: Exit status when some records or rows were skipped (each is listed on stderr).
EXIT_SKIPPED = 3

DB_OPTION = click.option(
    "--db", envvar="XMR_DB", default=".xmr", show_default=True, help="LanceDB folder or URI (env XMR_DB)."
)
TABLE_OPTION = click.option(
    "--table", envvar="XMR_TABLE", default="catalog", show_default=True, help="Table name (env XMR_TABLE)."
)
LLM_OPTION = click.option(
    "--llm", "llm_spec", envvar="XMR_LLM", default="none", show_default=True,
    help="LLM: none, local, local:PATH.gguf, openai:MODEL[@URL], ollama:MODEL (env XMR_LLM).",
)


def engine_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--engine``, ``--address`` and ``--actors`` (read them with :func:`make_engine`)."""
    for option in reversed((
        click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
                     help="Encode in this process, or on a Ray cluster (pip install 'xmr-agent[ray]'; docs/scale.md)."),
        click.option("--address", envvar="RAY_ADDRESS", metavar="ADDR",
                     help="--engine ray: the cluster (auto, ray://HOST:10001, HOST:PORT; env RAY_ADDRESS); "
                          "default: a local Ray runtime for this run."),
        click.option("--actors", type=click.IntRange(1), help="--engine ray: encoder actors per vector column "
                                                              "(default: the cluster's GPUs, else CPUs, shared)."),
    )):
        command = option(command)
    return command


def make_engine(engine: str, address: str | None, actors: int | None) -> Any:
    """The engine named by the options of :func:`engine_options`."""
    if engine != "ray":
        return engine
    from xmr_agent.ingestion.ray import RayEngine

    return RayEngine(address=address, actors=actors)


def keyframe_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--keyframe-every``, ``--max-keyframes`` and ``--scene-change`` (read them with :func:`make_keyframes`)."""
    for option in reversed((
        click.option("--keyframe-every", default=5.0, show_default=True, type=click.FloatRange(0, min_open=True),
                     metavar="SECONDS", help="Videos: embed one frame every SECONDS with the image encoder(s) and "
                                             "tagger (the soundtrack is transcribed with --transcribe)."),
        click.option("--max-keyframes", default=32, show_default=True, type=click.IntRange(1),
                     help="Videos: at most this many keyframes each (a longer video gets them evenly spread)."),
        click.option("--scene-change", is_flag=True, help="Videos: also take the first frame after each scene change."),
    )):
        command = option(command)
    return command


def make_keyframes(every: float, max_frames: int, scene: bool) -> Any:
    from xmr_agent.media.video import Keyframes

    return Keyframes(every=every, max_frames=max_frames, scene=scene)


def signal_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--dialogues`` and the weights of the recommender's signals (read them with :func:`make_signals`,
    together with the command's own ``--interactions``)."""
    weight = click.FloatRange(0)
    for option in reversed((
        click.option("--dialogues", type=click.Path(exists=True, dir_okay=False),
                     help="Past dialogues (JSONL, ReDial turns: dialog_id, turn_id, entity, rec; names matched "
                          "against titles) to learn which items go together and which are popular."),
        click.option("--graph-weight", default=1.0, show_default=True, type=weight,
                     help="Weight of items that went together with those mentioned or liked so far "
                          "(learned from --interactions / --dialogues)."),
        click.option("--popularity-weight", default=0.0, show_default=True, type=weight,
                     help="Weight of popularity in those logs, lifted for items meeting the request's preferences."),
        click.option("--attribute-weight", default=0.0, show_default=True, type=weight,
                     help="Weight of items sharing metadata (director, cast, genre, tags...) with those mentioned "
                          "or liked so far, rarer values counting more."),
        click.option("--seed-weight", default=0.0, show_default=True, type=weight,
                     help="Weight of searching with the stored vectors of the items mentioned or liked so far."),
        click.option("--ranker", default="auto", show_default=True, expose_value=False, callback=_keep_ranker,
                     help="Learned ranker (a file from `xmr train`): auto = <db>/<table>.ranker.json when it exists "
                          "and logs are given (then the weights above are not used); none = weighted fusion."),
    )):
        command = option(command)
    return command


def _keep_ranker(ctx: click.Context, _: Any, value: str) -> str:
    ctx.meta["xmr_ranker"] = value
    return value


def make_signals(interactions: str | None, dialogues: str | None, graph_weight: float, popularity_weight: float,
                 attribute_weight: float, seed_weight: float) -> Any:
    from xmr_agent.errors import ConfigError
    from xmr_agent.recommend.signals import Signals

    try:
        return Signals(interactions=interactions, dialogues=dialogues, graph_weight=graph_weight,
                       popularity_weight=popularity_weight, attribute_weight=attribute_weight,
                       seed_weight=seed_weight, ranker=click.get_current_context().meta.get("xmr_ranker", "auto"))
    except ConfigError as e:
        raise click.UsageError(str(e)) from e


def warn(message: str) -> None:
    """A warning (or a skipped log line) on stderr."""
    click.secho(message, fg="yellow", err=True)


def pairs(values: tuple[str, ...], option: str) -> dict[str, str]:
    """``("a=b", ...)`` → ``{"a": "b"}``; a value without ``=`` is a usage error."""
    found = {}
    for value in values:
        key, sep, name = value.partition("=")
        if not sep or not key.strip() or not name.strip():
            raise click.BadParameter(f"expected NAME=VALUE, got {value!r}", param_hint=option)
        found[key.strip()] = name.strip()
    return found


def encoder_pairs(values: tuple[str, ...]) -> dict[str, str | list[str]]:
    """``--encoder`` values → field → encoder; a field named twice gets a vector column per encoder
    (``text=text text=e5-multilingual``: each request searched by the one for its language)."""
    found: dict[str, str | list[str]] = {}
    for value in values:
        for field, name in pairs((value,), "--encoder").items():
            before = found.get(field)
            found[field] = name if before is None else [*([before] if isinstance(before, str) else before), name]
    return found


def finish(skipped: Sequence[Any], summary: dict[str, Any], report: str | None) -> None:
    """List what was skipped on stderr, write ``summary`` as JSON to ``report``, and exit with
    :data:`EXIT_SKIPPED` when something was skipped."""
    for bad in skipped:
        click.secho(f"skipped {bad}", fg="yellow", err=True)
    if report:
        with open(report, "w", encoding="utf-8") as f:
            json.dump(summary, f, indent=2)
    if skipped:
        sys.exit(EXIT_SKIPPED)
