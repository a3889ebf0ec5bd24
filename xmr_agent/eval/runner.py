"""Run retrieval cases against a catalogue and collect metrics and per-stage latency."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from xmr_agent.eval.datasets import Case
from xmr_agent.eval.metrics import (
    hit_at,
    latency_summary,
    mean_metrics,
    ranking_metrics,
    recall_at,
)
from xmr_agent.store.catalog import Catalog
from xmr_agent.types import Hit

#: ``retrieve(case, depth, timings)`` → ranked hits; fills ``timings`` with seconds per stage.
Retrieve = Callable[[Case, int, dict[str, float]], list[Hit]]

DEFAULT_KS = (1, 5, 10, 50)
CURVE_MAX_K = 50


def run_retrieval(
    catalog: Catalog,
    cases: Sequence[Case],
    *,
    ks: Sequence[int] = DEFAULT_KS,
    hybrid: bool = False,
    on_case: Callable[[], None] | None = None,
    retrieve: Retrieve | None = None,
    any_hit: bool = False,
) -> dict[str, Any]:
    """Search every case; ids in a case's ``exclude`` set are removed from its ranking.

    Metrics come twice: over all relevant ids, and over relevant ids not in ``exclude``
    ("no repeats"; cases left with no relevant id are not counted there). ``retrieve`` replaces
    the plain search (e.g. with the agent); it sees a case's query and ``exclude``, never its
    relevant ids. ``any_hit``: recall@k counts a case found when any relevant id is in the top k.
    """
    recall = hit_at if any_hit else recall_at
    if retrieve is None:
        def retrieve(case: Case, depth: int, timings: dict[str, float]) -> list[Hit]:
            return catalog.search(case.query, k=depth + len(case.exclude), hybrid=hybrid, timings=timings)

    depth = max(max(ks), CURVE_MAX_K)
    rows_all, rows_new, per_query = [], [], []
    stages: dict[str, list[float]] = {}
    curve_all = [0.0] * CURVE_MAX_K
    for case in cases:
        timings: dict[str, float] = {}
        start = time.perf_counter()
        hits = retrieve(Case(case.query, frozenset(), case.exclude, case.group, case.seeds), depth, timings)
        timings["total"] = time.perf_counter() - start
        for stage, seconds in timings.items():
            stages.setdefault(stage, []).append(seconds)
        ranked = [h.id for h in hits if h.id not in case.exclude][:depth]
        rows_all.append(ranking_metrics(ranked, case.relevant, ks, any_hit=any_hit))
        fresh = case.relevant - case.exclude
        if fresh:
            rows_new.append(ranking_metrics(ranked, fresh, ks, any_hit=any_hit))
        for k in range(1, CURVE_MAX_K + 1):
            curve_all[k - 1] += recall(ranked, case.relevant, k)
        per_query.append({"query": case.query, "group": case.group, "relevant": sorted(case.relevant),
                          "top10": ranked[:10], **{f"{m}": v for m, v in rows_all[-1].items()}})
        if on_case is not None:
            on_case()
    n = max(len(cases), 1)
    return {
        "n_queries": len(cases),
        "n_queries_no_repeats": len(rows_new),
        "metrics": {"all": mean_metrics(rows_all), "no_repeats": mean_metrics(rows_new)},
        "recall_curve": [c / n for c in curve_all],
        "latency": {stage: latency_summary(v) for stage, v in stages.items()},
        "latency_raw_s": stages,
        "per_query": per_query,
    }


def agent_retrieve(agent: Any) -> Retrieve:
    """A :data:`Retrieve` that asks ``agent`` (an :class:`~xmr_agent.agent.pipeline.Agent`),
    with the case's already-known ids excluded, and no narratives."""

    def retrieve(case: Case, depth: int, timings: dict[str, float]) -> list[Hit]:
        answer = agent.ask(case.query, k=min(depth, 200), exclude_ids=sorted(case.exclude), seed_ids=case.seeds,
                           explain=False)
        timings.update({k: v for k, v in answer.timings.items() if not k.endswith("_s")})
        return [Hit(r.id, r.score) for r in answer.recommendations]

    return retrieve
