"""Request understanding, seventeenth round: a yes/no column named by its first word ("weighted
keys" for ``weighted_action``), a count with a word between ("88 weighted keys"), a rate column
that measures none of its units ("Coverage (m²/L)"), a weight column known by its unit ("Jar (g)"),
"more keys" than the item to be like, sides of a building ("outdoor" for Exterior), "organic" in
five languages, French elisions read by the dictionary ("l'hydromel"), titles that say an item is
free of a negated word, and chats: a critique that wins over an earlier refinement, an empty
answer that shows again the items that fit, a superlative that keeps the subject's condition."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import ingested_csv
from helpers import string_facet as _facet

from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.glossary import split_words
from xmr_agent.agent.rules import rule_rewrite
from xmr_agent.agent.session import Session

PIANOS = Facets({
    "price_usd": Facet("price_usd", "number", lower=50, upper=9000),
    "type": _facet("type", {"Digital piano", "Portable keyboard", "Bench"}),
    "keys": Facet("keys", "number", lower=61, upper=88, integer=True),
    "weighted_action": _facet("weighted_action", {"yes", "no"}),
    "adjustable_height": _facet("adjustable_height", {"yes", "no"}),
})
PAINT = Facets({
    "price": Facet("price", "number", lower=5, upper=60),
    "range": _facet("range", {"Wall paint", "Varnish"}),
    "volume_l": Facet("volume_l", "number", lower=0.75, upper=10),
    "coverage_m2_l": Facet("coverage_m2_l", "number", lower=4, upper=16, integer=True),
    "use": _facet("use", {"Interior", "Exterior"}),
})
HONEY = Facets({
    "price_eur": Facet("price_eur", "number", lower=5, upper=40),
    "category": _facet("category", {"Liquid honey", "Creamed honey", "Mead"}),
    "jar_g": Facet("jar_g", "number", lower=250, upper=3000, integer=True),
    "organic": _facet("organic", {"yes", "no"}),
})


def _filters(text: str, facets: Facets) -> set[str]:
    return {str(f) for f in rule_rewrite(text, facets).filters}


@pytest.mark.parametrize("text, wanted", [
    ("digital piano under $500 with weighted keys", "weighted_action = 'yes'"),
    ("a keyboard without weighted keys", "weighted_action != 'yes'"),
    ("a bench, adjustable please", "adjustable_height = 'yes'"),
])
def test_a_yes_no_column_is_named_by_its_first_word(text: str, wanted: str) -> None:
    assert wanted in _filters(text, PIANOS)


def test_a_count_with_a_word_between_leaves_the_word_to_be_read() -> None:
    assert {"keys = 88", "weighted_action = 'yes'"} <= _filters("a first piano for my daughter, 88 weighted keys", PIANOS)
    assert "keys = 88" in _filters("mit 88 gewichteten Tasten", PIANOS)  # keys counted in five languages
    assert "keys = 73" in _filters("quelque chose avec 73 touches", PIANOS)
    assert not any(f.startswith("keys =") for f in _filters("2 more keys", PIANOS))  # a comparison, not a count


def test_a_rate_column_measures_none_of_its_units() -> None:
    assert "volume_l >= 5" in _filters("white paint, need at least 5 litres though", PAINT)


@pytest.mark.parametrize("text", ["paint for outdoor wood", "une peinture pour l'extérieur", "户外用的漆"])
def test_outdoor_is_the_exterior(text: str) -> None:
    assert "use = 'Exterior' (preferred)" in _filters(text, PAINT) or "use = 'Exterior'" in _filters(text, PAINT)


@pytest.mark.parametrize("text", ["organic honey", "miel bio", "ökologischer Honig", "miel ecológica", "有机蜂蜜"])
def test_organic_in_five_languages(text: str) -> None:
    assert "organic = 'yes'" in _filters(text, HONEY)


def test_a_weight_column_is_known_by_its_unit() -> None:
    order = rule_rewrite("what's the biggest amount of honey I can buy in one go?", HONEY).order
    assert order is not None and order.column == "jar_g" and order.descending


def test_more_of_a_counted_column_is_a_comparative() -> None:
    more = rule_rewrite("a keyboard with more keys", PIANOS).order
    most = rule_rewrite("a keyboard with the most keys", PIANOS).order
    assert more is not None and (more.column, more.mode) == ("keys", "more")
    assert most is not None and (most.column, most.mode) == ("keys", "sort")


def test_french_elisions_are_cut_before_the_dictionary() -> None:
    assert split_words("je cherche de l'hydromel", "fr")[-1] == "hydromel"
    assert split_words("aujourd'hui", "fr") == ["aujourd'hui"]


SHOP_HEADER = ["Item No.", "Product name", "Category", "Flower", "Jar (g)", "Organic", "Price (EUR)", "Description"]
SHOP = [["HN-1", "Creamed Rapeseed Honey 500 g", "Creamed honey", "Rapeseed", 500, "no", 6.9, "Smooth and spreadable."],
        ["HN-2", "Creamed Rapeseed Honey 250 g", "Creamed honey", "Rapeseed", 250, "no", 4.5, "Smooth, small jar."],
        ["HN-3", "Organic Creamed Lavender Honey 250 g", "Creamed honey", "Lavender", 250, "yes", 11.2, "Organic, floral."],
        ["HN-4", "Creamed Clover Honey 450 g", "Creamed honey", "Clover", 450, "no", 8.4, "Mild and creamy."],
        ["HN-5", "Provence Lavender Honey 500 g", "Liquid honey", "Lavender", 500, "no", 12.9, "Runny lavender honey."],
        ["HN-6", "Provence Lavender Honey 250 g", "Liquid honey", "Lavender", 250, "no", 7.5, "Runny lavender honey."],
        ["HN-7", "Propolis Tincture 20 ml", "Propolis", "", "", "no", 18.5, "Classic alcohol-based propolis extract."],
        ["HN-8", "Alcohol-Free Propolis Drops 30 ml", "Propolis", "", "", "yes", 22.9, "Water-based drops for children."],
        ["HN-9", "Propolis Throat Spray 20 ml", "Propolis", "", "", "no", 14.9, "Propolis and honey throat spray."]]


def test_a_critique_wins_over_an_earlier_refinement(tmp_path: Path) -> None:
    session = Session.open(ingested_csv(tmp_path, "honey", SHOP_HEADER, SHOP), "s", k=3)
    session.send("do you have creamed honey?")
    assert [r.id for r in session.send("something organic?").recommendations] == ["HN-3"]
    cheaper = session.send("bit pricey for me, anything cheaper?")
    ids = [r.id for r in cheaper.recommendations]
    assert ids and "HN-3" not in ids and all(i in ("HN-1", "HN-2", "HN-4") for i in ids)
    assert any(step.get("step") == "relax" and "organic = 'yes'" in step.get("dropped", []) for step in cheaper.trace)


def test_a_superlative_in_a_chat_keeps_the_subjects_condition(tmp_path: Path) -> None:
    session = Session.open(ingested_csv(tmp_path, "honey", SHOP_HEADER, SHOP), "s", k=3)
    session.send("lavender honey please")
    biggest = [r.id for r in session.send("the biggest jar").recommendations]
    assert biggest[0] == "HN-5"  # the biggest lavender jar, not only the creamed kind shown first


def test_a_title_free_of_a_negated_word_is_kept(tmp_path: Path) -> None:
    agent = ingested_csv(tmp_path, "honey", SHOP_HEADER, SHOP)
    ids = [r.id for r in agent.ask("propolis without alcohol", k=3).recommendations]
    assert ids[0] == "HN-8"


def test_an_empty_answer_shows_again_the_items_that_fit(tmp_path: Path) -> None:
    session = Session.open(ingested_csv(tmp_path, "honey", SHOP_HEADER, SHOP), "s", k=3)
    session.send("propolis please")
    again = session.send("what about propolis for a sore throat?")
    assert again.recommendations and again.recommendations[0].id == "HN-9"
    other = session.send("any other propolis?")  # "other": nothing new is shown again
    assert not other.recommendations and other.message


GLASSES = Facets({
    "price_usd": Facet("price_usd", "number", lower=5, upper=200),
    "category": _facet("category", {"Wine glass", "Beer glass", "Tumbler", "Plate"}),
    "capacity_ml": Facet("capacity_ml", "number", lower=150, upper=1200, integer=True),
    "pieces_per_set": Facet("pieces_per_set", "number", lower=1, upper=12, integer=True),
})


@pytest.mark.parametrize("text, count", [("dinner plates, a set of six", 6), ("wine glasses, pack of 4", 4),
                                         ("6er-Set Wassergläser", 6), ("un lot de 2 verres", 2), ("六只装的红酒杯", 6)])
def test_a_set_of_n_is_that_many_pieces(text: str, count: int) -> None:
    assert f"pieces_per_set = {count}" in _filters(text, GLASSES)


def test_what_holds_the_most_sorts_by_volume() -> None:
    order = rule_rewrite("which beer glass holds the most?", GLASSES).order
    assert order is not None and (order.column, order.descending, order.mode) == ("capacity_ml", True, "sort")


def test_a_titled_measure_names_its_column() -> None:
    pots = Facets({"diameter_cm": Facet("diameter_cm", "number", lower=12, upper=45, titled=0.8),
                   "height_cm": Facet("height_cm", "number", lower=11, upper=80)})
    assert {"diameter_cm >= 16.15", "diameter_cm <= 17.85"} <= _filters("a terracotta pot about 17 cm", pots)
    assert any(f.startswith("height_cm") for f in _filters("a pot 17 cm tall", pots))


def test_a_facet_knows_how_often_titles_say_its_value(tmp_path: Path) -> None:
    header = ["Ref", "Name", "Type", "Diameter (cm)", "Height (cm)", "Price (€)"]
    rows = [["PL-1", "Terracotta Pot 12 cm", "Plant pot", 12, 11, 3.5], ["PL-2", "Terracotta Pot 17 cm", "Plant pot", 17, 15, 5.9],
            ["PL-3", "Glazed Pot 25 cm", "Plant pot", 25, 22, 11.9], ["PL-4", "Balcony Trough", "Trough", 50, 17, 9.9]]
    agent = ingested_csv(tmp_path, "pots", header, rows)
    assert agent.facets["diameter_cm"].titled == 0.75 and agent.facets["height_cm"].titled == 0.0
    assert [r.id for r in agent.ask("a pot about 17 cm", k=1).recommendations] == ["PL-2"]


GEAR_HEADER = ["SKU", "Product", "Category", "Brand", "Weight (g)", "Age group", "Price (£)", "Description"]
GEAR = [["PR-1", "POC Joint VPD Air Knee", "Knee pads", "POC", 300, "Adult", 90, "Soft knee pads for enduro."],
        ["PR-2", "G-Form Pro-X3 Knee Guard", "Knee pads", "G-Form", 220, "Adult", 55, "Light knee guard."],
        ["PR-3", "Rockrider Soft Knee Pads", "Knee pads", "Rockrider", 280, "Adult", 19.99, "Cheap soft knee pads."],
        ["PR-4", "POC Joint VPD Air Elbow", "Elbow pads", "POC", 250, "Adult", 80, "Soft elbow pads."],
        ["PR-5", "G-Form Pro-X3 Elbow Guard", "Elbow pads", "G-Form", 180, "Adult", 50, "Light elbow guard."],
        ["PR-6", "Leatt AirFlex Body Protector", "Body armour", "Leatt", 900, "Adult", 120, "Back and chest protector."],
        ["PR-7", "Fox Youth Body Protector", "Body armour", "Fox", 700, "Kids", 90, "Body protector for kids."],
        ["PR-8", "Woom Kids Helmet", "Helmet", "Woom", 240, "Kids", 60, "A light helmet for children."],
        ["PR-9", "Giro Syntax MIPS", "Helmet", "Giro", 270, "Adult", 120, "Road helmet."],
        ["PR-10", "Proviz Reflect360 Gilet", "Hi-vis vest", "Proviz", 180, "Adult", 60, "Fully reflective vest."]]


def test_the_same_brand_as_the_item_looked_at(tmp_path: Path) -> None:
    session = Session.open(ingested_csv(tmp_path, "gear", GEAR_HEADER, GEAR), "s", k=3)
    session.send("knee pads")
    session.send("which of those is lightest?")
    answer = session.send("and elbow pads from the same brand")
    assert [r.id for r in answer.recommendations] == ["PR-5"]


def test_an_age_group_column_of_adults_and_kids(tmp_path: Path) -> None:
    agent = ingested_csv(tmp_path, "gear", GEAR_HEADER, GEAR)
    for text in ("a helmet for me, not my kid", "a helmet, not for kids"):
        assert [r.id for r in agent.ask(text, k=3).recommendations] == ["PR-9"]
    assert [r.id for r in agent.ask("what's the lightest child's helmet?", k=3).recommendations] == ["PR-8"]
    assert agent.ask("a helmet for my 3-year-old", k=3).recommendations[0].id == "PR-8"


def test_a_kind_titled_by_its_head_gives_way_to_the_kind_its_modifier_titles(tmp_path: Path) -> None:
    agent = ingested_csv(tmp_path, "gear", GEAR_HEADER, GEAR)
    ids = [r.id for r in agent.ask("the cheapest knee protector", k=3).recommendations]
    assert ids[0] == "PR-3" and "PR-6" not in ids  # the knee pads, not the body protectors


@pytest.mark.parametrize("message", ["something cheaper", "moins cher", "billiger"])
def test_nothing_cheaper_than_the_cheapest_shows_it_alone(tmp_path: Path, message: str) -> None:
    session = Session.open(ingested_csv(tmp_path, "gear", GEAR_HEADER, GEAR), "s", k=3)
    session.send("body armour")
    cheaper = session.send(message)  # a comparison in any language is read as the critique it is
    assert [r.id for r in cheaper.recommendations] == ["PR-7"]


def test_a_new_subject_drops_the_earlier_budget(tmp_path: Path) -> None:
    session = Session.open(ingested_csv(tmp_path, "gear", GEAR_HEADER, GEAR), "s", k=3)
    session.send("knee pads")
    session.send("under 30 pounds")
    vest = session.send("and a reflective vest")
    assert [r.id for r in vest.recommendations][:1] == ["PR-10"] and not any("price" in f.column for f in vest.query.filters)


@pytest.mark.parametrize("message", ["foldable would be great", "zusammenklappbar wäre toll", "bruchfest sollten sie sein"])
def test_a_wish_about_the_thing_shown_keeps_the_subject(message: str) -> None:
    from types import SimpleNamespace

    from xmr_agent.agent.query import CrossModalQuery, SubQuery
    from xmr_agent.agent.topic import new_subject

    state = SimpleNamespace(topic=["a helmet for the city"], filters=[])
    request = CrossModalQuery(queries=(SubQuery(text="A comprehensive summary"),))
    critique = SimpleNamespace(like_ids=[], unlike_ids=[], again=[], boost=[], filters=[], order=None)
    assert not new_subject(state, message, request, critique, agent=SimpleNamespace(facets=Facets()))


def test_a_french_word_after_a_names_the_kind_with_the_word_it_describes(monkeypatch: pytest.MonkeyPatch) -> None:
    from xmr_agent.agent import glossary

    words = {"verres": ("glass",), "verre": ("glass",), "vin": ("wine",), "bière": ("beer",), "des": ("of",)}
    monkeypatch.setattr(glossary, "load", lambda language: glossary.Dictionary(words) if language == "fr" else None)
    found = glossary.kinds("des verres à vin pas chers", "fr", GLASSES, translation="glassware for wine")
    assert [(f.column, f.value) for f in found] == [("category", "Wine glass")]
    assert [f.value for f in glossary.kinds("un verre à bière", "fr", GLASSES)] == ["Beer glass"]


def test_a_value_of_two_names_is_named_by_either() -> None:
    facets = Facets({"discipline": _facet("discipline", {"BMX/Skate", "Road", "Mountain"}),
                     "category": _facet("category", {"Helmet", "Gloves"})})
    assert "discipline = 'BMX/Skate' (preferred)" in _filters("a helmet for BMX", facets)
    assert "discipline = 'BMX/Skate' (preferred)" in _filters("a skate helmet", facets)


@pytest.mark.parametrize("message", ["¿y en rosa?", "¿con MIPS?", "«et en rouge»"])
def test_a_refinement_after_an_opening_mark(message: str) -> None:
    from xmr_agent.agent.topic import REFINE

    assert REFINE.search(message)


def test_a_description_with_a_slash_names_no_value() -> None:
    facets = Facets({"fibre": _facet("fibre", {"Wool", "Acrylic", "Wool/Nylon", "Cotton"}),
                     "details": _facet("details", {"Wool/nylon sock yarn that knits up into stripes by itself."})})
    found = _filters("I'm allergic to wool, which yarns can I use?", facets)
    assert {"fibre != 'Wool'", "fibre != 'Wool/Nylon'"} <= found and not any(f.startswith("details") for f in found)


def test_and_any_other_thing_after_an_opening_mark_is_the_next_subject() -> None:
    from xmr_agent.agent.topic import NEXT

    assert NEXT.search("¿Y algún dulce sin gluten también?") and NEXT.search("and some goggles")
    assert not NEXT.search("¿y en rosa?")
