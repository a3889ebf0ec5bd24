"""``xmr eval``: retrieval metrics on a data set, or the pass rate of an intent suite (``--intents``).

Imports stay inside the command so ``xmr --help`` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from xmr_agent.cli.options import DB_OPTION, TABLE_OPTION, warn


@click.command("eval")
@click.argument("dataset", type=click.Path(exists=True), required=False)
@click.option("--intents", type=click.Path(exists=True, dir_okay=False), metavar="SUITE.jsonl",
              help="Run an intent suite (requests and chats with expected constraints, docs/evaluation.md) on "
                   "tables already ingested in --db; --table is the table of cases that name none.")
@click.option("--split", type=click.Choice(["dev", "test"]), help="--intents: only the cases of this split.")
@click.option("--min-pass", type=click.FloatRange(0.0, 1.0), metavar="RATE",
              help="--intents: exit with status 1 when the pass rate is below RATE (e.g. 0.6), for CI.")
@DB_OPTION
@TABLE_OPTION
@click.option("--kind", type=click.Choice(["redial", "image-text", "retrieval"]),
              help="Data set kind (detected if omitted).")
@click.option("--out", default="reports/eval", show_default=True, help="Folder for results.json, report.md, plots.")
@click.option("--limit", type=click.IntRange(1), help="Evaluate only the first N queries.")
@click.option("--hybrid", is_flag=True, help="Fuse vector and full-text search.")
@click.option("--agent", "use_agent", is_flag=True, help="Evaluate the agent (rewrite, route, fuse, rerank) "
              "instead of the plain search.")
@click.option("--llm", "llm_spec", default="none", show_default=True,
              help="LLM for --agent and --intents (see `xmr ask --help`).")
@click.option("--translate", envvar="XMR_TRANSLATE", default="auto", show_default=True,
              help="--intents: the LLM that reads requests in another language than the catalogue's: auto (the "
                   "offline Qwen2.5-Coder-1.5B when installed), none, or an LLM spec (env XMR_TRANSLATE).")
@click.option("--rerank", default="none", show_default=True, help="Reranker for --agent.")
@click.option("--fusion", type=click.Choice(["relative", "zscore", "rrf"]), default="relative", show_default=True)
@click.option("--history", type=click.Path(exists=True, dir_okay=False),
              help="Past dialogues (ReDial turns format) to learn item-to-item links from; implies --agent.")
@click.option("--holdout", type=click.FloatRange(0.0, 1.0, min_open=True),
              help="Score only this fraction of dialogues (stable split by dialogue id); never learned from.")
@click.option("--graph-weight", default=1.0, show_default=True, help="Weight of the item graph in the fusion.")
@click.option("--popularity-weight", default=0.0, show_default=True, help="Weight of popularity (with --history).")
@click.option("--seed-weight", default=0.0, show_default=True,
              help="With --agent: weight of searching with the stored vectors of the items mentioned so far.")
@click.option("--attribute-weight", default=0.0, show_default=True,
              help="With --agent: weight of items sharing metadata (director, cast, genre, tags...) with the items "
                   "mentioned so far, rarer values counting more.")
@click.option("--ranker", default="auto", show_default=True,
              help="With --history: a learned ranker file (`xmr train`); auto = <db>/<table>.ranker.json when it "
                   "exists (trained with the same --holdout), else one learned now from --history's dialogues that "
                   "are not scored; none = the weighted fusion.")
@click.option("--spoken", metavar="WHISPER", help="Image-text sets: search with each image's spoken first caption "
              "(transcribed by this Whisper model, e.g. base or tiny.en) against the typed caption; reports WER too.")
@click.option("--tags-k", default=10, show_default=True, type=click.IntRange(1, 1000),
              help="Image-text sets: ImageNet labels tagged per image.")
@click.option("--tag-glosses", type=click.IntRange(0, 1000),
              help="Image-text sets: how many of those labels carry their WordNet gloss (default: the "
                   "image encoder's, 3; 0 = bare labels).")
@click.option("--text-encoder", "text_encoders", multiple=True, metavar="NAME",
              help="Text encoder of a new table (repeat for one column each, every request then searched by "
                   "the one for its language); default: a plain `xmr ingest`'s.")
@click.option("--progress/--no-progress", default=True, show_default=True)
def eval_(dataset: str | None, intents: str | None, split: str | None, min_pass: float | None, db: str, table: str,
          kind: str | None, out: str, limit: int | None, hybrid: bool,
          use_agent: bool, llm_spec: str, translate: str, rerank: str, fusion: str, history: str | None,
          holdout: float | None, graph_weight: float, popularity_weight: float, seed_weight: float, attribute_weight: float,
          ranker: str, spoken: str | None, tags_k: int,
          tag_glosses: int | None, text_encoders: tuple[str, ...], progress: bool) -> None:
    """Evaluate retrieval on DATASET: a ReDial folder or turns .jsonl, an image-text folder (images/ +
    captions.csv: caption → image, and image → text), or a JSONL of {query, relevant_ids}.
    Or, with --intents SUITE.jsonl, the agent's pass rate on a suite of requests and chats.

    A data set that carries a catalogue (ReDial) is ingested into --table first (idempotent).
    """
    from xmr_agent.eval.evaluate import evaluate

    if (dataset is None) == (intents is None):
        raise click.UsageError("give a DATASET or --intents SUITE.jsonl (one of them)")
    if intents is not None:
        others = (kind, hybrid, use_agent, rerank, fusion, history, holdout, graph_weight, popularity_weight,
                  seed_weight, attribute_weight, ranker, spoken, tags_k, tag_glosses)
        if others != (None, False, False, "none", "relative", None, None, 1.0, 0.0, 0.0, 0.0, "auto", None, 10, None):
            raise click.UsageError("with --intents only --db, --table, --split, --limit, --llm, --min-pass, --out "
                                   "and --progress apply")
        _intents(intents, db, table, split, limit, llm_spec, min_pass, out, progress, translate)
        return
    if split is not None or min_pass is not None:
        raise click.UsageError("--split and --min-pass go with --intents")
    assert dataset is not None  # one of the two, checked above

    agent = None
    if use_agent or history:
        from xmr_agent.llm import get_llm

        agent = {"llm": get_llm(llm_spec), "reranker": rerank, "fusion": fusion, "seed_weight": seed_weight,
                 "attribute_weight": attribute_weight}
        if history:
            agent |= {"graph_weight": graph_weight, "popularity_weight": popularity_weight, "ranker": ranker}
    elif (llm_spec, rerank, fusion, seed_weight, attribute_weight) != ("none", "none", "relative", 0.0, 0.0):
        raise click.UsageError("--llm, --rerank, --fusion, --seed-weight and --attribute-weight apply to --agent")
    results = evaluate(dataset, db, table, out, kind=kind, limit=limit, hybrid=hybrid, progress=progress, agent=agent,
                       history=history, holdout=holdout, spoken=spoken, tags_k=tags_k, tag_glosses=tag_glosses,
                       text_encoders=text_encoders)
    for variant, metrics in results["metrics"].items():
        if metrics:
            shown = ", ".join(f"{name} {value:.3f}" for name, value in metrics.items())
            click.echo(f"{variant}: {shown}")
    total = results["latency"].get("total", {})
    if total:
        click.echo(f"latency per query: p50 {total['p50_ms']:.1f} ms, p95 {total['p95_ms']:.1f} ms")
    if "spoken" in results:
        facts = results["spoken"]
        ratio = facts["r10_spoken_over_typed"]
        click.echo(f"spoken ({facts['whisper']}, {facts['clips']} clips): WER {facts['wer']:.2%}, "
                   f"R@10 spoken / typed {ratio:.2f}" if ratio is not None else "R@10 typed is 0")
    click.echo(f"report: {out}/report.md")


def _intents(suite: str, db: str, table: str, split: str | None, limit: int | None, llm_spec: str,
             min_pass: float | None, out: str, progress: bool, translate: str = "auto") -> None:
    """``xmr eval --intents``: load the suite, open every table it names (before running any
    case), build each table's agent as ``xmr ask`` does, run, report, and apply --min-pass."""
    from xmr_agent.assembly import AgentOptions, build_agent, open_catalog
    from xmr_agent.errors import ConfigError, StoreError
    from xmr_agent.eval.evaluate import machine
    from xmr_agent.eval.intents import load_suite
    from xmr_agent.eval.intents_run import (
        intent_results,
        run_suite,
        select,
        tables_needed,
        unknown_ids,
        write_intent_report,
    )
    from xmr_agent.llm import get_llm
    from xmr_agent.progress import progress_bar

    cases = select(load_suite(suite), split=split, limit=limit)
    if not cases:
        raise ConfigError(f"the suite {suite} has no cases in split {split!r}")
    catalogs = {}
    for name, ids in tables_needed(cases, table).items():
        try:
            catalogs[name] = open_catalog(db, name)
        except StoreError as e:
            shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
            raise ConfigError(f"cases {shown} need table {name!r}: {e}") from e
    options = AgentOptions(llm=get_llm(llm_spec), translate=translate)
    agents = {name: build_agent(catalog, options, notify=warn) for name, catalog in catalogs.items()}
    unknown = unknown_ids(cases, table, agents)
    if unknown:
        raise ConfigError("expectations name items that are not in their table; nothing was run:\n  "
                          + "\n  ".join(unknown))
    with progress_bar(progress, len(cases), "intents") as advance:
        outcomes = run_suite(cases, agents.__getitem__, default_table=table, on_case=lambda _: advance(1))
    reader = next((a.rewriter.translator for a in agents.values() if a.rewriter.translator is not None), None)
    results = intent_results(suite, outcomes, {"db": db, "tables": sorted(agents), "llm": llm_spec,
                                              "translate": repr(reader) if reader else "none",
                                              "split": split or "all", "machine": machine()})
    write_intent_report(results, out)
    _print_rates(results)
    click.echo(f"report: {out}/report.md")
    rate = results["overall"]["rate"]
    if min_pass is not None and rate < min_pass:
        click.secho(f"pass rate {rate:.1%} is below --min-pass {min_pass:.1%}", fg="red", err=True)
        sys.exit(1)


def _print_rates(results: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    from xmr_agent.eval.intents_run import rate_rows

    shown = Table("group", "n", "passed", "rate", "± s.e.", title=f"intents: {Path(results['suite']).name}")
    for label, row in rate_rows(results):
        shown.add_row(label, str(row["n"]), str(row["passed"]), f"{row['rate']:.1%}", f"{row['se']:.1%}")
    Console().print(shown)
