"""Shared metadata (AttributeIndex) and popularity lifted by the request's preferences."""

from __future__ import annotations

from pathlib import Path

from helpers import write_jsonl

from xmr_agent.agent.pipeline import Agent
from xmr_agent.agent.query import CrossModalQuery, Filter
from xmr_agent.ingestion.pipeline import ingest
from xmr_agent.recommend.attributes import AttributeIndex
from xmr_agent.recommend.graph import ItemGraph
from xmr_agent.store.catalog import Catalog
from xmr_agent.testing import FakeEncoder

FILMS = [
    {"id": "seed", "title": "The Seed", "genre": ["drama"], "director": ["Ann Lee"], "star": ["Bo Kim", "Cy Roe"]},
    {"id": "same-director", "title": "Two", "genre": ["comedy"], "director": ["Ann Lee"], "star": ["Di Fox"]},
    {"id": "same-star", "title": "Three", "genre": ["action"], "director": ["Ed Moe"], "star": ["Cy Roe"]},
    {"id": "same-genre", "title": "Four", "genre": ["drama"], "director": ["Fa Lu"], "star": ["Gu Ng"]},
    {"id": "nothing", "title": "Five", "genre": ["horror"], "director": ["Hi Jo"], "star": ["Ix Po"]},
    *({"id": f"filler-{i}", "title": f"Filler {i}", "genre": ["drama"], "director": [f"D{i}"], "star": [f"S{i}"],
       "price": 1.0} for i in range(40)),
]


def _index(max_share: float = 0.5) -> AttributeIndex:
    pairs = ((f["id"], [(c, v) for c in ("genre", "director", "star") for v in f.get(c, [])]) for f in FILMS)
    return AttributeIndex.fit(pairs, max_share=max_share)


def test_items_sharing_rarer_values_rank_higher_and_common_or_unique_values_do_not_count() -> None:
    index = _index()
    ranked = index.related(["seed"], k=5)
    assert [i for i, _ in ranked[:2]] == ["same-director", "same-star"]  # one other holder each: rare
    assert index.weight(("genre", "drama")) < index.weight(("director", "ann lee"))
    assert index.weight(("star", "bo kim")) == 0.0  # held by the seed only
    assert "nothing" not in dict(index.related(["seed"], k=100))
    assert index.shared("seed", "same-star") == [("star", "cy roe")]
    strict = _index(max_share=0.2)  # drama: 42 of 45 items, now too common to count
    assert strict.weight(("genre", "drama")) == 0.0 and "same-genre" not in dict(strict.related(["seed"]))
    assert "same-director" not in dict(index.related(["seed"], exclude=["same-director"]))


def test_older_seeds_count_less() -> None:
    index = _index()
    ranked = dict(index.related(["same-star", "same-director"], k=50))  # same-director mentioned last
    assert ranked["seed"] > 0
    assert dict(index.related(["seed", "nothing"]))["same-director"] < dict(index.related(["nothing", "seed"]))["same-director"]


def test_the_index_reads_the_list_of_strings_columns_of_a_table(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "films.jsonl", FILMS)
    ingest(source, tmp_path / "db", "films", vectors={"text": FakeEncoder()})
    index = AttributeIndex.of(Catalog.open(tmp_path / "db", "films"))
    assert len(index) == len(FILMS)
    assert {column for keys in index.keys.values() for column, _ in keys} == {"genre", "director", "star"}
    assert index.related(["seed"], k=1)[0][0] == "same-director"


def test_the_agent_fuses_shared_metadata_and_lifts_popular_items_that_meet_preferences(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "films.jsonl", FILMS)
    ingest(source, tmp_path / "db", "films", vectors={"text": FakeEncoder()})
    catalog = Catalog.open(tmp_path / "db", "films")
    logs = [["filler-1", "nothing"], ["filler-1", "same-genre"], ["filler-1"], ["nothing", "filler-2"]]
    agent = Agent(catalog, graph=ItemGraph.fit(logs), popularity_weight=1.0, attribute_weight=1.0,
                  hard_categories=False)
    query = CrossModalQuery(seed_ids=("seed",), k=5, exclude_ids=("seed",))
    lists = {r.source: r for r in agent.candidates(query)[2]}
    assert [h.id for h in lists["attributes"].hits[:2]] == ["same-director", "same-star"]
    assert [h.id for h in lists["popular"].hits[:2]] == ["filler-1", "nothing"]  # overall popularity

    horror = query.model_copy(update={"filters": (Filter(column="genre", op="contains", value="horror", hard=False),)})
    lifted = {r.source: r for r in agent.candidates(horror)[2]}["popular"]
    assert lifted.hits[0].id == "nothing"  # the popular horror film first: popularity within the preference
    assert agent.run(horror, explain=False).recommendations[0].id == "nothing"

    plain = Agent(catalog, graph=ItemGraph.fit(logs), popularity_weight=1.0, preference_lift=0.0)
    assert {r.source: r for r in plain.candidates(horror)[2]}["popular"].hits[0].id == "filler-1"
    assert "attributes" not in {r.source for r in plain.candidates(horror)[2]}  # off by default


def test_a_recommendation_by_shared_metadata_names_the_values_and_the_item_it_shares_them_with(tmp_path: Path) -> None:
    films = [{"id": "seed", "title": "The Seed", "director": ["Ann Lee"], "writer": ["Ann Lee"], "star": ["Bo Kim", "Cy Roe"]},
             {"id": "both", "title": "Six", "director": ["Ann Lee"], "writer": ["Ann Lee"], "star": ["Bo Kim"]},
             *FILMS[5:]]  # the fillers: each value above is held by two films, so it counts
    ingest(write_jsonl(tmp_path / "films.jsonl", films), tmp_path / "db", "films", vectors={"text": FakeEncoder()})
    agent = Agent(Catalog.open(tmp_path / "db", "films"), attribute_weight=5.0)
    answer = agent.run(CrossModalQuery(seed_ids=("seed",), k=3, exclude_ids=("seed",)))
    top = answer.recommendations[0]
    assert top.id == "both"
    shared = [(m.field, m.query) for m in top.evidence.matches if m.source == "attributes"]
    assert shared == [("director and writer Ann Lee", "The Seed"), ("star Bo Kim", "The Seed")]  # as stored, grouped
    assert "director and writer Ann Lee, as in The Seed" in top.explanation
    assert "Cy Roe" not in top.explanation  # only what the two share
