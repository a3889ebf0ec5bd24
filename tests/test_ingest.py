"""Ingest with FakeEncoder: idempotent upserts, change detection, bad-record reports, schema growth."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest
from helpers import ITEMS, RecordingEncoder, write_jsonl

from xmr_agent.errors import ConfigError, EncoderMismatch, IngestError, StoreError
from xmr_agent.ingestion.pipeline import ingest
from xmr_agent.ingestion.readers import FieldMap
from xmr_agent.store.catalog import Catalog
from xmr_agent.testing import FakeEncoder


def _rows(db: Path, table: str) -> dict[str, dict]:
    data = Catalog.open(db, table).table.to_arrow().to_pylist()
    return {row["id"]: row for row in data}


def test_ingest_lands_items_with_typed_metadata(items_file: Path, tmp_path: Path) -> None:
    report = ingest(items_file, tmp_path / "db", "t", vectors={"text": FakeEncoder()})
    assert (report.read, report.inserted, report.updated, report.unchanged, report.rows) == (6, 6, 0, 0, 6)
    assert report.ok and report.bad == ()
    schema = Catalog.open(tmp_path / "db", "t").schema()
    assert schema.field("year").type == pa.int64()
    assert schema.field("price").type == pa.float64()
    assert schema.field("tags").type == pa.list_(pa.string())
    assert schema.field("used").type == pa.bool_()
    assert schema.field("vec__text__fake").type == pa.list_(pa.float32(), 64)
    rows = _rows(tmp_path / "db", "t")
    assert rows["piano"]["tags"] == ["music", "calm"] and rows["piano"]["price"] == pytest.approx(0.99)


def test_ingesting_twice_changes_nothing_and_embeds_nothing(items_file: Path, tmp_path: Path) -> None:
    ingest(items_file, tmp_path / "db", "t", vectors={"text": FakeEncoder()})
    before = _rows(tmp_path / "db", "t")
    again = RecordingEncoder()
    report = ingest(items_file, tmp_path / "db", "t", vectors={"text": again})
    assert (report.read, report.inserted, report.updated, report.unchanged, report.rows) == (6, 0, 0, 6, 6)
    assert again.calls == 0 and again.seen == []
    assert _rows(tmp_path / "db", "t") == before


def test_a_changed_item_is_re_embedded_and_updated_alone(items_file: Path, tmp_path: Path) -> None:
    ingest(items_file, tmp_path / "db", "t", vectors={"text": FakeEncoder()})
    before = _rows(tmp_path / "db", "t")
    changed = [dict(item) for item in ITEMS]
    changed[1]["text"] = "a stormy violin concerto"
    changed[4]["year"] = 2013  # metadata only: updated, but its embedded text did not change
    source = write_jsonl(items_file, changed)
    encoder = RecordingEncoder()
    report = ingest(source, tmp_path / "db", "t", vectors={"text": encoder})
    assert (report.inserted, report.updated, report.unchanged, report.rows) == (0, 2, 4, 6)
    assert encoder.seen == ["Piano nocturne. a stormy violin concerto"]
    after = _rows(tmp_path / "db", "t")
    assert after["piano"]["text"] == "a stormy violin concerto"
    assert after["piano"]["vec__text__fake"] != before["piano"]["vec__text__fake"]
    assert after["bread"]["year"] == 2013
    assert after["bread"]["vec__text__fake"] == before["bread"]["vec__text__fake"]
    assert after["bread"]["_hash"] != before["bread"]["_hash"]
    for unchanged in ("bike", "guitar", "tent", "espresso"):
        assert after[unchanged] == before[unchanged]


def test_new_items_are_inserted_next_to_existing_ones(items_file: Path, tmp_path: Path) -> None:
    ingest(items_file, tmp_path / "db", "t", vectors={"text": FakeEncoder()})
    more = write_jsonl(tmp_path / "more.jsonl", [*ITEMS, {"id": "kayak", "title": "Kayak", "year": 2021}])
    report = ingest(more, tmp_path / "db", "t", vectors={"text": FakeEncoder()})
    assert (report.inserted, report.updated, report.unchanged, report.rows) == (1, 0, 6, 7)


def test_bad_records_are_reported_with_file_line_and_reason(tmp_path: Path) -> None:
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "ok.jpg").write_bytes(b"\xff\xd8")
    source = write_jsonl(tmp_path / "mixed.jsonl", [
        {"id": "a", "title": "Alpha", "year": 2001, "image": "img/ok.jpg"},     # 1
        {"id": "b", "title": "Beta", "year": 2002},                             # 2
        '{"id": "broken", ',                                                    # 3
        {"title": "no id at all"},                                              # 4
        {"id": "c", "title": "Gamma", "image": "img/missing.jpg"},              # 5
        {"id": "d", "title": "Delta", "year": "two thousand"},                  # 6 (batch 3: int column)
        {"id": "e", "title": "Epsilon", "year": 2005},                          # 7
    ])
    report = ingest(source, tmp_path / "db", "t", vectors={"text": FakeEncoder()}, batch_size=2)
    assert report.read == 7 and report.rows == 3
    assert sorted(_rows(tmp_path / "db", "t")) == ["a", "b", "e"]
    by_line = {b.line: b for b in report.bad}
    assert sorted(by_line) == [3, 4, 5, 6]
    assert all(b.source == str(source) for b in report.bad)
    assert by_line[3].reason.startswith("malformed JSON")
    assert by_line[4].reason == "missing id (field 'id')"
    assert by_line[5].id == "c" and "image file not found: img/missing.jpg" in by_line[5].reason
    assert by_line[6].id == "d" and by_line[6].reason == "field 'year': expected int64, got 'two thousand'"
    assert not report.ok
    summary = report.to_dict()
    assert summary["rows"] == 3 and len(summary["skipped"]) == 4
    assert {"source": str(source), "line": 6, "id": "d", "reason": by_line[6].reason} in summary["skipped"]


def test_one_wrong_typed_value_in_first_batch_keeps_the_good_rows(tmp_path: Path) -> None:
    """Only the odd record is skipped; its neighbours land with an integer column.

    Library bug F1 (ingest._infer_field falls back to string for the whole column).
    """
    source = write_jsonl(tmp_path / "c.jsonl", [
        {"id": "a", "title": "A", "year": 2001},
        {"id": "b", "title": "B", "year": 1999},
        {"id": "c", "title": "C", "year": "nineteen"},
        {"id": "d", "title": "D", "year": 2010},
    ])
    report = ingest(source, tmp_path / "db", "t", vectors={"text": FakeEncoder()})
    assert sorted(_rows(tmp_path / "db", "t")) == ["a", "b", "d"], report.bad
    assert [(b.line, b.id) for b in report.bad] == [(3, "c")]


def test_field_null_in_first_batch_takes_its_type_from_later_values(tmp_path: Path) -> None:
    """A field that is null in every row of the first batch must not fix its column as string.

    Library bug F1 (ingest._infer_field: no non-null values → string).
    """
    source = write_jsonl(tmp_path / "c.jsonl", [
        {"id": "a", "title": "A", "year": None},
        {"id": "b", "title": "B", "year": None},
        {"id": "c", "title": "C", "year": 2001},
        {"id": "d", "title": "D", "year": 2002},
    ])
    report = ingest(source, tmp_path / "db", "t", vectors={"text": FakeEncoder()}, batch_size=2)
    assert report.ok, report.bad
    assert report.rows == 4
    hits = Catalog.open(tmp_path / "db", "t").search("C", k=10, where="year > 2000")
    assert sorted(h.id for h in hits) == ["c", "d"]


def test_float_into_int_column_is_not_truncated(tmp_path: Path) -> None:
    """9.99 arriving in a column inferred as int64 is either reported or kept exact, never stored as 9.

    Library bug F2 (ingest._fits trusts pyarrow, which truncates floats into int64).
    """
    source = write_jsonl(tmp_path / "c.jsonl", [
        {"id": "a", "title": "A", "price": 10},
        {"id": "b", "title": "B", "price": 20},
        {"id": "c", "title": "C", "price": 9.99},
    ])
    report = ingest(source, tmp_path / "db", "t", vectors={"text": FakeEncoder()}, batch_size=2)
    rows = _rows(tmp_path / "db", "t")
    reported = [b.id for b in report.bad]
    assert reported == ["c"] or rows["c"]["price"] == pytest.approx(9.99), (rows.get("c"), report.bad)


def test_ints_and_floats_together_make_a_float_column(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "c.jsonl", [
        {"id": "a", "title": "A", "price": 10},
        {"id": "b", "title": "B", "price": 9.99},
        {"id": "c", "title": "C", "price": 20},
    ])
    report = ingest(source, tmp_path / "db", "t", vectors={"text": FakeEncoder()})
    assert report.ok and report.rows == 3
    assert Catalog.open(tmp_path / "db", "t").schema().field("price").type == pa.float64()
    assert _rows(tmp_path / "db", "t")["b"]["price"] == pytest.approx(9.99)


def test_ints_and_floats_widen_even_next_to_an_odd_value(tmp_path: Path) -> None:
    """Only the non-number is skipped; 9.99 is a good price.

    Library bug F7 (schema.infer_field widens int+float only when they are the only types seen).
    """
    source = write_jsonl(tmp_path / "c.jsonl", [
        {"id": "a", "title": "A", "price": 10},
        {"id": "b", "title": "B", "price": 9.99},
        {"id": "c", "title": "C", "price": 12},
        {"id": "d", "title": "D", "price": "n/a"},
    ])
    report = ingest(source, tmp_path / "db", "t", vectors={"text": FakeEncoder()})
    assert [b.id for b in report.bad] == ["d"], report.bad
    assert _rows(tmp_path / "db", "t")["b"]["price"] == pytest.approx(9.99)


def test_string_into_list_column_is_not_split_into_characters(tmp_path: Path) -> None:
    """Library bug F2 (pyarrow turns "animal" into ['a','n','i','m','a','l'] for a list<string> column)."""
    source = write_jsonl(tmp_path / "c.jsonl", [
        {"id": "a", "title": "A", "tags": ["x", "y"]},
        {"id": "b", "title": "B", "tags": ["y"]},
        {"id": "c", "title": "C", "tags": "animal"},
    ])
    report = ingest(source, tmp_path / "db", "t", vectors={"text": FakeEncoder()}, batch_size=2)
    rows = _rows(tmp_path / "db", "t")
    if "c" in rows:
        assert rows["c"]["tags"] in (["animal"],), rows["c"]["tags"]
    else:
        assert [b.id for b in report.bad] == ["c"]


def test_duplicate_id_within_a_batch_is_reported_and_the_last_wins(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "dup.jsonl", [
        {"id": "x", "title": "first"},
        {"id": "y", "title": "other"},
        {"id": "x", "title": "second"},
    ])
    report = ingest(source, tmp_path / "db", "t", vectors={"text": FakeEncoder()})
    assert report.rows == 2 and report.inserted == 2
    (bad,) = report.bad
    assert bad.id == "x" and bad.line in (1, 3) and "duplicate id" in bad.reason
    assert bad.source == str(source)
    assert _rows(tmp_path / "db", "t")["x"]["title"] == "second"


def test_duplicate_id_across_batches_is_reported(tmp_path: Path) -> None:
    """A duplicate id is a duplicate whatever the batch size.

    Library bug F3 (ingest._normalise only looks within one batch).
    """
    source = write_jsonl(tmp_path / "dup.jsonl", [
        {"id": "x", "title": "first"},
        {"id": "y", "title": "other"},
        {"id": "x", "title": "second"},
    ])
    report = ingest(source, tmp_path / "db", "t", vectors={"text": FakeEncoder()}, batch_size=2)
    assert report.rows == 2
    assert _rows(tmp_path / "db", "t")["x"]["title"] == "second"
    assert [(b.id, "duplicate id" in b.reason) for b in report.bad] == [("x", True)], report


def test_a_field_first_seen_in_a_later_batch_becomes_a_column(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "grow.jsonl", [
        {"id": "a", "title": "A", "year": 2001},
        {"id": "b", "title": "B", "year": 2002},
        {"id": "c", "title": "C", "year": 2003, "rating": 4.5, "genres": ["drama", "war"]},
        {"id": "d", "title": "D", "year": 2004, "rating": 3.0, "genres": ["comedy"]},
    ])
    report = ingest(source, tmp_path / "db", "t", vectors={"text": FakeEncoder()}, batch_size=2)
    assert report.ok and report.rows == 4
    catalog = Catalog.open(tmp_path / "db", "t")
    assert catalog.schema().field("rating").type == pa.float64()
    assert catalog.schema().field("genres").type == pa.list_(pa.string())
    assert catalog.columns()[-2:] == ["rating", "genres"]
    rows = _rows(tmp_path / "db", "t")
    assert rows["a"]["rating"] is None and rows["c"]["rating"] == 4.5
    assert [h.id for h in catalog.search("C", k=10, where="rating > 4")] == ["c"]
    assert [h.id for h in catalog.search("C", k=10, where="array_has(genres, 'comedy')")] == ["d"]


def test_ids_with_quotes_are_upserted_not_duplicated(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "q.jsonl", [
        {"id": "it's", "title": "quote"},
        {"id": 'say "hi"', "title": "double"},
        {"id": "a') OR ('1'='1", "title": "injection"},
    ])
    first = ingest(source, tmp_path / "db", "t", vectors={"text": FakeEncoder()})
    second = ingest(source, tmp_path / "db", "t", vectors={"text": FakeEncoder()})
    assert first.inserted == 3 and (second.unchanged, second.inserted, second.rows) == (3, 0, 3)
    assert Catalog.open(tmp_path / "db", "t").get(["it's"])[0]["title"] == "quote"


def test_numeric_ids_are_stored_as_strings(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "n.jsonl", [{"id": 1, "title": "one"}, {"id": 2, "title": "two"}])
    ingest(source, tmp_path / "db", "t", vectors={"text": FakeEncoder()})
    assert sorted(_rows(tmp_path / "db", "t")) == ["1", "2"]


@pytest.mark.parametrize("other", [FakeEncoder(dim=32), FakeEncoder(space="other")], ids=["dim", "space"])
def test_ingest_with_different_encoder_settings_is_refused(
    items_file: Path, tmp_path: Path, other: FakeEncoder
) -> None:
    ingest(items_file, tmp_path / "db", "t", vectors={"text": FakeEncoder()})
    with pytest.raises(EncoderMismatch) as caught:
        ingest(items_file, tmp_path / "db", "t", vectors={"text": other})
    message = str(caught.value)
    assert "'vec__text__fake'" in message and "new table" in message
    assert _rows(tmp_path / "db", "t")["bike"]["vec__text__fake"] is not None
    assert len(_rows(tmp_path / "db", "t")["bike"]["vec__text__fake"]) == 64


def test_ingest_with_a_different_encoder_names_the_existing_columns(items_file: Path, tmp_path: Path) -> None:
    ingest(items_file, tmp_path / "db", "t", vectors={"text": FakeEncoder()})
    with pytest.raises(ConfigError, match=r"no vector column for field 'text' by encoder 'text'.*vec__text__fake"
                       r".*xmr backfill --encoder text=text"):
        ingest(items_file, tmp_path / "db", "t", vectors={"text": "text"})


def test_several_vector_columns_are_searched_and_fused(items_file: Path, tmp_path: Path) -> None:
    report = ingest(items_file, tmp_path / "db", "t",
                    vectors={"text": FakeEncoder(), "title": FakeEncoder(dim=32)})
    assert report.ok
    catalog = Catalog.open(tmp_path / "db", "t")
    assert sorted(catalog.vectors) == ["vec__text__fake", "vec__title__fake"]
    assert catalog.vectors["vec__title__fake"].dim == 32
    (top, *_) = catalog.search("sourdough bread", k=3)
    assert top.id == "bread"
    assert set(top.scores) == {"vector:vec__text__fake", "vector:vec__title__fake"}


def test_ann_index_is_built_once_the_table_is_large(tmp_path: Path) -> None:
    rows = [{"id": f"i{i}", "title": f"item {i}", "text": f"word{i % 37} thing{i % 11}", "n": i}
            for i in range(320)]
    source = write_jsonl(tmp_path / "big.jsonl", rows)
    small = ingest(source, tmp_path / "db", "small", vectors={"text": FakeEncoder()}, ann_threshold=1000)
    large = ingest(source, tmp_path / "db", "large", vectors={"text": FakeEncoder()}, ann_threshold=300)
    assert small.rows == large.rows == 320

    def indices(name: str) -> dict[tuple[str, ...], str]:
        return {tuple(ix.columns): ix.index_type for ix in Catalog.open(tmp_path / "db", name).table.list_indices()}

    assert ("vec__text__fake",) not in indices("small")
    assert indices("large")[("vec__text__fake",)].startswith("IvfHnsw")
    for name in ("small", "large"):  # full text and id indexes always
        assert indices(name)[("title",)] == indices(name)[("text",)] == "FTS"
        assert indices(name)[("id",)] == "BTree"
    hits = Catalog.open(tmp_path / "db", "large").search("word5 thing3", k=5, where="n < 100")
    assert len(hits) == 5 and all(h.item["n"] < 100 for h in hits)


def test_missing_catalogue_is_an_ingest_error(tmp_path: Path) -> None:
    """Library bug F6 (ingest counts the records before read_catalog checks the path)."""
    with pytest.raises(IngestError, match="does not exist"):
        ingest(tmp_path / "nope.jsonl", tmp_path / "db", "t", vectors={"text": FakeEncoder()})


def test_missing_catalogue_creates_no_table(tmp_path: Path) -> None:
    with pytest.raises(IngestError):
        ingest(tmp_path / "nope.jsonl", tmp_path / "db", "t", vectors={"text": FakeEncoder()})
    with pytest.raises(StoreError, match="no table 't'"):
        Catalog.open(tmp_path / "db", "t")


def test_an_empty_catalogue_creates_no_table(tmp_path: Path) -> None:
    empty = write_jsonl(tmp_path / "empty.jsonl", [])
    report = ingest(empty, tmp_path / "db", "t", vectors={"text": FakeEncoder()})
    assert (report.read, report.inserted, report.rows, report.bad) == (0, 0, 0, ())
    with pytest.raises(StoreError, match="no table 't'"):
        Catalog.open(tmp_path / "db", "t")


def test_progress_bar_runs(items_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = ingest(items_file, tmp_path / "db", "t", vectors={"text": FakeEncoder()}, progress=True)
    assert report.rows == 6
    assert "ingesting items.jsonl" in capsys.readouterr().out


def test_report_serialises_to_json(items_file: Path, tmp_path: Path) -> None:
    report = ingest(items_file, tmp_path / "db", "t", vectors={"text": FakeEncoder()})
    assert json.loads(json.dumps(report.to_dict())) == {
        "read": 6, "inserted": 6, "updated": 0, "unchanged": 0, "skipped": [], "rows": 6,
        "warnings": [], "mapping": "text: title, text", "removed": [],
    }


def test_declared_column_type_beats_inference(tmp_path: Path) -> None:
    """Whole-number prices first would make an int column; --type price=float keeps 9.99 later."""
    rows = [{"id": f"w{i}", "title": "t", "price": 10 + i} for i in range(5)] + [
        {"id": "f", "title": "t", "price": 9.99}]
    source = tmp_path / "prices.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows))
    report = ingest(source, tmp_path / "db", "t", vectors={"text": FakeEncoder()}, batch_size=2,
                    fields=FieldMap(types={"price": "float"}))
    assert report.bad == () and report.rows == 6
    catalog = Catalog.open(tmp_path / "db", "t")
    assert catalog.schema().field("price").type == pa.float64()
    assert catalog.get(["f"])[0]["price"] == 9.99


def test_unknown_declared_type_is_a_config_error(tmp_path: Path) -> None:
    source = tmp_path / "x.jsonl"
    source.write_text('{"id": "a", "price": 1}\n')
    with pytest.raises(ConfigError, match="unknown column type 'money'"):
        ingest(source, tmp_path / "db", "t", vectors={"text": FakeEncoder()}, fields=FieldMap(types={"price": "money"}))


def test_a_csv_column_of_numbers_and_words_keeps_every_row_as_written(tmp_path: Path) -> None:
    lines = ["id,title,size,price"] + [f"s{i},Shoe {i},{36 + i % 10 if i < 14 else 'M'},{10 + i}" for i in range(20)]
    lines += ["s20,Shoe 20,One size,N/A"] + [f"p{i},Sock {i},{i % 3 + 1},{5 + i}" for i in range(20)]
    source = tmp_path / "shoes.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = ingest(source, tmp_path / "db", "t", vectors={"text": FakeEncoder()}, batch_size=4)  # words after
    # four batches of numbers
    table = Catalog.open(tmp_path / "db", "t").table
    assert table.schema.field("size").type == pa.string() and table.schema.field("price").type == pa.int64()
    sizes = {r["id"]: r["size"] for r in table.to_arrow().select(["id", "size"]).to_pylist()}
    assert sizes["s0"] == "36" and sizes["s14"] == "M" and sizes["p1"] == "2"  # numbers as written, no row refused
    assert [b.id for b in report.bad] == ["s20"] and "'N/A'" in report.bad[0].reason  # a rare word among numbers


def test_one_word_among_a_few_prices_leaves_the_column_numbers(tmp_path: Path) -> None:
    """A small file: one "douze euros" among five prices is a rare word (the row reported), not a column of words;
    with ``--type prix=float`` the other rows are kept too."""
    lines = ["ref,titre,prix", "a,Binette,16.90", "b,Sarcloir,21.00", "c,Serfouette,douze euros", "d,Griffe,19.90",
             "e,Plantoir,7.50"]
    source = tmp_path / "outils.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for table, fields in (("plain", FieldMap()), ("typed", FieldMap(types={"prix": "float"}))):
        report = ingest(source, tmp_path / "db", table, vectors={"text": FakeEncoder()}, fields=fields)
        assert [b.id for b in report.bad] == ["c"] and report.rows == 4, table
        catalog = Catalog.open(tmp_path / "db", table)
        assert catalog.schema().field("prix").type in (pa.float64(), pa.float32()), table
        assert catalog.get(["b"])[0]["prix"] == 21.0


def test_a_declared_number_column_takes_numbers_written_as_text(tmp_path: Path) -> None:
    from xmr_agent.store.schema import convert

    arrays, bad = convert([{"id": "a", "n": "16.90"}, {"id": "b", "n": "16,5"}, {"id": "c", "n": 3}],
                          pa.schema([pa.field("id", pa.string()), pa.field("n", pa.float64())]))
    assert bad == {} and arrays[1].to_pylist() == [16.9, 16.5, 3.0]
