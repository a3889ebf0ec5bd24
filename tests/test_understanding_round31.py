"""Request understanding, thirty-first round: a German plural with an umlaut read as its singular ("Fleischwölfe"); a
stated maximum over a budget said around it; scales written as ratios ("1:24", "1/10"); "sauf ceux pour le drift" (the
ones for drift left out); a negated foreign word read in the dictionary when the titles use one of its senses
("keinen Bausatz": no kit); an English word a foreign catalogue names a kind with ("Shaker"); and a chat turn that
names a material only, its kind guessed by meaning, still about the thing being looked at."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import string_facet as _facet
from helpers import write_dictd

from xmr_agent.agent.dictionaries import read_dictd, senses
from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.rules import rule_rewrite

HOBBY = Facets({
    "pit_section": _facet("pit_section", {"Car", "Truck", "Tyres", "Body shell", "Servo"}),
    "scale": _facet("scale", {"1:8", "1:10", "1:24"}),
    "colour": _facet("colour", {"White", "Red", "Blue"}),
    "our_price": Facet("our_price", "number", lower=5, upper=900),
})


def _filters(text: str, facets: Facets = HOBBY) -> set[str]:
    return {str(f) for f in rule_rewrite(text, facets).filters}


def test_a_german_plural_with_an_umlaut_is_read_as_its_singular(tmp_path: Path) -> None:
    write_dictd(tmp_path, "deu-eng", [("fleischwolf", "Fleischwolf\nmeat grinder\n"), ("wolf", "Wolf\nwolf\n"),
                                      ("wölfe", "Wölfe\nwolves\n"), ("hand", "Hand\nhand\n")])
    german = read_dictd(tmp_path / "freedict-deu-eng.index", tmp_path / "freedict-deu-eng.dict.dz")
    assert senses("Fleischwölfe", "de", german) == ("meat grinder",)  # the whole word, not its last part's wolves
    assert senses("Hände", "de", german) == ("hand",)


def test_a_stated_maximum_wins_over_a_budget_said_around_it() -> None:
    assert _filters("a truck for around 500 pounds, I can stretch to 600 max") == {"our_price <= 600.0", "pit_section = 'Truck'"}
    assert "our_price <= 300.0" in _filters("a car for 300 pounds")  # a budget alone still bounds


@pytest.mark.parametrize(("text", "scale"), [("got anything in 1:24 scale?", "1:24"), ("a truck in 1/10 scale", "1:10"),
                                             ("ein Auto im Maßstab 1:8", "1:8")])
def test_a_scale_written_as_a_ratio_is_a_value(text: str, scale: str) -> None:
    assert any(f"scale = '{scale}'" in f for f in _filters(text))


def test_a_ratio_inside_a_longer_number_is_no_value() -> None:
    assert not any("scale" in f for f in _filters("a body shell 11:10 or 1:100"))


@pytest.mark.parametrize("text", ["des pneus, sauf ceux pour le drift", "tyres, but not the ones for drift",
                                  "neumaticos pero no los de drift", "Reifen, aber nicht die für Drift"])
def test_the_ones_left_out_are_read_by_what_says_which(text: str) -> None:
    query = rule_rewrite(text, HOBBY)
    assert query.avoid == ("drift",)


def test_a_negated_foreign_word_is_read_by_the_sense_the_titles_use(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from xmr_agent.agent import senses as sensing
    from xmr_agent.agent.values import stem_phrase

    write_dictd(tmp_path, "deu-eng", [("bausatz", "Bausatz\nconstruction kit\nself-assembly kit\n")])
    german = read_dictd(tmp_path / "freedict-deu-eng.index", tmp_path / "freedict-deu-eng.dict.dz")
    monkeypatch.setattr(sensing.dictionaries, "load", lambda language: german if language == "de" else None)
    titled = {stem_phrase(w) for w in "Tamiya Hornet buggy kit Traxxas Slash RTR".split()}
    assert sensing.titled_sense("Bausatz", "de", titled) == "kit"
    assert sensing.titled_sense("Bausatz", "de", {stem_phrase("buggy")}) is None  # no title says it: the translator's
    assert sensing.titled_sense("kit", "en", titled) is None  # an English word is read as it is


def test_an_english_word_naming_a_foreign_kind_glosses_as_itself(tmp_path: Path) -> None:
    from xmr_agent.agent.cognates import loaned as _loaned

    write_dictd(tmp_path, "fra-eng", [("passoire", "passoire\nsieve\n")])
    french = read_dictd(tmp_path / "freedict-fra-eng.index", tmp_path / "freedict-fra-eng.dict.dz")
    assert _loaned("Shaker", french) == ("shaker",)
    assert _loaned("Passoire", french) == ()  # the dictionary's own word
    assert _loaned("Moule à glaçons", french) == ()  # one word only


def test_a_chat_turn_naming_a_material_is_about_the_thing_looked_at_even_with_a_kind_guessed() -> None:
    from xmr_agent.agent.query import CrossModalQuery, Filter, SubQuery, guessed_note
    from xmr_agent.agent.topic import _only_conditions

    bar = Facets({"rayon": _facet("rayon", {"Cuillère de bar", "Amers et sirops", "Passoire"}),
                  "matiere": _facet("matiere", {"Cuivre", "Inox"})})
    guessed = Filter(column="rayon", op="=", value="Amers et sirops", hard=False)
    request = CrossModalQuery(queries=(SubQuery(text="n'importe quoi en cuivre"),),
                              filters=(Filter(column="matiere", op="=", value="Cuivre"), guessed),
                              notes=(guessed_note(guessed),))
    assert _only_conditions(request, bar)
    named = request.model_copy(update={"notes": ()})  # a kind said by its words is another subject
    assert not _only_conditions(named, bar)


TEA = Facets({
    "品类": _facet("品类", {"茶壶", "烧水壶", "茶杯", "公道杯", "茶盘", "茶具套装"}),
    "材质": _facet("材质", {"玻璃", "陶瓷", "竹", "紫砂"}),
    "颜色": _facet("颜色", {"红色", "白色", "透明"}),
    "售价_元": Facet("售价_元", "number", lower=39, upper=1280),
})


@pytest.mark.parametrize(("text", "kinds"), [
    ("想买个杯子", {"茶杯", "公道杯"}),  # a cup: every kind that ends in 杯
    ("有没有便宜点的水壶", {"烧水壶"}),  # two characters name the one kind ending so
    ("想买个壶", {"茶壶", "烧水壶"}),
    ("最便宜的茶壶", {"茶壶"}),  # a kind named whole is that kind alone
    ("不要玻璃的杯子", {"茶杯", "公道杯"}),  # the negation leaves out glass, the cups are still wanted
])
def test_a_chinese_word_names_the_kinds_that_end_as_it_does(text: str, kinds: set[str]) -> None:
    found = {str(f.value) for f in rule_rewrite(text, TEA).filters if f.column == "品类" and f.op == "="}
    assert found == kinds


def test_a_chinese_word_that_ends_otherwise_or_names_one_kind_by_one_character_names_none() -> None:
    assert not any(f.column == "品类" for f in rule_rewrite("杯垫", TEA).filters)  # a coaster ends in 垫
    assert not any(f.column == "品类" for f in rule_rewrite("一件服装", TEA).filters)  # 装: one kind, one character
    assert {str(f) for f in rule_rewrite("不要杯子", TEA).filters} == {"品类 != '茶杯'", "品类 != '公道杯'"}
    assert {str(f) for f in rule_rewrite("红色的杯子", TEA).filters} >= {"颜色 = '红色' (preferred)"}


def test_a_yes_no_column_named_in_chinese_reads_requests() -> None:
    baking = Facets({"商品类目": _facet("商品类目", {"厨师机", "蛋糕模具"}), "可进洗碗机": _facet("可进洗碗机", {"是", "否"})})
    for text in ("looking for a stand mixer", "可以放洗碗机的模具", "un moule"):  # a name with no English plural
        rule_rewrite(text, baking)  # (its pattern had failed to compile: every request on the table had failed)


def test_a_rule_that_fails_on_a_catalogue_leaves_the_request_searched_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    from xmr_agent.agent.rewrite import Rewriter

    rewriter = Rewriter(HOBBY)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a rule's bug")

    monkeypatch.setattr(rewriter, "_read", broken)
    query = rewriter.rewrite("a red truck", k=3)
    assert [q.text for q in query.queries] == ["a red truck"] and query.k == 3 and not query.filters
    assert "could not be read (RuntimeError)" in query.notes[0]


def test_a_column_of_descriptions_has_no_values_to_filter_on() -> None:
    import pyarrow as pa

    from xmr_agent.agent.filters import _facet

    described = pa.chunked_array([[f"一竿双梢，适合新手打翘嘴第{n}号。" for n in range(8)]])
    assert not _facet(pa.field("商品描述", pa.string()), described).categorical  # (it had been taken for the kinds)
    english = pa.chunked_array([[f"A light rod for trout, number {n}." for n in range(8)]])
    assert not _facet(pa.field("blurb", pa.string()), english).categorical
    kinds = pa.chunked_array([["鱼竿", "鱼竿", "鱼钩", "渔轮", "浮漂", "抄网", "鱼线", "饵料"]])
    assert _facet(pa.field("装备分类", pa.string()), kinds).categorical


@pytest.mark.parametrize(("text", "flag"), [("有包邮的鱼钩吗", "是否包邮 = '是'"), ("可进洗碗机的鱼竿", "可进洗碗机 = '是'"),
                                            ("鱼钩，不包邮", "是否包邮 != '是'")])
def test_a_yes_no_column_named_whether_in_chinese(text: str, flag: str) -> None:
    tackle = Facets({"装备分类": _facet("装备分类", {"鱼钩", "鱼竿"}), "是否包邮": _facet("是否包邮", {"是", "否"}),
                     "可进洗碗机": _facet("可进洗碗机", {"是", "否"})})
    assert flag in _filters(text, tackle)


def test_the_ones_left_out_said_at_length_and_the_words_for_weatherproof() -> None:
    birding = Facets({"kit_type": _facet("kit_type", {"Binoculars", "Hide", "Tripod"}),
                      "country_of_make": _facet("country_of_make", {"China", "Japan", "Austria"}),
                      "weatherproof": _facet("weatherproof", {"Yes", "No"})})
    assert "country_of_make != 'China'" in _filters("binoculars, anything except the ones made in China", birding)
    for text in ("waterproof binoculars", "binoculars that can take the rain", "prismaticos que aguanten la lluvia"):
        assert "weatherproof = 'Yes'" in _filters(text, birding)


def test_a_chinese_material_named_by_its_last_character_and_a_kind_by_the_characters_it_shares() -> None:
    baking = Facets({"商品类目": _facet("商品类目", {"擀面杖", "厨房秤", "蛋糕模具"}),
                     "材质": _facet("材质", {"枫木", "榉木", "不锈钢", "硅胶", "大理石"}),
                     "颜色": _facet("颜色", {"红色", "白色", "黑色"})})
    assert _filters("木头的擀面杖", baking) >= {"材质 = '枫木' (preferred)", "材质 = '榉木' (preferred)", "商品类目 = '擀面杖'"}
    assert not any("颜色" in f for f in _filters("什么颜色都行", baking))  # every colour ends in 色: none named
    tackle = Facets({"装备分类": _facet("装备分类", {"路亚饵", "饵料", "鱼钩"})})
    assert "装备分类 = '路亚饵'" in _filters("路亚假饵 30块以下的", tackle)  # 饵 of one kind, 路亚 shared


def test_the_translator_is_told_the_catalogues_kinds() -> None:
    from xmr_agent.agent.translate import Translator
    from xmr_agent.testing import ScriptedLLM

    llm = ScriptedLLM(["渔轮", "转盘"])
    translator = Translator(llm)
    assert translator("un moulinet", "zh", ["鱼竿", "渔轮"]) == "渔轮"
    assert "鱼竿, 渔轮" in llm.calls[0]["messages"][0]["content"]  # the shop's own words, for the model to use
    assert translator("un moulinet", "zh") == "转盘"  # asked again without them: another prompt, not the cache
    assert "own names" not in llm.calls[1]["messages"][0]["content"]


def test_one_word_of_a_chinese_shops_title_names_no_item_and_a_whole_chinese_title_does() -> None:
    from xmr_agent.agent.mentions import TitleIndex

    titles = TitleIndex([("WJ-4", "得力 订书机 标准型"), ("WJ-8", "得力 大号订书机 重型"), ("BK-1", "活着")])
    assert titles.spans("最便宜的订书机") == []  # a kind of item, read as such
    assert titles.find("像《活着》这样的书") == ["BK-1"]


@pytest.mark.parametrize(("cell", "amount"), [("45元", 45.0), ("￥89", 89.0), ("NZ$ 30", 30.0), ("12 euros", 12.0),
                                              ("30块", 30.0), ("¥18", 18.0)])
def test_a_price_written_with_its_currency_is_its_number(cell: str, amount: float) -> None:
    from xmr_agent.ingestion.readers import _money

    assert _money(cell) == amount
