"""Extract, merge and compile the reports' gettext catalogs (a dev tool; stdlib + Jinja2).

- Extract every message from the templates (Jinja2's i18n extension) and from
  the modules of ``luxcheck/report/`` (calls to ``_``, ``self._`` and ``_n``).
- Write ``reports/locale/luxcheck.pot`` and merge it into each language's ``luxcheck.po``,
  keeping existing translations; English is the source language, so the ``en`` catalog gets
  each message as its own translation.
- Compile every ``.po`` into ``.mo`` (GNU format, as :mod:`gettext` reads it).

Usage::

    .venv/bin/python scripts/update_catalogs.py [--check]

``--check`` changes nothing and exits 1 if a catalog lacks a translation or a ``.mo`` is stale.
"""

from __future__ import annotations

import argparse
import ast
import struct
import sys
from pathlib import Path

import jinja2

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "reports" / "locale"
TEMPLATES = ROOT / "reports" / "templates"
PY_SOURCES = tuple(sorted((ROOT / "luxcheck" / "report").glob("*.py")))
LANGS = ("zh_CN", "en")
DOMAIN = "luxcheck"


def extract() -> list[str]:
    """Every message id, in first-seen order."""
    seen: dict[str, None] = {}
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    for path in sorted(TEMPLATES.glob("*.j2")):
        for _lineno, _func, message in env.extract_translations(path.read_text("utf-8")):
            if isinstance(message, tuple):  # a call with keyword arguments
                message = message[0]
            if isinstance(message, str):
                seen.setdefault(message, None)
    for path in PY_SOURCES:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = (
                func.id
                if isinstance(func, ast.Name)
                else (func.attr if isinstance(func, ast.Attribute) else None)
            )
            arg = node.args[0]
            if name in ("_", "_n") and isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                seen.setdefault(arg.value, None)
    return list(seen)


def _unquote(text: str) -> str:
    return ast.literal_eval(text)


def read_po(path: Path) -> dict[str, str]:
    """Read msgid → msgstr from a .po file (single-line or continued strings)."""
    entries: dict[str, str] = {}
    if not path.exists():
        return entries
    msgid: list[str] | None = None
    msgstr: list[str] | None = None
    current: list[str] | None = None

    def flush() -> None:
        if msgid is not None and msgstr is not None:
            entries["".join(msgid)] = "".join(msgstr)

    for line in path.read_text("utf-8").splitlines():
        line = line.strip()
        if line.startswith("msgid "):
            flush()
            msgid, msgstr = [_unquote(line[6:])], None
            current = msgid
        elif line.startswith("msgstr "):
            msgstr = [_unquote(line[7:])]
            current = msgstr
        elif line.startswith('"') and current is not None:
            current.append(_unquote(line))
    flush()
    return entries


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def write_po(path: Path, lang: str | None, messages: list[str], old: dict[str, str]) -> None:
    header = old.get("", "")
    if not header:
        header = (
            "Project-Id-Version: luxcheck\n"
            f"Language: {lang or ''}\n"
            "MIME-Version: 1.0\n"
            "Content-Type: text/plain; charset=UTF-8\n"
            "Content-Transfer-Encoding: 8bit\n"
        )
    lines = [
        "# luxcheck report messages. Source language: English.",
        'msgid ""',
        f"msgstr {_quote(header)}",
        "",
    ]
    for message in messages:
        translation = old.get(message, "")
        if lang == "en" and not translation:
            translation = message
        if lang is None:
            translation = ""
        lines += [f"msgid {_quote(message)}", f"msgstr {_quote(translation)}", ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), "utf-8")


def compile_mo(entries: dict[str, str]) -> bytes:
    """GNU .mo bytes for ``entries`` (untranslated ones left out, header kept)."""
    pairs = sorted((k, v) for k, v in entries.items() if v)
    ids = [k.encode() for k, _v in pairs]
    strs = [v.encode() for _k, v in pairs]
    n = len(pairs)
    key_start = 7 * 4 + 16 * n
    ids_blob = b"".join(i + b"\0" for i in ids)
    value_start = key_start + len(ids_blob)
    offsets = []
    pos = 0
    for i in ids:
        offsets.append((len(i), key_start + pos))
        pos += len(i) + 1
    voffsets = []
    pos = 0
    for s in strs:
        voffsets.append((len(s), value_start + pos))
        pos += len(s) + 1
    out = struct.pack("<7I", 0x950412DE, 0, n, 28, 28 + 8 * n, 0, 0)
    out += b"".join(struct.pack("<2I", *o) for o in offsets)
    out += b"".join(struct.pack("<2I", *o) for o in voffsets)
    out += ids_blob + b"".join(s + b"\0" for s in strs)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    messages = extract()
    problems = []
    for lang in LANGS:
        po = LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        mo = po.with_suffix(".mo")
        old = read_po(po)
        if args.check:
            missing = [m for m in messages if not old.get(m)]
            if missing:
                problems.append(f"{po}: {len(missing)} untranslated, e.g. {missing[0]!r}")
            if not mo.exists() or mo.read_bytes() != compile_mo(old):
                problems.append(f"{mo}: stale, run scripts/update_catalogs.py")
            continue
        write_po(po, lang, messages, old)
        mo.write_bytes(compile_mo(read_po(po)))
    if not args.check:
        write_po(LOCALE / f"{DOMAIN}.pot", None, messages, {})
        print(f"{len(messages)} messages")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
