"""The `xmr` command, in-process (CliRunner) and as the installed console script."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from helpers import FAKE, ITEMS, subprocess_env, write_jsonl

from xmr_agent.cli import EXIT_SKIPPED, main

ENCODER = f"text={FAKE}"


def xmr(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env={"COLUMNS": "200", "NO_COLOR": "1", **(env or {})})


@pytest.fixture
def ingested(items_file: Path, tmp_path: Path) -> Path:
    db = tmp_path / "db"
    result = xmr("ingest", str(items_file), "--db", str(db), "--table", "items", "--encoder", ENCODER,
                 "--no-progress")
    assert result.exit_code == 0, result.output
    return db


def test_help_and_version() -> None:
    result = xmr("--help")
    assert result.exit_code == 0
    for command in ("encoders", "ingest", "search", "info"):
        assert command in result.stdout
    version = xmr("--version")
    assert version.exit_code == 0 and "0.1.0" in version.stdout


def test_encoders_lists_the_installed_plugins() -> None:
    result = xmr("encoders")
    assert result.exit_code == 0, result.output
    rows = {line.split()[1]: line for line in result.stdout.splitlines() if line.startswith("│")}
    assert {"text", "e5-multilingual"} <= set(rows)
    assert "384" in rows["text"] and "yes" in rows["text"]
    assert "e5:multilingual-e5-small" in rows["e5-multilingual"]


def test_ingest_prints_a_summary_and_exits_zero(items_file: Path, tmp_path: Path) -> None:
    args = ["ingest", str(items_file), "--db", str(tmp_path / "db"), "--table", "t", "--encoder", ENCODER,
            "--no-progress"]
    first = xmr(*args)
    assert first.exit_code == 0, first.output
    assert first.stdout.strip().splitlines() == ["text: title, text",
                                                 "6 read, 6 inserted, 0 updated, 0 unchanged, 0 skipped; table 't' has 6 rows"]
    assert first.stderr == ""
    again = xmr(*args)
    assert "6 read, 0 inserted, 0 updated, 6 unchanged, 0 skipped" in again.stdout


def test_ingest_with_bad_records_exits_3_and_lists_them(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "mixed.jsonl", [
        {"id": "a", "title": "Alpha"},
        "{broken",
        {"title": "no id"},
        {"id": "b", "title": "Beta", "image": "nope.png"},
        {"id": "c", "title": "Gamma"},
    ])
    report = tmp_path / "report.json"
    result = xmr("ingest", str(source), "--db", str(tmp_path / "db"), "--encoder", ENCODER, "--no-progress",
                 "--report", str(report))
    assert result.exit_code == EXIT_SKIPPED == 3, result.output
    assert "5 read, 2 inserted, 0 updated, 0 unchanged, 3 skipped; table 'catalog' has 2 rows" in result.stdout
    skipped = [line for line in result.stderr.splitlines() if line.startswith("skipped ")]
    assert len(skipped) == 3
    assert skipped[0].startswith(f"skipped {source}:2: malformed JSON")
    assert skipped[1] == f"skipped {source}:3: missing id (field 'id')"
    assert skipped[2].startswith(f"skipped {source}:4 (id 'b'): image file not found: nope.png")
    written = json.loads(report.read_text())
    assert [s["line"] for s in written["skipped"]] == [2, 3, 4] and written["rows"] == 2


def test_ingest_field_options_map_the_source(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "movies.jsonl", [
        {"key": "m1", "name": "Star Lanes", "plot": "a space opera", "genre": ["sci-fi"]},
        {"key": "m2", "name": "Bread", "plot": "a baking film", "genre": ["food"]},
    ])
    result = xmr("ingest", str(source), "--db", str(tmp_path / "db"), "--encoder", ENCODER, "--no-progress",
                 "--id-field", "key", "--title-field", "name", "--text-field", "plot", "--text-field", "genre")
    assert result.exit_code == 0, result.output
    found = xmr("search", "space opera", "--db", str(tmp_path / "db"), "--json", "-k", "1")
    (hit,) = json.loads(found.stdout)
    assert (hit["id"], hit["title"], hit["text"]) == ("m1", "Star Lanes", "a space opera. genre: sci-fi")


def test_search_json_shape(ingested: Path) -> None:
    result = xmr("search", "light tent for camping", "--db", str(ingested), "--table", "items", "--json", "-k", "3")
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    assert isinstance(hits, list) and len(hits) == 3
    for hit in hits:
        assert isinstance(hit["id"], str) and isinstance(hit["score"], float)
        assert {"title", "text", "year", "price", "tags", "used"} <= set(hit)
        assert not [k for k in hit if k.startswith(("_", "vec__"))]
    assert hits[0]["id"] == "tent" and hits[0]["title"] == "Mountain tent"


def test_search_where_and_hybrid(ingested: Path) -> None:
    base = ["--db", str(ingested), "--table", "items", "--json"]
    filtered = json.loads(xmr("search", "music", *base, "--where", "array_has(tags, 'music')").stdout)
    assert sorted(h["id"] for h in filtered) == ["guitar", "piano"]
    numeric = json.loads(xmr("search", "music", *base, "--where", "price < 1.5").stdout)
    assert sorted(h["id"] for h in numeric) == ["guitar", "piano"]
    hybrid = json.loads(xmr("search", "sourdough", *base, "--hybrid").stdout)
    assert hybrid[0]["id"] == "bread" and set(hybrid[0]["scores"]) == {"hybrid"}


def test_search_table_output(ingested: Path) -> None:
    result = xmr("search", "espresso", "--db", str(ingested), "--table", "items", "-k", "2")
    assert result.exit_code == 0, result.output
    assert "Pocket espresso" in result.stdout and "espresso" in result.stdout


def test_search_env_options(ingested: Path) -> None:
    result = xmr("search", "bicycle", "--json", "-k", "1", env={"XMR_DB": str(ingested), "XMR_TABLE": "items"})
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["id"] == "bike"


def test_bad_where_is_one_error_line_and_exit_1(ingested: Path) -> None:
    result = xmr("search", "bike", "--db", str(ingested), "--table", "items", "--where", "colour = 'red'")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: the filter \"colour = 'red'\" is not valid")
    assert "Columns: id, title, text" in result.stderr
    assert "Traceback" not in result.output


def test_empty_query_exits_1(ingested: Path) -> None:
    result = xmr("search", " ", "--db", str(ingested), "--table", "items")
    assert result.exit_code == 1 and "error: the query is empty" in result.stderr


def test_info_describes_the_table(ingested: Path) -> None:
    result = xmr("info", "--db", str(ingested), "--table", "items")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"table 'items' in {ingested}: {len(ITEMS)} rows"
    assert lines[1] == "columns: id, title, text, image, audio, video, year, price, tags, used"
    assert any(line.startswith("vector vec__text__fake: field 'text', encoder 'fake'") and "dim 64" in line
               for line in lines)
    assert any("FTS on title" in line for line in lines) and any("BTree on id" in line for line in lines)


@pytest.mark.parametrize("command", [["search", "anything"], ["info"]])
def test_missing_table_is_an_error_message_and_exit_1(ingested: Path, command: list[str]) -> None:
    result = xmr(*command, "--db", str(ingested), "--table", "nope")
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("error: no table 'nope'")
    assert "items" in result.stderr and "Traceback" not in result.output


QUERY_REFUSING_ENCODER = """
    from xmr_agent.testing import FakeEncoder

    class Enc(FakeEncoder):
        name = "refuses-queries"

        def __init__(self, dim=64, *, space="fake"):
            super().__init__(dim, space=space)

        def _encode(self, items, modality, role):
            if role == "query":
                raise RuntimeError("a query was encoded (the model would have loaded)")
            return super()._encode(items, modality, role)
"""


@pytest.mark.parametrize("case", ["bad where", "missing table", "missing table with --audio"])
def test_search_errors_answer_before_the_query_is_encoded(items_file: Path, tmp_path: Path, make_module,
                                                         case: str) -> None:
    module = make_module(QUERY_REFUSING_ENCODER)
    db = tmp_path / "db"
    made = xmr("ingest", str(items_file), "--db", str(db), "--table", "items", "--encoder", f"text={module}:Enc",
               "--no-progress")
    assert made.exit_code == 0, made.output
    args = {
        "bad where": ["search", "bike", "--table", "items", "--where", "colour = 'red'"],
        "missing table": ["search", "bike", "--table", "nope"],
        "missing table with --audio": ["search", "--audio", str(items_file), "--table", "nope"],
    }[case]
    result = xmr(*args, "--db", str(db))
    assert result.exit_code == 1
    assert result.stderr.startswith("error: the filter" if case == "bad where" else "error: no table 'nope'")
    assert "a query was encoded" not in result.output


def test_search_in_a_missing_database_creates_no_folder(tmp_path: Path) -> None:
    result = xmr("search", "anything", "--db", str(tmp_path / "typo"))
    assert result.exit_code == 1 and result.stderr.startswith("error: no database at")
    assert not (tmp_path / "typo").exists()


@pytest.mark.parametrize("bad", ["text", "=text", "text=", "textFakeEncoder"])
def test_encoder_option_needs_field_equals_name(items_file: Path, tmp_path: Path, bad: str) -> None:
    result = xmr("ingest", str(items_file), "--db", str(tmp_path / "db"), "--encoder", bad, "--no-progress")
    assert result.exit_code == 2
    assert "Invalid value for --encoder" in result.stderr and "expected NAME=VALUE" in result.stderr
    assert not (tmp_path / "db").exists() or not list((tmp_path / "db").iterdir())


def test_unknown_encoder_name_exits_1_naming_the_installed_ones(items_file: Path, tmp_path: Path) -> None:
    result = xmr("ingest", str(items_file), "--db", str(tmp_path / "db"), "--encoder", "text=nope",
                 "--no-progress")
    assert result.exit_code == 1
    assert "error: no encoder named 'nope'" in result.stderr and "e5-multilingual" in result.stderr


def test_missing_catalogue_is_a_usage_error(tmp_path: Path) -> None:
    result = xmr("ingest", str(tmp_path / "nope.jsonl"), "--db", str(tmp_path / "db"))
    assert result.exit_code == 2 and "does not exist" in result.stderr


def test_installed_script_ingests_and_searches(xmr_bin: str, items_file: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "db")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([xmr_bin, *args], capture_output=True, text=True, env=subprocess_env(),
                              timeout=300, check=False)

    bad = write_jsonl(tmp_path / "bad.jsonl", [{"id": "zz", "title": "ok"}, "not json"])
    ingested = run("ingest", str(items_file), "--db", db, "--table", "items", "--encoder", ENCODER,
                   "--no-progress")
    assert ingested.returncode == 0, ingested.stderr
    skipped = run("ingest", str(bad), "--db", db, "--table", "other", "--encoder", ENCODER, "--no-progress")
    assert skipped.returncode == 3
    assert f"skipped {bad}:2: malformed JSON" in skipped.stderr
    # a new process: the encoder comes back from the table metadata, no option needed
    found = run("search", "a calm piano piece", "--db", db, "--table", "items", "--json", "-k", "2")
    assert found.returncode == 0, found.stderr
    hits = json.loads(found.stdout)
    assert hits[0]["id"] == "piano" and {"id", "score", "scores", "title", "tags"} <= set(hits[0])
    missing = run("info", "--db", db, "--table", "nope")
    assert missing.returncode == 1 and missing.stderr.startswith("error: no table 'nope'")
