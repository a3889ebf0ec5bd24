"""Request understanding, twenty-fourth round: German kinds parted at a hyphen and glossed from
their parts, a kind among glossed ones narrowed by its other words, things counted by a column's
name with the bound said after them ("2000 pieces or more") or in another word for it, prices per
square metre, negations of a smell and of two things in a row, adjectives in -y, opposites of a
yes/no column ("outdoor" for ``indoor``), the oldest by an age, a kind said before a word that
other kinds share ("close-up magic"), and adjectives read in a dictionary ("wasserfest")."""

from __future__ import annotations

from pathlib import Path

from helpers import ingested_csv, write_dictd
from helpers import string_facet as _facet

from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.rules import rule_rewrite

PUZZLES = Facets({
    "product_type": _facet("product_type", {"Jigsaw", "3D puzzle", "Puzzle mat"}),
    "pieces": Facet("pieces", "number", lower=8, upper=5000, integer=True),
    "teile": Facet("teile", "number", lower=8, upper=5000, integer=True),
})
SHAVING = Facets({
    "range": _facet("range", {"Beard Oil", "Aftershave Balm", "Shaving Brush"}),
    "scent_notes": _facet("scent_notes", {"Tobacco", "Citrus", "Woody", "Unscented"}),
    "rrp": Facet("rrp", "number", lower=3, upper=120),
})


def _filters(text: str, facets: Facets) -> set[str]:
    return {str(f) for f in rule_rewrite(text, facets).filters}


def test_a_german_compound_is_parted_at_its_hyphen_and_glossed_from_both_parts(dictd: Path) -> None:
    from xmr_agent.agent.glosses import joined

    write_dictd(dictd, "deu-eng", [("zubehör", "Zubehör <n>\nadjunct, paraphernalia <pl>, accessory\n"),
                                   ("puzzle", "Puzzle <n>\njigsaw\n")])
    glosses = joined("Puzzle-Zubehör")
    assert "puzzle accessory" in glosses and not any(g.endswith("-") or "- " in g for g in glosses)
    assert "3d puzzle" in joined("3D-Puzzle")  # a first part of digits is its own gloss


def test_kinds_glossed_alike_are_narrowed_by_the_words_their_glosses_add() -> None:
    glossed = Facets({"produktart": Facet("produktart", "string", frozenset({"3d puzzle", "wood puzzle", "children puzzle"}),
                                          canonical={"3d puzzle": "3D-Puzzle", "wood puzzle": "Holzpuzzle",
                                                     "children puzzle": "Kinderpuzzle"})})
    assert _filters("the most expensive 3d puzzle", glossed) == {"produktart = '3D-Puzzle'"}
    assert len(_filters("a puzzle", glossed)) == 3  # every one of them
    guitars = Facets({"familia": Facet("familia", "string", frozenset({"acoustics guitar", "electric guitar", "fleming guitar"}),
                                       canonical={"acoustics guitar": "Guitarra acústica", "electric guitar": "Guitarra eléctrica",
                                                  "fleming guitar": "Guitarra flamenca"})})
    assert _filters("the most expensive flamenco guitar", guitars) == {"familia = 'Guitarra flamenca'"}  # a wrong gloss:
    # the kind's own words still tell it
    boules = Facets({"rayon": _facet("rayon", {"Boules de compétition", "Boules de loisir", "Sacoche"})})
    assert _filters("the lightest competition boules", boules) == {"rayon = 'Boules de compétition'"}  # "de" unsaid


def test_things_counted_with_the_bound_after_them_or_in_the_columns_plural() -> None:
    assert "pieces >= 2000" in _filters("a jigsaw with 2000 pieces or more", PUZZLES)
    assert "pieces = 1000" in _filters("a 1000 piece jigsaw", PUZZLES)
    german = Facets({"teile": PUZZLES["teile"]})  # (one column of pieces, as a shop has)
    assert "teile > 1000" in _filters("ein Puzzle mit mehr als 1.000 Teilen", german)
    said = _filters("keine Tiermotive und nicht mehr als 1000 Teile", german)
    assert "teile <= 1000" in said and "teile = 0" not in said  # the whole number, not its last digits


def test_a_price_per_square_metre_is_a_price_its_unit_no_number() -> None:
    floors = Facets({"price_per_m2": Facet("price_per_m2", "number", lower=4, upper=90)})
    assert _filters("my budget is about £10/m2 max", floors) == {"price_per_m2 <= 10.0"}
    assert _filters("que no pase de 40 libras el metro", floors) == {"price_per_m2 <= 40.0"}


def test_a_smell_denied_and_two_things_denied_in_a_row() -> None:
    assert "scent_notes != 'Tobacco'" in _filters("beard oil that doesn't smell of tobacco", SHAVING)
    avoided = rule_rewrite("close-up magic, but no sponge balls and no thumb tip", SHAVING).avoid
    assert set(avoided) == {"sponge balls", "thumb tip"}


def test_an_adjective_in_y_names_its_value_and_superlatives_and_price_words_inflect() -> None:
    assert "scent_notes = 'Citrus' (preferred)" in _filters("a citrusy aftershave", SHAVING)
    assert rule_rewrite("Was ist euer teuerster Rasierpinsel?", SHAVING).order is not None
    assert rule_rewrite("una loción que sea baratita", SHAVING).order is not None  # a low price


def test_the_opposite_of_a_yes_no_column_and_the_oldest_by_an_age() -> None:
    trees = Facets({"indoor": _facet("indoor", {"Yes", "No"}), "age_yrs": Facet("age_yrs", "number", lower=3, upper=40),
                    "section": _facet("section", {"Tree", "Pot"})})
    assert "indoor != 'Yes'" in _filters("an outdoor bonsai tree", trees)
    assert "indoor != 'Yes'" in _filters("un arbre d'extérieur", trees)
    assert "indoor = 'Yes'" in _filters("an indoor tree", trees)
    order = rule_rewrite("what's the oldest tree you've got?", trees).order
    assert order is not None and order.column == "age_yrs" and order.descending


def test_a_kind_said_before_a_word_other_kinds_share_is_that_kind() -> None:
    magic = Facets({"effect_type": _facet("effect_type", {"Card magic", "Coin magic", "Close-up", "Stage"})})
    assert _filters("close-up magic for a party", magic) == {"effect_type = 'Close-up'"}
    assert _filters("some magic", magic) == {"effect_type = 'Card magic'", "effect_type = 'Coin magic'"}
    tents = Facets({"kind": _facet("kind", {"Tent", "Tent footprint", "Tarp footprint"})})
    assert _filters("a tent footprint", tents) == {"kind = 'Tent footprint'"}  # the shared word's own kind


def test_adjectives_are_read_in_a_dictionary(dictd: Path) -> None:
    from xmr_agent.agent.dictionaries import adjectives, load

    write_dictd(dictd, "deu-eng", [("wasserfest", "wasserfest /x/ <adj>\nwaterproof <adj>, watertight <adj>\n"),
                                   ("haus", "Haus <n>\nhouse\n")])
    dictionary = load("de")
    assert dictionary is not None
    assert adjectives("wasserfest", dictionary)[:2] == ("waterproof", "watertight")
    assert dictionary.senses("wasserfest") == () and adjectives("haus", dictionary) == ()  # nouns read as before


def test_a_superlative_over_a_head_noun_ranges_over_every_item_titled_so() -> None:
    from xmr_agent.agent.order import apply_order
    from xmr_agent.agent.query import Order
    from xmr_agent.types import Hit

    rows = [("b1", "Travel Shaving Brush", 24.0, 0.9), ("b2", "Boar Bristle Brush", 14.5, 0.85),
            ("b3", "Best Badger Shaving Brush", 115.0, 0.2), ("r1", "Safety Razor", 40.0, 0.3)]
    fused = [Hit(i, s, {"id": i, "title": t, "rrp": p}, {"vector:text": s}) for i, t, p, s in rows]
    ranked = apply_order(Order(column="rrp", mode="sort", descending=True), fused, head="brush")
    assert [h.id for h in ranked][:3] == ["b3", "b1", "b2"]  # the dearest brush, though far from the words


def test_harder_and_easier_compare_on_a_column_of_levels() -> None:
    from xmr_agent.agent.critique import parse_critique
    from xmr_agent.agent.topic import COMPARED

    facets = Facets({"schwierigkeitsgrad": _facet("schwierigkeitsgrad", {"leicht", "mittel", "schwer"}),
                     "produktart": _facet("produktart", {"Knobelspiel", "Holzpuzzle"})})
    shown = [{"id": "a", "title": "Rush Hour", "schwierigkeitsgrad": "mittel", "produktart": "Knobelspiel"}]
    harder = parse_critique("something harder, I'm pretty good at these", shown, facets)
    assert [str(f) for f in harder.filters] == ["schwierigkeitsgrad = 'schwer'"]
    easier = parse_critique("etwas Einfacheres bitte", shown, facets)
    assert [str(f) for f in easier.filters] == ["schwierigkeitsgrad = 'leicht'"]
    assert COMPARED.search("something harder") and COMPARED.search("更简单的")  # a comparison: the same subject
    plain = Facets({"colour": _facet("colour", {"Red", "Blue"})})
    assert parse_critique("something harder", shown, plain).filters == []  # no column of levels: nothing


def test_the_hardest_and_the_easiest_prefer_the_extreme_level() -> None:
    levels = Facets({"skill_level": _facet("skill_level", {"Beginner", "Intermediate", "Advanced"})})
    assert _filters("the hardest trick you have", levels) == {"skill_level = 'Advanced' (preferred)"}
    assert _filters("das einfachste Knobelspiel", levels) == {"skill_level = 'Beginner' (preferred)"}


YARN_HEADER = ["sku", "Name", "Weight class", "Fibre", "price_eur", "Colour", "Details"]
YARN = [["Y-1", "Merino DK", "DK", "Wool", 6.5, "Red", "Soft merino wool"],
        ["Y-2", "Cotton Club DK", "DK", "Cotton", 4.2, "Orange", "Mercerised cotton"],
        ["Y-3", "Alpaca Aran", "Aran", "Alpaca", 9.9, "Grey", "Warm alpaca"],
        ["Y-4", "Jersey Ribbon T-Shirt Yarn", "Chunky", "Cotton", 7.0, "Green", "Upcycled jersey"],
        ["Y-5", "Self-Striping Sock", "Fingering", "Wool/Nylon", 8.5, "Multicolour", "Stripes as you knit"],
        ["Y-6", "Mohair Lace", "Lace", "Mohair", 11.0, "Pink", "Fluffy mohair"]]


def test_a_shops_own_word_that_titles_one_item_names_no_kind(tmp_path: Path) -> None:
    agent = ingested_csv(tmp_path, "yarn", YARN_HEADER, YARN)
    said = {f.column for f in agent.ask("any multicolour yarn?", k=2).query.filters}
    assert said == {"colour"}  # one title ends in "Yarn": not that item's kind for every yarn


def test_nothing_before_a_yes_no_columns_subject_denies_it() -> None:
    spices = Facets({"type": _facet("type", {"Chilli", "Blend"}), "smoked": _facet("smoked", {"Yes", "No"})})
    assert "smoked != 'Yes'" in _filters("dried chilli but nothing smoked please", spices)
    assert "smoked = 'Yes'" in _filters("smoked chilli", spices)


def test_a_kind_named_in_the_catalogues_words_is_not_widened_by_a_gloss() -> None:
    from xmr_agent.agent.mentioned import widens as _widens
    from xmr_agent.agent.query import CrossModalQuery, Filter

    named = Filter(column="famille", op="=", value="Puzzle")
    longer = Filter(column="famille", op="=", value="Puzzle 3D")
    query = CrossModalQuery(filters=(named,))
    assert _widens(longer, query, set(), "a puzzle with 1000 pieces or more")
    assert not _widens(longer, query, set(), "a 3d puzzle")  # its other word said
    assert not _widens(longer, query, {str(named)}, "a puzzle")  # a kind only guessed gives way
