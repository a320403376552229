"""One translation mechanism (issue 15): text a person reads is an English msgid translated
through the gettext catalogs (:mod:`luxcheck.i18n`), never picked by the language in the code.

Read from the source with ``ast`` (strings and comparisons as Python sees them, so that neither
a comment nor a docstring that quotes an old pair counts), every module under ``luxcheck/``
fails this test when it

- compares anything with a language code (``lang == "en"``, ``self.lang == "zh"``, ``"zh" if
  … else …`` built on such a comparison);
- writes a dict literal keyed by language codes (``{"zh": …, "en": …}``);
- holds Chinese text in a string of its code (an inline ``("…", "中文")`` pair, a
  ``*_zh`` literal): Chinese text belongs in the zh_CN catalog.

The exceptions are listed below, each with its reason, by module and function, so that a new
pick elsewhere in the same module still fails.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "luxcheck"
LANGUAGE_CODES = frozenset({"zh", "en", "zh_CN", "zh-CN"})
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")

#: Modules left out, with the reason.
MODULES_ALLOWED = {
    # the one place that knows the languages: the catalogs' folders, the source language, which
    # of an author's two texts (a pack's title_zh / title) a reader gets
    "luxcheck/i18n.py",
}
#: Folders left out of the Chinese-text rule only, with the reason.
CHINESE_DATA_FOLDERS = (
    # the demo's synthetic campaign: Chinese names of districts, schools, buildings and
    # inspectors, the campaign's and the instruments' names — data a campaign file holds as
    # typed, as a real campaign's are, not messages
    "luxcheck/demo/",
)
#: (module, function) → why it may depend on the language: formatting, not messages.
FUNCTIONS_ALLOWED = {
    ("luxcheck/report/format.py", "Formatter.join"): (
        "list typography: 、 between items in Chinese, ', ' in English"
    ),
    ("luxcheck/report/format.py", "Formatter.date"): (
        "date formatting: 2026年11月2日 / 2 November 2026 (the month's name from strftime)"
    ),
    ("luxcheck/report/format.py", "Formatter.with_unit"): (
        "number formatting: 5% with no space in Chinese, 5 % in English"
    ),
}


def _modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if name not in MODULES_ALLOWED:
            yield name, ast.parse(path.read_text(encoding="utf-8"), filename=name)


def _docstrings(tree: ast.Module) -> set[int]:
    """The ids of the docstring nodes (of modules, classes, functions and attributes)."""
    out = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if not isinstance(body, list):
            continue
        for stmt in body:
            if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
                out.add(id(stmt.value))
    return out


def _scoped(tree: ast.Module) -> Iterator[tuple[str, ast.AST]]:
    """Every node with the qualified name of the function or class it is in ('' at the top)."""

    def walk(node: ast.AST, scope: str) -> Iterator[tuple[str, ast.AST]]:
        for child in ast.iter_child_nodes(node):
            inner = scope
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                inner = f"{scope}.{child.name}" if scope else child.name
            yield inner, child
            yield from walk(child, inner)

    yield from walk(tree, "")


def _is_code(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value in LANGUAGE_CODES


def _findings(name: str, tree: ast.Module) -> Iterator[str]:
    docstrings = _docstrings(tree)
    chinese_is_data = name.startswith(CHINESE_DATA_FOLDERS)
    for scope, node in _scoped(tree):
        if (name, scope) in FUNCTIONS_ALLOWED:
            continue
        where = f"{name}:{getattr(node, 'lineno', '?')} ({scope or 'module'})"
        if isinstance(node, ast.Compare) and any(
            _is_code(side) for side in (node.left, *node.comparators)
        ):
            yield f"{where}: compares with a language code: {ast.unparse(node)}"
        elif isinstance(node, ast.Dict) and any(k is not None and _is_code(k) for k in node.keys):
            yield f"{where}: a dict keyed by language: {ast.unparse(node)[:80]}"
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and not chinese_is_data
            and CJK.search(node.value)
        ):
            text = node.value
            yield f"{where}: Chinese text in the code (its place: the zh_CN catalog): {text!r}"


def test_no_text_is_picked_by_language() -> None:
    found = [finding for name, tree in _modules() for finding in _findings(name, tree)]
    assert not found, "\n".join(found)


def test_each_exception_is_still_needed() -> None:
    """An exception whose function no longer picks by language is taken off the list (the
    list is what docs/architecture.md's "Text a person reads" describes)."""
    for (name, function), _reason in FUNCTIONS_ALLOWED.items():
        tree = ast.parse((ROOT / name).read_text(encoding="utf-8"))
        inside = [node for scope, node in _scoped(tree) if scope == function]
        assert inside, f"{name}: no function {function}"
        assert any(
            isinstance(n, ast.Compare) and any(_is_code(s) for s in (n.left, *n.comparators))
            for n in inside
        ), f"{name} {function} no longer compares with a language code: drop its exception"


def test_the_rule_sees_the_old_pairs() -> None:
    """The checks find what the guided session used to do (property of the rule: it can fail)."""
    old = """
def say(lang, said):
    text = f"meter error: {said}" if lang == "en" else f"仪器错误:{said}"
    ASK = {"zh": "输入功率 [W]", "en": "input power [W]"}
    return text
"""
    found = list(_findings("luxcheck/acquire/example.py", ast.parse(old)))
    assert any("compares with a language code" in f for f in found), found
    assert any("a dict keyed by language" in f for f in found), found
    assert sum("Chinese text in the code" in f for f in found) == 2, found
