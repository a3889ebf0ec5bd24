"""Request understanding, twenty-third round: years of warranty, kinds that agree in gender with
the request ("guitarra de flamenco": Guitarra flamenca), the plain kind left out when a longer one
is named, glosses of French and Spanish kinds made of their words, titles' head nouns past their
measures, a superlative over the head noun within a kind, another colour in a column of colours
whatever its name, sizes written as fractions, and chats that keep a kind while comparing."""

from __future__ import annotations

from pathlib import Path

from helpers import ingested_csv, write_dictd
from helpers import string_facet as _facet

from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.query import CrossModalQuery, Filter, loose_note
from xmr_agent.agent.rules import rule_rewrite

OFFICE = Facets({
    "product_group": _facet("product_group", {"Office chair", "Desk", "Standing desk", "Desk lamp"}),
    "warranty_yrs": Facet("warranty_yrs", "number", lower=1, upper=15, integer=True),
    "unit_price_usd": Facet("unit_price_usd", "number", lower=20, upper=1800),
})
GUITARS = Facets({
    "familia": _facet("familia", {"Guitarra clásica", "Guitarra flamenca", "Guitarra eléctrica", "Ukelele", "Estuche"}),
    "tamano": _facet("tamano", {"1/2", "3/4", "4/4", "Tenor", "Soprano"}),
})


def _filters(text: str, facets: Facets) -> set[str]:
    return {str(f) for f in rule_rewrite(text, facets).filters}


def test_years_of_warranty_bound_the_column_counted_in_years_and_no_price() -> None:
    for text in ("an office chair with at least 10 years warranty", "Bürostuhl mit mindestens 10 Jahren Garantie",
                 "办公椅，保修至少10年", "a chair with a warranty of at least 10 years", "at least 10-year warranty"):
        said = _filters(text, OFFICE)
        assert "warranty_yrs >= 10" in said and not any(f.startswith("unit_price") for f in said), text
    cars = Facets({"year": Facet("year", "number", lower=2005, upper=2024, integer=True),
                   "warranty_months": Facet("warranty_months", "number", lower=0, upper=36, integer=True)})
    assert not any(f.startswith("warranty") for f in _filters("a car less than 5 years old", cars))


def test_kinds_that_share_a_word_are_picked_by_a_word_of_another_gender_or_ending() -> None:
    from xmr_agent.agent.mentioned import alike, narrowed

    assert alike("flamenco", "flamenca") and alike("electrico", "electriqu") and alike("electronica", "electron")
    assert not alike("plata", "plato") and not alike("manual", "manuel")
    assert _filters("una guitarra de flamenco", GUITARS) == {"familia = 'Guitarra flamenca'"}
    boards = [Filter(column="section", op="=", value=v) for v in ("Dartboard", "Electronic dartboard")]
    assert [f.value for f in narrowed(boards, "una diana electrónica")] == ["Electronic dartboard"]  # not the plain one
    desks = [Filter(column="group", op="=", value=v) for v in ("Desk", "Standing desk")]
    assert narrowed(desks, "a small desk") == tuple(desks)  # a standing desk is a desk too
    assert [f.value for f in narrowed(desks, "rather one I can stand at")] == ["Standing desk"]  # a chat's next turn


def test_french_and_spanish_kinds_of_two_words_are_glossed_from_their_words(dictd: Path) -> None:
    from xmr_agent.agent.glosses import cognates, composed

    write_dictd(dictd, "spa-eng", [("bomba", "bomba\npump, bomb\n"), ("calor", "calor\nheat, warmth\n"),
                                   ("cloro", "cloro\nchlorine\n"), ("pastillas", "pastillas\npill, tablet\n")])
    assert "heat pump" in composed("Bomba de calor", "es")
    assert "chlorine tablet" in composed("Cloro en pastillas", "es")  # "en": the noun before it first
    assert cognates("eléctrica", ending=True) == ["electric"] and cognates("solar") == ["solar"]
    assert cognates("nevera") == []  # no ending taken off a noun: not "never"


def test_a_negated_word_after_a_copula_and_nothing_in_a_material() -> None:
    from xmr_agent.agent.senses import NEGATED_WORDS

    assert "malla" in NEGATED_WORDS.search("una silla de oficina que no sea de malla").group(0)
    decor = Facets({"supply_type": _facet("supply_type", {"Decor", "Hide", "Heating"}),
                    "material": _facet("material", {"Plastic", "Wood", "Resin"})})
    deco = Facets({"famille": _facet("famille", {"Décor", "Cachette"}), "matiere": _facet("matiere", {"Plastique", "Bois"})})
    assert "matiere != 'Plastique'" in _filters("des décorations pour le terrarium, mais rien en plastique", deco)
    assert "material != 'Plastic'" in _filters("decorations, but nothing in plastic", decor)


def test_a_titles_head_noun_is_read_past_its_measures() -> None:
    from xmr_agent.agent.values import title_head

    assert title_head("Habistat Heat Mat 28x28cm") == "mat"
    assert title_head("Exo Terra Glass Terrarium 45x45x45") == "terrarium"


def test_a_superlative_ranges_over_its_head_noun_within_a_kind_said_by_another_word() -> None:
    from xmr_agent.agent.order import own_head

    heating = CrossModalQuery(filters=(Filter(column="supply_type", op="=", value="Heating"),), head="mat")
    assert own_head(heating, scoped=True) == "mat"  # "the cheapest heat mat": the mats of the heating kit
    coffee = CrossModalQuery(filters=(Filter(column="kind", op="=", value="Coffee beans"),), head="coffe")
    assert own_head(coffee, scoped=True) is None  # "the priciest coffee": every coffee
    wine = CrossModalQuery(filters=(Filter(column="style", op="=", value="Red"),), head="wine")
    assert own_head(wine, scoped=True) is None  # a colour: every red wine, whatever its title


def test_sizes_written_as_fractions_are_values() -> None:
    assert "tamano = '3/4'" in _filters("a classical guitar in 3/4 for my daughter", GUITARS)
    assert not any(f.startswith("tamano") for f in _filters("a classical guitar for 34 euros", GUITARS))


def test_the_next_thing_after_a_word_of_assent() -> None:
    from xmr_agent.agent.topic import NEXT

    assert NEXT.search("vale, ahora busco una cejilla") and NEXT.search("ok, now I need a capo")
    assert NEXT.search("d'accord, maintenant il me faut une housse")
    assert not NEXT.search("vale, más barata")


def test_a_comparison_keeps_a_kind_read_loosely_in_an_earlier_turn() -> None:
    from xmr_agent.agent.critique import Critique
    from xmr_agent.agent.topic import held

    pads = Filter(column="gear_group", op="=", value="Kick pads")
    query = CrossModalQuery(filters=(pads,), notes=(loose_note(pads),))
    facets = Facets({"gear_group": _facet("gear_group", {"Kick pads", "Belt", "Mouthguard"})})
    cheaper = Critique(filters=[Filter(column="price", op="<", value=40)])
    assert held(query, cheaper, facets).notes == ()  # the kick pads hold: none gives way to a cheaper belt
    assert held(query, Critique(), facets) == query


TERRA_HEADER = ["Stock Code", "Product Name", "Supply Type", "Price (GBP)", "Finish", "Size", "Description"]
TERRA = [["V-1", "Exo Terra Glass Terrarium 45x45x45", "Vivarium", 149.0, "Black", "Medium", "Front-opening glass tank"],
         ["V-2", "Exo Terra Glass Terrarium 90x45x45", "Vivarium", 229.0, "Black", "Large", "A large glass tank"],
         ["V-3", "Vivexotic Repti-Home Small", "Vivarium", 95.0, "Walnut", "Small", "Wooden vivarium, sliding glass"],
         ["H-1", "Habistat Heat Mat 28x28cm", "Heating", 15.99, "Black", "Small", "Thin heat mat under the tank"],
         ["H-2", "Habistat Heat Mat 59x28cm", "Heating", 22.99, "Black", "Large", "A longer heat mat"],
         ["H-3", "ProRep Ceramic Heat Emitter 100W", "Heating", 12.49, "White", "Small", "Ceramic bulb that gives heat"],
         ["D-1", "Komodo Mopani Wood", "Decor", 14.0, "Brown", "Medium", "Natural wood for climbing"],
         ["D-2", "Exo Terra Silk Plant", "Decor", 9.0, "Green", "Small", "Silk plant for the tank"]]


def test_a_shops_own_word_that_titles_one_kind_names_it_and_a_superlative_its_head(tmp_path: Path) -> None:
    agent = ingested_csv(tmp_path, "terrarium", TERRA_HEADER, TERRA)
    cheapest = agent.ask("the cheapest terrarium", k=2)
    assert "supply_type = 'Vivarium'" in {str(f) for f in cheapest.query.filters}
    assert all(r.item["supply_type"] == "Vivarium" for r in cheapest.recommendations)
    mat = agent.ask("the cheapest heat mat", k=1)
    assert [r.id for r in mat.recommendations] == ["H-1"]  # not the cheaper heat emitter


CHAIR_HEADER = ["Item Code", "Model Name", "Product Group", "Unit Price (USD)", "Finish", "Material", "Summary"]
CHAIRS = [["C-1", "Staples Hyken Mesh", "Office chair", 249, "Black", "Mesh", "Mesh task chair"],
          ["C-2", "IKEA Markus", "Office chair", 229, "Black", "Mesh", "High back mesh chair"],
          ["C-3", "Branch Ergonomic Chair", "Office chair", 499, "Grey", "Mesh", "Ergonomic chair"],
          ["C-4", "Steelcase Series 1", "Office chair", 495, "Red", "Fabric", "Fabric office chair"],
          ["D-1", "Hay CPH190 Desk", "Desk", 899, "Oak", "Wood", "Oak desk"]]


def test_another_colour_reads_a_column_of_colours_whatever_its_name(tmp_path: Path) -> None:
    from xmr_agent.agent.session import Session

    agent = ingested_csv(tmp_path, "officefit", CHAIR_HEADER, CHAIRS)
    session = Session.open(agent, "s", k=2)
    session.send("black mesh office chair")
    other = session.send("do you have one in a different colour?")
    assert "finish != 'Black'" in {str(f) for f in other.query.filters}
    assert other.recommendations and all(r.item["finish"] != "Black" for r in other.recommendations)


UKE_HEADER = ["Referencia", "Instrumento", "Familia", "PVP (€)", "Tamaño", "Descripción"]
UKES = [["U-1", "Kala KA-15S", "Ukelele", 59, "Soprano", "Ukelele soprano de caoba"],
        ["U-2", "Ortega RU5", "Ukelele", 79, "Concierto", "Ukelele de concierto"],
        ["U-3", "Kala KA-KTE Tenor", "Ukelele", 239, "Tenor", "Ukelele tenor con previo"],
        ["U-4", "Mahalo Rainbow", "Ukelele", 35, "Soprano", "Ukelele soprano de colores"],
        ["G-1", "Admira Alba 1/2", "Guitarra clásica", 99, "1/2", "Guitarra para niños"],
        ["G-2", "Admira Juanita 3/4", "Guitarra clásica", 119, "3/4", "Guitarra para niños de 8 a 12 años"],
        ["G-3", "Alhambra 4P", "Guitarra clásica", 449, "4/4", "Guitarra de estudio"]]


def test_a_chat_prefers_what_the_next_turn_says_among_a_kind_and_items_shown_may_come_back(tmp_path: Path) -> None:
    from xmr_agent.agent.session import Session

    agent = ingested_csv(tmp_path, "guitarras", UKE_HEADER, UKES)
    ukes = Session.open(agent, "u", k=3)
    ukes.send("a cheap ukulele")
    tenor = ukes.send("rather a tenor")
    assert [r.id for r in tenor.recommendations][:1] == ["U-3"]  # the only tenor, though not cheap
    kids = Session.open(agent, "k", k=3)
    kids.send("a classical guitar for a kid")
    sized = kids.send("she's ten, so probably the 3/4 size")
    assert [r.id for r in sized.recommendations][:1] == ["G-2"]  # shown before, and the one asked for


def test_a_translations_negation_the_original_does_not_say_goes_but_its_price_words_stay() -> None:
    from xmr_agent.agent.rewrite import _undenied

    assert "ohne" not in _undenied("Ein Rasenmäher ohne Gartengewicht ist nicht teuer")  # "une tondeuse pas chère"
    assert "nicht teuer" in _undenied("Ein Rasenmäher ohne Gartengewicht ist nicht teuer")
    assert _undenied("Rather than linen").split() == ["linen"]
