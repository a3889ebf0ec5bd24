"""A catalogue's life without loss: a plain ingest that embeds what it should and is remembered,
sync and delete, concurrent writers, and every bad input reported with the good records kept."""

from __future__ import annotations

import csv
import json
import os
import stat
import subprocess
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from helpers import FAKE, subprocess_env, write_jsonl

from xmr_agent.errors import ConfigError
from xmr_agent.ingestion.pipeline import ingest, preview_sync
from xmr_agent.store.catalog import Catalog

SHOP = [
    {"id": "k01", "title": "Chef Knife", "description": "An eight inch stainless steel chef knife for slicing and dicing",
     "price": 45.0, "category": "kitchen", "colour": "silver"},
    {"id": "m01", "title": "Red Ceramic Mug", "description": "A sturdy red mug for coffee or tea, dishwasher safe",
     "price": 11.5, "category": "kitchen", "colour": "red"},
    {"id": "t01", "title": "Orange Dome Tent", "description": "A waterproof two person dome tent that is easy to pitch",
     "price": 89.0, "category": "outdoor", "colour": "orange"},
]


def _csv(path: Path, rows: list[dict[str, Any]], *, encoding: str = "utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _stored(db: Path, table: str) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in Catalog.open(db, table).lance.to_arrow().to_pylist()}


# -- defaults that work, and a table that remembers them ---------------------------------------
def test_a_plain_ingest_embeds_descriptions_and_is_remembered(tmp_path: Path) -> None:
    source = _csv(tmp_path / "products.csv", SHOP)
    first = ingest(source, tmp_path / "db", "shop", vectors={"text": FAKE})
    assert first.mapping == "text: title, description" and first.ok
    assert "slicing and dicing" in _stored(tmp_path / "db", "shop")["k01"]["text"]
    before = _stored(tmp_path / "db", "shop")
    again = ingest(source, tmp_path / "db", "shop")  # no options: the table's own mapping
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    assert again.mapping == first.mapping
    assert _stored(tmp_path / "db", "shop") == before


def test_descriptive_columns_are_found_by_name_and_by_content(tmp_path: Path) -> None:
    rows = [{"id": str(i), "title": f"t{i}", "sku": f"SKU-{i:04d}", "colour": "red", "notes": "short",
             "blurb_text": f"a long sentence that describes item number {i} in plain words"} for i in range(5)]
    report = ingest(write_jsonl(tmp_path / "c.jsonl", rows), tmp_path / "db", "t", vectors={"text": FAKE})
    assert report.mapping == "text: title, notes, blurb_text"


def test_an_option_against_the_saved_mapping_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    source = _csv(tmp_path / "products.csv", SHOP)
    ingest(source, tmp_path / "db", "shop", vectors={"text": FAKE})
    before = _stored(tmp_path / "db", "shop")
    from xmr_agent.ingestion.readers import FieldMap

    with pytest.raises(ConfigError, match=r"text \['description'\].*asks for.*text \['title'\].*new table"):
        ingest(source, tmp_path / "db", "shop", fields=FieldMap(text=("title",)))
    with pytest.raises(ConfigError, match="no vector column for field 'image'.*xmr backfill --encoder image="):
        ingest(source, tmp_path / "db", "shop", vectors={"text": FAKE, "image": FAKE})
    assert _stored(tmp_path / "db", "shop") == before


def test_items_from_memory_dicts_and_arrow(tmp_path: Path) -> None:
    assert ingest(SHOP, tmp_path / "db", "a", vectors={"text": FAKE}).rows == 3
    assert ingest(pa.Table.from_pylist(SHOP), tmp_path / "db", "b", vectors={"text": FAKE}).rows == 3
    mixed = ingest([SHOP[0], "not an item"], tmp_path / "db", "c", vectors={"text": FAKE})
    assert mixed.rows == 1 and "not a dict" in mixed.bad[0].reason


# -- sync and delete ---------------------------------------------------------------------------
def test_sync_removes_exactly_the_items_no_longer_in_the_source(tmp_path: Path) -> None:
    ingest(write_jsonl(tmp_path / "all.jsonl", SHOP), tmp_path / "db", "t", vectors={"text": FAKE})
    fewer = write_jsonl(tmp_path / "fewer.jsonl", SHOP[:2])
    plan = preview_sync(fewer, tmp_path / "db", "t")
    assert plan.remove == ("t01",) and len(_stored(tmp_path / "db", "t")) == 3  # a dry run writes nothing
    report = ingest(fewer, tmp_path / "db", "t", sync=True)
    assert report.removed == ("t01",) and sorted(_stored(tmp_path / "db", "t")) == ["k01", "m01"]


def test_sync_removes_nothing_while_a_record_has_no_readable_id(tmp_path: Path) -> None:
    ingest(write_jsonl(tmp_path / "all.jsonl", SHOP), tmp_path / "db", "t", vectors={"text": FAKE})
    broken = write_jsonl(tmp_path / "broken.jsonl", [SHOP[0], "{not json"])
    report = ingest(broken, tmp_path / "db", "t", sync=True)
    assert report.removed == () and len(_stored(tmp_path / "db", "t")) == 3
    assert any("nothing removed" in w and "no id" in w for w in report.warnings)


def test_xmr_delete_and_sync_from_the_command_line(tmp_path: Path, xmr_bin: str) -> None:
    db = str(tmp_path / "db")
    ingest(write_jsonl(tmp_path / "all.jsonl", SHOP), db, "t", vectors={"text": FAKE})
    dry = _run(xmr_bin, "ingest", str(write_jsonl(tmp_path / "one.jsonl", SHOP[:1])), "--db", db, "--table", "t",
               "--sync", "--dry-run")
    assert "2 items of table 't' are no longer in the source: m01, t01" in dry.stdout
    gone = _run(xmr_bin, "delete", "m01", "nope", "--db", db, "--table", "t")
    assert "removed 1 items" in gone.stdout and "1 ids were not there" in gone.stdout
    assert sorted(_stored(tmp_path / "db", "t")) == ["k01", "t01"]


# -- concurrent writers ------------------------------------------------------------------------
def test_two_ingests_at_once_then_a_rerun_leave_each_item_once(tmp_path: Path, xmr_bin: str) -> None:
    rows = [{"id": f"i{n:03d}", "title": f"item {n}", "text": f"words about item {n}"} for n in range(300)]
    source = write_jsonl(tmp_path / "items.jsonl", rows)
    args = [xmr_bin, "ingest", str(source), "--db", str(tmp_path / "db"), "--table", "t", "--encoder", f"text={FAKE}",
            "--no-progress", "--batch-size", "50"]
    procs = [subprocess.Popen(args, env=subprocess_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert sorted("300 inserted" in out for out, _ in outs) == [False, True]  # one wrote, the other found them
    _run(*args)
    ids = Catalog.open(tmp_path / "db", "t").ids()
    assert len(ids) == 300 and len(set(ids)) == 300


# -- bad input, reported with the good records kept ----------------------------------------------
def test_an_unclosed_quote_is_reported_and_the_rows_after_it_kept(tmp_path: Path) -> None:
    text = 'id,title,text\na,Alpha,"first\nb,Beta,second\nc,Gamma,third\n'
    report = ingest(_write(tmp_path / "q.csv", text), tmp_path / "db", "t", vectors={"text": FAKE})
    assert sorted(_stored(tmp_path / "db", "t")) == ["b", "c"]
    assert report.bad[0].line == 2 and "unclosed quote" in report.bad[0].reason


def test_colliding_and_accented_column_names_keep_every_value(tmp_path: Path) -> None:
    text = "id,title,Price,price,PRICE,Ünïcode\na,Alpha,1,2,3,x\n"
    report = ingest(_write(tmp_path / "c.csv", text), tmp_path / "db", "t", vectors={"text": FAKE})
    row = _stored(tmp_path / "db", "t")["a"]
    assert (row["price"], row["price_2"], row["price_3"], row["unicode"]) == (1, 2, 3, "x")
    assert len(report.warnings) == 2 and all("stored as price_" in w for w in report.warnings)


def test_latin1_and_byte_order_marks_are_read_right(tmp_path: Path) -> None:
    latin = _csv(tmp_path / "latin.csv", [{"id": "a", "title": "Café crème"}], encoding="latin-1")
    report = ingest(latin, tmp_path / "db", "l", vectors={"text": FAKE})
    assert _stored(tmp_path / "db", "l")["a"]["title"] == "Café crème"
    assert any("not UTF-8" in w and "--encoding" in w for w in report.warnings)
    bom = _write(tmp_path / "bom.csv", "\ufeffid,title\nb,Beta\n")
    assert ingest(bom, tmp_path / "db", "b", vectors={"text": FAKE}).ok
    assert list(_stored(tmp_path / "db", "b")) == ["b"]


def test_surrogates_deep_nesting_and_giant_fields_skip_only_their_record(tmp_path: Path) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    lines = ['{"id": "ok1", "title": "fine"}', '{"id": "s", "title": "bad \\ud83c"}',
             '{"id": "d", "title": "deep", "x": ' + deep + "}", '{"id": "n", "title": "nest", "x": ' + "[" * 40 +
             "]" * 40 + "}", json.dumps({"id": "g", "title": "giant", "text": "x" * 1_200_000}),
             '{"id": "ok2", "title": "fine too"}']
    report = ingest(_write(tmp_path / "bad.jsonl", "\n".join(lines) + "\n"), tmp_path / "db", "t",
                    vectors={"text": FAKE})
    assert sorted(_stored(tmp_path / "db", "t")) == ["ok1", "ok2"]
    reasons = {b.line: b.reason for b in report.bad}
    assert "unpaired surrogate" in reasons[2] and "nested too deep" in reasons[3]
    assert "more than 32 levels" in reasons[4] and "the limit is 1,000,000" in reasons[5]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_database_gives_one_line_and_the_table_intact(tmp_path: Path, xmr_bin: str) -> None:
    db = tmp_path / "db"
    ingest(write_jsonl(tmp_path / "a.jsonl", SHOP[:1]), db, "t", vectors={"text": FAKE})
    for path in [db, *db.rglob("*")]:
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        out = subprocess.run([xmr_bin, "ingest", str(write_jsonl(tmp_path / "b.jsonl", SHOP)), "--db", str(db),
                              "--table", "t", "--no-progress"], capture_output=True, text=True, env=subprocess_env())
    finally:
        for path in [db, *db.rglob("*")]:
            path.chmod(path.stat().st_mode | stat.S_IWUSR)
    assert out.returncode == 1 and out.stderr.count("\n") == 1 and "error:" in out.stderr, out.stderr
    assert list(_stored(db, "t")) == ["k01"]


def test_a_database_path_that_cannot_be_made_gives_one_line(tmp_path: Path, xmr_bin: str) -> None:
    (tmp_path / "plain-file").write_text("not a folder")
    out = subprocess.run([xmr_bin, "ingest", str(write_jsonl(tmp_path / "b.jsonl", SHOP)), "--db",
                          str(tmp_path / "plain-file" / "db"), "--table", "t", "--no-progress"],
                         capture_output=True, text=True, env=subprocess_env())
    assert out.returncode == 1 and out.stderr.count("\n") == 1, out.stderr
    assert "error:" in out.stderr and "plain-file" in out.stderr


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    out = subprocess.run(list(args), capture_output=True, text=True, timeout=300, env=subprocess_env())
    assert out.returncode in (0, 3), out.stderr
    return out


# -- several server processes on one database ----------------------------------------------------
def test_two_server_processes_keep_every_turn_and_like_of_a_shared_session(tmp_path: Path, xmr_bin: str) -> None:
    pytest.importorskip("fastapi")
    import socket
    import time
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    db = tmp_path / "db"
    rows = [{"id": f"s{n:02d}", "title": f"song {n}", "text": f"a calm piano piece number {n}", "price": n}
            for n in range(30)]
    ingest(write_jsonl(tmp_path / "songs.jsonl", rows), db, "t", vectors={"text": FAKE})
    ports = []
    for _ in range(2):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            ports.append(s.getsockname()[1])
    servers = [subprocess.Popen([xmr_bin, "serve", "--db", str(db), "--table", "t", "--port", str(p), "--no-web"],
                                env=subprocess_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
               for p in ports]
    try:
        urls = [f"http://127.0.0.1:{p}" for p in ports]
        deadline = time.monotonic() + 120
        while not all(_healthy(u) for u in urls):
            assert time.monotonic() < deadline and all(s.poll() is None for s in servers), "servers did not start"
            time.sleep(0.3)

        def turn(n: int) -> int:
            body = {"message": f"a calm piano piece {n}"} if n < 50 else {"message": "", "like": [f"s{n - 50:02d}"]}
            return httpx.post(f"{urls[n % 2]}/chat/shared", json=body, timeout=120).status_code

        with ThreadPoolExecutor(8) as pool:
            codes = list(pool.map(turn, range(70)))
        assert codes == [200] * 70
        state = httpx.get(f"{urls[0]}/chat/shared", timeout=30).json()
        assert len([t for t in state["turns"] if t["role"] == "user"]) == 50
        assert sorted(state["like_ids"]) == [f"s{n:02d}" for n in range(20)]
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)


def _healthy(url: str) -> bool:
    import httpx

    try:
        return httpx.get(f"{url}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_a_photo_on_a_table_without_image_vectors_names_the_command_that_adds_them(tmp_path: Path) -> None:
    from PIL import Image

    from xmr_agent.agent.pipeline import Agent
    from xmr_agent.errors import ModalityError, StoreError

    ingest(write_jsonl(tmp_path / "a.jsonl", SHOP), tmp_path / "db", "t", vectors={"text": FAKE})
    photo = tmp_path / "red.png"
    Image.new("RGB", (32, 32), (200, 20, 20)).save(photo)
    catalog = Catalog.open(tmp_path / "db", "t")
    with pytest.raises(StoreError, match=r"no image vectors.*xmr backfill --encoder image=efficientnet-lite0"):
        catalog.search(str(photo), modality="image")
    agent = Agent(catalog)
    with pytest.raises(ModalityError, match="xmr backfill --encoder image="):
        agent.ask("", image=str(photo))
    answer = agent.ask("a red mug", image=str(photo), k=2)
    assert answer.recommendations and any("photo was not used" in e.get("reason", "") for e in answer.trace)


def test_the_delete_tool_is_off_unless_enabled(tmp_path: Path) -> None:
    from xmr_agent.assembly import build_tools
    from xmr_agent.integrations.tools import tool_specs

    ingest(write_jsonl(tmp_path / "a.jsonl", SHOP), tmp_path / "db", "t", vectors={"text": FAKE})
    plain = build_tools(tmp_path / "db", "t")
    assert "xmr_delete_items" not in [s.name for s in tool_specs(plain)]
    with pytest.raises(ConfigError, match="not enabled"):
        plain.delete_items(["k01"])
    allowed = build_tools(tmp_path / "db", "t", allow_delete=True)
    run = {s.name: s for s in tool_specs(allowed)}["xmr_delete_items"].run
    text, result = run(item_ids=["k01", "nope"])
    assert result == {"removed": 1, "asked": 2} and json.loads(text) == result
    assert sorted(Catalog.open(tmp_path / "db", "t").ids()) == ["m01", "t01"]


def test_other_languages_id_and_title_named_text_found(tmp_path: Path) -> None:
    from xmr_agent.ingestion.readers import FieldMap

    rows = [{"编号": "a1", "名称": "红色杯子", "描述": "一个结实的红色陶瓷杯子，适合咖啡和茶", "价格": 12},
            {"编号": "a2", "名称": "橙色帐篷", "描述": "防水的双人圆顶帐篷，搭建简单", "价格": 89}]
    source = _csv(tmp_path / "zh.csv", rows)
    report = ingest(source, tmp_path / "db", "t", vectors={"text": FAKE})  # 编号 is the id, 名称 the title
    assert report.mapping == "text: 名称, 描述" and report.rows == 2
    assert any("id: column '编号'" in w for w in report.warnings)
    again = ingest(source, tmp_path / "db2", "t", vectors={"text": FAKE}, fields=FieldMap(id="编号", title="名称", text=()))
    assert again.mapping == "text: 名称, 描述" and again.rows == 2
    assert "防水" in _stored(tmp_path / "db", "t")["a2"]["text"]
