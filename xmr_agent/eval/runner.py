"""Run retrieval cases against a catalogue and collect metrics and per-stage latency."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from xmr_agent.eval.datasets import Case
from xmr_agent.eval.metrics import latency_summary, mean_metrics, ranking_metrics, recall_at
from xmr_agent.store import Catalog

DEFAULT_KS = (1, 5, 10, 50)
CURVE_MAX_K = 50


def run_retrieval(
    catalog: Catalog,
    cases: Sequence[Case],
    *,
    ks: Sequence[int] = DEFAULT_KS,
    hybrid: bool = False,
    on_case: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """Search every case; ids in a case's ``exclude`` set are removed from its ranking.

    Metrics come twice: over all relevant ids, and over relevant ids not in ``exclude``
    ("no repeats"; cases left with no relevant id are not counted there).
    """
    depth = max(max(ks), CURVE_MAX_K)
    rows_all, rows_new, per_query = [], [], []
    stages: dict[str, list[float]] = {}
    curve_all = [0.0] * CURVE_MAX_K
    for case in cases:
        timings: dict[str, float] = {}
        start = time.perf_counter()
        hits = catalog.search(case.query, k=depth + len(case.exclude), hybrid=hybrid, timings=timings)
        timings["total"] = time.perf_counter() - start
        for stage, seconds in timings.items():
            stages.setdefault(stage, []).append(seconds)
        ranked = [h.id for h in hits if h.id not in case.exclude][:depth]
        rows_all.append(ranking_metrics(ranked, case.relevant, ks))
        fresh = case.relevant - case.exclude
        if fresh:
            rows_new.append(ranking_metrics(ranked, fresh, ks))
        for k in range(1, CURVE_MAX_K + 1):
            curve_all[k - 1] += recall_at(ranked, case.relevant, k)
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
