"""Request understanding, tenth round: who an item is for ("for my wife", "kids", "送女朋友"),
headers that differ from "id" and "title" in case only, the sense of a foreign word its
translation chose, and title heads that are function words."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from xmr_agent.agent.audience import audience_columns
from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.rules import rule_rewrite
from xmr_agent.agent.values import title_head
from xmr_agent.assembly import open_catalog
from xmr_agent.cli import main


def _people() -> Facets:
    groups = {"women", "men", "unisex", "kids"}
    return Facets({"audience": Facet("audience", "string", frozenset(groups), canonical={g: g for g in groups}),
                   "min_age": Facet("min_age", "number", lower=0, upper=18, integer=True),
                   "price": Facet("price", "number", lower=5, upper=300)})


def _filters(text: str, facets: Facets) -> set[str]:
    return {str(f) for f in rule_rewrite(text, facets, k=3).filters}


@pytest.mark.parametrize(("request_", "group"), [
    ("an affordable gift for her", "women"), ("a watch for my husband", "men"),
    ("birthday present for my dad, he likes woody smells", "men"), ("un parfum pour ma femme", "women"),
    ("ein Geschenk für meinen Vater", "men"), ("un regalo para mi novia", "women"), ("想买瓶香水送女朋友", "women"),
    ("A perfume for your girlfriend", "women")])
def test_words_for_people_name_the_group_an_item_is_for(request_: str, group: str) -> None:
    query = rule_rewrite(request_, _people(), k=3)
    said = [f for f in query.filters if f.column == "audience"]
    others = {("!=", g) for g in ("women", "men", "kids") if g != group}
    assert {(f.op, f.value) for f in said if f.hard} == others, request_  # unisex, or nothing said, stays
    assert [f.value for f in said if not f.hard] == [group]  # theirs first
    assert all(f in query.gives_way() for f in said if f.hard)  # they give way when nothing for that group is left


@pytest.mark.parametrize(("request_", "group"), [("Herrenuhr unter 200 Euro", "men"), ("un parfum homme", "men"),
                                                 ("ladies' gloves", "women"), ("女士香水", "women")])
def test_a_word_for_the_group_itself_asks_for_its_items(request_: str, group: str) -> None:
    groups = {"women", "men", "kids"}  # no items for everyone: the group's items only
    facets = Facets({**_people(), "audience": Facet("audience", "string", frozenset(groups), canonical={g: g for g in groups})})
    query = rule_rewrite(request_, facets, k=3)
    said = [f for f in query.filters if f.column == "audience"]
    assert [str(f) for f in said] == [f"audience = '{group}'"], request_
    assert said[0] in query.gives_way()
    unisex = rule_rewrite(request_, _people(), k=3)  # with unisex items: those too, the group's first
    said = [f for f in unisex.filters if f.column == "audience"]
    assert {(f.op, f.value) for f in said if f.hard} == {("!=", g) for g in ("women", "men", "kids") if g != group}
    assert [f.value for f in said if not f.hard] == [group]


def test_words_that_mention_people_without_saying_who_it_is_for_name_no_group() -> None:
    for request_ in ("my daughter is 7 and wants jewelry like mummy does", "a bag, she likes red",
                     "what kind of watch is waterproof"):
        assert not [f for f in rule_rewrite(request_, _people(), k=3).filters if f.column == "audience"], request_


def test_children_bound_a_minimum_age_and_adults_are_left_to_the_search() -> None:
    assert "min_age <= 10" in _filters("kids costume, nothing scary", _people())
    adults = rule_rewrite("a party game for adults", _people(), k=3)  # every item suits adults
    assert not [f for f in adults.filters if f.column == "min_age"]


def test_a_negated_group_is_no_condition_on_it() -> None:
    assert not [f for f in rule_rewrite("un sac à dos, mais pas pour enfant", _people(), k=3).filters
                if f.column == "min_age" and f.op == "<="]


def test_a_value_the_user_names_is_kept_and_not_read_twice() -> None:
    assert [str(f) for f in rule_rewrite("a perfume for women", _people(), k=3).filters
            if f.column == "audience"] == ["audience = 'women'"]
    kids = [str(f) for f in rule_rewrite("boots for toddlers", _people(), k=3).filters if f.column == "audience"]
    assert kids == ["audience = 'kids'"]  # children's things: the kids' items


def test_only_a_column_naming_two_groups_of_people_is_an_audience() -> None:
    kinds = {"kids", "tents", "lamps"}
    facets = Facets({"kind": Facet("kind", "string", frozenset(kinds), canonical={k: k for k in kinds})})
    assert audience_columns(facets) == {}
    assert audience_columns(_people()) == {"audience": {"women": "women", "men": "men", "kids": "kids",
                                                        "unisex": "unisex"}}


def test_a_title_ending_in_a_function_word_has_no_head() -> None:
    assert title_head("Me Before You") is None
    assert title_head("Godox V1 Round Head Flash for Sony") == "flash"


@pytest.mark.parametrize("header", ["ID,Title,Details,cost", "Id,TITLE,Details,cost"])
def test_id_and_title_headers_in_capitals_are_the_id_and_the_title(tmp_path: Path, header: str) -> None:
    path = tmp_path / "shop.csv"
    path.write_text(f"{header}\na1,Red Kettle,A red kettle,12\na2,Blue Mug,A blue mug,5\n", encoding="utf-8")
    done = CliRunner().invoke(main, ["ingest", str(path), "--db", str(tmp_path / "db"), "--no-progress"])
    assert done.exit_code == 0, done.output
    catalog = open_catalog(str(tmp_path / "db"), "catalog")
    assert sorted((r["id"], r["title"]) for r in catalog.get(["a1", "a2"])) == [("a1", "Red Kettle"), ("a2", "Blue Mug")]
    assert "title_2" not in catalog.schema().names


# -- foreign words read through the catalogue's titles -------------------------------------------------------------
def _shop() -> Facets:
    kinds = {"camping", "kitchen", "decor"}
    return Facets({"category": Facet("category", "string", frozenset(kinds), canonical={k: k for k in kinds}),
                   "price": Facet("price", "number", lower=5, upper=400)})


HEADS = {"category": {"tent": frozenset({"camping"}), "mat": frozenset({"camping"}), "mug": frozenset({"kitchen"}),
                      "tray": frozenset({"kitchen"}), "blanket": frozenset({"decor"})}}
WORDS = {"zelt": ("tent",), "tasse": ("tray", "cup", "mug"), "billig": ("cheap",), "parfum": ("perfume", "cologne"),
         "kolonie": ("colony", "cologne")}


@pytest.fixture
def dictionary(monkeypatch: pytest.MonkeyPatch) -> None:
    from xmr_agent.agent import glossary

    monkeypatch.setattr(glossary, "load", lambda language: glossary.Dictionary(WORDS) if language == "de" else None)


def test_a_foreign_noun_names_the_kind_of_the_items_its_sense_heads_the_titles_of(dictionary: None) -> None:
    from xmr_agent.agent import glossary

    titled: list = []
    found = glossary.kinds("ein billiges Zelt", "de", _shop(), translation="a cheap mat", heads=HEADS, titled=titled)
    assert [(f.column, f.value) for f in found] == [("category", "camping")] and titled == found
    assert glossary.head_nouns("ein billiges Zelt", "de", HEADS, "a cheap mat") == ["tent"]  # the translation lost it
    assert glossary.head_nouns("ein billiges Zelt", "de", HEADS, "a cheap tent") == []
    assert glossary.head_nouns("keine Tassen", "de", HEADS) == ["tray", "mug"]  # every sense, to leave out


def test_the_sense_the_translation_chose_is_the_one_read(dictionary: None) -> None:
    from xmr_agent.agent import glossary

    kinds = {"eau de parfum", "cologne", "gift set"}
    perfumes = Facets({"product_type": Facet("product_type", "string", frozenset(kinds), canonical={k: k for k in kinds})})
    assert glossary.kinds("ein Parfum", "de", perfumes, translation="a perfume") == []  # not a cologne
    assert [f.value for f in glossary.kinds("ein Parfum", "de", perfumes)] == ["cologne"]
    known = {"perfum", "cologn", "gift", "set"}  # the catalogue's words: a "colony" is none of them
    assert [f.value for f in glossary.kinds("eine Kolonie", "de", perfumes, translation="a colony", known=known)] == \
        ["cologne"]


def test_a_mistranslated_noun_is_searched_in_its_dictionary_sense_and_a_negated_one_left_out(dictionary: None) -> None:
    from helpers import Scripted

    from xmr_agent.agent.rewrite import Rewriter
    from xmr_agent.agent.translate import Translator

    translator = Translator(Scripted({"ein billiges Zelt": "a cheap mat", "Küchensachen, aber keine Tassen":
                                      "Kitchenware, but no cups"}))
    heads = type("Nouns", (dict,), {"heads": HEADS})()
    rewriter = Rewriter(_shop(), translator=translator, language=lambda: "en", nouns=lambda: heads)
    tent = rewriter.rewrite("ein billiges Zelt")
    assert tent.queries[0].text == "tent" and "a mat" not in [q.text for q in tent.queries], tent.queries
    assert ("category", "camping") in [(f.column, f.value) for f in tent.guessed()]  # it gives way, as titles do
    assert "mug" in rewriter.rewrite("Küchensachen, aber keine Tassen").exclude_words


# -- negations keep the items that say nothing of what is negated -------------------------------------------------
def test_a_negated_value_keeps_items_with_no_value_and_a_negated_pair_is_left_out_by_name() -> None:
    from xmr_agent.agent.filters import compile_one, satisfies
    from xmr_agent.agent.query import Filter

    colours = {"black", "white", "red"}
    facets = Facets({"colour": Facet("colour", "string", frozenset(colours), canonical={c: c for c in colours}),
                     "category": Facet("category", "string", frozenset({"film"}), canonical={"film": "Film"})})
    not_black = Filter(column="colour", op="!=", value="black")
    assert compile_one(not_black, facets) == "(colour IS NULL OR colour <> 'black')"
    assert satisfies({"colour": None}, not_black) and not satisfies({"colour": "black"}, not_black)
    query = rule_rewrite("35mm film but not black and white", facets, k=3)
    assert "colour != 'black'" in [str(f) for f in query.filters] and "black and white" in query.exclude_words


# -- items named by a model's words, a product line, or likened to later -----------------------------------------
def _titles():
    from xmr_agent.agent.mentions import TitleIndex

    return TitleIndex([("xt30", "Fujifilm X-T30 II Mirrorless Camera Body"), ("r50", "Canon EOS R50 Mirrorless Camera Body"),
                       ("edp", "Noir Santal Eau de Parfum"), ("candle", "Noir Santal Travel Tin Candle"),
                       ("oil", "Noir Santal Beard Oil 30ml"), ("tent", "Red Family Tent"), ("card", "Drawing Card A4")])


@pytest.mark.parametrize(("text", "like"), [
    ("something like the X-T30 II but cheaper", ["xt30"]), ("跟富士X-T30 II差不多但是便宜一点的相机", ["xt30"]),
    ("like Noir Santal but not so expensive", ["edp", "candle", "oil"]),  # a product line: its items
    ("the Red Family Tent is too much, something cheaper like it", ["tent"]),
    ("I need A4 paper", []), ("a bag for my R50", []), ("noir santal candles", [])])
def test_items_named_by_model_words_a_product_line_or_likened_later(text: str, like: list[str]) -> None:
    from xmr_agent.agent.mentions import named_items

    assert named_items(_titles(), text, (), seeds=False)[1] == like


def test_a_relative_price_word_after_an_item_to_be_like_is_a_comparison_with_it() -> None:
    from xmr_agent.agent.order import against
    from xmr_agent.agent.query import CrossModalQuery, Order

    query = CrossModalQuery(order=Order(column="price", mode="low"))
    compared = against(query, {"id": "edp", "title": "Noir Santal", "price": 145}, likened=True)
    assert compared.order is None and [str(f) for f in compared.filters] == ["price < 145"]
    assert against(query, {"id": "edp", "price": 145}).order == query.order  # no likeness: still "cheap"


def test_ages_in_chinese_numerals_bound_the_minimum_age_before_the_word_for_children() -> None:
    from xmr_agent.agent.lexicon import cjk_number

    assert [cjk_number(t) for t in ("三", "十", "十二", "二十", "两", "三十五", "abc")] == [3, 10, 12, 20, 2, 35, None]
    assert [str(f) for f in rule_rewrite("适合三岁小孩的积木", _people(), k=3).filters if f.column == "min_age"] == \
        ["min_age <= 3"]


def test_the_request_head_noun_as_titles_end_picks_what_a_superlative_ranges_over() -> None:
    from xmr_agent.agent.order import apply_order
    from xmr_agent.types import Hit

    kinds = {"racket sports", "running"}
    facets = Facets({"sport": Facet("sport", "string", frozenset(kinds), canonical={k: k for k in kinds}),
                     "price": Facet("price", "number", lower=5, upper=300)})
    from xmr_agent.agent.values import title_kinds

    nouns = title_kinds([{"title": "Junior Tennis Racket (25 inch)", "sport": "racket sports"},
                         {"title": "Tennis Balls (tube of 4)", "sport": "racket sports"},
                         {"title": "Trail Running Shoes", "sport": "running"}], ["sport"])
    query = rule_rewrite("the cheapest tennis racket", facets, k=3, nouns=nouns)
    assert query.head == "racket" and query.order is not None
    items = [("balls", "Tennis Balls (tube of 4)", 6), ("junior", "Junior Tennis Racket (25 inch)", 25),
             ("pro", "Pro Graphite Tennis Racket", 140)]
    fused = [Hit(i, 1.0, {"id": i, "title": t, "price": p}, {"vector:text": 0.8}) for i, t, p in items]
    assert [h.id for h in apply_order(query.order, fused, head=query.head)][:2] == ["junior", "pro"]
    assert [h.id for h in apply_order(query.order, fused)][0] == "balls"  # without the head: the cheapest thing


# -- a catalogue in another language than English --------------------------------------------------------------------
def test_an_english_request_in_a_german_catalogue_is_searched_by_the_multilingual_encoder() -> None:
    from xmr_agent.encoders.language import for_language

    class Enc:
        def __init__(self, languages: frozenset[str] | None) -> None:
            self.languages, self.modalities = languages, frozenset({"text"})

    both = {"minilm": Enc(frozenset({"en"})), "e5": Enc(None)}
    assert for_language("a rain jacket for my husband", both) == ["minilm"]
    assert for_language("a rain jacket for my husband", both, "de") == ["e5"]  # MiniLM cannot read the documents
    assert for_language("a rain jacket for my husband", both, "en") == ["minilm"]


def test_a_hand_written_german_catalogue_answers_english_requests_for_people(tmp_path: Path) -> None:
    path = tmp_path / "laden.csv"
    path.write_text("Artikel,Title,Beschreibung,Preis (€),Kategorie,Zielgruppe\n"
                    "A1,Regenjacke Nordkap,Wasserdichte Regenjacke mit Kapuze für Damen,89.90,Jacken,Damen\n"
                    "A2,Regenjacke Nordkap Herren,Wasserdichte Regenjacke mit Kapuze für Herren,89.90,Jacken,Herren\n"
                    "A3,Kinder Regenjacke Pfütze,Leichte Regenjacke für Kinder,39.90,Jacken,Kinder\n"
                    "A4,Wollmütze Fjell,Mütze aus Merinowolle,29.90,Accessoires,Unisex\n"
                    "A5,Wanderschuh Gipfel,Robuster Wanderschuh für Herren,129.00,Schuhe,Herren\n", encoding="utf-8")
    done = CliRunner().invoke(main, ["ingest", str(path), "--db", str(tmp_path / "db"), "--no-progress"])
    assert done.exit_code == 0, done.output
    from xmr_agent.assembly import build_agent

    agent = build_agent(open_catalog(str(tmp_path / "db"), "catalog"))
    assert agent.catalog.text_language() == "de"
    answer = agent.ask("a rain jacket for my husband under 100 euros", k=2)
    assert answer.recommendations[0].id == "A2", [r.id for r in answer.recommendations]
    assert all(r.item["zielgruppe"] in ("Herren", "Unisex", None) for r in answer.recommendations)


def test_a_head_noun_that_titles_of_other_kinds_use_too_names_no_kind() -> None:
    from xmr_agent.agent.values import title_kinds

    rows = [{"title": "Traffic Jam Logic Game", "category": "brain teaser"},
            {"title": "Neoprene Playmat for Card Games", "category": "accessories"},
            {"title": "Junior Tennis Racket (25 inch)", "category": "racket sports"},
            {"title": "Tennis Balls (tube of 4)", "category": "racket sports"}]
    kinds = {"brain teaser", "accessories", "racket sports"}
    facets = Facets({"category": Facet("category", "string", frozenset(kinds), canonical={k: k for k in kinds}),
                     "price": Facet("price", "number", lower=5, upper=300)})
    nouns = title_kinds(rows, ["category"])
    game = rule_rewrite("the longest game you have", facets, k=3, nouns=nouns)
    assert game.head is None and not [f for f in game.filters if f.column == "category"]
    racket = rule_rewrite("the cheapest racket", facets, k=3, nouns=nouns)
    assert racket.head == "racket" and "category = 'racket sports'" in [str(f) for f in racket.filters]


def test_an_adjective_in_y_is_named_by_the_adjective_of_its_noun() -> None:
    scents = {"woody", "floral", "fresh"}
    facets = Facets({"scent": Facet("scent", "string", frozenset(scents), canonical={v: v for v in scents})})
    assert "scent = 'woody' (preferred)" in [str(f) for f in rule_rewrite("a wooden perfume", facets, k=3).filters]


def test_a_head_noun_most_of_whose_titles_are_of_its_kind_still_names_it() -> None:
    from xmr_agent.agent.values import title_kinds

    rows = [{"title": "Maison Delorme Brut Champagne", "style": "sparkling"},
            {"title": "Rosé Champagne", "style": "sparkling"}, {"title": "Vintage Champagne", "style": "sparkling"},
            {"title": "Cristallo Champagne Flutes (set of 6)", "style": "accessories"}]
    styles = {"sparkling", "accessories", "red"}
    facets = Facets({"style": Facet("style", "string", frozenset(styles), canonical={k: k for k in styles})})
    query = rule_rewrite("a bottle of champagne for an anniversary", facets, k=3, nouns=title_kinds(rows, ["style"]))
    assert "style = 'sparkling'" in [str(f) for f in query.filters]


def test_a_word_that_stems_like_a_values_base_is_no_mention_of_it() -> None:
    genres = {"comedy", "horror"}
    facets = Facets({"genre": Facet("genre", "list", frozenset(genres), canonical={g: g for g in genres})})
    assert not rule_rewrite("if nothing comes to mind, a modern one is great", facets, k=3).filters  # not "comed(y)"


def test_a_yes_no_column_named_by_the_request_is_a_condition() -> None:
    facets = Facets({"pet_safe": Facet("pet_safe", "string", frozenset({"yes", "no"}), canonical={"yes": "yes", "no": "no"}),
                     "price": Facet("price", "number", lower=3, upper=90)})
    assert {str(f) for f in rule_rewrite("any pet safe plants for less than 10 euros", facets, k=3).filters} == \
        {"price < 10.0", "pet_safe = 'yes'"}
    assert "pet_safe != 'yes'" in [str(f) for f in rule_rewrite("a plant, not pet-safe is fine", facets, k=3).filters]


def test_a_word_of_every_item_names_no_kind_by_the_titles() -> None:
    from xmr_agent.agent.values import title_kinds

    rows = [{"title": "Apple Smart Watch", "type": "Smartwatch"}, {"title": "Galaxy Fitness Watch", "type": "Smartwatch"},
            {"title": "Casio F-91W Digital", "type": "Digital"}]
    kinds = {"smartwatch", "digital"}
    facets = Facets({"type": Facet("type", "string", frozenset(kinds), canonical={"smartwatch": "Smartwatch",
                                                                                 "digital": "Digital"})})
    nouns = title_kinds(rows, ["type"])
    assert "type = 'Smartwatch'" in [str(f) for f in rule_rewrite("a watch", facets, k=3, nouns=nouns).filters]
    assert not rule_rewrite("a watch", facets, k=3, nouns=nouns, generic=frozenset({"watch"})).filters


def test_a_bit_pricey_asks_for_cheaper() -> None:
    facets = Facets({"cost": Facet("cost", "number", lower=20, upper=900)})
    query = rule_rewrite("bit pricey, anything under 300?", facets, k=3)
    assert query.order is not None and query.order.mode == "less" and not query.queries
