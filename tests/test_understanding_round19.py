"""Request understanding, nineteenth round: a catalogue's kinds in French read from English and
Spanish words through their dictionary senses, the column of kinds told from a column of colours
and one of makers, a brand column called "Label" never taken for the titles, kinds of one group of
people ("Kids' rain jacket") only when the group is named, a superlative after an article ("le plus
lumineux") never read as an item shown, and a value said as a part of others ("no Gore-Tex")."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import FixedTranslation, ingested_csv, write_dictd
from helpers import string_facet as _facet

from xmr_agent.agent.columns import attribute_columns, kind_columns
from xmr_agent.agent.critique import parse_critique
from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.rewrite import Rewriter
from xmr_agent.agent.rules import rule_rewrite
from xmr_agent.ingestion.mapping import named_fields
from xmr_agent.ingestion.readers import FieldMap

JACKETS = Facets({
    "price": Facet("price", "number", lower=20, upper=500),
    "cut": _facet("cut", {"Rain jacket", "Kids' rain jacket", "Fleece"}),
    "membrane": _facet("membrane", {"Gore-Tex", "Gore-Tex Pro", "Pertex Shield"}),
    "shade": _facet("shade", {"Black", "Blue"}),
})


def _filters(text: str, facets: Facets) -> set[str]:
    return {str(f) for f in Rewriter(facets).rewrite(text, k=3).filters}


def test_a_brand_column_called_label_is_no_title_and_the_id_is_not_taken_twice() -> None:
    brands = ["Rab", "Rab", "Patagonia", "Rab", "Montane", "Patagonia"]
    rows = [{"Style code": f"OW-{n}", "Garment": f"Jacket model {n}", "Label": brand} for n, brand in enumerate(brands)]
    assert named_fields(FieldMap(), rows, []).title == "Garment"
    rows = [{"Item #": f"S-{n}", "Product line": f"Ski model {n}", "Gear type": "Skis"} for n in range(6)]
    fields = named_fields(FieldMap(), rows, [])
    assert (fields.id, fields.title) == ("Item #", "Product line")


def test_the_column_named_as_kinds_wins_over_colours_and_makers() -> None:
    skis = Facets({"gear_type": _facet("gear_type", {"Skis", "Ski boots", "Helmet", "Goggles"}),
                   "colourway": _facet("colourway", {"Red", "Black", "White", "Blue", "Green", "Orange"}),
                   "made_by": _facet("made_by", {"Atomic", "Salomon", "Head", "Rossignol", "Fischer", "K2", "Völkl"})})
    assert "gear_type" in kind_columns(skis) and {"colourway", "made_by"} <= attribute_columns(skis)
    pottery = Facets({"famille": _facet("famille", {"Argile", "Four", "Outil"}),
                      "teinte": _facet("teinte", {"Rouge", "Blanc", "Noir", "Bleu", "Vert"})})
    assert "famille" in kind_columns(pottery) and "teinte" not in kind_columns(pottery)
    assert "gear_type = 'Helmet'" in {str(f) for f in rule_rewrite("I need a ski helmet", skis).filters}


@pytest.mark.parametrize(("text", "kinds"), [
    ("a rain jacket", {"Rain jacket"}),
    ("a rain jacket for my son, he's eight", {"Kids' rain jacket"}),
    ("Regenjacke für meinen Sohn, er ist acht", set()),  # read by the rules alone: no kind, no group
    ("a rain jacket for my son", {"Rain jacket", "Kids' rain jacket"}),  # a son may be grown up
    ("a rain jacket for my wife", {"Rain jacket"}),
])
def test_kinds_for_a_group_of_people_only_when_it_is_named(text: str, kinds: set[str]) -> None:
    found = {f.value for f in Rewriter(JACKETS).rewrite(text, k=3).filters if f.column == "cut" and f.hard}
    assert found == kinds


def test_a_value_said_no_to_leaves_out_the_values_named_after_it() -> None:
    said = _filters("need a rain jacket but no Gore-Tex please", JACKETS)
    assert {"membrane != 'Gore-Tex'", "membrane != 'Gore-Tex Pro'"} <= said
    assert "membrane != 'Pertex Shield'" not in said


def test_a_superlative_after_an_article_names_no_item_shown() -> None:
    """"le plus lumineux" with "Lightstrip Plus" shown: the brightest, not a dislike or a pick of the Plus."""
    facets = Facets({"brightness_lm": Facet("brightness_lm", "number", lower=100, upper=2000)})
    shown = [{"id": "A", "title": "Hue Lightstrip Plus 2 m", "brightness_lm": 1700},
             {"id": "B", "title": "Govee Strip", "brightness_lm": 1000}]
    critique = parse_critique("le plus lumineux", shown, facets)
    assert critique.anchor is not None and critique.rest == "le plus lumineux"
    order = rule_rewrite("le plus lumineux", facets).order
    assert order is not None and order.column == "brightness_lm" and order.descending


@pytest.mark.parametrize("text", ["¿cuál pesa menos?", "which one weighs the least", "welche wiegt am wenigsten"])
def test_weighing_the_least_is_the_lightest(text: str) -> None:
    facets = Facets({"weight_g": Facet("weight_g", "number", lower=100, upper=900)})
    order = rule_rewrite(text, facets).order
    assert order is not None and order.column == "weight_g" and not order.descending
    assert rule_rewrite("pesa menos de 500 g", facets).order is None  # a bound, not a sort


def test_a_powered_column_said_by_its_source() -> None:
    facets = Facets({"family": _facet("family", {"Video doorbell", "Smart plug"}),
                     "battery_powered": _facet("battery_powered", {"yes", "no"})})
    assert "battery_powered = 'yes'" in {str(f) for f in rule_rewrite("a battery doorbell", facets).filters}
    assert "battery_powered != 'yes'" in {str(f) for f in rule_rewrite("a doorbell, not battery powered", facets).filters}


def test_a_french_catalogues_kinds_read_from_english_and_spanish_words(dictd: Path) -> None:
    write_dictd(dictd, "fra-eng", [("four", "four /fuʁ/ <n, masc>\nfurnace, kiln, oven\n"),
                                      ("argile", "argile <n, fem>\nclay\n"),
                                      ("tour de potier", "tour de potier <n, masc>\npotter's wheel\n"),
                                      ("émail", "émail <n, masc>\ncolour, hue, enamel\n")])
    write_dictd(dictd, "spa-eng", [("horno", "horno <n, masc>\noven, kiln\n")])
    pottery = Facets({"prix": Facet("prix", "number", lower=5, upper=4000),
                      "famille": _facet("famille", {"Four", "Argile", "Tour de potier", "Émail"})})
    rewriter = Rewriter(pottery, translator=FixedTranslation("Quel kiln est abordable ?"), language=lambda: "fr")  # type: ignore[arg-type]
    assert "famille = 'Four'" in {str(f) for f in rewriter.rewrite("what's an affordable kiln for a home studio?", k=3).filters}
    assert "famille = 'Tour de potier'" in {str(f) for f in rewriter.rewrite("the lightest pottery wheel", k=3).filters}
    assert "famille = 'Four'" in {str(f) for f in rewriter.rewrite("¿cuál es el horno más barato?", k=3).filters}
    assert not any(f.column == "famille" for f in rewriter.rewrite("any colour but black", k=3).filters)  # "colour": no kind


def test_the_same_brand_after_a_new_subject(tmp_path: Path) -> None:
    """"et une ampoule de la même marque": a bulb of the brand of the light strip shown."""
    from xmr_agent.agent.session import Session

    header = ["Model ref.", "Device", "Family", "Manufacturer", "Brightness (lm)", "Price (US$)"]
    rows = [["S1", "Nanoleaf Essentials Lightstrip", "Light strip", "Nanoleaf", 1800, 50],
            ["S2", "Govee Strip Light M1", "Light strip", "Govee", 1000, 40],
            ["B1", "Philips Hue White A19", "Smart bulb", "Philips Hue", 800, 15],
            ["B2", "Nanoleaf Essentials A19 Bulb", "Smart bulb", "Nanoleaf", 1100, 20],
            ["B3", "Govee Smart Bulb", "Smart bulb", "Govee", 800, 12]]
    session = Session.open(ingested_csv(tmp_path, "home", header, rows), "s", k=3)
    session.send("the brightest light strip")
    assert [r.id for r in session.send("and a bulb from the same brand").recommendations] == ["B2"]


def test_accents_make_no_other_word() -> None:
    from xmr_agent.agent.values import stem_phrase

    assert stem_phrase("Émail") == stem_phrase("email") and stem_phrase("débutant") == stem_phrase("debutant")
    pottery = Facets({"famille": _facet("famille", {"Émail", "Argile", "Four"})})
    assert "famille = 'Émail'" in {str(f) for f in rule_rewrite("un email bleu", pottery).filters}


@pytest.mark.parametrize(("text", "said"), [
    ("an electric guitar", "electrico = 'sí'"), ("a guitar that isn't electric", "electrico != 'sí'"),
    ("ein elektrisches Klavier", "electrico = 'sí'"),
])
def test_a_yes_no_column_named_in_spanish_said_in_other_languages(text: str, said: str) -> None:
    shop = Facets({"familia": _facet("familia", {"Guitarra", "Teclado"}), "electrico": _facet("electrico", {"sí", "no"})})
    assert said in {str(f) for f in rule_rewrite(text, shop).filters}


@pytest.mark.parametrize(("text", "said"), [
    ("a glaze that's food safe", "contact_alimentaire = 'oui'"),
    ("a wheel suitable for a total beginner", "adapte_debutant = 'oui'"),
    ("ski boots for women", "women_s_fit = 'yes'"), ("chaussures de ski pour femme", "women_s_fit = 'yes'"),
])
def test_yes_no_columns_of_food_contact_beginners_and_women(text: str, said: str) -> None:
    facets = Facets({"contact_alimentaire": _facet("contact_alimentaire", {"oui", "non"}),
                     "adapte_debutant": _facet("adapte_debutant", {"oui", "non"}),
                     "women_s_fit": _facet("women_s_fit", {"yes", "no"})})
    assert said in {str(f) for f in rule_rewrite(text, facets).filters}


def test_another_brand_in_a_made_by_column() -> None:
    facets = Facets({"made_by": _facet("made_by", {"Celestron", "Meade", "Sky-Watcher"})})
    shown = [{"id": "T1", "title": "Celestron NexStar 8SE", "made_by": "Celestron"}]
    critique = parse_critique("d'une autre marque que Celestron", shown, facets)
    assert [str(f) for f in critique.filters] == ["made_by != 'Celestron'"]


def test_a_kinds_glosses_leave_out_grammar_and_properties(dictd: Path) -> None:
    from xmr_agent.agent import glosses

    write_dictd(dictd, "spa-eng", [("accesorio", "accesorio <n, masc>\naccessories <pl>, accessory\n"),
                                      ("violín", "violín <n, masc>\nviolin\n"), ("pintura", "pintura <n, fem>\npaint, colour\n")])
    shop = Facets({"familia": _facet("familia", {"Accesorio", "Violín", "Pintura"})})
    glossed = glosses.glossed(shop, "es")
    assert glossed is not None
    assert glossed["familia"].canonical.get("accessories") == "Accesorio" and glossed["familia"].canonical.get("violin") == "Violín"
    assert not any("<" in g or ">" in g for g in glossed["familia"].values) and "colour" not in glossed["familia"].values


def test_the_hottest_is_a_temperature_and_without_something_is_wanted() -> None:
    kilns = Facets({"famille": _facet("famille", {"Four", "Argile", "Outil"}), "temp_max_c": Facet("temp_max_c", "number", lower=900, upper=1320),
                    "brand": _facet("brand", {"Sweet Protection", "Giro", "Smith"})})
    order = rule_rewrite("which kiln gets the hottest?", kilns).order
    assert order is not None and order.column == "temp_max_c" and order.descending
    assert not rule_rewrite("not back on the slopes without something protecting my head", kilns).filters


def test_the_bigger_bag_is_the_bigger_size_of_the_product_shown(tmp_path: Path) -> None:
    from xmr_agent.agent.session import Session
    from xmr_agent.agent.topic import variants

    shown = [{"id": "A", "title": "Sunflower Hearts 1 kg"}, {"id": "B", "title": "Sunflower Hearts 2.5 kg"},
             {"id": "C", "title": "Complete Seed Mix 2 kg"}]
    assert variants(shown) == ["A", "B"] and variants(shown[1:]) == ["B", "C"]
    header = ["Ref", "Product", "Range", "Unit weight (kg)", "Price (£)"]
    rows = [["A", "Sunflower Hearts 1 kg", "Seed mix", 1, 5], ["B", "Sunflower Hearts 2.5 kg", "Seed mix", 2.5, 11],
            ["C", "Complete Seed Mix 2 kg", "Seed mix", 2, 6], ["D", "Peanut Feeder", "Hanging feeder", 0.4, 9]]
    session = Session.open(ingested_csv(tmp_path, "birds", header, rows), "s", k=3)
    session.send("sunflower hearts")
    assert [r.id for r in session.send("the bigger bag").recommendations] == ["B"]


def test_a_catalogue_of_chinese_values() -> None:
    """Values in Chinese characters have no stem: each is found as written, and none stands for all."""
    teas = Facets({"价格_元": Facet("价格_元", "number", lower=80, upper=1300),
                   "类别": _facet("类别", {"绿茶", "红茶", "乌龙茶", "普洱茶", "白茶"}), "有机": _facet("有机", {"是", "否"})})
    assert {str(f) for f in rule_rewrite("最便宜的绿茶", teas).filters} == {"类别 = '绿茶'"}
    fujian = rule_rewrite("不要福建的乌龙茶", teas)  # an oolong, not from Fujian (no column says where it is from)
    assert {str(f) for f in fujian.filters} == {"类别 = '乌龙茶'"} and fujian.avoid == ("福建",)
    assert {str(f) for f in rule_rewrite("有机的红茶", teas).filters} == {"类别 = '红茶'", "有机 = '是'"}
    assert not rule_rewrite("a nice present", teas).filters


@pytest.mark.parametrize(("text", "said"), [
    ("welcher davon lässt sich zusammenklappen?", "foldable = 'yes'"), ("que se pueda doblar para el viaje", "foldable = 'yes'"),
    ("a treadmill that folds up", "foldable = 'yes'"), ("a treadmill that doesn't fold", "foldable != 'yes'"),
    ("a cordless lawn mower", "akku = 'ja'"), ("a mower without a battery", "akku != 'ja'"),
])
def test_folding_and_batteries_in_other_words(text: str, said: str) -> None:
    facets = Facets({"segment": _facet("segment", {"Treadmill", "Lawn mower", "Yoga mat"}),
                     "foldable": _facet("foldable", {"yes", "no"}), "akku": _facet("akku", {"ja", "nein"})})
    assert said in {str(f) for f in rule_rewrite(text, facets).filters}


def test_a_condition_with_no_kind_stays_on_the_subject(tmp_path: Path) -> None:
    """"il faut qu'il soit compatible contact alimentaire" after "un émail pour mes bols": a glaze still."""
    from xmr_agent.agent.session import Session

    header = ["Réf.", "Désignation", "Famille", "Contact alimentaire", "Prix (€)"]
    rows = [["E1", "Émail bleu cobalt", "Émail", "oui", 19], ["E2", "Émail raku craquelé", "Émail", "non", 24],
            ["E3", "Émail blanc satiné", "Émail", "oui", 17], ["A1", "Grès blanc chamotté", "Argile", "oui", 15],
            ["A2", "Faïence rouge", "Argile", "oui", 12], ["O1", "Kit d'outils", "Outil", "non", 9]]
    session = Session.open(ingested_csv(tmp_path, "poterie", header, rows), "s", k=3)
    session.send("je voudrais un émail pour mes bols")
    assert {r.id for r in session.send("il faut qu'il soit compatible contact alimentaire").recommendations} == {"E1", "E3"}


def test_a_bottle_of_ink_is_bottled_ink() -> None:
    pens = Facets({"group": _facet("group", {"Bottled ink", "Ink cartridges", "Fountain pen"}),
                   "fill_ml": Facet("fill_ml", "number", lower=0.5, upper=1000)})
    query = rule_rewrite("the biggest bottle of ink", pens)
    assert {str(f) for f in query.filters} == {"group = 'Bottled ink'"}
    assert query.order is not None and query.order.column == "fill_ml" and query.order.descending


def test_a_kind_found_by_meaning_stays_when_the_next_turn_names_none(tmp_path: Path) -> None:
    """"busco una esterilla de yoga" / "que se pueda doblar": still mats, the folding ones."""
    from xmr_agent.agent.session import Session

    header = ["Ref", "Equipment", "Segment", "Foldable", "Price (€)"]
    rows = [["M1", "Liforme Yoga Mat", "Yoga mat", "no", 140], ["M2", "Domyos Foldable Yoga Mat", "Yoga mat", "yes", 25],
            ["M3", "Manduka Travel Mat", "Yoga mat", "yes", 45], ["T1", "WalkingPad C2", "Treadmill", "yes", 399],
            ["T2", "NordicTrack T6.5", "Treadmill", "yes", 899]]
    session = Session.open(ingested_csv(tmp_path, "fitness", header, rows), "s", k=3)
    session.send("a yoga mat")
    assert {r.id for r in session.send("one that folds, it's for travelling").recommendations} == {"M2", "M3"}


def test_the_translation_adds_a_kind_where_the_original_only_denied_one() -> None:
    """"un sombrero de paja que no sea panamá" read as "a sun hat that is not Panama": a sun hat, not a Panama;
    a colour the original says stays beside the narrower values the translation names ("blanco": White)."""
    from xmr_agent.agent.query import CrossModalQuery, Filter
    from xmr_agent.agent.translate import with_translation

    base = CrossModalQuery(filters=(Filter(column="type", op="!=", value="Panama"),))
    other = CrossModalQuery(filters=(Filter(column="type", op="!=", value="Panama"), Filter(column="type", op="=", value="Sun hat")))
    joined = with_translation(base, other, "un sombrero de paja que no sea panamá", "a sun hat that is not Panama", lambda c: False,
                              {"type"})
    assert {str(f) for f in joined.filters} == {"type != 'Panama'", "type = 'Sun hat'"}
    base = CrossModalQuery(filters=(Filter(column="finish", op="=", value="White", hard=False),))
    other = CrossModalQuery(filters=(Filter(column="finish", op="=", value="White"), Filter(column="finish", op="=", value="Polished white")))
    joined = with_translation(base, other, "¿hay alguno blanco?", "Is there any white?", lambda c: False)
    assert "White" in {str(f.value) for f in joined.filters}


def test_a_value_the_original_denies_is_never_added_from_the_translation() -> None:
    from xmr_agent.agent.query import CrossModalQuery, Filter
    from xmr_agent.agent.translate import with_translation

    base = CrossModalQuery(filters=(Filter(column="style", op="!=", value="Blue"),))
    other = CrossModalQuery(filters=(Filter(column="style", op="=", value="Blue"),))
    joined = with_translation(base, other, "un queso de oveja que no sea azul", "a sheep's cheese, blue", lambda c: False, {"style"})
    assert {str(f) for f in joined.filters} == {"style != 'Blue'"}


def test_a_byte_that_was_no_utf8_neither_crashes_a_chat_nor_its_saved_state(tmp_path: Path) -> None:
    """A terminal's "\\xff" arrives as a lone surrogate: the turn is answered and the session saved."""
    from xmr_agent.agent.session import Session
    from xmr_agent.agent.state import SessionStore

    header = ["Réf.", "Désignation", "Type de produit", "Prix (€)"]
    rows = [["L1", "Lampe de bureau Forså", "Lampe de bureau", 29], ["L2", "Lampadaire Hektar", "Lampadaire", 69],
            ["L3", "Ampoule Tradfri E27", "Ampoule", 12]]
    agent = ingested_csv(tmp_path, "lampes", header, rows)
    session = Session.open(agent, "s", k=2, store=SessionStore(tmp_path / "sessions"))
    session.send("une lampe de bureau")
    answer = session.send("\x00\x01 garbage \udcff")
    assert answer.recommendations or answer.message
    assert [r.id for r in session.send("un lampadaire").recommendations][:1] == ["L2"]
