"""The house rules of docs/architecture.md, checked: no import cycle among the modules of
``xmr_agent`` and the first-party plugins (imports inside functions and under TYPE_CHECKING
count), no module over 400 lines. The layers themselves are an import-linter contract
(``[tool.importlinter]`` in pyproject.toml, run by ``make test``)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    found = {}
    for base, prefix in ((ROOT / "xmr_agent", "xmr_agent"), *((p, p.name) for p in (ROOT / "plugins").iterdir())):
        for path in base.rglob("*.py"):
            parts = [prefix, *path.relative_to(base).with_suffix("").parts]
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _imports(module: str, path: Path, modules: dict[str, Path]) -> Iterator[str]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            targets = [f"{base}.{a.name}" for a in node.names] + [base]
        else:
            continue
        for target in targets:
            found = _resolve(target, modules)
            if found and found != module:
                yield found


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles_counting_imports_inside_functions() -> None:
    modules = _modules()
    graph = {m: set(_imports(m, p, modules)) for m, p in modules.items()}
    assert sum(len(v) for v in graph.values()) > 300  # the walk did see the imports
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_over_400_lines() -> None:
    sizes = {str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines()) for p in _modules().values()}
    assert len(sizes) > 80
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}


def test_core_never_names_a_first_party_plugin() -> None:
    """Core finds plugins through entry points only; plugins build on core, never the other way."""
    plugins = {p.name for p in (ROOT / "plugins").iterdir() if p.is_dir()}
    modules = _modules()
    core = {m: p for m, p in modules.items() if m.startswith("xmr_agent")}
    named = {m: sorted(t for t in _imports(m, p, modules) if t.split(".")[0] in plugins) for m, p in core.items()}
    assert {m: t for m, t in named.items() if t} == {}
