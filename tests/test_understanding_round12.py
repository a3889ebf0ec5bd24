"""Request understanding, twelfth round: a list keeps to the kind of thing its first answers are
("a proper sports car": sports cars, not an SUV at #3), unless the request names several kinds;
prices in a column named "fee"; data sizes, weeks and months, ratings said before their number;
people counted where no column counts them; amenities said in other words ("mit Terrasse");
distances from the user ("the closest café"); words for the table's own thing name no kind."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import FAKE

import xmr_agent
from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.order import cohere, prefer
from xmr_agent.agent.query import Filter
from xmr_agent.agent.rules import rule_rewrite
from xmr_agent.types import Hit


def _facet(column: str, values: set[str]) -> Facet:
    return Facet(column, "string", frozenset(v.lower() for v in values), canonical={v.lower(): v for v in values})


CARS = Facets({
    "body_type": _facet("body_type", {"Coupe", "SUV", "Saloon", "Hatchback", "Van", "Estate"}),
    "fuel": _facet("fuel", {"Petrol", "Diesel", "Electric"}),
    "price_gbp": Facet("price_gbp", "number", lower=3000, upper=60000, integer=True),
})


def _hits(*rows: tuple[str, str]) -> list[Hit]:
    return [Hit(i, 1.0 - n / 100, {"id": i, "body_type": kind, "fuel": "Petrol"}, {}) for n, (i, kind) in enumerate(rows)]


def test_a_list_keeps_to_the_kind_its_first_answers_are() -> None:
    fused = _hits(("mustang", "Coupe"), ("xc90", "SUV"), ("gt86", "Coupe"), ("bmw", "Saloon"), ("rcz", "Coupe"))
    assert [h.id for h in cohere(fused, CARS, [])][:3] == ["mustang", "gt86", "rcz"]


def test_the_kind_column_is_the_finest_column_of_kinds_not_an_attribute() -> None:
    fused = _hits(("aygo", "Hatchback"), ("fiat", "Hatchback"), ("kangoo", "Van"), ("mini", "Hatchback"))
    assert [h.id for h in cohere(fused, CARS, [])] == ["aygo", "fiat", "mini", "kangoo"]


def test_no_leading_kind_leaves_the_list_as_it_is() -> None:
    fused = _hits(("a", "Coupe"), ("b", "SUV"), ("c", "Saloon"), ("d", "Van"), ("e", "Estate"))
    assert [h.id for h in cohere(fused, CARS, [])] == ["a", "b", "c", "d", "e"]


def test_a_request_naming_several_kinds_keeps_them_all() -> None:
    fused = _hits(("van", "Van"), ("suv", "SUV"), ("van2", "Van"), ("van3", "Van"))
    both = [Filter(column="body_type", op="=", value="Van", hard=False), Filter(column="body_type", op="=", value="SUV", hard=False)]
    assert [h.id for h in cohere(fused, CARS, both)] == ["van", "suv", "van2", "van3"]
    assert [h.id for h in cohere(fused, CARS, [])][:3] == ["van", "van2", "van3"]


def test_items_far_down_the_list_are_not_brought_forward_and_nothing_is_lost() -> None:
    fused = _hits(("a", "Coupe"), ("b", "Coupe"), *((f"s{n}", "SUV") for n in range(20)), ("far", "Coupe"))
    out = cohere(fused, CARS, [])
    assert [h.id for h in out][:3] == ["a", "b", "s0"] and sorted(h.id for h in out) == sorted(h.id for h in fused)


def test_a_table_without_a_column_of_kinds_is_left_as_it_is() -> None:
    fused = _hits(("a", "Coupe"), ("b", "SUV"), ("c", "Coupe"))
    facets = Facets({"price_gbp": CARS["price_gbp"]})
    assert [h.id for h in cohere(fused, facets, [])] == ["a", "b", "c"]


def _courses() -> Facets:
    return Facets({"fee": Facet("fee", "number", lower=49, upper=2400, integer=True),
                   "subject": _facet("subject", {"Programming", "Cooking", "Languages", "Design"}),
                   "level": _facet("level", {"Beginner", "Intermediate", "Advanced"}),
                   "duration_weeks": Facet("duration_weeks", "number", lower=1, upper=24, integer=True),
                   "certificate": _facet("certificate", {"Yes", "No"}),
                   "mode": _facet("mode", {"Online", "In person"})})


def _places() -> Facets:
    return Facets({"avg_price_per_person_eur": Facet("avg_price_per_person_eur", "number", lower=3, upper=195),
                   "type": _facet("type", {"Restaurant", "Café", "Bar"}),
                   "rating": Facet("rating", "number", lower=3.5, upper=4.9),
                   "distance_km": Facet("distance_km", "number", lower=0.1, upper=9),
                   "outdoor_seating": _facet("outdoor_seating", {"Yes", "No"}),
                   "vegetarian_options": _facet("vegetarian_options", {"Yes", "No"})})


def _computers() -> Facets:
    return Facets({"price_eur": Facet("price_eur", "number", lower=15, upper=2649, integer=True),
                   "category": _facet("category", {"Laptop", "Monitor", "Mouse"}),
                   "screen_in": Facet("screen_in", "number", lower=11, upper=34),
                   "ram_gb": Facet("ram_gb", "number", lower=4, upper=64, integer=True),
                   "wireless": _facet("wireless", {"Yes", "No"})})


def _filters(text: str, facets: Facets) -> set[str]:
    return {str(f) for f in rule_rewrite(text, facets, k=3, generic=frozenset({"cours"})).filters}


@pytest.mark.parametrize(("request_", "facets", "wanted"), [
    ("any online courses under £100?", _courses, "fee < 100.0"),
    ("un cours de cuisine à moins de 200 livres", _courses, "fee < 200.0"),
    ("laptop with at least 16GB RAM for under 1000 euros", _computers, "ram_gb >= 16"),
    ("laptop with at least 16GB RAM for under 1000 euros", _computers, "price_eur < 1000.0"),
    ("a monitor of at least 27 inches", _computers, "screen_in >= 27"),
    ("courses that take less than 5 weeks", _courses, "duration_weeks < 5"),
    ("beginner courses, 6 weeks or less", _courses, "duration_weeks <= 6"),
    ("nothing longer than 4 weeks though", _courses, "duration_weeks <= 4"),
    ("rien de plus long que 4 semaines", _courses, "duration_weeks <= 4"),
    ("un curso más corto que 6 semanas", _courses, "duration_weeks < 6"),
    ("评分4.5以上的餐厅有哪些？", _places, "rating >= 4.5"),
    ("a place with a rating above 4.3", _places, "rating >= 4.3"),
    ("un restaurant avec une note de 4,5 minimum", _places, "rating >= 4.5"),
    ("Restaurant mit Terrasse, aber bitte kein Fisch", _places, "outdoor_seating = 'Yes'"),
    ("somewhere we can sit outside", _places, "outdoor_seating = 'Yes'"),
    ("no outdoor seating please", _places, "outdoor_seating != 'Yes'"),
    ("un restaurant végétarien", _places, "vegetarian_options = 'Yes'"),
    ("une souris sans fil", _computers, "wireless = 'Yes'"),
    ("a bar nearby", _places, "distance_km <= 2.0"),
])
def test_columns_of_other_catalogues_are_read(request_: str, facets, wanted: str) -> None:
    assert wanted in _filters(request_, facets()), request_


def test_months_are_read_in_weeks() -> None:
    (found,) = rule_rewrite("un cours de moins de 3 mois", _courses(), k=3).filters
    assert found.column == "duration_weeks" and found.op == "<" and 12.9 < float(found.value) < 13.1


@pytest.mark.parametrize("request_", ["we want to go out for dinner tonight, 4 of us", "a table for 4 people"])
def test_people_are_never_a_price_where_no_column_counts_them(request_: str) -> None:
    assert not rule_rewrite(request_, _places(), k=3).filters, request_


def test_a_price_column_is_named_by_whole_words_only() -> None:
    from xmr_agent.agent.numbers import column_of_kind

    for columns, wanted in ((["course_fee"], "course_fee"), (["coffee_g"], None), (["tuition_gbp"], "tuition_gbp"),
                            (["price_eur", "fee"], "price_eur")):
        assert column_of_kind(Facets({c: Facet(c, "number") for c in columns}), "price") == wanted, columns


@pytest.mark.parametrize("request_", ["the closest cafe", "离这里最近的咖啡馆是哪家？", "le café le plus proche"])
def test_the_closest_is_a_sort_on_a_column_of_distances(request_: str) -> None:
    order = rule_rewrite(request_, _places(), k=3).order
    assert order is not None and order.column == "distance_km" and not order.descending, request_


def test_better_rated_is_a_comparative_on_the_rating() -> None:
    for request_ in ("something like it but better rated", "aber besser bewertet", "mais mieux noté"):
        order = rule_rewrite(request_, _places(), k=3).order
        assert order is not None and order.column == "rating" and order.mode == "more", request_


def test_never_done_before_is_no_negation() -> None:
    query = rule_rewrite("I want to learn to code, never programmed anything before", _courses(), k=3)
    assert not any(f.op == "!=" for f in query.filters) and not query.exclude_words
    assert "subject != 'Cooking'" in _filters("never cooking", _courses())


def test_a_stated_value_comes_first_even_when_others_read_closer() -> None:
    def hit(i: str, cos: float, cuisine: str) -> Hit:
        return Hit(i, cos, {"id": i, "cuisine": cuisine}, {"vector:text": cos})

    fused = [hit("seafood", 0.47, "Seafood"), hit("tasca", 0.44, "Portuguese"), hit("catrina", 0.39, "Mexican"),
             hit("tandoori", 0.37, "Indian")]
    mexican = [Filter(column="cuisine", op="=", value="Mexican", hard=False)]
    assert [h.id for h in prefer(fused, mexican)][0] == "catrina"


def test_a_word_for_the_tables_own_thing_names_a_kind_only_as_translated(monkeypatch: pytest.MonkeyPatch) -> None:
    from xmr_agent.agent import glossary

    words = {"kurs": ("course", "academic program"), "programmierung": ("programming",)}
    monkeypatch.setattr(glossary, "load", lambda language: glossary.Dictionary(words) if language == "de" else None)
    courses = _courses()
    assert [f.value for f in glossary.kinds("ein Kurs", "de", courses)] == ["Programming"]  # "program" stems so
    generic = frozenset({"cours"})
    assert glossary.kinds("ein Kurs", "de", courses, generic=generic, translation="a cooking course") == []
    found = glossary.kinds("ein Kurs", "de", courses, generic=generic, translation="an academic program")
    assert [f.value for f in found] == ["Programming"]  # the sense the translation chose


@pytest.mark.parametrize(("request_", "facets", "wanted"), [
    ("in-person courses without a certificate", _courses, "mode = 'In person'"),
    ("a café less than half a km away", _places, "distance_km < 0.5"),
    ("a menos de medio kilómetro", _places, "distance_km < 0.5"),
])
def test_hyphenated_values_and_halves_are_read(request_: str, facets, wanted: str) -> None:
    assert wanted in _filters(request_, facets()), request_


@pytest.mark.parametrize(("request_", "facets", "column", "mode"), [
    ("ein nicht zu teures Lokal", _places, "avg_price_per_person_eur", "low"),
    ("ein nicht so teures Restaurant", _places, "avg_price_per_person_eur", "low"),
    ("something closer", _places, "distance_km", "less"),
    ("que esté más cerca", _places, "distance_km", "less"),
    ("a bigger screen", _computers, "screen_in", "more"),
])
def test_relative_words_of_other_columns(request_: str, facets, column: str, mode: str) -> None:
    order = rule_rewrite(request_, facets(), k=3).order
    assert order is not None and (order.column, order.mode) == (column, mode), request_


def test_too_few_answers_meeting_a_stated_preference_bring_those_that_do() -> None:
    def hit(i: str, cos: float, level: str) -> Hit:
        return Hit(i, cos, {"id": i, "level": level}, {"vector:text": cos})

    fused = [hit("js", 0.60, "Advanced"), hit("py", 0.59, "Beginner"), hit("web", 0.58, "Beginner"),
             hit("ml", 0.45, "Advanced"), hit("sql", 0.30, "Beginner")]
    advanced = [Filter(column="level", op="=", value="Advanced", hard=False)]
    assert [h.id for h in prefer(fused, advanced)][:2] == ["js", "ml"]


def test_a_plain_ingest_keeps_the_files_name_and_its_words_name_no_kind(tmp_path: Path, jsonl) -> None:  # type: ignore[no-untyped-def]
    from xmr_agent.agent.pipeline import Agent
    from xmr_agent.store.catalog import Catalog

    rows = [{"id": f"c{i}", "title": title, "text": text, "subject": subject}
            for i, (title, text, subject) in enumerate([
                ("Python basics", "a course in programming for beginners", "Programming"),
                ("Web apps", "a programming course on building web apps", "Programming"),
                ("Data with SQL", "a course on databases and programming queries", "Programming"),
                ("Italian cooking", "cook pasta and risotto at home", "Cooking"),
                ("Bread", "bake sourdough bread in one day", "Cooking")])]
    source = jsonl(rows, name="courses.jsonl")
    xmr_agent.ingest(source, tmp_path / "db", "catalog", vectors={"text": FAKE}, progress=False)
    catalog = Catalog.open(tmp_path / "db", "catalog")
    assert catalog.label() == "catalog courses"
    agent = Agent(catalog)
    assert "cours" in agent.rewriter.generic
    xmr_agent.ingest(source, tmp_path / "db", "catalog", vectors={"text": FAKE}, progress=False)  # kept, not repeated
    assert Catalog.open(tmp_path / "db", "catalog").label() == "catalog courses"


def test_a_room_for_three_counts_people_and_a_nightly_rate_is_the_price() -> None:
    rooms = Facets({"nightly_rate": Facet("nightly_rate", "number", lower=69, upper=349, integer=True),
                    "sleeps": Facet("sleeps", "number", lower=1, upper=4, integer=True),
                    "breakfast_included": _facet("breakfast_included", {"yes", "no"})})
    found = _filters("a room for 3 with breakfast under £200", rooms)
    assert {"sleeps >= 3", "breakfast_included = 'yes'", "nightly_rate < 200.0"} <= found
    assert "sleeps >= 3" not in _filters("a room for 3 nights", rooms)


def test_a_list_keeps_to_its_kind_without_passing_items_that_meet_more_preferences() -> None:
    rows = [("bed-s", "Bed", "small"), ("toy-s", "Toy", "small"), ("food-s", "Food", "small"), ("bed-l", "Bed", "large"),
            ("bed-m", "Bed", "medium")]
    fused = [Hit(i, 1.0 - n / 10, {"id": i, "kind": kind, "size": size}, {}) for n, (i, kind, size) in enumerate(rows)]
    facets = Facets({"kind": _facet("kind", {"Bed", "Toy", "Food"}), "size": _facet("size", {"small", "medium", "large"})})
    small = [Filter(column="size", op="=", value="small", hard=False)]
    assert [h.id for h in cohere(fused, facets, small)] == ["bed-s", "toy-s", "food-s", "bed-l", "bed-m"]
    assert [h.id for h in cohere(fused, facets, [])] == ["bed-s", "bed-l", "bed-m", "toy-s", "food-s"]


def test_a_column_of_distinct_names_is_the_title_when_none_is_named_so(tmp_path: Path) -> None:
    from helpers import ingested_csv

    agent = ingested_csv(tmp_path, "events", ["ref", "Event", "description", "Price (€)", "type", "city"], [
        ["EV-1", "Improv Battle", "Two teams make up scenes from the audience's suggestions.", 18, "Comedy", "Hamburg"],
        ["EV-2", "Quatsch Comedy Club Live", "Four comedians and one host, a fresh line-up every week.", 22, "Comedy", "Berlin"],
        ["EV-3", "Mahler: Symphony No. 5", "The orchestra plays Mahler's fifth symphony.", 60, "Concert", "Berlin"]])
    assert {r["title"] for r in agent.catalog.scan(["title"]).to_pylist()} == \
        {"Improv Battle", "Quatsch Comedy Club Live", "Mahler: Symphony No. 5"}
    assert "event" not in agent.facets or not agent.facets["event"].values  # names are no values to filter on
    answer = agent.ask("something like Improv Battle but in Berlin", k=1)
    assert [r.id for r in answer.recommendations] == ["EV-2"]  # its kind, in Berlin; not the named item


def test_a_bare_bound_far_below_every_price_is_no_price() -> None:
    flats = Facets({"rent_per_month_gbp": Facet("rent_per_month_gbp", "number", lower=750, upper=5200, integer=True),
                    "bedrooms": Facet("bedrooms", "number", lower=0, upper=4, integer=True),
                    "furnished": _facet("furnished", {"Yes", "No"})})
    assert not _filters("a family of four, two kids under 10", flats)
    assert "rent_per_month_gbp < 2000.0" in _filters("a flat under 2000", flats)
    assert "rent_per_month_gbp < 10.0" in _filters("a flat under £10", flats)  # a currency says it is a price
    assert {"bedrooms = 2"} <= _filters("2 bed flat", flats) and {"bedrooms >= 2"} <= _filters("at least 2 bedrooms", flats)
    assert "furnished != 'Yes'" in _filters("one bedroom, unfurnished please", flats)
    assert "furnished = 'Yes'" in _filters("un estudio amueblado", flats)


@pytest.mark.parametrize(("request_", "wanted"), [
    ("standing tickets for a gig", "seated != 'Yes'"), ("seated tickets please", "seated = 'Yes'"),
    ("un concierto pero sin tener que estar de pie toda la noche", "seated = 'Yes'"), ("足球比赛，不要站票", "seated = 'Yes'")])
def test_the_opposite_of_a_yes_no_subject(request_: str, wanted: str) -> None:
    events = Facets({"seated": _facet("seated", {"Yes", "No"}), "price": Facet("price", "number", lower=5, upper=200)})
    assert wanted in _filters(request_, events), request_


def test_a_superlative_with_a_columns_words_comes_before_a_size() -> None:
    phones = Facets({"battery_mah": Facet("battery_mah", "number", lower=1000, upper=6000, integer=True),
                     "screen_inches": Facet("screen_inches", "number", lower=2, upper=13)})
    for request_, column in (("which phone has the biggest battery?", "battery_mah"), ("the biggest screen", "screen_inches")):
        order = rule_rewrite(request_, phones, k=3).order
        assert order is not None and order.column == column and order.descending, request_


def test_a_two_word_yes_no_column_said_the_other_way_round() -> None:
    rooms = Facets({"sea_view": _facet("sea_view", {"yes", "no"}), "nightly_rate": Facet("nightly_rate", "number", lower=69, upper=349)})
    assert "sea_view = 'yes'" in _filters("A double room with views of the sea", rooms)
    assert "sea_view != 'yes'" in _filters("no sea view", rooms)


def test_a_kind_before_the_shops_own_word_is_the_kind(tmp_path: Path) -> None:
    from helpers import ingested_csv

    agent = ingested_csv(tmp_path, "rooms", ["room_id", "Name", "Description", "Nightly rate (£)", "Room type"], [
        ["R1", "Garden Double", "Double bed, garden view.", 109, "Double"],
        ["R2", "Family Room", "A double bed and two bunk beds.", 189, "Family"],
        ["R3", "Budget Twin", "Two single beds, no view.", 69, "Twin"]])
    query = agent.rewriter.rewrite("a double room under £150", k=2)
    assert {"room_type = 'Double'", "nightly_rate < 150.0"} <= {str(f) for f in query.filters}


def test_cheaper_with_a_bound_said_keeps_the_bound(tmp_path: Path, jsonl) -> None:  # type: ignore[no-untyped-def]
    from xmr_agent.agent.pipeline import Agent
    from xmr_agent.agent.session import Session
    from xmr_agent.store.catalog import Catalog

    rows = [{"id": i, "title": f"Samsung Galaxy {i}", "text": "a Samsung phone", "price_usd": price}
            for i, price in (("S24", 1419), ("A15", 199), ("S22", 349), ("A55", 449))]
    xmr_agent.ingest(jsonl(rows), tmp_path / "db", "phones", vectors={"text": FAKE}, progress=False)
    session = Session.open(Agent(Catalog.open(tmp_path / "db", "phones")), k=2)
    session.send("a Samsung phone")
    answer = session.send("cheaper, under $400")  # not "cheaper than the cheapest shown", which leaves nothing
    assert answer.recommendations and all(r.item["price_usd"] < 400 for r in answer.recommendations)
    assert not any(e.get("step") == "relax" for e in answer.trace)
