"""The ranker's newer signals: item vectors learned from sessions, offers turned down, and a
ranker learned from an interaction log."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from helpers import FAKE, ROOT, write_jsonl

from xmr_agent.agent.learn import interaction_turns, sentiment, train_ranker
from xmr_agent.agent.pipeline import Agent
from xmr_agent.errors import ConfigError
from xmr_agent.ingestion.pipeline import ingest
from xmr_agent.recommend.embedding import ItemEmbedding
from xmr_agent.recommend.features import DEFAULT_FEATURES, FEATURES, SENTIMENT, candidate_features
from xmr_agent.recommend.graph import ItemGraph
from xmr_agent.recommend.profile import read_interactions
from xmr_agent.recommend.ranker import Ranker, ranker_path
from xmr_agent.store.catalog import Catalog

WORDS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]
FILMS = [{"id": f"f{i}", "title": f"Film {w} ({2000 + i})", "text": f"a {w} film about {w} things", "genre": ["drama"]}
         for i, w in enumerate(WORDS)]
#: Two groups of four: within a group, a and d never meet in a session but share b and c.
SESSIONS = [["a", "b"], ["a", "c"], ["d", "b"], ["d", "c"], ["w", "x"], ["w", "y"], ["z", "x"], ["z", "y"]] * 3


def test_item_vectors_link_items_that_never_met_through_the_items_they_share() -> None:
    graph = ItemGraph.fit(SESSIONS)
    assert "d" not in [i for i, _ in graph.related(["a"])]  # no direct link
    vectors = ItemEmbedding.of(graph, dim=4)
    near = vectors.similarity(["a"], ["d", "z", "unknown"])
    assert near[0] > 0.9 and near[0] > near[1] + 0.5 and near[2] == 0
    nearest = [i for i, _ in vectors.nearest(["a"], exclude=["b"], k=2)]
    assert nearest[0] in {"c", "d"} and "a" not in nearest and "b" not in nearest


def test_items_seen_once_get_no_vector_and_a_tiny_graph_gives_an_empty_embedding() -> None:
    vectors = ItemEmbedding.of(ItemGraph.fit([*SESSIONS, ["once", "a"]]), dim=4)
    assert "once" not in vectors.index and "a" in vectors.index
    empty = ItemEmbedding.of(ItemGraph.fit([["a", "b"]]))
    assert len(empty) == 0 and empty.nearest(["a"]) == [] and not empty.similarity(["a"], ["b"]).any()


def test_the_graph_keeps_its_item_vectors_once_fitted() -> None:
    graph = ItemGraph.fit(SESSIONS)
    assert graph.embedding() is graph.embedding() and len(graph.embedding()) == 8


def test_embedding_neighbours_join_the_candidates_with_their_similarity() -> None:
    graph = ItemGraph.fit(SESSIONS)
    ids, x, hits = candidate_features([], graph=graph, seeds=["a"], exclude=["a"])
    row = {i: dict(zip(FEATURES, x[n], strict=True)) for n, i in enumerate(ids)}
    assert "d" in row and not hits  # found by the vectors alone, never seen with "a"
    assert row["d"]["emb_rr"] > 0 and row["d"]["emb_cos"] > 0.9 and row["d"]["graph_last"] == 0
    assert row["d"]["emb_cos"] > row.get("z", {"emb_cos": 0.0})["emb_cos"]


def test_disliked_mentions_give_negative_similarity_features() -> None:
    graph = ItemGraph.fit(SESSIONS)
    ids, x, _ = candidate_features([], graph=graph, seeds=["a", "w"], exclude=["a", "w"], disliked=["w"])
    row = {i: dict(zip(FEATURES, x[n], strict=True)) for n, i in enumerate(ids)}
    assert row["z"]["emb_disliked"] > 0.9 and row["d"]["emb_disliked"] < 0.5


@pytest.fixture
def films(tmp_path: Path) -> tuple[str, Catalog]:
    db = str(tmp_path / "db")
    ingest(write_jsonl(tmp_path / "films.jsonl", FILMS), db, "films", vectors={"text": FAKE}, progress=False)
    return db, Catalog.open(db, "films")


def test_an_offer_turned_down_in_the_reply_counts_as_disliked(films: tuple[str, Catalog]) -> None:
    agent = Agent(films[1], hard_categories=False)
    text = "Have you seen Film beta (2001)? Not really my thing. I loved Film alpha (2000)."
    assert sentiment(agent, text, ["f0", "f1"]) == (["f0"], ["f1"])
    offered = "You might like Film gamma (2002). Sounds great, thanks!"
    assert sentiment(agent, offered, ["f2"]) == (["f2"], [])  # accepted: the reply's tone
    neutral = "Have you seen Film gamma (2002)? I have not seen it yet."
    assert sentiment(agent, neutral, ["f2"]) == ([], [])


def _events(path: Path) -> Path:
    """Each user likes three films in a row: f(a), f(a+1), f(a+2) (mod 4)."""
    lines = [{"user": f"u{n}", "item": f"f{(n + step) % 4}", "like": True, "time": 1000 * n + step}
             for n in range(24) for step in range(3)]
    return write_jsonl(path, lines)


def test_interaction_turns_predict_each_next_item_from_the_ones_before(tmp_path: Path) -> None:
    events, bad = read_interactions(_events(tmp_path / "events.jsonl"))
    turns = interaction_turns(events)
    assert not bad and len(turns) == 48  # two steps per user
    first = [t for t in turns if t.dialog == "user:u1"]
    assert [(t.seeds, t.gold) for t in first] == [(("f1",), frozenset({"f2"})), (("f1", "f2"), frozenset({"f3"}))]
    assert len(interaction_turns(events, per_user=1)) == 24


def test_a_ranker_learned_from_an_interaction_log_puts_the_next_item_first(films: tuple[str, Catalog],
                                                                            tmp_path: Path) -> None:
    db, catalog = films
    agent = Agent(catalog, hard_categories=False)
    ranker = train_ranker(agent, interactions=_events(tmp_path / "events.jsonl"))
    assert ranker.summary["interactions"] and ranker.summary["turns"] == 48 and ranker.summary["positives"] > 0
    graph = ItemGraph.fit([[f"f{(n + s) % 4}" for s in range(3)] for n in range(24)])
    answer = agent.using(graph=graph, ranker=ranker).ask("something else", seed_ids=["f1"], exclude_ids=["f1"],
                                                         k=3, explain=False)
    assert answer.recommendations[0].id == "f2"
    with pytest.raises(ConfigError, match="learns from logs"):
        train_ranker(agent)


def test_readme_trains_a_ranker_from_an_interaction_log_in_one_command(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text()
    commands = [line for line in readme.splitlines() if "--interactions events.jsonl" in line
                and line.startswith(("xmr train", "xmr ask"))]
    assert [c.split()[1] for c in commands] == ["train", "ask"]
    catalog = [json.loads(line) for line in (ROOT / "examples" / "demo" / "catalog.jsonl").read_text().splitlines()]
    ingest(write_jsonl(tmp_path / "catalog.jsonl", [{k: v for k, v in item.items() if k not in ("image", "audio")}
                                                    for item in catalog]),
           str(tmp_path / ".xmr-demo"), "demo", vectors={"text": FAKE}, progress=False)
    ids = [item["id"] for item in catalog]
    write_jsonl(tmp_path / "events.jsonl", [{"user": f"u{n}", "item": ids[(n + s) % 6], "rating": 5, "time": s}
                                            for n in range(30) for s in range(3)])
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    outputs = []
    for command in commands:
        args = [sys.executable, "-m", "xmr_agent.cli", *shlex.split(command)[1:], "--json"]
        args = args[:-1] if command.startswith("xmr train") else args
        out = subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False)
        assert out.returncode == 0, out.stderr
        outputs.append(out.stdout)
    saved = Ranker.load(ranker_path(str(tmp_path / ".xmr-demo"), "demo"))
    assert saved.summary["turns"] == 60 and np.any(saved.weights != 0)
    assert "demo.ranker.json" in outputs[0]
    assert json.loads(outputs[1])["recommendations"]


def test_with_a_ranker_the_metadata_index_is_built_once_across_requests(films: tuple[str, Catalog],
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from xmr_agent.recommend import attributes

    built = []
    original = attributes.AttributeIndex.of.__func__  # type: ignore[attr-defined]
    monkeypatch.setattr(attributes.AttributeIndex, "of",
                        classmethod(lambda cls, *a, **kw: built.append(1) or original(cls, *a, **kw)))
    n = len(DEFAULT_FEATURES)
    ranker = Ranker(np.ones(n), 0.0, np.zeros(n), np.ones(n))
    agent = Agent(films[1], hard_categories=False, graph=ItemGraph.fit(SESSIONS), ranker=ranker)
    for _ in range(3):
        answer = agent.ask("a drama film", seed_ids=["f0"], exclude_ids=["f0"], k=3, explain=False)
        assert answer.recommendations
    assert len(built) == 1


def test_the_sentiment_features_are_read_only_by_a_ranker_trained_with_them(films: tuple[str, Catalog],
                                                                             tmp_path: Path) -> None:
    x = np.zeros((3, len(FEATURES)))
    x[:, FEATURES.index("graph_liked")] = [1.0, 0.0, 0.0]
    plain = Ranker(np.ones(len(DEFAULT_FEATURES)), 0.0, np.zeros(len(DEFAULT_FEATURES)), np.ones(len(DEFAULT_FEATURES)))
    assert not set(SENTIMENT) & set(plain.features) and np.all(plain.score(x) == 0)
    moody = Ranker(np.ones(len(FEATURES)), 0.0, np.zeros(len(FEATURES)), np.ones(len(FEATURES)), FEATURES)
    loaded = Ranker.load(moody.save(tmp_path / "moody.json"))
    assert loaded.features == FEATURES and loaded.score(x).tolist() == [1.0, 0.0, 0.0]
    agent = Agent(films[1], hard_categories=False)
    trained = train_ranker(agent, interactions=_events(tmp_path / "events.jsonl"), features=FEATURES)
    assert trained.features == FEATURES and len(trained.weights) == len(FEATURES)
