"""Intent suites (`xmr eval --intents`): the loader, each expectation, chats, the report and the CLI."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from xmr_agent.agent.pipeline import Agent
from xmr_agent.cli import main
from xmr_agent.errors import ConfigError
from xmr_agent.eval.intents import Expect, IntentCase, check, load_suite
from xmr_agent.eval.intents_run import CHAT_ENDED, Outcome, run_case, summarize
from xmr_agent.store.catalog import Catalog

ROOT = Path(__file__).resolve().parents[1]
BOOKS = ROOT / "benchmarks" / "intents" / "books.csv"

ITEMS = [
    {"id": "a", "title": "Red mug", "price": 9.5, "colour": "red", "tags": ["kitchen", "tea"]},
    {"id": "b", "title": "Blue mug", "price": 14.0, "colour": "blue", "tags": ["kitchen"]},
    {"id": "c", "title": "Orange tent", "price": 129.0, "colour": "orange", "tags": ["camping"]},
]


def write_suite(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows),
                    encoding="utf-8")
    return path


# -- the loader ----------------------------------------------------------------------------------
def test_a_good_suite_loads_with_defaults_and_photos_relative_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "mug.png").write_bytes(b"\x89PNG")
    suite = write_suite(tmp_path / "suite.jsonl", [
        {"id": "one", "table": "shop", "lang": "en", "kind": "price", "split": "dev", "request": "a mug under $12",
         "expect": {"every": [{"column": "price", "op": "<", "value": 12}], "order": {"column": "price"}}},
        "",
        {"id": "photo", "request": "like this", "image": "photos/mug.png", "k": 5, "expect": {"first": ["a", "b"]}},
        {"id": "chat", "kind": "chat", "turns": [{"say": "a mug"}, {"say": "", "image": "photos/mug.png"},
                                                  {"say": "cheaper", "expect": {"any_of": ["a"]}}]},
    ])
    cases = load_suite(suite)
    assert [c.id for c in cases] == ["one", "photo", "chat"]
    one, photo, chat = cases
    assert one.k == 3 and one.split == "dev" and not one.chat and one.expect is not None
    assert one.expect.order is not None and one.expect.order.direction == "asc"
    assert photo.k == 5 and photo.table is None and photo.image == str((tmp_path / "photos" / "mug.png").resolve())
    assert chat.chat and chat.turns is not None and chat.turns[1].image == photo.image
    assert chat.turns[2].expect == Expect(any_of=["a"])


def test_bad_lines_stop_the_load_and_each_is_named_by_its_line_number(tmp_path: Path) -> None:
    suite = write_suite(tmp_path / "suite.jsonl", [
        {"id": "fine", "request": "a mug"},
        '{"id": "broken", "request": "a mug"',                                     # line 2: not JSON
        {"id": "both", "request": "a mug", "turns": [{"say": "a mug"}]},            # line 3: two shapes
        {"id": "typo", "request": "a mug", "expect": {"anyof": ["a"]}},             # line 4: unknown key
        {"id": "fine", "request": "a tent"},                                        # line 5: id used twice
        {"id": "photo", "request": "this", "image": "missing.png"},                 # line 6: no such file
        [1, 2],                                                                      # line 7: not an object
    ])
    with pytest.raises(ConfigError) as caught:
        load_suite(suite)
    message = str(caught.value)
    assert "6 bad line(s); nothing was run" in message
    assert "line 2: not JSON" in message
    assert "line 3: case 'both'" in message and "not both or neither" in message
    assert "line 4: case 'typo'" in message and "anyof" in message
    assert "line 5: id 'fine' is already used on line 1" in message
    assert "line 6: case 'photo': no image file 'missing.png'" in message
    assert "line 7: expected a JSON object" in message


def test_an_unknown_operator_is_refused_with_its_line(tmp_path: Path) -> None:
    suite = write_suite(tmp_path / "suite.jsonl", [
        {"id": "ok", "request": "a mug"},
        {"id": "op", "request": "a mug", "expect": {"every": [{"column": "price", "op": "~", "value": 3}]}},
    ])
    with pytest.raises(ConfigError, match=r"line 2: case 'op': expect\.every\.0\.op"):
        load_suite(suite)
    with pytest.raises(ConfigError, match="no cases"):
        load_suite(write_suite(tmp_path / "empty.jsonl", ["", "  "]))


# -- each expectation on hand-built answers -----------------------------------------------------------
@pytest.mark.parametrize(("expect", "items", "failure"), [
    ({"any_of": ["b", "z"]}, ITEMS, None),
    ({"any_of": ["z"]}, ITEMS, "any_of: none of z in the top 3"),
    ({"all_of": ["a", "c"]}, ITEMS, None),
    ({"all_of": ["a", "z"]}, ITEMS, "all_of: z not in the top 3"),
    ({"none_of": ["z"]}, ITEMS, None),
    ({"none_of": ["c", "z"]}, ITEMS, "none_of: c shown"),
    ({"first": "a"}, ITEMS, None),
    ({"first": ["z", "a"]}, ITEMS, None),
    ({"first": "b"}, ITEMS, "first: expected b, got a"),
    ({"first": "a"}, [], "first: expected a, got nothing"),
    ({"every": [{"column": "price", "op": "<", "value": 200}]}, ITEMS, None),
    ({"every": [{"column": "price", "op": "<", "value": 20}]}, ITEMS, "every: price < 20 fails for c (price=129.0)"),
    ({"every": [{"column": "colour", "op": "!=", "value": "Orange"}]}, ITEMS[:2], None),
    ({"every": [{"column": "colour", "op": "!=", "value": "orange"}]}, ITEMS, "fails for c (colour=orange)"),
    ({"every": [{"column": "tags", "op": "contains", "value": "kitchen"}]}, ITEMS[:2], None),
    ({"every": [{"column": "tags", "op": "not_contains", "value": "tea"}]}, ITEMS, "fails for a"),
    ({"every": [{"column": "size", "op": "=", "value": 2}]}, ITEMS[:1], "fails for a (size=missing)"),
    ({"every": [{"column": "price", "op": ">", "value": 1}]}, [], "every: price > 1: no items shown"),
    ({"every": [{"column": "colour", "op": "=", "value": ["red", "Orange", "blue"]}]}, ITEMS, None),  # any one of them
    ({"every": [{"column": "colour", "op": "=", "value": ["red", "blue"]}]}, ITEMS, "fails for c (colour=orange)"),
    ({"every": [{"column": "colour", "op": "!=", "value": ["teal", "orange"]}]}, ITEMS, "fails for c (colour=orange)"),
    ({"order": {"column": "price"}}, ITEMS, None),
    ({"order": {"column": "price", "direction": "desc"}}, ITEMS, "order: not sorted by price desc (9.5, 14.0, 129.0)"),
    ({"order": {"column": "price"}}, [], "no items shown"),
    ({"empty": True}, [], None),
    ({"empty": True}, ITEMS[:1], "empty: expected no items, got a"),
    ({}, [], None),
])
def test_each_expectation_passes_and_fails_as_a_person_would_judge(expect: dict[str, Any], items: list[dict[str, Any]],
                                                                    failure: str | None) -> None:
    reasons = check(Expect.model_validate(expect), items)
    if failure is None:
        assert reasons == []
    else:
        assert len(reasons) == 1 and failure in reasons[0], reasons


def test_several_failed_expectations_are_all_reported() -> None:
    expect = Expect.model_validate({"any_of": ["z"], "none_of": ["a"], "every": [{"column": "price", "op": "<=",
                                                                                    "value": 10}]})
    reasons = check(expect, ITEMS)
    assert [r.split(":")[0] for r in reasons] == ["any_of", "none_of", "every"]
    assert check(None, ITEMS) == []


# -- running cases -------------------------------------------------------------------------------------
def test_a_request_case_runs_through_the_agent_and_records_what_was_shown(fake_table: tuple[Path, str]) -> None:
    agent = Agent(Catalog.open(*fake_table))
    case = IntentCase(id="cheap", request="something under $2", k=2,
                      expect=Expect.model_validate({"every": [{"column": "price", "op": "<", "value": 2}],
                                                    "none_of": ["piano"]}))
    outcome = run_case(case, agent)
    assert outcome.table == "items" and not outcome.passed
    assert outcome.reasons == ["none_of: piano shown"]
    turn = outcome.turns[0]
    assert {t["id"] for t in turn["top"]} == {"piano", "guitar"}
    assert turn["filters"] == ["price < 2.0"] and "price" in turn["where"]


def test_a_chat_turn_that_raises_fails_the_case_with_the_reason(fake_table: tuple[Path, str],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from xmr_agent.agent.session import Session

    send = Session.send

    def flaky(self: Session, message: str, **kwargs: Any) -> Any:
        if message == "boom":
            raise RuntimeError("the critique parser fell over")
        return send(self, message, **kwargs)

    monkeypatch.setattr(Session, "send", flaky)
    agent = Agent(Catalog.open(*fake_table))
    case = IntentCase.model_validate({"id": "chat", "turns": [
        {"say": "music", "expect": {}},
        {"say": "boom"}, {"say": "cheaper", "expect": {"any_of": ["piano"]}}]})
    outcome = run_case(case, agent)
    assert not outcome.passed and len(outcome.reasons) == 1
    assert outcome.reasons[0] == (f"{CHAT_ENDED}: turn 2 ('boom') raised RuntimeError: the critique parser fell over")
    assert [t["turn"] for t in outcome.turns] == [1, 2]  # turn 3 never ran
    assert outcome.turns[0]["reasons"] == []


def test_pass_rates_come_with_their_standard_error() -> None:
    def outcome(n: int, passed: bool, **tags: str) -> Outcome:
        return Outcome(IntentCase(id=f"c{n}", request="x", **tags), "t", passed=passed)

    outcomes = [outcome(0, True, lang="en", split="dev"), outcome(1, False, lang="en", split="test"),
                outcome(2, True, lang="fr", split="dev"), outcome(3, True, lang="en")]
    summary = summarize(outcomes)
    assert summary["overall"] == {"n": 4, "passed": 3, "rate": 0.75, "se": round(math.sqrt(0.75 * 0.25 / 4), 4)}
    assert summary["by_lang"]["en"]["rate"] == round(2 / 3, 4) and summary["by_lang"]["fr"]["se"] == 0.0
    assert set(summary["by_split"]) == {"dev", "test", "none"} and summary["by_kind"]["none"]["n"] == 4


# -- the command ----------------------------------------------------------------------------------------
@pytest.mark.model
def test_xmr_eval_intents_on_a_slice_of_the_bookshop(tmp_path: Path) -> None:
    rows = [r for r in csv.DictReader(BOOKS.open(encoding="utf-8"))
            if r["id"] in {"b-martian", "b-hail-mary", "b-dune", "b-hobbit", "b-pride", "b-gruffalo"}]
    catalog = tmp_path / "books.csv"
    with catalog.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    db, runner = str(tmp_path / "db"), CliRunner()
    ingested = runner.invoke(main, ["ingest", str(catalog), "--db", db, "--table", "books", "--no-progress"])
    assert ingested.exit_code == 0, ingested.output
    ids = [r["id"] for r in rows]
    suite = write_suite(tmp_path / "suite.jsonl", [
        {"id": "mars", "lang": "en", "kind": "plain", "split": "dev", "request": "an astronaut stranded on Mars",
         "expect": {"any_of": ["b-martian", "b-hail-mary"]}},
        {"id": "cheap", "lang": "en", "kind": "price", "split": "test", "request": "a book under $8",
         "expect": {"every": [{"column": "price", "op": "<", "value": 8}]}},
        {"id": "nothing-fits", "lang": "fr", "kind": "plain", "split": "test", "request": "un roman",
         "expect": {"none_of": ids}},
        {"id": "chat", "lang": "en", "kind": "chat", "split": "dev",
         "turns": [{"say": "science fiction"}, {"say": "a children's book about a monster in the woods",
                                                "expect": {"first": "b-gruffalo"}}]},
    ])
    out = tmp_path / "report"
    args = ["eval", "--intents", str(suite), "--db", db, "--table", "books", "--out", str(out), "--no-progress"]
    done = runner.invoke(main, args)
    assert done.exit_code == 0, done.output
    assert "overall" in done.output and "75.0%" in done.output
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["overall"] == {"n": 4, "passed": 3, "rate": 0.75, "se": round(math.sqrt(0.75 * 0.25 / 4), 4)}
    assert results["by_split"]["dev"]["rate"] == 1.0 and results["by_lang"]["fr"]["rate"] == 0.0
    assert [c["id"] for c in results["cases"] if not c["passed"]] == ["nothing-fits"]
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "## Failures (1)" in report and "`nothing-fits`" in report and "none_of: " in report

    assert runner.invoke(main, [*args, "--min-pass", "0.7"]).exit_code == 0
    below = runner.invoke(main, [*args, "--min-pass", "0.8"])
    assert below.exit_code == 1 and "below --min-pass" in below.output
    dev = runner.invoke(main, [*args, "--split", "dev", "--min-pass", "1"])
    assert dev.exit_code == 0 and json.loads((out / "results.json").read_text())["overall"]["n"] == 2

    other = write_suite(tmp_path / "other.jsonl", [{"id": "x", "table": "films", "request": "a film"},
                                                   {"id": "y", "request": "a book", "expect": {"any_of": ["b-nope"]}}])
    refused = runner.invoke(main, ["eval", "--intents", str(other), "--db", db, "--table", "books", "--no-progress"])
    assert refused.exit_code == 1 and "cases x need table 'films'" in refused.output
    typo = write_suite(tmp_path / "typo.jsonl", [{"id": "y", "request": "a book", "expect": {"any_of": ["b-nope"]}}])
    refused = runner.invoke(main, ["eval", "--intents", str(typo), "--db", db, "--table", "books", "--no-progress"])
    assert refused.exit_code == 1 and "case 'y': b-nope not in table 'books'" in refused.output
    both = runner.invoke(main, ["eval", str(suite), "--intents", str(suite), "--db", db])
    assert both.exit_code == 2 and "one of them" in both.output
    mixed = runner.invoke(main, ["eval", "--intents", str(suite), "--db", db, "--hybrid"])
    assert mixed.exit_code == 2 and "only --db" in mixed.output
