"""Request understanding, twenty-sixth round: a kind named for another group of people than the one the request
names ("men's flamenco shoes" read as Zapato de mujer), what a thing is used on ("something to rest the boat on"),
a value said by a compound of it and its column's name ("not a left-handed one"), yes/no columns named by a verb and
a noun in another language ("Spielt Melodie") or by a phrase ("Hecho a mano"), a capitalised name that is no colour
("Black Forest clocks"), a value the request speaks of as a thing ("joined the fencing club"), "too pricey" against
the cheapest item shown, values a translation invents, misspelt pivot words and kinds of two nouns ("Peinetas y
flores")."""

from __future__ import annotations

from pathlib import Path

from helpers import string_facet as _facet
from helpers import write_dictd

from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.query import CrossModalQuery, Filter, SubQuery
from xmr_agent.agent.rules import rule_rewrite

FENCING = Facets({
    "kit_section": _facet("kit_section", {"Foil", "Sabre", "Mask", "Jacket", "Glove"}),
    "hand": _facet("hand", {"Left", "Right", "Either"}),
    "level": _facet("level", {"Beginner", "Club", "Competition"}),
    "colour": _facet("colour", {"Black", "White", "Silver"}),
    "price": Facet("price", "number", lower=18, upper=240),
})


def _filters(text: str, facets: Facets) -> set[str]:
    return {str(f) for f in rule_rewrite(text, facets).filters}


def test_a_kind_named_for_another_group_gives_way_to_the_groups_own() -> None:
    from xmr_agent.agent.audience import audience_kinds

    shoes = Facets({"familia": _facet("familia", {"Zapato de mujer", "Calzado de hombre", "Mantón"})})
    wrong = [Filter(column="familia", op="=", value="Zapato de mujer")]
    kept, notes = audience_kinds(wrong, "men's flamenco shoes", shoes)
    assert [str(f) for f in kept] == ["familia = 'Calzado de hombre'"] and notes
    assert [str(f) for f in audience_kinds(wrong, "des chaussures pour homme", shoes)[0]] == ["familia = 'Calzado de hombre'"]
    assert audience_kinds(wrong, "women's flamenco shoes", shoes)[0] == wrong  # the group's own already
    assert audience_kinds(wrong, "flamenco shoes for my husband", shoes)[0] == wrong  # a person of the group: no swap
    helmets = [Filter(column="rayon", op="=", value=v) for v in ("Casque homme", "Casque femme", "Casque enfant")]
    assert [str(f) for f in audience_kinds(helmets, "a helmet for my husband")[0]] == ["rayon = 'Casque homme'"]
    assert audience_kinds(helmets, "a helmet")[0] == helmets  # no group said: every helmet


def test_what_a_thing_is_used_on_is_no_condition() -> None:
    boats = Facets({"kit_section": _facet("kit_section", {"Boats", "Storage & transport", "Clothing"})})
    assert not any(f.startswith("kit_section = 'Boats'") for f in _filters("I need something to rest the boat on", boats))
    assert not any(f.startswith("kit_section = 'Boats'") for f in _filters("a stand to put the boat on", boats))
    assert "kit_section = 'Boats'" in _filters("I want to buy a boat", boats)
    assert "kit_section = 'Boats'" in _filters("my boat broke, I need a new boat", boats)


def test_a_compound_of_a_value_and_its_columns_name_names_the_value(dictd: Path) -> None:
    assert "hand != 'Left'" in _filters("a foil, but not a left-handed one", FENCING)
    assert "hand = 'Left' (preferred)" in _filters("a left-handed foil", FENCING)
    assert not any(f.startswith("hand") for f in _filters("no sugar-free foils", FENCING))
    from xmr_agent.agent.senses import named_values

    write_dictd(dictd, "deu-eng", [("linkshänder", "Linkshänder <masc, n>\nleft-hander\n")])
    assert named_values("Fechthandschuh für Linkshänder", "de", FENCING) == {"hand": ("Left", "Linkshänder")}


def test_yes_no_columns_named_by_a_verb_and_a_noun_or_by_a_phrase() -> None:
    clocks = Facets({"warengruppe": _facet("warengruppe", {"Kuckucksuhr", "Wanduhr"}),
                     "spielt_melodie": _facet("spielt_melodie", {"ja", "nein"})})
    assert "spielt_melodie != 'ja'" in _filters("eine Kuckucksuhr ohne Melodie", clocks)
    assert "spielt_melodie = 'ja'" in _filters("eine Kuckucksuhr mit Melodie", clocks)
    shoes = Facets({"familia": _facet("familia", {"Castañuelas", "Abanico"}),
                    "hecho_a_mano": _facet("hecho_a_mano", {"Sí", "No"})})
    assert "hecho_a_mano = 'Sí'" in _filters("handmade castanets", shoes)
    assert "hecho_a_mano != 'Sí'" in _filters("castanets, not handmade", shoes)
    assert "hecho_a_mano != 'Sí'" in _filters("响板，不要手工做的", shoes)


def test_a_negation_reaches_past_a_verb_and_a_determiner() -> None:
    clocks = Facets({"warengruppe": _facet("warengruppe", {"Cuckoo clock", "Wall clock"}),
                     "chimes": _facet("chimes", {"yes", "no"})})
    assert "chimes != 'yes'" in _filters("a wall clock that doesn't have any chimes", clocks)


def test_a_capitalised_name_is_no_colour() -> None:
    from xmr_agent.agent.mentioned import in_name

    text = "looking for one of those Black Forest clocks"
    assert in_name(text, (text.index("Black"), text.index("Black") + 5))
    assert not any(f.startswith("colour") for f in _filters(text, FENCING))
    assert "colour = 'Black' (preferred)" in _filters("a black mask", FENCING)
    assert not in_name("Black Mask", (0, 5))  # the first word of a sentence
    assert not in_name("Red Wine Glass Set", (0, 3))
    assert not in_name("ich suche eine Uhr in Schwarz Gold", (22, 29))  # German writes every noun capitalised


def test_a_value_the_request_speaks_of_as_a_thing_is_no_preference() -> None:
    said = _filters("my daughter just joined the fencing club and the coach says she needs a mask", FENCING)
    assert not any(f.startswith("level") for f in said) and "kit_section = 'Mask'" in said
    assert "level = 'Club' (preferred)" in _filters("a club mask", FENCING)
    assert "level = 'Club' (preferred)" in _filters("a mask for club level", FENCING)
    made = Facets({"made_in": _facet("made_in", {"UK", "USA"}), "kind": _facet("kind", {"Ink", "Brayer"})})
    assert any(f.startswith("made_in = 'USA'") for f in _filters("ink made in the USA", made))  # a name stays


def test_too_pricey_compares_with_the_cheapest_item_shown() -> None:
    from xmr_agent.agent.critique import parse_critique

    shown = [{"id": "a", "title": "A", "price": 210}, {"id": "b", "title": "B", "price": 172},
             {"id": "c", "title": "C", "price": 165}]
    assert "price < 165" in {str(f) for f in parse_critique("too pricey, show me cheaper ones", shown, FENCING).filters}
    # without "too pricey": than the first one, the one looked at, when dearer than the middle (thirtieth round)
    assert "price < 210" in {str(f) for f in parse_critique("cheaper ones", shown, FENCING).filters}
    middle = [{"id": "a", "title": "A", "price": 165}, {"id": "b", "title": "B", "price": 172}, shown[0]]
    assert "price < 172" in {str(f) for f in parse_critique("cheaper ones", middle, FENCING).filters}


def test_a_value_a_translation_adds_is_kept_only_when_the_request_names_it(dictd: Path) -> None:
    from xmr_agent.agent.glosses import said_value

    write_dictd(dictd, "spa-eng", [("madera", "madera <n, f>\nwood\ntimber\n")])
    write_dictd(dictd, "deu-eng", [("holz", "Holz <neut, n>\nwood\n")])
    assert said_value("Madera", "es", "a wooden fan", "en")
    assert said_value("Madera", "es", "ein Fächer aus Holz", "de")
    assert not said_value("Madera", "es", "a white fan", "en")
    assert said_value("Carbon fibre", "en", "Skulls aus Carbon", "de")  # written as is
    assert said_value("Nogal", "es", "a white fan", "en")  # no senses to tell: kept


def test_a_translation_keeps_only_the_values_the_request_names() -> None:
    from xmr_agent.agent.translate import with_translation

    base = CrossModalQuery(queries=(SubQuery(text="白色的扇子"),), filters=(Filter(column="color", op="=", value="Blanco",
                                                                               hard=False),))
    other = CrossModalQuery(queries=(SubQuery(text="Silla de madera"),),
                            filters=(Filter(column="material", op="=", value="Madera", hard=False),))
    joined = with_translation(base, other, "白色的扇子", "Silla de madera", lambda c: False, (),
                              named_by=lambda value: value != "Madera")
    assert [str(f) for f in joined.filters] == ["color = 'Blanco' (preferred)"]
    kept = with_translation(base, other, "白色的扇子", "Silla de madera", lambda c: False, ())
    assert "material = 'Madera' (preferred)" in [str(f) for f in kept.filters]


def test_a_misspelt_pivot_word_is_read_as_the_headword_spelt_nearly_alike(dictd: Path) -> None:
    from xmr_agent.agent.dictionaries import load, senses

    write_dictd(dictd, "spa-deu", [("castañuela", "castañuela <n, f>\nKastanietten <n, f, pl>\n")])
    write_dictd(dictd, "deu-eng", [("kastagnetten", "Kastagnetten <pl>\ncastanets\n"),
                                   ("kastanie", "Kastanie <fem, n, sg>\nchestnut\n")])
    write_dictd(dictd, "deu-spa", [("kastagnetten", "Kastagnetten <pl>\ncastañuelas\n")])
    dictionary = load("es")
    assert dictionary is not None
    assert senses("castañuelas", "es", dictionary) == ("castanets",)


def test_a_kind_of_two_nouns_is_glossed_by_both(dictd: Path) -> None:
    from xmr_agent.agent.glosses import glossed

    write_dictd(dictd, "spa-eng", [("peineta", "peineta <n, f>\ncomb\n"), ("flor", "flor <n, f>\nflower\n"),
                                   ("abanico", "abanico <n, m>\nfan\n")])
    shop = Facets({"category": _facet("category", {"Peinetas y flores", "Abanico", "Mantón"})})
    found = glossed(shop, "es")
    assert found is not None and found["category"].canonical.get("flower") == "Peinetas y flores"
    assert found["category"].canonical.get("comb") == "Peinetas y flores"


def test_a_kind_read_in_the_titles_whose_head_the_request_says_scopes_a_superlative() -> None:
    from xmr_agent.agent.query import titled_note
    from xmr_agent.agent.ranged import kind_scoped

    oars = Filter(column="kit_section", op="=", value="Sweep oars")
    titled = CrossModalQuery(queries=(SubQuery(text="oar"),), filters=(oars,), notes=(titled_note(oars),))
    assert kind_scoped(titled)
    tents = Filter(column="section", op="=", value="Camping gear")
    assert not kind_scoped(CrossModalQuery(queries=(SubQuery(text="a tent"),), filters=(tents,), notes=(titled_note(tents),)))
    assert kind_scoped(CrossModalQuery(queries=(SubQuery(text="a tent"),), filters=(tents,)))  # named outright


def test_an_english_noun_names_every_kind_of_a_french_catalogue_it_begins(dictd: Path) -> None:
    from xmr_agent.agent.backward import backward_kinds

    write_dictd(dictd, "eng-deu", [("helmet", "helmet /hˈɛlmɪt/\nHelm <masc>\n")])
    write_dictd(dictd, "deu-fra", [("helm", "Helm /hɛlm/ <n, masc>\ncasque\n")])
    shop = Facets({"rayon": _facet("rayon", {"Casque homme", "Casque femme", "Casque enfant", "Antivol"})})
    found = backward_kinds("a helmet for my husband", shop, "fr")
    assert sorted(str(f.value) for f in found) == ["Casque enfant", "Casque femme", "Casque homme"]


def test_too_dear_in_five_languages_asks_for_cheaper_and_not_too_dear_for_cheap() -> None:
    for said in ("too expensive", "trop cher", "zu teuer", "demasiado caro", "太贵了"):
        order = rule_rewrite(said, FENCING).order
        assert order is not None and (order.column, order.mode) == ("price", "less"), said
    for said in ("pas trop cher", "nicht zu teuer", "不太贵的"):
        order = rule_rewrite(said, FENCING).order
        assert order is not None and (order.column, order.mode) == ("price", "low"), said
