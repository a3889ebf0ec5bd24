"""The signals an :class:`~xmr_agent.agent.pipeline.Agent` blends with search, and the logs they
are learned from: one settings object for ``xmr ask``, ``xmr chat``, ``xmr serve`` and Python.

* **item graph and popularity** — learned from an interaction log (``{user, item, rating | like,
  time}`` per line: each user's liked items in time order are a session) and/or past dialogues
  (ReDial turn format: ``{dialog_id, turn_id, entity, rec}`` per line, movie names matched
  exactly against the table's titles; each dialogue's items in order are a session);
* **shared metadata** — items sharing rarer list values (director, cast, genre, tags) with the
  items mentioned or liked so far (:mod:`xmr_agent.recommend.attributes`, needs no log);
* **seed vectors** — searching with the stored vectors of those items.

Every weight is 0 (off) by default except the graph's, which only counts when a log is given.
Weights measured on ReDial are in docs/benchmarks.md.

    from xmr_agent.recommend.signals import Signals
    settings = Signals(dialogues="dialogues.jsonl", popularity_weight=4, attribute_weight=4)
    agent = Agent(catalog, **settings.agent_settings(catalog))
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xmr_agent.errors import ConfigError
from xmr_agent.recommend.graph import ItemGraph
from xmr_agent.recommend.profile import log_lines, read_interactions, user_sessions
from xmr_agent.recommend.ranker import Ranker, ranker_path
from xmr_agent.types import BadRecord


@dataclass(frozen=True)
class Signals:
    """Where the item graph is learned from, and the weight of each signal in the fusion."""

    interactions: str | Path | None = None
    dialogues: str | Path | None = None
    graph_weight: float = 1.0
    popularity_weight: float = 0.0
    attribute_weight: float = 0.0
    seed_weight: float = 0.0
    #: A learned ranker file (``xmr train``), ``"auto"``: the table's ``<db>/<table>.ranker.json``
    #: when it exists and logs are given, or ``None``: the weighted fusion.
    ranker: str | Path | None = "auto"

    def __post_init__(self) -> None:
        for name in ("graph_weight", "popularity_weight", "attribute_weight", "seed_weight"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or value < 0:
                raise ConfigError(f"{name} must be a number ≥ 0, got {value!r}")
        if self.popularity_weight and not (self.interactions or self.dialogues):
            raise ConfigError("popularity is learned from logs: give an interaction log or past dialogues with it")

    def graph(self, catalog: Any) -> tuple[ItemGraph | None, list[BadRecord]]:
        """The item graph of the logs (``None`` without logs) and the lines that were skipped."""
        sessions: list[list[str]] = []
        bad: list[BadRecord] = []
        if self.interactions:
            events, bad = read_interactions(self.interactions)
            sessions += user_sessions(events)
        if self.dialogues:
            sessions += dialogue_sessions(self.dialogues, title_index(catalog), bad=bad)
        return (ItemGraph.fit(sessions) if self.interactions or self.dialogues else None), bad

    def agent_settings(self, catalog: Any, *, on_skip: Callable[[BadRecord], Any] | None = None) -> dict[str, Any]:
        """Keyword arguments of :class:`~xmr_agent.agent.pipeline.Agent` for ``catalog``; each log
        line that was skipped goes to ``on_skip``."""
        graph, bad = self.graph(catalog)
        if on_skip is not None:
            for record in bad:
                on_skip(record)
        return {"graph": graph, "graph_weight": self.graph_weight, "popularity_weight": self.popularity_weight,
                "attribute_weight": self.attribute_weight, "seed_weight": self.seed_weight,
                "named_seeds": self.uses_seeds(), "ranker": self.learned_ranker(catalog, graph)}

    def learned_ranker(self, catalog: Any, graph: ItemGraph | None) -> Ranker | None:
        """The ranker to use: the given file, or with ``"auto"`` the table's own when it exists
        (it needs the item graph, so only with logs)."""
        if self.ranker is None or str(self.ranker) == "none":
            return None
        if str(self.ranker) != "auto":
            return Ranker.load(self.ranker)
        path = ranker_path(catalog.uri, catalog.name)
        return Ranker.load(path) if graph is not None and path.is_file() else None

    def uses_seeds(self) -> bool:
        """Whether a signal starts from the items mentioned or liked (the graph, metadata, seeds)."""
        return bool((self.graph_weight and (self.interactions or self.dialogues)) or self.attribute_weight
                    or self.seed_weight)


def title_index(catalog: Any) -> dict[str, list[str]]:
    """Item title → ids (several items may share a title), from the catalogue's table."""
    index: dict[str, list[str]] = {}
    for item_id, title in catalog.titles():
        if title:
            index.setdefault(str(title), []).append(str(item_id))
    return index


def dialogue_sessions(path: str | Path, ids_by_name: Mapping[str, list[str]], *, skip: Iterable[str] = (),
                      bad: list[BadRecord] | None = None) -> list[list[str]]:
    """Past dialogues as sessions: per dialogue, the items in the order they came up (``entity``
    then ``rec``, turn by turn), names mapped by ``ids_by_name``. Dialogues whose id is in
    ``skip`` are left out; a malformed line is appended to ``bad`` (raised when ``bad`` is None)."""
    skipped = {str(s) for s in skip}
    turns: dict[str, list[tuple[int, list[str]]]] = {}
    for n, line in log_lines(path, "dialogues"):
        try:
            turn = json.loads(line)
            dialog = str(turn["dialog_id"])
            names = [str(x) for x in [*turn.get("entity", []), *turn.get("rec", [])]]
            order = int(turn.get("turn_id", 0))
        except (ValueError, TypeError, KeyError, AttributeError) as e:
            reason = f"not a dialogue turn ({type(e).__name__}: {e}); expected dialog_id, turn_id, entity, rec"
            if bad is None:
                raise ConfigError(f"{path}:{n}: {reason}") from e
            bad.append(BadRecord(str(path), n, reason))
            continue
        if dialog not in skipped:
            turns.setdefault(dialog, []).append((order, names))
    sessions = []
    for parts in turns.values():
        names = [name for _, group in sorted(parts, key=lambda p: p[0]) for name in group]
        sessions.append(list(dict.fromkeys(i for name in names for i in ids_by_name.get(name, ()))))
    return sessions
