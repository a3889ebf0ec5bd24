"""Request understanding, eighteenth round: French and Spanish words read backwards through
German ("réchaud" ← Kocher → stove), a yes/no column said by the thing its part holds ("fits my
laptop" for ``laptop_sleeve``), an ignition said as a button, a measure column filled for one kind
only that titles say ("Gas 100 g") giving way to the weight, and American spellings
("computerized", "gray") naming British values."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import ingested_csv, write_dictd
from helpers import string_facet as _facet

from xmr_agent.agent import dictionaries
from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.rules import rule_rewrite

BAGS = Facets({
    "price": Facet("price", "number", lower=20, upper=200),
    "category": _facet("category", {"Laptop backpack", "School backpack", "Daypack"}),
    "laptop_sleeve": _facet("laptop_sleeve", {"yes", "no"}),
    "waterproof": _facet("waterproof", {"yes", "no"}),
})
STOVES = Facets({
    "price": Facet("price", "number", lower=5, upper=200),
    "type": _facet("type", {"Canister stove", "Two-burner stove", "Fuel"}),
    "fuel": _facet("fuel", {"Propane", "Butane/propane", "Wood"}),
    "piezo_ignition": _facet("piezo_ignition", {"yes", "no"}),
})


def _filters(text: str, facets: Facets) -> set[str]:
    return {str(f) for f in rule_rewrite(text, facets).filters}


def test_a_french_word_read_backwards_through_german(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_dictd(tmp_path, "fra-eng", [("tente", "tente /tɑ̃t/ <n, fem>\ntent\n")])
    write_dictd(tmp_path, "fra-deu", [("rapide", "rapide /ʁa.pid/ <adj>\nschnell\n")])
    write_dictd(tmp_path, "deu-fra", [("kocher", "Kocher /ˈkɔxɐ/ <n, masc>\nréchaud\nGerät zum Kochen\n"),
                                      ("schnell", "schnell <adj>\nrapide\n")])
    write_dictd(tmp_path, "deu-eng", [("kocher", "Kocher <n, m>\ncooker, stove\n")])
    monkeypatch.setattr(dictionaries, "DICTD_DIRS", ())
    monkeypatch.setenv("XMR_DICTIONARIES", str(tmp_path))
    dictionaries.load.cache_clear()
    try:
        french = dictionaries.load("fr")
        assert french is not None
        assert dictionaries.senses("réchaud", "fr", french) == ("cooker", "stove")
        assert dictionaries.senses("tente", "fr", french) == ("tent",)
        assert dictionaries.senses("rapide", "fr", french) == ()  # an adjective's entry is read for no noun
    finally:
        dictionaries.load.cache_clear()


def test_a_yes_no_column_said_by_what_its_part_holds() -> None:
    assert "laptop_sleeve = 'yes'" in _filters("a backpack for work that fits my laptop", BAGS)
    assert "laptop_sleeve = 'yes'" in _filters("a backpack under 700 grams that still takes a laptop", BAGS)
    both = _filters("a laptop backpack", BAGS)
    assert {"laptop_sleeve = 'yes'", "category = 'Laptop backpack'"} <= both  # the word still names the kind
    assert "laptop_sleeve != 'yes'" in _filters("a school backpack without a laptop sleeve", BAGS)
    assert not any(f.startswith("laptop_sleeve") for f in _filters("a waterproof daypack", BAGS))


@pytest.mark.parametrize("text", ["something like the PocketRocket but with a push-button igniter",
                                  "a two-burner stove that lights with a button", "un réchaud avec allumage piézo",
                                  "带电子点火的炉子"])
def test_an_ignition_said_as_a_button(text: str) -> None:
    assert "piezo_ignition = 'yes'" in _filters(text, STOVES)




def test_a_measure_titles_say_for_one_kind_gives_way_to_the_weight(tmp_path: Path) -> None:
    header = ["Ref", "Product", "Type", "Weight (g)", "Net fuel (g)", "Price (£)"]
    rows = [["S1", "Alpkit Kraku", "Canister stove", 45, "", 30], ["S2", "BRS-3000T", "Canister stove", 25, "", 18],
            ["S3", "MSR PocketRocket 2", "Canister stove", 73, "", 45], ["S4", "Soto Amicus", "Canister stove", 81, "", 40],
            ["S5", "Trangia Spirit Burner", "Spirit stove", 110, "", 16], ["S6", "Vargo Triad", "Spirit stove", 30, "", 35],
            ["F1", "Primus Power Gas 100 g", "Fuel", 200, 100, 5], ["F2", "Primus Power Gas 230 g", "Fuel", 360, 230, 7]]
    agent = ingested_csv(tmp_path, "stoves", header, rows)
    assert agent.facets["net_fuel_g"].titled == 0.25  # of all the items: the fuel's own measure
    assert agent.facets["net_fuel_g"].titled_in == {("type", "fuel")} and not agent.facets["weight_g"].titled_in
    ids = {r.id for r in agent.ask("a stove under 50 grams", k=3).recommendations}
    assert ids == {"S1", "S2", "S6"}
    answer = agent.ask("fuel, at least 0.2 kg", k=3)  # the fuel's own measure, in its unit
    assert "net_fuel_g >= 200" in {str(f) for f in answer.query.filters}
    assert [r.id for r in answer.recommendations] == ["F2"]


def test_american_and_british_spellings_name_one_value() -> None:
    machines = Facets({"type": _facet("type", {"Computerised sewing machine", "Overlocker"}),
                       "colour": _facet("colour", {"Grey", "Blue"})})
    assert "type = 'Computerised sewing machine'" in _filters("a computerized sewing machine", machines)
    assert "colour = 'Grey' (preferred)" in _filters("a gray overlocker", machines)
