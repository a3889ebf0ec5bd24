"""The agent with real offline models on a ReDial movie subset: MiniLM, and the local 0.5B LLM."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xmr_agent.agent.pipeline import Agent
from xmr_agent.eval.datasets import REDIAL_FIELDS, Dataset, redial_items
from xmr_agent.ingestion.pipeline import ingest
from xmr_agent.store.catalog import Catalog

pytestmark = pytest.mark.model
TOYS = "an animated movie for kids about toys, nothing scary"


@pytest.fixture(scope="module")
def movies(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Catalog:
    catalog_json = data_dir / "redial" / "catalog.json"
    if not catalog_json.is_file():
        pytest.skip(f"ReDial catalogue not found at {catalog_json}")
    every = json.loads(catalog_json.read_text(encoding="utf-8"))
    keep = [k for k, m in every.items() if "Toy" in m["name"]]
    keep += [k for k, m in every.items() if "animation" in (m.get("genre") or []) and k not in keep][:100]
    keep += [k for k in every if k not in keep][:300]
    root = tmp_path_factory.mktemp("movies")
    (root / "catalog.json").write_text(json.dumps({k: every[k] for k in keep}), encoding="utf-8")
    items = redial_items(Dataset("redial", root / "turns.jsonl", root / "catalog.json", REDIAL_FIELDS), root / "items.jsonl")
    ingest(items, root / "db", "movies", fields=REDIAL_FIELDS)
    return Catalog.open(root / "db", "movies")


def test_toys_request_without_llm(movies: Catalog) -> None:
    answer = Agent(movies).ask(TOYS, k=5)
    assert answer.where == "(array_has(genre, 'animation'))"
    assert answer.query.avoid == ("scary",)
    titles = [r.item["title"] for r in answer.recommendations]
    assert any(t.startswith("Toy Story") for t in titles[:3]), titles
    assert all("animation" in r.item["genre"] for r in answer.recommendations)


def test_words_become_where_clauses_on_movies(movies: Catalog) -> None:
    answer = Agent(movies).ask("a comedy from the 90s", k=10)
    assert answer.where == "(`year` >= 1990) AND (`year` <= 1999) AND (array_has(genre, 'comedy'))"
    assert answer.recommendations
    assert all(1990 <= r.item["year"] <= 1999 and "comedy" in r.item["genre"] for r in answer.recommendations)


def test_toys_request_with_the_local_llm(movies: Catalog) -> None:
    from xmr_agent.errors import ConfigError
    from xmr_agent.llm import LocalLLM

    try:
        llm = LocalLLM()
    except ConfigError as e:
        pytest.skip(f"local LLM not installed: {e}")
    answer = Agent(movies, llm=llm, llm_explains=3).ask(TOYS, k=5)
    titles = [r.item["title"] for r in answer.recommendations]
    assert any(t.startswith("Toy Story") for t in titles), titles
    assert "array_has(genre, 'animation')" in (answer.where or "")
    assert all(r.explanation for r in answer.recommendations)
    explain = next(e for e in answer.trace if e["step"] == "explain")
    assert explain["by_llm"] == 3
    shown = {r.item["title"] for r in answer.recommendations}
    for rec in answer.recommendations:   # grounded: no other catalogue title in an item's sentence
        others = [t for t in shown if t != rec.item["title"] and t.lower() in rec.explanation.lower()]
        assert not others, (rec.explanation, others)
