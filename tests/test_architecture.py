"""The package's shape, as docs/architecture.md states it (a property of the code, read with ast).

- no import cycle inside luxcheck, lazy imports (inside functions) included;
- no module over 1000 lines;
- each stage imports only the stages below it (the table ``ALLOWED``);
- no core module imports the demo (only the ``luxcheck demo`` command does).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Where the installed package's modules live in the checkout (pyproject's package-dir).
SOURCES = {"luxcheck": ROOT / "luxcheck", "luxcheck.drivers": ROOT / "drivers"}

#: Stage -> the stages its modules may import. A stage is ``luxcheck.<first part>``; the
#: top-level modules errors, resources, model and vocabulary are stages of their own.
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "messages": set(),
    "resources": set(),
    "data": set(),
    "vocabulary": {"messages"},
    "numbers": {"errors"},
    "lab": {"errors"},
    "i18n": {"errors", "messages", "resources"},
    "model": {"errors", "numbers"},
    "drivers": {"errors"},
    "kernels": {"errors", "resources", "messages"},
    "readers": {"errors", "numbers", "model", "kernels"},
    "journal": {"errors", "numbers", "model"},
    "compliance": {
        "errors", "numbers", "model", "vocabulary", "kernels", "journal", "resources", "messages",
    },
    "analysis": {
        "errors", "numbers", "model", "vocabulary", "kernels", "readers", "journal", "compliance",
        "resources", "messages",
    },
    "acquire": {
        "errors", "numbers", "model", "drivers", "journal", "kernels", "analysis", "messages",
        "i18n",
    },
    "report": {
        "errors", "lab", "numbers", "model", "vocabulary", "kernels", "journal", "analysis",
        "compliance", "resources", "messages", "i18n",
    },
    "demo": {
        "errors", "lab", "numbers", "model", "vocabulary", "kernels", "readers", "journal",
        "analysis", "compliance", "report", "acquire", "drivers", "resources", "messages", "i18n",
    },
}  # fmt: skip


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package, folder in SOURCES.items():
        for path in sorted(folder.rglob("*.py")):
            parts = list(path.relative_to(folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            name = ".".join([package, *parts])
            if package == "luxcheck" and parts[:1] == ["drivers"]:
                continue
            found[name] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> Iterator[str]:
    """Every luxcheck module ``name`` imports, at module level or inside a function."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                base = base if is_package else base[:-1]
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            targets = [f"{module}.{alias.name}" for alias in node.names]
            targets = [t if t in MODULES else module for t in targets]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target.startswith("luxcheck") and target != "luxcheck":
                yield target


GRAPH = {name: set(_imports(name, path)) - {name} for name, path in MODULES.items()}


def _stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "luxcheck"


def test_the_graph_sees_lazy_and_relative_imports() -> None:
    """The reader itself: a lazy import inside a function and a relative import are edges."""
    # report.model imports compliance.engine inside a method (a lazy import)
    assert "luxcheck.compliance.engine" in GRAPH["luxcheck.report.model"]
    assert "luxcheck.drivers.base" in GRAPH["luxcheck.drivers.konica"]  # from .base import ...


def test_no_import_cycle() -> None:
    """Tarjan's strongly connected components over the import graph: none larger than one."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(GRAPH[v]):
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
                cycles.append(sorted(component))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    assert not cycles, f"import cycles: {cycles}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_over_1000_lines(name: str) -> None:
    lines = len(MODULES[name].read_text("utf-8").splitlines())
    assert lines <= 1000, f"{MODULES[name].relative_to(ROOT)} has {lines} lines"


def test_each_stage_imports_only_the_stages_below_it() -> None:
    wrong = []
    for module, targets in GRAPH.items():
        stage = _stage(module)
        if stage in ("cli", "luxcheck", "__main__"):
            continue  # the command line may call every stage
        allowed = ALLOWED[stage] | {stage}
        wrong += [f"{module} -> {t}" for t in sorted(targets) if _stage(t) not in allowed]
    assert not wrong, "\n".join(wrong)


def test_no_core_module_imports_the_demo() -> None:
    """Synthetic data lives in luxcheck.demo; only the ``luxcheck demo`` command reaches it."""
    importers = sorted(
        module
        for module, targets in GRAPH.items()
        if _stage(module) != "demo" and any(_stage(t) == "demo" for t in targets)
    )
    assert importers == ["luxcheck.cli.demo"]
