"""The ``luxcheck`` command: a thin layer of subcommands over library functions.

Each subcommand lives in its own module of this package and exposes ``register(subparsers)``,
which adds its parser and sets ``func`` to a callable ``(args) -> int``. Exit codes (the
README's "Exit codes"): 0 ok, 1 a check failed, 2 bad input or usage, 3 device error, 4 a
report run could not report some classroom (the others were written).
"""

from __future__ import annotations

import argparse
import importlib
import sqlite3
import sys
from collections.abc import Sequence
from typing import Any

from luxcheck.errors import EXIT_BAD_INPUT, LuxcheckError

#: Subcommand modules, in the order their commands are listed by ``luxcheck --help``.
COMMAND_MODULES: tuple[str, ...] = (
    "luxcheck.cli.demo",
    "luxcheck.cli.campaign",
    "luxcheck.cli.measure",
    "luxcheck.cli.session",
    "luxcheck.cli.analyse",
    "luxcheck.cli.report",
    "luxcheck.cli.verify",
    "luxcheck.cli.standards",
    "luxcheck.cli.meter",
    "luxcheck.cli.emulate",
)


class _Parser(argparse.ArgumentParser):
    """argparse exits with 2 on usage errors already; keep its message but add the hint."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


class _VersionAction(argparse.Action):
    """``--version``: the installed version, read only when asked (reading the package
    metadata costs about 50 ms that other commands need not pay)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        kwargs.setdefault("help", "show the program's version number and exit")
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> None:
        import luxcheck

        print(f"luxcheck {luxcheck.__version__}")
        parser.exit()


def _modules_for(argv: Sequence[str]) -> tuple[str, ...]:
    """The subcommand modules a command line needs: only its command's module when it names
    one (each module imports its stages, so `luxcheck meter read` starts without the report
    stage), none for a bare ``--version``, every one otherwise (help, usage errors)."""
    for token in argv:
        if token == "--version":
            return ()
        if not token.startswith("-"):
            named = tuple(m for m in COMMAND_MODULES if m.rpartition(".")[2] == token)
            return named or COMMAND_MODULES
        if token not in ("-h", "--help"):
            break
    return COMMAND_MODULES


def build_parser(modules: Sequence[str] = COMMAND_MODULES) -> argparse.ArgumentParser:
    """Build the argument parser with the subcommands of ``modules`` (by default all)."""
    parser = _Parser(
        prog="luxcheck",
        description="Classroom-lighting acceptance testing: meter to verdict to report.",
    )
    parser.add_argument("--version", action=_VersionAction, dest=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name in modules:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    if argv is None:
        argv = sys.argv[1:]
    parser = build_parser(_modules_for(argv))
    args = parser.parse_args(argv)
    try:
        code = args.func(args)
    except LuxcheckError as exc:
        print(f"luxcheck: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except sqlite3.DatabaseError as exc:
        # a damage the check on opening could not see (CampaignStore.open refuses the rest)
        print(f"luxcheck: error: the campaign file is damaged ({exc})", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):  # output piped into e.g. `head`, which stopped
            sys.stderr.close()
            return 0
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"luxcheck: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("luxcheck: interrupted", file=sys.stderr)
        return 130
    return int(code)


def entry() -> None:  # pragma: no cover - console-script shim
    sys.exit(main())
