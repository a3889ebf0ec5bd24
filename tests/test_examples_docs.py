"""The examples and the README's commands run as a user would run them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
BIN = Path(sys.executable).parent


def run(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    return subprocess.run(args, capture_output=True, text=True, env=env, timeout=600, check=False, **kwargs)


@pytest.mark.model
def test_quickstart_ingests_and_finds_calm_music(tmp_path: Path) -> None:
    out = run([sys.executable, str(EXAMPLES / "quickstart.py"), "--db", str(tmp_path)])
    assert out.returncode == 0, out.stderr
    assert "24 inserted, 0 unchanged, 0 skipped" in out.stdout
    first = out.stdout.splitlines()[1]
    assert "song-" in first  # calm, cheap music ranks first under "price < 5"


@pytest.mark.model
def test_signals_example_recommends_what_was_liked_together_and_says_why(tmp_path: Path) -> None:
    out = run([sys.executable, str(EXAMPLES / "signals.py"), "--db", str(tmp_path)])
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == 3 and lines[0].startswith("1. Cold Equations of Mars:")  # liked with Star Lanes twice
    assert "seen with the items you mentioned" in lines[0] and "tags sci-fi, as in Star Lanes" in lines[0]
    assert "Star Lanes:" not in out.stdout  # the film named is never offered back


def test_custom_encoder_example_passes_the_contract() -> None:
    out = run([sys.executable, str(EXAMPLES / "custom_encoder.py")])
    assert out.returncode == 0, out.stderr
    assert "gear-003 Pocket Espresso" in out.stdout


@pytest.mark.model
def test_demo_as_make_demo_runs_it(tmp_path: Path) -> None:
    db = str(tmp_path / "demo")
    encoders = re.search(r"^DEMO_ENCODERS \?= (.+)$", (ROOT / "Makefile").read_text(), re.M).group(1).split()
    ingest = run([str(BIN / "xmr"), "ingest", str(EXAMPLES / "demo" / "catalog.jsonl"),
                  "--db", db, "--table", "demo", *encoders, "--no-progress"])
    assert ingest.returncode == 0, ingest.stderr
    demo = run([sys.executable, str(EXAMPLES / "demo.py"), "--db", db, "--table", "demo"])
    assert demo.returncode == 0, demo.stderr
    searches, *asks = demo.stdout.split("\n? ")
    blocks = searches.split("\n» ")[1:]
    assert len(blocks) == 5 and len(asks) == 3
    assert "Star Lanes" in blocks[2].splitlines()[1]          # space opera → the space-opera film
    filtered = [line for line in blocks[1].splitlines()[1:] if line.strip()]
    assert all(" music " in line for line in filtered)          # category = 'music' AND price < 1.0
    assert "Sourdough Every Day" in blocks[4].splitlines()[1]   # hybrid: baking bread
    assert "where (price < 1.0)" in asks[0] and "Moonlit Harbour" in asks[0].splitlines()[1]
    assert "avoid war" in asks[1] and "(`category` = 'book' OR `category` = 'film')" in asks[1]
    assert sum(line.startswith("  ") for line in asks[1].splitlines()) == 3
    hike = asks[2].splitlines()
    assert "price < 200.0" in hike[0] and "Rain Shell Jacket" in "".join(hike[1:3])


def test_readme_test_command_is_what_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test\b", readme, re.MULTILINE)
    assert re.search(r"^make test$", ci, re.MULTILINE)
    assert re.search(r"^make demo\b", readme, re.MULTILINE)


def test_setup_compiles_the_pinned_llama_cpp_without_pips_cache(tmp_path: Path) -> None:
    # pip keys the wheels it built by the source archive alone: a cached native build would come back.
    import tomllib

    pin = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["llm"][0]
    plan = run(["make", "-n", "-C", str(ROOT), "setup", f"VENV={tmp_path / 'venv'}"])
    assert plan.returncode == 0, plan.stderr
    line = next(line for line in plan.stdout.splitlines() if "llama-cpp-python" in line)
    assert f'pip install --no-cache-dir "{pin}"' in line and line.startswith("CMAKE_ARGS=")


def test_readme_agent_snippet_runs(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## The agent: ask, chat, recommend", 1)[1]
    snippet = section.split("```python\n", 1)[1].split("```", 1)[0]
    setup = ("import xmr_agent\n"
             "xmr_agent.ingest('" + str(EXAMPLES / "demo" / "catalog.jsonl") + "', '.xmr-demo', 'demo', "
             "vectors={'text': 'xmr_agent.testing:FakeEncoder'})\n")
    out = run([sys.executable, "-c", setup + snippet], cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "(price < 1.0)" in out.stdout and "Moonlit Harbour" in out.stdout
    assert (tmp_path / ".xmr-demo" / ".sessions" / "alice.json").is_file()


@pytest.mark.model
def test_backfill_example_adds_image_vectors_to_a_words_only_table(tmp_path: Path) -> None:
    out = run([sys.executable, str(EXAMPLES / "backfill.py"), "--db", str(tmp_path)])
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "24 inserted with words only"
    assert lines[1] == "{'vec__image__efficientnet_lite0': 'added'}: 24 embedded, 0 without an image, 0 skipped"
    assert lines[2].endswith("film-001  Star Lanes")  # the poster finds its own film first
    assert lines[-2].endswith("Star Lanes") and lines[-1] == "24 unchanged"
