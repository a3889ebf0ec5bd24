"""Request understanding, twenty-eighth round: the column of kinds chosen over a column of letter grades ("Kit
section" over "Impulse class": A … G), "your" as the shop's ("show me your priciest rocket kit"), numbers in words
("under twenty bucks", "moins de vingt euros"), a one-letter value next to its column's name ("Klasse C"), what an
unnamed thing is to act on ("something to set off the motors"), "forget the wax, I need a leash", a class of
material said no to ("nothing made of wood": not Oak, Pine), an "-ing" word of a kind's own name ("testing gear"),
and pivot dictionary entries: a sense labelled colloquial or figurative is no thing's name, a thing's sense is read
first, and a compound the onward dictionary lacks is read backwards ("fléchette": Dartspiel → dart)."""

from __future__ import annotations

from pathlib import Path

from helpers import string_facet as _facet
from helpers import write_dictd

from xmr_agent.agent.columns import kind_columns
from xmr_agent.agent.critique import parse_critique
from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.numbers import in_digits
from xmr_agent.agent.rules import rule_rewrite

ROCKETS = Facets({
    "kit_section": _facet("kit_section", {"Rocket kit", "Motor", "Recovery", "Launch pad", "Launch controller",
                                          "Igniter"}),
    "impulse_class": _facet("impulse_class", {"A", "B", "C", "D", "E", "F", "G", "F/G"}),
    "skill_level": _facet("skill_level", {"Beginner", "Intermediate", "Advanced"}),
    "price_usd": Facet("price_usd", "number", lower=3, upper=120),
})
PUB = Facets({
    "gear_type": _facet("gear_type", {"Steel tip darts", "Soft tip darts", "Dartboard", "Flights", "Pub game"}),
    "made_from": _facet("made_from", {"Mahogany", "Oak", "Pine", "Walnut", "Brass", "Tungsten 90%", "Plastic",
                                      "Nylon"}),
    "cost": Facet("cost", "number", lower=2, upper=90),
})
HYDRO = Facets({
    "grow_section": _facet("grow_section", {"Herb garden kit", "Grow light", "Nutrients", "Testing & pH",
                                            "Pump & aeration"}),
    "colour": _facet("colour", {"White", "Black", "Green"}),
    "price_usd": Facet("price_usd", "number", lower=5, upper=300),
})


def _filters(text: str, facets: Facets) -> set[str]:
    return {str(f) for f in rule_rewrite(text, facets).filters}


def test_the_column_of_kinds_is_not_one_of_letter_grades() -> None:
    kinds = kind_columns(ROCKETS)
    assert "kit_section" in kinds and "impulse_class" not in kinds


def test_your_is_the_shops_and_names_the_kind_wanted() -> None:
    query = rule_rewrite("show me your priciest rocket kit", ROCKETS)
    assert "kit_section = 'Rocket kit'" in {str(f) for f in query.filters if f.hard}
    assert query.order is not None and query.order.column == "price_usd" and query.order.descending


def test_numbers_in_words_are_read_as_digits_outside_named_titles() -> None:
    assert in_digits("rocket kit under twenty bucks?", [], "en")[0] == "rocket kit under 20 bucks?"
    assert in_digits("un kit à moins de quarante dollars", [], "fr")[0] == "un kit à moins de 40 dollars"
    assert in_digits("unter zwanzig Euro", [], "de")[0] == "unter 20 Euro"
    text, named = in_digits("like the Twenty Twenty Kit but under thirty dollars", [(9, 26)], "en")
    assert text == "like the Twenty Twenty Kit but under 30 dollars" and text[named[0][0]:named[0][1]] == "Twenty Twenty Kit"
    assert in_digits("the third one, the one with two stages", [], "en")[0] == "the third one, the one with two stages"
    assert in_digits("二十元以下", [], "zh")[0] == "20元以下"  # a Chinese number before a currency: a price in digits
    assert "price_usd < 20.0" in _filters(in_digits("rocket kit under twenty bucks?", [], "en")[0], ROCKETS)


def test_a_one_letter_value_counts_next_to_its_columns_name() -> None:
    assert any(f.startswith("impulse_class = 'C'") for f in _filters("a class C motor", ROCKETS))
    assert any(f.startswith("impulse_class = 'C'") for f in _filters("Motoren der Klasse C", ROCKETS))
    assert not any(f.startswith("impulse_class") for f in _filters("a motor for a beginner", ROCKETS))


def test_what_an_unnamed_thing_is_to_act_on_is_the_users() -> None:
    from xmr_agent.agent.phrases import before_need, context_spans

    assert not any(f.value == "Motor" for f in rule_rewrite("I need something to light the motors", ROCKETS).filters)
    assert "kit_section = 'Motor'" in _filters("I need some motors", ROCKETS)
    spans = context_spans("de quoi coudre les cahiers")
    assert spans and "coudre les cahiers" in "de quoi coudre les cahiers"[spans[0][0]:spans[0][1]]
    assert context_spans("发射火箭的时候用来点燃发动机的东西")
    assert not context_spans("I want to buy a rocket kit")  # "to buy": the thing wanted follows
    for said, acted_on in (("unas gafas de protección para cortar vidrio", "cortar vidrio"),
                           ("des lunettes pour couper le verre", "couper le verre"),
                           ("eine Brille zum Schneiden von Glas", "Schneiden von Glas")):
        assert [said[a:b] for a, b in context_spans(said)] == [acted_on]
    assert not context_spans("un cadeau pour ma femme")
    text = "something to measure the pH"  # the kind "Testing & pH" is named by its object: a tester
    span = (text.index("pH"), text.index("pH") + 2)
    assert before_need(text, span) and not before_need(text, span, whole=False)


def test_forget_the_thing_then_a_new_one_starts_over() -> None:
    critique = parse_critique("actually forget the wax, I need a leash", [], PUB)
    assert critique.reset and "wax" not in critique.rest and "leash" in critique.rest
    assert parse_critique("oublie les moteurs, je cherche un parachute", [], PUB).reset
    assert not parse_critique("forget the budget", [], PUB).reset  # (nothing else said: no new search)


def test_a_class_of_material_said_no_to_leaves_out_its_kinds() -> None:
    found = _filters("a pub game but nothing made of wood", PUB)
    assert {"made_from != 'Oak'", "made_from != 'Pine'", "made_from != 'Mahogany'", "made_from != 'Walnut'"} <= found
    assert "made_from != 'Brass'" not in found
    assert "made_from != 'Brass'" in _filters("darts, no metal please", PUB)


def test_an_ing_word_of_a_kinds_own_name_is_no_activity() -> None:
    query = rule_rewrite("all your ph and testing gear, cheapest first", HYDRO)
    assert "grow_section = 'Testing & pH'" in {str(f) for f in query.filters}
    assert query.order is not None and not query.order.descending


def test_pivot_senses_colloquial_ones_left_out_and_things_first(dictd: Path) -> None:
    from xmr_agent.agent.dictionaries import load, senses

    write_dictd(dictd, "fra-deu", [("pince", "pince /pɛ̃s/ <n, fem>\n1. Geizkragen\n(Familier) Quelqu’un de radin\n"
                                             "2. Schere\nGrosse patte de devant de certains crustacés\n"
                                             "3. Zange\nOutil ou instrument comportant deux mâchoires\n")])
    write_dictd(dictd, "deu-eng", [("geizkragen", "Geizkragen <masc, n>\nmiser\n"),
                                   ("schere", "Schere <fem, n>\nscissors\n"), ("zange", "Zange <fem, n>\npliers\n")])
    dictionary = load("fr")
    assert dictionary is not None
    found = senses("pince", "fr", dictionary)
    assert found[0] == "pliers" and "miser" not in found


def test_a_compound_the_onward_dictionary_lacks_is_read_backwards(dictd: Path) -> None:
    from xmr_agent.agent.dictionaries import load, senses

    write_dictd(dictd, "fra-deu", [("fléchette", "fléchette <n, fem>\nDartspiel\nJeu\n")])
    write_dictd(dictd, "deu-eng", [("spiel", "Spiel <neut, n>\ngame, play\n"), ("dartpfeil", "Dartpfeil <masc, n>\ndart\n")])
    write_dictd(dictd, "deu-fra", [("dartpfeil", "Dartpfeil <masc, n>\nfléchette\n")])
    dictionary = load("fr")
    assert dictionary is not None
    assert senses("fléchettes", "fr", dictionary) == ("dart",)


def test_the_first_words_of_a_kind_whose_last_word_others_share_name_it() -> None:
    assert "gear_type = 'Steel tip darts'" in _filters("steel tips for no more than 30 quid", PUB)
    assert "gear_type = 'Soft tip darts'" in _filters("some soft tips for the pub board", PUB)
    assert not any("tip darts" in f for f in _filters("a dartboard", PUB))


def test_a_yes_no_column_named_for_what_items_are_without_is_said_by_denying_it(dictd: Path) -> None:
    write_dictd(dictd, "fra-eng", [("plomb", "plomb <n, masc>\nlead, sinker\n")])
    vitrail = Facets({"famille": _facet("famille", {"Soudure", "Verre", "Pince"}),
                      "sans_plomb": _facet("sans_plomb", {"oui", "non"}), "prix": Facet("prix", "number", lower=2, upper=90)})
    assert "sans_plomb = 'oui'" in _filters("solder with no lead in it please", vitrail)
    assert "sans_plomb = 'oui'" in _filters("de la soudure sans plomb", vitrail)
    assert not any(f.startswith("sans_plomb") for f in _filters("some lead came for my windows", vitrail))


def test_a_word_naming_no_group_leaves_the_next_words_group_read(dictd: Path) -> None:
    from xmr_agent.agent.glossary import kinds

    write_dictd(dictd, "fra-eng", [("des", "des <art>\nof the\n"), ("fléchette", "fléchette <n, fem>\ndart\n")])
    found = {str(f) for f in kinds("des fléchettes fabriquées au Japon", "fr", PUB)}
    assert {"gear_type = 'Steel tip darts' (preferred)", "gear_type = 'Soft tip darts' (preferred)"} <= found


def test_a_part_of_a_value_of_two_joined_by_and_names_it_in_any_language() -> None:
    vitrail = Facets({"famille": _facet("famille", {"Soudure et flux", "Verre", "Pince", "Patine et finition"}),
                      "prix": Facet("prix", "number", lower=2, upper=90)})
    assert "famille = 'Soudure et flux'" in _filters("de la soudure pas chère", vitrail)
    assert "famille = 'Patine et finition'" in _filters("une patine noire", vitrail)


def test_competitions_name_a_yes_no_column_of_tournaments() -> None:
    pub = Facets({**PUB, "tournament_legal": _facet("tournament_legal", {"Yes", "No"})})
    for said in ("a dartboard I can use in competitions", "une cible pour la compétition", "eine Dartscheibe fürs Turnier",
                 "una diana que valga para competición"):
        assert "tournament_legal = 'Yes'" in _filters(said, pub), said
