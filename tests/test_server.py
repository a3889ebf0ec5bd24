"""The HTTP API against a real uvicorn server on 127.0.0.1: every endpoint, auth, limits, errors."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import FAKE, ROOT, subprocess_env

pytest.importorskip("fastapi")
uvicorn = pytest.importorskip("uvicorn")
import httpx

import xmr_agent
from xmr_agent.cli import main
from xmr_agent.server import running
from xmr_agent.server.app import create_app

DEMO = ROOT / "examples" / "demo" / "catalog.jsonl"
KEY = "test-key-123"
# A 1×1 PNG.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("server") / "db"
    report = xmr_agent.ingest(DEMO, path, "demo", vectors={"text": FAKE})
    assert report.ok and report.rows == 24
    return path


@pytest.fixture(scope="module")
def server(db: Path) -> Iterator[str]:
    """A real uvicorn server in a thread, with an API key and a 1 MB body limit."""
    app = create_app(db, "demo", api_key=KEY, max_body_bytes=1024 * 1024, transcriber=lambda path: "calm piano")
    with running(app) as url:
        yield url


@pytest.fixture
def api(server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, headers={"X-API-Key": KEY}, timeout=60) as client:
        yield client


def test_health_needs_no_key_and_counts_rows(server: str) -> None:
    body = httpx.get(f"{server}/health").json()
    assert body == {"status": "ok", "table": "demo", "rows": body["rows"], "version": xmr_agent.__version__}
    assert body["rows"] >= 24


@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "wrong"}, {"Authorization": "Bearer wrong"},
                                     {"Authorization": f"Basic {KEY}"}])
def test_requests_without_the_right_key_are_refused(server: str, headers: dict[str, str]) -> None:
    response = httpx.get(f"{server}/search", params={"q": "piano"}, headers=headers)
    assert response.status_code == 401
    assert "API key" in response.json()["detail"] and response.headers["www-authenticate"] == "Bearer"


def test_search_get_and_post_with_either_key_header(server: str, api: httpx.Client) -> None:
    got = api.get("/search", params={"q": "calm solo piano rain", "k": 3}).json()["hits"]
    posted = httpx.post(f"{server}/search", json={"query": "calm solo piano rain", "k": 3},
                        headers={"Authorization": f"Bearer {KEY}"}).json()["hits"]
    assert [h["id"] for h in got] == [h["id"] for h in posted] and len(got) == 3
    assert got[0]["id"] == "song-001" and got[0]["title"] == "Moonlit Harbour" and got[0]["scores"]
    cheap = api.post("/search", json={"query": "piano", "where": "price < 1", "k": 10}).json()["hits"]
    assert cheap and all(h["price"] < 1 for h in cheap)


def test_errors_are_json_with_the_right_status(api: httpx.Client) -> None:
    bad_json = api.post("/search", content=b'{"query": "piano",', headers={"content-type": "application/json"})
    assert bad_json.status_code == 422 and bad_json.json()["detail"][0]["type"] == "json_invalid"
    bad_k = api.post("/search", json={"query": "piano", "k": 0})
    assert bad_k.status_code == 422 and bad_k.json()["detail"][0]["loc"][-1] == "k"
    bad_ask = api.post("/ask", content=b"[1, 2", headers={"content-type": "application/json"})
    assert bad_ask.status_code == 422
    bad_filter = api.get("/search", params={"q": "piano", "where": "nosuch > 1"})
    assert bad_filter.status_code == 400 and bad_filter.json()["type"] == "ConfigError"
    assert "nosuch" in bad_filter.json()["detail"]
    empty = api.post("/ask", json={"request": "  "})
    assert empty.status_code == 400 and "empty" in empty.json()["detail"]
    missing = api.get("/items/no-such-item")
    assert missing.status_code == 404 and missing.json()["type"] == "StoreError"
    no_image_column = api.post("/search", json={"image": base64.b64encode(PNG).decode()})
    assert no_image_column.status_code == 404 and "no image vectors" in no_image_column.json()["detail"]
    outside = api.post("/ask", json={"request": "piano", "image": str(DEMO)})
    assert outside.status_code == 400 and "outside the folders" in outside.json()["detail"]


def test_bodies_over_the_limit_get_413(api: httpx.Client) -> None:
    big = json.dumps({"request": "x" * (1024 * 1024 + 10)}).encode()
    declared = api.post("/ask", content=big, headers={"content-type": "application/json"})
    assert declared.status_code == 413 and "larger than 1 MB" in declared.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: chunked transfer encoding
        for i in range(0, len(big), 64 * 1024):
            yield big[i:i + 64 * 1024]

    streamed = api.post("/ask", content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413


def test_ask_json_gives_query_filters_recommendations_and_evidence(api: httpx.Client) -> None:
    answer = api.post("/ask", json={"request": "waterproof gear for a rainy hike under $200", "k": 2}).json()
    assert answer["where"] == "(price < 200.0) AND (`category` = 'gear')"
    assert len(answer["recommendations"]) == 2
    for rec in answer["recommendations"]:
        assert rec["item"]["category"] == "gear" and rec["explanation"] and rec["evidence"]
    assert [s["step"] for s in answer["trace"]][0] == "rewrite"


def test_ask_multipart_with_an_uploaded_image_and_audio(api: httpx.Client, db: Path) -> None:
    wav = b"RIFF\x00\x00\x00\x00WAVEfmt "
    files = {"image": ("photo.png", PNG, "image/png"), "audio": ("request", wav, "audio/wav")}
    answer = api.post("/ask", data={"request": "something under $2", "k": "3"}, files=files).json()
    assert answer["where"] == "(price < 2.0)" and len(answer["recommendations"]) == 3
    assert "calm piano" in answer["request"]  # the transcript of the uploaded audio joined the words
    images = [q["file"] for q in answer["query"]["queries"] if q.get("modality") == "image"]
    assert len(images) == 1 and images[0].startswith("/uploads/") and images[0].endswith("-photo.png")
    assert api.get(images[0]).content == PNG  # named by its URL, not by a server path
    assert (db.with_name("db-media") / "uploads" / images[0].removeprefix("/uploads/")).read_bytes() == PNG
    heard = [s for s in answer["trace"] if s["step"] == "transcribe"]
    assert heard and heard[0]["heard"] == "calm piano"


def test_recommend_more_like_liked_items(api: httpx.Client) -> None:
    answer = api.post("/recommend", json={"liked_ids": ["song-001"], "k": 3}).json()
    ids = [r["id"] for r in answer["recommendations"]]
    assert len(ids) == 3 and "song-001" not in ids
    unknown = api.post("/recommend", json={"liked_ids": ["nope"]})
    assert unknown.status_code == 404 and "no item with id 'nope'" in unknown.json()["detail"]
    no_log = api.post("/recommend", json={"user": "u1"})
    assert no_log.status_code == 400 and "no interaction log" in no_log.json()["detail"]


def test_chat_creates_unknown_sessions_and_remembers_across_requests(api: httpx.Client, db: Path) -> None:
    assert api.get("/chat/alice-1").status_code == 404
    first = api.post("/chat/alice-1", json={"message": "a calm piano song", "k": 2})
    assert first.status_code == 200
    body = first.json()
    assert body["session"] == "alice-1" and len(body["answer"]["recommendations"]) == 2
    shown = [r["id"] for r in body["answer"]["recommendations"]]
    second = api.post("/chat/alice-1", json={"message": "cheaper"}).json()
    assert not set(shown) & {r["id"] for r in second["answer"]["recommendations"]}  # not offered again
    assert any(f["column"] == "price" and f["op"] == "<" for f in second["state"]["filters"])
    state = api.get("/chat/alice-1").json()
    assert [t["role"] for t in state["turns"]] == ["user", "assistant"] * 2
    assert state["shown"][:2] == shown and (db / ".sessions" / "alice-1.json").is_file()
    liked = api.post("/chat/alice-1", json={"like": [shown[0]]}).json()
    assert liked["answer"] is None and liked["state"]["liked"] == [shown[0]]
    assert api.post("/chat/bad id!", json={"message": "hi"}).status_code in (400, 404)


def test_items_json_then_multipart_with_a_media_file(api: httpx.Client, db: Path) -> None:
    added = api.post("/items", json=[{"id": "song-900", "title": "Glacier Lullaby", "category": "music",
                                      "text": "an icy glacier lullaby on celesta", "price": 0.5}])
    assert added.status_code == 200 and added.json()["inserted"] == 1
    assert api.get("/search", params={"q": "icy glacier lullaby celesta", "k": 1}).json()["hits"][0]["id"] == "song-900"
    assert api.get("/items/song-900").json()["title"] == "Glacier Lullaby"
    items = json.dumps({"items": [{"id": "pic-1", "title": "Red square", "text": "a red square", "image": "red.png"}]})
    upload = api.post("/items", data={"items": items}, files={"file": ("red.png", PNG, "image/png")}).json()
    assert upload["inserted"] == 1 and upload["stored"]["red.png"].endswith("-red.png")
    item = api.get("/items/pic-1").json()
    assert item["image"] == "/media/image/pic-1" and api.get(item["image"]).content == PNG
    assert str(db) not in json.dumps(item) and str(db) not in json.dumps(upload)
    bad = api.post("/items", json={"items": "nope"})
    assert bad.status_code == 422
    escape = api.post("/items", json=[{"id": "x", "title": "x", "image": "/etc/hostname"}])
    assert escape.status_code == 400 and "media folder" in escape.json()["detail"]


def test_openapi_docs_list_every_endpoint(server: str, api: httpx.Client) -> None:
    assert httpx.get(f"{server}/docs").status_code == 401 and httpx.get(f"{server}/openapi.json").status_code == 401
    assert api.get("/docs").status_code == 200
    paths = api.get("/openapi.json").json()["paths"]
    assert {"/health", "/search", "/ask", "/recommend", "/chat/{session}", "/items", "/items/{item_id}"} <= set(paths)
    assert {"application/json", "multipart/form-data"} <= set(paths["/ask"]["post"]["requestBody"]["content"])


def test_serve_refuses_a_public_interface_without_a_key(db: Path) -> None:
    result = CliRunner().invoke(main, ["serve", "--db", str(db), "--table", "demo", "--host", "0.0.0.0"],
                                env={"XMR_API_KEY": None})
    assert result.exit_code == 1 and "without an API key" in result.output


def test_bench_http_small_run_has_no_errors() -> None:
    bench = ROOT / "benchmarks" / "bench_http.py"
    out = subprocess.run([sys.executable, str(bench), "--clients", "10", "--requests", "5"], capture_output=True,
                         text=True, env=subprocess_env(), timeout=300, check=False)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["requests"] == 50 and result["errors"] == 0, result["error_samples"]
    assert result["latency_ms"]["n"] == 50


def test_http_client_example_runs_against_its_own_server() -> None:
    out = subprocess.run([sys.executable, str(ROOT / "examples" / "http_client.py"), "--demo"], capture_output=True,
                         text=True, env=subprocess_env(), timeout=300, check=False)
    assert out.returncode == 0, out.stderr
    assert "ask     where (price < 200.0) AND (`category` = 'gear')" in out.stdout
    assert "items   inserted 1, rows 25" in out.stdout and "no key  401" in out.stdout


def test_delete_an_item_over_http(api: httpx.Client) -> None:
    added = api.post("/items", json=[{"id": "song-950", "title": "Short Lived", "category": "music", "price": 1.0}])
    assert added.status_code == 200, added.text
    gone = api.delete("/items/song-950")
    assert gone.status_code == 200 and gone.json() == {"removed": 1}
    assert api.get("/items/song-950").status_code == 404
    again = api.delete("/items/song-950")
    assert again.status_code == 404 and "no item with id 'song-950'" in again.json()["detail"]
