"""The kernels are pure: no module of luxcheck.kernels imports any luxcheck module but
luxcheck.errors, luxcheck.resources, luxcheck.messages and other luxcheck.kernels modules
(top-level or lazy imports inside functions alike), so that limits, the readings model and the
metric vocabulary reach a kernel only as arguments."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import luxcheck.kernels

KERNELS = Path(luxcheck.kernels.__file__).parent
ALLOWED = ("luxcheck.errors", "luxcheck.resources", "luxcheck.messages", "luxcheck.kernels")


def _luxcheck_imports(path: Path) -> list[tuple[int, str]]:
    """Every luxcheck module a file imports, with its line (relative imports resolved)."""
    package = "luxcheck.kernels"
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return [(line, name) for line, name in found if name.split(".")[0] == "luxcheck"]


def _allowed(name: str) -> bool:
    return any(name == a or name.startswith(f"{a}.") for a in ALLOWED)


@pytest.mark.parametrize("path", sorted(KERNELS.glob("*.py")), ids=lambda p: p.name)
def test_kernel_imports_only_errors_resources_and_kernels(path: Path) -> None:
    """AST check of one kernel module: every luxcheck import is an allowed one."""
    bad = [f"line {line}: {name}" for line, name in _luxcheck_imports(path) if not _allowed(name)]
    assert bad == [], f"{path.name} imports outside the kernels' allowed set: {bad}"


def test_every_kernel_module_is_checked() -> None:
    """The glob sees the package (guards against an empty parametrisation)."""
    assert len(list(KERNELS.glob("*.py"))) >= 6
