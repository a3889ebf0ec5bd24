"""Ordinary requests on a catalogue the code was not built against: prices and price words,
superlatives, negations, values that are preferences, named items, other languages, chats that
never end on a turn, compact tool outputs, and the intent suite run through `xmr eval`."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import ingested_csv

from xmr_agent.agent.filters import Facet, Facets, compile_where
from xmr_agent.agent.pipeline import Agent
from xmr_agent.agent.rules import rule_rewrite
from xmr_agent.agent.session import Session
from xmr_agent.assembly import build_agent, open_catalog
from xmr_agent.cli import main
from xmr_agent.integrations.cards import answer_card, to_json

ROOT = Path(__file__).resolve().parents[1]
SUITE = ROOT / "benchmarks" / "intents"
COLOURS = {"red", "blue", "green", "orange", "grey", "brown", "white", "black", "yellow"}
KINDS = {"prints", "kitchen", "outdoor", "toys", "apparel"}
FACETS = Facets({
    "price": Facet("price", "number", lower=5, upper=300, integer=True),
    "colour": Facet("colour", "string", frozenset(COLOURS), canonical={c: c for c in COLOURS}),
    "category": Facet("category", "string", frozenset(KINDS), canonical={c: c for c in KINDS}),
})
SHOP = [  # id, title, description, price, category, colour
    ("p1", "Sleeping Dog Print", "A watercolour print of a beagle asleep on a rug", 18, "prints", "brown"),
    ("p2", "Mountain Sunrise Print", "Snowy peaks at dawn in soft pastel colours", 22, "prints", "blue"),
    ("p3", "Two Dogs on the Beach Print", "Two spaniels playing in the surf", 25, "prints", "white"),
    ("p4", "Botanical Fern Print", "Pressed fern illustration on cream paper", 15, "prints", "green"),
    ("k1", "Red Ceramic Mug", "A stoneware coffee mug with a glossy red glaze", 9, "kitchen", "red"),
    ("k2", "Blue Enamel Mug", "Camping style enamel mug for tea or coffee", 11, "kitchen", "blue"),
    ("k3", "Chef Knife", "Eight inch stainless steel knife for chopping vegetables", 65, "kitchen", "grey"),
    ("k4", "Cast Iron Skillet", "Pre-seasoned frying pan for steak and eggs", 45, "kitchen", "black"),
    ("k5", "Wooden Spoon Set", "Three beech spoons for stirring sauces", 7, "kitchen", "brown"),
    ("o1", "Orange Dome Tent", "Two person waterproof dome tent for weekend camping", 120, "outdoor", "orange"),
    ("o2", "Green Tunnel Tent", "Four person family tent with two rooms", 210, "outdoor", "green"),
    ("o3", "Ultralight Backpacking Tent", "One person tent weighing under one kilogram", 260, "outdoor", "grey"),
    ("o4", "Camping Lantern", "Rechargeable LED lantern for the campsite", 29, "outdoor", "yellow"),
    ("t1", "Wooden Train Set", "Thirty piece railway with bridges for toddlers", 49, "toys", "brown"),
    ("t2", "Kite", "Red diamond kite for windy days at the beach", 16, "toys", "red"),
    ("a1", "Grey Wool Beanie", "Warm knitted hat for winter", 14, "apparel", "grey"),
    ("a2", "Rain Jacket", "Waterproof hooded jacket for hiking in the rain", 89, "apparel", "yellow"),
]


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Agent:
    return ingested_csv(tmp_path_factory.mktemp("shop"), "shop",
                        ["id", "title", "description", "price", "category", "colour"], SHOP)


def _ids(agent: Agent, request: str, k: int = 3) -> list[str]:
    return [r.id for r in agent.ask(request, k=k).recommendations]


def _price(item_id: str) -> int:
    return next(row[3] for row in SHOP if row[0] == item_id)


# -- the rules, in five languages -------------------------------------------------------------
@pytest.mark.parametrize(("request_", "where"), [
    ("moins de 12 euros", "(price < 12)"),
    ("unter 20 Euro", "(price < 20)"),
    ("menos de 15 dólares", "(price < 15)"),
    ("20元以下的玩具", "(price <= 20)"),
    ("zwischen 10 und 20 Euro", "(price >= 10) AND (price <= 20)"),
    ("entre 10 y 30 euros", "(price >= 10) AND (price <= 30)"),
    ("a mug for less than 12.50 euros", "(price < 13)"),
    ("only red ones", "(colour = 'red')"),
    ("this lamp but in white", "(colour = 'white')"),
    ("two breeds of brown and white dogs play on the beach", None),  # colours described, not demanded
])
def test_prices_and_conditions_in_five_languages(request_: str, where: str | None) -> None:
    assert compile_where(rule_rewrite(request_, FACETS).filters, FACETS) == (where, [])


@pytest.mark.parametrize(("request_", "column", "mode", "descending"), [
    ("the cheapest thing you have", "price", "sort", False),
    ("the most expensive tent", "price", "sort", True),
    ("le moins cher de la boutique", "price", "sort", False),
    ("das teuerste Zelt", "price", "sort", True),
    ("el más barato", "price", "sort", False),
    ("最便宜的帐篷", "price", "sort", False),
    ("something cheap for the kitchen", "price", "low", False),
    ("une tasse pas chère", "price", "low", False),
    ("a pricey jacket", "price", "high", False),
    ("something like it but cheaper", "price", "less", False),
])
def test_superlatives_and_price_words_become_an_order(request_: str, column: str, mode: str, descending: bool) -> None:
    order = rule_rewrite(request_, FACETS).order
    assert order is not None and (order.column, order.mode, order.descending) == (column, mode, descending)


def test_negations_name_values_or_items_and_filler_is_no_subject() -> None:
    query = rule_rewrite("kitchen stuff but no mugs", FACETS)
    assert query.exclude_words == ("mugs",) and not query.queries
    assert compile_where(query.filters, FACETS)[0] == "(`category` = 'kitchen')"
    assert any(f.op == "!=" and f.value == "red" for f in rule_rewrite("prints without red", FACETS).filters)
    assert rule_rewrite("sans chiens", FACETS).avoid == ("chiens",)
    assert not rule_rewrite("something like this but under $20", FACETS).queries  # the photo is the subject
    named = "something like the Orange Dome Tent but cheaper"
    spans = [(named.index("Orange"), named.index("Tent") + 4)]
    assert not rule_rewrite(named, FACETS, named=spans).filters  # "orange" is in the title, not a condition


# -- the agent on a real catalogue and encoder --------------------------------------------------
def test_price_words_and_superlatives_rank_by_price(shop: Agent) -> None:
    assert _ids(shop, "the cheapest thing you have") == ["k5", "k1", "k2"]
    assert _ids(shop, "the most expensive tent") == ["o3", "o2", "o1"]
    cheap = _ids(shop, "something cheap for the kitchen")
    assert cheap == ["k5", "k1", "k2"]
    assert _ids(shop, "a cheap tent")[0] == "o1"


def test_negations_are_hard_exclusions(shop: Agent) -> None:
    assert not {"p1", "p3"} & set(_ids(shop, "prints without dogs", k=5))
    kitchen = _ids(shop, "kitchen stuff but no mugs", k=5)
    assert kitchen and not {"k1", "k2"} & set(kitchen) and all(i.startswith("k") for i in kitchen)


def test_a_named_item_is_a_seed_and_cheaper_means_cheaper_than_it(shop: Agent) -> None:
    answer = shop.ask("something like the Orange Dome Tent but cheaper", k=3)
    assert answer.recommendations and "o1" not in [r.id for r in answer.recommendations]
    assert all(r.item["price"] < 120 for r in answer.recommendations)
    assert "o1" in answer.query.like_ids


def test_a_chat_never_ends_on_a_turn(shop: Agent) -> None:
    session = Session.open(shop, k=3)
    first = session.send("cheaper")  # nothing shown yet: the cheapest, and what to say next
    assert [r.id for r in first.recommendations] == ["k5", "k1", "k2"] and "say what you are looking for" in first.message
    session.send("a red mug")
    reset = session.send("start over")
    assert not reset.recommendations and "Started over" in reset.message
    tents = session.send("a tent")
    assert {r.id for r in tents.recommendations} == {"o1", "o2", "o3"}
    cheaper = session.send("cheaper than the green one")  # a shown item, named by its colour
    assert cheaper.recommendations[0].id == "o1" and all(r.item["price"] < 210 for r in cheaper.recommendations)
    assert "empty" in session.send("  ").message
    other = session.send("a knife")  # a new subject: the tents' words are dropped
    assert other.recommendations[0].id == "k3"
    french = session.send("moins cher")  # a comparative in French, against what was shown
    shown = [_price(r.id) for r in other.recommendations]
    assert french.recommendations and all(_price(r.id) < max(shown) for r in french.recommendations)


def test_chat_cli_goes_on_after_a_turn_it_cannot_answer(shop: Agent) -> None:
    db = str(shop.catalog.db.uri)
    done = CliRunner().invoke(main, ["chat", "--db", db, "--table", "shop", "--json"],
                              input="a mug\nstart over\na tent\n")
    assert done.exit_code == 0, done.output
    turns = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert len(turns) == 3 and turns[1]["message"].startswith("Started over")
    assert {r["id"] for r in turns[2]["recommendations"][:3]} == {"o1", "o2", "o3"}


def test_compact_tool_output_fits_a_context(shop: Agent) -> None:
    answer = shop.ask("something for camping", k=5)
    compact, full = to_json(answer_card(answer, compact=True)), to_json(answer_card(answer))
    assert len(compact) < len(full)
    card = answer_card(answer, compact=True)["recommendations"][0]
    assert {"id", "title", "price", "why"} <= set(card) and len(card["why"]) <= 160 and len(card["text"]) <= 101


# -- the intent suite, through `xmr eval`, on a slice (the whole suite: benchmarks/intents/run.sh) ---
def test_the_intent_suite_on_its_english_bookshop_and_cafe_cases(tmp_path: Path) -> None:
    runner, db = CliRunner(), str(tmp_path / "db")
    for table in ("books", "cafe"):
        done = runner.invoke(main, ["ingest", str(SUITE / f"{table}.csv"), "--db", db, "--table", table, "--no-progress"])
        assert done.exit_code == 0, done.output
    cases = [json.loads(line) for line in (SUITE / "suite.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    chosen = [c for c in cases if c.get("table") in ("books", "cafe") and c.get("lang") == "en"]
    suite = tmp_path / "suite.jsonl"
    suite.write_text("".join(json.dumps(c) + "\n" for c in chosen), encoding="utf-8")
    out = tmp_path / "report"
    done = runner.invoke(main, ["eval", "--intents", str(suite), "--db", db, "--out", str(out), "--no-progress",
                                "--min-pass", "0.7"])
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert done.exit_code == 0, (results["overall"], [c["id"] for c in results["cases"] if not c["passed"]])
    assert results["overall"]["n"] == len(chosen) >= 30


def test_make_images_draws_the_shop_pictures(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(SUITE / "make_images.py")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (SUITE / "images" / "shop" / "mug-red.png").is_file()


def test_only_confident_image_tags_are_shown() -> None:
    import numpy as np

    from xmr_agent.agent.explain import _matched_tags
    from xmr_agent.ingestion.tags import Tagger

    class Classifier:
        name, space = "fake-classifier", "fake"

        def encode_and_tag(self, items: list[str], k: int) -> tuple[np.ndarray, list[list[tuple[str, float]]]]:
            return np.ones((len(items), 4), dtype=np.float32), [[("red mug", 0.8), ("face powder", 0.05)]] * len(items)

    rows = [{"id": "a", "image": "a.png"}]
    Tagger(Classifier()).tag(rows)
    assert rows[0]["image_tags"] == ["red mug", "face powder"]  # every tag is searched
    assert rows[0]["image_labels"] == ["red mug"]  # only the confident ones are shown
    assert list(_matched_tags(rows[0], {"mug", "powder"})) == ["red mug"]


def test_a_guessed_preference_never_replaces_the_items_that_answer() -> None:
    from xmr_agent.agent.order import apply_order
    from xmr_agent.agent.query import Filter, Order
    from xmr_agent.types import Hit

    def hit(i: str, cos: float, price: int, kind: str) -> Hit:
        return Hit(i, cos, {"id": i, "price": price, "category": kind}, {"vector:text": cos})

    fused = [hit("peg-b", 0.70, 4, "outdoor"), hit("peg-a", 0.69, 3, "outdoor"), hit("dino", 0.30, 12, "toys"),
             hit("kite", 0.28, 16, "toys"), hit("mug", 0.10, 9, "kitchen")]
    toys = [Filter(column="category", op="=", value="toys", hard=False)]  # "tent peg" misread as a toy
    order = Order(column="price")
    assert [h.id for h in apply_order(order, fused, preferences=toys)][:2] == ["peg-a", "peg-b"]
    outdoor = [Filter(column="category", op="=", value="outdoor", hard=False)]
    assert [h.id for h in apply_order(order, fused, preferences=outdoor)][:2] == ["peg-a", "peg-b"]


# -- catalogues with other columns, other phrasings ----------------------------------------------
GEAR = Facets({
    "price_eur": Facet("price_eur", "number", lower=10, upper=300, integer=True),
    "weight_g": Facet("weight_g", "number", lower=20, upper=2000, integer=True),
    "rating": Facet("rating", "number", lower=3, upper=5),
    "colour": Facet("colour", "string", frozenset(COLOURS), canonical={c: c for c in COLOURS}),
    "type": Facet("type", "string", frozenset({"plant", "bulbs", "tool"}), canonical={v: v for v in ("plant", "bulbs", "tool")}),
    "format": Facet("format", "string", frozenset({"cd", "vinyl"}), canonical={"cd": "cd", "vinyl": "vinyl"}),
})


@pytest.mark.parametrize(("request_", "where"), [
    ("Gartenmöbel, aber nichts Rotes", "((colour IS NULL OR colour <> 'red'))"),  # German "nichts", an inflected colour
    ("园艺工具，不要绿色的", "((colour IS NULL OR colour <> 'green'))"),  # a negated colour in Chinese, with its particle
    ("une lampe, pas rouge", "((colour IS NULL OR colour <> 'red'))"),
    ("bulbs or plants for spring", "(`type` = 'bulbs' OR `type` = 'plant')"),  # two kinds: either
    ("bulbs to plant in spring", "(`type` = 'bulbs')"),  # a second kind not joined by "or" is a preference
    ("albums on CD under 15 euros", "(price_eur < 15) AND (`format` = 'cd')"),  # a two-letter value in capitals
    ("like that one but red", "(colour = 'red')"),  # "but red" makes the colour a condition
])
def test_conditions_on_other_catalogues(request_: str, where: str) -> None:
    assert compile_where(rule_rewrite(request_, GEAR).filters, GEAR) == (where, [])


@pytest.mark.parametrize(("request_", "column", "descending", "subject"), [
    ("la mochila más ligera", "weight_g", False, "la mochila"),  # the Spanish article comes before the noun
    ("le sac à dos le plus léger", "weight_g", False, "le sac à dos"),
    ("el saco de dormir mejor valorado", "rating", True, "el saco de dormir"),
    ("the most expensive thing you sell", "price_eur", True, None),  # "you sell" is no subject
    ("最轻的背包", "weight_g", False, "背包"),
])
def test_superlatives_on_other_columns(request_: str, column: str, descending: bool, subject: str | None) -> None:
    query = rule_rewrite(request_, GEAR)
    assert query.order is not None and (query.order.column, query.order.descending) == (column, descending)
    assert [q.text for q in query.queries] == ([subject] if subject else [])


@pytest.mark.parametrize(("request_", "where"), [
    ("ein Album aus den 70ern", "(`year` >= 1970) AND (`year` <= 1979)"),
    ("des albums des années 80", "(`year` >= 1980) AND (`year` <= 1989)"),
    ("álbumes de los años 60", "(`year` >= 1960) AND (`year` <= 1969)"),
    ("70年代的摇滚", "(`year` >= 1970) AND (`year` <= 1979)"),
    ("albums by Miles Davis", "(artist = 'Miles Davis')"),  # "by" names the artist as a condition
])
def test_decades_in_other_languages_and_by_an_artist(request_: str, where: str) -> None:
    facets = Facets({"year": Facet("year", "number", lower=1950, upper=2020, integer=True),
                     "artist": Facet("artist", "string", frozenset({"miles davis", "queen"}),
                                     canonical={"miles davis": "Miles Davis", "queen": "Queen"})})
    assert compile_where(rule_rewrite(request_, facets).filters, facets) == (where, [])


@pytest.mark.parametrize(("request_", "column", "mode"), [
    ("a light tent", "weight_g", "low"),
    ("lightweight gear", "weight_g", "low"),
    ("something cheap", "price_eur", "low"),
    ("moins lourde", "weight_g", "less"),  # a comparative of another measure, against what was shown
    ("noch leichter", "weight_g", "less"),
])
def test_relative_words_for_other_measures(request_: str, column: str, mode: str) -> None:
    order = rule_rewrite(request_, GEAR).order
    assert order is not None and (order.column, order.mode) == (column, mode)
    assert rule_rewrite("a reading light", GEAR).order is None  # "light" as a noun is no weight


def test_a_negated_phrase_after_on_or_by_names_what_is_not_wanted() -> None:
    assert rule_rewrite("science fiction, not set on Mars", GEAR).exclude_words == ("mars",)
    assert rule_rewrite("fantasy but nothing by Tolkien", GEAR).exclude_words == ("tolkien",)


def test_items_whose_fields_say_a_negated_phrase_come_last_and_those_without_it_first() -> None:
    from xmr_agent.agent.order import demote
    from xmr_agent.types import Hit

    hits = [Hit("martian", 0.9, {"description": "An astronaut stranded on Mars"}, {}),
            Hit("dune", 0.8, {"description": "A desert planet and its spice"}, {}),
            Hit("lemonade", 0.7, {"description": "Sugar-free lemonade with no added sugar"}, {}),
            Hit("cola", 0.6, {"description": "Cola with cane sugar"}, {})]
    assert [h.id for h in demote(hits, ["mars"])] == ["dune", "lemonade", "cola", "martian"]
    # "sugar-free", "no added sugar": the lemonade says it is what the user asks for
    assert [h.id for h in demote(hits, ["sugar"])] == ["lemonade", "martian", "dune", "cola"]


def test_a_cheap_lamp_is_cheap_for_a_lamp() -> None:
    from xmr_agent.agent.order import apply_order
    from xmr_agent.agent.query import Filter, Order
    from xmr_agent.types import Hit

    def hit(i: str, cos: float, price: int, kind: str) -> Hit:
        return Hit(i, cos, {"id": i, "price": price, "category": kind}, {"vector:text": cos})

    fused = [hit("desk-lamp", 0.80, 42, "lighting"), hit("bedside-lamp", 0.79, 26, "lighting"),
             hit("floor-lamp", 0.78, 149, "lighting"), hit("string-lights", 0.50, 15, "lighting"),
             hit("solar-lights", 0.45, 34, "lighting"), hit("mug", 0.40, 9, "kitchen"),
             *(hit(f"other-{n}", 0.2, 5, "garden") for n in range(6))]
    lighting = [Filter(column="category", op="=", value="lighting", hard=False)]
    ranked = [h.id for h in apply_order(Order(column="price", mode="low"), fused, preferences=lighting)]
    assert ranked[:3] == ["bedside-lamp", "string-lights", "solar-lights"]  # then the dearer lamps
    assert ranked.index("desk-lamp") < ranked.index("mug")


def test_a_plain_ingest_takes_the_title_from_a_name_column(tmp_path: Path) -> None:
    path = tmp_path / "garden.csv"
    path.write_text("sku,name,details,cost,type\n"
                    "g1,Terracotta Pot,A classic unglazed clay pot for herbs on a sunny windowsill,12,planter\n"
                    "g2,Steel Trowel,A sturdy hand trowel with an ash handle for planting bulbs,9,tool\n", encoding="utf-8")
    done = CliRunner().invoke(main, ["ingest", str(path), "--db", str(tmp_path / "db"), "--table", "garden",
                                     "--no-progress"])
    assert done.exit_code == 0, done.output
    assert "column 'sku'" in done.output and "column 'name'" in done.output and "text: name, details" in done.output
    agent = build_agent(open_catalog(str(tmp_path / "db"), "garden"))
    assert agent.titles().find("I liked the Steel Trowel") == ["g2"]
    assert agent.ask("a trowel", k=1).recommendations[0].item["title"] == "Steel Trowel"


def test_a_chat_keeps_its_subject_through_a_budget_and_cheaper(shop: Agent) -> None:
    session = Session.open(shop, k=3)
    session.send("a tent")
    budget = session.send("under 150 euros")  # no subject of its own: still tents, and the tent shown may come back
    assert budget.recommendations[0].id == "o1"
    session = Session.open(shop, k=3)
    session.send("a mug")
    cheaper = session.send("cheaper")  # the same kind of thing as what was shown
    assert cheaper.recommendations and all(r.item["category"] == "kitchen" for r in cheaper.recommendations)
    other = session.send("some apparel")  # a kind none of the shown items is: a new subject
    assert other.recommendations and all(r.item["category"] == "apparel" for r in other.recommendations)


@pytest.mark.parametrize(("request_", "value"), [
    ("el libro en español más antiguo", "Spanish"), ("un livre en français", "French"), ("一本中文书", "Chinese")])
def test_languages_named_in_other_languages(request_: str, value: str) -> None:
    facets = Facets({"language": Facet("language", "string", frozenset({"spanish", "french", "chinese", "english"}),
                                       canonical={v: v.title() for v in ("spanish", "french", "chinese", "english")})})
    assert [f.value for f in rule_rewrite(request_, facets).filters] == [value]


@pytest.mark.parametrize("message", ["recommencer", "von vorne", "empezar de nuevo", "重新开始", "start again"])
def test_start_over_in_other_languages(message: str) -> None:
    from xmr_agent.agent.critique import parse_critique

    assert parse_critique(message, [], FACETS).reset


@pytest.mark.parametrize("name", ["suite", "fresh", "fresh2", "fresh3", "fresh4", "fresh5", "fresh6", "fresh7", "fresh8",
                                  "fresh9", "fresh10", "fresh11", "fresh12", "fresh13", "fresh14", "fresh15", "fresh16",
                                  "fresh17", "fresh18", "fresh19", "fresh20", "fresh21", "fresh22", "fresh23", "fresh24",
                                  "fresh25", "fresh26", "fresh27", "fresh28", "fresh29", "fresh30", "fresh31",
                                  "fresh32", "fresh33", "fresh34", "fresh35", "fresh36", "fresh37",
                                  "fresh38", "fresh39", "fresh40", "fresh41", "fresh42",
                                  "fresh43", "fresh44", "fresh45", "fresh46", "fresh47", "fresh48",
                                  "fresh49", "fresh50", "fresh51",
                                  "fresh52", "fresh53", "fresh54", "fresh55", "fresh56",
                                  "fresh57", "fresh58", "fresh59", "fresh60",
                                  "fresh61", "fresh62", "fresh63", "fresh64",
                                  "fresh65", "fresh66", "fresh67", "fresh68"])
def test_the_bundled_suites_fit_their_catalogues(name: str) -> None:
    done = subprocess.run([sys.executable, str(SUITE / "check_suite.py"), str(SUITE / f"{name}.jsonl")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok" in done.stdout


@pytest.mark.model
def test_like_this_but_cheaper_is_cheaper_than_the_item_the_photo_shows(tmp_path: Path) -> None:
    pytest.importorskip("efficientnet_lite_pytorch")
    subprocess.run([sys.executable, str(SUITE / "make_images.py")], check=True, capture_output=True, timeout=120)
    wanted = {"mug-red", "mug-blue", "teapot-green", "tent-orange-dome", "tent-blue-popup", "tent-green-tunnel",
              "lamp-desk", "lamp-bedside", "vase-blue"}
    with (SUITE / "shop.csv").open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["id"] in wanted]
    path = tmp_path / "shop.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows({**r, "image": str(SUITE / r["image"])} for r in rows)
    done = CliRunner().invoke(main, ["ingest", str(path), "--db", str(tmp_path / "db"), "--table", "shop",
                                     "--no-progress"])
    assert done.exit_code == 0, done.output
    agent = build_agent(open_catalog(str(tmp_path / "db"), "shop"))
    tent = agent.ask("a cheaper tent like this one", image=str(SUITE / "images/photos/orange-tent.png"), k=2)
    assert "price < 129.0" in {str(f) for f in tent.query.filters}  # than the Orange Dome Tent the photo shows
    assert [r.id for r in tent.recommendations] == ["tent-blue-popup"]  # the only cheaper tent; not itself
    mug = agent.ask("something like this but under $20", image=str(SUITE / "images/photos/red-mug.png"), k=2)
    assert [r.id for r in mug.recommendations][0] == "mug-red"  # an absolute price: the item itself may answer
