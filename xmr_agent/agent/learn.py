"""The learned ranker in the agent: rank the union of the candidate lists by a
:class:`~xmr_agent.recommend.ranker.Ranker`, and train one from past dialogues.

Training (``xmr train``): the dialogues are split into folds by dialogue id; each fold's turns
get their candidates and features from an item graph learned on the *other* folds, so that no
turn is featurised with a graph that saw its own dialogue (which would make the graph look far
better than it is on new conversations). A candidate is positive when the recommender gave it
in that turn. The ranker file holds the feature list and a summary of the training data.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from xmr_agent.agent.critique import tone
from xmr_agent.agent.filters import satisfies
from xmr_agent.agent.query import CrossModalQuery
from xmr_agent.errors import ConfigError
from xmr_agent.recommend.features import FEATURES, candidate_features
from xmr_agent.recommend.graph import ItemGraph
from xmr_agent.recommend.ranker import DEFAULT_C, Ranker
from xmr_agent.recommend.signals import dialogue_sessions, title_index
from xmr_agent.types import Hit

#: Dialogue turns (most recent last) that make up a request, as in ``xmr eval``.
CONTEXT_TURNS = 3
FOLDS = 2
_SENTENCES = re.compile(r"(?<=[.!?])\s+|\s*\n\s*")


def sentiment(agent: Any, text: str, seeds: Sequence[str]) -> tuple[list[str], list[str]]:
    """The seeds the request speaks well of and ill of: the tone of each sentence naming them."""
    liked: list[str] = []
    disliked: list[str] = []
    known = set(seeds)
    for sentence in _SENTENCES.split(text):
        named = [i for i in agent.titles().find(sentence) if i in known]
        if named:
            mood = tone(sentence)
            (liked if mood == "like" else disliked if mood == "dislike" else []).extend(named)
    return liked, disliked


def learned_ranking(agent: Any, lists: Sequence[Any], query: CrossModalQuery, where: str | None,
                    request: str = "") -> list[Hit]:
    """The candidates of ``lists`` (and two-hop links) ranked by ``agent.ranker``."""
    seeds = list(query.seed_ids)
    liked, disliked = sentiment(agent, request, seeds) if request and seeds else ([], [])
    ids, x, hits = candidate_features(lists, graph=agent.graph, seeds=seeds, exclude=query.exclude_ids,
                                      liked=liked, disliked=disliked)
    missing = [i for i in ids if i not in hits]
    if missing:  # two-hop-only candidates: fetched through the hard filters
        rows = {row["id"]: row for row in agent.catalog.get(missing, where=where)}
        hits.update({i: Hit(i, 0.0, rows[i], {"two_hop": 0.0}) for i in missing if i in rows})
    keep = [n for n, i in enumerate(ids) if i in hits]
    ids, x = [ids[n] for n in keep], x[keep]
    soft = [f for f in query.filters if not f.hard]
    if soft and len(ids):
        met = [sum(satisfies(hits[i].item, f) for f in soft) if hits[i].item else 0 for i in ids]
        x[:, FEATURES.index("soft_met")] = met
    scores = agent.ranker.score(x)
    order = np.argsort(-scores, kind="stable")
    return [Hit(ids[n], float(scores[n]), hits[ids[n]].item, dict(hits[ids[n]].scores)) for n in order]


@dataclass(frozen=True)
class Turn:
    """One recommendation turn of a past dialogue: the request, the items mentioned so far
    (oldest first), and the items the recommender gave (the labels)."""

    dialog: str
    text: str
    seeds: tuple[str, ...]
    gold: frozenset[str]


def dialogue_turns(path: str | Path, ids_by_name: Mapping[str, list[str]]) -> list[Turn]:
    """The turns of a ReDial-format file (``dialog_id``, ``context``, ``entity``, ``rec``) that
    recommended at least one item of the table."""
    out = []
    with Path(path).open(encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                turn = json.loads(line)
                gold = frozenset(i for name in turn.get("rec", []) for i in ids_by_name.get(str(name), ()))
                seeds = tuple(dict.fromkeys(i for name in turn.get("entity", []) for i in ids_by_name.get(str(name), ())))
                context = [str(t).strip() for t in turn.get("context", []) if t and str(t).strip()]
                dialog = str(turn["dialog_id"])
            except (ValueError, TypeError, KeyError, AttributeError) as e:
                raise ConfigError(f"{path}:{n}: not a dialogue turn ({e}); expected dialog_id, context, entity, rec") from e
            if gold:
                out.append(Turn(dialog, " ".join(context[-CONTEXT_TURNS:]) or "a good movie", seeds, gold))
    return out


def fold_of(dialog: str, folds: int = FOLDS) -> int:
    digest = hashlib.blake2b(f"{dialog}:fold".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") % folds


def turn_rows(agent: Any, turns: Sequence[Turn], graph: ItemGraph | None,
              on_turn: Callable[[], None] | None = None) -> list[tuple[Turn, list[str], np.ndarray]]:
    """Per turn: candidate ids and features (the gold items only label them, never build them)."""
    agent = agent.using(graph=graph, ranker=None, graph_weight=1.0, popularity_weight=1.0, attribute_weight=1.0,
                        seed_weight=1.0)  # every list on, as with_all_signals() gives a ranking agent
    out = []
    for turn in turns:
        query = agent.rewriter.rewrite(turn.text, k=50, exclude_ids=list(turn.seeds))
        query = query.model_copy(update={"seed_ids": turn.seeds})
        where, _, lists = agent.candidates(query)
        liked, disliked = sentiment(agent, turn.text, turn.seeds) if turn.seeds else ([], [])
        ids, x, hits = candidate_features(lists, graph=graph, seeds=list(turn.seeds), exclude=turn.seeds,
                                          liked=liked, disliked=disliked)
        soft = [f for f in query.filters if not f.hard]
        if soft:
            x[:, FEATURES.index("soft_met")] = [sum(satisfies(hits[i].item, f) for f in soft)
                                                if i in hits and hits[i].item else 0 for i in ids]
        out.append((turn, ids, x))
        if on_turn is not None:
            on_turn()
    return out


def fit_rows(rows: Iterable[tuple[Turn, list[str], np.ndarray]], *, c: float = DEFAULT_C,
             summary: dict[str, Any] | None = None) -> Ranker:
    xs, ys = [], []
    for turn, ids, x in rows:
        if len(ids):
            xs.append(x)
            ys.append(np.asarray([i in turn.gold for i in ids], dtype=np.int8))
    if not xs:
        raise ConfigError("no dialogue turn gave candidates to learn from")
    return Ranker.fit(np.concatenate(xs), np.concatenate(ys), c=c, summary=summary)


def train_ranker(agent: Any, dialogues: str | Path, *, c: float = DEFAULT_C, skip: Iterable[str] = (),
                 limit: int | None = None, on_turn: Callable[[], None] | None = None) -> Ranker:
    """A ranker learned from past dialogues (dialogues in ``skip`` are left out entirely)."""
    start = time.perf_counter()
    names = title_index(agent.catalog)
    skipped = {str(s) for s in skip}
    turns = [t for t in dialogue_turns(dialogues, names) if t.dialog not in skipped][:limit]
    dialogs = {t.dialog for t in turns}
    rows = []
    for fold in range(FOLDS):
        held = {d for d in dialogs if fold_of(d) == fold} | skipped  # the graph never sees this fold
        graph = ItemGraph.fit(dialogue_sessions(dialogues, names, skip=held))
        rows += turn_rows(agent, [t for t in turns if fold_of(t.dialog) == fold], graph, on_turn)
    summary = {"dialogues": str(dialogues), "turns": len(turns), "dialogs": len(dialogs), "folds": FOLDS,
               "seconds": round(time.perf_counter() - start, 1)}
    return fit_rows(rows, c=c, summary=summary)
