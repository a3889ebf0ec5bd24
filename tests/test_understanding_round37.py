"""Request understanding, thirty-seventh round: superlatives of heat ("the spiciest hot-pot base"), a Chinese kind named
by the words its items' titles end in ("蚝油", not every kind ending in 油), a value written with digits negated
("anything but 1/72"), a translation that picks one of the kinds a word names ("un kit de coche": the Car Kits), kinds
joined by "&" glossed by each word ("Ställe & Gehege": stables, enclosure), columns of composition and manufacture that
are no kinds, and the first word of titles written in French or Spanish as their head noun."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import FixedTranslation, write_dictd
from helpers import string_facet as _facet

from xmr_agent.agent.columns import kind_columns
from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.glosses import glossed
from xmr_agent.agent.rewrite import Rewriter
from xmr_agent.agent.rules import rule_rewrite
from xmr_agent.agent.values import title_kinds

SAUCES = Facets({"类目": _facet("类目", {"火锅底料", "辣椒酱", "辣椒油"}), "辣度": Facet("辣度", "number", lower=0, upper=5),
                 "价格": Facet("价格", "number", lower=5, upper=60)})


@pytest.mark.parametrize(("text", "descending"), [
    ("what's the spiciest hot pot base you have", True), ("la salsa de chile más picante", True), ("最辣的辣椒油", True),
    ("la sauce la plus piquante", True), ("die schärfste Soße", True), ("the least spicy chili oil", False)])
def test_a_superlative_of_heat_sorts_by_a_column_of_spiciness(text: str, descending: bool) -> None:
    order = rule_rewrite(text, SAUCES).order
    assert order is not None and (order.column, order.descending) == ("辣度", descending)


def _seasonings() -> Facets:
    titles = {"鲜味调料": ("海天上等蚝油 700克", "李锦记旧庄特级蚝油 510克", "莲花味精 400克"),
              "酱油": ("海天金标生抽 1.28升", "李锦记薄盐生抽 500毫升", "千禾零添加酱油 1升"),
              "调味油": ("好人家花椒油 200毫升", "金龙鱼纯香芝麻油 220毫升"), "辣椒油": ("李锦记香辣辣椒油 207毫升",)}
    kinds = Facet("类目", "string", frozenset(titles), canonical={k: k for k in titles}, titles=titles)
    return Facets({"类目": kinds, "价格": Facet("价格", "number", lower=5, upper=60)})


@pytest.mark.parametrize(("text", "kind"), [("想买瓶蚝油", "鲜味调料"), ("再来一瓶生抽", "酱油"), ("要一瓶花椒油", "调味油"),
                                            ("最便宜的辣椒油", "辣椒油")])
def test_a_chinese_word_names_the_kind_whose_titles_end_in_it(text: str, kind: str) -> None:
    kinds = [str(f.value) for f in rule_rewrite(text, _seasonings()).filters if f.column == "类目"]
    assert kinds == [kind]  # 蚝油 (oyster sauce) is no 调味油, 辣椒油 nor 酱油, though each ends in 油


def test_a_word_titles_have_inside_a_run_names_no_kind() -> None:
    assert not [f for f in rule_rewrite("我要零添加的", _seasonings()).filters if f.column == "类目"]  # 零添加 says how


KITS = Facets({"aisle": _facet("aisle", {"Aircraft Kits", "Armor Kits", "Car Kits", "Ship Kits", "Paints"}),
               "scale": _facet("scale", {"1/72", "1/48", "1/35"}), "price": Facet("price", "number", lower=5, upper=300)})


@pytest.mark.parametrize("text", ["an aircraft kit, anything but 1/72, those are too fiddly",
                                  "an aircraft kit, not 1/72", "an aircraft kit but not in 1/72 scale"])
def test_a_value_written_with_digits_is_negated(text: str) -> None:
    filters = {str(f) for f in rule_rewrite(text, KITS).filters}
    assert "scale != '1/72'" in filters and "scale = '1/72'" not in filters


def test_a_price_bound_after_a_negation_is_still_a_bound() -> None:
    assert "price <= 40.0" in {str(f) for f in rule_rewrite("a tank kit not more than 40", KITS).filters}


def test_a_translation_picks_one_of_the_kinds_a_word_names() -> None:
    rewriter = Rewriter(KITS, translator=FixedTranslation("a car kit"), language=lambda: "en")  # type: ignore[arg-type]
    kinds = {str(f) for f in rewriter.rewrite("un kit de coche").filters if f.column == "aisle"}
    assert kinds == {"aisle = 'Car Kits'"}  # "kit" names the four kits; "de coche" says which


@pytest.fixture
def pet_words(dictd: Path) -> Path:
    write_dictd(dictd, "deu-eng", [("ställe", "Ställe\nstables, barns\n"), ("gehege", "Gehege\nenclosure, pen\n"),
                                   ("heu", "Heu\nhay\n"), ("stroh", "Stroh\nstraw\n"), ("käfige", "Käfige\ncages\n")])
    return dictd


@pytest.mark.usefixtures("pet_words")
def test_kinds_joined_by_and_are_glossed_by_each_word() -> None:
    facets = Facets({"sortiment": _facet("sortiment", {"Ställe & Gehege", "Heu & Stroh", "Käfige"}),
                     "preis": Facet("preis", "number", lower=2, upper=200)})
    found = glossed(facets, "de")
    assert found is not None
    glosses = dict(found["sortiment"].canonical)
    assert glosses.get("enclosure") == glosses.get("stables") == "Ställe & Gehege"  # each word's senses, none made of both
    assert glosses.get("hay") == glosses.get("straw") == "Heu & Stroh"  # "hay", a Spanish "there is", is an English noun


def test_a_negated_word_of_a_kind_the_request_names_leaves_its_items_out_not_the_kind() -> None:
    facets = Facets({"section": _facet("section", {"Hay and straw", "Cages", "Snacks"}),
                     "price": Facet("price", "number", lower=2, upper=200)})
    query = rule_rewrite("some timothy hay, not straw", facets)
    assert "section = 'Hay and straw'" in {str(f) for f in query.filters}
    assert "section != 'Hay and straw'" not in {str(f) for f in query.filters}
    assert "straw" in query.exclude_words


def test_columns_of_composition_and_manufacture_are_no_kinds() -> None:
    facets = Facets({"cajon": _facet("cajon", {"Hilo", "Botón", "Cremallera", "Tijeras"}),
                     "composicion": _facet("composicion", {"Algodón", "Poliéster", "Acero", "Piel", "Metal", "Nácar"}),
                     "fabrication": _facet("fabrication", {"France", "Allemagne", "Italie", "Chine", "Suisse", "Espagne"})})
    assert {"cajon"} == kind_columns(facets) & set(facets)


@pytest.mark.parametrize("text", ["eco-friendly sewing thread", "du fil écologique", "du fil ecologique", "环保的线"])
def test_eco_friendly_says_a_yes_no_column_named_so(text: str) -> None:
    facets = Facets({"cajon": _facet("cajon", {"Hilo", "Botón"}), "ecologico": _facet("ecologico", {"Sí", "No"})})
    assert "ecologico = 'Sí'" in {str(f) for f in rule_rewrite(text, facets).filters}


def test_titles_written_in_french_are_headed_by_their_first_word() -> None:
    rows = [{"title": "Chaise pliante dossier haut inclinable", "rayon": "Mobilier de camping"},
            {"title": "Table pliante en bambou 80 x 60 cm", "rayon": "Mobilier de camping"},
            {"title": "Table valise en aluminium 120 cm", "rayon": "Mobilier de camping"},
            {"title": "Réservoir d'eaux grises sur roulettes 40 L", "rayon": "Eau et réservoirs"},
            {"title": "Jerrican d'eau potable 20 L avec robinet", "rayon": "Eau et réservoirs"}]
    heads = title_kinds(rows, ["rayon"]).heads["rayon"]
    assert heads["chais"] == heads["tabl"] == {"mobilier de camping"}
    assert "roulett" not in heads and heads["reservoir"] == {"eau et réservoirs"}  # not the title's last word


PLUMBING = Facets({"section": _facet("section", {"Tapware", "Tools", "Pipe", "Shower heads"}),
                   "origin": _facet("origin", {"China", "Italy", "Spain"}), "price": Facet("price", "number", lower=2, upper=400)})


def test_a_kind_named_as_ware_is_named_by_its_thing() -> None:
    assert "section = 'Tapware'" in {str(f) for f in rule_rewrite("a cheap tap for the kitchen", PLUMBING).filters}


@pytest.mark.parametrize("text", ["tijeras que no sean hechas en China", "scissors not made in China",
                                  "des ciseaux mais pas fabriqués en Chine"])
def test_not_made_in_a_country_leaves_that_country_out(text: str) -> None:
    facets = Facets({"cajon": _facet("cajon", {"Tijeras", "Hilo"}), "origen": _facet("origen", {"China", "España"})})
    query = rule_rewrite(text, facets)
    assert "origen != 'China'" in {str(f) for f in query.filters}
    assert not any("hech" in w or "fabri" in w for w in query.exclude_words)  # "made" is no word the items are without


def test_a_number_with_decimals_after_for_is_a_price_not_people() -> None:
    facets = Facets({"sortiment": _facet("sortiment", {"Futter", "Snacks"}), "preis": Facet("preis", "number", lower=1, upper=90)})
    assert "preis <= 5.5" in {str(f) for f in rule_rewrite("food for 5.50 or less, any animal", facets).filters}


def test_a_colour_before_an_ing_word_makes_it_a_thing() -> None:
    kinds = Facets({"aisle": _facet("aisle", {"Paints", "Airbrushes", "Tools"}), "colour": _facet("colour", {"White", "Red"})})
    assert "aisle = 'Paints'" in {str(f) for f in rule_rewrite("some white painting", kinds).filters}



@pytest.mark.parametrize(("text", "bound"), [("火锅底料，二十块以内的", 20.0), ("不超过三十块的醋", 30.0), ("三十块钱以下的醋", 30.0),
                                             ("两千五百元以内", 2500.0)])
def test_a_chinese_number_before_a_currency_is_a_price(text: str, bound: float) -> None:
    assert f"价格 <= {bound}" in {str(f) for f in Rewriter(SAUCES).rewrite(text).filters}


def test_one_piece_is_no_price() -> None:
    assert not [f for f in Rewriter(SAUCES).rewrite("要一块辣椒酱").filters if f.column == "价格"]  # 块: a piece, too


@pytest.mark.parametrize(("text", "mode"), [("was richtig Scharfes, Chiliöl oder Chilisoße", "high"),
                                            ("a chili oil that's only mildly hot", "low"), ("une sauce pas trop piquante", "low"),
                                            ("很辣的辣椒酱", "high"), ("微辣的火锅底料", "low"),
                                            ("hot pot soup base but nothing spicy, the kids are eating with us", "low")])
def test_words_of_heat_order_a_column_of_spiciness(text: str, mode: str) -> None:
    order = rule_rewrite(text, SAUCES).order
    assert order is not None and (order.column, order.mode) == ("辣度", mode)


def test_a_brand_that_is_a_titles_only_chinese_word_names_no_item() -> None:
    from xmr_agent.agent.mentions import TitleIndex, named_items

    titles = TitleIndex([("TW-142", "李锦记XO酱 80克"), ("TW-140", "李锦记海鲜酱 240克"), ("TW-138", "六必居甜面酱 300克")],
                        makers=["李锦记", "六必居"])
    assert named_items(titles, "要李锦记的", (), seeds=False)[0] == []  # the maker's name, not the XO sauce's
    facets = Facets({"品牌": _facet("品牌", {"李锦记", "六必居"}), "类目": _facet("类目", {"酱类", "醋"})})
    assert "品牌 = '李锦记'" in {str(f) for f in rule_rewrite("李锦记的酱有哪些", facets).filters}


def test_a_word_read_in_a_dictionary_names_a_kind_named_as_ware(dictd: Path) -> None:
    from xmr_agent.agent import glossary

    write_dictd(dictd, "deu-eng", [("wasserhahn", "Wasserhahn\nwater tap, faucet\n")])
    assert [str(f) for f in glossary.kinds("ein Wasserhahn", "de", PLUMBING)] == ["section = 'Tapware'"]


def test_a_word_of_heat_inside_a_kind_asks_for_no_heat() -> None:
    facets = Facets({"tipo": _facet("tipo", {"Salsa picante", "Salsas frías", "Especias"}),
                     "picor": Facet("picor", "number", lower=0, upper=5), "precio": Facet("precio", "number", lower=2, upper=12)})
    query = rule_rewrite("una salsa picante barata", facets)
    assert query.order is not None and query.order.column == "precio"  # the Salsa picante, cheapest first
    assert "tipo = 'Salsa picante'" in {str(f) for f in query.filters}
