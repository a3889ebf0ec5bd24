"""Round eight of reading requests: superlatives and comparatives of more measures (brightness,
power, strength, warmth, maturity, speed) on the column that measures them, names of columns read
without their units ("play_time_min"), counts of people ("a game for 4 players"), levels written
as words ("mild" … "extra strong"), and price ranges with the currency before each number."""

from __future__ import annotations

import pytest

from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.numbers import column_of_kind, core
from xmr_agent.agent.rules import rule_rewrite


def _facet(column: str, values: set[str]) -> Facet:
    return Facet(column, "string", frozenset(values), canonical={v: v for v in values})


def _number(column: str, lower: float = 0, upper: float = 100) -> Facet:
    return Facet(column, "number", lower=lower, upper=upper)


LAMPS = Facets({"price_usd": _number("price_usd", 5, 300), "lumens": _number("lumens", 100, 3000),
                "wattage": _number("wattage", 3, 60), "family": _facet("family", {"Desk Lamps", "Bulbs"})})
GAMES = Facets({"Price (€)": _number("Price (€)", 5, 120), "min_players": _number("min_players", 1, 4),
                "max_players": _number("max_players", 1, 12), "play_time_min": _number("play_time_min", 5, 240),
                "section": _facet("section", {"Strategy", "Party", "Puzzles"})})
DELI = Facets({"price_gbp": _number("price_gbp", 2, 60), "aged_months": _number("aged_months", 0, 36),
               "strength": _facet("strength", {"Mild", "Medium", "Strong", "Extra Strong"}),
               "range": _facet("range", {"Cheese", "Charcuterie", "Olives"})})
BEDDING = Facets({"price": _number("price", 10, 400), "tog": _number("tog", 2.5, 15),
                  "thread_count": _number("thread_count", 180, 1000),
                  "category": _facet("category", {"Duvets", "Pillows", "Sheets"})})


@pytest.mark.parametrize(("column", "expected"), [
    ("play_time_min", "play_time"), ("max_players", "players"), ("weight_g", "weight"), ("Price (€)", "price"),
    ("lumens", "lumens"), ("g", "g")])
def test_a_columns_name_is_read_without_its_unit_or_bound(column: str, expected: str) -> None:
    assert core(column) == expected


def test_columns_named_with_a_unit_still_measure_their_kind() -> None:
    assert column_of_kind(GAMES, "length") == "play_time_min"
    assert column_of_kind(GAMES, "price") == "Price (€)"
    assert column_of_kind(LAMPS, "brightness") == "lumens"
    assert column_of_kind(LAMPS, "power") == "wattage"
    assert column_of_kind(BEDDING, "warmth") == "tog"
    assert column_of_kind(DELI, "maturity") == "aged_months"


@pytest.mark.parametrize(("request_", "facets", "column", "descending"), [
    ("the brightest bulb", LAMPS, "lumens", True),
    ("la lampe la plus lumineuse", LAMPS, "lumens", True),
    ("die hellste Lampe", LAMPS, "lumens", True),
    ("the most powerful lamp", LAMPS, "wattage", True),
    ("the strongest lamp", LAMPS, "wattage", True),  # no strength column: the power it draws
    ("the warmest duvet", BEDDING, "tog", True),
    ("la couette la plus chaude", BEDDING, "tog", True),
    ("the coolest duvet for summer", BEDDING, "tog", False),
    ("the highest thread count sheets", BEDDING, "thread_count", True),
    ("the longest game", GAMES, "play_time_min", True),
    ("the quickest game", GAMES, "play_time_min", False),
    ("a game for the most players", GAMES, "max_players", True),
    ("the oldest cheese", DELI, "aged_months", True),  # no year column: how long it has aged
    ("the most mature cheddar", DELI, "aged_months", True),
])
def test_superlatives_of_more_measures_sort_by_their_column(request_: str, facets: Facets, column: str,
                                                            descending: bool) -> None:
    query = rule_rewrite(request_, facets, k=3)
    assert query.order is not None, query.notes
    assert (query.order.column, query.order.descending) == (column, descending), query.notes
    assert not any("no strength column" in note for note in query.notes) or column != "wattage"


@pytest.mark.parametrize(("request_", "value"), [("the strongest cheese", "Extra Strong"),
                                                 ("the mildest cheese", "Mild"),
                                                 ("le fromage le plus fort", "Extra Strong")])
def test_a_level_written_in_words_prefers_the_extreme_value(request_: str, value: str) -> None:
    query = rule_rewrite(request_, DELI, k=3)
    assert any(f.column == "strength" and f.value == value and not f.hard for f in query.filters), query


@pytest.mark.parametrize(("request_", "column", "mode"), [
    ("something brighter", "lumens", "more"), ("a warmer one", "tog", "more"), ("hellere", "lumens", "more")])
def test_comparatives_of_more_measures_order_by_their_column(request_: str, column: str, mode: str) -> None:
    facets = Facets({**LAMPS, **BEDDING})
    query = rule_rewrite(request_, facets, k=3)
    assert query.order is not None and (query.order.column, query.order.mode) == (column, mode), query.notes


@pytest.mark.parametrize("request_", ["a game for 5 players", "un jeu pour cinq joueurs", "ein Spiel für 5 Spieler",
                                      "un juego para 5 jugadores", "适合五人的游戏", "a 5-player game"])
def test_a_count_of_people_bounds_the_columns_that_count_them(request_: str) -> None:
    query = rule_rewrite(request_, GAMES, k=3)
    bounds = {(f.column, f.op, f.value) for f in query.filters}
    assert {("min_players", "<=", 5), ("max_players", ">=", 5)} <= bounds, query


def test_a_count_of_people_needs_a_column_that_counts_them() -> None:
    query = rule_rewrite("a lamp for 2 people", LAMPS, k=3)
    assert not [f for f in query.filters if f.column != "family"]


@pytest.mark.parametrize(("request_", "low", "high"), [("a lamp €50-€100", 50, 100), ("a lamp $20 - 40", 20, 40),
                                                       ("a lamp 20-40 dollars", 20, 40)])
def test_a_price_range_may_put_its_currency_before_each_number(request_: str, low: float, high: float) -> None:
    query = rule_rewrite(request_, LAMPS, k=3)
    bounds = {(f.op, f.value) for f in query.filters if f.column == "price_usd"}
    assert bounds == {(">=", low), ("<=", high)}, query


def test_a_range_of_years_is_no_price_range() -> None:
    query = rule_rewrite("a lamp 1990-2000", LAMPS, k=3)
    assert not [f for f in query.filters if f.column == "price_usd"]


TEA = Facets({"price_usd": _number("price_usd", 3, 90),
              "caffeine": Facet("caffeine", "string", frozenset({"n/a", "none", "low", "medium", "high"}),
                                canonical={v: v for v in ("n/a", "none", "low", "medium", "high")}),
              "sugar_g": _number("sugar_g", 0, 30),
              "family": _facet("family", {"Herbal", "Green Tea", "Black Tea"})})


@pytest.mark.parametrize(("request_", "expected"), [
    ("i need something completely caffeine free", ("caffeine", "=", "none")),
    ("a tea with no caffeine", ("caffeine", "=", "none")),
    ("a caffeine-free tea for the evening", ("caffeine", "=", "none")),
    ("an iced tea without added sugar", ("sugar_g", "<=", 0)),
])
def test_a_column_said_to_be_absent_keeps_the_items_that_have_none(request_: str, expected: tuple) -> None:
    query = rule_rewrite(request_, TEA, k=3)
    assert expected in {(f.column, f.op, f.value) for f in query.filters}, query


@pytest.mark.parametrize("request_", ["a frying pan that isnt non-stick", "a pan that isn’t non-stick"])
def test_a_negation_typed_without_its_apostrophe_is_read(request_: str) -> None:
    pans = Facets({"rrp": _number("rrp", 10, 200), "product_type": _facet("product_type", {"Frying Pan", "Wok"})})
    query = rule_rewrite(request_, pans, k=3)
    assert "non-stick" in " ".join(query.avoid).lower(), query


@pytest.mark.parametrize(("message", "new"), [
    ("und jetzt noch ein Teesieb für die Tasse", True),
    ("and now a strainer for my cup", True),
    ("et maintenant une théière", True),
    ("y ahora una tetera", True),
    ("然后再要一个茶壶", True),
    ("und mit Deckel", False),      # a refinement of the same thing
    ("有没有袋泡的？", False),        # "do you have bagged ones?": the same thing
])
def test_a_message_moving_on_to_the_next_thing_is_a_new_subject(message: str, new: bool) -> None:
    from types import SimpleNamespace

    from xmr_agent.agent.critique import parse_critique
    from xmr_agent.agent.query import CrossModalQuery, SubQuery
    from xmr_agent.agent.topic import new_subject

    state = SimpleNamespace(topic=["a kettle for green tea"])
    request = CrossModalQuery(queries=(SubQuery(text=message),))
    critique = parse_critique(message, [], TEA)
    assert new_subject(state, message, request, critique, agent=None) is new


def test_a_suite_may_name_the_title_column_as_the_file_does(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from helpers import FAKE

    import xmr_agent
    from xmr_agent.agent.pipeline import Agent
    from xmr_agent.eval.intents import Expect, check
    from xmr_agent.eval.intents_run import renamed
    from xmr_agent.store.catalog import Catalog

    (tmp_path / "deli.csv").write_text("ref_no,label,notes,Price (€)\nDL-1,Green Olives,Castelvetrano olives,4.5\n"
                                       "DL-2,Chorizo Ring,A spicy cured sausage,6.9\n", encoding="utf-8")
    xmr_agent.ingest(tmp_path / "deli.csv", tmp_path / "db", "deli", vectors={"text": FAKE}, progress=False)
    names = renamed(Agent(Catalog.open(tmp_path / "db", "deli")))
    assert names == {"ref_no": "id", "label": "title"}
    olives = Expect.model_validate({"every": [{"column": "label", "op": "contains", "value": "Olives"}]})
    assert check(olives, [{"id": "DL-1", "title": "Green Olives"}], names) == []
    assert check(olives, [{"id": "DL-2", "title": "Chorizo Ring"}], names)


PILLOWS = Facets({"price_gbp": _number("price_gbp", 5, 200),
                  "range": _facet("range", {"pillows", "duvets", "bed linen"}),
                  "material": _facet("material", {"goose down", "duck feather", "duck feather & down", "memory foam",
                                                  "British wool", "cotton"})})


@pytest.mark.parametrize(("request_", "left_out"), [
    ("a pillow, but no feather or down, I'm allergic", {"goose down", "duck feather", "duck feather & down"}),
    ("a duvet without wool or down", {"British wool", "goose down", "duck feather & down"}),
])
def test_each_negated_alternative_leaves_out_the_values_that_have_it(request_: str, left_out: set[str]) -> None:
    query = rule_rewrite(request_, PILLOWS, k=3)
    assert {f.value for f in query.filters if f.column == "material" and f.op == "!="} == left_out, query


@pytest.mark.parametrize("request_", ["games for a big group of 10 or more", "un jeu pour un groupe de 10"])
def test_a_group_of_people_bounds_the_columns_that_count_them(request_: str) -> None:
    query = rule_rewrite(request_, GAMES, k=3)
    assert ("max_players", ">=", 10) in {(f.column, f.op, f.value) for f in query.filters}, query
    assert not [f for f in query.filters if f.column == "Price (€)"], query


def test_a_kind_before_another_noun_of_the_titles_describes_it() -> None:
    deli = Facets({"section": _facet("section", {"cheese", "accessories", "crackers"}),
                   "colour": _facet("colour", {"navy", "white"})})
    nouns = {"section": {"knife": frozenset({"accessories"}), "board": frozenset({"accessories"}),
                         "cheddar": frozenset({"cheese"}), "cracker": frozenset({"crackers", "cheese"})}}
    knives = rule_rewrite("a cheese knife set", deli, k=3, nouns=nouns)
    assert not [f for f in knives.filters if f.column == "section"] and "cheese" in knives.context, knives
    cheese = rule_rewrite("cheese under 10 euros", deli, k=3, nouns=nouns)
    assert ("section", "cheese") in {(f.column, f.value) for f in cheese.filters if f.hard}, cheese
    assert [f for f in rule_rewrite("a cheese board", deli, k=3).filters if f.column == "section"]  # no titles known


def test_a_chinese_negation_before_de_leaves_out_only_what_describes_the_thing() -> None:
    query = rule_rewrite("不要涤纶的浴袍", PILLOWS, k=3)  # "a bathrobe that is not polyester"
    assert query.avoid == ("涤纶",) and query.queries and "浴袍" in query.queries[0].text, query



def test_a_kind_before_a_noun_of_items_of_that_kind_or_of_many_kinds_stays() -> None:
    wines = Facets({"style": _facet("style", {"red", "white", "sparkling", "accessories"})})
    nouns = {"style": {"wine": frozenset({"red", "white", "sparkling", "accessories"}), "glass": frozenset({"accessories"})}}
    assert ("style", "red") in {(f.column, f.value) for f in rule_rewrite("a red wine for steak", wines, k=3, nouns=nouns).filters}
    assert ("style", "sparkling") in {(f.column, f.value) for f in rule_rewrite("sparkling glass", wines, k=3,
                                                                                 nouns=nouns).filters}  # an adjective


def test_the_kinds_of_the_items_each_title_word_names() -> None:
    from xmr_agent.agent.values import title_kinds

    rows = [{"title": "Cheese Knife Set", "section": "Accessories"}, {"title": "Aged Cheddar", "section": "Cheese"},
            {"title": "Cheese Crackers", "section": "Crackers"}]
    kinds = title_kinds(rows, ["section"])["section"]
    assert kinds["knife"] == {"accessories"} and kinds["chees"] == {"accessories", "crackers"}
