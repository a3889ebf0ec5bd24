"""Request understanding, thirty-third round: a German shop's compound kinds named by their last noun ("ein
Schlauch": the Gartenschlauch), a value named by a word of its first sense ("keine aus Plastik": not Kunststoff), a
French phrase with an elided article read whole ("tuyau d'arrosage"), an English head noun read alone when its phrase
names no kind ("rain barrel": barrel, the Regentonne), a kind only a translation names taken for a guess, a plural
French kind read in the singular ("Sacs à dos": backpack), a gloss written in parts giving way to the word written
as one ("tea pot" of a jar, "teapot" of 茶壶), a class of material named in another language leaving out its
materials ("nicht aus Metall": Messing, Edelstahl), and "plutot une qui …" keeping a chat's subject."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import string_facet as _facet
from helpers import write_dictd

from xmr_agent.agent import dictionaries
from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.query import CrossModalQuery, Filter, SubQuery
from xmr_agent.agent.rules import rule_rewrite

GARDEN = Facets({
    "warengruppe": _facet("warengruppe", {"Gartenschlauch", "Schlauchwagen", "Regentonne", "Gießkanne", "Regner"}),
    "werkstoff": _facet("werkstoff", {"Kunststoff", "Messing", "Edelstahl", "Gummi", "Verzinkter Stahl"}),
    "farbe": _facet("farbe", {"Grün", "Schwarz", "Grau", "Blau"}),
    "winterfest": _facet("winterfest", {"ja", "nein"}),
    "preis": Facet("preis", "number", lower=4, upper=300),
})
_GERMAN = [("schlauch", "Schlauch <masc, n>\nhose, tube\n"), ("tonne", "Tonne <fem, n>\nbarrel, bin\n"),
           ("kanne", "Kanne <fem, n>\ncan, pot\n"), ("wagen", "Wagen <masc, n>\ncar, cart, trolley\n"),
           ("plastik", "Plastik <fem, n>\nplastic, sculpture\n"), ("kunststoff", "Kunststoff <masc, n>\nplastic, synthetic\n"),
           ("messing", "Messing <neut, n>\nbrass\n"), ("gummi", "Gummi <masc, n>\nrubber\n"),
           ("garten", "Garten <masc, n>\ngarden\n"), ("regen", "Regen <masc, n>\nrain\n")]


def _filters(text: str, facets: Facets) -> set[str]:
    return {str(f) for f in rule_rewrite(text, facets).filters}


def test_a_german_compound_kind_is_named_by_its_last_noun(dictd: Path) -> None:
    write_dictd(dictd, "deu-eng", _GERMAN)
    assert _filters("ein Schlauch ohne PVC", GARDEN) >= {"warengruppe = 'Gartenschlauch'"}
    assert _filters("eine Tonne für Regenwasser", GARDEN) == {"warengruppe = 'Regentonne'"}
    assert _filters("keine Schläuche, eine Kanne", GARDEN) == {"warengruppe != 'Gartenschlauch'", "warengruppe = 'Gießkanne'"}
    assert not any(f.startswith("warengruppe") for f in _filters("ich brauche auch etwas in Grau", GARDEN))  # "auch"


def test_a_part_two_kinds_end_in_names_neither_and_no_english_shop_is_parted(dictd: Path) -> None:
    from xmr_agent.agent.compounds import compound_value

    write_dictd(dictd, "deu-eng", _GERMAN)
    both = _facet("warengruppe", {"Gartenschlauch", "Spiralschlauch", "Regentonne"})
    assert compound_value("Schlauch", both, "de") is None and compound_value("Tonne", both, "de") == "Regentonne"
    assert compound_value("Schlauch", GARDEN["warengruppe"], "en") is None


def test_a_value_is_named_by_a_word_of_its_first_sense(dictd: Path) -> None:
    write_dictd(dictd, "deu-eng", _GERMAN)
    assert _filters("eine Gießkanne, aber nicht aus Plastik", GARDEN) == {"warengruppe = 'Gießkanne'",
                                                                          "werkstoff != 'Kunststoff'"}
    assert "werkstoff != 'Kunststoff'" in _filters("aber keine aus Plastik", GARDEN)
    assert rule_rewrite("aber keine aus Plastik", GARDEN).queries == ()  # "aber" is no subject


def test_nix_is_a_negation_and_mit_after_it_is_read_past() -> None:
    cables = Facets({"kind": _facet("kind", {"Cable", "Charger"})})
    query = rule_rewrite("Ladekabel, aber nix mit Lightning-Stecker", cables)
    assert query.avoid == ("lightning-stecker",)


def test_a_french_phrase_with_an_elided_article_is_one_word(dictd: Path) -> None:
    from xmr_agent.agent.glossary import split_words

    write_dictd(dictd, "fra-eng", [("tuyau d'arrosage", "tuyau d'arrosage <n, masc>\ngarden hose\n"),
                                   ("tuyau", "tuyau <n, masc>\npipe, tube\n")])
    assert split_words("un tuyau d'arrosage mais pas en PVC", "fr") == ["un", "tuyau d'arrosage", "mais", "pas", "en", "PVC"]
    assert split_words("un tuyau", "fr") == ["un", "tuyau"]


def test_an_english_head_noun_is_read_alone_when_its_phrase_names_no_kind(dictd: Path) -> None:
    from xmr_agent.agent.backward import backward_kinds

    write_dictd(dictd, "eng-deu", [("rain barrel", "rain barrel\nRegenfass <neut>\n"),
                                   ("barrel", "barrel\nFass <neut>, Tonne <fem>\n"),
                                   ("sprinkler", "sprinkler\nRegner <masc>\n")])
    found = backward_kinds("show me the most expensive rain barrel", GARDEN, "de")
    assert [str(f) for f in found] == ["warengruppe = 'Regentonne'"]
    assert [str(f) for f in backward_kinds("the cheapest sprinkler", GARDEN, "de")] == ["warengruppe = 'Regner'"]


def test_a_kind_only_the_translation_names_is_a_guess(dictd: Path) -> None:
    from xmr_agent.agent.glosses import named_kinds

    write_dictd(dictd, "fra-eng", [("boussole", "boussole <n, fem>\ncompass\n"),
                                   ("lampe frontale", "lampe frontale <n, fem>\nheadlamp, head lamp\n")])
    trails = Facets({"rayon": _facet("rayon", {"Boussoles", "Lampes frontales", "Cartes"})})
    translated = CrossModalQuery(queries=(SubQuery(text="Un boussole qui tombe dans les pluies"),),
                                 filters=(Filter(column="rayon", op="=", value="Boussoles"),))
    text = "one that's waterproof, it rains a lot where i walk"
    query = named_kinds(text, translated, trails, "fr", text, frozenset())
    assert [str(f) for f in query.filters] == ["rayon = 'Boussoles'"]
    assert query.guessed() == list(query.filters)  # a guess: in a chat, no new subject
    said = named_kinds("a compass please", translated, trails, "fr", "a compass please", frozenset())
    assert [str(f) for f in said.filters] == ["rayon = 'Boussoles'"] and said.guessed() == []  # its own word names it


def test_a_plural_french_kind_is_read_in_the_singular(dictd: Path) -> None:
    from xmr_agent.agent.glosses import phrase_senses

    write_dictd(dictd, "fra-eng", [("sac à dos", "sac à dos <n, masc>\nbackpack, rucksack\n"),
                                   ("lampe frontale", "lampe frontale <n, fem>\nheadlamp\n")])
    french = dictionaries.load("fr")
    assert french is not None
    assert phrase_senses("Sacs à dos", "fr", french) == ("backpack", "rucksack")  # not "do"
    assert phrase_senses("Lampes frontales", "fr", french) == ("headlamp",)
    assert phrase_senses("Boussoles", "fr", french) == ()


def test_a_gloss_written_in_parts_gives_way_to_the_word_written_as_one() -> None:
    from xmr_agent.agent.naming import one_spelling

    assert one_spelling(("teapot", "tea\u2010pot")) == ("teapot",)
    assert one_spelling(("tea can", "tea jar", "pot")) == ("tea can", "tea jar", "pot")


@pytest.mark.parametrize("message", ["plutot une qui craint pas la pluie", "eine, die wasserdicht ist",
                                     "una que no pese tanto"])
def test_one_that_keeps_the_subject(message: str) -> None:
    from xmr_agent.agent.topic import ONE

    assert ONE.search(message)


def test_a_class_of_material_in_another_language_leaves_out_its_materials(dictd: Path) -> None:
    write_dictd(dictd, "deu-eng", [*_GERMAN, ("metall", "Metall <neut, n>\nmetal\n"),
                                   ("edelstahl", "Edelstahl <masc, n>\nstainless steel\n")])
    said = _filters("eine Gießkanne, aber nicht aus Metall", GARDEN)
    assert said == {"warengruppe = 'Gießkanne'", "werkstoff != 'Messing'", "werkstoff != 'Edelstahl'"}
    colours = Facets({**GARDEN, "farbe": _facet("farbe", {"Messing", "Grün"})})  # one metal among colours: no column
    assert {"werkstoff != 'Messing'", "werkstoff != 'Edelstahl'"} <= _filters("nichts aus Metall", colours)  # of them


def test_an_english_word_names_a_glossed_kind_in_other_words_through_german(dictd: Path) -> None:
    from xmr_agent.agent.backward import round_trip_kinds

    write_dictd(dictd, "eng-deu", [("charging cable", "charging cable\nLadekabel <neut>\n"),
                                   ("cable", "cable\nKabel <neut>, Leitung <fem>\n")])
    write_dictd(dictd, "deu-eng", [("kabel", "Kabel <neut, n>\ncable, wire, lead\n")])
    glossed = Facets({"品类": Facet("品类", "string", frozenset({"data wire", "wire", "charger"}),
                                    canonical={"data wire": "数据线", "wire": "数据线", "charger": "充电器"})})
    assert [str(f) for f in round_trip_kinds("an affordable charging cable", glossed)] == ["品类 = '数据线'"]
    assert round_trip_kinds("a cheap charger case", glossed) == []  # no German word for the head: no guess


@pytest.mark.parametrize(("text", "avoided"), [("净水的东西，不要药片那种", "药片"), ("茶杯，不要玻璃那种的", "玻璃")])
def test_that_kind_after_a_chinese_negated_thing_is_no_word_of_it(text: str, avoided: str) -> None:
    assert rule_rewrite(text, Facets()).avoid == (avoided,)
