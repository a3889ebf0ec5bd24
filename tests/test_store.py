"""Searching a catalogue: vector, filtered, hybrid; reopening in a new process; encoder checks."""

from __future__ import annotations

import json
from pathlib import Path

import lancedb
import numpy as np
import pyarrow as pa
import pytest
from helpers import ITEMS, run_python

from xmr_agent.errors import ConfigError, EncoderMismatch, StoreError
from xmr_agent.store.catalog import Catalog
from xmr_agent.store.filters import compare, contains_text, ids_in, list_has, literal
from xmr_agent.store.fusion import rrf_fuse
from xmr_agent.store.specs import META_KEY, VectorSpec, read_vector_specs
from xmr_agent.testing import FakeEncoder
from xmr_agent.types import Hit

COLUMN = "vec__text__fake"
BY_ID = {item["id"]: item for item in ITEMS}


@pytest.fixture
def catalog(fake_table: tuple[Path, str]) -> Catalog:
    return Catalog.open(*fake_table)


def test_search_ranks_the_matching_item_first(catalog: Catalog) -> None:
    hits = catalog.search("sourdough bread baking", k=3)
    assert len(hits) == 3
    top = hits[0]
    assert isinstance(top, Hit) and top.id == "bread"
    assert top.score == pytest.approx(top.scores[f"vector:{COLUMN}"])
    assert 0 < top.score <= 1.0 + 1e-6
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_hits_carry_visible_fields_only(catalog: Catalog) -> None:
    (hit,) = catalog.search("espresso maker", k=1)
    assert hit.item["title"] == "Pocket espresso" and hit.item["tags"] == ["food", "camping"]
    assert not [k for k in hit.item if k.startswith(("_", "vec__"))]
    as_dict = hit.to_dict()
    assert as_dict["id"] == "espresso" and as_dict["score"] == hit.score and "scores" in as_dict
    json.dumps(as_dict)


def test_k_limits_the_hits(catalog: Catalog) -> None:
    assert len(catalog.search("a", k=2)) == 2
    assert len(catalog.search("a", k=100)) == len(ITEMS)


def test_where_filters_on_a_numeric_column(catalog: Catalog) -> None:
    hits = catalog.search("anything at all", k=10, where="year >= 2015")
    assert sorted(h.id for h in hits) == sorted(i for i, it in BY_ID.items() if it["year"] >= 2015)
    hits = catalog.search("music", k=10, where="price < 1.0 AND used = true")
    assert [h.id for h in hits] == ["piano"]


def test_where_filters_on_a_list_column(catalog: Catalog) -> None:
    hits = catalog.search("music", k=10, where="array_has(tags, 'camping')")
    assert sorted(h.id for h in hits) == ["espresso", "tent"]
    hits = catalog.search("music", k=10, where="array_has(tags, 'music') AND year < 2010")
    assert [h.id for h in hits] == ["piano"]


def test_where_matching_nothing_gives_no_hits(catalog: Catalog) -> None:
    assert catalog.search("music", k=5, where="year > 3000") == []


def test_hybrid_search_returns_hits_with_fused_scores(catalog: Catalog) -> None:
    hits = catalog.search("sourdough", k=3, hybrid=True)
    assert hits and hits[0].id == "bread"
    assert set(hits[0].scores) == {"hybrid"}
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_hybrid_search_honours_where(catalog: Catalog) -> None:
    hits = catalog.search("guitar piano music", k=5, hybrid=True, where="array_has(tags, 'rock')")
    assert [h.id for h in hits] == ["guitar"]


@pytest.mark.parametrize("query", ["", "   ", "\n"])
def test_empty_query_is_a_config_error(catalog: Catalog, query: str) -> None:
    with pytest.raises(ConfigError, match="query is empty"):
        catalog.search(query)


def test_k_below_one_is_a_config_error(catalog: Catalog) -> None:
    with pytest.raises(ConfigError, match="k must be at least 1"):
        catalog.search("bike", k=0)


@pytest.mark.parametrize("where", ["colour = 'red'", "year >>> 3", "array_has(nope, 'x')"])
@pytest.mark.parametrize("hybrid", [False, True])
def test_bad_where_is_a_config_error_naming_the_columns(catalog: Catalog, where: str, hybrid: bool) -> None:
    with pytest.raises(ConfigError) as caught:
        catalog.search("bike", where=where, hybrid=hybrid)
    message = str(caught.value)
    assert repr(where) in message
    assert "Columns: id, title, text" in message and "year" in message and "tags" in message
    assert "_hash" not in message.split("Columns:")[1] and COLUMN not in message.split("Columns:")[1]


def test_get_returns_items_in_the_order_asked(catalog: Catalog) -> None:
    rows = catalog.get(["tent", "missing", "bike"])
    assert [r["id"] for r in rows] == ["tent", "bike"]
    assert rows[0]["title"] == "Mountain tent" and "_hash" not in rows[0]
    assert catalog.get([]) == []


def test_facts_about_the_table(catalog: Catalog) -> None:
    assert catalog.count() == len(ITEMS)
    assert catalog.columns() == ["id", "title", "text", "image", "audio", "video", "year", "price", "tags", "used"]
    (spec,) = catalog.vectors.values()
    assert spec == VectorSpec(COLUMN, "text", "fake", {"dim": 64, "space": "fake"}, "fake:64", 64, "text",
                              "xmr_agent.testing:FakeEncoder")
    assert catalog.columns_for("text") == [COLUMN]


def test_encoder_is_rebuilt_from_the_stored_target(catalog: Catalog) -> None:
    encoder = catalog.encoder(COLUMN)
    assert type(encoder) is FakeEncoder and encoder.dim == 64 and encoder.space == "fake:64"
    assert catalog.encoder(COLUMN) is encoder  # cached


def test_reopen_and_search_in_a_new_process(fake_table: tuple[Path, str], catalog: Catalog) -> None:
    db, table = fake_table
    out = run_python(
        f"""
        import json
        from xmr_agent.store import Catalog
        catalog = Catalog.open({str(db)!r}, {table!r})
        hits = catalog.search("light tent for the mountains", k=3)
        print(json.dumps([[h.id, h.score] for h in hits]))
        """
    )
    assert out.returncode == 0, out.stderr
    ranked = json.loads(out.stdout)
    here = catalog.search("light tent for the mountains", k=3)
    assert ranked[0][0] == "tent"
    assert [i for i, _ in ranked] == [h.id for h in here]
    assert [s for _, s in ranked] == pytest.approx([h.score for h in here], abs=1e-5)


def test_query_encoder_of_another_space_is_refused(catalog: Catalog) -> None:
    with pytest.raises(EncoderMismatch) as caught:
        catalog.use_encoder(COLUMN, FakeEncoder(space="elsewhere"))
    message = str(caught.value)
    assert "'fake:64'" in message and "'elsewhere:64'" in message and "re-ingest" in message
    with pytest.raises(EncoderMismatch, match="dim 32"):
        catalog.use_encoder(COLUMN, FakeEncoder(dim=32))


def test_query_encoder_of_the_same_space_is_used(catalog: Catalog) -> None:
    class Counting(FakeEncoder):
        pass

    mine = Counting()
    catalog.use_encoder(COLUMN, mine)
    assert catalog.search("bicycle", k=1)[0].id == "bike"
    assert mine.calls == 1


def test_opening_a_missing_table_lists_the_tables(fake_table: tuple[Path, str]) -> None:
    db, table = fake_table
    with pytest.raises(StoreError) as caught:
        Catalog.open(db, "nope")
    assert "no table 'nope'" in str(caught.value) and table in str(caught.value)
    assert "xmr ingest" in str(caught.value)


def test_opening_a_missing_database_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no database at"):
        Catalog.open(tmp_path / "typo", "items")
    assert not (tmp_path / "typo").exists()


def test_a_table_not_written_by_xmr_agent_is_refused(tmp_path: Path) -> None:
    lancedb.connect(tmp_path).create_table("plain", data=pa.table({"id": ["a"]}))
    with pytest.raises(StoreError, match="not written by xmr-agent"):
        Catalog.open(tmp_path, "plain")


def test_a_table_from_a_newer_format_is_refused() -> None:
    schema = pa.schema([pa.field("id", pa.string())]).with_metadata({META_KEY: json.dumps(
        {"format": 99, "vectors": []})})
    with pytest.raises(StoreError, match="upgrade xmr-agent"):
        read_vector_specs(schema, "t")


def test_rrf_fuse_rewards_items_ranked_well_in_both_lists() -> None:
    a = [Hit("x", 0.9, {"t": 1}, {"a": 0.9}), Hit("y", 0.8, {}, {"a": 0.8}), Hit("z", 0.1, {}, {"a": 0.1})]
    b = [Hit("y", 5.0, {}, {"b": 5.0}), Hit("z", 4.0, {}, {"b": 4.0})]
    fused = rrf_fuse([a, b], k=2)
    assert [h.id for h in fused] == ["y", "z"]
    assert fused[0].score == pytest.approx(1 / 62 + 1 / 61)
    assert fused[0].scores == {"a": 0.8, "b": 5.0}
    assert rrf_fuse([a], k=5)[0].item == {"t": 1}


def test_filters_quote_literals_and_identifiers() -> None:
    assert literal("it's") == "'it''s'"
    assert literal("plain") == "'plain'"
    assert ids_in(["a", "b'c"]) == "id IN ('a', 'b''c')"
    assert ids_in(["a"], negate=True) == "NOT (id IN ('a'))"
    assert compare("price", "<", 10.0) == "price < 10.0"
    assert compare("weird col", "=", "x") == "`weird col` = 'x'"
    assert list_has("genre", "sci-fi") == "array_has(genre, 'sci-fi')"
    assert contains_text("title", "50%_OFF") == "contains(lower(title), '50%_off')"


def test_a_text_filter_keeps_percent_and_underscore(tmp_path: Path) -> None:
    """``contains`` matches "50%_off" literally (a LIKE pattern would treat % and _ as wildcards)."""
    import lancedb
    import pyarrow as pa

    table = lancedb.connect(tmp_path).create_table("t", pa.table({"id": ["a", "b", "c"],
                                                                  "title": ["50%_off sale", "50 off sale", "5x0off"]}))
    found = table.search().where(contains_text("title", "50%_off")).to_list()
    assert [r["id"] for r in found] == ["a"]


def test_search_vector_with_a_raw_vector(catalog: Catalog) -> None:
    vector = FakeEncoder().encode(["mountain tent camping"], modality="text", role="query")[0]
    hits = catalog.search_vector(np.asarray(vector), column=COLUMN, k=2)
    assert hits[0].id == "tent"
