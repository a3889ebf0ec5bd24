"""Request understanding, ninth round: measures with units, singulars ending in "s", the kind a
request's head noun names in the catalogue's titles, dictionary senses read by their head noun,
and short requests in another language with no cue word."""

from __future__ import annotations

from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.agent.rules import rule_rewrite
from xmr_agent.agent.values import stem_phrase, title_head, title_kinds
from xmr_agent.encoders.language import detect_closely


def _measured() -> Facets:
    return Facets({"price_usd": Facet("price_usd", "number", lower=1, upper=3000),
                   "weight_g": Facet("weight_g", "number", lower=10, upper=3000),
                   "height_cm": Facet("height_cm", "number"), "pot_diameter_cm": Facet("pot_diameter_cm", "number"),
                   "capacity_l": Facet("capacity_l", "number")})


def _filters(text: str, facets: Facets, **kw) -> set[str]:
    return {str(f) for f in rule_rewrite(text, facets, k=3, **kw).filters}


def test_a_measure_with_a_unit_bounds_its_column_in_the_columns_unit_and_is_never_a_price():
    facets = _measured()
    assert _filters("a tripod under a kilo", facets) == {"weight_g < 1000"}
    assert _filters("tripod under 1.5 kg", facets) == {"weight_g < 1500"}  # not price_usd < 1.5
    assert _filters("a lens lighter than 400g", facets) == {"weight_g < 400"}
    assert _filters("roof box with at least 400 litres", facets) == {"capacity_l >= 400"}
    assert _filters("a plant taller than 1 m", facets) == {"height_cm > 100"}
    assert _filters("a pot at least 30cm across", facets) == {"pot_diameter_cm >= 30"}
    assert _filters("under 30 dollars in red", facets) == {"price_usd < 30.0"}


def test_a_measure_no_column_holds_is_cut_and_noted():
    query = rule_rewrite("a bag under 5 mm", Facets({"price": Facet("price", "number", lower=1, upper=99)}), k=3)
    assert not query.filters and any("measured in mm" in n for n in query.notes)


def test_singulars_ending_in_s_stem_like_their_plurals():
    assert stem_phrase("lens") == stem_phrase("lenses") and stem_phrase("canvas") == stem_phrase("canvases")
    assert stem_phrase("shoes") == stem_phrase("shoe") and stem_phrase("mugs") == stem_phrase("mug")


def test_title_heads_and_the_kind_a_head_noun_names():
    assert title_head("Gold Rim Paper Plates 9 inch, Pack of 16") == "plate"
    assert title_head("Godox V1 Round Head Flash for Sony") == "flash"
    assert title_head("Disposable Helium Tank for 30 Balloons") == "tank"
    rows = [{"title": "White Paper Plates, Pack of 50", "section": "tableware"},
            {"title": "Crepe Paper Streamers", "section": "decorations"},
            {"title": "Paper Honeycomb Balls", "section": "decorations"},
            {"title": "Pink Paper Cups", "section": "tableware"}]
    nouns = title_kinds(rows, ["section"])
    facets = Facets({"section": Facet("section", "string", frozenset({"tableware", "decorations"}),
                                      canonical={"tableware": "tableware", "decorations": "decorations"}),
                     "cost": Facet("cost", "number", lower=1, upper=20)})
    assert "section = 'tableware'" in _filters("cheap paper plates", facets, nouns=nouns)
    assert not any(f.startswith("section") for f in _filters("paper for crafts", facets, nouns=nouns))
    assert not any(f.startswith("section") for f in _filters("something to keep my cups warm", facets, nouns=nouns))


def test_short_requests_in_another_language_are_not_read_as_english():
    assert detect_closely("globos dorados") == "es"
    assert detect_closely("billige Luftballons") == "de"
    assert detect_closely("paper plates") == "en" and detect_closely("jazz") == "en"
