"""Request understanding, thirty-fourth round: levels written as phrases ("新手入门", "专业影棚") read as levels, a
Chinese kind written with Latin letters first ("LED灯": LED light), a scale word after digits ("50 to 120 thousand
pesos", "entre 8 y 20 lucas", "5到12万"), "none of the aluminium ones", a Chinese word naming what a thing is for
("绑毛钩用的剪刀": scissors, no hooks), a value of a shop written in Spanish named by its English sense ("钛": Titanio),
and Spanish diminutives ("heladerita")."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import string_facet as _facet
from helpers import write_dictd

from xmr_agent.agent import dictionaries, glosses, levels
from xmr_agent.agent.dictionaries import Dictionary
from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.numerals import in_digits
from xmr_agent.agent.rules import rule_rewrite

STUDIO = Facets({
    "类目": _facet("类目", {"LED灯", "柔光箱", "背景", "灯架"}),
    "适用人群": _facet("适用人群", {"新手入门", "进阶玩家", "专业影棚"}),
    "价格": Facet("价格", "number", lower=20, upper=3000),
})


def _filters(text: str, facets: Facets) -> set[str]:
    return {str(f) for f in rule_rewrite(text, facets).filters}


def test_a_level_written_as_a_phrase_has_the_rank_of_its_level_words() -> None:
    assert [levels.value_rank(v) for v in ("新手入门", "进阶玩家", "专业影棚", "Beginner friendly", "Hard case")] == [1, 2, 4, 1, 3]
    assert levels.value_rank("Easy or hard") is None  # two ranks: none
    assert levels.level_column(STUDIO) is STUDIO["适用人群"]
    assert levels.level_column(Facets({"case": _facet("case", {"Hard case", "Soft case"})})) is None


@pytest.mark.parametrize(("text", "level"), [("I'm just starting out, want a beginner-friendly light", "新手入门"),
                                             ("des lampes LED de niveau pro", "专业影棚"), ("要专业级的", "专业影棚")])
def test_who_a_thing_is_for_names_a_level_written_as_a_phrase(text: str, level: str) -> None:
    query = rule_rewrite(text, STUDIO)
    assert f"适用人群 = '{level}' (preferred)" in {str(f) for f in query.filters}  # a preference


def test_a_chinese_kind_with_latin_letters_first_is_glossed_by_its_noun(monkeypatch: pytest.MonkeyPatch) -> None:
    cedict = Dictionary({"灯": ("lamp", "light"), "背景": ("background", "backdrop"), "柔光箱": ("softbox",)})
    monkeypatch.setattr(glosses, "load", lambda language: cedict if language == "zh" else None)
    monkeypatch.setattr(glosses, "kind_senses", lambda kind, language, dictionary: dictionary.senses(kind))
    found = dict(glosses._glossed(("kind",), (("kind", ("LED灯", "背景", "柔光箱")),), "zh"))["kind"].canonical  # noqa: SLF001
    assert found["led light"] == found["led lamp"] == found["light"] == "LED灯"
    assert found["backdrop"] == "背景"


@pytest.mark.parametrize(("text", "language", "read"), [
    ("my budget is 50 to 120 thousand pesos", "en", "my budget is 50000 to 120000 pesos"),
    ("un jarro entre 8 y 20 lucas", "es", "un jarro entre 8000 y 20000"),
    ("zwischen 50 und 120 Tausend", "de", "zwischen 50000 und 120000"),
    ("预算5到12万的", "zh", "预算50000到120000的"),
    ("moins de 1,5 mille euros", "fr", "moins de 1500 euros"),
    ("6 mil plastic sheeting under 20 dollars", "en", "6 mil plastic sheeting under 20 dollars"),  # a thickness
    ("200 to 3 thousand", "en", "200 to 3000"),  # a first end larger than the second's digits keeps its value
])
def test_a_scale_word_after_digits_multiplies_them_and_the_range_they_end(text: str, language: str, read: str) -> None:
    assert in_digits(text, [], language)[0] == read


def test_a_range_in_thousands_is_a_price_range() -> None:
    coolers = Facets({"kind": _facet("kind", {"Cooler", "Stove"}), "precio": Facet("precio", "number", lower=5000, upper=250000)})
    text = in_digits("cooler for the car, my budget is 50 to 120 thousand pesos", [], "en")[0]
    assert {"precio >= 50000.0", "precio <= 120000.0"} <= _filters(text, coolers)


def test_none_of_the_ones_is_a_negation() -> None:
    pots = Facets({"kind": _facet("kind", {"Pot", "Pan"}), "material": _facet("material", {"Aluminium", "Titanium", "Steel"})})
    assert "material != 'Aluminium'" in _filters("a pot, none of the aluminium ones though", pots)


def test_a_chinese_word_naming_what_a_thing_is_for_names_no_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    from xmr_agent.agent import glossary

    cedict = Dictionary({"剪刀": ("scissors",), "钩": ("hook",), "毛": ("hair", "fur"), "有没有": ("is there",),
                         "绑": ("to tie",), "用": ("to use",)})
    monkeypatch.setattr(glossary, "load", lambda language: cedict if language == "zh" else None)
    flies = Facets({"section": _facet("section", {"Hooks", "Feathers & fur", "Tools"})})
    assert [str(f) for f in glossary.kinds("毛钩", "zh", flies)] == ["section = 'Hooks'"]  # a fly: a hook, no fur
    assert glossary.kinds("有没有绑毛钩用的剪刀", "zh", flies) == []  # scissors for tying flies: no hooks


def test_a_value_of_a_shop_in_spanish_is_named_by_its_english_sense(dictd: Path) -> None:
    from xmr_agent.agent.senses import named_values

    write_dictd(dictd, "spa-eng", [("titanio", "titanio\ntitanium\n"), ("aluminio", "aluminio\naluminium\n"),
                                   ("acero", "acero\nsteel\n"), ("olla", "olla\npot\n"), ("sartén", "sartén\nfrying pan\n")])
    write_dictd(dictd, "fra-eng", [("titane", "titane\ntitanium\n"), ("casserole", "casserole\nsaucepan\n")])
    camp = Facets({"rubro": _facet("rubro", {"Olla", "Sartén", "Cubiertos", "Taza y vaso"}),
                   "material": _facet("material", {"Titanio", "Aluminio", "Acero", "Acero inoxidable", "Plástico"})})
    assert named_values("une casserole en titane", "fr", camp) == {"material": ("Titanio", "titane")}


def test_a_value_of_several_words_is_said_only_by_its_words_senses(dictd: Path) -> None:
    write_dictd(dictd, "spa-eng", [("acero", "acero\nsteel\n"), ("inoxidable", "inoxidable\nstainless\n")])
    assert not glosses.said_value("Acero inoxidable", "es", "a titanium fork", "en")
    assert glosses.said_value("Acero inoxidable", "es", "a stainless fork", "en")


def test_a_spanish_diminutive_is_read_as_its_word(dictd: Path) -> None:
    write_dictd(dictd, "spa-eng", [("heladera", "heladera\nrefrigerator, icebox\n"), ("bolsa", "bolsa\nbag\n")])
    spanish = dictionaries.load("es")
    assert spanish is not None
    assert dictionaries.senses("heladerita", "es", spanish) == ("refrigerator", "icebox")
    assert dictionaries.senses("bolsitas", "es", spanish) == ("bag",)


FILM = Facets({
    "section": _facet("section", {"Film", "Chemistry", "Cameras", "Paper"}),
    "format": _facet("format", {"35mm", "120"}),
    "iso": Facet("iso", "number", lower=100, upper=800, integer=True),
    "price": Facet("price", "number", lower=5, upper=900),
})


@pytest.mark.parametrize(("text", "wanted"), [("35mm film", "format = '35mm'"), ("35 mm film", "format = '35mm'"),
                                              ("une pellicule noir et blanc 120", "format = '120'")])
def test_a_value_that_begins_with_a_digit_is_named_as_written(text: str, wanted: str) -> None:
    assert wanted in _filters(text, FILM)


def test_a_value_of_digits_alone_is_no_bound_nor_an_amount() -> None:
    assert not any(f.startswith("format") for f in _filters("a camera under 120", FILM))
    assert not any(f.startswith("format") for f in _filters("film for 120 dollars", FILM))


@pytest.mark.parametrize("text", ["film ISO 400", "400 ISO film", "a film with iso 400 please"])
def test_a_number_said_with_a_short_column_name_is_its_value(text: str) -> None:
    assert "iso = 400" in _filters(text, FILM)


def test_the_fastest_film_sorts_by_iso() -> None:
    order = rule_rewrite("the fastest film you have", FILM).order
    assert order is not None and order.column == "iso" and order.descending


def test_an_empty_cell_is_no_value() -> None:
    from xmr_agent.agent.filters import _strings

    assert _strings(["35mm", "", "  ", None, "120"]) == {"35mm", "120"}  # noqa: SLF001


def test_a_thing_the_titles_of_other_kinds_have_before_for_makes_the_kind_after_it_what_it_is_for() -> None:
    from xmr_agent.agent.values import TitleNouns, stem_phrase

    nouns = TitleNouns(heads={}, counts={"section": {stem_phrase("fixer"): {"chemistry": 2}, stem_phrase("developer"): {"chemistry": 3}}})
    assert "section = 'Film'" not in {str(f) for f in rule_rewrite(
        "a developer for black and white film", FILM, hard_categories=True, nouns=nouns).filters}
    assert "section = 'Film'" in {str(f) for f in rule_rewrite("film for my camera", FILM, hard_categories=True,
                                                                 nouns=nouns).filters}


def test_a_german_compound_that_begins_with_a_value_names_it(dictd: Path) -> None:
    write_dictd(dictd, "deu-eng", [("tag", "Tag <masc, n>\nday\n"), ("schuh", "Schuh <masc, n>\nshoe\n")])
    running = Facets({"sortiment": _facet("sortiment", {"Laufschuhe", "Stirnlampe", "Energiegel"}),
                      "einsatzbereich": _facet("einsatzbereich", {"Wettkampf", "Training", "Trail", "Straße"})})
    assert "einsatzbereich = 'Wettkampf' (preferred)" in _filters("Was habt ihr speziell für den Wettkampftag?", running)


def test_an_english_word_avoided_leaves_out_the_items_titled_with_its_german_noun(dictd: Path) -> None:
    from xmr_agent.agent.backward import avoided_in

    write_dictd(dictd, "eng-deu", [("caffeine", "caffeine\nKoffein <neut>\n"), ("plastic", "plastic\nPlastik <fem>, Kunststoff <masc>\n")])
    assert avoided_in(("caffeine",), "de") == ("koffein",)
    assert avoided_in(("plastic",), "de") == ("plastik", "kunststoff")
    assert avoided_in(("caffeine",), "zh") == ()


def test_a_format_column_beside_a_column_of_kinds_leaves_it_the_kinds() -> None:
    from xmr_agent.agent.columns import kind_columns

    paper = Facets({"rayon": _facet("rayon", {"Carnets", "Stylos", "Encres", "Trousses", "Agendas"}),
                    "format": _facet("format", {"A4", "A5", "A6"}), "couleur": _facet("couleur", {"Rouge", "Noir"})})
    assert {"rayon", "format"} <= kind_columns(paper)
    shelves = Facets({"shelf": _facet("shelf", {"Film", "Chemistry", "Paper"}), "format": _facet("format", {"35mm", "120"})})
    assert "shelf" in kind_columns(shelves)
    books = Facets({"format": _facet("format", {"Hardcover", "Paperback", "eBook", "Audiobook"}),
                    "cover": _facet("cover", {"Red", "Blue", "Green"})})
    assert "cover" not in kind_columns(books)


def test_a_kind_named_in_the_plural_is_the_dictionarys_singular() -> None:
    from xmr_agent.agent.backward import same_noun

    assert same_noun("trousse", "Trousses", "fr") and same_noun("carnet", "Carnets", "fr")
    assert not same_noun("trousse", "Crayons", "fr")


def test_a_gloss_said_before_the_head_noun_is_no_head() -> None:
    from xmr_agent.agent.glosses import _as_head
    from xmr_agent.agent.query import Filter

    glossed = Facets({"rayon": Facet("rayon", "string", frozenset({"pencil", "bag"}),
                                     canonical={"pencil": "Crayons", "bag": "Trousses"})})
    crayons = [Filter(column="rayon", op="=", value="Crayons")]
    assert not _as_head(crayons, glossed, "a red pencil case", ())  # noqa: SLF001
    assert _as_head(crayons, glossed, "two pencils and a sharpener", ())  # noqa: SLF001


def test_a_colour_is_no_kind_whatever_its_other_senses(dictd: Path) -> None:
    from xmr_agent.agent import glossary

    write_dictd(dictd, "deu-eng", [("gelber", "gelber\nbooking, yellow card\n"), ("textmarker", "Textmarker\nhighlighter pen\n")])
    named = {"pen": "Stylos", "fountain pen": "Stylos", "diary": "Agendas", "book": "Agendas", "ink": "Encres", "pouch": "Trousses"}
    glossed = Facets({"rayon": Facet("rayon", "string", frozenset(named), canonical=named)})
    assert glossary.kinds("ein gelber, bitte", "de", glossed) == []  # not a book
    assert [str(f) for f in glossary.kinds("ein Textmarker", "de", glossed)] == ["rayon = 'Stylos'"]
