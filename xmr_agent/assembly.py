"""The one place that turns options into a working whole: catalogue → signals → agent → tools.

Every surface calls it — ``xmr ask`` / ``chat`` / ``recommend``, ``xmr serve``, ``xmr mcp``, the
LangChain and LlamaIndex adapters, and Python — so a request behaves the same everywhere: the
same signals learned from the same logs, the same items named by title becoming seeds, the same
warning when the logs name no item of the table.

    from xmr_agent.assembly import AgentOptions, build_tools
    tools = build_tools(".xmr", "catalog", AgentOptions(llm="none", signals=Signals(dialogues="d.jsonl")))
    tools.ask("something like Alien (1979)")
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xmr_agent.types import BadRecord

if TYPE_CHECKING:
    from xmr_agent.agent.pipeline import Agent
    from xmr_agent.integrations.tools import XmrTools
    from xmr_agent.recommend.profile import Interaction
    from xmr_agent.recommend.signals import Signals
    from xmr_agent.store.catalog import Catalog

#: Where warnings and skipped log lines go (the CLI prints them on stderr).
Notify = Callable[[str], Any]


@dataclass(frozen=True)
class AgentOptions:
    """How the agent is set up; the defaults are those of ``xmr ask`` with no flags.

    ``llm``: an LLM instance or a spec (``none``, ``local``, ``openai:MODEL``, ...); ``reranker``:
    ``none``, ``mmr[:LAMBDA]``, ``llm``, ...; ``prompts``: a YAML file or folder of overrides;
    ``transcriber``: audio path → words (Whisper ``base`` when ``None``); ``signals``: the logs
    and weights of the recommender's signals; ``translate``: the LLM that reads requests in
    another language than the catalogue's (``auto``: the offline Qwen2.5-Coder-1.5B when it is
    installed; ``none``; or an LLM spec such as ``openai:MODEL``), by default ``$XMR_TRANSLATE``
    or ``auto``.
    """

    llm: Any = None
    reranker: str | None = None
    fusion: str = "relative"
    prompts: str | Path | None = None
    transcriber: Callable[[str], str] | None = None
    llm_explains: int = 5
    signals: Signals | None = None
    extra: dict[str, Any] = field(default_factory=dict)  #: other Agent settings (e.g. hard_categories)
    translate: Any = field(default_factory=lambda: os.environ.get("XMR_TRANSLATE") or "auto")


def open_catalog(db: str | Path, table: str) -> Catalog:
    """The catalogue table (its encoders come back from the table's metadata)."""
    from xmr_agent.store.catalog import Catalog

    return Catalog.open(db, table)


def build_agent(catalog: Catalog, options: AgentOptions | None = None, *, notify: Notify | None = None) -> Agent:
    """The agent over ``catalog``; skipped log lines and warnings go to ``notify``."""
    from xmr_agent.agent.pipeline import Agent
    from xmr_agent.agent.translate import Translator
    from xmr_agent.llm import get_llm, translator_llm
    from xmr_agent.prompts import Prompts

    options = options or AgentOptions()
    llm = get_llm(options.llm) if isinstance(options.llm, str) or options.llm is None else options.llm
    prompts = Prompts.load(options.prompts) if options.prompts else None
    reader = translator_llm(options.translate) if isinstance(options.translate, str | None) else options.translate
    translator = Translator(reader, prompts=prompts) if reader is not None else None
    return Agent(catalog, llm=llm, reranker=options.reranker, fusion=options.fusion,  # type: ignore[arg-type]
                 prompts=prompts, transcriber=options.transcriber, llm_explains=options.llm_explains,
                 translator=translator, **signal_settings(options.signals, catalog, notify), **options.extra)


def signal_settings(signals: Signals | None, catalog: Catalog, notify: Notify | None = None) -> dict[str, Any]:
    """The :class:`~xmr_agent.agent.pipeline.Agent` settings of ``signals`` for ``catalog``."""
    if signals is None:
        return {}

    def skipped(record: BadRecord) -> None:
        if notify is not None:
            notify(f"skipped {record}")

    settings = signals.agent_settings(catalog, on_skip=skipped)
    graph = settings["graph"]
    if graph is not None and notify is not None and not _names_an_item(graph, catalog):
        notify(f"warning: the logs name no item of table {catalog.name!r} (ids for --interactions, titles for "
               "--dialogues), so they add nothing")
    return settings


def _names_an_item(graph: Any, catalog: Catalog) -> bool:
    """Whether the logs' item graph holds at least one id of the table."""
    if not len(graph):
        return False
    ids = catalog.scan(["id"])["id"].to_pylist()
    return any(i in graph.counts for i in ids)


def build_tools(target: str | Path | Catalog | Agent, table: str | None = None, options: AgentOptions | None = None,
                *, interactions: str | Path | Sequence[Interaction] | None = None,
                media_roots: Sequence[str | Path] | None = None, notify: Notify | None = None,
                previous: XmrTools | None = None, allow_delete: bool = False) -> XmrTools:
    """The tools every surface serves, over a database and table, a catalogue, or an agent.

    ``interactions`` lets ``recommend`` take a user id; ``media_roots`` limits the folders image
    and audio paths may come from (``None``: any). ``previous`` tools lend their loaded encoders
    (a server reopening its table after a write). ``allow_delete`` offers the delete tool.
    """
    from xmr_agent.agent.pipeline import Agent
    from xmr_agent.integrations.tools import XmrTools

    if isinstance(target, Agent):
        agent = target
    else:
        catalog = target if not isinstance(target, str | Path) else open_catalog(target, _table(table))
        if previous is not None:
            reuse_encoders(catalog, previous.catalog)
        agent = build_agent(catalog, options, notify=notify)
    if interactions is None and options is not None and options.signals is not None:
        interactions = options.signals.interactions
    return XmrTools(agent, interactions=interactions, media_roots=media_roots, allow_delete=allow_delete)


def reuse_encoders(catalog: Catalog, previous: Catalog) -> None:
    """Search ``catalog`` with the encoders (and loaded models) of ``previous`` where columns match."""
    for column in catalog.vectors.keys() & previous.vectors.keys():
        catalog.use_encoder(column, previous.encoder(column))


def _table(table: str | None) -> str:
    if not table:
        from xmr_agent.errors import ConfigError

        raise ConfigError("a table name is needed with a database path")
    return table
