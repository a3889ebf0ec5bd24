"""Request understanding, eleventh round: yes/no columns said in other words ("ok if my dog chews
them" → pet_safe), superlatives named by a column's own words ("the most water resistant"),
named items after a word of likeness by the first words of their title ("like the fiddle leaf
fig"), prices in Chinese with 欧, and a bound said with a comparative ("lighter, under 1.5 kg")."""

from __future__ import annotations

import pytest

from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.mentions import TitleIndex, named_items
from xmr_agent.agent.order import against
from xmr_agent.agent.query import CrossModalQuery, Filter, Order
from xmr_agent.agent.rules import rule_rewrite


def _facet(column: str, values: set[str]) -> Facet:
    return Facet(column, "string", frozenset(values), canonical={v: v for v in values})


def _plants() -> Facets:
    return Facets({"group": _facet("group", {"Houseplants", "Herbs", "Succulents", "Pots"}),
                   "pet_safe": _facet("pet_safe", {"yes", "no"}),
                   "price": Facet("price", "number", lower=3, upper=90)})


def _rentals() -> Facets:
    return Facets({"property_type": _facet("property_type", {"Cottage", "Villa", "Apartment"}),
                   "pets_allowed": _facet("pets_allowed", {"yes", "no"}), "pool": _facet("pool", {"yes", "no"}),
                   "price_per_night_eur": Facet("price_per_night_eur", "number", lower=40, upper=900)})


def _watches() -> Facets:
    return Facets({"type": _facet("type", {"Diver", "Dress", "Smartwatch"}),
                   "brand": _facet("brand", {"Withings", "Casio", "Garmin"}),
                   "price_gbp": Facet("price_gbp", "number", lower=15, upper=6900),
                   "water_resistance_m": Facet("water_resistance_m", "number", lower=30, upper=500, integer=True),
                   "battery_days": Facet("battery_days", "number", lower=1, upper=30, integer=True),
                   "weight_kg": Facet("weight_kg", "number", lower=0.2, upper=3)})


def _filters(text: str, facets: Facets) -> set[str]:
    return {str(f) for f in rule_rewrite(text, facets, k=3).filters}


@pytest.mark.parametrize("request_", [
    "which herbs are ok if my dog chews them?", "a plant that won't poison my cat", "a plant that is non-toxic to cats",
    "eine Zimmerpflanze, ungiftig für Haustiere", "une plante sans danger pour mon chat", "una planta para mi gato",
    "要对猫咪无毒的多肉", "pet safe plants"])
def test_a_yes_no_column_is_said_by_what_it_is_about(request_: str) -> None:
    query = rule_rewrite(request_, _plants(), k=3)
    assert "pet_safe = 'yes'" in {str(f) for f in query.filters}, request_
    words = " ".join(q.text for q in query.queries).lower()
    assert "toxic" not in words and "毒" not in words and not query.exclude_words, request_  # read with it, not avoided


@pytest.mark.parametrize(("request_", "wanted"), [
    ("a cottage where we can bring our dog", {"pets_allowed = 'yes'"}),
    ("une villa avec piscine", {"pool = 'yes'"}), ("eine Ferienwohnung mit Pool für uns und den Hund",
                                                  {"pool = 'yes'", "pets_allowed = 'yes'"}),
    ("una casa con piscina", {"pool = 'yes'"}), ("带泳池的别墅", {"pool = 'yes'"})])
def test_amenities_are_read_in_five_languages(request_: str, wanted: set[str]) -> None:
    assert wanted <= _filters(request_, _rentals()), request_


def test_a_denied_subject_never_asks_for_yes() -> None:
    for request_ in ("a cottage, no pets", "un appartement sans animaux", "eine Wohnung ohne Hund"):
        assert "pets_allowed = 'yes'" not in _filters(request_, _rentals()), request_
    for request_ in ("a villa without a pool", "a villa with no pool", "sans piscine", "没有泳池的别墅"):
        assert "pool != 'yes'" in _filters(request_, _rentals()), request_
    assert "pet_safe != 'yes'" in _filters("not pet safe", _plants())


def test_yes_and_no_are_no_values_of_a_yes_no_column() -> None:
    assert _filters("yes a villa please", _rentals()) == {"property_type = 'Villa'"}
    assert _filters("a villa, no stairs", _rentals()) == {"property_type = 'Villa'"}


def test_a_subject_word_says_nothing_where_no_yes_no_column_is_about_it() -> None:
    assert not {f for f in _filters("a watch for my dog walker", _watches()) if "yes" in f}


@pytest.mark.parametrize(("request_", "column", "descending"), [
    ("which watch is the most water resistant", "water_resistance_m", True),
    ("the watch with the longest battery life", "battery_days", True),
    ("smartwatch with the best battery", "battery_days", True)])
def test_a_superlative_names_a_column_by_its_own_words(request_: str, column: str, descending: bool) -> None:
    query = rule_rewrite(request_, _watches(), k=3)
    assert query.order == Order(column=column, descending=descending), request_


def test_the_best_price_is_no_sort_by_the_highest_price() -> None:
    order = rule_rewrite("dress watch, best price", _watches(), k=3).order
    assert order is None or not (order.column == "price_gbp" and order.descending)


def test_a_filler_word_names_no_value() -> None:
    assert not [f for f in rule_rewrite("the watch with the longest battery life", _watches(), k=3).filters
                if f.column == "brand"]  # "with" is no "Withings"
    assert [f.value for f in rule_rewrite("a Withings watch", _watches(), k=3).filters] == ["Withings"]


def test_a_price_in_chinese_with_ou_is_read() -> None:
    for request_ in ("100欧以内的有吗", "有100欧以内的吗"):
        assert "price_gbp <= 100.0" in _filters(request_, _watches()), request_


def test_a_bound_said_with_a_comparative_decides() -> None:
    query = CrossModalQuery(filters=(Filter(column="weight_kg", op="<", value=1.5),),
                            order=Order(column="weight_kg", mode="less"))
    out = against(query, {"id": "a", "title": "Booster", "weight_kg": 0.9})
    assert [str(f) for f in out.filters] == ["weight_kg < 1.5"] and out.order is None
    alone = against(query.model_copy(update={"filters": ()}), {"id": "a", "title": "Booster", "weight_kg": 0.9})
    assert [str(f) for f in alone.filters] == ["weight_kg < 0.9"]  # without a bound: than the item


_TITLES = TitleIndex([("fig", "Fiddle leaf fig Ficus lyrata"), ("omega", "Omega Speedmaster Moonwatch Professional"),
                      ("seiko", "Seiko Solar Chronograph SSC813"), ("pot14", "Terracotta pot 14 cm"),
                      ("pot24", "Terracotta pot 24 cm with saucer"), ("hamilton", "Hamilton Khaki Field Mechanical 38mm")])


@pytest.mark.parametrize(("request_", "item"), [
    ("something similar to the fiddle leaf fig but cheaper", "fig"),
    ("something like the Omega Speedmaster but way cheaper", "omega"),
    ("algo parecido al Hamilton Khaki Field pero más barato", "hamilton"),
    ("跟 Terracotta pot 14 cm 差不多，但要大一点的", "pot14")])
def test_an_item_is_named_after_a_word_of_likeness_by_the_first_words_of_its_title(request_: str, item: str) -> None:
    _, like, _ = named_items(_TITLES, request_, (), seeds=False)
    assert like == [item], request_


def test_the_first_words_of_a_title_name_nothing_without_a_word_of_likeness() -> None:
    _, like, named = named_items(_TITLES, "is a fiddle leaf fig hard to keep alive?", (), seeds=False)
    assert like == [] and named == []
