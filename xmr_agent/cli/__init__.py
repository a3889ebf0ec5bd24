"""The ``xmr`` command: a thin layer that parses options and calls the library.

Heavy modules (lancedb, pyarrow, torch) are imported inside the commands, so ``xmr --help``
stays fast.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import click

from xmr_agent.cli.options import (
    DB_OPTION,
    EXIT_SKIPPED,
    TABLE_OPTION,
    encoder_pairs,
    engine_options,
    finish,
    keyframe_options,
    make_engine,
    make_keyframes,
    warn,
)
from xmr_agent.cli.options import pairs as _pairs
from xmr_agent.cli.warm import describe_path
from xmr_agent.errors import XmrError

__all__ = ["EXIT_SKIPPED", "main"]


class _Group(click.Group):
    """Turns xmr-agent errors into one clear line and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except XmrError as e:
            click.secho(f"error: {e}", fg="red", err=True)
            sys.exit(1)
        except BrokenPipeError:  # `xmr info | head -1`: the reader has gone; stop quietly, as a killed tool
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # the interpreter's last flush must not fail again
            sys.exit(128 + 13)  # what a shell reports for a command ended by SIGPIPE
        except OSError as e:  # disk full, a read-only folder, a permission: one line, not a traceback
            where = f" ({e.filename})" if e.filename else ""
            click.secho(f"error: {e.strerror or e}{where}", fg="red", err=True)
            sys.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="xmr-agent")
def main() -> None:
    """Cross-modal retrieval and recommendation over LanceDB."""


@main.command()
def encoders() -> None:
    """List installed encoder plugins: name, modalities, space, dim, and whether each loads."""
    from rich.console import Console
    from rich.table import Table

    from xmr_agent.encoders.registry import describe_encoders

    table = Table("name", "modalities", "space", "dim", "available", "from")
    for row in describe_encoders():
        table.add_row(
            row["name"], ", ".join(row["modalities"]), row["space"], str(row["dim"] or "?"),
            "yes" if row["available"] else f"no: {row['reason']}", row["target"],
        )
    Console().print(table)


@main.command()
@click.argument("catalog", type=click.Path(exists=True))
@DB_OPTION
@TABLE_OPTION
@click.option("--encoder", "encoders_", multiple=True, metavar="FIELD=NAME",
              help="Embed FIELD with encoder NAME (default: text=text and text=e5-multilingual, each request "
                   "searched by the one for its language, and image=efficientnet-lite0 when items have images; a "
                   "table keeps its own). Repeatable; a field named twice gets a column per encoder.")
@click.option("--id-field", help="Source field holding the item id (default: id; a table keeps its own).")
@click.option("--title-field", help="Source field holding the title (default: title; a table keeps its own).")
@click.option("--text-field", "text_fields", multiple=True, metavar="FIELD",
              help="Source field(s) composed into the item text (default: every descriptive text column; a table "
                   "keeps its own). Repeatable.")
@click.option("--type", "types", multiple=True, metavar="COLUMN=TYPE",
              help="Column type instead of inferring it: str, int, float, bool, list[str], list[int], "
                   "list[float]. Repeatable.")
@click.option("--tags", "tagger", metavar="ENCODER",
              help="Tag each item's image with this classifier (e.g. efficientnet-lite0); tags are stored "
                   "as image_tags and embedded with the text.")
@click.option("--tags-k", type=click.IntRange(1, 50), help="Labels kept per image (default 10).")
@click.option("--transcribe", metavar="WHISPER",
              help="Transcribe each item's audio (e.g. base, tiny.en, a CTranslate2 folder): the transcript, its "
                   "segments with timestamps and the language are stored, embedded with the text and full-text indexed.")
@keyframe_options
@click.option("--batch-size", default=256, show_default=True, type=click.IntRange(1))
@click.option("--ann-threshold", default=50_000, show_default=True, type=click.IntRange(1),
              help="Build an ANN index once the table has this many rows.")
@click.option("--report", type=click.Path(dir_okay=False), help="Write the ingest report as JSON here.")
@click.option("--encoding", help="Text encoding of the catalogue file (default: UTF-8, or detected when it is not).")
@click.option("--sync", is_flag=True, help="Then remove the table's items that CATALOG no longer has.")
@click.option("--dry-run", is_flag=True, help="With --sync: only list the items that would be removed; write nothing.")
@click.option("--progress/--no-progress", default=True, show_default=True)
@engine_options
def ingest(catalog: str, db: str, table: str, encoders_: tuple[str, ...], id_field: str, title_field: str,
           text_fields: tuple[str, ...], types: tuple[str, ...], tagger: str | None, tags_k: int, transcribe: str | None,
           keyframe_every: float, max_keyframes: int, scene_change: bool, batch_size: int, ann_threshold: int,
           report: str | None, encoding: str | None, sync: bool, dry_run: bool, progress: bool, engine: str,
           address: str | None, actors: int | None) -> None:
    """Ingest CATALOG (.jsonl, .csv, .json or a folder) into a table; upserts by id.

    --db may be an S3 URI (s3://bucket/path): the endpoint, region and keys come from the
    environment (docs/scale.md). Exit status 3 means some records were skipped (they are listed).
    """
    from xmr_agent.ingestion.pipeline import ingest as run_ingest
    from xmr_agent.ingestion.pipeline import preview_sync
    from xmr_agent.ingestion.readers import FieldMap

    fields = None
    if id_field or title_field or text_fields:
        fields = FieldMap(id=id_field or "id", title=title_field or "title", text=text_fields)  # () → found
    if dry_run:
        if not sync:
            raise click.UsageError("--dry-run goes with --sync (it lists what a sync would remove)")
        click.echo(preview_sync(catalog, db, table, fields=fields, encoding=encoding).describe(table))
        return
    result = run_ingest(catalog, db, table, vectors=encoder_pairs(encoders_) or None, fields=fields,
                        batch_size=batch_size, ann_threshold=ann_threshold, tags=tagger, tags_k=tags_k,
                        transcribe=transcribe, progress=progress, engine=make_engine(engine, address, actors),
                        keyframes=make_keyframes(keyframe_every, max_keyframes, scene_change), encoding=encoding,
                        notify=warn, sync=sync, types=_pairs(types, "--type"))
    for line in result.warnings:
        warn(f"warning: {line}")
    click.echo(result.mapping)
    click.echo(f"{result.read} read, {result.inserted} inserted, {result.updated} updated, "
               f"{result.unchanged} unchanged, {len(result.bad)} skipped"
               f"{f', {len(result.removed)} removed (no longer in the source)' if sync else ''}; "
               f"table {table!r} has {result.rows} rows")
    finish(result.bad, result.to_dict(), report)


@main.command()
@click.argument("ids", nargs=-1, required=True)
@DB_OPTION
@TABLE_OPTION
def delete(ids: tuple[str, ...], db: str, table: str) -> None:
    """Remove the items with these IDS from the table."""
    from xmr_agent.store.catalog import Catalog
    from xmr_agent.store.locks import write_lock

    with write_lock(db, table, notify=warn):
        removed = Catalog.open(db, table).delete(list(ids))
    missing = len(set(ids)) - removed
    click.echo(f"removed {removed} items from table {table!r}" + (f"; {missing} ids were not there" if missing else ""))


@main.command()
@DB_OPTION
@TABLE_OPTION
def info(db: str, table: str) -> None:
    """Show a table's rows, columns, vector columns and indexes."""
    from xmr_agent.store.catalog import Catalog

    catalog = Catalog.open(db, table)
    click.echo(f"table {table!r} in {db}: {catalog.count()} rows")
    click.echo(f"columns: {', '.join(catalog.columns())}")
    from xmr_agent.ingestion.backfill import iter_columns

    for column, state in iter_columns(catalog):
        spec = catalog.vectors.get(column)
        about = (f"field {spec.field!r}, encoder {spec.encoder!r} {spec.config}, space {spec.space!r}, dim {spec.dim}"
                 if spec else state)
        click.echo(f"vector {column}: {about}")
    for index in catalog.indexes():
        click.echo(f"index {index.name}: {index.index_type} on {', '.join(index.columns)}")
    click.echo(describe_path(db, table))


@main.command()
@click.argument("dataset", type=click.Path(exists=True))
@click.option("--out", default="reports/align", show_default=True,
              help="Folder for projection.npz, results.json and report.md.")
@click.option("--test-fraction", default=0.5, show_default=True,
              type=click.FloatRange(0, 1, min_open=True, max_open=True),
              help="Share of images (stable split by file name) held out for scoring, never fitted on.")
@click.option("--ridge", "ridges", default="0.1,1,10", show_default=True,
              help="Ridge penalties to try, comma-separated; chosen by a 2-fold split of the fit images.")
@click.option("--limit", type=click.IntRange(4), help="Use only the first N images (sorted by name).")
def align(dataset: str, out: str, test_fraction: float, ridges: str, limit: int | None) -> None:
    """Fit a linear map (ridge regression) from image vectors to text vectors on an image-text
    DATASET (images/ + captions.csv), and score it on held-out images in both directions,
    against and together with the image tags."""
    from xmr_agent.eval.align import run_align

    try:
        penalties = [float(r) for r in ridges.split(",") if r.strip()]
    except ValueError as e:
        raise click.BadParameter(f"expected numbers separated by commas: {e}", param_hint="--ridge") from e
    results = run_align(dataset, out, test_fraction=test_fraction, ridges=penalties, limit=limit,
                        on_stage=lambda stage: click.echo(f"… {stage}", err=True))
    click.echo(f"fitted on {results['images']['fit']} images, scored on {results['images']['test']}; "
               f"ridge λ = {results['ridge']['chosen']:g}")
    for route, directions in results["routes"].items():
        shown = "; ".join(f"{d.replace('_', ' ')} R@1/5/10 {m['recall@1']:.3f}/{m['recall@5']:.3f}/{m['recall@10']:.3f}"
                          for d, m in directions.items())
        click.echo(f"{route}: {shown}")
    click.echo(f"report: {out}/report.md")


@main.command()
@click.option("--sizes", default="10000,100000,1000000", show_default=True, help="Catalogue sizes, comma-separated.")
@click.option("--dim", default=384, show_default=True, type=click.IntRange(2), help="Vector dimension.")
@click.option("--queries", default=200, show_default=True, type=click.IntRange(1),
              help="Queries per size (ANN pass; also the flat pass up to 100,000 items).")
@click.option("--flat-queries", type=click.IntRange(1),
              help="Queries for the flat pass and the recall (default: all up to 100,000 items, else 100).")
@click.option("--batch-size", default=2048, show_default=True, type=click.IntRange(1))
@click.option("--out", default="reports/bench", show_default=True, help="Folder for results.json and bench.md.")
@click.option("--workdir", type=click.Path(file_okay=False), help="Where the temporary tables go (default: system temp).")
@click.option("--quiet", is_flag=True, help="No progress lines on stderr.")
def bench(sizes: str, dim: int, queries: int, flat_queries: int | None, batch_size: int, out: str,
          workdir: str | None, quiet: bool) -> None:
    """Ingest throughput, query latency, peak memory and ANN build/recall at each size, against raw LanceDB."""
    import time
    from pathlib import Path

    from xmr_agent.eval.bench import bench_markdown, run_bench

    try:
        counts = [int(s) for s in sizes.split(",") if s.strip()]
    except ValueError as e:
        raise click.BadParameter(f"expected comma-separated integers, got {sizes!r}", param_hint="--sizes") from e

    def log(message: str) -> None:
        if not quiet:
            click.echo(f"[{time.strftime('%H:%M:%S')}] {message}", err=True)

    results = run_bench(counts, dim=dim, queries=queries, batch=batch_size, workdir=workdir,
                        flat_queries=flat_queries, log=log)
    Path(out).mkdir(parents=True, exist_ok=True)
    (Path(out) / "results.json").write_text(json.dumps(results, indent=2))
    (Path(out) / "bench.md").write_text(bench_markdown(results))
    click.echo(bench_markdown(results))


def _register() -> None:
    from xmr_agent.cli.agent import ask, chat, recommend
    from xmr_agent.cli.backfill import backfill
    from xmr_agent.cli.evaluation import eval_
    from xmr_agent.cli.search import search
    from xmr_agent.cli.serve import mcp_command, serve
    from xmr_agent.cli.train import train

    for command in (search, backfill, eval_, ask, chat, recommend, serve, mcp_command, train):
        main.add_command(command)


_register()

if __name__ == "__main__":  # pragma: no cover
    main()
