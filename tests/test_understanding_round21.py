"""Request understanding, twenty-first round: items named by their brand and title words ("like
the Helinox Chair One": "Chair One ultraligera"), one-letter scales and sizes written next to their
word ("an N gauge loco", "en escala N", "pas en échelle N"), "same scale" for any column the
shop has, and no brand named by its spelling ("camping" is no "Campingaz")."""

from __future__ import annotations

from pathlib import Path

from helpers import string_facet as _facet
from helpers import write_dictd

from xmr_agent.agent.critique import parse_critique
from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.mentions import TitleIndex, named_items
from xmr_agent.agent.rewrite import Rewriter
from xmr_agent.agent.rules import rule_rewrite

TRAINS = Facets({
    "department": _facet("department", {"Locomotive", "Wagon", "Coach", "Track", "Scenery"}),
    "scale": _facet("scale", {"OO", "N", "HO", "All"}),
    "maker": _facet("maker", {"Hornby", "Bachmann", "Kato", "Accurascale", "Graham Farish"}),
    "our_price": Facet("our_price", "number", lower=5, upper=400),
})
CAMP = Facets({
    "tipo": _facet("tipo", {"Silla plegable", "Mesa", "Catre", "Hornillo"}),
    "marca": _facet("marca", {"Campingaz", "Helinox", "Coleman", "Campart"}),
    "pvp": Facet("pvp", "number", lower=10, upper=300),
})
TITLES = [("CM-103", "Chair One ultraligera"), ("CM-302", "Cot One Convertible ultraligero"),
          ("MR-1001", "LNER Class A4 4468 'Mallard'"), ("MR-1006", "Class 55 Deltic 55008 'The Green Howards'"),
          ("MR-4004", "Unitrack Starter Oval Set M1")]
MAKERS = ["Helinox", "Hornby", "Accurascale", "Kato"]


def _filters(text: str, facets: Facets) -> set[str]:
    return {str(f) for f in rule_rewrite(text, facets).filters}


def test_an_item_named_by_its_brand_before_its_title_is_one_to_be_like() -> None:
    titles = TitleIndex(TITLES, MAKERS)
    for text, item in [("something like the Helinox Chair One but cheaper", "CM-103"),
                       ("like the Accurascale Deltic but a bit cheaper", "MR-1006"),
                       ("something like the Kato Unitrack starter oval but for OO", "MR-4004"),
                       ("有没有类似Hornby那台Mallard、但便宜一点的机车？", "MR-1001")]:
        assert named_items(titles, text, (), seeds=False)[1] == [item], text
    # without the shop's brands the brand stands between the word of likeness and the name
    assert named_items(TitleIndex(TITLES), "something like the Helinox Chair One but cheaper", (), seeds=False)[1] == []
    assert named_items(titles, "a Helinox chair", (), seeds=False)[1] == []  # a brand alone names no item


def test_one_letter_scales_are_read_next_to_their_word_only() -> None:
    assert "scale != 'N'" in _filters("wagons, not N gauge", TRAINS)
    assert "scale != 'N'" in _filters("des wagons de marchandises, mais pas en échelle N", TRAINS)
    assert "scale = 'N'" in _filters("en escala N, por favor", TRAINS)
    assert any(f.startswith("scale = 'N'") for f in _filters("an N gauge loco under £150", TRAINS))
    assert any(f.startswith("scale = 'N'") for f in _filters("最便宜的N比例机车", TRAINS))
    assert any(f.startswith("scale = 'OO'") for f in _filters("要OO比例的", TRAINS))
    assert not any(f.startswith("scale") for f in _filters("A nice loco, N. please", TRAINS))  # no word of scale
    assert not any(f.startswith("scale") for f in _filters("a Wagon and a coach", TRAINS))


def test_the_same_of_any_column_the_shop_has() -> None:
    shown = [{"id": "MR-1002", "title": "Class 66", "department": "Locomotive", "scale": "OO", "maker": "Bachmann"}]
    for message in ("nice. now some wagons for it to haul, same scale", "des wagons, même échelle",
                    "unos vagones de la misma escala"):
        critique = parse_critique(message, shown, TRAINS)
        assert "scale = 'OO'" in {str(f) for f in critique.filters}, message
    assert not parse_critique("the same thing again", shown, TRAINS).filters  # no column named "thing"


def test_a_brand_is_never_named_by_its_spelling() -> None:
    assert not any(f.startswith("marca") for f in {str(f) for f in Rewriter(CAMP).rewrite("I need a camping chair", k=3).filters})



def test_an_english_head_noun_names_a_spanish_kind_a_describing_word_follows(dictd: Path) -> None:
    from xmr_agent.agent.backward import backward_kinds
    from xmr_agent.agent.backward import same_noun as _same_noun

    write_dictd(dictd, "eng-deu", [("chair", "chair /tʃˈeə/\nStuhl <masc>, Sessel <masc>\n")])
    write_dictd(dictd, "deu-spa", [("stuhl", "Stuhl /ʃtuːl/ <n, masc>\n1. silla, sede\n(Sitz-)Möbel\n")])
    assert _same_noun("silla", "Silla plegable", "es") and _same_noun("glacière", "Glacière électrique", "fr")
    assert not _same_noun("silla", "Silla plegable", "es", compound=False)  # the same word first
    assert not _same_noun("mesa", "Silla plegable", "es") and not _same_noun("silla", "Silla de playa baja", "es")
    kinds = Facets({"tipo": _facet("tipo", {"Silla plegable", "Mesa", "Catre", "Farol"})})
    for text in ("whats the lightest chair youve got", "the lightest chair you've got", "a chair"):
        assert [str(f) for f in backward_kinds(text, kinds, "es")] == ["tipo = 'Silla plegable'"], text


def test_a_colour_said_with_a_word_before_it_is_left_out_and_a_fuel_not_needed() -> None:
    stones = Facets({"warengruppe": _facet("warengruppe", {"Saunasteine", "Saunaofen", "Bademantel"}),
                     "farbe": _facet("farbe", {"Grau", "Weiß", "Grün", "Rosa"})})
    assert "farbe != 'Grau'" in _filters("sauna stones, anything but the boring grey ones", stones)
    assert not any(f.startswith("warengruppe !=") for f in _filters("stones, not the sauna kind", stones))
    lanterns = Facets({"kind": _facet("kind", {"Lantern", "Stove", "Table"}), "fuel": _facet("fuel", {"Gas", "Battery", "Solar"})})
    assert "fuel != 'Gas'" in _filters("a lantern that doesn't need gas", lanterns)


def test_not_over_a_price_is_at_most_it_in_four_languages() -> None:
    prices = Facets({"price": Facet("price", "number", lower=10, upper=900)})
    for text in ("nicht über 200 Pfund", "not over £200", "pas au-dessus de 200 €", "no más caro que 200 libras"):
        assert _filters(text, prices) == {"price <= 200.0"}, text
    assert _filters("über 200 Pfund", prices) == {"price > 200.0"}


DIVE_HEADER = ["SKU", "Product", "Kit section", "Brand name", "Price (US$)", "Notes"]
DIVE = [["D-1", "Hydros Pro BCD", "BCD", "Scubapro", 899, "Modular jacket"],
        ["D-2", "Rogue BCD", "BCD", "Aqualung", 549, "Back-inflate wing"],
        ["D-3", "Quantum BCD", "BCD", "Mares", 499, "Jacket style"],
        ["D-4", "Travelight BCD", "BCD", "Cressi", 389, "Light travel jacket"],
        ["D-5", "Zuma BCD", "BCD", "Aqualung", 329, "Compact travel wing"],
        ["D-6", "Go BCD", "BCD", "Scubapro", 299, "Lightest travel jacket"],
        ["D-7", "Jet Fins", "Fins", "Scubapro", 149, "Classic rubber fins"],
        ["D-8", "Avanti Quattro Fins", "Fins", "Mares", 119, "Four-channel blade"]]


def test_the_cheapest_of_those_ranges_over_every_item_that_meets_the_conditions(tmp_path: Path) -> None:
    from helpers import ingested_csv

    from xmr_agent.agent.session import Session

    agent = ingested_csv(tmp_path, "diving", DIVE_HEADER, DIVE)
    session = Session.open(agent, "s", k=2)
    session.send("looking for a bcd")
    session.send("not scubapro")
    cheapest = [r.id for r in session.send("the cheapest of those").recommendations]
    assert cheapest[0] == "D-5"  # the cheapest BCD not by Scubapro, shown or not (the Scubapro Go is cheaper)
    two = Session.open(agent, "t", k=2)
    two.send("looking for a bcd")
    shown = [r.id for r in two.send("not scubapro").recommendations]
    assert sorted(r.id for r in two.send("the cheaper of the two").recommendations) == sorted(shown)  # the two shown
    those = Session.open(agent, "u", k=2)
    those.send("looking for a bcd")
    shown = [r.id for r in those.send("not scubapro").recommendations]
    assert sorted(r.id for r in those.send("the cheaper of those two").recommendations) == sorted(shown)


def test_a_count_of_pieces_is_no_price() -> None:
    prices = Facets({"price": Facet("price", "number", lower=10, upper=900)})
    for text in ("at least 200 pieces", "au moins 200 pièces", "mindestens 200 Stück in der Packung", "至少200件"):
        assert not _filters(text, prices), text
    assert _filters("over 200", prices) == {"price > 200.0"}
    assert _filters("less than 20.50", prices) == {"price < 20.5"}


def test_an_english_modifier_and_head_name_the_german_compound_they_make(dictd: Path) -> None:
    from xmr_agent.agent.backward import backward_kinds

    write_dictd(dictd, "eng-deu", [
        ("gas", "gas /ɡˈas/\nBenzin <neut>, Gas <neut>\n"), ("bbq", "BBQ\nGrillen <neut>, Grillfest <neut>\n"),
        ("charcoal", "charcoal\nHolzkohle <fem>, Grillkohle <fem>\n"), ("grill", "grill\nRost <masc>, Grill <masc>\n"),
        ("infrared", "infrared\nInfrarot <neut>\n"), ("cabin", "cabin\nHütte <fem>, Kabine <fem>\n")])
    grills = Facets({"grillart": _facet("grillart", {"Gasgrill", "Holzkohlegrill", "Pelletgrill", "Keramikgrill"})})
    saunas = Facets({"warengruppe": _facet("warengruppe", {"Infrarotkabine", "Saunakabine", "Saunaofen"})})
    for text, value in [("i want a gas bbq", "grillart = 'Gasgrill'"), ("a charcoal grill", "grillart = 'Holzkohlegrill'"),
                        ("a pellet grill", "grillart = 'Pelletgrill'")]:
        assert [str(f) for f in backward_kinds(text, grills, "de")] == [value], text
    assert [str(f) for f in backward_kinds("an infrared cabin", saunas, "de")] == ["warengruppe = 'Infrarotkabine'"]
    assert backward_kinds("a grill", grills, "de") == []  # four grills: none of them


def test_a_german_compound_joins_the_senses_of_its_parts_into_a_kind(dictd: Path) -> None:
    from xmr_agent.agent.glossary import kinds

    write_dictd(dictd, "deu-eng", [("eisen", "Eisen\niron\n"), ("satz", "Satz\nstatement, sentence, set, movement\n"),
                                   ("golf", "Golf\ngolf, gulf\n")])
    golf = Facets({"bag_slot": _facet("bag_slot", {"Iron set", "Driver", "Putter", "Golf balls", "Golf bag"})})
    assert [str(f) for f in kinds("ein Eisensatz, bitte", "de", golf)] == ["bag_slot = 'Iron set'"]
    assert kinds("ein Satzeisen", "de", golf) == []  # the modifier comes first


def test_and_no_splits_two_negations() -> None:
    golf = Facets({"bag_slot": _facet("bag_slot", {"Iron set", "Driver", "Putter"}),
                   "made_by": _facet("made_by", {"Titleist", "Mizuno", "Ping", "Cobra"})})
    for text in ("irons, no Titleist and no Mizuno", "Eisen, kein Titleist und kein Mizuno"):
        assert {"made_by != 'Titleist'", "made_by != 'Mizuno'"} <= _filters(text, golf), text


def test_a_word_of_a_brand_joined_by_an_ampersand_names_no_brand() -> None:
    from xmr_agent.agent.columns import brand_column

    assert brand_column("brand_name") and brand_column("Marca") and not brand_column("make_up_type")
    dive = Facets({"kit_section": _facet("kit_section", {"Dive torch", "Mask", "Fins", "BCD"}),
                   "brand_name": _facet("brand_name", {"Light & Motion", "Mares", "Cressi"})})
    assert not any(f.startswith("brand_name") for f in _filters("a dive light", dive))
    assert any(f.startswith("brand_name = 'Light & Motion'") for f in _filters("a torch by Light & Motion", dive))


def test_a_yes_no_column_named_exterior_is_said_by_outdoors_in_any_language() -> None:
    hardware = Facets({"rayon": _facet("rayon", {"Charnière", "Cadenas", "Serrure"}),
                       "usage_exterieur": _facet("usage_exterieur", {"oui", "non"})})
    for text in ("hinges that have to be ok outdoors", "un cadenas pour dehors", "适合户外用的铰链"):
        assert "usage_exterieur = 'oui'" in _filters(text, hardware), text
    assert not any(f.startswith("usage") for f in _filters("a lock for the front door", hardware))


def test_a_spanish_kind_of_two_words_is_glossed_by_its_noun(dictd: Path) -> None:
    from xmr_agent.agent.glosses import glossed

    write_dictd(dictd, "spa-eng", [("nevera", "nevera <n>\nrefrigerator, fridge, icebox\n"), ("farol", "farol <n>\nlantern\n")])
    camp = Facets({"tipo": _facet("tipo", {"Nevera portátil", "Farol", "Silla plegable"})})
    glossed_facets = glossed(camp, "es")
    assert glossed_facets is not None
    assert dict(glossed_facets["tipo"].canonical) == {"refrigerator": "Nevera portátil", "fridge": "Nevera portátil",
                                                      "icebox": "Nevera portátil", "lantern": "Farol"}


def test_a_word_that_names_a_column_names_no_kind_by_the_titles(tmp_path: Path) -> None:
    from helpers import ingested_csv

    header = ["Stock code", "Item", "Department", "Maker", "Scale", "Our price (£)", "Notes"]
    rows = [["T-1", "Pine Trees N Scale (24)", "Scenery", "Bachmann", "N", 12, "Trees"],
            ["T-2", "Mixed Trees OO Scale (10)", "Scenery", "Peco", "OO", 14, "Trees"],
            ["T-3", "Grass Mat", "Scenery", "Peco", "All", 9, "Grass"],
            ["B-1", "Country Station Card Kit", "Building kit", "Metcalfe", "OO", 18, "Card kit"],
            ["B-2", "Engine Shed", "Building kit", "Ratio", "OO", 24, "Plastic kit"],
            ["B-3", "Signal Box", "Building kit", "Ratio", "N", 11, "Plastic kit"],
            ["L-1", "Class 66", "Locomotive", "Bachmann", "OO", 189, "Diesel"]]
    agent = ingested_csv(tmp_path, "trains", header, rows)
    answer = agent.ask("OO scale please", k=3)
    assert not any(f.column == "department" and f.hard for f in answer.query.filters)  # "scale" is the column's name
    assert {r.id for r in agent.ask("building kits in OO scale", k=3).recommendations} == {"B-1", "B-2"}
