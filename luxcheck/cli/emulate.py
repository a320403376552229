"""``luxcheck emulate MODEL``: serve a meter emulator on a pseudo-terminal until killed.

Prints ``serving MODEL on /dev/pts/N`` (again after each simulated reconnect), then serves until
SIGINT or SIGTERM. Options are the ``emu://`` URL options: ``--set lux=512``,
``--fault bad-bcc``; ``--link PATH`` keeps a symlink pointing at the current pty.
"""

from __future__ import annotations

import argparse
import signal
import sys
import textwrap
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from luxcheck.errors import EXIT_OK, InputError

if TYPE_CHECKING:
    from luxcheck.drivers.emulators import Emulator


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``emulate`` command."""
    from luxcheck.drivers.emulators import EMULATORS

    parser = sub.add_parser(
        "emulate",
        help="serve a meter emulator on a pseudo-terminal (prints the port)",
        epilog=_models_help(EMULATORS),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("model", choices=tuple(EMULATORS), help="meter model")
    parser.add_argument("--fault", action="append", default=[], help="fault to inject (repeatable)")
    parser.add_argument(
        "--set",
        dest="settings",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="emulator option, e.g. lux=512 or time_scale=0.1 (repeatable)",
    )
    parser.add_argument("--link", type=Path, help="keep a symlink at PATH pointing at the pty")
    parser.set_defaults(func=_emulate)


def _models_help(emulators: Mapping[str, type[Emulator]]) -> str:
    """Get the --set options and --fault names of each model, as its emulator declares them."""
    from luxcheck.drivers.emulators.base import COMMON_PARAMS

    def fill(head: str, names: Iterable[str]) -> str:
        return textwrap.fill(
            f"{head}: {', '.join(sorted(names))}",
            width=88,
            subsequent_indent=" " * 6,
            break_on_hyphens=False,
        )

    lines = [fill("  --set for every model", COMMON_PARAMS)]
    for model, cls in emulators.items():
        lines.append(fill(f"  {model} --set", cls.PARAMS))
        lines.append(fill(f"  {model} --fault", cls.FAULTS))
    return "\n".join(lines)


def _emulate(args: argparse.Namespace) -> int:
    from luxcheck.drivers.emulators.pty_runner import PtyEmulator

    params: dict[str, object] = {}
    for item in args.settings:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InputError(f"expected KEY=VALUE, got {item!r}", column="--set")
        params[key] = value
    if args.fault:
        params["fault"] = list(args.fault)

    def announce(path: str) -> None:
        print(f"serving {args.model} on {path}", flush=True)

    try:
        server = PtyEmulator(args.model, params, link=args.link, announce=announce)
    except ValueError as exc:
        raise InputError(str(exc), column="--set/--fault") from None

    def _stop(signum: int, frame: FrameType | None) -> None:
        server.stop_event.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        server.run()
    except OSError as exc:
        if args.link is None or not _about(exc, args.link):
            raise
        raise InputError(_link_problem(args.link, exc), column="--link") from None
    print(f"stopped {args.model}", file=sys.stderr)
    return EXIT_OK


def _about(exc: OSError, link: Path) -> bool:
    """Get whether ``exc`` was raised making the symlink ``link`` (or its ``.tmp`` stand-in)."""
    names = {str(link), str(link.with_name(link.name + ".tmp"))}
    return bool({str(exc.filename), str(exc.filename2)} & names)


def _link_problem(link: Path, exc: OSError) -> str:
    """Say why the symlink ``link`` cannot be made, in one line."""
    if not link.parent.is_dir():
        return f"cannot make the symlink {link}: the folder {link.parent} does not exist"
    return f"cannot make the symlink {link}: {exc.strerror or exc}"
