"""Recommender signals from logs in ask, chat and serve: Signals, dialogue sessions, the CLI options."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from helpers import FAKE, write_jsonl

from xmr_agent.cli import main
from xmr_agent.errors import ConfigError
from xmr_agent.ingestion.pipeline import ingest
from xmr_agent.recommend.signals import Signals, dialogue_sessions, title_index
from xmr_agent.store.catalog import Catalog

FILMS = [{"id": f"f{i}", "title": f"Film number {word} ({2000 + i})", "text": f"a {word} film about {word} things",
          "genre": ["drama"]} for i, word in enumerate(["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta"])]
ALPHA, BETA, GAMMA = (f["title"] for f in FILMS[:3])


@pytest.fixture
def films(tmp_path: Path) -> str:
    db = str(tmp_path / "db")
    ingest(write_jsonl(tmp_path / "films.jsonl", FILMS), db, "films", vectors={"text": FAKE}, progress=False)
    return db


@pytest.fixture
def dialogues(tmp_path: Path) -> Path:
    """Beta came up after Alpha in three dialogues; Gamma once; one line is broken, one is not a turn."""
    lines = [json.dumps({"dialog_id": f"d{n}", "turn_id": 1, "entity": ["drama", ALPHA], "rec": [BETA]})
             for n in range(3)]
    lines += [json.dumps({"dialog_id": "d0", "turn_id": 3, "entity": [], "rec": [GAMMA, "Not In The Table (1990)"]}),
              "{broken", json.dumps({"turn_id": 1, "rec": [BETA]})]
    path = tmp_path / "dialogues.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _xmr(*args: str, stdin: str = "") -> Result:
    return CliRunner().invoke(main, list(args), input=stdin, env={"COLUMNS": "200", "NO_COLOR": "1"})


def test_dialogues_are_sessions_of_the_titles_they_name_in_turn_order(films: str, dialogues: Path) -> None:
    titles = title_index(Catalog.open(films, "films"))
    assert titles[ALPHA] == ["f0"] and len(titles) == len(FILMS)
    bad: list = []
    sessions = dialogue_sessions(dialogues, titles, bad=bad)
    assert sessions == [["f0", "f1", "f2"], ["f0", "f1"], ["f0", "f1"]]  # genre words and unknown names drop out
    assert [(b.line, "not a dialogue turn" in b.reason) for b in bad] == [(5, True), (6, True)]
    assert dialogue_sessions(dialogues, titles, skip=["d0", "d1"], bad=[]) == [["f0", "f1"]]
    with pytest.raises(ConfigError, match=r"dialogues.jsonl:5: not a dialogue turn"):
        dialogue_sessions(dialogues, titles)  # strict when no list collects bad lines
    with pytest.raises(ConfigError, match="cannot read dialogues"):
        dialogue_sessions(dialogues.parent / "missing.jsonl", titles)


def test_signals_learn_one_graph_from_interactions_and_dialogues(films: str, dialogues: Path, tmp_path: Path) -> None:
    log = write_jsonl(tmp_path / "events.jsonl", [{"user": "u", "item": "f3", "like": True, "time": 1},
                                                  {"user": "u", "item": "f4", "like": True, "time": 2}])
    catalog = Catalog.open(films, "films")
    skipped: list = []
    settings = Signals(interactions=log, dialogues=dialogues, popularity_weight=2,
                       attribute_weight=1).agent_settings(catalog, on_skip=skipped.append)
    graph = settings.pop("graph")
    assert graph.sessions == 4 and graph.counts["f1"] == 3 and graph.counts["f4"] == 1
    assert [i for i, _ in graph.related(["f0"], k=2)] == ["f1", "f2"]
    assert settings == {"graph_weight": 1.0, "popularity_weight": 2, "attribute_weight": 1, "seed_weight": 0.0,
                        "named_seeds": True, "ranker": None}
    assert len(skipped) == 2
    assert Signals().agent_settings(catalog)["graph"] is None and not Signals().uses_seeds()
    assert Signals(attribute_weight=1).uses_seeds() and not Signals(graph_weight=3).uses_seeds()


@pytest.mark.parametrize(("settings", "message"), [
    ({"graph_weight": -1}, "graph_weight must be a number ≥ 0"),
    ({"seed_weight": "a lot"}, "seed_weight must be a number"),
    ({"popularity_weight": 1}, "popularity is learned from logs"),
])
def test_bad_signal_settings_are_refused(settings: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Signals(**settings)


def test_chat_with_past_dialogues_offers_what_went_with_the_film_named(films: str, dialogues: Path) -> None:
    said = f"I loved {ALPHA}, what else?\n"
    plain = _xmr("chat", "--db", films, "--table", "films", "--json", "-k", "3", stdin=said)
    learned = _xmr("chat", "--db", films, "--table", "films", "--json", "-k", "3", "--dialogues", str(dialogues),
                   "--graph-weight", "4", stdin=said)
    assert plain.exit_code == 0 and learned.exit_code == 0, (plain.output, learned.output)
    assert "skipped" in learned.stderr and "not a dialogue turn" in learned.stderr
    before, after = (json.loads(r.stdout.splitlines()[-1]) for r in (plain, learned))
    assert "graph" not in [t["step"] for t in before["trace"]]
    graph_step = next(t for t in after["trace"] if t["step"] == "graph")
    assert graph_step["seeds"] == ["f0"] and graph_step["graph"] == 2
    shown = [r["id"] for r in after["recommendations"]]
    assert shown[0] == "f1" and "f2" in shown  # three times after Alpha, and once
    assert "f0" not in [r["id"] for r in after["recommendations"]]         # the film named is not offered back


def test_ask_names_a_film_as_the_seed_and_refuses_popularity_without_logs(films: str, dialogues: Path) -> None:
    answer = _xmr("ask", f"something like {ALPHA}", "--db", films, "--table", "films", "--json", "-k", "3",
                  "--dialogues", str(dialogues), "--graph-weight", "4", "--popularity-weight", "0.5")
    assert answer.exit_code == 0, answer.output
    result = json.loads(answer.stdout)
    assert result["query"]["seed_ids"] == ["f0"] and result["recommendations"][0]["id"] == "f1"
    assert "f0" not in [r["id"] for r in result["recommendations"]]
    refused = _xmr("ask", "a drama", "--db", films, "--table", "films", "--popularity-weight", "1")
    assert refused.exit_code == 2 and "popularity is learned from logs" in refused.output
    for command in ("serve", "mcp"):  # refused before anything is opened or served
        served = _xmr(command, "--db", films, "--table", "films", "--popularity-weight", "1")
        assert served.exit_code == 2 and "popularity is learned from logs" in served.output
    lonely = _xmr("chat", "--db", films, "--table", "films", "--user", "ann", stdin="hi\n")
    assert lonely.exit_code == 2 and "--user needs --interactions" in lonely.output
    strangers = Path(films).parent / "strangers.jsonl"
    strangers.write_text(json.dumps({"dialog_id": "x", "turn_id": 1, "entity": ["Not Here (1999)"], "rec": []}) + "\n")
    unheard = _xmr("chat", "--db", films, "--table", "films", "--dialogues", str(strangers), stdin="hi\n")
    assert unheard.exit_code == 0 and "the logs name no item of table 'films'" in unheard.stderr
    negative = _xmr("chat", "--db", films, "--table", "films", "--attribute-weight", "-2", stdin="hi\n")
    assert negative.exit_code == 2 and "--attribute-weight" in negative.output


def test_the_server_agent_gets_the_signals(films: str, dialogues: Path) -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from xmr_agent.server.app import create_app

    app = create_app(films, "films", web=False, signals=Signals(dialogues=dialogues, graph_weight=4,
                                                                 attribute_weight=0.5))
    agent = app.state.service.tools.agent
    assert agent.graph is not None and agent.graph.sessions == 3 and agent.graph_weight == 4
    assert agent.attribute_weight == 0.5
    with TestClient(app, base_url="http://127.0.0.1") as client:
        turn = client.post("/chat/s1", json={"message": f"I loved {ALPHA}", "k": 3})
    assert turn.status_code == 200, turn.text
    assert turn.json()["answer"]["recommendations"][0]["id"] == "f1"
