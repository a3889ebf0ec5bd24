"""ReDial with interaction logs: learn the item graph from past dialogues, choose the fusion
weights on a validation split OF THOSE PAST DIALOGUES, then score held-out dialogues once.

    python benchmarks/redial_tune.py --db .xmr --table movies [--holdout 0.2] [--val 0.25]

Splits are by dialogue id (stable hashes): ``holdout`` of the dialogues are scored and never
learned from; of the rest, ``val`` choose the weights (graph fitted on the remainder), and the
final graph is fitted on all non-held-out dialogues. Gold recommendations are used only to score.
Writes benchmarks/results/redial_tune.json.
"""

from __future__ import annotations

import itertools
import json
import time
from pathlib import Path

from _common import machine, redial_parser

from xmr_agent.agent.fuse import Ranked, fuse
from xmr_agent.agent.pipeline import Agent
from xmr_agent.eval.datasets import cases, in_holdout, locate, redial_sessions
from xmr_agent.eval.metrics import mean_metrics, ranking_metrics
from xmr_agent.recommend.graph import ItemGraph
from xmr_agent.store.catalog import Catalog

RESULTS = Path(__file__).resolve().parent / "results"
GRAPH = (0.5, 1.0, 2.0, 4.0)
POPULAR = (0.5, 1.0, 2.0, 4.0, 8.0)
ATTRIBUTES = (0.0, 0.5, 1.0, 2.0, 4.0)
TEXT = (0.25, 0.5)
LIKE = (0.0, 0.5)
KS = (1, 10, 50)


def collect(agent: Agent, selected: list) -> list[tuple[object, list[Ranked]]]:
    rows = []
    for case in selected:
        query = agent.rewriter.rewrite(case.query, k=50, exclude_ids=sorted(case.exclude))
        query = query.model_copy(update={"seed_ids": case.seeds})
        rows.append((case, agent.candidates(query)[2]))
    return rows


def score(rows: list, weights: dict[str, float]) -> dict[str, float]:
    metrics = []
    for case, lists in rows:
        weighted = [Ranked(r.source, r.weight * weights.get(_kind(r.source), 1.0), r.hits) for r in lists]
        ranked = [h.id for h in fuse(weighted, k=50 + len(case.exclude)) if h.id not in case.exclude][:50]
        fresh = case.relevant - case.exclude
        if fresh:
            metrics.append(ranking_metrics(ranked, fresh, KS))
    return mean_metrics(metrics)


def _kind(source: str) -> str:
    if source.startswith("like:"):
        return "like"
    return source if source in ("graph", "popular", "attributes") else "text"


def main() -> None:
    parser = redial_parser(__doc__)
    parser.add_argument("--val", type=float, default=0.25)
    args = parser.parse_args()
    found = locate(args.data)
    catalog = Catalog.open(args.db, args.table)
    every = cases(found)
    test = [c for c in every if in_holdout(c.group, args.holdout)]
    history = [c for c in every if not in_holdout(c.group, args.holdout)]
    val = [c for c in history if in_holdout(c.group + ":val", args.val)]
    skip_val = {c.group for c in test} | {c.group for c in val}
    start = time.perf_counter()
    agent = Agent(catalog, hard_categories=False, popularity_weight=1.0, seed_weight=1.0, attribute_weight=1.0,
                  graph=ItemGraph.fit(redial_sessions(found.queries, found.catalog, skip=skip_val)))
    rows = collect(agent, val)
    grid = []
    for g, p, a, t, like in itertools.product(GRAPH, POPULAR, ATTRIBUTES, TEXT, LIKE):
        m = score(rows, {"graph": g, "popular": p, "attributes": a, "text": t, "like": like})
        grid.append({"graph": g, "popular": p, "attributes": a, "text": t, "like": like, **m})
    best = max(grid, key=lambda r: r["recall@10"] + r["recall@50"])
    agent.graph = ItemGraph.fit(redial_sessions(found.queries, found.catalog, skip={c.group for c in test}))
    test_rows = collect(agent, test)
    chosen = {k: best[k] for k in ("graph", "popular", "attributes", "text", "like")}
    off = {"graph": 0, "popular": 0, "attributes": 0, "text": 0, "like": 0}
    results = {
        "machine": machine(), "data": args.data, "holdout": args.holdout, "val": args.val,
        "val_cases": len(val), "test_cases": len(test), "chosen_weights": chosen,
        "test": {"content only (dialogue words)": score(test_rows, {**off, "text": 1}),
                 "like the mentioned items": score(test_rows, {**off, "like": 1}),
                 "popularity only (lifted by preferences)": score(test_rows, {**off, "popular": 1}),
                 "graph only": score(test_rows, {**off, "graph": 1}),
                 "shared metadata only": score(test_rows, {**off, "attributes": 1}),
                 "graph + popularity": score(test_rows, {**chosen, "attributes": 0, "text": 0, "like": 0}),
                 "graph + popularity + shared metadata": score(test_rows, {**chosen, "text": 0, "like": 0}),
                 "chosen (all)": score(test_rows, chosen)},
        "grid_on_val": grid, "seconds": round(time.perf_counter() - start, 1),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "redial_tune.json").write_text(json.dumps(results, indent=2))
    print(json.dumps({k: v for k, v in results.items() if k != "grid_on_val"}, indent=2))


if __name__ == "__main__":
    main()
