"""Plain helpers shared by the test modules (fixtures live in conftest.py)."""

from __future__ import annotations

import contextlib
import csv
import gzip
import json
import os
import socket
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from xmr_agent.agent.filters import Facet, Facets
from xmr_agent.errors import LLMError
from xmr_agent.testing import FakeEncoder

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("XMR_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data")
FAKE = "xmr_agent.testing:FakeEncoder"

#: A small catalogue with typed metadata: ints, floats, bools and lists.
ITEMS: list[dict[str, Any]] = [
    {"id": "bike", "title": "Red bicycle", "text": "a red bicycle leaning on a brick wall",
     "year": 2001, "price": 120.0, "tags": ["sport", "outdoor"], "used": False},
    {"id": "piano", "title": "Piano nocturne", "text": "a calm piano piece for a rainy evening",
     "year": 1999, "price": 0.99, "tags": ["music", "calm"], "used": True},
    {"id": "guitar", "title": "Guitar solo", "text": "a loud electric guitar solo",
     "year": 2015, "price": 1.29, "tags": ["music", "rock"], "used": False},
    {"id": "tent", "title": "Mountain tent", "text": "a light tent for camping in the mountains",
     "year": 2020, "price": 250.0, "tags": ["outdoor", "camping"], "used": True},
    {"id": "bread", "title": "Sourdough book", "text": "baking sourdough bread at home every day",
     "year": 2012, "price": 19.5, "tags": ["food"], "used": False},
    {"id": "espresso", "title": "Pocket espresso", "text": "a hand pump espresso maker for travel",
     "year": 2018, "price": 59.0, "tags": ["food", "camping"], "used": False},
]


def demo_rows() -> list[dict[str, Any]]:
    """The demo catalogue's items with absolute media paths, to write into a JSONL anywhere."""
    folder = ROOT / "examples" / "demo"
    rows = [json.loads(line) for line in (folder / "catalog.jsonl").read_text(encoding="utf-8").splitlines()]
    for row in rows:
        for field in ("image", "audio", "video"):
            if row.get(field):
                row[field] = str(folder / row[field])
    return rows


class RecordingEncoder(FakeEncoder):
    """A FakeEncoder that remembers every item it was asked to embed."""

    def __init__(self, dim: int = 64, *, space: str = "fake") -> None:
        super().__init__(dim, space=space)
        self.seen: list[str] = []

    def _encode(self, items: list[Any], modality: str, role: str) -> np.ndarray:
        self.seen.extend(str(i) for i in items)
        return super()._encode(items, modality, role)


def write_jsonl(path: Path, rows: Iterable[Mapping[str, Any] | str]) -> Path:
    """Rows as JSON lines; a ``str`` row is written verbatim (for malformed lines)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write((row if isinstance(row, str) else json.dumps(row, ensure_ascii=False)) + "\n")
    return path


def subprocess_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "NO_COLOR": "1", **extra}


def run_python(code: str, *, timeout: float = 300, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter of this virtualenv."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
        env=subprocess_env(), timeout=timeout, check=False, cwd=cwd,
    )


@contextlib.contextmanager
def refusing_network() -> Iterator[None]:
    """Any connection attempt (a hub download) raises inside this block."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("network access attempted in an offline test")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket.socket, "connect", refuse)
        mp.setattr(socket.socket, "connect_ex", refuse)
        mp.setattr(socket, "create_connection", refuse)
        mp.setattr(socket, "getaddrinfo", refuse)
        yield


def kill_when(proc: subprocess.Popen, rows: Callable[[], int], at_least: int, *, timeout: float,
              output: Callable[[], str]) -> int:
    """SIGKILL ``proc`` once ``rows()`` reaches ``at_least`` (the process must still be running then);
    returns the rows seen at the kill. The process is reaped whatever happens."""
    import signal
    import time

    try:
        deadline, at_kill = time.monotonic() + timeout, 0
        while time.monotonic() < deadline and proc.poll() is None:
            at_kill = rows()
            if at_kill >= at_least:
                break
            time.sleep(0.02)
        assert proc.poll() is None, f"the ingest ended before it could be killed: {output()}"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return at_kill


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(command: list[str], *, health: str = "/health", timeout: float = 120) -> Iterator[tuple[str, Any]]:
    """Run ``python -m xmr_agent.cli COMMAND --port P`` (a real server process on 127.0.0.1) until
    ``health`` answers; yields (base URL, the process). Stopped (and reaped) on exit."""
    import tempfile
    import time

    import httpx

    port = free_port()
    log = tempfile.TemporaryFile()  # not a pipe: a server that logs much must never block on it
    process = subprocess.Popen([sys.executable, "-m", "xmr_agent.cli", *command, "--port", str(port)],
                               env=subprocess_env(), stdout=subprocess.DEVNULL, stderr=log)
    process.log = log  # type: ignore[attr-defined]
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"the server exited with {process.returncode}: {log.read().decode()[-2000:]}")
            try:
                httpx.get(url + health, timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not answer {health} within {timeout} s") from None
                time.sleep(0.1)
        yield url, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def server_log(process: Any) -> str:
    """What a process started by :func:`serving` wrote to stderr so far."""
    process.log.seek(0)
    return process.log.read().decode(errors="replace")


# -- a small shop's facets and a scripted LLM, for the request-understanding tests --------------
KINDS = {"plant", "tool", "seeds", "furniture"}
COLOURS = {"red", "green", "blue"}
FACETS = Facets({
    "price": Facet("price", "number", lower=2, upper=300, integer=False),
    "type": Facet("type", "string", frozenset(KINDS), canonical={k: k for k in KINDS}),
    "colour": Facet("colour", "string", frozenset(COLOURS), canonical={c: c for c in COLOURS}),
})


class Scripted:
    """An LLM that answers from a table (and counts its calls)."""

    name = "scripted"

    def __init__(self, answers: dict[str, str], fail: bool = False) -> None:
        self.answers, self.fail, self.calls = answers, fail, 0
        self.asked: list[str] = []

    def complete(self, messages: Sequence[Any], *, schema: Any = None, max_tokens: int = 512) -> str:
        self.calls += 1
        if self.fail:
            raise LLMError("scripted: the model is down")
        asked = messages[-1]["content"].strip()
        self.asked.append(asked)
        return self.answers[asked]


def ingested_csv(folder: Path, table: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Any:
    """An agent over ``rows`` written as ``folder/TABLE.csv`` and ingested with the plain
    ``xmr ingest FILE --db folder/db --table TABLE``."""
    from click.testing import CliRunner

    from xmr_agent.assembly import build_agent, open_catalog
    from xmr_agent.cli import main

    path = folder / f"{table}.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    done = CliRunner().invoke(main, ["ingest", str(path), "--db", str(folder / "db"), "--table", table,
                                     "--no-progress"])
    assert done.exit_code == 0, done.output
    return build_agent(open_catalog(str(folder / "db"), table))


class FixedTranslation:
    """A translator that always answers ``english`` (as a small model may, wrongly)."""

    last_error = None

    def __init__(self, english: str) -> None:
        self.english = english

    def __call__(self, text: str, language: str | None = None) -> str:
        return self.english


def string_facet(column: str, values: set[str]) -> Facet:
    """A categorical facet of ``values`` (matched in lower case, shown as written)."""
    return Facet(column, "string", frozenset(v.lower() for v in values), canonical={v.lower(): v for v in values})


def _b64(n: int) -> str:
    digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    out = ""
    while True:
        out, n = digits[n % 64] + out, n // 64
        if not n:
            return out


def write_dictd(folder: Path, name: str, entries: list[tuple[str, str]]) -> None:
    """``entries`` (headword, entry text) as the dictd files ``folder/freedict-NAME.index`` and ``.dict.dz``."""
    data, index = b"", []
    for word, entry in entries:
        raw = entry.encode("utf-8")
        index.append(f"{word}\t{_b64(len(data))}\t{_b64(len(raw))}")
        data += raw
    (folder / f"freedict-{name}.dict.dz").write_bytes(gzip.compress(data))
    (folder / f"freedict-{name}.index").write_text("\n".join(index) + "\n", encoding="utf-8")
