"""Conversations: memory across turns and restarts, critiques, references to earlier results."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from helpers import FAKE

import xmr_agent
from xmr_agent.agent.critique import parse_critique
from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.pipeline import Agent
from xmr_agent.agent.session import Session, SessionStore
from xmr_agent.cli import main
from xmr_agent.errors import ConfigError
from xmr_agent.store.catalog import Catalog

SHOWN = [{"id": "a", "title": "Moonlit Harbour", "price": 0.99, "year": 2019},
         {"id": "b", "title": "Neon Sprint", "price": 1.29, "year": 2021},
         {"id": "c", "title": "Deep Focus", "price": 0.79, "year": 2015}]
FACETS = Facets({"price": Facet("price", "number", lower=0, upper=500), "year": Facet("year", "number", lower=1990, upper=2024)})


NOUNS = ["tent", "jacket", "boots", "backpack", "stove", "lamp", "poles", "sleeping bag"]
ADJECTIVES = ["light", "warm", "waterproof", "sturdy", "compact"]


def _shop() -> list[dict]:
    """Forty hiking items and a few books, with prices and years."""
    rows = [{"id": f"gear-{i:02d}", "title": f"{ADJECTIVES[i % 5].title()} {NOUNS[i % 8]} {i}",
             "text": f"A {ADJECTIVES[i % 5]} {NOUNS[i % 8]} for hiking and camping outdoors",
             "category": "gear", "price": 20.0 + 7 * i, "year": 2000 + i % 24} for i in range(40)]
    rows += [{"id": f"book-{i}", "title": f"Mars book {i}", "text": "a novel about mars and space travel",
              "category": "book", "price": 9.0 + i, "year": 2010 + i} for i in range(4)]
    return rows


@pytest.fixture
def agent(tmp_path: Path, jsonl) -> Agent:  # type: ignore[no-untyped-def]
    xmr_agent.ingest(jsonl(_shop()), tmp_path / "db", "shop", vectors={"text": FAKE}, progress=False)
    return Agent(Catalog.open(tmp_path / "db", "shop"))


@pytest.mark.parametrize(("message", "expected"), [
    ("cheaper", {"filters": ["price < 0.99"]}),                       # the median of what was shown
    ("cheaper than the second one", {"filters": ["price < 1.29"]}),
    ("newer than Deep Focus", {"filters": ["year > 2015"]}),
    ("more like the second one", {"like_ids": ["b"]}),
    ("I love the first one", {"liked": ["a"], "like_ids": ["a"]}),
    ("not that one, the third", {"disliked": ["c"], "unlike_ids": ["c"]}),
    ("less dark please", {"avoid": ["dark"]}),
    ("more upbeat", {"boost": ["upbeat"]}),
    ("something different", {"unlike_ids": ["a", "b", "c"]}),
    ("show me #1 again", {"again": ["a"]}),
])
def test_critiques_change_the_structured_state(message: str, expected: dict) -> None:
    critique = parse_critique(message, SHOWN, FACETS)
    for name, value in expected.items():
        got = [str(f) for f in critique.filters] if name == "filters" else getattr(critique, name)
        assert got == value, (message, name)


def test_a_new_request_is_not_a_critique() -> None:
    critique = parse_critique("a jazz album for a rainy evening", SHOWN, FACETS)
    assert critique.empty and critique.rest == "a jazz album for a rainy evening"


def test_five_turn_conversation_is_consistent_and_never_repeats(agent: Agent, tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "sessions")
    session = Session.open(agent, "alice", store=store, k=2)
    first = session.send("a warm tent for hiking under $300")
    assert first.where.startswith("(price < 300.0)")  # and the kind its titles name (gear)
    shown = [[r.id for r in first.recommendations]]
    cheaper = session.send("cheaper")
    reference = sorted(r.item["price"] for r in first.recommendations)[0]
    assert all(r.item["price"] < reference for r in cheaper.recommendations) or \
        any(t.get("step") == "relax" for t in cheaper.trace)
    shown.append([r.id for r in cheaper.recommendations])
    like = session.send("more like the first one")
    anchor = cheaper.recommendations[0].id if cheaper.recommendations else shown[0][0]
    assert anchor in like.query.like_ids
    shown.append([r.id for r in like.recommendations])
    praise = session.send("I like the second one")
    shown.append([r.id for r in praise.recommendations])
    different = session.send("something different")
    shown.append([r.id for r in different.recommendations])
    flat = [i for ids in shown for i in ids]
    assert len(flat) == len(set(flat)), shown                                  # nothing offered twice
    for answer in (cheaper, like, praise, different):
        assert all(r.item["category"] == "gear" for r in answer.recommendations)  # the subject holds
    assert session.state.liked and session.state.liked[0] in flat
    # restart: a new process would build a new Session from the same store
    resumed = Session.open(agent, "alice", store=store)
    assert resumed.state.shown == session.state.shown and resumed.state.liked == session.state.liked
    assert len(resumed.state.turns) == 10
    again = resumed.send("show me the first one again")
    assert (again.recommendations and {r.id for r in again.recommendations} - set(flat) != set()) or \
        shown[-1][0] in [r.id for r in again.recommendations]


def test_session_state_is_json_on_disk_and_checked(agent: Agent, tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "s")
    session = Session.open(agent, "bob", store=store, k=3)
    session.send("a book in 2020")
    saved = json.loads((tmp_path / "s" / "bob.json").read_text())
    assert saved["filters"][0]["column"] == "year" and saved["table"] == "shop"
    assert not list((tmp_path / "s").glob("*.tmp"))
    with pytest.raises(ConfigError, match="session id"):
        Session.open(agent, "../../etc/passwd", store=store)
    empty = session.send("   ")  # answered with what to do; the session goes on
    assert not empty.recommendations and "empty" in empty.message
    assert session.send("gear for camping").recommendations
    (tmp_path / "s" / "bob.json").write_text("{not json")
    with pytest.raises(ConfigError, match="damaged"):
        Session.open(agent, "bob", store=store)


def test_a_new_subject_replaces_the_old_one(agent: Agent) -> None:
    session = Session.open(agent, k=3)
    gear = session.send("gear for camping under $100")
    assert gear.where == "(price < 100.0) AND (`category` = 'gear')"
    books = session.send("now a book about mars")
    assert books.where == "(`category` = 'book')"  # the budget was said for the camping gear
    assert books.recommendations and all(r.item["category"] == "book" for r in books.recommendations)
    assert session.state.topic == ["now a book about mars"]


def test_earlier_conditions_give_way_when_nothing_meets_them_with_a_new_request(agent: Agent) -> None:
    session = Session.open(agent, k=3)
    books = session.send("a novel about mars under $12")
    assert books.where == "(price < 12.0)" and len(books.recommendations) == 3  # all the books under $12
    later = session.send("one from 2013")  # the book of 2013 costs $12
    assert later.recommendations and later.recommendations[0].id == "book-3"
    relax = [t for t in later.trace if t["step"] == "relax"]
    assert relax and relax[0]["dropped"] == ["price < 12.0"]
    assert [str(f) for f in session.state.filters] == ["year = 2013"]
    gear = session.send("a warm jacket")  # a new subject: no earlier condition holds it
    assert gear.recommendations and gear.recommendations[0].item["title"].startswith("Warm jacket")
    assert [str(f) for f in session.state.filters] == ["category = 'gear'"]  # the jacket's kind, by the titles
    again = session.send("cheaper")  # a critique still narrows what is shown now
    assert again.where and "price <" in again.where


# -- the command line: xmr chat and xmr recommend -------------------------------------------
def _xmr(*args: str, stdin: str = "") -> Result:
    return CliRunner().invoke(main, list(args), input=stdin, env={"COLUMNS": "200", "NO_COLOR": "1"})


@pytest.fixture
def shop_db(tmp_path: Path, jsonl) -> str:  # type: ignore[no-untyped-def]
    db = str(tmp_path / "db")
    xmr_agent.ingest(jsonl(_shop()), db, "shop", vectors={"text": FAKE}, progress=False)
    return db


def test_chat_remembers_across_runs(shop_db: str) -> None:
    first = _xmr("chat", "--db", shop_db, "--table", "shop", "--session", "s1", "-k", "2", "--json",
                 stdin="a warm tent under $200\n/like 1\ncheaper\n")
    assert first.exit_code == 0, first.output
    answers = [json.loads(line) for line in first.stdout.splitlines() if line.startswith("{")]
    assert len(answers) == 2 and answers[0]["where"].startswith("(price < 200.0)")
    shown = [r["id"] for a in answers for r in a["recommendations"]]
    second = _xmr("chat", "--db", shop_db, "--table", "shop", "--session", "s1", "-k", "2", "--json",
                  stdin="more like the first one\n")
    again = json.loads(second.stdout.splitlines()[-1])
    assert not {r["id"] for r in again["recommendations"]} & set(shown)       # the session came back
    assert again["query"]["like_ids"] and answers[0]["recommendations"][0]["id"] in again["query"]["seed_ids"]
    state = _xmr("chat", "--db", shop_db, "--table", "shop", "--session", "s1", stdin="/state\n/quit\n")
    assert '"liked"' in state.stdout and answers[0]["recommendations"][0]["id"] in state.stdout
    lines = _xmr("chat", "--db", shop_db, "--table", "shop", "--session", "s1", "--json", stdin="/state\n/quit\n")
    assert json.loads(lines.stdout.strip().splitlines()[-1])["liked"]  # with --json: one JSON object on one line


def test_recommend_for_a_user_and_a_new_user(shop_db: str, tmp_path: Path) -> None:
    log = tmp_path / "events.jsonl"
    log.write_text("\n".join([
        '{"user": "ann", "item": "gear-01", "rating": 5, "time": "2026-01-01T00:00:00Z"}',
        '{"user": "ann", "item": "gear-09", "like": true}',
        '{"user": "ann", "item": "book-1", "like": false}',
        "this is not json",
        '{"user": "bob", "item": "gear-01", "rating": 5}',
        '{"user": "bob", "item": "gear-17", "rating": 4}',
        '{"user": "cat", "item": "gear-17", "rating": 5}',
    ]) + "\n")
    ann = _xmr("recommend", "--db", shop_db, "--table", "shop", "--user", "ann", "--interactions", str(log),
               "-k", "5", "--json")
    assert ann.exit_code == 0, ann.output
    assert "not an interaction" in ann.stderr
    answer = json.loads(ann.stdout)
    ids = [r["id"] for r in answer["recommendations"]]
    assert len(ids) == 5 and not {"gear-01", "gear-09", "book-1"} & set(ids)     # nothing already seen
    assert ids[0] == "gear-17"                                                   # liked by ann's neighbour bob
    assert all(r["item"]["category"] == "gear" for r in answer["recommendations"][:3])
    new = json.loads(_xmr("recommend", "--db", shop_db, "--table", "shop", "--user", "dan", "--interactions",
                          str(log), "--json").stdout)
    assert [r["id"] for r in new["recommendations"]][:2] == ["gear-01", "gear-17"]  # cold start: popular


def test_titles_named_in_a_message_are_found() -> None:
    from xmr_agent.agent.mentions import TitleIndex

    index = TitleIndex([("1", "The Babadook (2014)"), ("2", "It (2017)"), ("3", "Toy Story (1995)"),
                        ("4", "Toy Story 3 (2010)"), ("5", "Inception"), ("6", "Inception")])
    found = index.find("I loved the Babadook and Toy Story 3; it was fine. Inception!")
    assert found == ["1", "4", "5", "6"]          # "it" is a word, not the film; remakes both match


def test_one_word_titles_count_when_written_as_names_and_a_year_picks_the_remake() -> None:
    from xmr_agent.agent.mentions import TitleIndex

    index = TitleIndex([("d58", "Dunkirk (1958)"), ("d17", "Dunkirk (2017)"), ("it", "It (2017)"),
                        ("moana", "Moana (2016)"), ("awe", "Awesome (2006)"), ("up", "Up (2009)"),
                        ("sm", "Scary Movie"), ("sm00", "Scary Movie (2000)"), ("ts", "Toy Story (1995)")])
    assert index.find("Dunkirk (2017) was great") == ["d17"]            # the year picks the remake
    assert index.find("have you seen Dunkirk?") == ["d58", "d17"]       # without one, both
    assert index.find("It (2017) scared me") == ["it"]                  # a year makes a short word a title
    assert index.find("It was awesome, it really was. up we go") == []  # ordinary words, sentence starts
    assert index.find("we watched Moana and Up last week") == ["moana", "up"]
    assert index.find("Awesome. Loved it") == ["awe"]                   # six letters or more: a capital is enough
    assert index.find("I liked Scary Movie (2000)") == ["sm00"]
    assert index.find("i loved toy story") == ["ts"]                    # titles of several words: any case


def test_items_named_in_chat_are_seeds_and_never_offered(agent: Agent) -> None:
    session = Session.open(agent, k=3)
    answer = session.send("I loved Warm jacket 1, something like it under $100")
    assert "gear-01" in session.state.mentioned and "gear-01" in session.state.liked
    assert "gear-01" in answer.query.like_ids and "gear-01" in answer.query.exclude_ids
    assert "gear-01" not in [r.id for r in answer.recommendations]
    session.send("I hated Waterproof boots 2")
    assert "gear-02" in session.state.disliked and "gear-02" in session.state.unlike_ids
