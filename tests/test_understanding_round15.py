"""Request understanding, fifteenth round: French and Spanish words read through German when their
own small dictionaries lack them ("trottinette"); a broader value names the narrower ones that end
with its words ("olive oil": extra virgin olive oil too); a shop's own word names its kinds when a
request measures or sorts them ("the lightest drone"); columns counted in two units ("ml/g");
"the cheaper one" picks the cheapest of the topic; "cheap" against every item of the kind preferred."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import ingested_csv
from helpers import string_facet as _facet
from helpers import write_dictd as _dictd

from xmr_agent.agent import dictionaries, glossary
from xmr_agent.agent.critique import definite, parse_critique
from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.order import apply_order
from xmr_agent.agent.query import CrossModalQuery, Filter, Order
from xmr_agent.agent.rules import rule_rewrite
from xmr_agent.agent.session import Session
from xmr_agent.agent.translate import with_translation
from xmr_agent.types import Hit

OILS = Facets({
    "price_gbp": Facet("price_gbp", "number", lower=3, upper=60),
    "kind": _facet("kind", {"Olive oil", "Extra virgin olive oil", "Flavoured oil", "Balsamic vinegar", "Wine vinegar",
                            "Cider vinegar", "Olives"}),
    "net_qty_ml_g": Facet("net_qty_ml_g", "number", lower=100, upper=3000, integer=True),
    "harvest_year": Facet("harvest_year", "number", lower=2020, upper=2025, integer=True),
})
DRONES = Facets({
    "price_usd": Facet("price_usd", "number", lower=10, upper=3000),
    "type": _facet("type", {"Camera drone", "Mini drone", "Toy drone", "Battery", "Propellers", "Case"}),
    "weight_g": Facet("weight_g", "number", lower=10, upper=3000, integer=True),
    "range_km": Facet("range_km", "number", lower=0.1, upper=20),
})


@pytest.fixture()
def pivot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A tiny French → English dictionary without "trottinette", a French → German one with it
    (numbered senses, each followed by a French definition), and a German → English one."""
    _dictd(tmp_path, "fra-eng", [("tente", "tente /tɑ̃t/ <n, fem>\ntent\n")])
    _dictd(tmp_path, "fra-deu", [
        ("trottinette", "trottinette /tʁɔ.ti.nɛt/ <n, fem>\nTretroller\nJouet composé d'une planche\n"),
        ("baudrier", "baudrier /bo.dʁi.je/ <n, masc>\n1. Wehrgehänge\nBande en écharpe\n2. Klettergurt\nHarnais\n"),
        ("rapide", "rapide /ʁa.pid/ <adj>\nschnell\n")])
    _dictd(tmp_path, "deu-eng", [("tretroller", "Tretroller /tʁeːt/ <n, m>\nkick scooter, push scooter\n"),
                                 ("gurt", "Gurt <n, m>\nbelt, harness\n"),
                                 ("wehrgehänge", "Wehrgehänge <n, n>\nbaldric\n")])
    monkeypatch.setattr(dictionaries, "DICTD_DIRS", ())
    monkeypatch.setenv("XMR_DICTIONARIES", str(tmp_path))
    dictionaries.load.cache_clear()
    yield tmp_path
    dictionaries.load.cache_clear()


def test_a_word_the_small_dictionary_lacks_is_read_through_german(pivot: Path) -> None:
    french = dictionaries.load("fr")
    assert french is not None
    assert dictionaries.senses("tente", "fr", french) == ("tent",)  # its own dictionary first
    assert dictionaries.senses("trottinette", "fr", french) == ("kick scooter", "push scooter")
    assert dictionaries.senses("baudrier", "fr", french) == ("baldric", "belt", "harness")  # "Klettergurt": its last part
    assert dictionaries.senses("rapide", "fr", french) == ()  # an adjective names no kind


def test_the_words_of_a_bridge_entry_are_the_first_line_of_each_numbered_sense() -> None:
    assert dictionaries._bridge_words("baudrier <n, masc>\n1. Wehrgehänge\nBande\n2. Klettergurt, Gurt\nHarnais\n") == \
        ["Wehrgehänge", "Klettergurt", "Gurt"]
    assert dictionaries._bridge_words("casco <n, m>\nHelm <n, m>\n") == ["Helm"]
    assert dictionaries._bridge_words("tente <n, fem>\nZelt\npavillon de toile\n") == ["Zelt"]


def test_without_the_pivot_dictionaries_a_language_keeps_its_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _dictd(tmp_path, "spa-eng", [("tienda", "tienda <n, f>\nshop, tent\n")])
    monkeypatch.setattr(dictionaries, "DICTD_DIRS", ())
    monkeypatch.setenv("XMR_DICTIONARIES", str(tmp_path))
    dictionaries.load.cache_clear()
    try:
        spanish = dictionaries.load("es")
        assert spanish is not None and not isinstance(spanish, dictionaries.Pivoted)
        assert dictionaries.senses("tiendas", "es", spanish) == ("shop", "tent")
    finally:
        dictionaries.load.cache_clear()


@pytest.mark.parametrize(("request_", "wanted"), [
    ("Spanish olive oil please", {"kind = 'Olive oil'", "kind = 'Extra virgin olive oil'"}),
    ("extra virgin olive oil under £15", {"kind = 'Extra virgin olive oil'", "price_gbp < 15.0"}),  # four words
    ("some flavoured oil", {"kind = 'Flavoured oil'"}),
])
def test_a_broader_value_names_the_narrower_ones_that_end_with_its_words(request_: str, wanted: set[str]) -> None:
    assert {str(f) for f in rule_rewrite(request_, OILS, k=3).filters} == wanted


def test_a_dictionary_kind_keeps_the_narrower_value_the_translation_names() -> None:
    facet = OILS["kind"]
    assert glossary._narrowed(facet, "Olive oil", "Cheapest extra virgin olive oil") == ["Extra virgin olive oil"]
    assert glossary._narrowed(facet, "Olive oil", "Italian olive oil") == ["Olive oil", "Extra virgin olive oil"]
    saddles = _facet("category", {"Saddle", "Saddle pad", "Bridle"})
    assert glossary._narrowed(saddles, "Saddle", "Cheaper saddle pad") == ["Saddle pad"]


def test_a_word_kept_as_written_by_the_translation_is_lost_unless_it_is_english() -> None:
    pytest.importorskip("wordfreq")
    from xmr_agent.agent.values import english_word

    assert english_word("baguette") and english_word("paella")
    assert not english_word("Essig") and not english_word("Trense")


def test_a_column_counted_in_two_units_takes_either() -> None:
    assert {str(f) for f in rule_rewrite("olive oil, at least 1 litre", OILS, k=3).filters} >= {"net_qty_ml_g >= 1000"}
    assert "net_qty_ml_g < 500" in {str(f) for f in rule_rewrite("olives, under 500 g", OILS, k=3).filters}


def test_a_shop_word_names_its_kinds_when_the_request_measures_them() -> None:
    drones = {"type = 'Camera drone'", "type = 'Mini drone'", "type = 'Toy drone'"}  # any of them, no battery
    sorted_ = rule_rewrite("the lightest drone", DRONES, k=3, generic=frozenset({"drone"}))
    assert {str(f) for f in sorted_.filters} == drones and sorted_.order is not None
    bounded = rule_rewrite("a drone under 250 grams", DRONES, k=3, generic=frozenset({"drone"}))
    assert {str(f) for f in bounded.filters} == drones | {"weight_g < 250"}
    assert rule_rewrite("a drone for my son", DRONES, k=3, generic=frozenset({"drone"})).filters == ()  # "tea" in a tea shop


@pytest.mark.parametrize(("message", "sorted_"), [
    ("der günstigere bitte", True), ("the cheaper one", True), ("und der günstigere?", True),
    ("cheaper than the blue one", False), ("something cheaper for my son please, with a case", False)])
def test_the_cheaper_one_is_the_cheapest_of_the_topic(message: str, sorted_: bool) -> None:
    request = CrossModalQuery(order=Order(column="price", mode="less"))
    order = definite(message, request).order  # type: ignore[union-attr]
    assert order is not None and (order.mode == "sort") is sorted_ and not order.descending


def test_a_translation_names_the_column_its_superlative_means() -> None:
    base = CrossModalQuery(order=Order(column="weight_g", descending=True))
    other = CrossModalQuery(order=Order(column="range_km", descending=True))
    joined = with_translation(base, other, "Welche Drohne hat die größte Reichweite?",
                              "Which drone has the longest range?", lambda c: True)
    assert joined.order is not None and joined.order.column == "range_km"
    german = CrossModalQuery(order=Order(column="gewicht_g", descending=True))
    kept = with_translation(german, other, "die Drohne mit dem größten Gewicht", "the drone with the largest range",
                            lambda c: True)
    assert kept.order is not None and kept.order.column == "gewicht_g"  # the original named its own column


HEADER = ["Item #", "Product", "Type", "Weight (g)", "Price (USD)", "Description"]
ROWS = [
    ["DR-1", "Skyra Air 3", "Camera drone", 720, 1099, "Foldable camera drone with a 4K camera."],
    ["DR-2", "Skyra Mini 4", "Mini drone", 249, 759, "Small camera drone under 250 g."],
    ["DR-3", "Kestrel Scout", "Toy drone", 98, 59, "A first drone for children, with propeller guards."],
    ["DR-4", "Aerolux Edu Coder", "Toy drone", 80, 89, "Programmable toy drone for classrooms."],
    ["DR-5", "GPS Tracker Tag", "Case", 12, 29, "Clip-on tracker to find a lost aircraft."],
    ["DR-6", "ND Filter Set", "Case", 15, 39, "Filters for bright days."],
    ["DR-7", "Mini Propellers", "Propellers", 20, 19, "Spare propellers, four pairs."],
    ["DR-8", "Air 3 Battery", "Battery", 267, 159, "Spare intelligent battery."],
    ["DR-9", "Hard Shell Case", "Case", 900, 49, "A hard case for a folded drone and three batteries."],
]


def test_the_lightest_drone_is_a_drone_and_the_cheaper_one_the_cheapest(tmp_path: Path) -> None:
    agent = ingested_csv(tmp_path, "drones", HEADER, ROWS)
    assert [r.id for r in agent.ask("the lightest drone", k=3).recommendations] == ["DR-4", "DR-3", "DR-2"]
    session = Session.open(agent, "s", k=3)
    session.send("a toy drone")
    assert [r.id for r in session.send("the cheaper one").recommendations][0] == "DR-3"


def test_cheap_is_measured_against_every_item_of_the_kind_preferred() -> None:
    items = [("EQ-1", 89, "Helmet", 1.0), ("EQ-2", 449, "Helmet", 0.45), ("EQ-3", 229, "Helmet", 0.42),
             ("EQ-4", 49, "Helmet", 0.4), ("EQ-5", 39, "Boots", 0.3)]
    fused = [Hit(i, score, {"id": i, "cost_eur": cost, "category": kind}, {"fts": 5.0} if i == "EQ-1" else {})
             for i, cost, kind, score in items]  # only the first says "hat"; the helmet is a kind found by meaning
    ranked = apply_order(Order(column="cost_eur", mode="low"), fused,
                         preferences=[Filter(column="category", op="=", value="Helmet", hard=False)],
                         kinds=frozenset({"category"}))
    assert [h.id for h in ranked][:3] == ["EQ-4", "EQ-1", "EQ-3"]  # the cheap helmets, no boots, the carbon one last


PESTO = [{"id": "OL-333", "title": "Sun-dried Tomato Pesto", "kind": "Spread"},
         {"id": "OL-334", "title": "Genovese Basil Pesto", "kind": "Spread"},
         {"id": "OL-332", "title": "Black Olive Tapenade", "kind": "Spread"}]


def test_not_the_one_named_by_a_word_of_its_title_is_a_dislike() -> None:
    critique = parse_critique("not the tomato one, I want the classic green one", PESTO, OILS)
    assert critique.disliked == ["OL-333"] and critique.unlike_ids == ["OL-333"]
    assert parse_critique("the tomato one looks nice", PESTO, OILS).disliked == []


def test_more_of_a_number_column_with_a_bound_is_the_bound() -> None:
    books = Facets({"price": Facet("price", "number", lower=5, upper=40),
                    "pages": Facet("pages", "number", lower=50, upper=900, integer=True)})
    shown = [{"id": "B-1", "title": "A Short Novel", "price": 9, "pages": 180}]
    critique = parse_critique("with more pages, at least 300", shown, books)
    assert critique.filters == [] and "pages" in critique.rest  # no "pages > 180": the rules read "at least 300 pages"
    assert [str(f) for f in parse_critique("more pages", shown, books).filters] == ["pages > 180"]
    assert {str(f) for f in rule_rewrite(critique.rest, books, k=3).filters} == {"pages >= 300.0"}


def test_a_value_in_place_of_a_condition_is_one_too() -> None:
    from xmr_agent.agent.session import _replace

    old = [Filter(column="type", op="=", value="Concert"), Filter(column="city", op="=", value="Paris")]
    new = _replace(old, [Filter(column="city", op="=", value="Berlin", hard=False)])
    assert [str(f) for f in new] == ["type = 'Concert'", "city = 'Berlin'"]
    kept = _replace([Filter(column="city", op="=", value="Paris", hard=False)],
                    [Filter(column="city", op="=", value="Berlin", hard=False)])
    assert [str(f) for f in kept] == ["city = 'Berlin' (preferred)"]  # a preference stays one


@pytest.mark.parametrize(("text", "language"), [("Zeig mir Ersatzpropeller", "de"), ("welche Farbe hat er?", "de"),
                                                ("show me tents", "en"), ("montre-moi des tentes", "fr"),
                                                ("muéstrame tiendas", "es")])  # a tie of cues: Lingua decides
def test_a_short_request_is_told_by_its_verbs(text: str, language: str) -> None:
    from xmr_agent.encoders.language import detect_closely

    assert detect_closely(text) == language


def test_a_headword_of_several_words_is_read_whole(pivot: Path) -> None:
    _dictd(pivot, "spa-eng", [("tienda", "tienda <n, f>\nshop\n"), ("tienda de campaña", "tienda de campaña <n, f>\ntent\n")])
    dictionaries.load.cache_clear()
    assert glossary.split_words("la tienda de campaña más barata", "es") == ["la", "tienda de campaña", "más", "barata"]
    tents = Facets({"category": _facet("category", {"Tent", "Shop fittings"})})
    assert [str(f) for f in glossary.kinds("la tienda de campaña más barata", "es", tents)] == ["category = 'Tent'"]


def test_a_function_word_names_nothing_through_the_pivot(pivot: Path) -> None:
    _dictd(pivot, "fra-deu", [("moins", "moins /mwɛ̃/ <n, masc>\nMinus-Zeichen\n"),
                              ("trottinette", "trottinette <n, fem>\nTretroller\n")])
    dictionaries.load.cache_clear()
    french = dictionaries.load("fr")
    assert french is not None
    assert dictionaries.senses("moins", "fr", french) == ()  # "moins de 20 livres": no sign, no measure
    assert dictionaries.senses("trottinette", "fr", french) == ("kick scooter", "push scooter")


def test_another_brand_is_not_the_brand_shown() -> None:
    pianos = Facets({"brand": _facet("brand", {"Yamaha", "Roland", "Kawai"}),
                     "type": _facet("type", {"Digital piano", "Synthesizer"})})
    shown = [{"id": "KB-1", "title": "Yamaha P-45", "brand": "Yamaha", "type": "Digital piano"}]
    for message in ("another brand please", "en fait plutôt une autre marque que Yamaha", "换个牌子"):
        assert [str(f) for f in parse_critique(message, shown, pianos).filters] == ["brand != 'Yamaha'"], message
    from xmr_agent.agent.session import _replace

    same = _replace([Filter(column="brand", op="=", value="Yamaha")], [Filter(column="brand", op="=", value="Yamaha", hard=False)])
    assert [str(f) for f in same] == ["brand = 'Yamaha' (preferred)"]  # the same value said again is no new condition


@pytest.mark.parametrize(("message", "next_thing"), [
    ("还有备用电池，便宜点的", True), ("还要辣椒，越辣越好", True), ("also need something to carry all my gear in", True),
    ("还有便宜点的吗", False), ("还有别的颜色吗", False), ("还有没有更轻的", False), ("cheaper please", False)])
def test_the_next_thing_wanted_in_a_chat(message: str, next_thing: bool) -> None:
    from xmr_agent.agent.topic import NEXT

    assert bool(NEXT.search(message)) is next_thing


def test_cheaper_said_of_the_next_thing_is_cheap_not_cheaper_than_the_last(tmp_path: Path) -> None:
    agent = ingested_csv(tmp_path, "drones", HEADER, [*ROWS, ["DR-10", "Foldable Landing Pad", "Case", 600, 25,
                                                       "A foldable pad to land on grass and sand."],
                                                      ["DR-11", "Mini Battery", "Battery", 80, 59,
                                                       "A spare battery for the mini drones, twenty minutes of flight."]])
    session = Session.open(agent, "s", k=3)
    session.send("a landing pad")
    answer = session.send("and a spare battery too, a cheaper one")
    assert {r.id for r in answer.recommendations} <= {"DR-8", "DR-11"} and answer.recommendations
    assert not any(f.column == "price_usd" and f.op == "<" for f in answer.query.filters)  # not "cheaper than the pad"


@pytest.mark.parametrize("text", ["something made of bamboo", "a basket made from bamboo", "un panier fait en bamboo"])
def test_made_of_a_material_is_a_condition(text: str) -> None:
    homeware = Facets({"material": _facet("material", {"Bamboo", "Jute", "Linen"}),
                       "department": _facet("department", {"Decor", "Kitchen"})})
    assert [str(f) for f in rule_rewrite(text, homeware, k=3).filters] == ["material = 'Bamboo'"]


def test_cheap_among_the_items_the_words_name_is_the_cheaper_of_them() -> None:
    items = [("Q-01", 89.9, {"fts": 5.0}, 1.0), ("Q-02", 69.0, {"fts": 4.8}, 0.9), ("Q-07", 49.9, {}, 0.45),
             ("Q-08", 7.9, {}, 0.4), ("Q-15", 9.9, {}, 0.35), ("Q-13", 22.0, {}, 0.3)]
    fused = [Hit(i, score, {"id": i, "prix": price}, scores) for i, price, scores, score in items]
    ranked = apply_order(Order(column="prix", mode="low"), fused)
    assert [h.id for h in ranked][:2] == ["Q-02", "Q-01"]  # "une perceuse pas chère": the drills, not a tape measure


@pytest.mark.parametrize("message", ["la moins chère des deux", "the cheaper of the two", "der günstigere der beiden"])
def test_of_the_two_refers_to_those_shown(message: str) -> None:
    from xmr_agent.agent.topic import ONE

    assert ONE.search(message)


def test_a_long_unknown_word_is_looked_up_in_linear_time() -> None:
    german = dictionaries.Dictionary({"licht": ("light", "lamp")})
    assert dictionaries.senses("q" * 5000, "de", german) == ()  # the old recursion doubled its work per letter
    assert dictionaries.senses("Fahrradlicht", "de", german) == ("light", "lamp")
