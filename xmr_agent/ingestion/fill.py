"""Filling the new vector columns of a backfill: passes over snapshots of the table, each batch
encoded by an engine and written by id (see :mod:`xmr_agent.ingestion.backfill` for the steps)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from xmr_agent.ingestion.embedding import Items, Prepared, PreparedStream, inputs_of
from xmr_agent.ingestion.engines import Engine
from xmr_agent.ingestion.video import VideoStage
from xmr_agent.media.video import Keyframes
from xmr_agent.progress import progress_bar
from xmr_agent.store.catalog import (
    NULL_VECTORS,
    Catalog,
)
from xmr_agent.store.columns import KEYFRAMES_COLUMN, keyframe_column
from xmr_agent.store.filters import ids_in
from xmr_agent.store.specs import (
    VectorSpec,
)
from xmr_agent.types import BadRecord

#: Passes over newer snapshots, for rows that writers added during the previous pass.
MAX_PASSES = 3


@dataclass(frozen=True)
class Target:
    """One column a backfill fills."""

    spec: VectorSpec
    state: str  #: "new" (added by this run), "pending" (added by an earlier, unfinished run), "fill" (searchable)
    replaces: tuple[str, ...] = ()


@dataclass
class BackfillReport:
    """What a backfill did."""

    columns: dict[str, str]  #: column → "added", "added, replaces …", "filled"
    scanned: int = 0  #: rows read that lacked a vector
    encoded: int = 0  #: rows given a vector
    empty: int = 0  #: rows with nothing to embed for the column (e.g. no image): left empty
    passes: int = 0
    retired: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()
    bad: list[BadRecord] = field(default_factory=list)
    rows: int = 0
    version: int | None = None  #: the table version after the run

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        return {"columns": self.columns, "scanned": self.scanned, "encoded": self.encoded, "empty": self.empty,
                "passes": self.passes, "retired": list(self.retired), "dropped": list(self.dropped),
                "skipped": [{"id": b.id, "reason": b.reason} for b in self.bad], "rows": self.rows,
                "version": self.version}


@dataclass
class Filler:
    """Passes over snapshots of the table, filling the target columns where they are empty."""

    catalog: Catalog
    view: Catalog  # the same table, with only the target columns as vectors
    engine: Engine
    batch_size: int
    keyframes: Keyframes
    report: BackfillReport
    attempted: set[str] = field(default_factory=set)  # ids read by this run
    unfilled: set[str] = field(default_factory=set)  # of those, the ones left empty (nothing to embed, or bad)
    times: dict[str, str] = field(default_factory=dict)  # video item → its keyframe times (JSON), stored or new
    hashes: dict[str, str] = field(default_factory=dict)  # id → embedded-inputs hash when this run read it
    redo: set[str] = field(default_factory=set)  # rows of this pass whose stored vectors are stale

    def run(self, progress: bool) -> None:
        for _ in range(MAX_PASSES):
            if not self._pass(progress, self._stale()):
                return

    def _stale(self) -> set[str]:
        """Rows embedded by this run that a writer changed since (their embedded-inputs hash moved)."""
        if not self.hashes:
            return set()
        now = self.catalog.db.open_table(self.catalog.name).search().select(["id", "_embed_hash"]).to_arrow()
        pairs = zip(now["id"].to_pylist(), now["_embed_hash"].to_pylist(), strict=True)
        stale = {i for i, h in pairs if i in self.hashes and self.hashes[i] != h}
        self.attempted -= stale
        self.unfilled -= stale
        return stale

    def _pass(self, progress: bool, stale: set[str]) -> bool:
        """One pass over the latest snapshot: rows with an empty target column, and ``stale`` rows;
        False when it found none this run had not tried."""
        snapshot = self.catalog.db.open_table(self.catalog.name)
        names = set(snapshot.schema.names)
        columns = list(self.view.vectors)
        where = " OR ".join(f"{c} IS NULL" for c in columns)
        todo = snapshot.count_rows(where) - len(self.unfilled) + len(stale)  # rows this run has not read yet
        if todo <= 0 and self.report.passes:
            return False
        if stale:
            where = f"({where}) OR {ids_in(sorted(stale))}"
        self.redo = stale
        wanted = ["id", "_embed_hash", *columns, *self._inputs(names)]
        reader = snapshot.search().where(where).select(wanted).to_batches(self.batch_size)
        tried = False
        with progress_bar(progress, max(todo, 0), f"backfilling {', '.join(columns)}") as advance:
            for batch, embedded, rejected in self.engine.embed(self.view, self._prepared(reader)):
                tried = tried or bool(batch.items)
                self._write(batch, embedded, rejected)
                advance(len(batch.items))
        self.report.passes += tried
        return tried

    def _inputs(self, names: set[str]) -> list[str]:
        """The columns the target encoders read (video items: also the video and its keyframe times)."""
        needed: list[str] = []
        for spec in self.view.vectors.values():
            needed += inputs_of(spec, names)
            if spec.field == "image":
                needed += [c for c in ("video", KEYFRAMES_COLUMN) if c in names]
        return [c for c in dict.fromkeys(needed) if c in names and c != "id"]

    def _prepared(self, reader: pa.RecordBatchReader) -> PreparedStream:
        video = VideoStage(self.view, self.keyframes)
        for record_batch in reader:
            rows = pa.Table.from_batches([record_batch])
            ids = rows["id"].to_pylist()
            fresh = pa.array([i not in self.attempted for i in ids])
            rows = rows.filter(fresh)
            self.attempted.update(ids)
            self.hashes.update(zip(rows["id"].to_pylist(), rows["_embed_hash"].to_pylist(), strict=True))
            self.report.scanned += rows.num_rows
            known = self._known(rows)
            rows = rows.drop_columns(list(self.view.vectors))
            dicts = rows.to_pylist()
            rows_seen = [dict(r) for r in dicts]
            found = video.process(rows_seen) if video.visual else None
            failures = dict(found.failures) if found else {}
            if found:
                failures.update(_keyframe_mismatches(dicts, found))
                for stored, row in zip(dicts, rows_seen, strict=True):  # a video ingested with no image column
                    if row.get(KEYFRAMES_COLUMN):                       # gets its keyframe times now
                        self.times[row["id"]] = stored.get(KEYFRAMES_COLUMN) or row[KEYFRAMES_COLUMN]
            for column, pooled in (found.pooled.items() if found else ()):
                known.setdefault(column, {}).update({i: v for i, v in pooled.items() if i not in failures})
            self.report.bad.extend(BadRecord(self.catalog.name, None, reason, i) for i, reason in failures.items())
            self.unfilled.update(failures)
            keep = pa.array([r["id"] not in failures for r in dicts])
            items: Items = {r["id"]: (None, r) for r in dicts if r["id"] not in failures}
            yield Prepared(items, record_batch.num_rows, rows.filter(keep), known, found)

    def _known(self, rows: pa.Table) -> dict[str, dict[str, np.ndarray]]:
        """Vectors the rows have already in the target columns (not recomputed)."""
        known: dict[str, dict[str, np.ndarray]] = {}
        ids = rows["id"].to_pylist()
        for column in self.view.vectors:
            values = rows[column].to_pylist()
            known[column] = {i: np.asarray(v, np.float32) for i, v in zip(ids, values, strict=True)
                             if v is not None and i not in self.redo}
        return known

    def _write(self, batch: Prepared, embedded: pa.Table, rejected: Mapping[str, str]) -> None:
        self.report.bad.extend(BadRecord(self.catalog.name, None, reason, i) for i, reason in rejected.items())
        self.unfilled.update(rejected)
        if not embedded.num_rows:
            return
        columns = list(self.view.vectors)
        if batch.found is not None:
            video = VideoStage(self.view, self.keyframes)
            embedded = video.with_keyframes(embedded, batch.found, self.view)
        extra = [keyframe_column(c) for c in columns if keyframe_column(c) in embedded.column_names]
        filled = np.zeros(embedded.num_rows, dtype=bool)
        for column in columns:
            filled |= ~np.asarray(embedded[column].is_null().to_numpy(zero_copy_only=False))
        self.report.empty += int((~filled).sum())
        self.unfilled.update(embedded.filter(pa.array(~filled))["id"].to_pylist())
        out = embedded.select(["id", *columns, *extra]).filter(pa.array(filled))
        times = [self.times.get(i) for i in out["id"].to_pylist()]
        if any(times):
            if KEYFRAMES_COLUMN not in self.catalog.column_names():
                self.catalog.add_columns([pa.field(KEYFRAMES_COLUMN, pa.string())])
            out = out.append_column(KEYFRAMES_COLUMN, pa.array(times, pa.string()))
        if out.num_rows:
            self.catalog.lance.merge_insert("id").when_matched_update_all().execute(out, on_bad_vectors=NULL_VECTORS)
            self.report.encoded += out.num_rows


def _keyframe_mismatches(rows: Sequence[Mapping[str, Any]], found: Any) -> dict[str, str]:
    """Video items whose keyframes now fall at other times than the stored ones (other keyframe settings)."""
    bad = {}
    for row in rows:
        stored = row.get(KEYFRAMES_COLUMN)
        frames = next((f[row["id"]] for f in found.frames.values() if row["id"] in f), None)
        if not stored or frames is None:
            continue
        times = [entry.get("time") for entry in json.loads(stored)]
        if len(times) != len(frames):
            bad[row["id"]] = (f"video: {len(frames)} keyframes with these settings, {len(times)} stored; "
                              "give the keyframe settings the ingest used")
    return bad
