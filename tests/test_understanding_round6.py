"""Round six of reading requests: which column holds a shop's kinds when none is named so, what a
thing is for ("a lock for my suitcase") is no condition, ages in months and "from birth", more
price phrases, items named by their brand and a few title words ("the Titan combi drill"),
catalogues whose id column is named "item_no" or "article", and a chat refinement that may show
again an item just shown."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import ingested_csv

from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.mentions import TitleIndex
from xmr_agent.agent.numbers import Parse, ages
from xmr_agent.agent.pipeline import Agent
from xmr_agent.agent.rules import attribute_columns, kind_columns, rule_rewrite
from xmr_agent.agent.session import Session
from xmr_agent.assembly import open_catalog
from xmr_agent.cli import main


def _facet(column: str, values: set[str]) -> Facet:
    return Facet(column, "string", frozenset(values), canonical={v: v for v in values})


DEPTS = {"power tools", "hand tools", "ladders", "paint", "adhesives", "fixings", "measuring", "decorating"}
LINES = {"suitcases", "backpacks", "security", "organisers", "comfort"}
DIY = Facets({
    "price_gbp": Facet("price_gbp", "number", lower=2, upper=300, integer=False),
    "dept": _facet("dept", DEPTS),
    "power": _facet("power", {"battery", "mains", "manual", "cordless", "corded"}),
    "brand": _facet("brand", {"Titan", "Brava", "Stanmore"}),
})
TRAVEL = Facets({"price_usd": Facet("price_usd", "number", lower=5, upper=600, integer=False),
                 "line": _facet("line", LINES), "colour": _facet("colour", {"red", "navy", "black"})})


def _hard(query: object) -> set[tuple[str, str]]:
    return {(f.column, str(f.value)) for f in query.filters if f.hard}  # type: ignore[attr-defined]


# -- the column of kinds ---------------------------------------------------------------------------
def test_the_column_with_the_most_short_values_holds_the_kinds_and_the_others_describe() -> None:
    assert "dept" in kind_columns(DIY) and "power" not in kind_columns(DIY)
    assert "power" in attribute_columns(DIY) and "dept" not in attribute_columns(DIY)


def test_a_value_of_a_describing_column_is_a_preference_not_a_condition() -> None:
    query = rule_rewrite("the kids' toys need new batteries but the covers have tiny screws", DIY, k=3)
    assert ("power", "battery") not in _hard(query), query.notes


def test_a_kind_named_alone_is_still_a_condition() -> None:
    assert ("dept", "ladders") in _hard(rule_rewrite("ladders", DIY, k=3))


# -- what a thing is for ---------------------------------------------------------------------------
@pytest.mark.parametrize("request_", ["a lock for my suitcase", "something to keep clothes tidy inside the suitcase",
                                      "un cadenas pour ma valise"])
def test_a_kind_the_thing_wanted_is_for_is_no_condition(request_: str) -> None:
    facets = Facets({**TRAVEL, "line": _facet("line", LINES | {"valise"})})
    assert not {c for c, _ in _hard(rule_rewrite(request_, facets, k=3))} & {"line"}, request_


@pytest.mark.parametrize("request_", ["I'm looking for a suitcase", "something for the suitcases section",
                                      "suitcases for a long trip"])
def test_a_kind_that_is_the_thing_wanted_stays_a_condition(request_: str) -> None:
    assert ("line", "suitcases") in _hard(rule_rewrite(request_, TRAVEL, k=3)), request_


def test_who_a_thing_is_for_stays_a_condition() -> None:
    pets = Facets({"kind": _facet("kind", {"toys", "food", "beds"}), "animal": _facet("animal", {"dog", "cat"})})
    query = rule_rewrite("a squeaky toy for my dog", pets, k=3)
    assert ("animal", "dog") in _hard(query) and ("kind", "toys") in _hard(query)


# -- ages --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("request_", "months", "years"), [
    ("flying with our 1 year old", 12, 1),
    ("car seats suitable from birth", 0, 0),
    ("a toy for a 9 month old", 9, 0.75),
    ("pour un enfant de 18 mois", 18, 1.5),
    ("宝宝8个月", 8, 0.67),
    ("für 6-Jährige", 72, 6),
])
def test_ages_are_read_in_the_columns_unit(request_: str, months: int, years: float) -> None:
    for column, value in (("age_months", months), ("min_age", years)):
        parse = Parse(request_, request_)
        ages(parse, Facets({column: Facet(column, "number", lower=0, upper=100, integer=True)}))
        assert [(f.column, f.op, f.value) for f in parse.filters] == [(column, "<=", value)], (request_, column)


# -- price phrases -----------------------------------------------------------------------------------
@pytest.mark.parametrize(("request_", "mode"), [
    ("top-of-the-range power tools, money's no object", "high"),
    ("a drill that won't break the bank", "low"),
    ("a ladder, not too pricey", "low"),
])
def test_price_phrases_are_orders_not_negations(request_: str, mode: str) -> None:
    query = rule_rewrite(request_, DIY, k=3)
    assert query.order is not None and query.order.column == "price_gbp" and query.order.mode == mode
    assert not query.avoid and not query.exclude_words, query.notes


# -- items named by a brand and a few words of their title -------------------------------------------
TITLES = TitleIndex([("a", "Titan 18V Brushless Combi Drill Kit"), ("b", "Titan 18V Brushless Impact Driver"),
                     ("c", "Titan 18V Cordless Circular Saw 165mm"), ("d", "Cotton Crew Socks")])


@pytest.mark.parametrize(("text", "ids"), [
    ("like the Titan combi drill but cheaper", ["a"]),
    ("the Titan circular saw", ["c"]),
    ("I want the Titan saw", ["c"]),
    ("the Titan 18V", []),  # three Titans begin so
    ("Cotton socks please", []),  # the first word of a sentence is no name
    ("a Titan thing", []),
])
def test_a_brand_and_words_of_one_title_name_that_item(text: str, ids: list[str]) -> None:
    assert [i for _, found in TITLES.spans(text) for i in found] == ids


# -- a catalogue whose id column is not called id -----------------------------------------------------
@pytest.mark.parametrize("id_column", ["item_no", "article", "ean"])
def test_plain_ingest_finds_an_id_column_named_otherwise(tmp_path: Path, id_column: str) -> None:
    path = tmp_path / "bikes.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([id_column, "product", "about", "eur", "family"])
        writer.writerow(["c-bk-strada", "Strada AL Road Bike", "An aluminium road bike", 899, "bikes"])
        writer.writerow(["c-lk-bastion", "Bastion D-Lock", "A hardened steel lock", 59, "locks"])
    done = CliRunner().invoke(main, ["ingest", str(path), "--db", str(tmp_path / "db"), "--table", "bikes",
                                     "--no-progress"])
    assert done.exit_code == 0, done.output
    rows = open_catalog(str(tmp_path / "db"), "bikes").get(["c-lk-bastion"])
    assert [r["title"] for r in rows] == ["Bastion D-Lock"]


def test_a_first_column_of_distinct_single_words_is_the_id(tmp_path: Path) -> None:
    path = tmp_path / "paints.csv"
    path.write_text("ref_code_x,title,price\np-001,Cadmium Red,9\np-002,Ultramarine,8\n", encoding="utf-8")
    done = CliRunner().invoke(main, ["ingest", str(path), "--db", str(tmp_path / "db"), "--table", "paints",
                                     "--no-progress"])
    assert done.exit_code == 0, done.output
    assert [r["title"] for r in open_catalog(str(tmp_path / "db"), "paints").get(["p-002"])] == ["Ultramarine"]


def test_no_column_that_identifies_items_still_says_which_to_name(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("title,price\nRed pen,2\nRed pen,3\n", encoding="utf-8")
    done = CliRunner().invoke(main, ["ingest", str(path), "--db", str(tmp_path / "db"), "--table", "notes",
                                     "--no-progress"])
    assert done.exit_code != 0 and "--id-field" in done.output


# -- a chat refinement may show an item just shown ------------------------------------------------------
NURSERY = [  # id, title, description, price, range
    ("cot", "Oakley Cot Bed", "A solid wooden cot bed that becomes a toddler bed", 299, "nursery"),
    ("travel", "Zippi Fold Travel Cot", "A cot that folds flat into a carry bag for holidays and grandparents", 99,
     "nursery"),
    ("crib", "Cloudline Bedside Crib", "A crib that fixes to the side of your bed", 199, "nursery"),
    ("lamp", "Glowbear Night Light", "A soft night light with white noise", 25, "nursery"),
    ("pram", "Nordbo City Pram", "A pram with a big basket", 549, "pushchairs"),
    ("buggy", "Zippi Umbrella Buggy", "A light buggy", 89, "pushchairs"),
    ("bottle", "Tummyease Bottles", "Anti-colic bottles", 19, "feeding"),
]


@pytest.fixture(scope="module")
def nursery(tmp_path_factory: pytest.TempPathFactory) -> Agent:
    return ingested_csv(tmp_path_factory.mktemp("round6-nursery"), "baby",
                        ["code", "title", "about", "cost_eur", "range"], NURSERY)


def test_a_refinement_can_show_again_the_item_just_shown(nursery: Agent) -> None:
    session = Session.open(nursery, k=3)
    first = [r.id for r in session.send("a cot").recommendations]
    assert "travel" in first
    refined = [r.id for r in session.send("actually we need one that folds up to take on holiday").recommendations]
    assert "travel" in refined


def test_something_else_shows_other_items(nursery: Agent) -> None:
    session = Session.open(nursery, k=2)
    first = {r.id for r in session.send("a cot").recommendations}
    other = {r.id for r in session.send("something else for the nursery").recommendations}
    assert other and not other & first
