"""``xmr train``: learn the recommender's ranker from past dialogues or an interaction log, saved
next to the table."""

from __future__ import annotations

import click

from xmr_agent.cli.options import DB_OPTION, TABLE_OPTION


@click.command()
@DB_OPTION
@TABLE_OPTION
@click.option("--dialogues", type=click.Path(exists=True, dir_okay=False),
              help="Past dialogues (JSONL, ReDial turns: dialog_id, turn_id, context, entity, rec; names matched "
                   "against titles). The items recommended in a turn are what the ranker learns to put first.")
@click.option("--interactions", type=click.Path(exists=True, dir_okay=False),
              help="An interaction log (JSONL: user, item, rating or like, time), as `xmr ask --interactions` reads. "
                   "Each user's next liked item is what the ranker learns to put first, from the items before it.")
@click.option("--holdout", type=click.FloatRange(0.0, 1.0, min_open=True),
              help="Leave out this fraction of dialogues (the stable split of `xmr eval --holdout`), to score them later.")
@click.option("--limit", type=click.IntRange(1), help="Learn from the first N turns only.")
@click.option("-C", "c", default=None, type=click.FloatRange(0, min_open=True),
              help="Inverse regularisation of the logistic regression (default: the value measured best).")
@click.option("--sentiment/--no-sentiment", default=False, show_default=True,
              help="Also learn from the mentions the user spoke well or ill of, offers turned down among them "
                   "(no measurable gain on ReDial, docs/benchmarks.md: off by default).")
@click.option("--out", type=click.Path(dir_okay=False), help="Ranker file (default: <db>/<table>.ranker.json, "
              "which ask, chat, serve, mcp and eval use when given logs).")
@click.option("--progress/--no-progress", default=True, show_default=True)
def train(db: str, table: str, dialogues: str | None, interactions: str | None, holdout: float | None,
          limit: int | None, c: float | None, sentiment: bool, out: str | None, progress: bool) -> None:
    """Learn a ranker (logistic regression over per-candidate features of every signal) from past
    dialogues and/or an interaction log."""
    import json

    from xmr_agent.agent.learn import dialogue_turns, interaction_turns, train_ranker
    from xmr_agent.agent.pipeline import Agent
    from xmr_agent.eval.datasets import in_holdout
    from xmr_agent.progress import progress_bar
    from xmr_agent.recommend.features import DEFAULT_FEATURES, FEATURES
    from xmr_agent.recommend.profile import read_interactions
    from xmr_agent.recommend.ranker import DEFAULT_C, ranker_path
    from xmr_agent.recommend.signals import title_index
    from xmr_agent.store.catalog import Catalog

    if dialogues is None and interactions is None:
        raise click.UsageError("give --dialogues, --interactions or both: the logs the ranker learns from")
    catalog = Catalog.open(db, table)
    agent = Agent(catalog, hard_categories=False)
    turns = dialogue_turns(dialogues, title_index(catalog)) if dialogues else []
    turns += interaction_turns(read_interactions(interactions)[0]) if interactions else []
    skip = {t.dialog for t in turns if holdout is not None and in_holdout(t.dialog, holdout)}
    total = min(limit or len(turns), sum(t.dialog not in skip for t in turns))
    with progress_bar(progress, total, "learning from turns") as advance:
        ranker = train_ranker(agent, dialogues, interactions=interactions, c=c or DEFAULT_C, skip=skip, limit=limit,
                              features=FEATURES if sentiment else DEFAULT_FEATURES, on_turn=lambda: advance(1))
    ranker.summary["holdout"] = holdout
    path = ranker.save(out or ranker_path(catalog.uri, table))
    click.echo(json.dumps(ranker.summary))
    click.echo(f"ranker: {path}")
