"""Request understanding, sixteenth round: measures said with no bound ("16 inch tyres", "a 12 m²
kite", "15in"), a measure on a range of two columns ("about 8 knots": wind_min_kn <= 8 <= wind_max_kn),
"the widest", a yes/no column named by its noun ("no studs"), "I'm a bloke", "navy blue" in five
languages, a chat whose query keeps the phrase that started its subject."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import ingested_csv
from helpers import string_facet as _facet

from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.query import Filter
from xmr_agent.agent.rules import rule_rewrite
from xmr_agent.agent.session import Session
from xmr_agent.agent.state import SessionState

TYRES = Facets({
    "price_chf": Facet("price_chf", "number", lower=15, upper=300),
    "vehicle": _facet("vehicle", {"Car", "Van", "SUV", "Bike"}),
    "season": _facet("season", {"Summer", "Winter", "All-season"}),
    "rim_in": Facet("rim_in", "number", lower=14, upper=29),
    "width_mm": Facet("width_mm", "number", lower=23, upper=285, integer=True),
    "studded": _facet("studded", {"yes", "no"}),
})
KITES = Facets({
    "price_eur": Facet("price_eur", "number", lower=20, upper=1500),
    "kind": _facet("kind", {"Kitesurf kite", "Stunt kite", "Board", "Harness"}),
    "size_m2": Facet("size_m2", "number", lower=1, upper=17),
    "wind_min_kn": Facet("wind_min_kn", "number", lower=5, upper=20, integer=True),
    "wind_max_kn": Facet("wind_max_kn", "number", lower=15, upper=40, integer=True),
    "weight_g": Facet("weight_g", "number", lower=100, upper=5000, integer=True),
})
HATS = Facets({
    "price_gbp": Facet("price_gbp", "number", lower=10, upper=300),
    "type": _facet("type", {"Fedora", "Hatinator", "Sun hat", "Beanie"}),
    "colour": _facet("colour", {"Navy", "Blue", "Black"}),
    "wearer": _facet("wearer", {"Men", "Women", "Unisex", "Kids"}),
})


def _filters(text: str, facets: Facets) -> set[str]:
    return {str(f) for f in rule_rewrite(text, facets).filters}


@pytest.mark.parametrize("text, wanted", [
    ("16 inch car tyres", {"rim_in >= 15.2", "rim_in <= 16.8"}),  # inches: the column counted in inches, not mm
    ("cheap all season tyres, 15in wheels", {"rim_in >= 14.25", "rim_in <= 15.75"}),
    ("des pneus de 17 pouces", {"rim_in >= 16.15", "rim_in <= 17.85"}),
])
def test_a_measure_said_with_no_bound_is_the_items_own(text: str, wanted: set[str]) -> None:
    assert wanted <= _filters(text, TYRES)


def test_a_measure_of_the_users_own_thing_is_no_condition() -> None:
    assert not any(f.startswith("size_m2") for f in _filters("it must fit in my 12 m² garage", KITES))


@pytest.mark.parametrize("text, wanted", [
    ("a 12 m² kitesurf kite", {"size_m2 >= 11.4", "size_m2 <= 12.6"}),
    ("usually only about 8 knots where I ride", {"wind_min_kn <= 8", "wind_max_kn >= 8"}),  # a range holds it
    ("a kite for strong wind, 30 knots or more", {"wind_max_kn >= 30"}),  # a bound: the range's top
    ("cometa para viento fuerte, 30 nudos o más", {"wind_max_kn >= 30"}),
])
def test_measures_on_a_kite_shop_and_the_range_of_two_columns(text: str, wanted: set[str]) -> None:
    assert wanted <= _filters(text, KITES)


@pytest.mark.parametrize("text, descending", [("the widest tyre", True), ("el neumático más ancho", True),
                                              ("the narrowest bike tyre", False), ("最宽的轮胎", True)])
def test_widest_sorts_by_width(text: str, descending: bool) -> None:
    order = rule_rewrite(text, TYRES).order
    assert order is not None and order.column == "width_mm" and order.descending is descending


@pytest.mark.parametrize("text, op", [("winter tyres without studs", "!="), ("winter tyres, no studs please", "!="),
                                      ("studded winter tyres", "="), ("winter tyres with studs", "=")])
def test_a_yes_no_column_is_named_by_its_noun(text: str, op: str) -> None:
    assert Filter(column="studded", op=op, value="yes") in rule_rewrite(text, TYRES).filters


def test_a_word_glued_to_a_little_word_names_no_longer_value() -> None:
    assert not any("Hatinator" in f for f in _filters("the most expensive hat in the store", HATS))


@pytest.mark.parametrize("text, op, value", [("straw hat for a wedding, I'm a bloke", "!=", "Women"),
                                             ("I am a woman and want a fedora", "!=", "Men")])
def test_who_the_user_says_they_are(text: str, op: str, value: str) -> None:
    assert Filter(column="wearer", op=op, value=value) in rule_rewrite(text, HATS).filters


@pytest.mark.parametrize("text", ["有海军蓝的帽子吗", "un chapeau bleu marine", "ein marineblauer Hut", "un sombrero azul marino"])
def test_navy_blue_is_navy(text: str) -> None:
    colours = {f.value for f in rule_rewrite(text, HATS).filters if f.column == "colour"}
    assert colours == {"Navy"}


def test_the_subject_stays_in_a_chats_query() -> None:
    state = SessionState(id="s", topic=["winter tyres for my Golf", "they're banned here", "an all-season one"])
    assert state.subject(2) == ["winter tyres for my Golf", "an all-season one"]
    assert state.subject(3) == ["winter tyres for my Golf", "they're banned here", "an all-season one"]
    assert SessionState(id="s").subject(2) == []


HEADER = ["Part no", "Designation", "Vehicle", "Season", "Rim (in)", "Studded", "Price (CHF)", "Notes"]
ROWS = [["TY-1", "Nordhal Hakka Stud 205/55 R16", "Car", "Winter", 16, "yes", 149, "Studded winter tyre for icy roads"],
        ["TY-2", "Nordhal Snowline 205/55 R16", "Car", "Winter", 16, "no", 109, "Friction winter tyre"],
        ["TY-3", "Nordhal Van Winter 215/65 R16C", "Van", "Winter", 16, "no", 155, "Winter tyre for vans"],
        ["TY-4", "Contana AllSeason 205/55 R16", "Car", "All-season", 16, "no", 120, "All-season tyre for cars"],
        ["TY-5", "Schwarz Gravel One 700x40c", "Bike", "All-season", 28, "no", 52, "Gravel bike tyre"],
        ["TY-6", "Kenta Kids 20x1.95", "Bike", "All-season", 20, "no", 15, "Tyre for children's bikes"]]


def test_a_chat_about_tyres_keeps_its_subject(tmp_path: Path) -> None:
    agent = ingested_csv(tmp_path, "tyres", HEADER, ROWS)
    session = Session.open(agent, "s", k=3)
    session.send("I need winter tyres for my Golf, 205/55 R16")
    second = [r.id for r in session.send("no studs please, they're banned where I live").recommendations]
    assert "TY-2" in second[:2] and "TY-1" not in second
    third = session.send("actually, what about an all-season one in that same size instead?").recommendations
    assert third[0].id == "TY-4"


SWIM = Facets({
    "price_usd": Facet("price_usd", "number", lower=10, upper=400),
    "line": _facet("line", {"Wetsuit", "Swimsuit", "Goggles", "Swim cap", "Trunks"}),
    "thickness_mm": Facet("thickness_mm", "number", lower=1, upper=6),
    "uv_protection": _facet("uv_protection", {"yes", "no"}),
    "chlorine_resistant": _facet("chlorine_resistant", {"yes", "no"}),
})
COFFEE = Facets({
    "price_gbp": Facet("price_gbp", "number", lower=5, upper=900),
    "type": _facet("type", {"Beans", "Grinder", "Kettle"}),
    "roast": _facet("roast", {"Light", "Medium", "Dark"}),
    "electric": _facet("electric", {"yes", "no"}),
    "weight_kg": Facet("weight_kg", "number", lower=0.1, upper=20),
})


@pytest.mark.parametrize("text, descending", [("which is your thickest wetsuit?", True), ("la combinaison la plus épaisse", True),
                                              ("der dünnste Neoprenanzug", False)])
def test_thickest_sorts_by_thickness(text: str, descending: bool) -> None:
    order = rule_rewrite(text, SWIM).order
    assert order is not None and order.column == "thickness_mm" and order.descending is descending


@pytest.mark.parametrize("text, column, op", [
    ("Schwimmbrille mit UV-Schutz", "uv_protection", "="), ("sun protective swimsuit for my toddler", "uv_protection", "="),
    ("algo como eso pero con protección solar", "uv_protection", "="), ("要防晒的泳衣", "uv_protection", "="),
    ("a swimsuit without UV protection", "uv_protection", "!="), ("a chlorine resistant swimsuit", "chlorine_resistant", "="),
])
def test_columns_of_protection_and_resistance(text: str, column: str, op: str) -> None:
    assert Filter(column=column, op=op, value="yes") in rule_rewrite(text, SWIM).filters


def test_a_relative_word_that_is_the_value_of_the_next_words_column_is_that_value() -> None:
    light_roast = rule_rewrite("light roast beans for my V60", COFFEE)
    assert light_roast.order is None and Filter(column="roast", op="=", value="Light", hard=False) in light_roast.filters
    light = rule_rewrite("a light grinder", COFFEE)
    assert light.order is not None and light.order.column == "weight_kg"  # no column follows: a weight


def test_a_yes_no_column_named_by_a_longer_form() -> None:
    assert Filter(column="electric", op="!=", value="yes") in rule_rewrite("a kettle that does not use electricity",
                                                                           COFFEE).filters


@pytest.mark.parametrize("message, next_thing", [
    ("and some goggles for swimming in the sea", True), ("and a swim cap for me, I have really long hair", True),
    ("et un tapis de selle pour poney aussi", True), ("und dann noch Ersatzleinen für unseren Lenkdrachen", True),
    ("and a cheaper one", False), ("and a bit cheaper", False), ("et une moins chère", False), ("y una más barata", False),
    ("and in blue", False)])
def test_the_next_thing_wanted_after_and(message: str, next_thing: bool) -> None:
    from xmr_agent.agent.topic import NEXT

    assert bool(NEXT.search(message)) is next_thing


def test_a_column_of_mostly_distinct_names_titles_the_items() -> None:
    from xmr_agent.ingestion.mapping import _title_like

    sample = [{"Code": f"SW-{n}", "Style": name, "Line": line} for n, (name, line) in enumerate(
        [("Riviera One-Piece", "Swimsuit"), ("Riviera One-Piece", "Swimsuit"), ("Lap Pro Racerback", "Swimsuit"),
         ("Cove Bikini Set", "Bikini"), ("Harbour Swim Trunks", "Trunks"), ("Surf Boardshorts 19", "Trunks"),
         ("Triton 5/4 Hooded Wetsuit", "Wetsuit"), ("Kids Shorty Wetsuit", "Wetsuit")])]
    assert _title_like(sample, "Code") == "Style"  # the same swimsuit in two colours: still its name


LUGGAGE_HEADER = ["SKU", "Product name", "Category", "Shell", "Weight (kg)", "Price (EUR)", "Description"]
LUGGAGE = [["LG-1", "Budget Large Trolley 75", "Checked suitcase", "Soft", 3.9, 75, "Basic large two-wheel suitcase"],
           ["LG-2", "Featherweight Medium", "Checked suitcase", "Soft", 2.5, 119, "Very light medium suitcase"],
           ["LG-3", "Metro Softside Large", "Checked suitcase", "Soft", 4.1, 149, "Large expandable softside suitcase"],
           ["LG-4", "Titan Aluminium Check-In", "Checked suitcase", "Hard", 6.2, 649, "Full-size aluminium suitcase"],
           ["LG-5", "TSA Combination Lock 2-Pack", "Accessory", None, 0.1, 15, "Locks for your suitcase"],
           ["LG-6", "Compression Packing Cubes", "Packing cubes", "Soft", 0.25, 29, "Cubes to pack a suitcase"]]


def test_which_of_those_ranges_over_the_items_shown(tmp_path: Path) -> None:
    agent = ingested_csv(tmp_path, "luggage", LUGGAGE_HEADER, LUGGAGE)
    session = Session.open(agent, "s", k=3)
    shown = [r.id for r in session.send("a big soft suitcase").recommendations]
    lightest = [r.id for r in session.send("which of those is the lightest?").recommendations]
    assert sorted(lightest) == sorted(shown)  # one of them, not the lock of 100 g
    weights = {row[0]: row[4] for row in LUGGAGE}
    assert [weights[i] for i in lightest] == sorted(weights[i] for i in lightest)


@pytest.mark.parametrize("text, hard", [("给我女儿买泳衣，她6岁", True), ("a swimsuit for my daughter, she's 6", True),
                                        ("a swimsuit for my daughter", False)])
def test_a_son_or_daughter_of_a_childs_age_is_a_child(text: str, hard: bool) -> None:
    people = Facets({"for": _facet("for", {"Women", "Men", "Kids", "Unisex"}),
                     "line": _facet("line", {"Swimsuit", "Trunks"})})
    assert Filter(column="for", op="=", value="Kids", hard=hard) in rule_rewrite(text, people).filters


def test_a_chinese_word_the_dictionary_lacks_names_no_kind_by_one_of_its_characters() -> None:
    from xmr_agent.agent.phrases import fragment as _fragment

    assert _fragment(["推荐", "一", "款", "磨", "豆", "机"], 4)  # 磨豆机, a grinder: 豆 is no bean
    assert _fragment(["我", "想", "买", "一", "个", "登机", "箱"], 6)  # 登机箱, a cabin case: 箱 is no box
    assert not _fragment(["我", "要", "一", "双", "鞋"], 4)  # a pair of shoes: 鞋 stands alone
    assert not _fragment(["红色", "的", "包"], 2)


@pytest.mark.parametrize("text", ["something to keep the rain off my head", "un chapeau de pluie", "ein Hut für Regen"])
def test_rain_asks_for_waterproof_items(text: str) -> None:
    facets = Facets({"waterproof": _facet("waterproof", {"yes", "no"}), "type": _facet("type", {"Fedora", "Bucket hat"})})
    assert Filter(column="waterproof", op="=", value="yes") in rule_rewrite(text, facets).filters


def test_a_kind_read_in_the_titles_gives_way_to_the_kind_of_the_item_to_be_like() -> None:
    from xmr_agent.agent.order import like_kinds
    from xmr_agent.agent.query import CrossModalQuery, titled_note

    kinds = Facets({"kind": _facet("kind", {"Stunt kite", "Bar & lines"})})
    lines = Filter(column="kind", op="=", value="Bar & lines")
    query = CrossModalQuery(filters=(lines,), notes=(titled_note(lines),))  # "still two lines"
    liked = like_kinds(query, [{"id": "KT-211", "kind": "Stunt kite"}], kinds)
    assert [str(f) for f in liked.filters] == ["kind = 'Stunt kite'"]
    named = CrossModalQuery(filters=(lines,))  # "lines like the Hawk's": the kind the user names stays
    assert like_kinds(named, [{"id": "KT-211", "kind": "Stunt kite"}], kinds).filters == (lines,)


def test_a_catalogue_whose_kinds_put_the_noun_first_groups_them_by_it() -> None:
    from xmr_agent.agent.values import head_group

    spanish = _facet("tipo", {"Guitarra clásica", "Guitarra acústica", "Guitarra eléctrica", "Bajo", "Ukelele", "Accesorio"})
    assert sorted(head_group(spanish, "guitarra")) == ["Guitarra acústica", "Guitarra clásica", "Guitarra eléctrica"]
    english = _facet("type", {"Camera drone", "Mini drone", "Toy drone", "Battery", "Case"})
    assert sorted(head_group(english, "drone")) == ["Camera drone", "Mini drone", "Toy drone"]


TIENDA_HEADER = ["Código", "Nombre", "Tipo", "Precio (€)", "Descripción"]
TIENDA = [["IN-01", "Guitarra clásica Alba 4/4", "Guitarra clásica", 129, "Guitarra española de tapa de abeto."],
          ["IN-02", "Guitarra clásica Alba 3/4", "Guitarra clásica", 109, "Tamaño 3/4 para niños."],
          ["IN-03", "Guitarra acústica Sonora D-10", "Guitarra acústica", 249, "Acústica con cuerdas de acero."],
          ["IN-05", "Guitarra eléctrica Volta ST", "Guitarra eléctrica", 399, "Eléctrica de cuerpo macizo."],
          ["IN-07", "Ukelele soprano Mar", "Ukelele", 39, "Ukelele soprano de caoba."],
          ["IN-13", "Afinador de pinza Clip", "Accesorio", 12, "Afinador cromático para guitarra y ukelele."],
          ["IN-14", "Cuerdas de nailon Alba", "Accesorio", 9, "Juego de cuerdas para guitarra clásica."],
          ["IN-15", "Funda acolchada guitarra", "Accesorio", 35, "Funda de 10 mm para guitarra acústica o clásica."]]


def test_the_cheapest_guitar_in_a_spanish_shop_is_a_guitar(tmp_path: Path) -> None:
    agent = ingested_csv(tmp_path, "tienda", TIENDA_HEADER, TIENDA)
    assert [r.id for r in agent.ask("la guitarra más barata", k=3).recommendations] == ["IN-02", "IN-01", "IN-03"]
    cheap = [r.id for r in agent.ask("una guitarra barata", k=3).recommendations]
    assert cheap[0] in ("IN-01", "IN-02") and "IN-05" not in cheap  # the strings and the tuner are no guitars


class _IntoSpanish:
    """A translating model that knows one request, in Spanish when asked for Spanish."""

    name = "into-spanish"

    def __init__(self) -> None:
        self.asked: list[str] = []

    def complete(self, messages: list[dict[str, str]], *, schema: object = None, max_tokens: int = 512) -> str:
        said = " ".join(m["content"] for m in messages)
        self.asked.append(said)
        return "la guitarra más barata" if "Spanish" in said else "the cheapest guitar"


def test_which_of_those_keeps_to_the_items_shown(tmp_path: Path) -> None:
    agent = ingested_csv(tmp_path, "tienda", TIENDA_HEADER, TIENDA)
    session = Session.open(agent, "s", k=3)
    shown = [r.id for r in session.send("una guitarra para un niño de 9 años").recommendations]
    prices = {row[0]: row[3] for row in TIENDA}
    cheapest = [r.id for r in session.send("¿cuál de esas es la más barata?").recommendations]
    assert sorted(cheapest) == sorted(shown)  # those shown, no other item of the catalogue
    assert [prices[i] for i in cheapest] == sorted(prices[i] for i in cheapest)


def test_a_request_is_translated_into_the_catalogues_own_language(tmp_path: Path) -> None:
    from xmr_agent.agent.translate import Translator

    agent = ingested_csv(tmp_path, "tienda", TIENDA_HEADER, TIENDA)
    llm = _IntoSpanish()
    agent.rewriter.translator = Translator(llm)  # type: ignore[arg-type]
    answer = agent.ask("最便宜的吉他", k=3)
    assert llm.asked and "Spanish" in llm.asked[0]
    assert [r.id for r in answer.recommendations][0] == "IN-02"


def test_which_of_those_is_cheaper_is_the_cheapest_of_them() -> None:
    from xmr_agent.agent.critique import definite
    from xmr_agent.agent.query import CrossModalQuery, Order

    cheaper = CrossModalQuery(order=Order(column="price", mode="less"))
    picked = definite("welches davon ist günstiger?", cheaper, those=True)
    assert picked is not None and picked.order == Order(column="price", mode="sort", descending=False)
    assert definite("anything cheaper?", cheaper) == cheaper  # other items cheaper than those shown


def test_a_translation_keeps_the_shops_own_word_the_request_said() -> None:
    from xmr_agent.agent import glossary

    if glossary.load("zh") is None:
        pytest.skip("CC-CEDICT is not installed")
    said = glossary.own_word("The lightest cap is which one?", "最轻的帽子是哪顶", "zh", frozenset({"hat"}))
    assert said == "The lightest hat is which one?"  # 帽子: a hat first; in a hat shop, any hat
    assert glossary.own_word("a baseball cap", "棒球帽", "zh", frozenset({"glove"})) == "a baseball cap"


def test_a_measure_said_for_a_range_column_is_a_need() -> None:
    scooters = Facets({"price_eur": Facet("price_eur", "number", lower=100, upper=2000),
                       "range_km": Facet("range_km", "number", lower=5, upper=80)})
    filters = _filters("something to get to work, it's about 10 km each way", scooters)
    assert "range_km >= 10" in filters and not any(f.startswith("range_km <") for f in filters)
