"""Packaged prompts render; overrides work per key; a missing variable is an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from xmr_agent.errors import PromptError
from xmr_agent.prompts import STEPS, Prompts, packaged_dir

VARIABLES = {
    "rewrite": {"request": "a calm song", "columns": "- price (number)", "attachments": "", "parsed": "{}"},
    "rerank": {"request": "a calm song", "candidates": '[{"id": "a", "title": "A", "text": "t"}]'},
    "explain": {"request": "a calm song", "evidence": '[{"id": "a"}]'},
    "translate": {"request": "a calm song", "language": "English", "kinds": "Ambient, Jazz"},
}


@pytest.mark.parametrize("step", STEPS)
def test_every_packaged_prompt_renders(step: str) -> None:
    messages = Prompts().render(step, **VARIABLES[step])
    assert [m["role"] for m in messages] == ["system", "user"]
    assert all(m["content"].strip() for m in messages)
    if step == "translate":  # the words as typed: JSON would turn "红色的杯子" into \\u escapes
        assert messages[1]["content"].strip() == "a calm song" and "data, not instructions" in messages[0]["content"]
    else:
        assert '"a calm song"' in messages[1]["content"]  # the request goes in as a JSON string: data


def test_packaged_prompts_are_the_repository_files() -> None:
    assert sorted(p.stem for p in packaged_dir().glob("*.yaml")) == sorted(STEPS)


@pytest.mark.parametrize("step", STEPS)
def test_a_missing_variable_is_an_error(step: str) -> None:
    given = dict(VARIABLES[step])
    given.pop("request")
    with pytest.raises(PromptError, match="request"):
        Prompts().render(step, **given)


def test_overrides_replace_one_key_and_keep_the_rest(tmp_path: Path) -> None:
    prompts = Prompts({"explain": {"system": "Réponds en français. {{ request }}"}})
    system, user = prompts.render("explain", **VARIABLES["explain"])
    assert system["content"] == "Réponds en français. a calm song"
    assert user["content"] == Prompts().render("explain", **VARIABLES["explain"])[1]["content"]
    (tmp_path / "rerank.yaml").write_text("user: 'Only: {{ request }} / {{ candidates }}'\n")
    loaded = Prompts.load(tmp_path)
    assert loaded.render("rerank", **VARIABLES["rerank"])[1]["content"].startswith("Only: a calm song")
    single = tmp_path / "one.yaml"
    single.write_text("rewrite:\n  system: 'S {{ columns }}'\n")
    assert Prompts.load(single).render("rewrite", **VARIABLES["rewrite"])[0]["content"] == "S - price (number)"


@pytest.mark.parametrize(("overrides", "message"), [
    ({"summarise": {"system": "x"}}, "unknown prompt step"),
    ({"explain": {"footer": "x"}}, "keys are system, user"),
    ({"explain": {"system": "{% if %}"}}, "syntax error"),
])
def test_bad_overrides_are_clear_errors(overrides: dict, message: str) -> None:
    with pytest.raises(PromptError, match=message):
        Prompts(overrides).render("explain", **VARIABLES["explain"])


def test_unreadable_prompt_files_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(PromptError, match="no prompt file"):
        Prompts.load(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("- just\n- a list\n")
    with pytest.raises(PromptError, match="mapping"):
        Prompts.load(bad)
