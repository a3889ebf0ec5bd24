"""Write an evaluation's ``results.json``, ``report.md`` and PNG plots."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def write_report(results: dict[str, Any], out: str | Path) -> list[Path]:
    """Write the report files into ``out``; returns the paths written."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    per_query = results.pop("per_query", [])
    raw = results.pop("latency_raw_s", {})
    written = [out / "results.json", out / "per_query.jsonl", out / "report.md"]
    written[0].write_text(json.dumps(results, indent=2, default=str))
    with written[1].open("w", encoding="utf-8") as f:
        for row in per_query:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    written += _plots(results, raw, out)
    written[2].write_text(eval_markdown(results, [p.name for p in written[3:]]))
    return written


def eval_markdown(results: dict[str, Any], plots: list[str]) -> str:
    """The report as Markdown."""
    lines = [f"# Evaluation: {results.get('dataset', '')}", ""]
    lines += [f"- {k}: `{results[k]}`" for k in ("kind", "table", "encoders", "mode", "date", "machine")
              if k in results]
    lines += [f"- queries: {results['n_queries']} ({results['n_queries_no_repeats']} with a gold item "
              "not already mentioned)"]
    if "image_to_text" in results:
        i2t = results["image_to_text"]
        lines += [f"- image → text: {i2t['n_queries']} images, each ranking {i2t['n_captions']} captions; "
                  f"{i2t['recall']}", f"- image → text route: {i2t['route']}"]
    lines.append("")
    for variant, metrics in results["metrics"].items():
        if not metrics:
            continue
        title = "image → text" if variant == "image_to_text" else variant.replace("_", " ")
        lines += [f"## Ranking metrics — {title}", "",
                  "| " + " | ".join(metrics) + " |", "|" + "---|" * len(metrics),
                  "| " + " | ".join(f"{v:.4f}" for v in metrics.values()) + " |", ""]
    lines += ["## Latency per stage (ms)", "", "| stage | n | p50 | p95 | p99 | mean |", "|---|---|---|---|---|---|"]
    for stage, s in results["latency"].items():
        lines.append(f"| {stage} | {s['n']} | {s['p50_ms']:.1f} | {s['p95_ms']:.1f} | "
                     f"{s['p99_ms']:.1f} | {s['mean_ms']:.1f} |")
    lines += [""] + [f"![{p}]({p})" for p in plots]
    return "\n".join(lines) + "\n"


def _plots(results: dict[str, Any], raw: dict[str, list[float]], out: Path) -> list[Path]:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return []
    curve = results["recall_curve"]
    fig, ax = plt.subplots(figsize=(6, 4))
    other = results.get("image_to_text", {}).get("recall_curve")
    ax.plot(range(1, len(curve) + 1), curve, marker=".", label="text → image" if other else None)
    if other:
        ax.plot(range(1, len(other) + 1), other, marker=".", label="image → text (any caption)")
        ax.legend(loc="lower right")
    ax.set(xlabel="K", ylabel="Recall@K", title=f"Recall@K — {results.get('dataset', '')}", ylim=(0, 1))
    ax.grid(alpha=0.3)
    recall_png = out / "recall_at_k.png"
    fig.tight_layout()
    fig.savefig(recall_png, dpi=110)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(6, 4))
    stages = [s for s in raw if raw[s]]
    ax.boxplot([[x * 1000 for x in raw[s]] for s in stages], showfliers=False)
    ax.set_xticks(range(1, len(stages) + 1), stages)
    ax.set(ylabel="ms", title="Latency per stage")
    ax.grid(alpha=0.3)
    latency_png = out / "latency.png"
    fig.tight_layout()
    fig.savefig(latency_png, dpi=110)
    plt.close(fig)
    return [recall_png, latency_png]
