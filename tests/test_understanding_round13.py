"""Request understanding, thirteenth round: superlatives over a unit, a dimension or people ("the
most metres per ball", "le plus grand volume", "para más gente"); measures in Chinese; negations
that say why ("allergic to wool") or name two values ("nicht in Creme oder Weiß"); a translation's
negation the request does not say; in a shop chat, an item asked about by name is shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import FAKE, FixedTranslation
from helpers import string_facet as _facet

import xmr_agent
from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.query import CrossModalQuery, Filter
from xmr_agent.agent.rewrite import Rewriter
from xmr_agent.agent.rules import rule_rewrite
from xmr_agent.agent.translate import with_translation

YARN = Facets({
    "price_eur": Facet("price_eur", "number", lower=3, upper=30),
    "weight_class": _facet("weight_class", {"Lace", "Fingering", "DK", "Aran", "Chunky"}),
    "fibre": _facet("fibre", {"Wool", "Cotton", "Linen", "Acrylic", "Acrylic/Wool", "Merino"}),
    "colour": _facet("colour", {"Cream", "White", "Red", "Navy"}),
    "length_m": Facet("length_m", "number", lower=40, upper=800, integer=True),
})
BAKERY = Facets({
    "price": Facet("price", "number", lower=1, upper=40),
    "section": _facet("section", {"Bread", "Cake", "Tart", "Savoury"}),
    "weight_g": Facet("weight_g", "number", lower=60, upper=1600, integer=True),
    "serves": Facet("serves", "number", lower=1, upper=16, integer=True),
})
AQUARIUM = Facets({
    "cost_usd": Facet("cost_usd", "number", lower=5, upper=900),
    "type": _facet("type", {"Tank", "Filter", "Heater", "Light"}),
    "tank_size_l": Facet("tank_size_l", "number", lower=8, upper=400, integer=True),
    "power_w": Facet("power_w", "number", lower=0, upper=300, integer=True),
})


def _filters(text: str, facets: Facets) -> set[str]:
    return {str(f) for f in rule_rewrite(text, facets, k=3).filters}


@pytest.mark.parametrize(("request_", "facets", "column", "descending"), [
    ("I need the chunky yarn with the most metres per ball", YARN, "length_m", True),
    ("¿Cuál es la tarta que da para más gente?", BAKERY, "serves", True),
    ("a cake for the most people", BAKERY, "serves", True),
    ("Quel chauffage convient au plus grand volume d'aquarium ?", AQUARIUM, "tank_size_l", True),
    ("which heater handles the biggest tank?", AQUARIUM, "tank_size_l", True),
    ("the filter with the fewest watts", AQUARIUM, "power_w", False),
    ("die Lampe mit den wenigsten Watt", AQUARIUM, "power_w", False),
])
def test_a_superlative_over_a_unit_a_dimension_or_people(request_: str, facets: Facets, column: str,
                                                         descending: bool) -> None:
    order = rule_rewrite(request_, facets, k=3).order
    assert order is not None and order.column == column and order.descending is descending, (request_, order)


def test_the_best_of_a_kind_is_no_sort_on_a_column_named_after_it() -> None:
    order = rule_rewrite("the best tank for a beginner", AQUARIUM, k=3).order
    assert order is None or order.column != "tank_size_l"


def test_measures_in_chinese_and_watts_in_spanish() -> None:
    assert "weight_g >= 1000" in _filters("想要一个至少1公斤重的大蛋糕", BAKERY)  # raised an AttributeError
    found = _filters("Un filtro que consuma menos de 10 vatios", AQUARIUM)
    assert "power_w < 10" in found and not any(f.startswith("cost_usd") for f in found)  # "10 vatios" is no price


@pytest.mark.parametrize("request_", ["I'm allergic to wool, which DK yarns can I use?",
                                      "allergic to wool, so DK acrylic maybe", "DK yarn, I can't wear wool"])
def test_an_allergy_is_a_negation(request_: str) -> None:
    found = _filters(request_, YARN)
    assert "fibre != 'Wool'" in found and "fibre = 'Wool'" not in found, found


def test_a_negation_before_two_values_denies_both() -> None:
    found = _filters("Aran yarn, but not in cream or white", YARN)
    assert {"colour != 'Cream'", "colour != 'White'"} <= found and "colour = 'White'" not in found
    assert "colour != 'White'" in _filters("nicht in Weiß", YARN)  # "weiß" is a colour here, not "I know"


def test_a_translation_adds_a_negation_on_a_column_the_original_denies_too() -> None:
    base = CrossModalQuery(filters=(Filter(column="colour", op="!=", value="White"),))
    other = CrossModalQuery(filters=(Filter(column="colour", op="!=", value="Cream"),
                                     Filter(column="colour", op="=", value="Red")))
    joined = with_translation(base, other, "nicht in Creme oder Weiß", "not in cream or white", lambda c: False)
    assert {str(f) for f in joined.filters} == {"colour != 'White'", "colour != 'Cream'"}


def test_a_negation_only_the_translation_says_is_not_read() -> None:
    rewriter = Rewriter(YARN, translator=FixedTranslation("Rather than linen, in fact"), language=lambda: "en")  # type: ignore[arg-type]
    found = {str(f) for f in rewriter.rewrite("Plutôt du lin, en fait", k=3).filters}
    assert "fibre = 'Linen'" in found and "fibre != 'Linen'" not in found, found
    said = Rewriter(YARN, translator=FixedTranslation("No linen please"), language=lambda: "en")  # type: ignore[arg-type]
    assert "fibre != 'Linen'" in {str(f) for f in said.rewrite("Pas de lin, s'il vous plaît", k=3).filters}


def test_a_superlative_ranges_over_every_item_of_a_value_it_prefers(tmp_path: Path, jsonl) -> None:  # type: ignore[no-untyped-def]
    from xmr_agent.agent.pipeline import Agent
    from xmr_agent.store.catalog import Catalog

    rows = [{"id": f"Y{n}", "title": title, "text": text, "weight_class": kind, "length_m": metres}
            for n, (title, text, kind, metres) in enumerate([
                ("Big Hug Chunky", "chunky acrylic yarn", "Chunky", 110), ("Alpaca Chunky Snow", "chunky alpaca yarn", "Chunky", 100),
                ("Wool-Blend Chunky", "warm wool blend", "Chunky", 140), ("Cotton DK", "cotton yarn for tops", "DK", 300),
                ("Lace Cobweb", "fine lace yarn", "Lace", 800)])]
    xmr_agent.ingest(jsonl(rows), tmp_path / "db", "yarn", vectors={"text": FAKE}, progress=False)
    answer = Agent(Catalog.open(tmp_path / "db", "yarn")).ask("the chunky yarn with the most metres per ball", k=2)
    assert [r.id for r in answer.recommendations][:1] == ["Y2"]  # the longest chunky one, though the search missed it


def test_in_a_shop_chat_an_item_asked_about_by_name_is_shown(tmp_path: Path, jsonl) -> None:  # type: ignore[no-untyped-def]
    from xmr_agent.agent.pipeline import Agent
    from xmr_agent.agent.session import Session
    from xmr_agent.store.catalog import Catalog

    rows = [{"id": i, "title": title, "text": text, "section": "Tart", "price": price}
            for i, title, text, price in (("T1", "Lemon Meringue Tart", "sharp lemon curd and meringue", 22.0),
                                          ("T2", "Bakewell Tart", "almond frangipane and jam", 16.5),
                                          ("T3", "Tarte Tatin", "caramelised apples", 19.5),
                                          ("T4", "Raspberry Tart Slice", "a slice of raspberry tart", 3.6))]
    xmr_agent.ingest(jsonl(rows), tmp_path / "db", "bakery", vectors={"text": FAKE}, progress=False)
    session = Session.open(Agent(Catalog.open(tmp_path / "db", "bakery")), k=2)
    assert session.send("is the Lemon Meringue Tart available today?").recommendations[0].id == "T1"
    cheaper = session.send("that's a lot, anything cheaper?")
    assert cheaper.recommendations and all(r.item["price"] < 22.0 for r in cheaper.recommendations)
    liked = Session.open(Agent(Catalog.open(tmp_path / "db", "bakery")), k=2)
    assert "T1" not in [r.id for r in liked.send("something like the Lemon Meringue Tart").recommendations]


def test_a_preference_a_condition_rules_out_is_dropped() -> None:
    from xmr_agent.agent.preferences import attainable

    filters = [Filter(column="type", op="=", value="Light"), Filter(column="type", op="=", value="Tank", hard=False),
               Filter(column="water", op="=", value="Freshwater", hard=False)]
    assert [str(f) for f in attainable(filters)] == ["water = 'Freshwater' (preferred)"]  # a light, for a tank
    either = [Filter(column="type", op="=", value="Light"), Filter(column="type", op="=", value="Tank"),
              Filter(column="type", op="=", value="Tank", hard=False)]
    assert len(attainable(either)) == 1


def test_a_foreign_word_the_translation_keeps_is_not_searched_by_its_senses() -> None:
    from xmr_agent.agent import glossary

    if glossary.load("fr") is None or not glossary.senses("baguette", "fr", glossary.load("fr")):  # type: ignore[arg-type]
        pytest.skip("FreeDict's French dictionary is not installed (make dictionaries)")
    heads = {"section": {"loaf": frozenset({"Bread"}), "baguett": frozenset({"Bread"})}}
    assert glossary.head_nouns("je voudrais une baguette", "fr", heads, "I would like a baguette") == []


def test_asking_whether_there_is_one_with_something_may_show_an_item_again(tmp_path: Path, jsonl) -> None:  # type: ignore[no-untyped-def]
    from xmr_agent.agent.pipeline import Agent
    from xmr_agent.agent.session import Session
    from xmr_agent.store.catalog import Catalog

    rows = [{"id": i, "title": title, "text": text, "kind": kind}
            for i, title, text, kind in (("S1", "Nordfjell Sock", "hard-wearing sock yarn", "Sock"),
                                         ("S2", "Sparkle Sock", "sock yarn with a strand of glitter", "Sock"),
                                         ("L1", "Cobweb Lace", "fine lace yarn", "Lace"),
                                         ("L2", "Silk Lace", "silk lace yarn", "Lace"))]
    xmr_agent.ingest(jsonl(rows), tmp_path / "db", "yarn", vectors={"text": FAKE}, progress=False)
    session = Session.open(Agent(Catalog.open(tmp_path / "db", "yarn")), k=2)
    assert {r.id for r in session.send("sock yarn please").recommendations} == {"S1", "S2"}
    again = session.send("anything with glitter?")
    assert again.recommendations and {r.item["kind"] for r in again.recommendations} == {"Sock"}


def test_values_wanted_of_one_column_are_alternatives() -> None:
    from xmr_agent.agent.preferences import groups, met

    either = [Filter(column="type", op="=", value="Wave pump", hard=False), Filter(column="type", op="=", value="Air pump", hard=False),
              Filter(column="water", op="=", value="Marine", hard=False)]
    assert groups(either) == 2
    assert met({"type": "Wave pump", "water": "Marine"}, either) == 2  # all it can meet: one kind and the water
    assert met({"type": "Light", "water": "Marine"}, either) == 1


def test_less_or_more_of_a_columns_thing_ranks_by_it() -> None:
    coffee = Facets({"price_eur": Facet("price_eur", "number", lower=8, upper=19),
                     "caffeine_mg_cup": Facet("caffeine_mg_cup", "number", lower=4, upper=120, integer=True)})
    for request_, descending in (("a coffee with less caffeine", False), ("the coffee with more caffeine", True)):
        order = rule_rewrite(request_, coffee, k=3).order
        assert order is not None and order.column == "caffeine_mg_cup" and order.descending is descending, request_
    assert {str(f) for f in rule_rewrite("less than 10 euros", coffee, k=3).filters} == {"price_eur < 10.0"}


def test_in_a_chat_less_of_a_columns_thing_compares_with_the_item_asked_about() -> None:
    from xmr_agent.agent.critique import parse_critique

    coffee = Facets({"caffeine_mg_cup": Facet("caffeine_mg_cup", "number", lower=4, upper=120, integer=True),
                     "roast": _facet("roast", {"Light", "Dark"})})
    shown = [{"id": "CB-4", "title": "Volcano Reserve", "caffeine_mg_cup": 100}]
    critique = parse_critique("with less caffeine", shown, coffee, typical=shown)
    assert [str(f) for f in critique.filters] == ["caffeine_mg_cup < 100"] and not critique.avoid
    assert parse_critique("less dark please", shown, coffee, typical=shown).avoid == ["dark"]  # no column: a word to avoid
    assert parse_critique("more caffeine", [], coffee).order is not None


def test_an_allergy_to_no_value_of_the_table_leaves_nothing_out() -> None:
    query = rule_rewrite("I'm allergic to dust, something to clean the flat", YARN, k=3)
    assert not query.avoid and not query.exclude_words and not query.filters
