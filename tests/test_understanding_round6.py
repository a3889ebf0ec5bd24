"""Round six of reading requests: which column holds a shop's kinds when none is named so, what a
thing is for ("a lock for my suitcase") is no condition, ages in months and "from birth", more
price phrases, items named by their brand and a few title words ("the Titan combi drill"),
catalogues whose id column is named "item_no" or "article", and a chat refinement that may show
again an item just shown."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from helpers import Scripted, ingested_csv

from xmr_agent.agent.columns import attribute_columns, kind_columns
from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.mentions import TitleIndex
from xmr_agent.agent.numbers import Parse, ages
from xmr_agent.agent.pipeline import Agent
from xmr_agent.agent.query import Filter
from xmr_agent.agent.rules import rule_rewrite
from xmr_agent.agent.session import Session
from xmr_agent.assembly import build_agent, open_catalog
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


def _ingested_text(folder: Path, table: str, text: str) -> Any:
    """The catalogue of ``text`` written as ``folder/TABLE.csv`` and ingested with the plain command."""
    path = folder / f"{table}.csv"
    path.write_text(text, encoding="utf-8")
    done = CliRunner().invoke(main, ["ingest", str(path), "--db", str(folder / "db"), "--table", table, "--no-progress"])
    assert done.exit_code == 0, done.output
    return open_catalog(str(folder / "db"), table)


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
                                      "suitcases for a long trip", "a lock for the suitcases aisle"])
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
    paints = _ingested_text(tmp_path, "paints", "ref_code_x,title,price\np-001,Cadmium Red,9\np-002,Ultramarine,8\n")
    assert [r["title"] for r in paints.get(["p-002"])] == ["Ultramarine"]


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


# -- a price column named by its currency ----------------------------------------------------------------
@pytest.mark.parametrize("column", ["eur", "USD", "cost_usd", "rrp_gbp", "euros"])
def test_a_column_named_by_its_currency_holds_prices(column: str) -> None:
    facets = Facets({column: Facet(column, "number", lower=5, upper=900, integer=False), "family": _facet("family", LINES)})
    under = rule_rewrite("a lock under 50 euros", facets, k=3)
    assert [(f.column, f.op, f.value) for f in under.filters if f.column == column] == [(column, "<", 50.0)]
    cheapest = rule_rewrite("the cheapest suitcase", facets, k=3)
    assert cheapest.order is not None and cheapest.order.column == column and not cheapest.order.descending


def test_a_kind_the_user_has_is_no_condition_and_is_never_guessed() -> None:
    music = Facets({"family": _facet("family", {"guitars", "drums", "accessories", "ukuleles"})})
    for request_ in ("something to stand my guitar on", "womit kann ich meine Gitarre stimmen? my guitar"):
        query = rule_rewrite(request_, music, k=3)
        assert not _hard(query) and "guitars" in query.context, request_
    assert ("family", "guitars") in _hard(rule_rewrite("my guitar broke, I need a new guitar", music, k=3))


def test_a_value_said_not_to_be_wanted_leaves_the_search_everywhere() -> None:
    facets = Facets({"material": _facet("material", {"wool", "cotton"}), "section": _facet("section", {"knitwear"})})
    query = rule_rewrite("a jumper that isn't wool, wool makes me itch", facets, k=3)
    assert ("material", "!=", "wool") in [(f.column, f.op, f.value) for f in query.filters]
    assert "wool" not in query.queries[0].text


# -- two kinds side by side, activities, values that contain a negated one -----------------------------
CYCLES = Facets({"eur": Facet("eur", "number", lower=5, upper=2500, integer=False),
                 "family": _facet("family", {"bikes", "helmets", "locks", "lights", "clothing", "tools"}),
                 "colour": _facet("colour", {"green", "black", "yellow"}),
                 "gender": _facet("gender", {"men", "women", "unisex"}),
                 "metal": _facet("metal", {"gold", "gold-plated", "rose gold", "silver"})})


@pytest.mark.parametrize(("request_", "kind"), [("bike helmet under 50 euros", "helmets"),
                                                ("a bike lock without a key", "locks"),
                                                ("bike lights", "lights")])
def test_of_two_kinds_side_by_side_the_second_is_the_thing_wanted(request_: str, kind: str) -> None:
    hard = _hard(rule_rewrite(request_, CYCLES, k=3))
    assert ("family", kind) in hard and ("family", "bikes") not in hard, request_


def test_an_activity_named_by_a_kind_is_no_condition() -> None:
    query = rule_rewrite("green stuff for mountain biking", CYCLES, k=3)
    assert ("family", "bikes") not in _hard(query) and "bikes" in query.context


def test_a_negated_value_also_leaves_out_the_values_that_contain_it() -> None:
    query = rule_rewrite("a necklace, but no gold", CYCLES, k=3)
    assert {str(f.value) for f in query.filters if f.op == "!="} == {"gold", "gold-plated", "rose gold"}
    assert {str(f.value) for f in rule_rewrite("not silver", CYCLES, k=3).filters if f.op == "!="} == {"silver"}


@pytest.mark.parametrize("request_", ["not loving the yellow", "not keen on yellow"])
def test_not_liking_a_value_is_a_negation_of_it(request_: str) -> None:
    query = rule_rewrite(request_, CYCLES, k=3)
    assert ("colour", "!=", "yellow") in [(f.column, f.op, f.value) for f in query.filters], query.notes
    assert not query.avoid


def test_who_it_is_for_is_a_condition() -> None:
    assert ("gender", "men") in _hard(rule_rewrite("a men's helmet", CYCLES, k=3))


@pytest.mark.parametrize(("request_", "bound"), [("engagement rings, 1500 quid max", 1500.0),
                                                 ("a watch, 300 tops", 300.0), ("CHF 60 or less", 60.0)])
def test_more_ways_of_writing_a_budget(request_: str, bound: float) -> None:
    query = rule_rewrite(request_, CYCLES, k=3)
    assert [(f.op, f.value) for f in query.filters if f.column == "eur"] == [("<=", bound)]


def test_the_highest_reviews_sort_by_rating() -> None:
    facets = Facets({"rating": Facet("rating", "number", lower=1, upper=5, integer=False)})
    query = rule_rewrite("which yarn has the highest reviews", facets, k=3)
    assert query.order is not None and query.order.column == "rating" and query.order.descending


def test_what_the_user_has_is_not_read_for_the_kind_wanted() -> None:
    from xmr_agent.agent.rewrite import _without

    assert _without("My bicycle has been stolen twice", ()) == "has been stolen twice"
    assert _without("a lock for my suitcase", ("suitcases",)) == "a lock for"
    assert _without("a lock", ("suitcases",)) == "a lock"


def test_lower_case_title_words_after_a_brand_name_the_item() -> None:
    titles = TitleIndex([("pro", "Studio Pro Heavy Body Acrylics 6 x 75ml"), ("set", "Studio Acrylic Paint Set")])
    assert [i for _, ids in titles.spans("the Studio Pro heavy body acrylics") for i in ids] == ["pro"]


JACKETS = [  # item_no, product, about, eur, family, colour
    ("storm-y", "Storm Waterproof Jacket", "A waterproof cycling jacket with taped seams", 129, "clothing", "yellow"),
    ("storm-b", "Storm Waterproof Jacket", "A waterproof cycling jacket with taped seams", 129, "clothing", "black"),
    ("gloves", "Thermo Gloves", "Warm winter cycling gloves", 29, "clothing", "black"),
    ("guards", "Clip-On Mudguards", "Mudguards that keep spray off your back", 25, "accessories", "black"),
    ("bag", "Tour Pannier", "A waterproof pannier bag", 59, "accessories", "black"),
    ("lock", "Bastion D-Lock", "A hardened steel lock", 59, "locks", "black"),
]


@pytest.fixture(scope="module")
def jackets(tmp_path_factory: pytest.TempPathFactory) -> Agent:
    return ingested_csv(tmp_path_factory.mktemp("round6-jackets"), "cycles",
                        ["item_no", "product", "about", "eur", "family", "colour"], JACKETS)


def test_it_in_another_colour_keeps_the_subject_and_leaves_out_the_one_not_liked(jackets: Agent) -> None:
    session = Session.open(jackets, k=2)
    assert {r.id for r in session.send("waterproof cycling jacket").recommendations} >= {"storm-y"}
    answer = session.send("not loving the yellow, do you have it in black?")
    ids = [r.id for r in answer.recommendations]
    assert ids[0] == "storm-b" and "storm-y" not in ids
    assert all(r.item["colour"] == "black" for r in answer.recommendations)


def test_not_liking_the_one_of_a_colour_is_no_dislike_of_its_twin() -> None:
    from xmr_agent.agent.critique import parse_critique

    shown = [{"id": "y", "title": "Storm Jacket", "colour": "yellow"}, {"id": "b", "title": "Storm Jacket", "colour": "black"}]
    critique = parse_critique("not loving the yellow, do you have it in black?", shown, CYCLES)
    assert critique.disliked == ["y"] and critique.unlike_ids == []  # the black twin is not pushed down
    assert ("colour", "!=", "yellow") in [(f.column, f.op, f.value) for f in critique.filters]


@pytest.mark.parametrize("request_", ["a cot for the nursery", "a cot in the nursery"])
def test_a_kind_named_as_the_place_a_thing_is_for_stays_a_condition(request_: str) -> None:
    nursery = Facets({"range": _facet("range", {"nursery", "pushchairs", "feeding"})})
    assert ("range", "nursery") in _hard(rule_rewrite(request_, nursery, k=3)), request_


@pytest.mark.parametrize(("request_", "owned"), [
    ("wife's earrings always end up in a tangle, need something to keep them together", True),
    ("grandad's old silver watch has stopped", True),
    ("my husband loves watches", False),  # what he likes is what is wanted
    ("earrings for my wife", False),
])
def test_what_someone_has_is_no_condition(request_: str, owned: bool) -> None:
    jewellery = Facets({"section": _facet("section", {"earrings", "watches", "rings", "care"})})
    query = rule_rewrite(request_, jewellery, k=3)
    assert (not _hard(query) and bool(query.context)) is owned, (request_, query.notes)


def test_a_cell_that_lists_several_values_meets_a_condition_on_one() -> None:
    facets = Facets({"diet": _facet("diet", {"vegan", "gluten-free", "vegan, gluten-free", "vegetarian"}),
                     "aisle": _facet("aisle", {"pasta", "cheese"})})
    query = rule_rewrite("it has to be gluten-free", facets, k=3)
    assert {str(f.value) for f in query.filters if f.column == "diet"} == {"gluten-free", "vegan, gluten-free"}
    assert all(f.hard for f in query.filters)


def test_words_of_speech_are_no_subject() -> None:
    query = rule_rewrite("oh, it has to be gluten-free", Facets({"diet": _facet("diet", {"gluten-free", "vegan"})}), k=3)
    assert not query.queries


# -- catalogues written by hand: spaced column names, prices with their currency ----------------------------
@pytest.mark.parametrize(("cell", "number"), [("€12.50", 12.5), ("$1,299.00", 1299.0), ("12,50 €", 12.5), ("CHF 60", 60),
                                              ("£7", 7), ("1.299,00 €", 1299.0), ("€ 2,490", 2490)])
def test_a_price_cell_with_its_currency_is_a_number(cell: str, number: float) -> None:
    from xmr_agent.ingestion.readers import parse_cell

    assert parse_cell(cell) == number


@pytest.mark.parametrize("cell", ["Model 2000", "abc", "€", "5 €uro", "1,2,3"])
def test_other_cells_stay_as_written(cell: str) -> None:
    from xmr_agent.ingestion.readers import parse_cell

    assert parse_cell(cell) == cell


def test_a_hand_written_catalogue_with_spaced_names_and_currency_prices(tmp_path: Path) -> None:
    path = tmp_path / "shop.csv"
    path.write_text('Item No,Product Name,Details,Price (€),Product Type\n'
                    'a-1,Red Mug,"A glazed red mug for tea",€12.50,kitchen\n'
                    'a-2,Blue Mug,"A blue stoneware mug",€9.99,kitchen\n'
                    'a-3,Dome Tent,"A two person dome tent","€1,129.00",outdoor\n', encoding="utf-8")
    done = CliRunner().invoke(main, ["ingest", str(path), "--db", str(tmp_path / "db"), "--table", "shop", "--no-progress"])
    assert done.exit_code == 0, done.output
    agent = build_agent(open_catalog(str(tmp_path / "db"), "shop"))
    answer = agent.ask("a mug under 11 euros", k=3)
    assert [(r.id, r.item["title"], r.item["price"]) for r in answer.recommendations] == [("a-2", "Blue Mug", 9.99)]
    assert agent.catalog.get(["a-3"])[0]["price"] == 1129


def test_pero_mas_barato_after_a_named_item_is_a_comparison_not_a_superlative() -> None:
    facets = Facets({"price": Facet("price", "number", lower=5, upper=5000, integer=False)})
    compared = rule_rewrite("algo como el Aurora Solitaire Ring pero más barato", facets, k=3)
    assert compared.order is not None and compared.order.mode == "less"
    cheapest = rule_rewrite("el anillo más barato", facets, k=3)
    assert cheapest.order is not None and cheapest.order.mode == "sort" and not cheapest.order.descending


@pytest.mark.parametrize("request_", ["that clip thing you put on the guitar neck", "songs to play on the ukulele"])
def test_the_instrument_a_thing_is_played_or_put_on_is_no_condition(request_: str) -> None:
    music = Facets({"family": _facet("family", {"guitars", "ukuleles", "accessories", "sheet music"})})
    assert not _hard(rule_rewrite(request_, music, k=3)), request_


def test_kinds_read_from_an_untranslated_request_are_only_preferences(monkeypatch: pytest.MonkeyPatch) -> None:
    from xmr_agent.agent import glossary
    from xmr_agent.agent.rewrite import Rewriter
    from xmr_agent.agent.translate import Translator

    monkeypatch.setattr(glossary, "load", lambda language: None)  # no dictionary: the guess alone

    class Sure:  # a reading by meaning that is sure of its kind
        def preferences(self, subject: str, said: set[str]) -> list[Filter]:
            return [Filter(column="section", op="=", value="care", hard=True)]

        def agreed(self, original: str, translation: str, said: set[str]) -> list[Filter]:
            return []

    facets = Facets({"section": _facet("section", {"care", "earrings"})})
    refusing = Translator(Scripted({}, fail=True))
    rewriter = Rewriter(facets, meanings=lambda: Sure(), translator=refusing, language=lambda: "en")  # type: ignore[arg-type,return-value]
    query = rewriter.rewrite("Ohrringe bis 50 Pfund")
    assert [(f.value, f.hard) for f in query.filters if f.column == "section"] == [("care", False)]
    assert any(n.startswith("not translated") for n in query.notes)


# -- what a new user met: JSON prices with their currency, countries' adjectives, emoji, short rows ------------
def test_json_records_with_prices_as_text_and_as_numbers_all_go_in(tmp_path: Path) -> None:
    import json

    path = tmp_path / "tea.jsonl"
    rows = [{"SKU": "t1", "Product Name": "Darjeeling", "Retail Price": "£14.50", "Origin": "India"},
            {"SKU": "t2", "Product Name": "Assam", "Retail Price": 8.99, "Origin": "India"},
            {"SKU": "t3", "Product Name": "Sencha", "Retail Price": "£12.00", "Origin": "Japan"}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    done = CliRunner().invoke(main, ["ingest", str(path), "--db", str(tmp_path / "db"), "--table", "tea", "--no-progress"])
    assert done.exit_code == 0, done.output
    catalog = open_catalog(str(tmp_path / "db"), "tea")
    assert sorted((r["id"], r["retail_price"]) for r in catalog.get(["t1", "t2", "t3"])) == \
        [("t1", 14.5), ("t2", 8.99), ("t3", 12)]


@pytest.mark.parametrize(("request_", "expected"), [("I want Japanese green tea", ("origin", "=", "Japan")),
                                                    ("black tea, no Indian ones", ("origin", "!=", "India")),
                                                    ("a South African red", ("origin", "=", "South Africa"))])
def test_a_countrys_adjective_names_the_country(request_: str, expected: tuple[str, str, str]) -> None:
    countries = {"India", "Japan", "China", "South Africa"}
    facets = Facets({"origin": Facet("origin", "string", frozenset(c.lower() for c in countries),
                                     canonical={c.lower(): c for c in countries})})
    assert expected in [(f.column, f.op, f.value) for f in rule_rewrite(request_, facets, k=3).filters]


def test_a_condition_the_translation_states_makes_the_same_preference_of_the_original_one() -> None:
    from xmr_agent.agent.rewrite import Rewriter
    from xmr_agent.agent.translate import Translator

    countries = {"India", "Japan"}
    facets = Facets({"origin": Facet("origin", "string", frozenset(c.lower() for c in countries),
                                     canonical={c.lower(): c for c in countries})})
    translator = Translator(Scripted({"grüner Tee Japan bitte": "green tea from Japan please"}))
    query = Rewriter(facets, translator=translator, language=lambda: "en").rewrite("grüner Tee Japan bitte")
    assert [(f.column, f.value, f.hard) for f in query.filters] == [("origin", "Japan", True)]


@pytest.mark.parametrize("request_", ["🍵🍵☕️💸", "???", "❌🥛"])
def test_a_request_of_signs_only_says_to_use_words(jackets: Agent, request_: str) -> None:
    from xmr_agent.errors import ConfigError

    with pytest.raises(ConfigError, match="no words"):
        jackets.ask(request_, k=3)


def test_a_short_csv_row_is_kept_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "tea.csv"
    path.write_text("SKU,Product Name,Retail Price,Origin\nt1,Darjeeling,£14.50,India\nt2,Too Few\n", encoding="utf-8")
    done = CliRunner().invoke(main, ["ingest", str(path), "--db", str(tmp_path / "db"), "--table", "tea", "--no-progress"])
    assert done.exit_code == 0, done.output
    assert "tea.csv:3: 2 of 4 values" in done.output
    assert [r["title"] for r in open_catalog(str(tmp_path / "db"), "tea").get(["t2"])] == ["Too Few"]


def test_a_style_column_holds_the_kinds_of_a_shop_that_has_no_other() -> None:
    styles = {"red", "white", "sparkling", "whisky", "gin", "beer"}
    wine = Facets({"style": _facet("style", styles), "country": _facet("country", {"France", "Spain", "Italy"})})
    assert "style" in kind_columns(wine) and "style" not in attribute_columns(wine)
    assert ("style", "red") in _hard(rule_rewrite("a decent red under 20 francs", wine, k=3))
    fashion = Facets({"category": _facet("category", {"shirts", "shoes", "coats"}),
                      "style": _facet("style", {"casual", "formal", "sporty"})})
    assert "style" not in kind_columns(fashion) and "style" in attribute_columns(fashion)


def test_a_column_named_something_name_is_the_title(tmp_path: Path) -> None:
    plants = _ingested_text(tmp_path, "plants", "Ref,Plant Name,Care Notes,RRP\np-01,Snake Plant,Almost unkillable,£15.50\n")
    row = plants.get(["p-01"])[0]
    assert (row["title"], row["rrp"]) == ("Snake Plant", 15.5)
