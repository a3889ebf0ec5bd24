"""Prompt templates: YAML files (one per step), rendered with Jinja2 and ``StrictUndefined``.

The packaged prompts are ``rewrite``, ``rerank`` and ``explain``, each with a ``system`` and a
``user`` template. Override any single key, leaving the rest packaged::

    Prompts(overrides={"explain": {"system": "Answer in French. ..."}})
    Prompts.load("my_prompts/")     # a folder of step.yaml files, or one YAML file {step: {key: …}}

A template that uses a variable it was not given raises :class:`~xmr_agent.errors.PromptError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from xmr_agent.errors import PromptError

STEPS = ("rewrite", "rerank", "explain", "translate")
KEYS = ("system", "user")


def packaged_dir() -> Path:
    """Where the packaged prompts are: inside the wheel, or ``prompts/`` of a source checkout."""
    here = Path(__file__).resolve().parent
    for folder in (here / "prompts", here.parent / "prompts"):
        if (folder / "rewrite.yaml").is_file():
            return folder
    raise PromptError(f"packaged prompts not found next to {here}: the installation is incomplete")


class Prompts:
    """Prompt templates by step and key, with per-key overrides."""

    def __init__(self, overrides: Mapping[str, Mapping[str, str]] | None = None) -> None:
        self.templates: dict[str, dict[str, str]] = {step: dict(_read(packaged_dir() / f"{step}.yaml")) for step in STEPS}
        for step, keys in (overrides or {}).items():
            if step not in self.templates:
                raise PromptError(f"unknown prompt step {step!r}; steps: {', '.join(STEPS)}")
            for key, text in keys.items():
                if key not in KEYS or not isinstance(text, str):
                    raise PromptError(f"prompt {step}.{key}: keys are {', '.join(KEYS)} with string templates")
                self.templates[step][key] = text

    @classmethod
    def load(cls, path: str | Path) -> Prompts:
        """Packaged prompts overridden by a YAML file ``{step: {key: template}}`` or a folder of
        ``step.yaml`` files."""
        path = Path(path)
        if path.is_dir():
            return cls({p.stem: _read(p) for p in sorted(path.glob("*.yaml"))})
        if path.is_file():
            return cls(_read(path))
        raise PromptError(f"no prompt file or folder at {path}")

    def render(self, step: str, **variables: Any) -> list[dict[str, str]]:
        """Chat messages (system, user) for ``step`` with ``variables`` filled in."""
        import jinja2

        if step not in self.templates:
            raise PromptError(f"unknown prompt step {step!r}; steps: {', '.join(STEPS)}")
        messages = []
        for key in KEYS:
            missing = sorted(_needs(self.templates[step][key]) - variables.keys())
            if missing:
                raise PromptError(f"prompt {step}.{key} needs variable(s) it was not given: {', '.join(missing)}")
            try:
                text = _template(self.templates[step][key]).render(**variables)
            except jinja2.UndefinedError as e:
                raise PromptError(f"prompt {step}.{key} needs a variable it was not given: {e}") from e
            except jinja2.TemplateError as e:
                raise PromptError(f"prompt {step}.{key} cannot be rendered: {e}") from e
            messages.append({"role": key, "content": text.strip()})
        return messages


@lru_cache(maxsize=64)
def _template(source: str) -> Any:
    import jinja2

    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True)
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": False}
    try:
        return env.from_string(source)
    except jinja2.TemplateSyntaxError as e:
        raise PromptError(f"prompt template has a syntax error at line {e.lineno}: {e.message}") from e


@lru_cache(maxsize=64)
def _needs(source: str) -> frozenset[str]:
    """Variables a template uses (a ``tojson`` of an undefined one would fail obscurely)."""
    import jinja2
    from jinja2 import meta

    try:
        return frozenset(meta.find_undeclared_variables(jinja2.Environment().parse(source)))
    except jinja2.TemplateSyntaxError as e:
        raise PromptError(f"prompt template has a syntax error at line {e.lineno}: {e.message}") from e


def _read(path: Path) -> dict[str, Any]:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise PromptError(f"cannot read prompts from {path}: {e}") from e
    if not isinstance(data, dict):
        raise PromptError(f"{path} must hold a mapping of keys to templates, found {type(data).__name__}")
    return data
