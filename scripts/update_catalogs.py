"""Extract, merge and compile the reports' gettext catalogs with Babel (a dev tool).

The same steps as ``pybabel`` by hand, with the project's ``babel.cfg`` (every Python module of
``luxcheck/``, whose reasons and notes are marked ``_n("msgid")`` where they are made
(:mod:`luxcheck.messages`), and the Jinja2 templates through Jinja2's Babel extractor)::

    pybabel extract -F babel.cfg -k _n --no-location --omit-header -o reports/locale/luxcheck.pot .
    pybabel update -i reports/locale/luxcheck.pot -d reports/locale -D luxcheck --no-fuzzy-matching
    pybabel compile -d reports/locale -D luxcheck

English is the source language, so the ``en`` catalog gets each message as its own translation.

Usage::

    .venv/bin/python scripts/update_catalogs.py [--check]

``--check`` changes nothing and exits 1 if a catalog lacks a translation of an extracted message
(so a producer that adds a message without its Chinese wording fails the test suite) or a
``.mo`` is not the compiled form of its ``.po``.
"""

from __future__ import annotations

import argparse
import datetime
import io
import sys
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "reports" / "locale"
DOMAIN = "luxcheck"
LANGS = ("zh_CN", "en")
#: The header date of every catalog: git, not the header, records when a catalog changed.
FIXED_DATE = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def pybabel(*args: str) -> None:
    """Run one ``pybabel`` command in the project folder (quietly)."""
    CommandLineInterface().run(["pybabel", "--quiet", *args])


def extract(pot: Path) -> Catalog:
    """Extract every message into ``pot`` and return it."""
    pybabel(
        "extract", "-F", str(ROOT / "babel.cfg"), "-k", "_n", "--no-location", "--omit-header",
        "--sort-output", "-o", str(pot), str(ROOT),
    )  # fmt: skip
    with pot.open("rb") as f:
        return read_po(f)


def _po(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def _read(path: Path, lang: str) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=lang)


def compiled(catalog: Catalog) -> bytes:
    """The ``.mo`` bytes of ``catalog``, as ``pybabel compile`` writes them."""
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def check() -> list[str]:
    """What is missing or stale, one line each."""
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        template = extract(Path(tmp) / f"{DOMAIN}.pot")
    for lang in LANGS:
        catalog = _read(_po(lang), lang)
        missing = [
            m.id
            for m in template
            if m.id and (m.id not in catalog or not catalog[m.id].string or catalog[m.id].fuzzy)
        ]
        if missing:
            problems.append(f"{_po(lang)}: {len(missing)} untranslated, e.g. {missing[0]!r}")
        mo = _po(lang).with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != compiled(catalog):
            problems.append(f"{mo}: stale, run scripts/update_catalogs.py")
    return problems


def update() -> int:
    """Extract, merge into each language (English filled with the ids), compile."""
    template = extract(LOCALE / f"{DOMAIN}.pot")
    pybabel(
        "update", "-i", str(LOCALE / f"{DOMAIN}.pot"), "-d", str(LOCALE), "-D", DOMAIN,
        "--no-fuzzy-matching", "--ignore-obsolete",
    )  # fmt: skip
    for lang in LANGS:
        catalog = _read(_po(lang), lang)
        if lang == "en":
            for message in catalog:
                if message.id and not message.string:
                    message.string = message.id
        # a header that says what the file is and does not change from run to run
        catalog.project, catalog.version = "luxcheck", ""
        catalog.msgid_bugs_address = catalog.last_translator = "luxcheck developers"
        catalog.language_team = f"luxcheck {lang}"
        catalog.creation_date = catalog.revision_date = FIXED_DATE
        with _po(lang).open("wb") as f:
            write_po(f, catalog, ignore_obsolete=True, sort_output=True)
    pybabel("compile", "-d", str(LOCALE), "-D", DOMAIN)
    return len([m for m in template if m.id])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    if args.check:
        problems = check()
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    print(f"{update()} messages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
