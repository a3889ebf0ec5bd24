"""`xmr ask` and `xmr eval --agent` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from helpers import FAKE, ROOT, write_jsonl

from xmr_agent.cli import main

DEMO = ROOT / "examples" / "demo" / "catalog.jsonl"


def xmr(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), env={"COLUMNS": "200", "NO_COLOR": "1"})


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("ask") / "db")
    result = xmr("ingest", str(DEMO), "--db", path, "--table", "demo", "--encoder", f"text={FAKE}", "--no-progress")
    assert result.exit_code == 0, result.output
    return path


def test_ask_json_has_query_where_recommendations_and_evidence(db: str) -> None:
    result = xmr("ask", "waterproof gear for a rainy hike under $200", "--db", db, "--table", "demo", "-k", "3", "--json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["where"] == "(price < 200.0) AND (`category` = 'gear')"
    assert len(answer["recommendations"]) == 3
    for rec in answer["recommendations"]:
        assert rec["item"]["category"] == "gear" and rec["item"]["price"] < 200
        assert rec["explanation"] and rec["evidence"]["matches"]
    assert [s["step"] for s in answer["trace"]][0] == "rewrite"


def test_ask_trace_shows_every_step(db: str) -> None:
    result = xmr("ask", "a calm piano song, nothing sad", "--db", db, "--table", "demo", "--trace", "--rerank", "mmr")
    assert result.exit_code == 0, result.output
    for step in ("rewrite", "route", "search", "fuse", "rerank", "explain"):
        assert f"\n{step} " in result.stdout
    assert "avoid:vector" in result.stdout and "mmr (lambda 0.7)" in result.stdout
    assert "Moonlit Harbour" in result.stdout


def test_ask_errors_are_clear(db: str, tmp_path: Path) -> None:
    nothing = xmr("ask", "--db", db, "--table", "demo")
    assert nothing.exit_code == 2 and "give a REQUEST" in nothing.output
    no_llm = xmr("ask", "a song", "--db", db, "--table", "demo", "--rerank", "llm")
    assert no_llm.exit_code == 1 and "needs an LLM" in no_llm.output
    bad_rerank = xmr("ask", "a song", "--db", db, "--table", "demo", "--rerank", "magic")
    assert bad_rerank.exit_code == 1 and "unknown reranker" in bad_rerank.output
    missing = xmr("ask", "a song", "--db", str(tmp_path / "none"), "--table", "demo")
    assert missing.exit_code == 1 and "no database" in missing.output


def test_ask_with_prompt_overrides_and_a_scripted_llm_endpoint_is_not_needed(db: str, tmp_path: Path) -> None:
    (tmp_path / "explain.yaml").write_text("system: 'Say {{ missing_variable }}'\n")
    result = xmr("ask", "a song", "--db", db, "--table", "demo", "--prompts", str(tmp_path))
    assert result.exit_code == 0, result.output  # without an LLM the explain prompt is never rendered


def test_eval_agent_on_a_retrieval_file(db: str, tmp_path: Path) -> None:
    queries = write_jsonl(tmp_path / "q.jsonl", [
        {"query": "calm piano music under $1", "relevant_ids": ["song-001"]},
        {"query": "a space opera film about a rebellion", "relevant_ids": ["film-001"]},
        {"query": "hand powered espresso for camping", "relevant_ids": ["gear-003"]},
    ])
    out = tmp_path / "report"
    result = xmr("eval", str(queries), "--db", db, "--table", "demo", "--out", str(out), "--agent", "--no-progress")
    assert result.exit_code == 0, result.output
    results = json.loads((out / "results.json").read_text())
    assert results["mode"].startswith("agent") and results["n_queries"] == 3
    assert results["metrics"]["all"]["recall@10"] == 1.0
    assert {"rewrite", "route", "search", "fuse", "rerank", "explain", "total"} <= set(results["latency"])
    plain_only = xmr("eval", str(queries), "--db", db, "--table", "demo", "--out", str(out), "--rerank", "mmr")
    assert plain_only.exit_code == 2 and "apply to --agent" in plain_only.output
