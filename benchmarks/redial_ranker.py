"""ReDial with a learned ranker: features from every signal, logistic regression learned from
past dialogues, hyper-parameter chosen on a validation split, held-out dialogues scored once.

    python benchmarks/redial_ranker.py --db /tmp/redial-db --table movies [--holdout 0.2] [--val 0.25]
        [--max-train 800] [--max-val 300] [--max-test 0]   # 0: every turn of that split

Splits are by dialogue id (stable hashes). Held-out dialogues are never learned from (neither
the item graph nor the ranker). Training turns get their graph features from a graph that did not
see their own dialogue (xmr_agent.agent.learn.FOLDS folds). Reports no-repeat R@1/10/50 with
standard errors, the fraction of gold items among the candidates at all, the hand-weighted fusion
on the same turns, an ablation (each feature group removed, with the candidates only it brought,
and the ranker refitted), and latency per turn of the full `Agent.ask` with a per-step breakdown.
Writes benchmarks/results/redial_ranker.json.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import numpy as np
from _common import machine, redial_parser

from xmr_agent.agent.fuse import Ranked, fuse
from xmr_agent.agent.learn import FOLDS, dialogue_turns, fit_rows, fold_of, turn_rows
from xmr_agent.agent.pipeline import Agent
from xmr_agent.eval.datasets import in_holdout
from xmr_agent.eval.metrics import latency_summary, ranking_metrics
from xmr_agent.recommend.features import DEFAULT_FEATURES, FEATURES, KINDS
from xmr_agent.recommend.graph import ItemGraph
from xmr_agent.recommend.signals import dialogue_sessions, title_index
from xmr_agent.store.catalog import Catalog

RESULTS = Path(__file__).resolve().parent / "results"
KS = (1, 10, 50)
CS = (0.01, 0.1, 1.0)
GROUPS = {**{k: [f for f in FEATURES if f.startswith(k + "_")] for k in KINDS},
          "two-hop graph": ["two_hop"], "item vectors from the sessions": ["emb_cos", "emb_rr", "emb_liked", "emb_disliked"],
          "recency (latest mention)": ["graph_last"], "popularity prior": ["log_pop"], "preferences met": ["soft_met"],
          "list count": ["lists"]}
#: Groups that also bring candidates of their own: removing the group removes those too.
BRINGS = {"two-hop graph": "two_hop", "item vectors from the sessions": "emb_rr"}
HAND = {"graph": 4.0, "popular": 4.0, "attributes": 4.0}  # the weights of docs/benchmarks.md


def per_turn(rows, rank) -> dict[int, np.ndarray]:
    """No-repeat R@k of each turn with a new gold item."""
    per = []
    for turn, ids, x in rows:
        fresh = turn.gold - set(turn.seeds)
        if fresh:
            per.append(ranking_metrics(rank(turn, ids, x), fresh, KS))
    return {k: np.asarray([p[f"recall@{k}"] for p in per]) for k in KS}


def summary(values: dict[int, np.ndarray]) -> dict[str, float]:
    """Mean R@k and its standard error."""
    out: dict[str, float] = {"turns": len(values[KS[0]])}
    for k in KS:
        v = values[k]
        out[f"R@{k}"], out[f"se@{k}"] = round(float(v.mean()), 4), round(float(v.std() / np.sqrt(len(v))), 4)
    return out


def recall(rows, rank) -> dict[str, float]:
    """Mean no-repeat R@k and its standard error over turns with a new gold item."""
    return summary(per_turn(rows, rank))


def change(full: dict[int, np.ndarray], other: dict[int, np.ndarray]) -> dict[str, float]:
    """``other`` minus ``full`` per turn (the same turns): mean and standard error of the difference."""
    return {f"d@{k}": (round(float((other[k] - full[k]).mean()), 4),
                       round(float((other[k] - full[k]).std() / np.sqrt(len(full[k]))), 4)) for k in (10, 50)}


def by(ranker, drop=()):
    cols = [FEATURES.index(f) for f in drop]

    def rank(turn, ids, x):
        x = x.copy()
        x[:, cols] = 0.0
        return [ids[n] for n in np.argsort(-ranker.score(x), kind="stable")][:50]
    return rank


def zeroed(rows, drop, brings=None):
    """Rows with the ``drop`` columns zeroed, and without the candidates only ``brings`` found."""
    cols = [FEATURES.index(f) for f in drop]
    found = [FEATURES.index(f) for f in FEATURES if (f.endswith("_in") or f in ("two_hop", "emb_rr")) and f != brings]
    out = []
    for turn, ids, x in rows:
        keep = np.ones(len(ids), dtype=bool) if brings is None else x[:, found].any(axis=1)
        x = x[keep].copy()
        x[:, cols] = 0.0
        out.append((turn, [i for i, k in zip(ids, keep, strict=True) if k], x))
    return out


def candidate_recall(rows) -> float:
    """The mean fraction of a turn's new gold items that are among its candidates at all."""
    per = [len((t.gold - set(t.seeds)) & set(ids)) / len(t.gold - set(t.seeds)) for t, ids, _ in rows
           if t.gold - set(t.seeds)]
    return round(float(np.mean(per)), 4)


def _trees(rows):
    """scikit-learn's HistGradientBoostingClassifier on the same rows (for comparison only)."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    cols = [FEATURES.index(f) for f in DEFAULT_FEATURES]
    x = np.concatenate([r[2][:, cols] for r in rows])
    y = np.concatenate([[i in r[0].gold for i in r[1]] for r in rows]).astype(int)
    model = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, max_leaf_nodes=15, random_state=0).fit(x, y)
    return lambda turn, ids, x: [ids[n] for n in np.argsort(-model.predict_proba(x[:, cols])[:, 1], kind="stable")][:50]


def hand_fused(agent, turns, graph) -> dict[str, float]:
    """The hand-weighted relative fusion (graph 4, popularity 4, metadata 4, text and seeds 1)."""
    agent = agent.using(graph=graph, graph_weight=1.0, popularity_weight=1.0, attribute_weight=1.0, seed_weight=1.0)
    rows = []
    for turn in turns:
        query = agent.rewriter.rewrite(turn.text, k=50, exclude_ids=list(turn.seeds))
        lists = agent.candidates(query.model_copy(update={"seed_ids": turn.seeds}))[2]
        lists = [Ranked(r.source, r.weight * HAND.get(r.source, 1.0), r.hits) for r in lists]
        ids = [h.id for h in fuse(lists, k=50 + len(turn.seeds)) if h.id not in turn.seeds][:50]
        rows.append((turn, ids, None))
    return recall(rows, lambda turn, ids, x: ids)


def collect(agent, turns, names, data, skip):
    """Training rows: each fold's turns featurised with a graph learned without that fold."""
    rows = []
    for fold in range(FOLDS):
        held = {t.dialog for t in turns if fold_of(t.dialog, FOLDS) == fold} | skip
        graph = ItemGraph.fit(dialogue_sessions(data, names, skip=held))
        rows += turn_rows(agent, [t for t in turns if fold_of(t.dialog, FOLDS) == fold], graph)
    return rows


def main() -> None:
    parser = redial_parser(__doc__)
    parser.add_argument("--val", type=float, default=0.25)
    parser.add_argument("--max-train", type=int, default=800)
    parser.add_argument("--max-val", type=int, default=300)
    parser.add_argument("--max-test", type=int, default=0)
    parser.add_argument("--latency-turns", type=int, default=100)
    args = parser.parse_args()
    start = time.perf_counter()
    catalog = Catalog.open(args.db, args.table)
    agent = Agent(catalog, hard_categories=False)
    names = title_index(catalog)
    every = dialogue_turns(args.data, names)
    test = [t for t in every if in_holdout(t.dialog, args.holdout)]
    history = [t for t in every if not in_holdout(t.dialog, args.holdout)]
    val = [t for t in history if in_holdout(t.dialog + ":val", args.val)]
    train = [t for t in history if not in_holdout(t.dialog + ":val", args.val)]
    cap = lambda xs, n: xs[:n] if n else xs  # noqa: E731
    test_ids, val_ids = {t.dialog for t in test}, {t.dialog for t in val}
    # 1. choose C on the validation split (graph for val turns: the training dialogues only)
    train_rows = collect(agent, cap(train, args.max_train), names, args.data, test_ids | val_ids)
    val_graph = ItemGraph.fit(dialogue_sessions(args.data, names, skip=test_ids | val_ids))
    val_rows = turn_rows(agent, cap(val, args.max_val), val_graph)
    grid = {c: recall(val_rows, by(fit_rows(train_rows, c=c))) for c in CS}
    best = max(CS, key=lambda c: grid[c]["R@10"] + grid[c]["R@50"])
    # 2. refit on all non-held-out training rows, score the held-out dialogues once
    history_rows = train_rows + val_rows  # val turns' graph never saw their dialogues either
    ranker = fit_rows(history_rows, c=best)
    test_graph = ItemGraph.fit(dialogue_sessions(args.data, names, skip=test_ids))
    test_turns = cap(test, args.max_test)
    test_rows = turn_rows(agent, test_turns, test_graph)
    full = per_turn(test_rows, by(ranker))
    held_out = summary(full)
    with_moods = per_turn(test_rows, by(fit_rows(history_rows, c=best, features=FEATURES)))
    ablation = {"WITH the liked / disliked / turned-down features": {**summary(with_moods), **change(full, with_moods)}}
    for name, drop in GROUPS.items():
        refit = fit_rows(zeroed(history_rows, drop, BRINGS.get(name)), c=best)
        without = per_turn(zeroed(test_rows, drop, BRINGS.get(name)), by(refit))
        ablation[name] = {**summary(without), **change(full, without)}
    hand = hand_fused(agent, test_turns, test_graph)
    trees = recall(test_rows, _trees(history_rows))
    # 3. latency of the full agent (ask, no explanations) with the ranker
    live = agent.using(graph=test_graph, ranker=ranker)
    seconds, steps = [], {}
    warm = test_turns[0]
    live.ask(warm.text, k=50, exclude_ids=list(warm.seeds), seed_ids=warm.seeds, explain=False)  # fits the item vectors
    load = [os.getloadavg()[0]]
    for turn in test_turns[1: args.latency_turns + 1]:
        t0 = time.perf_counter()
        answer = live.ask(turn.text, k=50, exclude_ids=list(turn.seeds), seed_ids=turn.seeds, explain=False)
        seconds.append(time.perf_counter() - t0)
        for step, value in answer.timings.items():
            steps.setdefault(step, []).append(value)
    load.append(os.getloadavg()[0])
    results = {"machine": machine(), "data": args.data, "holdout": args.holdout, "val": args.val,
               "turns": {"train": len(train_rows), "val": len(val_rows), "test": len(test_rows)},
               "C_grid_on_val": grid, "chosen_C": best, "held_out": held_out, "hand_fusion_held_out": hand,
               "gradient_boosted_trees_held_out": trees,
               "ablation_held_out": ablation, "latency_per_turn_s": latency_summary(seconds),
               "latency_steps_p50_s": {k: round(float(np.median(v)), 4) for k, v in steps.items()},
               "load_average_1min": load, "candidate_recall_held_out": candidate_recall(test_rows),
               "weights": dict(zip(ranker.features, np.round(ranker.weights, 3).tolist(), strict=True)),
               "seconds": round(time.perf_counter() - start, 1)}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "redial_ranker.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
