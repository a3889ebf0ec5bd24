"""The learned ranker: features of a candidate list, training from dialogues, the saved file."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from helpers import FAKE, write_jsonl

from xmr_agent.agent.learn import train_ranker
from xmr_agent.agent.pipeline import Agent
from xmr_agent.errors import ConfigError
from xmr_agent.ingestion.pipeline import ingest
from xmr_agent.recommend.features import DEFAULT_FEATURES, FEATURES, candidate_features, two_hop
from xmr_agent.recommend.graph import ItemGraph
from xmr_agent.recommend.ranker import Ranker, ranker_path
from xmr_agent.store.catalog import Catalog

WORDS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]
FILMS = [{"id": f"f{i}", "title": f"Film {w} ({2000 + i})", "text": f"a {w} film about {w} things", "genre": ["drama"]}
         for i, w in enumerate(WORDS)]


@pytest.fixture
def setup(tmp_path: Path) -> tuple[str, Path]:
    db = str(tmp_path / "db")
    ingest(write_jsonl(tmp_path / "films.jsonl", FILMS), db, "films", vectors={"text": FAKE}, progress=False)
    lines = []
    for n in range(40):  # after film a comes film a+1 (mod 4), then a+2 of the others
        a = n % 4
        seed, gold = FILMS[a]["title"], FILMS[(a + 1) % 4]["title"]
        lines.append({"dialog_id": f"d{n}", "turn_id": 1, "context": [f"I loved {seed}, anything like it?"],
                      "entity": [seed], "rec": [gold]})
    path = tmp_path / "dialogues.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return db, path


def test_two_hop_links_reach_items_never_seen_with_the_seed() -> None:
    graph = ItemGraph.fit([["a", "b"], ["b", "c"], ["a", "b"]])
    assert [i for i, _ in graph.related(["a"])] == ["b"]
    assert [i for i, _ in two_hop(graph, ["a"])] == ["c"]


def test_features_of_the_union_of_lists() -> None:
    from xmr_agent.agent.fuse import Ranked
    from xmr_agent.types import Hit

    graph = ItemGraph.fit([["a", "b"], ["b", "c"]])
    lists = [Ranked("vector:text", 1.0, [Hit("b", 0.9), Hit("d", 0.5)]), Ranked("avoid:fts", -1.0, [Hit("e", 1.0)])]
    ids, x, hits = candidate_features(lists, graph=graph, seeds=["a"], exclude=["d"])
    assert ids == ["b", "c"] and set(hits) == {"b"} and x.shape == (2, len(FEATURES))
    row = dict(zip(FEATURES, x[0], strict=True))
    assert row["vector_in"] == 1 and row["vector_rr"] == 1 and row["graph_last"] == 1 and row["lists"] == 1
    assert dict(zip(FEATURES, x[1], strict=True))["two_hop"] == 1


def test_trained_ranker_is_saved_loaded_and_ranks_the_next_film_first(setup: tuple[str, Path], tmp_path: Path) -> None:
    db, dialogues = setup
    catalog = Catalog.open(db, "films")
    agent = Agent(catalog, hard_categories=False)
    ranker = train_ranker(agent, dialogues)
    assert ranker.summary["turns"] == 40 and ranker.summary["positives"] > 0
    path = ranker.save(ranker_path(db, "films"))
    assert path.name == "films.ranker.json"
    loaded = Ranker.load(path)
    assert np.allclose(loaded.weights, ranker.weights) and loaded.features == DEFAULT_FEATURES
    graph = ItemGraph.fit([[f["id"] for f in FILMS[a:a + 2]] for a in range(3)] * 3)
    answer = agent.using(graph=graph, ranker=loaded).ask("anything like it?", seed_ids=["f0"], exclude_ids=["f0"],
                                                          k=3, explain=False)
    assert answer.recommendations[0].id == "f1"
    assert any(t["step"] == "fuse" and t["method"] == "learned ranker" for t in answer.trace)


def test_a_ranker_file_with_other_features_is_refused(tmp_path: Path) -> None:
    n = len(DEFAULT_FEATURES)
    ranker = Ranker(np.ones(n), 0.0, np.zeros(n), np.ones(n))
    data = json.loads(ranker.save(tmp_path / "r.json").read_text())
    data["features"] = [*data["features"][:-1], "something_else"]
    (tmp_path / "r.json").write_text(json.dumps(data))
    with pytest.raises(ConfigError, match=r"other features .*rebuild it with `xmr train`"):
        Ranker.load(tmp_path / "r.json")


def test_xmr_train_writes_the_ranker_next_to_the_table_and_ask_uses_it(setup: tuple[str, Path]) -> None:
    from click.testing import CliRunner

    from xmr_agent.cli import main

    db, dialogues = setup
    run = CliRunner().invoke(main, ["train", "--db", db, "--table", "films", "--dialogues", str(dialogues),
                                    "--holdout", "0.2", "--no-progress"])
    assert run.exit_code == 0, run.output
    saved = Ranker.load(ranker_path(db, "films"))
    assert saved.summary["holdout"] == 0.2 and 0 < saved.summary["turns"] < 40
    ask = CliRunner().invoke(main, ["ask", f"anything like {FILMS[0]['title']}?", "--db", db, "--table", "films",
                                    "--dialogues", str(dialogues), "--trace", "-k", "2"])
    assert ask.exit_code == 0, ask.output
    assert "learned ranker" in ask.output


def test_xmr_train_reads_the_sentiment_features_only_when_asked(setup: tuple[str, Path], tmp_path: Path) -> None:
    from click.testing import CliRunner

    from xmr_agent.cli import main

    db, dialogues = setup
    for flag, expected in (("--no-sentiment", DEFAULT_FEATURES), ("--sentiment", FEATURES)):
        out = tmp_path / f"{flag}.json"
        run = CliRunner().invoke(main, ["train", "--db", db, "--table", "films", "--dialogues", str(dialogues),
                                        flag, "--out", str(out), "--no-progress"])
        assert run.exit_code == 0, run.output
        assert Ranker.load(out).features == expected
