"""The warm path: `xmr search`, `xmr ask` and `xmr chat` ask a running `xmr serve` (a real
server process) instead of loading models, print the same output, and fall back to running
in-process, silently, for --no-server, a stale announcement, or a server wanting a key they lack."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from helpers import FAKE, ITEMS, serving, write_jsonl

import xmr_agent
from xmr_agent.cli import main
from xmr_agent.server import announce
from xmr_agent.store.catalog import Catalog

KEY = "warm-path-test-key-0123456789"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("warm")
    assert xmr_agent.ingest(write_jsonl(folder / "items.jsonl", ITEMS), folder / "db", "shop",
                            vectors={"text": FAKE}).ok
    return folder / "db"


def _announced(db: Path, process: Any, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        data = announce.read(db)
        if data is not None and data.get("pid") == process.pid:
            return data
        assert time.monotonic() < deadline and process.poll() is None, "the server did not announce itself"
        time.sleep(0.05)


@pytest.fixture(scope="module")
def server(db: Path) -> Iterator[tuple[str, Any]]:
    with serving(["serve", "--db", str(db), "--table", "shop", "--no-web"]) as (url, process):
        _announced(db, process)
        yield url, process
    deadline = time.monotonic() + 30
    while announce.read(db) is not None and time.monotonic() < deadline:
        time.sleep(0.05)


@pytest.fixture
def opens(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Tables opened in this process (an in-process run opens one; the warm path none)."""
    opened: list[str] = []
    original = Catalog.open.__func__  # type: ignore[attr-defined]

    def counting(cls: type[Catalog], uri: Any, name: str, **kwargs: Any) -> Catalog:
        opened.append(name)
        return original(cls, uri, name, **kwargs)

    monkeypatch.setattr(Catalog, "open", classmethod(counting))
    return opened


def _run(*args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> str:
    result = CliRunner().invoke(main, list(args), env=env, input=stdin, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_announcement_is_private_and_names_no_secret(db: Path, server: tuple[str, Any]) -> None:
    url, process = server
    path = db / announce.FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = json.loads(path.read_text())
    assert (data["url"], data["pid"], data["tables"], data["auth"]) == (url, process.pid, ["shop"], None)
    assert data["agent"]["llm"] == "none"


def test_search_ask_and_chat_use_the_running_server(db: Path, server: tuple[str, Any], opens: list[str]) -> None:
    base = ["--db", str(db), "--table", "shop"]
    warm = _run("search", "calm piano music", *base, "-k", "3", "--json")
    assert opens == []  # answered by the server: no table opened, no model loaded here
    cold = _run("search", "calm piano music", *base, "-k", "3", "--json", "--no-server")
    assert opens == ["shop"]
    assert warm == cold and json.loads(warm)[0]["id"] == "piano"
    assert _run("search", "calm piano music", *base, "--where", "price < 100") == \
        _run("search", "calm piano music", *base, "--where", "price < 100", "--no-server")
    opens.clear()

    warm_answer = json.loads(_run("ask", "something for camping under $100", *base, "--json"))
    assert opens == []
    cold_answer = json.loads(_run("ask", "something for camping under $100", *base, "--json", "--no-server"))
    assert opens == ["shop"]
    for answer in (warm_answer, cold_answer):
        answer.pop("timings")
        for step in answer["trace"]:
            step.pop("seconds", None)
    assert warm_answer == cold_answer
    opens.clear()

    lines = _run("chat", *base, "--session", "warm1", "--json", stdin="a calm piano piece\n/like 1\n").splitlines()
    assert opens == []
    assert json.loads(lines[0])["recommendations"][0]["id"] == "piano"
    state = json.loads((db / ".sessions" / "warm1.json").read_text())
    assert state["liked"] == ["piano"]


def test_an_agent_set_up_otherwise_runs_in_process(db: Path, server: tuple[str, Any], opens: list[str]) -> None:
    _run("ask", "a calm piano piece", "--db", str(db), "--table", "shop", "--rerank", "mmr", "--json")
    assert opens == ["shop"]


def test_info_says_which_path_is_taken(db: Path, server: tuple[str, Any]) -> None:
    url, process = server
    out = _run("info", "--db", str(db), "--table", "shop")
    assert f"server at {url} (pid {process.pid}) will answer xmr search/ask/chat; --no-server" in out


def test_a_stale_announcement_is_ignored_and_removed(tmp_path: Path, db: Path, opens: list[str]) -> None:
    copy = tmp_path / "db"
    subprocess.run(["cp", "-r", str(db), str(copy)], check=True)
    (copy / announce.FILE).unlink(missing_ok=True)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    announce.write(copy, {"url": "http://127.0.0.1:9", "pid": gone.pid, "tables": ["shop"], "auth": None,
                          "agent": {}})
    out = _run("search", "tent", "--db", str(copy), "--table", "shop", "--json")
    assert json.loads(out)[0]["id"] == "tent" and opens == ["shop"]
    assert not (copy / announce.FILE).exists()
    # a live process that does not answer (here: this one, at a closed port): ignored, left alone
    announce.write(copy, {"url": "http://127.0.0.1:9", "pid": os.getpid(), "tables": ["shop"], "auth": None,
                          "agent": {}})
    assert "in-process" in _run("info", "--db", str(copy), "--table", "shop")
    assert json.loads(_run("search", "tent", "--db", str(copy), "--table", "shop", "--json"))[0]["id"] == "tent"
    assert opens == ["shop", "shop", "shop"]


def test_a_server_with_a_key_is_used_only_with_the_key(tmp_path: Path, db: Path, opens: list[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "db"
    subprocess.run(["cp", "-r", str(db), str(copy)], check=True)
    (copy / announce.FILE).unlink(missing_ok=True)
    with serving(["serve", "--db", str(copy), "--table", "shop", "--no-web", "--api-key", KEY]) as (_, process):
        data = _announced(copy, process)
        assert data["auth"] == "api-key" and KEY not in (copy / announce.FILE).read_text()
        search = ["search", "bicycle", "--db", str(copy), "--table", "shop", "--json"]
        monkeypatch.delenv("XMR_API_KEY", raising=False)
        cold = _run(*search)
        assert opens == ["shop"]  # no key: in-process
        assert _run(*search, env={"XMR_API_KEY": "not-the-key"}) == cold  # refused (401): in-process
        assert opens == ["shop", "shop"]
        assert _run(*search, env={"XMR_API_KEY": KEY}) == cold
        assert opens == ["shop", "shop"]  # with the key: the server answered
        process.terminate()
        process.wait(30)
    assert not (copy / announce.FILE).exists()  # removed as the server stopped
