"""The learned ranker in the agent: rank the union of the candidate lists by a
:class:`~xmr_agent.recommend.ranker.Ranker`, and train one from past dialogues or an
interaction log.

Training (``xmr train``): the turns are split into folds by dialogue (or user); each fold's turns
get their candidates and features from an item graph learned on the *other* folds, so that no
turn is featurised with a graph that saw its own dialogue (which would make the graph look far
better than it is on new conversations). A candidate is positive when the recommender gave it
in that turn (in a log: when it is the user's next liked item). The ranker file holds the feature
list and a summary of the training data.
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
from xmr_agent.recommend.features import DEFAULT_FEATURES, FEATURES, SENTIMENT, candidate_features
from xmr_agent.recommend.graph import ItemGraph
from xmr_agent.recommend.profile import Interaction, read_interactions, user_sessions
from xmr_agent.recommend.ranker import DEFAULT_C, Ranker
from xmr_agent.recommend.signals import dialogue_sessions, title_index
from xmr_agent.types import Hit

#: Dialogue turns (most recent last) that make up a request, as in ``xmr eval``.
CONTEXT_TURNS = 3
#: Folds of the training turns: each fold's features come from a graph of the other folds' logs.
FOLDS = 5
#: Steps of each user's history that become training turns (``xmr train --interactions``).
TURNS_PER_USER = 20
#: Prefix of an interaction log's users among the training groups (dialogue ids are the others).
USER = "user:"
_SENTENCES = re.compile(r"(?<=[.!?])\s+|\s*\n\s*")
#: A reply that turns down what was offered, beyond the tones of :func:`~xmr_agent.agent.critique.tone`.
_TURNED_DOWN = re.compile(r"\b(?:not\s+(?:really\s+)?(?:a\s+fan|into|interested|my\s+(?:type|thing|cup\s+of\s+tea|style))|"
                          r"(?:didn'?t|don'?t|do\s+not|did\s+not)\s+(?:really\s+)?(?:care\s+for|enjoy|love)|"
                          r"no\s+thanks|hated|boring)\b", re.IGNORECASE)


def sentiment(agent: Any, text: str, seeds: Sequence[str]) -> tuple[list[str], list[str]]:
    """The seeds the request speaks well of and ill of: the tone of each sentence naming them or,
    for a sentence that names items without a tone (an offer: "have you seen X?"), the tone of the
    reply that follows it ("not my cup of tea": offered and turned down)."""
    liked: list[str] = []
    disliked: list[str] = []
    known = set(seeds)
    offered: list[str] = []
    for sentence in _SENTENCES.split(text):
        named = [i for i in agent.titles().find(sentence) if i in known]
        mood = "dislike" if _TURNED_DOWN.search(sentence) else tone(sentence)
        if named:
            (liked if mood == "like" else disliked if mood == "dislike" else []).extend(named)
            offered = named if mood == "neutral" else []
        elif offered and mood != "neutral":
            (liked if mood == "like" else disliked).extend(offered)
            offered = []
    return list(dict.fromkeys(liked)), list(dict.fromkeys(disliked))


def featurise(agent: Any, lists: Sequence[Any], query: CrossModalQuery, where: str | None,
              request: str = "", *, moods: bool = True) -> tuple[list[str], np.ndarray, dict[str, Hit]]:
    """The candidates of ``lists`` (and the item graph's two-hop and embedding neighbours of the
    seeds, fetched through the hard filters), their features, and id → hit. Training and ranking
    both featurise here, so a ranker sees at ranking time what it learned from. ``moods=False``
    leaves the sentiment features at 0 (a ranker that does not read them)."""
    seeds = list(query.seed_ids)
    liked, disliked = sentiment(agent, request, seeds) if moods and request and seeds else ([], [])
    ids, x, hits = candidate_features(lists, graph=agent.graph, seeds=seeds, exclude=query.exclude_ids,
                                      liked=liked, disliked=disliked)
    missing = [i for i in ids if i not in hits]
    if missing:  # candidates of no list: fetched through the hard filters
        rows = {row["id"]: row for row in agent.catalog.get(missing, where=where)}
        hits.update({i: Hit(i, 0.0, rows[i], {"two_hop": 0.0}) for i in missing if i in rows})
    keep = [n for n, i in enumerate(ids) if i in hits]
    ids, x = [ids[n] for n in keep], x[keep]
    soft = [f for f in query.filters if not f.hard]
    if soft and len(ids):
        x[:, FEATURES.index("soft_met")] = [sum(satisfies(hits[i].item, f) for f in soft) if hits[i].item else 0
                                            for i in ids]
    return ids, x, hits


def learned_ranking(agent: Any, lists: Sequence[Any], query: CrossModalQuery, where: str | None,
                    request: str = "") -> list[Hit]:
    """The candidates of ``lists`` (and the graph's neighbours of the seeds) ranked by ``agent.ranker``."""
    moods = any(f in agent.ranker.features for f in SENTIMENT)
    ids, x, hits = featurise(agent, lists, query, where, request, moods=moods)
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
        if turn.text.strip():
            query = agent.rewriter.rewrite(turn.text, k=50, exclude_ids=list(turn.seeds))
            query = query.model_copy(update={"seed_ids": turn.seeds})
        else:  # a step of an interaction log: the items so far, no words
            query = CrossModalQuery(exclude_ids=turn.seeds, seed_ids=turn.seeds, k=50)
        where, _, lists = agent.candidates(query)
        ids, x, _ = featurise(agent, lists, query, where, turn.text)
        out.append((turn, ids, x))
        if on_turn is not None:
            on_turn()
    return out


def fit_rows(rows: Iterable[tuple[Turn, list[str], np.ndarray]], *, c: float = DEFAULT_C,
             features: tuple[str, ...] = DEFAULT_FEATURES, summary: dict[str, Any] | None = None) -> Ranker:
    xs, ys = [], []
    for turn, ids, x in rows:
        if len(ids):
            xs.append(x)
            ys.append(np.asarray([i in turn.gold for i in ids], dtype=np.int8))
    if not xs:
        raise ConfigError("no dialogue turn gave candidates to learn from")
    return Ranker.fit(np.concatenate(xs), np.concatenate(ys), c=c, features=features, summary=summary)


def interaction_turns(events: Iterable[Interaction], *, per_user: int = TURNS_PER_USER) -> list[Turn]:
    """Turns from an interaction log: at each step of a user's liked items (in time order), the
    items so far are the seeds and the next one is the item to find. There is no request (the
    words are empty), so a ranker learned from a log alone learns the item signals, not the text's;
    only each user's last ``per_user`` steps count, so that no single user outweighs the others."""
    by_user: dict[str, list[Interaction]] = {}
    for e in events:
        if e.weight > 0:
            by_user.setdefault(e.user, []).append(e)
    out = []
    for user, mine in by_user.items():
        items = list(dict.fromkeys(e.item for e in sorted(mine, key=lambda e: e.time)))
        for t in range(max(1, len(items) - per_user), len(items)):
            out.append(Turn(f"{USER}{user}", "", tuple(items[:t]), frozenset([items[t]])))
    return out


def train_ranker(agent: Any, dialogues: str | Path | None = None, *, interactions: str | Path | None = None,
                 c: float = DEFAULT_C, skip: Iterable[str] = (), limit: int | None = None, folds: int = FOLDS,
                 features: tuple[str, ...] = DEFAULT_FEATURES, on_turn: Callable[[], None] | None = None) -> Ranker:
    """A ranker learned from past dialogues and/or an interaction log (dialogue ids, or users as
    ``user:ID``, in ``skip`` are left out entirely), reading ``features``. Each fold's turns are
    featurised with an item graph learned from the other folds only."""
    if dialogues is None and interactions is None:
        raise ConfigError("a ranker learns from logs: give past dialogues, an interaction log, or both")
    start = time.perf_counter()
    names = title_index(agent.catalog) if dialogues is not None else {}
    events = read_interactions(interactions)[0] if interactions is not None else []
    skipped = {str(s) for s in skip}
    turns = [*(dialogue_turns(dialogues, names) if dialogues is not None else []), *interaction_turns(events)]
    turns = [t for t in turns if t.dialog not in skipped][:limit]
    groups = {t.dialog for t in turns}
    rows = []
    for fold in range(folds):
        held = {g for g in groups if fold_of(g, folds) == fold} | skipped  # the graph never sees this fold
        sessions = dialogue_sessions(dialogues, names, skip=held) if dialogues is not None else []
        sessions += user_sessions(e for e in events if f"{USER}{e.user}" not in held)
        rows += turn_rows(agent, [t for t in turns if fold_of(t.dialog, folds) == fold], ItemGraph.fit(sessions),
                          on_turn)
    summary = {"dialogues": str(dialogues) if dialogues is not None else None,
               "interactions": str(interactions) if interactions is not None else None, "turns": len(turns),
               "dialogs": len(groups), "folds": folds, "seconds": round(time.perf_counter() - start, 1)}
    return fit_rows(rows, c=c, features=features, summary=summary)
