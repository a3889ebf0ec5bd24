"""Round five of reading requests: Chinese words that look like negations and are none, German
and Spanish shopping words as language cues, negated audiences ("not for kids"), negations a
translation lost translated on their own, two readings of a request that agree on a kind, and a
shop chat where a message naming an item by its title shows it and "cheaper" is cheaper than it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
from helpers import COLOURS, FACETS, Scripted, ingested_csv

from xmr_agent.agent.answer import Answer
from xmr_agent.agent.critique import parse_critique
from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.meaning import Meanings
from xmr_agent.agent.pipeline import Agent
from xmr_agent.agent.query import CrossModalQuery, Filter
from xmr_agent.agent.rewrite import Rewriter
from xmr_agent.agent.rules import rule_rewrite
from xmr_agent.agent.session import Session
from xmr_agent.agent.translate import Translator
from xmr_agent.encoders.language import detect

NEGATIVE = ("!=", "not_contains", "not_in")


def _rewriter(answers: dict[str, str], language: str | None = "en", **kw: Any) -> tuple[Rewriter, Scripted]:
    llm = Scripted(answers, **kw)
    return Rewriter(FACETS, translator=Translator(llm), language=lambda: language), llm


def _negations(query: CrossModalQuery) -> list[str]:
    """Everything in ``query`` that says what is not wanted."""
    return [*query.avoid, *query.exclude_words, *(str(f) for f in query.filters if f.op in NEGATIVE)]


# -- Chinese words that look like negations -------------------------------------------------------
@pytest.mark.parametrize("request_", [
    "有没有便宜一点的",  # "is there a cheaper one?": 有没有 asks, it negates nothing
    "无线鼠标",  # a wireless mouse: 无 of 无线 is no "without"
    "非常便宜的键盘",  # a very cheap keyboard: 非 of 非常 is no "not"
    "特别好的杯子",  # an especially good cup: 别 of 特别 is no "don't"
    "有别的吗",  # anything else?
    "别的颜色",  # another colour
])
def test_chinese_words_that_only_look_like_negations_negate_nothing(request_: str) -> None:
    query = rule_rewrite(request_, FACETS, k=10)
    assert _negations(query) == [], (request_, query.notes)


def test_is_there_something_cheaper_in_chinese_is_a_price_word_not_a_negation() -> None:
    query = rule_rewrite("有没有便宜一点的", FACETS, k=10)
    assert query.order is not None and query.order.column == "price" and not query.order.descending
    assert not any(f.op in NEGATIVE for f in query.filters)


def test_chinese_negations_still_negate() -> None:
    red = rule_rewrite("不要红色的", FACETS, k=10)  # no red ones: a colour of the table
    assert [str(f) for f in red.filters] == ["colour != 'red'"] and not red.avoid
    roses = rule_rewrite("不要玫瑰", FACETS, k=10)  # no roses: no value of the table, a phrase to avoid
    assert roses.avoid == ("玫瑰",) and roses.exclude_words == ("玫瑰",)
    without = rule_rewrite("没有玫瑰", FACETS, k=10)  # 没有 not after 有 is a negation
    assert without.avoid == ("玫瑰",)


# -- language cues ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("request_", "language"), [
    ("Hundespielzeug bis 10 €", "de"),
    ("Katzenspielzeug, aber keinen Laser", "de"),
    ("un champú por menos de 15 dólares", "es"),
    ("a cheap mug", "en"),
    ("a tent for two under 100", "en"),
    ("the cheapest one", "en"),
    ("a pour-over coffee maker", "en"),
])
def test_german_and_spanish_shopping_words_are_language_cues(request_: str, language: str) -> None:
    assert detect(request_) == language


# -- negated audiences ---------------------------------------------------------------------------
@pytest.mark.parametrize(("request_", "avoid"), [
    ("a backpack but not for kids", "kids"),
    ("un sac à dos, mais pas pour enfant", "enfant"),
    ("ein Rucksack, nicht für Kinder", "kinder"),
])
def test_not_for_an_audience_avoids_the_audience(request_: str, avoid: str) -> None:
    query = rule_rewrite(request_, Facets(), k=10)
    assert query.avoid == (avoid,)
    assert query.exclude_words == (avoid,)


# -- a negation the translation lost ------------------------------------------------------------------
GARDEN_ES = "algo para el jardín que no sea una planta"  # something for the garden that is not a plant


def test_a_negated_word_the_translation_lost_is_translated_on_its_own() -> None:
    phrase = rule_rewrite(GARDEN_ES, FACETS, k=10).avoid
    assert phrase == ("planta",)  # the rules read the Spanish negation, but "planta" is no value of the table
    rewriter, llm = _rewriter({GARDEN_ES: "something for the garden", phrase[0]: "plant"})
    query = rewriter.rewrite(GARDEN_ES)
    assert "type != 'plant'" in {str(f) for f in query.filters}  # the negation, in the catalogue's words
    assert not any(f.column == "type" and f.op == "=" for f in query.filters)
    assert llm.asked == [GARDEN_ES, "planta"]
    assert any("'planta' read in the catalogue's language as 'plant'" in n for n in query.notes)
    assert query.queries[0].text == "something for the garden"


def test_a_lost_negation_of_no_value_is_avoided_in_the_catalogues_words() -> None:
    cycling = "algo para ciclismo que no sea un casco"  # something for cycling that is not a helmet
    rewriter, llm = _rewriter({cycling: "something for cycling", "casco": "helmet"})
    query = rewriter.rewrite(cycling)
    assert "helmet" in query.avoid and "helmet" in query.exclude_words and "casco" in query.avoid
    assert not any(f.op in NEGATIVE for f in query.filters)
    assert llm.calls == 2


def test_a_translation_that_keeps_its_negation_is_not_helped() -> None:
    rewriter, llm = _rewriter({GARDEN_ES: "something for the garden that is not a plant"})
    query = rewriter.rewrite(GARDEN_ES)
    assert "type != 'plant'" in {str(f) for f in query.filters}
    assert llm.calls == 1 and llm.asked == [GARDEN_ES]  # "planta" was not translated a second time
    assert not any("'planta' read in" in n for n in query.notes)


# -- two readings that agree --------------------------------------------------------------------------
#: Words of two languages → one dimension each: a keyword encoder that reads German and English alike.
WORDS = {"plant": 0, "pflanze": 0, "tool": 1, "werkzeug": 1, "seeds": 2, "samen": 2, "furniture": 3, "möbel": 3,
         "lamp": 4, "lampe": 4, "toy": 5, "spielzeug": 5}
SIX_KINDS = ["furniture", "lamp", "plant", "seeds", "tool", "toy"]


class Keywords:
    """A deterministic text encoder: one dimension per kind (its words in English and German), and
    a small constant so that a text without any kind word is no zero vector."""

    def __init__(self) -> None:
        self.roles: list[str] = []

    def encode(self, texts: Sequence[str], modality: str = "text", role: str = "document") -> np.ndarray:
        self.roles.append(role)
        out = np.zeros((len(texts), 7), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().replace(",", " ").split():
                if word in WORDS:
                    out[i, WORDS[word]] += 1.0
            out[i, 6] = 0.1
        return out


def _kinds(values: Sequence[str]) -> Facets:
    return Facets({"type": Facet("type", "string", frozenset(values), canonical={v: v for v in values}),
                   "price": Facet("price", "number", lower=1, upper=100)})


def test_two_readings_that_agree_on_a_kind_make_it_a_condition() -> None:
    encoder = Keywords()
    meanings = Meanings({"text": encoder}, _kinds(SIX_KINDS))
    assert encoder.roles == ["document"]  # the values' names, embedded once
    assert meanings.agreed("eine Pflanze für den Balkon", "a plant for the balcony", set()) == \
        [Filter(column="type", op="=", value="plant", hard=True)]
    assert encoder.roles[1:] == ["query", "query"]
    assert meanings.agreed("Werkzeug", "a tool", set()) == [Filter(column="type", op="=", value="tool")]


@pytest.mark.parametrize(("original", "translation"), [
    ("eine Pflanze", "a tool"),  # the two readings point at different kinds
    ("eine Pflanze", "a plant or a tool"),  # the translation does not point strongly at one
    ("eine Pflanze", "a nice present"),  # the translation names no kind
    ("", "a plant"),  # nothing to read
])
def test_readings_that_disagree_or_hesitate_make_no_condition(original: str, translation: str) -> None:
    assert Meanings({"text": Keywords()}, _kinds(SIX_KINDS)).agreed(original, translation, set()) == []


def test_a_column_the_request_already_conditions_is_left_alone() -> None:
    meanings = Meanings({"text": Keywords()}, _kinds(SIX_KINDS))
    assert meanings.agreed("eine Pflanze", "a plant", {"type"}) == []


def test_the_items_of_each_kind_count_too() -> None:
    """Three kinds: by name alone a kind cannot stand out enough; its items' mean vectors add to it."""
    three = ["plant", "seeds", "tool"]
    encoder = Keywords()
    stored = [{"id": f"{kind}-{n}", "type": kind, "text": encoder.encode([kind])[0].tolist()}
              for kind in three for n in range(2)]
    asked: list[list[str]] = []

    def rows(columns: list[str]) -> list[dict[str, Any]]:
        asked.append(columns)
        return stored

    assert Meanings({"text": Keywords()}, _kinds(three)).agreed("Samen", "seeds", set()) == []  # names only
    with_items = Meanings({"text": encoder}, _kinds(three), rows=rows)
    assert asked == [["text", "type"]]
    assert with_items.agreed("Samen", "seeds", set()) == [Filter(column="type", op="=", value="seeds")]
    assert with_items.agreed("Samen", "a tool", set()) == []


# -- a shop chat: an item looked up by its title, then "cheaper" -----------------------------------
SHOP = [  # id, title, description, price, category
    ("t1", "Summit Expedition Tent", "A four season tent for high mountains and snow", 300, "outdoor"),
    ("t2", "Ridgeline Trekking Tent", "A light two person tent for long hikes", 200, "outdoor"),
    ("t3", "Meadow Weekend Tent", "A simple dome tent for festival weekends", 100, "outdoor"),
    ("m1", "Stoneware Coffee Mug", "A glazed stoneware mug for coffee", 12, "kitchen"),
    ("m2", "Enamel Camping Mug", "A tin mug for tea by the camp fire", 9, "kitchen"),
]


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Agent:
    return ingested_csv(tmp_path_factory.mktemp("round5-shop"), "shop",
                        ["id", "title", "description", "price", "category"], SHOP)


def _prices(answer: Answer) -> list[int]:
    return [r.item["price"] for r in answer.recommendations]


def test_a_title_alone_shows_the_item_and_cheaper_is_cheaper_than_it(shop: Agent) -> None:
    session = Session.open(shop, k=5)  # all five shown: the middle of the list costs 100, not 200
    found = session.send("Ridgeline Trekking Tent")
    assert found.recommendations[0].id == "t2"
    assert session.state.looked_up == ["t2"] and "t2" not in session.state.mentioned
    cheaper = session.send("anything cheaper?")
    assert cheaper.recommendations and "t2" not in [r.id for r in cheaper.recommendations]
    assert all(price < 200 for price in _prices(cheaper))
    assert "price < 200" in (cheaper.where or "")  # than the tent looked up, not the list's middle (100)
    assert [r.id for r in cheaper.recommendations] == ["t3"]  # the same kind of thing: no mugs
    assert not any(t.get("step") == "relax" for t in cheaper.trace)


def test_cheaper_than_the_dearest_tent_looked_up_keeps_the_middle_one(shop: Agent) -> None:
    session = Session.open(shop, k=3)
    assert session.send("Summit Expedition Tent").recommendations[0].id == "t1"
    cheaper = session.send("anything cheaper?")
    ids = [r.id for r in cheaper.recommendations]
    assert "t1" not in ids and all(price < 300 for price in _prices(cheaper))
    assert "t2" in ids  # 200 is cheaper than the tent looked up (the median of what was shown is 200)


def test_a_title_among_other_words_is_a_seed_not_a_look_up(shop: Agent) -> None:
    session = Session.open(shop, k=3)
    answer = session.send("I loved the Ridgeline Trekking Tent, something like it")
    assert session.state.looked_up == [] and "t2" in session.state.mentioned
    assert "t2" not in [r.id for r in answer.recommendations]


def test_an_unnamed_comparison_is_against_the_typical_item_given() -> None:
    shown = [{"id": "t2", "title": "Ridgeline Trekking Tent", "price": 200, "category": "outdoor"},
             {"id": "t1", "title": "Summit Expedition Tent", "price": 300, "category": "outdoor"},
             {"id": "t3", "title": "Meadow Weekend Tent", "price": 100, "category": "outdoor"},
             {"id": "m1", "title": "Stoneware Coffee Mug", "price": 12, "category": "kitchen"},
             {"id": "m2", "title": "Enamel Camping Mug", "price": 9, "category": "kitchen"}]
    facets = Facets({"price": Facet("price", "number", lower=9, upper=300, integer=True)})
    looked_up = parse_critique("cheaper", shown, facets, typical=[shown[0]])
    assert [str(f) for f in looked_up.filters] == ["price < 200"]
    assert looked_up.anchor is not None and looked_up.anchor["price"] == 200
    assert [str(f) for f in parse_critique("cheaper", shown, facets).filters] == ["price < 200"]  # the first one: dearer
    # than the median (100), it is the one looked at
    assert [str(f) for f in parse_critique("cheaper", shown[:1:-1], facets).filters] == ["price < 12"]  # the median
    assert [str(f) for f in parse_critique("pricier", shown, facets, typical=[shown[1]]).filters] == ["price > 300"]
    named = parse_critique("cheaper than the third one", shown, facets, typical=[shown[0]])
    assert [str(f) for f in named.filters] == ["price < 100"]  # an item named wins over the typical one


def test_a_translation_with_only_an_order_drops_the_leftover_original_words() -> None:
    longest = "das teuerste Ding"  # the most expensive thing: no subject, only an order
    rewriter, _ = _rewriter({longest: "the most expensive thing"})
    query = rewriter.rewrite(longest)
    assert query.order is not None and query.order.column == "price" and query.order.descending
    assert not [q for q in query.queries if q.text]  # "das Ding" is not searched: every item answers
    kept = "die teuerste Gartenbank"  # the most expensive garden bench: the translation has a subject
    rewriter, _ = _rewriter({kept: "the most expensive garden bench"})
    assert "garden bench" in " ".join(q.text or "" for q in rewriter.rewrite(kept).queries)


@pytest.mark.parametrize("request_", ["products of Blue Moon", "productos de Blue Moon", "produits de Blue Moon"])
def test_products_of_a_brand_make_the_brand_a_condition(request_: str) -> None:
    brands = Facets({"brand": Facet("brand", "string", frozenset({"blue moon", "acme"}),
                                    canonical={"blue moon": "Blue Moon", "acme": "Acme"})})
    found = [f for f in rule_rewrite(request_, brands, k=10).filters if f.column == "brand"]
    assert found and found[0].hard and str(found[0].value).lower() == "blue moon"


def test_the_first_words_of_a_title_written_as_a_name_name_its_item() -> None:
    from xmr_agent.agent.mentions import TitleIndex

    titles = TitleIndex([("amp", "Kessler Valve 30 Tube Combo"), ("tea", "Darjeeling First Flush Loose Leaf"),
                         ("mug", "Green Tea Mug"), ("lotr", "The Lord of the Rings"), ("war", "The Lord of War")])
    assert titles.find("un ampli dans le style du Kessler Valve 30, mais moins cher") == ["amp"]
    assert titles.find("something like the Darjeeling First Flush but cheaper") == ["tea"]
    assert titles.find("Green Tea for me") == []  # two words without a number: an ordinary phrase
    assert titles.find("like the darjeeling first flush") == []  # not written as a name
    assert titles.find("The Lord of") == []  # two titles begin so, and it ends on a small word


def test_stated_preferences_count_before_guessed_ones() -> None:
    from xmr_agent.agent.order import prefer
    from xmr_agent.types import Hit

    black = Filter(column="colour", op="=", value="black", hard=False)
    beginner = Filter(column="level", op="=", value="beginner", hard=False)
    hits = [Hit("red", 1.0, {"id": "red", "colour": "red", "level": "beginner"}, {}),
            Hit("black", 0.9, {"id": "black", "colour": "black", "level": "pro"}, {}),
            Hit("grey", 0.8, {"id": "grey", "colour": "grey", "level": "pro"}, {})]
    ranked = [h.id for h in prefer(hits, [black, beginner], scoped=True, guessed=[beginner])]
    assert ranked == ["black", "red", "grey"]  # the colour the user said first, the guessed level next


@pytest.mark.parametrize(("request_", "expect"), [
    ("which boots have the best reviews?", "rating"),
    ("posh chocolates for a dinner party", "price"),
])
def test_more_superlative_and_price_words(request_: str, expect: str) -> None:
    facets = Facets({"price": Facet("price", "number", lower=1, upper=90, integer=False),
                     "rating": Facet("rating", "number", lower=1, upper=5, integer=False)})
    order = rule_rewrite(request_, facets, k=10).order
    assert order is not None and order.column == expect and (order.descending or order.mode == "high")


def test_not_one_of_those_names_what_is_not_wanted() -> None:
    assert "usb" in rule_rewrite("a microphone for gigs, not one of those USB ones", Facets(), k=10).avoid


def test_diet_and_level_columns_are_attributes_not_kinds() -> None:
    from xmr_agent.agent.columns import ATTRIBUTE_COLUMNS

    assert {"diet", "level"} <= ATTRIBUTE_COLUMNS


def test_a_column_of_kinds_is_found_by_its_values_when_no_name_says_so() -> None:
    from xmr_agent.agent.columns import kind_columns
    from xmr_agent.agent.order import like_kinds

    lines = {"suitcases", "backpacks", "organisers"}
    travel = Facets({"line": Facet("line", "string", frozenset(lines), canonical={v: v for v in lines}),
                     "colour": Facet("colour", "string", frozenset(COLOURS), canonical={c: c for c in COLOURS})})
    assert "line" in kind_columns(travel) and "colour" not in kind_columns(travel)
    assert "line" not in kind_columns(FACETS)  # a table with a column named as kinds ("type") keeps to it
    like = like_kinds(CrossModalQuery(), [{"id": "v55", "line": "suitcases", "colour": "blue"}], travel)
    assert [str(f) for f in like.filters] == ["line = 'suitcases'"]  # "like the Voyager 55 but cheaper": suitcases
