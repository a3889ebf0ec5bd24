"""Request understanding, twenty-fifth round: French and Spanish adjectives made of a verb glossed from
the verb ("Parapluie pliant": folding umbrella), yes/no columns of lighting, automatic opening, storms,
handmade and pocket size, currency codes before the number ("AUD 30"), "can't go over", countries in
five languages ("Reino Unido": UK), a longest blade by a German column of lengths, the most powerful
by magnification, a level said by who an item is for ("pour débutant"), a negated phrase narrower
than the kind the request asks for ("une presse, mais pas une presse à relier"), a translation's
colour that the request never said, and titles whose two words are written as one ("Wi-Fi": wifi)."""

from __future__ import annotations

from pathlib import Path

from helpers import string_facet as _facet
from helpers import write_dictd

from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.rules import rule_rewrite

UMBRELLAS = Facets({
    "gamme": _facet("gamme", {"Parapluie canne", "Parapluie pliant", "Ombrelle"}),
    "ouverture_automatique": _facet("ouverture_automatique", {"oui", "non"}),
    "anti_tempete": _facet("anti_tempete", {"oui", "non"}),
    "prix": Facet("prix", "number", lower=9, upper=140),
})


def _filters(text: str, facets: Facets) -> set[str]:
    return {str(f) for f in rule_rewrite(text, facets).filters}


def test_an_adjective_made_of_a_verb_is_glossed_from_the_verb(dictd: Path) -> None:
    from xmr_agent.agent.dictionaries import load, participles
    from xmr_agent.agent.glosses import composed

    write_dictd(dictd, "fra-eng", [("plier", "plier /plje/ <v>\nfold\n"), ("parapluie", "parapluie <n>\numbrella\n"),
                                   ("chauffer", "chauffer <v>\nheat\n")])
    dictionary = load("fr")
    assert dictionary is not None
    assert participles("pliant", "fr", dictionary) == ("folding",)
    assert participles("chauffante", "fr", dictionary) == ("heating",)
    assert participles("parapluie", "fr", dictionary) == ()  # no adjective of a verb
    assert "folding umbrella" in composed("Parapluie pliant", "fr")


def test_yes_no_columns_of_opening_storms_lighting_handmade_and_pocket_size() -> None:
    said = _filters("folding umbrella with automatic opening that can handle a proper storm", UMBRELLAS)
    assert {"ouverture_automatique = 'oui'", "anti_tempete = 'oui'"} <= said
    assert "anti_tempete = 'oui'" in _filters("un parapluie anti-tempête", UMBRELLAS)
    kit = Facets({"led_illumination": _facet("led_illumination", {"Yes", "No"}),
                  "handmade": _facet("handmade", {"Yes", "No"}), "pocket_sized": _facet("pocket_sized", {"Yes", "No"})})
    assert _filters("stereo microscope with LED lighting", kit) == {"led_illumination = 'Yes'"}
    assert _filters("un señuelo hecho a mano", kit) == {"handmade = 'Yes'"}
    assert _filters("un leurre fait main", kit) == {"handmade = 'Yes'"}
    assert _filters("能放进口袋的魔术道具", kit) == {"pocket_sized = 'Yes'"}


def test_currency_codes_and_cant_go_over_bound_a_price() -> None:
    shop = Facets({"genre": _facet("genre", {"Juggling", "Stage"}), "price_au": Facet("price_au", "number", lower=5, upper=900)})
    assert "price_au <= 30.0" in _filters("juggling stuff, can spend up to AUD 30", shop)
    assert "price_au < 30.0" in _filters("juggling balls under A$30", shop)
    assert "price_au <= 250.0" in _filters("a printing press but I can't go over 250 dollars", shop)
    assert "price_au <= 100.0" in _filters("预算100澳元以内的舞台魔术道具", shop)
    assert not any("price" in f for f in _filters("a trick that takes 20 sekunden", shop))  # no currency "sek"


def test_countries_are_named_in_five_languages() -> None:
    inks = Facets({"made_in": _facet("made_in", {"UK", "USA", "Japan", "Germany"}),
                   "department": _facet("department", {"Relief ink", "Brayer"})})
    for request in ("tinta fabricada en el Reino Unido", "encre fabriquée au Royaume-Uni", "英国制造的油墨",
                    "Farbe aus dem Vereinigten Königreich", "ink made in Britain"):
        assert any(f.startswith("made_in = 'UK'") for f in _filters(request, inks)), request
    assert any(f.startswith("made_in = 'USA'") for f in _filters("une encre des États-Unis", inks))
    assert "made_in != 'Japan'" in _filters("油墨，不要日本的", inks)


def test_the_longest_blade_by_a_german_column_and_the_most_powerful_by_magnification() -> None:
    knives = Facets({"klingenlange_mm": Facet("klingenlange_mm", "number", lower=20, upper=120),
                     "preis": Facet("preis", "number", lower=5, upper=90)})
    order = rule_rewrite("which carving knife has the longest blade?", knives).order
    assert order is not None and order.column == "klingenlange_mm" and order.descending
    scopes = Facets({"max_magnification_x": Facet("max_magnification_x", "number", lower=3, upper=2000),
                     "list_price_us": Facet("list_price_us", "number", lower=5, upper=900)})
    order = rule_rewrite("what's the most powerful microscope you've got?", scopes).order
    assert order is not None and order.column == "max_magnification_x" and order.descending
    assert not any(f.startswith("list_price_us") for f in _filters("放大倍数至少1000倍的显微镜", scopes))  # 倍: no price


def test_a_level_is_said_by_who_the_item_is_for() -> None:
    tools = Facets({"stufe": _facet("stufe", {"Einsteiger", "Fortgeschritten", "Profi"}),
                    "warengruppe": _facet("warengruppe", {"Schnitzmesser", "Hohleisen"})})
    for request in ("a carving knife for beginners", "un couteau pour débutant", "适合初学者的雕刻刀",
                    "un cuchillo para principiantes"):
        assert "stufe = 'Einsteiger' (preferred)" in _filters(request, tools), request
    assert "stufe = 'Profi' (preferred)" in _filters("Schnitzmesser für Profis", tools)
    assert not any(f.startswith("stufe") for f in _filters("a carving knife", tools))


def test_a_negated_phrase_narrower_than_the_kind_asked_for_denies_no_kind() -> None:
    presses = Facets({"department": _facet("department", {"Press", "Paper", "Brayer"})})
    said = rule_rewrite("une presse pour imprimer, mais pas une presse à relier", presses)
    assert "department != 'Press'" not in {str(f) for f in said.filters}
    assert "presse à relier" in said.avoid
    assert "department != 'Press'" in _filters("paper, not a press", presses)  # a kind denied outright still is


def test_a_translations_colour_the_request_never_said_is_dropped() -> None:
    from xmr_agent.agent.query import CrossModalQuery, Filter
    from xmr_agent.agent.translate import with_translation

    other = CrossModalQuery(filters=(Filter(column="colour", op="=", value="Red", hard=False),))
    kept = with_translation(CrossModalQuery(), other, "un leurre fait main", "a red shirt", lambda c: False)
    assert not kept.filters  # "a red shirt" from "un leurre fait main": no red said
    said = with_translation(CrossModalQuery(), other, "un leurre rouge", "a red lure", lambda c: False)
    assert [str(f) for f in said.filters] == ["colour = 'Red' (preferred)"]
    metal = CrossModalQuery(filters=(Filter(column="metal", op="!=", value="silver"),))
    denied = with_translation(CrossModalQuery(), metal, "耳环，不要银的", "Earrings, don't be silver", lambda c: False)
    assert [str(f) for f in denied.filters] == ["metal != 'silver'"]  # no column of colours: kept


def test_a_title_written_in_two_words_is_named_by_them_as_one() -> None:
    from xmr_agent.agent.mentions import _stems
    from xmr_agent.agent.values import stem_phrase

    assert stem_phrase("wifi") in _stems(["Wi", "Fi", "Handheld", "Microscope"], stem_phrase)
    assert stem_phrase("handheld") in _stems(["Wi", "Fi", "Handheld", "Microscope"], stem_phrase)


def test_a_kind_of_a_catalogue_in_another_language_before_an_english_noun_describes_that_noun() -> None:
    guitars = Facets({"familia": _facet("familia", {"Guitarra clásica", "Guitarra", "Estuche", "Correa"})})
    assert _filters("a guitarra stand under 50", guitars) == set()  # a stand, for a guitar: no guitar
    for request in ("a guitarra please", "a guitarra for a child", "a guitarra today", "a cheap guitarra"):
        assert "familia = 'Guitarra'" in _filters(request, guitars), request
    records = Facets({"genre": _facet("genre", {"rock", "jazz", "soul"}), "format": _facet("format", {"vinyl", "cd"})})
    assert _filters("the newest rock album", records) == {"genre = 'rock'"}  # an English catalogue: its titles say
    boules = Facets({"rayon": _facet("rayon", {"Boules de compétition", "Boules de loisir", "Sacoche"})})
    assert not any(f.startswith("rayon = 'Boules") for f in _filters("a boules bag that isn't leather", boules))
    assert _filters("competition boules", boules) == {"rayon = 'Boules de compétition'"}


def test_words_of_a_request_in_a_third_language_name_a_value_through_english(dictd: Path) -> None:
    from xmr_agent.agent.glosses import _read_values

    write_dictd(dictd, "spa-eng", [("acero", "acero <n>\nsteel\n")])
    write_dictd(dictd, "eng-deu", [("steel", "steel /stˈiːl/\nStahl <masc>\n")])
    shop = Facets({"warengruppe": _facet("warengruppe", {"Boule", "Messer"}),
                   "material": _facet("material", {"Stahl", "Holz", "Kunststoff"})})
    found = _read_values("unas bolas de acero", "es", shop, "de", set(), ())
    assert [str(f) for f in found] == ["material = 'Stahl' (preferred)"]
    assert _read_values("unas bolas de acero", "es", shop, "de", {"material"}, ()) == []  # the column is said
    denied = _read_values("unas bolas, pero no de acero", "es", shop, "de", set(), ("acero",))  # negated: left out
    assert [str(f) for f in denied] == ["material != 'Stahl'"]


def test_a_german_compound_names_a_kind_by_its_parts_their_forms_aside(dictd: Path) -> None:
    from xmr_agent.agent.dictionaries import load
    from xmr_agent.agent.glossary import _compound_value

    write_dictd(dictd, "deu-eng", [("münze", "Münze <n>\ncoin\n"), ("magie", "Magie <n>\nmagic\n"),
                                   ("trick", "Trick <n>\ntrick\n")])
    dictionary = load("de")
    assert dictionary is not None
    magic = [_facet("effect_type", {"Coin magic", "Card magic", "Coin trick"})]
    assert _compound_value("Münzmagie", dictionary, magic) == ("effect_type", "Coin magic")  # Münz(e) + Magie
    assert _compound_value("Münztricks", dictionary, magic) == ("effect_type", "Coin trick")  # the plural's singular


def test_pieces_are_counted_by_a_column_named_in_another_language() -> None:
    puzzles = Facets({"teile": Facet("teile", "number", lower=24, upper=5000, integer=True)})
    for request in ("un puzzle de 1000 pièces", "a 1000 piece puzzle", "1000片的拼图", "ein Puzzle mit 1000 Teilen"):
        assert _filters(request, puzzles) == {"teile = 1000"}, request


RACKETS_HEADER = ["id", "title", "sport", "weight_g", "price_usd", "description"]
RACKETS = [["r1", "Carbon Badminton Racket", "racket sports", 85, 59.0, "Stiff carbon frame"],
           ["r2", "Light Squash Racket", "racket sports", 125, 45.0, "Light and fast"],
           ["r3", "Junior Tennis Racket", "racket sports", 240, 25.0, "For children"],
           ["r4", "Feather Shuttlecocks (12)", "racket sports", 60, 19.0, "Goose feather shuttles"],
           ["r5", "Tennis Balls (tube of 4)", "racket sports", 58, 6.0, "Pressurised balls"],
           ["s1", "Silicone Swim Cap", "swimming", 50, 9.0, "One size"],
           ["s2", "Foam Kickboard", "swimming", 180, 12.0, "For drills"],
           ["c1", "Road Cycling Helmet", "cycling", 260, 89.0, "Vented shell"],
           ["c2", "Insulated Water Bottle", "cycling", 120, 15.0, "Keeps drinks cold"]]


def test_a_superlative_over_a_kind_read_in_the_titles_ranges_over_the_titled_items(tmp_path: Path) -> None:
    from helpers import ingested_csv

    agent = ingested_csv(tmp_path, "sports", RACKETS_HEADER, RACKETS)
    lightest = [r.id for r in agent.ask("what's the lightest racket you sell?", k=3).recommendations]
    assert lightest[0] == "r1" and "r4" not in lightest and "r5" not in lightest  # rackets, not shuttles
    cheapest = [r.id for r in agent.ask("the cheapest tennis racket", k=1).recommendations]
    assert cheapest == ["r3"]  # not the tennis balls


def test_what_a_thing_is_to_carry_is_no_condition_and_a_preposition_alone_is_no_subject() -> None:
    boules = Facets({"rayon": _facet("rayon", {"Boules de compétition", "Boules de loisir", "Sacoche"}),
                     "coloris": _facet("coloris", {"Rouge", "Noir"})})
    assert _filters("bag to carry a set of boules", boules) == set()  # a bag, for boules
    bags = Facets({"kind": _facet("kind", {"Laptop", "Backpack", "Tent"})})
    assert _filters("I need to carry a tent", bags) == {"kind = 'Tent'"}  # no thing named before: the tent
    said = rule_rewrite("en rojo", boules)
    assert [str(f) for f in said.filters] == ["coloris = 'Rouge'"] and not said.queries  # no search for "en"


def test_an_empty_query_is_described_in_words() -> None:
    from xmr_agent.agent.query import CrossModalQuery, describe_query

    assert describe_query(CrossModalQuery()) == "nothing asked yet"


def test_a_pricey_thing_is_pricey_for_its_kind_as_well_as_for_the_items_found() -> None:
    from xmr_agent.agent.order import apply_order
    from xmr_agent.agent.query import Filter, Order
    from xmr_agent.types import Hit

    def hit(i: str, cos: float, price: float, genre: str) -> Hit:
        return Hit(i, cos, {"id": i, "price": price, "genre": genre}, {"vector:text": cos})

    fused = [hit("cabinet", 0.80, 2450, "Stage"), hit("table", 0.79, 399, "Stage"), hit("cane", 0.78, 39, "Stage"),
             hit("box", 0.50, 149, "Stage"), hit("dove-pan", 0.45, 85, "Stage"), hit("rings", 0.44, 69, "Stage"),
             hit("coils", 0.43, 14, "Stage"), *(hit(f"card-{n}", 0.3, 20, "Cards") for n in range(5))]
    stage = [Filter(column="genre", op="=", value="Stage", hard=False)]
    ranked = [h.id for h in apply_order(Order(column="price", mode="high"), fused, preferences=stage,
                                        kinds=frozenset({"genre"}))]
    assert ranked[:3] == ["cabinet", "table", "box"]  # the dear illusions, not the $39 cane found by the words


def test_a_word_whose_first_sense_heads_several_kinds_names_none_by_a_later_sense() -> None:
    from xmr_agent.agent.naming import heads_many as _heads_many

    glosses = {"folding umbrella", "golf umbrella", "sun umbrella", "shade"}
    assert _heads_many("umbrella", glosses) and not _heads_many("shade", glosses)
    assert not _heads_many("golf umbrella", glosses)  # a sense of two words names its own value


def test_a_kind_that_describes_another_thing_is_not_taken_back_from_the_translation() -> None:
    from xmr_agent.agent.query import CrossModalQuery, Filter
    from xmr_agent.agent.translate import with_translation

    base = CrossModalQuery(context=("Boules de compétition",))  # "a boules bag": the boules describe the bag
    other = CrossModalQuery(filters=(Filter(column="rayon", op="=", value="Boules de loisir"),))
    assert not with_translation(base, other, "a boules bag", "un sac à boules", lambda c: False).filters
    kept = with_translation(CrossModalQuery(), other, "leisure boules", "des boules de loisir", lambda c: False)
    assert [str(f) for f in kept.filters] == ["rayon = 'Boules de loisir'"]
