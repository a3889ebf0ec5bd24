"""``xmr backfill``: add or re-embed a vector column of a table that exists."""

from __future__ import annotations

import click

from xmr_agent.cli.options import (
    DB_OPTION,
    TABLE_OPTION,
    engine_options,
    finish,
    keyframe_options,
    make_engine,
    make_keyframes,
    pairs,
)


@click.command()
@DB_OPTION
@TABLE_OPTION
@click.option("--encoder", "encoders_", multiple=True, required=True, metavar="FIELD=NAME",
              help="Fill FIELD's vectors with encoder NAME (text=e5-multilingual, image=efficientnet-lite0, ...). Repeatable.")
@click.option("--replace", multiple=True, metavar="COLUMN",
              help="A vector column the new one replaces: no longer searched once the new one is in place. Repeatable. "
                   "(The same encoder with other settings replaces its old column by itself.)")
@click.option("--keep-old", is_flag=True, help="Keep replaced columns in the table (not searched) instead of dropping them.")
@click.option("--restart", is_flag=True, help="Drop what an unfinished backfill with other settings left, and start again.")
@click.option("--batch-size", default=256, show_default=True, type=click.IntRange(1))
@click.option("--ann-threshold", default=50_000, show_default=True, type=click.IntRange(1),
              help="Build the new column's ANN index (before it is searched) when the table has this many rows.")
@keyframe_options
@engine_options
@click.option("--report", type=click.Path(dir_okay=False), help="Write the backfill report as JSON here.")
@click.option("--progress/--no-progress", default=True, show_default=True)
def backfill(db: str, table: str, encoders_: tuple[str, ...], replace: tuple[str, ...], keep_old: bool,
             restart: bool, batch_size: int, ann_threshold: int, keyframe_every: float, max_keyframes: int,
             scene_change: bool, engine: str, address: str | None, actors: int | None, report: str | None,
             progress: bool) -> None:
    """Add a vector column to a table, or re-embed one, from what the table stores.

    Readers keep searching the table as it was until the new column is complete; then one commit
    switches them over. A killed run resumes where it stopped when run again. Examples:

    \b
      xmr backfill --encoder image=efficientnet-lite0 --db .xmr --table shop
      xmr backfill --encoder text=e5-multilingual --replace vec__text__text --db .xmr --table shop
      xmr backfill --encoder image=clip --db s3://bucket/xmr --table shop --engine ray --address auto

    Exit status 3 means some rows got no vector (they are listed).
    """
    from xmr_agent.ingestion.backfill import backfill as run_backfill

    result = run_backfill(db, table, pairs(encoders_, "--encoder"), replace=replace, keep_old=keep_old,
                          restart=restart, engine=make_engine(engine, address, actors), batch_size=batch_size,
                          keyframes=make_keyframes(keyframe_every, max_keyframes, scene_change),
                          ann_threshold=ann_threshold, progress=progress)
    for column, what in result.columns.items():
        click.echo(f"{column}: {what}")
    click.echo(f"{result.encoded} rows embedded, {result.empty} with nothing to embed, {len(result.bad)} skipped, "
               f"in {result.passes} pass(es); table {table!r} has {result.rows} rows (version {result.version})")
    if result.dropped:
        click.echo(f"dropped {', '.join(result.dropped)}")
    elif result.retired:
        click.echo(f"kept, no longer searched: {', '.join(result.retired)}")
    finish(result.bad, result.to_dict(), report)
