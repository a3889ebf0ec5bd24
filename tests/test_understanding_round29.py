"""Request understanding, twenty-ninth round: "a grand", pesos and rupees as currencies (and "1200 pesos" no weight
beside a column `Peso (g)`), another material asked for in a chat keeps the kind talked about ("rather something in
wood"), a German compound whose first part is a word of a longer value names no shorter one ("Thaiboxen": no
`Boxing` beside `Muay Thai`), words made of others that the dictionaries lack ("protège-tibias", "rodillera",
"abrelatas"), a superlative over a kind read in the titles ranges over every item of it ("the dearest detector": the
`Metal detectors` not titled "detector" too), and a relaxation step in ``xmr ask --trace``."""

from __future__ import annotations

from pathlib import Path

from helpers import string_facet as _facet
from helpers import write_dictd

from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.query import CrossModalQuery, Filter, titled_note
from xmr_agent.agent.rules import rule_rewrite

CHESS = Facets({
    "seccion": _facet("seccion", {"Reloj", "Tablero", "Juego completo", "Piezas"}),
    "material": _facet("material", {"Madera", "Plástico", "Vidrio"}),
    "precio_mxn": Facet("precio_mxn", "number", lower=90, upper=6000),
    "peso_g": Facet("peso_g", "number", lower=20, upper=4000, integer=True),
})
RADIO = Facets({
    "kit_type": _facet("kit_type", {"HF rig", "Handheld", "Antenna", "Scanner"}),
    "us_price": Facet("us_price", "number", lower=20, upper=3000),
})
CRICKET = Facets({
    "kit": _facet("kit", {"Bat", "Ball", "Pads", "Gloves"}),
    "price_inr": Facet("price_inr", "number", lower=300, upper=40000),
})


def _filters(text: str, facets: Facets) -> set[str]:
    return {str(f) for f in rule_rewrite(text, facets).filters}


def test_a_grand_is_a_thousand() -> None:
    assert "us_price < 1000.0" in _filters("HF rig under a grand", RADIO)


def test_pesos_are_a_price_not_the_weight_of_a_column_named_peso() -> None:
    for text in ("reloj entre 500 y 1200 pesos", "Schachuhr zwischen 500 und 1200 Pesos"):
        found = _filters(text, CHESS)
        assert {"precio_mxn >= 500.0", "precio_mxn <= 1200.0"} <= found, text
        assert not any(f.startswith("peso_g") for f in found), text
    assert "peso_g < 500" in _filters("un tablero de menos de 500 g de peso", CHESS)  # a weight still is one


def test_rupees_and_the_rupee_sign_are_currencies() -> None:
    assert "price_inr < 5000.0" in _filters("a bat under ₹5000", CRICKET)
    assert "price_inr < 3000.0" in _filters("gloves for less than 3000 rupees", CRICKET)
    assert "price_inr < 2000.0" in _filters("pads under Rs 2000", CRICKET)


def test_another_material_is_the_same_subject_another_kind_a_new_one() -> None:
    from xmr_agent.agent.session import _changes_subject

    kinds = frozenset({"seccion"})
    plastic = [Filter(column="material", op="=", value="Plástico"), Filter(column="seccion", op="=", value="Juego completo")]
    assert not _changes_subject(plastic, [Filter(column="material", op="=", value="Madera")], kinds)
    assert _changes_subject(plastic, [Filter(column="seccion", op="=", value="Reloj")], kinds)


def test_a_compounds_first_part_in_a_longer_value_names_no_shorter_one(dictd: Path) -> None:
    from xmr_agent.agent.senses import named_values

    write_dictd(dictd, "deu-eng", [("thai", "Thai <masc, n>\nThai\n"), ("boxen", "Boxen <neut, n>\nboxing\n"),
                                   ("boxsack", "Boxsack <masc, n>\npunching bag\n")])
    facets = Facets({"discipline": _facet("discipline", {"Boxing", "Muay Thai", "MMA"}),
                     "gear_type": _facet("gear_type", {"Gloves", "Shin guards", "Headgear", "Pads", "Bag"})})
    assert "discipline" not in named_values("Schienbeinschoner fürs Thaiboxen", "de", facets)
    assert named_values("Handschuhe fürs Boxen", "de", facets).get("discipline", ("",))[0] == "Boxing"


def test_words_made_of_others_are_read_by_their_parts(dictd: Path) -> None:
    from xmr_agent.agent.dictionaries import load, senses

    write_dictd(dictd, "fra-eng", [("tibia", "tibia <n, masc>\nshinbone, tibia, shin\n"),
                                   ("bouteille", "bouteille <n, fem>\nbottle\n")])
    write_dictd(dictd, "spa-eng", [("rodilla", "rodilla <n, fem>\nknee\n"), ("lata", "lata <n, fem>\ncan, tin\n"),
                                   ("muñeca", "muñeca <n, fem>\nwrist, doll\n")])
    french, spanish = load("fr"), load("es")
    assert french is not None and spanish is not None
    assert "shin guard" in senses("protège-tibias", "fr", french)
    assert senses("ouvre-bouteille", "fr", french)[0] == "bottle opener"
    assert "knee pad" in senses("rodilleras", "es", spanish)
    assert "wrist guard" in senses("muñequera", "es", spanish)  # "qu" of "muñeca"
    assert "can opener" in senses("abrelatas", "es", spanish)
    assert senses("cafetera", "es", spanish) == ()  # -era of no part of the body: nothing made up


def test_a_superlative_over_a_kind_read_in_the_titles_ranges_over_all_of_it() -> None:
    from xmr_agent.agent.order import own_head

    kind = Filter(column="gear_class", op="=", value="Metal detectors")
    detectors = CrossModalQuery(filters=(kind,), head="detector", notes=(titled_note(kind),))
    assert own_head(detectors, scoped=True) is None  # "the most expensive detector": XP Deus II too
    heating = CrossModalQuery(filters=(Filter(column="supply_type", op="=", value="Heating"),), head="mat")
    assert own_head(heating, scoped=True) == "mat"


def test_ask_trace_shows_a_relaxation_step() -> None:
    from xmr_agent.cli import agent as cli_agent

    answer = {"query": CrossModalQuery().model_dump(), "where": None, "recommendations": [], "message": "",
              "trace": [{"step": "rewrite", "seconds": 0.01}, {"step": "relax", "dropped": ["seccion = 'Reloj'"],
                                                               "reason": "nothing of that kind"}]}
    printed: list[str] = []

    class Console:
        def print(self, text: object = "", **_: object) -> None:
            printed.append(str(text))

    cli_agent._print_answer(answer, trace=True, console=Console())  # noqa: SLF001
    assert any(line.startswith("[cyan]relax[/cyan] {") for line in printed)
    assert any("10 ms" in line for line in printed)


def test_a_hundred_in_words_is_a_bound_not_a_100() -> None:
    from xmr_agent.agent.numbers import in_digits

    assert in_digits("any wireless ones under a hundred?", [], "en")[0] == "any wireless ones under 100?"
    assert in_digits("moins de cent euros", [], "fr")[0] == "moins de 100 euros"


def test_no_plastic_leaves_out_the_plastics_and_leather_is_no_synthetic_leather() -> None:
    from xmr_agent.agent.values import containing, with_combos

    materials = _facet("main_material", {"Plastic", "Polycarbonate", "Wood", "Leather", "Synthetic leather", "Steel"})
    assert set(containing(materials, "Plastic")) == {"Plastic", "Polycarbonate"}
    assert containing(materials, "Leather") == ["Leather"]
    assert with_combos(materials, "Leather") == ["Leather"]
    found = _filters("juggling clubs, just not plastic ones", Facets({"main_material": materials}))
    assert {"main_material != 'Plastic'", "main_material != 'Polycarbonate'"} <= found


JUGGLING = Facets({
    "discipline": _facet("discipline", {"Juggling balls", "Juggling clubs", "Poi", "Devil sticks", "Diabolos"}),
    "skill_level": _facet("skill_level", {"Beginner", "Intermediate", "Advanced"}),
    "glows": _facet("glows", {"Yes", "No"}),
    "canadian_made": _facet("canadian_made", {"Yes", "No"}),
    "price_gbp": Facet("price_gbp", "number", lower=3, upper=300),
})


def test_someone_who_never_did_it_or_a_first_lesson_is_a_beginner() -> None:
    query = rule_rewrite("a devil stick for someone who's never picked one up", JUGGLING)
    assert "skill_level = 'Beginner' (preferred)" in {str(f) for f in query.filters}
    assert not query.avoid  # "never picked": no thing denied
    assert "skill_level = 'Beginner' (preferred)" in _filters("poi for my first class", JUGGLING)


def test_glowing_is_said_by_lights_up_and_a_demonym_column_by_the_country() -> None:
    assert "glows != 'Yes'" in _filters("poi, but nothing that lights up", JUGGLING)
    assert "glows = 'Yes'" in _filters("juggling balls that glow in the dark", JUGGLING)
    assert "canadian_made = 'Yes'" in _filters("anything made here in Canada?", JUGGLING)


def test_not_for_beginners_leaves_the_lowest_level_out_and_money_no_issue_is_pricey() -> None:
    assert "skill_level != 'Beginner'" in _filters("a devil stick, not for beginners", JUGGLING)
    assert "skill_level = 'Beginner' (preferred)" in _filters("a devil stick for beginners", JUGGLING)
    query = rule_rewrite("really good juggling clubs, money isn't the issue", JUGGLING)
    assert query.order is not None and query.order.mode == "high"


def test_a_word_after_a_head_noun_and_a_names_no_kind_by_its_head_alone(monkeypatch) -> None:
    from xmr_agent.agent import glossary

    words = {"pierre": ("stone",), "encre": ("ink",), "une": ("one",), "de": ("of",), "l'encre": ("ink",)}
    monkeypatch.setattr(glossary, "load", lambda language: glossary.Dictionary(words) if language == "fr" else None)
    aisles = Facets({"aisle": _facet("aisle", {"Inkstones", "Brushes", "Paper", "Bottled ink", "Seals"})})
    assert glossary.kinds("une pierre à encre", "fr", aisles) == []  # an inkstone: no ink
    assert [f.value for f in glossary.kinds("de l'encre rouge", "fr", aisles)] == ["Bottled ink"]


def test_a_longer_value_blocks_a_shorter_one_only_when_it_is_a_name(dictd: Path) -> None:
    from xmr_agent.agent.senses import named_values

    write_dictd(dictd, "deu-eng", [("tusche", "Tusche <fem, n>\nIndian ink\n"), ("stein", "Stein <masc, n>\nstone, rock\n")])
    facets = Facets({"material": _facet("material", {"Stone", "Carbon ink", "Shoushan stone", "Wood"}),
                     "aisle": _facet("aisle", {"Inkstones", "Brushes", "Paper", "Bottled ink", "Seals"})})
    assert named_values("ein Tuschestein", "de", facets).get("material", ("",))[0] == "Stone"


def test_french_price_words_typed_without_accents() -> None:
    facets = Facets({"gear_class": _facet("gear_class", {"Digging tools", "Gold pans", "Metal detectors"}),
                     "price_ca": Facet("price_ca", "number", lower=20, upper=2300)})
    query = rule_rewrite("une pelle pas trop chere", facets)
    assert query.order is not None and query.order.mode == "low" and not query.avoid
    query = rule_rewrite("le detecteur le moins chere", facets)
    assert query.order is not None and query.order.mode == "sort" and not query.order.descending


def test_a_word_left_out_in_spanish_leaves_out_its_other_genders() -> None:
    from xmr_agent.agent.mentions import _agreeing

    assert set(_agreeing("rojo")) == {"rojo", "roja", "rojos", "rojas"}
    assert _agreeing("red") == ["red"] and _agreeing("acero de carbón") == ["acero de carbón"]


def test_a_sense_with_led_inside_a_word_names_no_lighting(dictd: Path) -> None:
    from xmr_agent.agent.senses import sensed

    write_dictd(dictd, "deu-eng", [("billig", "billig <adj>\ncut-price, price-led\n"), ("ball", "Ball <masc, n>\nball\n")])
    query = rule_rewrite("the cheapest balls", JUGGLING)
    found = sensed(query, query, "billig Bälle", "de", JUGGLING)
    assert not any(f.column == "glows" for f in found.filters)


def test_a_chinese_word_is_read_by_its_parts_only_up_to_a_length() -> None:
    from xmr_agent.agent import derived

    parts = {"流星": ("meteor",), "球": ("ball", "sphere"), "红": ("red",), "绿": ("green",)}
    calls: list[str] = []

    def lookup(word: str) -> tuple[str, ...]:
        calls.append(word)
        return parts.get(word) or derived.senses(word, "zh", lookup)

    assert derived.senses("流星球", "zh", lookup)[:2] == ("meteor ball", "meteor sphere")
    calls.clear()
    assert derived.senses("红绿" * 10, "zh", lookup) == () and calls == []  # too long: not read by its parts
