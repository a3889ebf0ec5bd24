"""Request understanding, thirty-sixth round: a kind of a shop written in another language named through the
words its items' titles begin with ("a garden hose": the Riego titled "Manguera …"; "pruning shears": Gartenschere,
Schere, the "Tijeras …"), and a yes/no column of boxed items said by "in its box"."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import FixedTranslation, write_dictd
from helpers import string_facet as _facet

from xmr_agent.agent.backward import titled_kinds
from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.rewrite import Rewriter
from xmr_agent.agent.rules import rule_rewrite
from xmr_agent.agent.values import title_kinds

HUERTO = [{"title": "Manguera extensible 15 m", "seccion": "Riego"},
          {"title": "Manguera de riego reforzada 25 m", "seccion": "Riego"},
          {"title": "Regadera de metal 9 L", "seccion": "Riego"},
          {"title": "Tijeras de podar bypass", "seccion": "Tijeras de podar"},
          {"title": "Tijera podadora de yunque", "seccion": "Tijeras de podar"},
          {"title": "Tierra para macetas universal 20 L", "seccion": "Sustratos"},
          {"title": "Sustrato para cactus 10 L", "seccion": "Sustratos"},
          {"title": "Maceta de barro 30 cm", "seccion": "Macetas"},
          {"title": "Maceta colgante de coco", "seccion": "Macetas"},
          {"title": "Pala de mano de acero", "seccion": "Herramientas de mano"},
          {"title": "Rastrillo de mano", "seccion": "Herramientas de mano"}]
FACETS = Facets({"seccion": _facet("seccion", {r["seccion"] for r in HUERTO}),
                 "precio": Facet("precio", "number", lower=50, upper=900)})


@pytest.fixture
def garden_words(dictd: Path) -> Path:
    write_dictd(dictd, "eng-deu", [("hose", "hose\nSchlauch <masc>\n"), ("pruning shears", "pruning shears\nGartenschere <fem>\n"),
                                   ("back", "back\nBoden <masc>\n"), ("pot", "pot\nTopf <masc>\n")])
    write_dictd(dictd, "deu-spa", [("schlauch", "Schlauch <n, masc>\nmanguera\n"), ("schere", "Schere <n, fem>\ntijeras\n"),
                                   ("boden", "Boden <n, masc>\ntierra, suelo\n"), ("topf", "Topf <n, masc>\nmaceta, olla\n")])
    write_dictd(dictd, "spa-eng", [("manguera", "manguera <n, fem>\nhose\n"), ("tijeras", "tijeras <n, fem>\nscissors\n"),
                                   ("tierra", "tierra <n, fem>\nearth, soil\n"), ("maceta", "maceta <n, fem>\nflowerpot, pot\n")])
    return dictd


def _heads(*phrases: str) -> list[list[str]]:
    return [[p] for p in phrases]


@pytest.mark.usefixtures("garden_words")
def test_a_kind_is_named_by_the_words_its_titles_begin_with() -> None:
    nouns = title_kinds(HUERTO, ["seccion"])
    found, word = titled_kinds(_heads("hose"), nouns, FACETS, "es")
    assert ([str(f) for f in found], word) == (["seccion = 'Riego'"], "manguera")
    # a compound the bridge lacks is read by its last part: Gartenschere → Schere → tijeras
    assert [str(f) for f in titled_kinds(_heads("pruning shears"), nouns, FACETS, "es")[0]] == ["seccion = 'Tijeras de podar'"]
    assert [str(f) for f in titled_kinds(_heads("pot"), nouns, FACETS, "es")[0]] == ["seccion = 'Macetas'"]  # not the
    # soil "para macetas": a Spanish title says what the item is first


@pytest.mark.usefixtures("garden_words")
def test_a_translation_whose_own_senses_do_not_say_the_word_again_names_nothing() -> None:
    nouns = title_kinds(HUERTO, ["seccion"])
    assert titled_kinds(_heads("back"), nouns, FACETS, "es") == ([], "")  # "cut them back": Boden, tierra, no soil


@pytest.mark.usefixtures("garden_words")
def test_an_english_request_over_a_spanish_shop_names_the_kind_its_titles_say() -> None:
    nouns = title_kinds(HUERTO, ["seccion"])
    rewriter = Rewriter(FACETS, translator=FixedTranslation("Una aguja de jardín por menos de 500"),  # type: ignore[arg-type]
                        language=lambda: "es", nouns=lambda: nouns)
    query = rewriter.rewrite("a garden hose under 500")
    assert {"seccion = 'Riego'", "precio < 500.0"} <= {str(f) for f in query.filters}
    assert query.queries[0].text == "manguera"  # searched in the titles' word, not the translation's needle


@pytest.mark.parametrize("text", ["something still in its box as a gift", "a boxed game", "a game in its original box",
                                  "un jeu dans sa boîte", "ein Spiel originalverpackt", "带盒的游戏"])
def test_in_its_box_says_a_column_of_boxed_items(text: str) -> None:
    games = Facets({"shelf": _facet("shelf", {"Games", "Consoles"}), "boxed": _facet("boxed", {"Yes", "No"})})
    assert "boxed = 'Yes'" in {str(f) for f in rule_rewrite(text, games).filters}


@pytest.mark.parametrize(("text", "reset"), [
    ("actually forget that, I need something to feed my lemon tree", True), ("never mind, show me tents", True),
    ("scratch that. a red mug", True), ("laisse tomber, un arrosoir", True), ("vergiss das, ich brauche Erde", True),
    ("olvida eso, quiero una manguera", True), ("forget that one, show me others", False), ("a cheaper one", False),
])
def test_forget_that_and_never_mind_start_a_chat_over(text: str, reset: bool) -> None:
    from xmr_agent.agent.critique import parse_critique

    assert parse_critique(text, [], Facets({})).reset is reset


def test_a_word_typed_without_accents_is_read_backwards_too(dictd: Path) -> None:
    from xmr_agent.agent import dictionaries

    write_dictd(dictd, "spa-eng", [("almohada", "almohada <n, fem>\npillow\n")])
    write_dictd(dictd, "spa-deu", [("almohada", "almohada <n, fem>\nKissen\n")])
    write_dictd(dictd, "deu-spa", [("daunendecke", "Daunendecke <n, fem>\nedredón\n")])
    write_dictd(dictd, "deu-eng", [("daunendecke", "Daunendecke <n, fem>\nduvet, eiderdown\n"),
                                   ("kissen", "Kissen <n, neut>\npillow\n")])
    spanish = dictionaries.load("es")
    assert spanish is not None
    assert "duvet" in dictionaries.senses("edredón", "es", spanish)
    assert "duvet" in dictionaries.senses("edredon", "es", spanish)  # "el edredon mas caro"


def test_a_hyphenated_gloss_names_its_kind_by_each_word(monkeypatch: pytest.MonkeyPatch) -> None:
    from xmr_agent.agent import glosses
    from xmr_agent.agent.dictionaries import Dictionary

    cedict = Dictionary({"电动牙刷": ("electric-powered toothbrush",), "手动牙刷": ("manual toothbrush",)})
    monkeypatch.setattr(glosses, "load", lambda language: cedict if language == "zh" else None)
    monkeypatch.setattr(glosses, "kind_senses", lambda kind, language, dictionary: dictionary.senses(kind))
    glossed = Facets(dict(glosses._glossed(("kind",), (("kind", ("手动牙刷", "电动牙刷")),), "zh")))  # noqa: SLF001
    assert [str(f) for f in rule_rewrite("the cheapest electric toothbrush", glossed).filters] == ["kind = '电动牙刷'"]


def test_a_chinese_title_word_the_item_is_without_glosses_no_kind() -> None:
    from xmr_agent.agent.dictionaries import Dictionary
    from xmr_agent.agent.titled import title_senses

    cedict = Dictionary({"酒精": ("alcohol",), "漱口水": ("mouthwash",), "牙膏": ("toothpaste",)})
    titles = {"漱口水": ("清新薄荷无酒精", "温和无酒精", "漱口水 500ml"), "牙膏": ("美白牙膏", "含氟牙膏")}
    assert "alcohol" not in title_senses("漱口水", titles, cedict)  # "mouthwash without alcohol" names no mouthwash


def test_a_chinese_kind_before_from_or_sorted_is_the_thing_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    from xmr_agent.agent import glossary
    from xmr_agent.agent.dictionaries import Dictionary

    cedict = Dictionary({"眼罩": ("blindfold", "eye mask"), "从": ("from",), "便宜": ("cheap",), "到": ("to",),
                         "贵": ("expensive",), "排": ("row", "raft"), "耳塞": ("earplug",)})
    monkeypatch.setattr(glossary, "load", lambda language: cedict if language == "zh" else None)
    sleep = Facets({"aid": _facet("aid", {"Eye mask", "Earplugs", "Pillow"})})
    assert [str(f) for f in glossary.kinds("眼罩从便宜到贵排", "zh", sleep)] == ["aid = 'Eye mask'"]


def test_a_german_adjective_written_small_names_a_describing_value(dictd: Path) -> None:
    from xmr_agent.agent.senses import named_values

    write_dictd(dictd, "deu-eng", [("fest", "fest /fɛst/ <adj>\nfirm <adj>, solid <adj>\n"),
                                   ("feste", "Feste <n, pl>\ncelebrations <n>\n"),
                                   ("kissen", "Kissen <n, neut>\npillow\n")])
    pillows = Facets({"category": _facet("category", {"Pillow", "Duvet"}),
                      "firmness": _facet("firmness", {"Soft", "Medium", "Firm"})})
    assert named_values("ein festes Kissen", "de", pillows).get("firmness", ("",))[0] == "Firm"


def test_synthetic_said_no_to_leaves_out_the_synthetic_fillings() -> None:
    duvets = Facets({"sleep_aid": _facet("sleep_aid", {"Duvet", "Pillow"}),
                     "material": _facet("material", {"Microfibre", "Hollowfibre", "Goose down", "Wool", "Polyester"})})
    found = {str(f) for f in rule_rewrite("a duvet, nothing synthetic", duvets).filters}
    assert {"material != 'Microfibre'", "material != 'Hollowfibre'", "material != 'Polyester'"} <= found
    assert not any("Wool" in f or "Goose" in f for f in found)


def test_a_comparative_of_a_describing_value_prefers_that_value_in_a_chat() -> None:
    from xmr_agent.agent.critique import parse_critique

    pillows = Facets({"category": _facet("category", {"Pillow", "Duvet"}),
                      "firmness": _facet("firmness", {"Soft", "Medium", "Firm"}), "colour": _facet("colour", {"Silver", "White"})})
    firmer = parse_critique("something firmer", [], pillows)
    assert [(str(f.value), f.hard) for f in firmer.filters] == [("Firm", False)]
    assert [str(f.value) for f in parse_critique("a bit softer please", [], pillows).filters] == ["Soft"]
    assert not parse_critique("the silver one, or another colour", [], pillows).filters  # "silver" is no comparative


def test_a_steel_one_not_aluminium_keeps_the_denial_beside_the_translated_value(dictd: Path) -> None:
    from xmr_agent.agent import glosses
    from xmr_agent.agent.query import CrossModalQuery, Filter, SubQuery

    write_dictd(dictd, "eng-deu", [("steel", "steel\nStahl <masc>\n")])
    write_dictd(dictd, "deu-eng", [("stahl", "Stahl <n, masc>\nsteel\n"), ("sackkarre", "Sackkarre <n, fem>\nhand truck\n")])
    tools = Facets({"warengruppe": _facet("warengruppe", {"Sackkarre", "Umzugskarton", "Klebeband"}),
                    "material": _facet("material", {"Stahl", "Aluminium", "Holz"})})
    query = CrossModalQuery(queries=(SubQuery(text="Ein steiniger"),),
                            filters=(Filter(column="material", op="!=", value="Aluminium"),))
    found = {str(f) for f in glosses.named_kinds("a steel one, not aluminium", query, tools, "de", "a steel one, not aluminium",
                                                 frozenset()).filters}
    assert {"material != 'Aluminium'", "material = 'Stahl' (preferred)"} <= found


def test_and_also_something_for_starts_a_new_subject_with_or_without_accents() -> None:
    from xmr_agent.agent.topic import NEXT

    assert NEXT.search("y tambien algo para no oir el ruido de la calle")
    assert NEXT.search("y también algo para dormir")


def test_a_title_word_whose_own_senses_are_the_request_names_its_kind(dictd: Path) -> None:
    write_dictd(dictd, "fra-eng", [("sécateur", "sécateur <n, masc>\npruning shears, secateurs\n"),
                                   ("tuyau", "tuyau <n, masc>\npipe, tube\n")])
    write_dictd(dictd, "fra-deu", [("tuyau", "tuyau <n, masc>\nRohr\n")])
    shop = [{"title": "Sécateur à lame franche", "famille": "Taille"}, {"title": "Sécateur à enclume", "famille": "Taille"},
            {"title": "Cisaille à haie", "famille": "Taille"}, {"title": "Tuyau d'arrosage 20 m", "famille": "Arrosage"}]
    facets = Facets({"famille": _facet("famille", {"Taille", "Arrosage"})})
    found, word = titled_kinds(_heads("pruning shears"), title_kinds(shop, ["famille"]), facets, "fr")
    assert ([str(f) for f in found], word) == (["famille = 'Taille'"], "sécateur")


def test_a_word_whose_first_sense_is_a_function_word_names_no_kind_by_the_titles(dictd: Path,
                                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from xmr_agent.agent import dictionaries, glosses
    from xmr_agent.agent.dictionaries import Dictionary
    from xmr_agent.agent.query import CrossModalQuery

    write_dictd(dictd, "eng-deu", [("energy", "energy\nEnergie <fem>\n"), ("shoe", "shoe\nSchuh <masc>\n"),
                                   ("running shoe", "running shoe\nLaufschuh <masc>\n")])
    write_dictd(dictd, "deu-eng", [("energie", "Energie <n, fem>\nenergy\n"), ("schuh", "Schuh <n, masc>\nshoe\n")])
    cedict = Dictionary({"能": ("can", "energy"), "跑鞋": ("running shoe",)})
    monkeypatch.setattr(glosses, "load", lambda language: cedict if language == "zh" else dictionaries.load(language))
    shop = [{"title": "Energiegel Zitrone", "sortiment": "Energiegel"}, {"title": "Energieriegel Kakao", "sortiment": "Energiegel"},
            {"title": "Laufschuh Pegasus", "sortiment": "Laufschuh"}, {"title": "Trailschuh Speedgoat", "sortiment": "Laufschuh"}]
    facets = Facets({"sortiment": _facet("sortiment", {"Energiegel", "Laufschuh"})})
    nouns = title_kinds(shop, ["sortiment"])
    query = CrossModalQuery()
    assert glosses._titled_senses("最好还能记录", "zh", query, facets, "de", nouns) == ([], "")  # noqa: SLF001
    found, _ = glosses._titled_senses("跑鞋", "zh", query, facets, "de", nouns)  # noqa: SLF001
    assert [str(f) for f in found] == ["sortiment = 'Laufschuh'"]
