"""The pieces that bound a request's work, one by one: the where grammar, merged rule filters,
the host and origin rules, path redaction, upload and session expiry, the image pixel limit,
storage failures and the query time budget (in process; tests/test_hostile.py drives a real server)."""

from __future__ import annotations

import errno
import io
import os
import time
from pathlib import Path

import pytest
from helpers import FAKE, ROOT

import xmr_agent
from xmr_agent.agent.filters import MAX_FILTERS, Facet, Facets, compile_where, merge_filters
from xmr_agent.agent.query import Filter
from xmr_agent.errors import ConfigError, StoreUnavailable
from xmr_agent.store.where import MAX_CONDITIONS, check_where

COLUMNS = ["id", "title", "text", "price", "year", "tags", "category", "my col"]


@pytest.mark.parametrize("text, expected", [
    ("price < 20", "price < 20"),
    ("price <> 2 and year == 2001", "(price != 2) AND (`year` = 2001)"),
    ("category = 'it''s' OR NOT (price >= 1.5)", "(`category` = 'it''s') OR (NOT (price >= 1.5))"),
    ("category NOT IN ('a', 'b')", "`category` NOT IN ('a', 'b')"),
    ("year IS NOT NULL AND tags IS NULL", "(`year` IS NOT NULL) AND (tags IS NULL)"),
    ("price NOT BETWEEN 1 AND 2", "price NOT BETWEEN 1 AND 2"),
    ("lower(title) LIKE '%moon%'", "lower(title) LIKE '%moon%'"),
    ("array_contains(tags, 'calm')", "array_has(tags, 'calm')"),
    ("`my col` = TRUE", "`my col` = true"),
])
def test_the_where_grammar_accepts_filters_and_writes_them_out_again(text: str, expected: str) -> None:
    assert check_where(text, COLUMNS) == expected


@pytest.mark.parametrize("text, words", [
    ("length(repeat(text, 24000000)) > 0", "'length' is not allowed"),
    ("repeat(text, 10) = 'a'", "'repeat' is not allowed"),
    ("price < 1 ; SELECT 1", "unexpected character ';'"),
    ("price < 1 DROP", "after a complete condition"),
    ("price < 1 /* x */", "unexpected character '/'"),
    ("price + 1 < 2", "unexpected character '+'"),
    ("(SELECT 1) = 1", "'SELECT' is not a column"),
    ("nosuch = 1", "not a column of this table"),
    ("price IN (SELECT id)", "IN (...) takes string or number literals"),
    ("title LIKE title", "LIKE takes a string literal"),
    ("price = 1e999", "out of range"),
    ("price", None),
    ("(" * 9 + "price < 1" + ")" * 9, "nested more than 8 levels"),
    (" OR ".join(["price < 1"] * (MAX_CONDITIONS + 1)), f"more than {MAX_CONDITIONS} conditions"),
    ("price IN (" + ", ".join(["1"] * 101) + ")", "more than 100 values"),
    ("title = '" + "x" * 501 + "'", "at most 500"),
    ("x" * 2001, "at most 2000"),
    ("   ", "empty"),
])
def test_the_where_grammar_refuses_everything_else_and_says_what_is_allowed(text: str, words: str | None) -> None:
    if words is None:  # a bare column parses; LanceDB says whether it is a boolean
        assert check_where(text, COLUMNS) == "price"
        return
    with pytest.raises(ConfigError) as caught:
        check_where(text, COLUMNS)
    assert words in str(caught.value)
    if "at character" in str(caught.value):
        assert "array_has" in str(caught.value)  # the message lists what is allowed


def test_rule_filters_are_merged_deduplicated_and_capped() -> None:
    price = [Filter(column="price", op="<", value=v) for v in (5, 2, 3, 2)]
    assert merge_filters(price) == [Filter(column="price", op="<", value=2)]
    mixed = merge_filters([Filter(column="price", op="<=", value=2), Filter(column="price", op="<", value=2),
                           Filter(column="price", op=">", value=1), Filter(column="genre", op="=", value="a"),
                           Filter(column="genre", op="=", value="a"), Filter(column="genre", op="=", value="b")])
    assert [str(f) for f in mixed] == ["price < 2", "price > 1", "genre = 'a'", "genre = 'b'"]
    facets = Facets({"n": Facet("n", "number", lower=0, upper=1e6)})
    many = [Filter(column="n", op="!=", value=i) for i in range(40_000)]
    where, rejected = compile_where(many, facets)
    assert where is not None and where.count("AND") == MAX_FILTERS - 1
    assert len(rejected) == 40_000 - MAX_FILTERS and "only the first" in rejected[0][1]


def test_hosts_and_origins() -> None:
    from xmr_agent.server.guard import SiteGuard, allowed_hosts, host_name

    assert host_name("[::1]:8000") == "::1" and host_name("LocalHost:80") == "localhost" and host_name("::1") == "::1"
    assert allowed_hosts("127.0.0.1") == {"127.0.0.1", "localhost", "::1"}
    assert allowed_hosts("0.0.0.0") is None and allowed_hosts("127.0.0.1", ["*"]) is None
    assert allowed_hosts("0.0.0.0", ["shop.example"]) == {"shop.example", "127.0.0.1", "localhost", "::1"}
    guard = SiteGuard(lambda *a: None, hosts=allowed_hosts("127.0.0.1"), origins=["https://app.example"])  # type: ignore[arg-type, return-value]

    def check(method: str, **headers: str) -> int | None:
        scope = {"type": "http", "method": method, "path": "/ask"}
        refusal = guard.refusal(scope, {k.replace("_", "-").encode(): v for k, v in headers.items()})
        return refusal[0] if refusal else None

    json_body = {"content_type": "application/json; charset=utf-8"}
    assert check("GET", host="127.0.0.1:8000") is None
    assert check("GET", host="evil.example:8000") == 421
    assert check("POST", host="127.0.0.1:8000", **json_body) is None
    assert check("POST", host="127.0.0.1:8000", origin="http://127.0.0.1:8000", **json_body) is None
    assert check("POST", host="127.0.0.1:8000", origin="https://app.example", **json_body) is None
    assert check("POST", host="127.0.0.1:8000", origin="http://127.0.0.1:9999", **json_body) == 403
    assert check("POST", host="127.0.0.1:8000", content_type="text/plain") == 415
    assert check("POST", host="127.0.0.1:8000") == 415


def test_paths_are_cut_from_responses_and_media_become_urls(tmp_path: Path) -> None:
    from xmr_agent.server.public import Public, redact

    assert redact(f"cannot read {tmp_path}/db/x.png, try again") == "cannot read x.png, try again"
    assert redact("POST a message to /chat/alice-1 to start it") == "POST a message to /chat/alice-1 to start it"
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    public = Public(uploads)
    data = {"hits": [{"id": "a b", "image": str(tmp_path / "a.png"), "audio": "https://x.example/a.mp3"}],
            "query": {"queries": [{"file": str(uploads / "f-photo.png")}, {"file": "/etc/other.png"}]}}
    assert public.data(data) == {"hits": [{"id": "a b", "image": "/media/image/a%20b",
                                           "audio": "https://x.example/a.mp3"}],
                                 "query": {"queries": [{"file": "/uploads/f-photo.png"}, {"file": "other.png"}]}}


def test_old_and_excess_uploads_and_sessions_are_removed(tmp_path: Path) -> None:
    from xmr_agent.server.retention import Retention, Sweeper, prune

    uploads, sessions, outside = tmp_path / "uploads", tmp_path / "sessions", tmp_path / "keep.txt"
    uploads.mkdir()
    sessions.mkdir()
    outside.write_text("stays")
    now = time.time()
    for n in range(5):
        path = uploads / f"u{n}.png"
        path.write_bytes(b"x" * 1000)
        os.utime(path, (now - n * 86_400, now - n * 86_400))  # 0..4 days old
    (uploads / "link.png").symlink_to(outside)
    removed = prune(uploads, "*", max_age_s=2.5 * 86_400, max_bytes=10**9, now=now)
    assert sorted(p.name for p in removed) == ["link.png", "u3.png", "u4.png"] and outside.read_text() == "stays"
    removed = prune(uploads, "*", max_age_s=10 * 86_400, max_bytes=1500, now=now)
    assert sorted(p.name for p in removed) == ["u1.png", "u2.png"] and [p.name for p in uploads.iterdir()] == ["u0.png"]
    old = sessions / "old.json"
    old.write_text("{}")
    os.utime(old, (now - 40 * 86_400, now - 40 * 86_400))
    (sessions / "new.json").write_text("{}")
    sweeper = Sweeper(Retention(session_days=30, every_s=3600), uploads, sessions)
    assert [p.name for p in sweeper.maybe()] == ["old.json"] and sweeper.maybe() == []  # once an hour at most
    assert (sessions / "new.json").is_file()


def test_an_image_over_the_pixel_limit_is_refused_from_its_header_and_a_large_jpeg_decoded_small() -> None:
    image = pytest.importorskip("PIL.Image")
    from test_hostile import png_bomb

    from xmr_agent.media.images import MAX_IMAGE_PIXELS, check_image

    with pytest.raises(ConfigError, match="million pixels"):
        check_image(png_bomb(), "photo")
    check_image(b"not an image at all")  # the decoder reports those
    xmr_image = pytest.importorskip("xmr_image._images")
    with pytest.raises(xmr_image._BadImage, match="million pixels"):
        xmr_image.open_image(png_bomb())
    buffer = io.BytesIO()
    image.new("RGB", (6000, 4000), (200, 30, 30)).save(buffer, "JPEG", quality=40)
    decoded = xmr_image.open_image(buffer.getvalue())
    assert decoded.width * decoded.height <= MAX_IMAGE_PIXELS and decoded.width / decoded.height == 1.5


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("limits") / "db"
    assert xmr_agent.ingest(ROOT / "examples" / "demo" / "catalog.jsonl", path, "demo", vectors={"text": FAKE}).ok
    return path


def test_a_query_past_its_time_budget_is_a_503(demo_db: Path) -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from xmr_agent.server.app import create_app

    app = create_app(demo_db, "demo", web=False, query_timeout=1e-9)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        response = client.get("/search", params={"q": "piano", "where": "lower(text) LIKE '%rain%'"})
    assert response.status_code == 503 and response.json()["type"] == "StoreUnavailable"
    assert "time budget" in response.json()["detail"]


def test_a_full_or_read_only_disk_is_a_503_with_one_line_and_no_path(demo_db: Path, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from xmr_agent.agent.session import SessionStore
    from xmr_agent.server.app import create_app

    app = create_app(demo_db, "demo", web=False, sessions=tmp_path / "sessions")

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "sessions" / "x.json"))

    def read_only(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"lance error: IO error: Read-only file system (os error 30), {tmp_path}/db/x.lance")

    monkeypatch.setattr(SessionStore, "save", full)
    monkeypatch.setattr("xmr_agent.ingestion.pipeline.ingest", read_only)
    with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as client:
        chat = client.post("/chat/s1", json={"message": "calm piano"})
        items = client.post("/items", json=[{"id": "n1", "title": "New"}])
    for response, reason in ((chat, "No space left on device"), (items, "Read-only file system")):
        assert response.status_code == 503, response.text
        body = response.json()
        assert body["type"] == "StoreUnavailable" and reason in body["detail"] and "\n" not in body["detail"]
        assert str(tmp_path) not in response.text


def test_the_tools_check_text_for_every_surface(demo_db: Path) -> None:
    from xmr_agent.integrations.tools import XmrTools

    tools = XmrTools.open(demo_db, "demo")
    with pytest.raises(ConfigError, match="at most 4000"):
        tools.ask("under $2 " * 40_000)
    with pytest.raises(ConfigError, match="not valid Unicode"):
        tools.search("piano \ud83c")
    with pytest.raises(ConfigError, match="'repeat' is not allowed"):
        tools.search("piano", where="repeat(text, 1000000) = ''")
    with pytest.raises(ConfigError, match="at most 200"):
        tools.recommend(liked_ids=["x"] * 201)
    assert all(h.item["price"] < 1 for h in tools.search("piano", where="price < 1", k=10))
    with pytest.raises(StoreUnavailable):
        tools.catalog.query_timeout = 1e-9
        tools.search("piano", where="lower(text) LIKE '%rain%'")
