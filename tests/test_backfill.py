"""Backfill and re-embedding (``xmr backfill``): new columns, upgrades, resume, readers, writers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pyarrow as pa
import pytest
from click.testing import CliRunner
from helpers import ITEMS, write_jsonl
from test_media_ingest import FakeImageEncoder, write_catalogue

from xmr_agent.cli import main
from xmr_agent.errors import ConfigError, EncoderMismatch, EncoderNotFound, StoreError
from xmr_agent.ingestion.backfill import backfill, iter_columns
from xmr_agent.ingestion.pipeline import ingest
from xmr_agent.store.catalog import Catalog
from xmr_agent.testing import FakeEncoder

IMAGE = "vec__image__fake_image"


class OtherText(FakeEncoder):
    """Another text encoder (another name), for a column beside the first."""

    name: ClassVar[str] = "other-text"


class Crashy(FakeEncoder):
    """A FakeEncoder that crashes on its call number ``crash_at`` (not part of its settings) and
    can run a hook before each call."""

    def __init__(self, dim: int = 64, *, space: str = "fake", crash_at: int | None = None, hook: Any = None) -> None:
        super().__init__(dim, space=space)
        self.crash_at, self.hook, self.items = crash_at, hook, 0

    def _encode(self, items: list[Any], modality: str, role: str) -> np.ndarray:
        if self.hook is not None:
            self.hook(self.calls)
        if self.calls + 1 == self.crash_at:
            raise RuntimeError("killed on purpose")
        self.items += len(items)
        return super()._encode(items, modality, role)


def _column(db: Path, table: str, column: str) -> dict[str, Any]:
    arrow = Catalog.open(db, table).table.to_arrow()
    return dict(zip(arrow["id"].to_pylist(), arrow[column].to_pylist(), strict=True))


def _many(n: int) -> list[dict[str, Any]]:
    return [{"id": f"i{k:04d}", "title": f"item {k}", "text": f"words number {k} and colour {k % 7}"} for k in range(n)]


def test_a_new_image_column_equals_a_fresh_ingest_and_the_next_ingest_changes_nothing(tmp_path: Path) -> None:
    source = write_catalogue(tmp_path)  # a, c: good images; b: rejected by the encoder; d: no image
    ingest(source, tmp_path / "db", "t", vectors={"text": FakeEncoder()})
    before = _column(tmp_path / "db", "t", "vec__text__fake")

    report = backfill(tmp_path / "db", "t", {"image": FakeImageEncoder()})
    assert report.columns == {IMAGE: "added"}
    assert (report.encoded, report.empty, [(b.id, b.reason) for b in report.bad]) == (2, 1, [("b", "image: not an image")])
    assert report.rows == 4 and report.passes == 1

    fresh = tmp_path / "fresh"
    ingest(source, fresh, "t", vectors={"text": FakeEncoder(), "image": FakeImageEncoder()})
    filled, expected = _column(tmp_path / "db", "t", IMAGE), _column(fresh, "t", IMAGE)
    assert filled["a"] == expected["a"] and filled["c"] == expected["c"] and filled["d"] is None
    assert filled["b"] is None  # rejected: reported, the row and its other vectors stay
    assert _column(tmp_path / "db", "t", "vec__text__fake") == before

    catalog = Catalog.open(tmp_path / "db", "t")
    assert set(catalog.vectors) == {"vec__text__fake", IMAGE}
    hits = catalog.search(str(tmp_path / "c.jpg"), modality="image", k=1)
    assert hits[0].id == "c"

    # The stored hashes did not change: the same catalogue again embeds nothing, with or without encoders.
    images = FakeImageEncoder()
    again = ingest(source, tmp_path / "db", "t", vectors={"text": FakeEncoder(), "image": images})
    assert (again.unchanged, again.inserted, again.updated) == (4, 0, 0) and images.seen == []
    assert ingest(source, tmp_path / "db", "t").unchanged == 4
    # A changed item is re-embedded in every column, the new one included.
    rows = [json.loads(line) for line in source.read_text().splitlines()]
    rows[2]["title"] = "cherry, renamed"
    write_jsonl(source, rows)
    changed = ingest(source, tmp_path / "db", "t", vectors={"text": FakeEncoder(), "image": images})
    assert (changed.updated, images.seen) == (1, ["c.jpg"])


def test_reembedding_with_other_settings_switches_readers_in_one_commit(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "c.jsonl", ITEMS)
    ingest(source, tmp_path / "db", "t", vectors={"text": FakeEncoder(64)})
    reader = Catalog.open(tmp_path / "db", "t")  # opened before: keeps its version
    seen_during: list[set[str]] = []

    def look(_: int) -> None:  # while the new column fills, a new reader searches the old column only
        during = Catalog.open(tmp_path / "db", "t")
        seen_during.append(set(during.vectors))
        assert during.search("calm piano", k=1)[0].id == "piano"

    report = backfill(tmp_path / "db", "t", {"text": Crashy(32, hook=look)}, batch_size=2)
    (column,) = report.columns
    assert column.startswith("vec__text__fake__") and report.columns[column] == "added, replaces vec__text__fake"
    assert report.retired == ("vec__text__fake",) and report.dropped == ("vec__text__fake",)
    assert seen_during == [{"vec__text__fake"}] * 3

    after = Catalog.open(tmp_path / "db", "t")
    assert set(after.vectors) == {column} and after.vectors[column].dim == 32
    assert "vec__text__fake" not in after.schema().names
    assert after.search("calm piano", k=1)[0].id == "piano"
    assert reader.search("calm piano", k=1)[0].id == "piano"  # the old version still answers
    assert reader.vectors["vec__text__fake"].dim == 64

    assert ingest(source, tmp_path / "db", "t", vectors={"text": FakeEncoder(32)}).unchanged == len(ITEMS)
    with pytest.raises(EncoderMismatch, match="xmr backfill"):
        ingest(source, tmp_path / "db", "t", vectors={"text": FakeEncoder(64)})


def test_keep_old_and_replace_retire_a_column_without_dropping_it(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "c.jsonl", ITEMS)
    ingest(source, tmp_path / "db", "t", vectors={"text": FakeEncoder()})
    with pytest.raises(ConfigError, match="cannot replace 'vec__nope'"):
        backfill(tmp_path / "db", "t", {"text": OtherText()}, replace=["vec__nope"])
    report = backfill(tmp_path / "db", "t", {"text": OtherText()}, replace=["vec__text__fake"], keep_old=True)
    assert report.columns == {"vec__text__other_text": "added, replaces vec__text__fake"} and report.dropped == ()
    catalog = Catalog.open(tmp_path / "db", "t")
    assert set(catalog.vectors) == {"vec__text__other_text"}
    assert dict(iter_columns(catalog)) == {"vec__text__fake": "retired", "vec__text__other_text": "searchable"}
    assert _column(tmp_path / "db", "t", "vec__text__fake")["bike"] is not None  # kept, not searched


def test_a_killed_backfill_resumes_and_embeds_each_row_once(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "c.jsonl", _many(300))
    ingest(source, tmp_path / "db", "t", vectors={"text": FakeEncoder()})
    with pytest.raises(RuntimeError, match="killed on purpose"):
        backfill(tmp_path / "db", "t", {"text": Crashy(16, crash_at=5)}, batch_size=25)
    catalog = Catalog.open(tmp_path / "db", "t")
    (pending,) = [c for c, state in iter_columns(catalog) if state == "pending"]
    assert set(catalog.vectors) == {"vec__text__fake"}  # readers do not see the unfinished column
    done = sum(v is not None for v in _column(tmp_path / "db", "t", pending).values())
    assert done == 4 * 25

    with pytest.raises(StoreError, match="unfinished backfill with other settings"):
        backfill(tmp_path / "db", "t", {"text": Crashy(8)})
    rerun = Crashy(16)
    report = backfill(tmp_path / "db", "t", {"text": rerun}, batch_size=25)
    assert report.columns == {pending: "resumed, replaces vec__text__fake"}
    assert rerun.items == report.encoded == 300 - done
    assert all(v is not None for v in _column(tmp_path / "db", "t", pending).values())
    assert set(Catalog.open(tmp_path / "db", "t").vectors) == {pending}


def test_restart_drops_an_unfinished_backfill_with_other_settings(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "c.jsonl", _many(60))
    ingest(source, tmp_path / "db", "t", vectors={"text": FakeEncoder()})
    with pytest.raises(RuntimeError):
        backfill(tmp_path / "db", "t", {"text": Crashy(16, crash_at=2)}, batch_size=20)
    report = backfill(tmp_path / "db", "t", {"text": OtherText()}, restart=True)
    assert report.columns == {"vec__text__other_text": "added"}
    fresh = Crashy(8)
    report = backfill(tmp_path / "db", "t", {"text": fresh}, batch_size=20, restart=True)
    assert fresh.items == 60 and report.columns[next(iter(report.columns))].startswith("added")


def test_rows_a_writer_adds_during_the_backfill_are_filled_by_a_later_pass(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "c.jsonl", _many(100))
    ingest(source, tmp_path / "db", "t", vectors={"text": FakeEncoder()})
    late = write_jsonl(tmp_path / "late.jsonl", [{"id": "late-1", "title": "late one"}, {"id": "i0003", "title": "changed"}])

    def write_meanwhile(call: int) -> None:
        if call == 1:
            ingest(late, tmp_path / "db", "t")  # another writer: knows nothing of the pending column

    report = backfill(tmp_path / "db", "t", {"text": Crashy(16, hook=write_meanwhile)}, batch_size=30)
    (column,) = report.columns
    values = _column(tmp_path / "db", "t", column)
    assert len(values) == 101 and all(v is not None for v in values.values())
    assert report.passes == 2
    expected = FakeEncoder(16).encode(["changed"], modality="text", role="document")[0]
    assert np.allclose(values["i0003"], expected)  # changed by the writer after it was embedded: embedded again
    assert np.allclose(values["late-1"], FakeEncoder(16).encode(["late one"], modality="text", role="document")[0])


def test_a_column_in_place_fills_only_its_empty_rows(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "c.jsonl", ITEMS)
    ingest(source, tmp_path / "db", "t", vectors={"text": FakeEncoder()})
    table = Catalog.open(tmp_path / "db", "t").table
    empty = pa.table({"id": ["tent"], "vec__text__fake": pa.array([None], pa.list_(pa.float32(), 64))})
    table.merge_insert("id").when_matched_update_all().execute(empty, on_bad_vectors="null")
    encoder = Crashy(64)
    report = backfill(tmp_path / "db", "t", {"text": encoder})
    assert report.columns == {"vec__text__fake": "filled"} and report.encoded == encoder.items == 1
    assert report.retired == ()
    hits = Catalog.open(tmp_path / "db", "t").search("light tent camping mountains", k=1)
    assert hits[0].id == "tent"


def test_bad_requests_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "c.jsonl", ITEMS)
    with pytest.raises(StoreError, match="no database"):
        backfill(tmp_path / "db", "t", {"text": FakeEncoder()})
    ingest(source, tmp_path / "db", "t", vectors={"text": FakeEncoder()})
    version = Catalog.open(tmp_path / "db", "t").table.version
    cases = [
        ({"image": FakeEncoder(8)}, "does not embed image"),
        ({"video": FakeImageEncoder()}, "keyframes by the image column"),
        ({"summary": OtherText()}, "no field 'summary'"),
        ({"audio": FakeImageEncoder()}, "does not embed audio"),
        ({}, "nothing to backfill"),
    ]
    for vectors, message in cases:
        with pytest.raises(ConfigError, match=message):
            backfill(tmp_path / "db", "t", vectors)
    with pytest.raises(EncoderNotFound, match="no encoder named .no-such-encoder."):
        backfill(tmp_path / "db", "t", {"text": "no-such-encoder"})
    assert Catalog.open(tmp_path / "db", "t").table.version == version


def test_xmr_backfill_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = write_catalogue(tmp_path)
    ingest(source, tmp_path / "db", "t", vectors={"text": FakeEncoder()})
    monkeypatch.syspath_prepend(str(Path(__file__).parent))
    args = ["backfill", "--db", str(tmp_path / "db"), "--table", "t", "--no-progress",
            "--encoder", "image=test_media_ingest:FakeImageEncoder", "--report", str(tmp_path / "r.json")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 3, result.output  # b's image was rejected: listed, exit 3
    assert f"{IMAGE}: added" in result.output and "2 rows embedded" in result.output
    assert "skipped t (id 'b'): image: not an image" in result.output
    saved = json.loads((tmp_path / "r.json").read_text())
    assert saved["encoded"] == 2 and saved["skipped"] == [{"id": "b", "reason": "image: not an image"}]
    info = CliRunner().invoke(main, ["info", "--db", str(tmp_path / "db"), "--table", "t"])
    assert f"vector {IMAGE}: field 'image', encoder 'fake-image'" in info.output
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 3 and f"{IMAGE}: filled" in again.output and "0 rows embedded" in again.output
