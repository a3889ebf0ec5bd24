"""ReDial as ``xmr chat`` sees it: seeds found from titles in the dialogue text, not annotated.

``xmr eval`` on ReDial gives the agent the data set's annotated mentions as seed items. A chat has
no annotations: ``Session`` finds the items a message names with the catalogue's titles
(:class:`~xmr_agent.agent.mentions.TitleIndex`). This script scores the held-out turns both ways
with the same agent, weights and item graph (learned, as in ``xmr chat --dialogues``, from the
dialogues that are not held out), and how well the found seeds agree with the annotated ones:

    python benchmarks/redial_chat_seeds.py --db .xmr --table movies [--holdout 0.2]

Scoring is that of ``xmr eval``: the annotated mentions are excluded from the ranking and from
the gold, so only the seeds differ. Writes benchmarks/results/redial_chat_seeds.json.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from _common import machine, redial_parser

from xmr_agent.agent.mentions import TitleIndex
from xmr_agent.agent.pipeline import Agent
from xmr_agent.eval.datasets import cases, in_holdout, locate, redial_name_index
from xmr_agent.eval.metrics import mean_metrics, ranking_metrics
from xmr_agent.recommend.graph import ItemGraph
from xmr_agent.recommend.signals import dialogue_sessions, title_index
from xmr_agent.store.catalog import Catalog

RESULTS = Path(__file__).resolve().parent / "results"
#: The weights of the held-out ReDial figures (docs/benchmarks.md).
WEIGHTS = {"graph_weight": 4.0, "popularity_weight": 4.0, "attribute_weight": 4.0, "seed_weight": 1.0}
KS = (1, 10, 50)


def contexts(path: Path, catalog: Path) -> list[str]:
    """The whole dialogue text before each scored turn, in the order of ``cases()`` (which keeps
    the turns whose recommendations name a catalogue movie)."""
    ids_by_name = redial_name_index(catalog)
    out = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                turn = json.loads(line)
                if any(ids_by_name.get(name) for name in turn.get("rec", [])):
                    out.append("\n".join(turn.get("context", [])))  # one message per line, as in a chat
    return out


def main() -> None:
    parser = redial_parser(__doc__)
    args = parser.parse_args()
    found = locate(args.data)
    catalog = Catalog.open(args.db, args.table)
    test = [(c, t) for c, t in zip(cases(found), contexts(found.queries, found.catalog), strict=True)
            if in_holdout(c.group, args.holdout)]
    start = time.perf_counter()
    graph = ItemGraph.fit(dialogue_sessions(found.queries, title_index(catalog), skip={c.group for c, _ in test}))
    agent = Agent(catalog, hard_categories=False, graph=graph, **WEIGHTS)
    titles = TitleIndex.of(catalog)
    names = ("annotated seeds (xmr eval)", "titles found in the text (xmr chat)", "no seeds")
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in names}
    agree = {"annotated": 0, "found": 0, "both": 0}
    for case, text in test:
        seen = titles.find(text)
        agree["annotated"] += len(set(case.seeds))
        agree["found"] += len(set(seen))
        agree["both"] += len(set(seen) & set(case.seeds))
        fresh = case.relevant - case.exclude
        if not fresh:
            continue
        variants = ((case.seeds, case.exclude), (tuple(seen), case.exclude | set(seen)), ((), case.exclude))
        for name, (seeds, exclude) in zip(names, variants, strict=True):
            answer = agent.ask(case.query, k=50 + len(exclude), exclude_ids=sorted(exclude), seed_ids=seeds,
                               explain=False)
            ranked = [r.id for r in answer.recommendations if r.id not in case.exclude][:50]
            runs[name].append(ranking_metrics(ranked, fresh, KS))
    results = {
        "machine": machine(), "data": args.data, "holdout": args.holdout, "weights": WEIGHTS,
        "held_out_turns": len(test), "scored_turns": len(runs["no seeds"]),
        "seeds": {**agree, "precision": agree["both"] / max(agree["found"], 1),
                  "recall": agree["both"] / max(agree["annotated"], 1)},
        "test": {name: mean_metrics(rows) for name, rows in runs.items()},
        "seconds": round(time.perf_counter() - start, 1),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "redial_chat_seeds.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
