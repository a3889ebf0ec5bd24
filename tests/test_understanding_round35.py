"""Request understanding, thirty-fifth round: "n/a" is no value, a yes/no column of used items read from "used",
"d'occasion", "二手", size words as preferences among letter sizes ("大号的狗床": L and XL), the column of kinds a
shop's format column does not replace when the first answers are drawn together, a clipped word ("un ampli"), a
comparison the translation alone makes, a German yes/no column named "…tauglich", a function word that glosses no
kind ("I can stretch the budget"), and an earlier price bound a comparison the other way replaces."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import FixedTranslation, ingested_csv, write_dictd
from helpers import string_facet as _facet

from xmr_agent.agent import glosses, order, translate
from xmr_agent.agent.dictionaries import Dictionary
from xmr_agent.agent.filters import Facet, Facets, _strings
from xmr_agent.agent.headwords import spelt_like
from xmr_agent.agent.query import CrossModalQuery, SubQuery
from xmr_agent.agent.rewrite import Rewriter
from xmr_agent.agent.rules import rule_rewrite
from xmr_agent.agent.session import Session

DARKROOM = Facets({
    "shelf": _facet("shelf", {"Film", "Camera", "Chemistry", "Paper", "Enlarger"}),
    "format": _facet("format", {"35mm", "120", "4x5", "8x10", "5x7", "11x14"}),
    "pre_owned": _facet("pre_owned", {"yes", "no"}),
    "price": Facet("price", "number", lower=5, upper=900),
})
KENNEL = Facets({
    "seccion": _facet("seccion", {"Cama", "Collar", "Comedero"}),
    "talla": _facet("talla", {"XS", "S", "M", "L", "XL", "Única"}),
    "precio": Facet("precio", "number", lower=50, upper=2000),
})


def _filters(text: str, facets: Facets) -> set[str]:
    return {str(f) for f in rule_rewrite(text, facets).filters}


def test_a_placeholder_is_no_value_of_a_column() -> None:
    assert _strings(["n/a", "35mm", "", "N/A", "-", "120", None, ["k.A.", "4x5"]]) == {"35mm", "120", "4x5"}


@pytest.mark.parametrize(("text", "wanted"), [
    ("a used film camera between 300 and 600 dollars", "pre_owned = 'yes'"),
    ("eine gebrauchte Kamera", "pre_owned = 'yes'"),
    ("un agrandisseur d'occasion", "pre_owned = 'yes'"),
    ("放大机，不要二手的", "pre_owned != 'yes'"),
    ("un tanque de revelado que no sea de segunda mano", "pre_owned != 'yes'"),
    ("a camera, not used", "pre_owned != 'yes'"),
])
def test_used_and_second_hand_name_a_column_of_pre_owned_items(text: str, wanted: str) -> None:
    assert wanted in _filters(text, DARKROOM)


@pytest.mark.parametrize("text", ["I used to shoot film, now I want an enlarger", "what's used for fixing prints",
                                  "paper for a special occasion"])
def test_used_as_a_verb_asks_nothing_of_that_column(text: str) -> None:
    assert not any(f.startswith("pre_owned") for f in _filters(text, DARKROOM))


@pytest.mark.parametrize(("text", "sizes"), [
    ("a large dog bed", {"L", "XL"}), ("大号的狗床", {"L", "XL"}), ("ein großes Hundebett", {"L", "XL"}),
    ("a collar for a small dog", {"XS", "S"}), ("un petit collier", {"XS", "S"}),
])
def test_a_size_word_prefers_the_sizes_at_its_end_of_the_scale(text: str, sizes: set[str]) -> None:
    query = rule_rewrite(text, KENNEL)
    assert {str(f.value) for f in query.filters if f.column == "talla" and not f.hard} == sizes
    assert not any(f.hard for f in query.filters if f.column == "talla")  # a preference, not a condition


@pytest.mark.parametrize("text", ["un collier à petit prix", "a bed in size M", "a collar"])
def test_a_price_or_a_size_said_leaves_the_size_words_alone(text: str) -> None:
    sizes = {str(f.value) for f in rule_rewrite(text, KENNEL).filters if f.column == "talla"}
    assert sizes <= {"M"}


def test_the_kinds_drawn_together_are_the_shelf_not_the_format() -> None:
    assert order._kind_column(DARKROOM) == "shelf"  # noqa: SLF001  (the format has more values)
    assert order._kind_column(Facets({"format": DARKROOM["format"]})) == "format"  # noqa: SLF001  (alone it is the kind)


def test_a_clipped_word_names_the_one_word_it_begins() -> None:
    assert spelt_like("ampli", {"amplifier", "pedal", "strings"}) == ("amplifier",)
    assert spelt_like("amp", {"amplifier"}) == ()  # too short to tell
    assert spelt_like("micro", {"microphone", "microscope"}) == ()  # two words begin so
    assert spelt_like("fragancia", {"fragrance"}) == ("fragrance",)


def test_a_comparison_only_the_translation_makes_is_no_order() -> None:
    assert not translate._compares("un ampli mais pas noir")  # noqa: SLF001  (translated "a larger but not black")
    assert all(translate._compares(t) for t in ("un ampli plus léger", "ein leichterer Verstärker", "更便宜的",  # noqa: SLF001
                                                "something cheaper"))


def test_a_function_word_glosses_no_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    cedict = Dictionary({"电热水壶": ("electric kettle", "watering can"), "咖啡机": ("coffee machine",)})
    monkeypatch.setattr(glosses, "load", lambda language: cedict if language == "zh" else None)
    monkeypatch.setattr(glosses, "kind_senses", lambda kind, language, dictionary: dictionary.senses(kind))
    found = dict(glosses._glossed(("kind",), (("kind", ("电热水壶", "咖啡机")),), "zh"))["kind"].canonical  # noqa: SLF001
    assert found["kettle"] == "电热水壶" and "can" not in found  # "I can stretch the budget" names no kettle


def test_a_german_column_suitable_for_someone_is_said_by_its_subject() -> None:
    tools = Facets({"warengruppe": _facet("warengruppe", {"Stechbeitel", "Hobel"}),
                    "anfangertauglich": _facet("anfangertauglich", {"ja", "nein"})})
    assert "anfangertauglich = 'ja'" in _filters("Stechbeitel für Anfänger", tools)
    assert "anfangertauglich = 'ja'" in _filters("a chisel for a beginner", tools)
    assert not any(f.startswith("anfangertauglich") for f in _filters("ein Hobel, nicht für Anfänger", tools))


COFFEE_HEADER = ["Ref", "Item", "Kind", "Price", "Blurb"]
COFFEE = [["CM-1", "Pour Over drip coffee maker", "Coffee machine", 199, "Simple drip coffee machine"],
          ["CM-2", "Capsula capsule coffee machine", "Coffee machine", 349, "Capsule coffee at a button"],
          ["CM-3", "Barista One espresso machine", "Coffee machine", 459, "Espresso machine with a steam wand"],
          ["CM-4", "Auto Bean-to-cup coffee machine", "Coffee machine", 899, "Grinds and brews coffee"],
          ["CM-5", "Twin dual boiler espresso machine", "Coffee machine", 1299, "Dual boiler coffee machine"],
          ["KT-1", "Steel electric kettle", "Kettle", 499, "A kettle for tea"],
          ["KT-2", "Glass kettle", "Kettle", 129, "A kettle you can see boil"]]


def test_a_comparison_replaces_an_earlier_bound_the_other_way(tmp_path: Path) -> None:
    agent = ingested_csv(tmp_path, "coffee", COFFEE_HEADER, COFFEE)
    session = Session.open(agent, "s", k=3)
    first = [r.id for r in session.send("a coffee machine under 500").recommendations]
    assert set(first) <= {"CM-1", "CM-2", "CM-3"}
    pricier = [r.id for r in session.send("ok, and something pricier? I can stretch the budget").recommendations]
    assert set(pricier) == {"CM-4", "CM-5"}  # over 500 now, and still coffee machines


def test_what_the_user_has_names_no_kind_in_a_catalogue_of_another_language(dictd: Path) -> None:
    write_dictd(dictd, "deu-eng", [("stechbeitel", "Stechbeitel <n, m>\nchisel\n"),
                                   ("schärfstein", "Schärfstein <n, m>\nwhetstone, sharpening stone\n"),
                                   ("hobel", "Hobel <n, m>\nplane\n"), ("zwinge", "Zwinge <n, f>\nclamp\n"),
                                   ("holzleim", "Holzleim <n, m>\nwood glue\n")])
    write_dictd(dictd, "eng-deu", [("chisel", "chisel\nStechbeitel <n, m>, Meißel <masc>\n")])
    tools = Facets({"warengruppe": _facet("warengruppe", {"Stechbeitel", "Schärfstein", "Hobel", "Zwinge", "Holzleim"})})
    text = "my chisels are dull and won't pare end grain anymore, need something to get a keen edge back on them"
    translated = CrossModalQuery(queries=(SubQuery(text="Meine Chiseln sind abgerundet"),))
    assert not glosses.named_kinds(text, translated, tools, "de", text, frozenset()).filters  # they go with it
    for said in ("a chisel", "a chisel for oak", "chisels please"):
        found = glosses.named_kinds(said, translated, tools, "de", said, frozenset())
        assert [str(f) for f in found.filters] == ["warengruppe = 'Stechbeitel'"], said


def test_a_short_request_is_read_in_the_language_whose_dictionary_knows_its_words(dictd: Path) -> None:
    from xmr_agent.agent.languages import request_language

    write_dictd(dictd, "fra-eng", [("pull", "pull <n, masc>\njumper, sweater\n"), ("laine", "laine <n, fem>\nwool\n")])
    write_dictd(dictd, "spa-eng", [("cama", "cama <n, fem>\nbed\n"), ("grande", "grande <adj>\nbig, large\n")])
    assert request_language("un pull en laine") == "fr"  # "un" and "en" are Spanish cue words too
    assert request_language("una cama grande") == "es"
    assert request_language("a wool jumper") == "en"


BOUTIQUE_HEADER = ["Ref", "Name", "Details", "Price (£)", "Type", "Size", "Second hand"]
BOUTIQUE = [["BT-01", "Harbour wool jumper", "Chunky knit jumper", 85, "Jumper", "M", "no"],
            ["BT-02", "Harbour wool jumper large", "Chunky knit jumper", 85, "Jumper", "L", "no"],
            ["BT-03", "Fisherman jumper XL", "Navy fisherman knit", 95, "Jumper", "XL", "no"],
            ["BT-04", "Vintage fisherman jumper", "Pre-loved navy knit", 40, "Jumper", "L", "yes"],
            ["BT-05", "Cotton breton top", "Striped top", 35, "Top", "S", "no"],
            ["BT-06", "Linen shirt", "Loose linen shirt", 60, "Shirt", "n/a", "no"]]


def test_conditions_alone_show_the_preferred_sizes_first(tmp_path: Path) -> None:
    agent = ingested_csv(tmp_path, "boutique", BOUTIQUE_HEADER, BOUTIQUE)
    shown = [r.id for r in agent.ask("a large jumper, not used", k=3).recommendations]
    assert shown[:2] == ["BT-02", "BT-03"] and "BT-04" not in shown  # L and XL first; none second hand
    assert [r.id for r in agent.ask("a second hand jumper", k=3).recommendations] == ["BT-04"]
    assert "n/a" not in agent.facets["size"].values


def test_a_kind_only_the_translation_names_is_a_preference(dictd: Path) -> None:
    write_dictd(dictd, "deu-eng", [("schärfstein", "Schärfstein <n, m>\nwhetstone\n"),
                                   ("handsäge", "Handsäge <n, f>\nhandsaw\n"), ("zwinge", "Zwinge <n, f>\nclamp\n"),
                                   ("holzleim", "Holzleim <n, m>\nwood glue\n"), ("hobel", "Hobel <n, m>\nplane\n")])
    tools = Facets({"warengruppe": _facet("warengruppe", {"Schärfstein", "Handsäge", "Zwinge", "Holzleim", "Hobel"}),
                    "preis": Facet("preis", "number", lower=5, upper=400)})
    guessed = Rewriter(tools, translator=FixedTranslation("Womit soll ich sie schneiden, mit dem Schärfstein?"),  # type: ignore[arg-type]
                       language=lambda: "de").rewrite("want to cut dovetails by hand, what should I saw them with?")
    assert [(str(f.value), f.hard) for f in guessed.filters if f.column == "warengruppe"] == [("Schärfstein", False)]
    said = Rewriter(tools, translator=FixedTranslation("ein Schärfstein"),  # type: ignore[arg-type]
                    language=lambda: "de").rewrite("a whetstone")
    assert "warengruppe = 'Schärfstein'" in {str(f) for f in said.filters}  # the request's word names it: a condition
