"""Catalogue readers and record normalisation (no encoder, no store)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import write_jsonl

from xmr_agent.errors import IngestError
from xmr_agent.ingestion.pipeline import ingest
from xmr_agent.ingestion.readers import (
    FieldMap,
    RecordError,
    column_name,
    compose_text,
    count_records,
    normalise,
    parse_cell,
    read_catalog,
)
from xmr_agent.store.catalog import Catalog
from xmr_agent.testing import FakeEncoder
from xmr_agent.types import BadRecord


def _split(raws: list) -> tuple[list, list[BadRecord]]:
    good = [(line, r) for line, r in raws if not isinstance(r, BadRecord)]
    bad = [r for _, r in raws if isinstance(r, BadRecord)]
    return good, bad


# -- JSONL ----------------------------------------------------------------------------------------
def test_jsonl_reports_malformed_and_non_object_lines_and_keeps_the_rest(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "c.jsonl", [
        {"id": "a"},
        '{"id": "b", ',
        "",
        "[1, 2]",
        '"just a string"',
        {"id": "c"},
    ])
    good, bad = _split(list(read_catalog(path)))
    assert good == [(1, {"id": "a"}), (6, {"id": "c"})]
    assert [(b.source, b.line) for b in bad] == [(str(path), 2), (str(path), 4), (str(path), 5)]
    assert bad[0].reason.startswith("malformed JSON")
    assert bad[1].reason == "expected a JSON object, got list"
    assert bad[2].reason == "expected a JSON object, got str"
    assert str(bad[0]).startswith(f"{path}:2: malformed JSON")


def test_ndjson_suffix_reads_as_jsonl(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "c.ndjson", [{"id": 1}, {"id": 2}])
    assert [r["id"] for _, r in read_catalog(path)] == [1, 2]


# -- CSV ------------------------------------------------------------------------------------------
def test_csv_cells_are_typed_and_extra_values_reported(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        "id,title,year,price,used,note,empty\n"
        'a,Alpha,2001,1.5,true,"x, y",\n'
        "b,Beta,1999,2,FALSE,plain,\n"
        "c,Gamma,2000,3.5,true,z,,extra1,extra2\n"
        "d,Delta\n",
        encoding="utf-8",
    )
    good, bad = _split(list(read_catalog(path)))
    assert good[0] == (2, {"id": "a", "title": "Alpha", "year": 2001, "price": 1.5, "used": True,
                           "note": "x, y", "empty": None})
    assert good[1][1]["used"] is False and good[1][1]["price"] == 2 and isinstance(good[1][1]["year"], int)
    assert good[2] == (5, {"id": "d", "title": "Delta", "year": None, "price": None, "used": None,
                           "note": None, "empty": None})
    assert len(bad) == 1
    assert (bad[0].source, bad[0].line, bad[0].reason) == (str(path), 4, "2 more values than header columns")


def test_a_refused_rows_cells_do_not_make_a_column_of_numbers_words(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"  # an unquoted "0,8 l" shifts the kind into the price column of its refused row
    rows = [f"T-{n},Tea {n},Green,{n}.50" for n in range(1, 12)] + ["T-12,Teapot 0,8 l,Pots,39.00"]
    path.write_text("sku,name,kind,price\n" + "\n".join(rows) + "\n", encoding="utf-8")
    good, bad = _split(list(read_catalog(path)))
    assert [r["price"] for _, r in good] == [n + 0.5 for n in range(1, 12)]
    assert [b.reason for b in bad] == ["1 more values than header columns"]


@pytest.mark.parametrize(
    ("cell", "value"),
    [("12", 12), (" 7 ", 7), ("-3", -3), ("1.25", 1.25), ("true", True), ("False", False), ("", None),
     ("   ", None), (None, None), ("hello", "hello"), ("0x10", "0x10"), ("1e3", 1000.0), (".5", 0.5),
     ("+4", 4)],
)
def test_parse_cell(cell: str | None, value: object) -> None:
    parsed = parse_cell(cell)
    assert parsed == value and type(parsed) is type(value)


@pytest.mark.parametrize("cell", ["inf", "nan", "Infinity", "1_000", "12abc", "1.2.3"])
def test_parse_cell_keeps_words_that_python_would_read_as_numbers(cell: str) -> None:
    assert parse_cell(cell) == cell


def test_csv_id_keeps_leading_zeros(tmp_path: Path) -> None:
    """Ids are identifiers, not numbers: '007' and '7' are two items.

    Library bug F4 (records.read_csv types every cell, the id column included).
    """
    path = tmp_path / "c.csv"
    path.write_text("id,title\n007,Bond\n7,Seven\n", encoding="utf-8")
    report = ingest(path, tmp_path / "db", "t", vectors={"text": FakeEncoder()})
    ids = sorted(Catalog.open(tmp_path / "db", "t").table.to_arrow()["id"].to_pylist())
    assert ids == ["007", "7"], report


def test_csv_through_ingest_gives_typed_columns(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("id,title,year,price,used\na,Alpha,2001,1.5,true\nb,Beta,1999,2.25,false\n", encoding="utf-8")
    report = ingest(path, tmp_path / "db", "t", vectors={"text": FakeEncoder()})
    assert report.ok and report.rows == 2
    schema = Catalog.open(tmp_path / "db", "t").schema()
    assert str(schema.field("year").type) == "int64"
    assert str(schema.field("price").type) == "double"
    assert str(schema.field("used").type) == "bool"


# -- JSON -----------------------------------------------------------------------------------------
def test_json_array_of_objects(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps([{"id": "a", "title": "A"}, "oops", {"id": "b"}]), encoding="utf-8")
    good, bad = _split(list(read_catalog(path)))
    assert good == [(1, {"id": "a", "title": "A"}), (3, {"id": "b"})]
    assert (bad[0].line, bad[0].reason) == (2, "entry 2 is a str, not an object")


def test_json_object_of_objects_takes_ids_from_keys(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps({
        "100026": {"name": "Pari (1995)", "genre": ["drama"]},
        "100030": {"id": "own-id", "name": "Friends with Benefits (2011)"},
        "100043": ["not", "an", "object"],
    }), encoding="utf-8")
    good, bad = _split(list(read_catalog(path)))
    assert good[0] == (1, {"id": "100026", "name": "Pari (1995)", "genre": ["drama"]})
    assert good[1][1]["id"] == "own-id"  # an explicit id wins over the key
    assert (bad[0].line, bad[0].reason) == (3, "entry 3 is a list, not an object")


def test_redial_catalog_json_reads_with_ids_from_keys(data_dir: Path) -> None:
    path = data_dir / "redial" / "catalog.json"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    first = next(iter(json.loads(path.read_text(encoding="utf-8")).items()))
    line, raw = next(iter(read_catalog(path)))
    assert line == 1 and raw["id"] == first[0] and raw["name"] == first[1]["name"]
    item = normalise(raw, FieldMap(title="name", text=("plot", "genre")), path.parent)
    assert item["title"] == first[1]["name"] and item["id"] == first[0]


@pytest.mark.parametrize("content", ["{not json", "42"])
def test_json_that_is_not_a_catalogue_is_an_ingest_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "c.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(IngestError, match=str(path.name)):
        list(read_catalog(path))


def test_unknown_suffix_and_missing_path_are_ingest_errors(tmp_path: Path) -> None:
    (tmp_path / "c.xml").write_text("<x/>")
    with pytest.raises(IngestError, match="expected .jsonl"):
        read_catalog(tmp_path / "c.xml")
    with pytest.raises(IngestError, match="does not exist"):
        read_catalog(tmp_path / "missing.jsonl")


# -- folders --------------------------------------------------------------------------------------
def test_folder_reader_text_media_and_unsupported_files(tmp_path: Path) -> None:
    root = tmp_path / "shop"
    (root / "sub").mkdir(parents=True)
    (root / "calm_piano.txt").write_text("a calm piano piece", encoding="utf-8")
    (root / "sub" / "notes.md").write_text("# notes\nmarkdown text", encoding="utf-8")
    (root / "red_bike.JPG").write_bytes(b"\xff\xd8\xff")
    (root / "song.mp3").write_bytes(b"ID3")
    (root / "data.bin").write_bytes(b"\x00")
    (root / ".hidden.txt").write_text("never read")
    good, bad = _split(list(read_catalog(root)))
    by_id = {r["id"]: r for _, r in good}
    assert set(by_id) == {"calm_piano.txt", "sub/notes.md", "red_bike.JPG", "song.mp3"}
    assert by_id["calm_piano.txt"] == {"id": "calm_piano.txt", "title": "calm piano", "text": "a calm piano piece"}
    assert by_id["sub/notes.md"]["text"].startswith("# notes")
    assert Path(by_id["red_bike.JPG"]["image"]) == (root / "red_bike.JPG").resolve()
    assert Path(by_id["song.mp3"]["audio"]) == (root / "song.mp3").resolve()
    assert [(b.id, b.reason) for b in bad] == [("data.bin", "unsupported file type '.bin'")]
    assert count_records(root) == 5


def test_folder_ingest_lands_good_files_and_reports_the_rest(tmp_path: Path) -> None:
    root = tmp_path / "shop"
    root.mkdir()
    (root / "calm_piano.txt").write_text("a calm piano piece", encoding="utf-8")
    (root / "loud_guitar.txt").write_text("a loud electric guitar solo", encoding="utf-8")
    (root / "red_bike.png").write_bytes(b"\x89PNG")
    (root / "README").write_text("no extension")
    report = ingest(root, tmp_path / "db", "files", vectors={"text": FakeEncoder()})
    assert (report.read, report.inserted, report.rows) == (4, 3, 3)
    assert [(b.id, b.reason) for b in report.bad] == [("README", "unsupported file type '(none)'")]
    catalog = Catalog.open(tmp_path / "db", "files")
    assert catalog.search("piano", k=1)[0].id == "calm_piano.txt"
    (bike,) = catalog.get(["red_bike.png"])
    assert Path(bike["image"]).is_file()


# -- normalise ------------------------------------------------------------------------------------
def test_field_map_composes_text_from_several_fields(tmp_path: Path) -> None:
    raw = {"id": 42, "name": "Star Wars (1977)", "plot": "Luke joins the rebellion.",
           "genre": ["action", "sci-fi"], "director": ["George Lucas"], "star": [], "imdb": "tt0076759"}
    fields = FieldMap(title="name", text=("plot", "genre", "director", "star"), drop=("imdb",))
    item = normalise(raw, fields, tmp_path)
    assert item["id"] == "42"
    assert item["title"] == "Star Wars (1977)"
    assert item["text"] == "Luke joins the rebellion.. genre: action, sci-fi. director: George Lucas"
    assert "name" not in item and "imdb" not in item  # the title source and dropped fields are no columns
    assert item["genre"] == ["action", "sci-fi"]  # composed fields stay filterable metadata
    assert item["image"] is None and item["audio"] is None and item["video"] is None


def test_compose_text_single_and_missing_fields() -> None:
    assert compose_text({"description": " spaced "}, ("description",)) == "spaced"
    assert compose_text({}, ("text",)) == ""
    assert compose_text({"a": None, "b": 3}, ("a", "b")) == "b: 3"


@pytest.mark.parametrize("bad_id", [None, "", "   ", {"x": 1}, [1]])
def test_missing_or_unusable_id_is_a_record_error(tmp_path: Path, bad_id: object) -> None:
    with pytest.raises(RecordError, match="id"):
        normalise({"id": bad_id, "title": "x"}, FieldMap(), tmp_path)


def test_media_path_is_relative_to_the_catalogue_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "catalogue"
    (folder / "images").mkdir(parents=True)
    (folder / "images" / "bike.jpg").write_bytes(b"\xff\xd8")
    monkeypatch.chdir(tmp_path)  # the working directory must not matter
    item = normalise({"id": "a", "image": "images/bike.jpg", "audio": "https://example.org/a.mp3"},
                     FieldMap(), folder)
    assert item["image"] == str((folder / "images" / "bike.jpg").resolve())
    assert item["audio"] == "https://example.org/a.mp3"


def test_missing_media_file_and_non_string_media_are_record_errors(tmp_path: Path) -> None:
    with pytest.raises(RecordError, match=r"image file not found: images/nope\.jpg"):
        normalise({"id": "a", "image": "images/nope.jpg"}, FieldMap(), tmp_path)
    with pytest.raises(RecordError, match="audio must be a path or URL string, got int"):
        normalise({"id": "a", "audio": 5}, FieldMap(), tmp_path)


def test_ingest_resolves_media_against_the_catalogue_not_the_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "catalogue"
    (folder / "images").mkdir(parents=True)
    (folder / "images" / "bike.jpg").write_bytes(b"\xff\xd8")
    source = write_jsonl(folder / "items.jsonl", [
        {"id": "bike", "title": "bike", "image": "images/bike.jpg"},
        {"id": "web", "title": "web", "image": "http://example.org/w.png"},
        {"id": "gone", "title": "gone", "image": "images/gone.jpg"},
    ])
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    report = ingest(source, tmp_path / "db", "t", vectors={"text": FakeEncoder()})
    assert report.rows == 2
    assert [(b.line, b.id) for b in report.bad] == [(3, "gone")]
    assert "image file not found" in report.bad[0].reason
    rows = {r["id"]: r for r in Catalog.open(tmp_path / "db", "t").get(["bike", "web"])}
    assert rows["bike"]["image"] == str((folder / "images" / "bike.jpg").resolve())
    assert rows["web"]["image"] == "http://example.org/w.png"


@pytest.mark.parametrize(
    ("key", "column"),
    [("year", "year"), ("Year", "year"), ("release year", "release_year"), ("2nd-cast", "f_2nd_cast"),
     ("_hash", "hash"),
     ("vec__text__x", "f_vec__text__x"), ("ñ!", "n"), ("Ünïcode", "unicode"), ("价格", "价格"), ("!!", "field")],
)
def test_column_names_are_safe(key: str, column: str) -> None:
    assert column_name(key) == column


def test_count_records_for_progress(tmp_path: Path) -> None:
    assert count_records(write_jsonl(tmp_path / "a.jsonl", [{"id": i} for i in range(5)])) == 5
    (tmp_path / "a.csv").write_text("id\n1\n2\n")
    assert count_records(tmp_path / "a.csv") == 2
    (tmp_path / "a.json").write_text("[]")
    assert count_records(tmp_path / "a.json") is None
