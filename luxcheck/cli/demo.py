"""``luxcheck demo``: the whole product on a synthetic campaign, no hardware needed."""

from __future__ import annotations

import argparse
from pathlib import Path

from luxcheck.cli.arguments import output_folder, whole, whole_at_least_one
from luxcheck.errors import EXIT_OK
from luxcheck.i18n import LANGUAGES


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``demo`` command."""
    p = sub.add_parser(
        "demo",
        help="run a synthetic campaign end to end (no hardware needed)",
        description="Plan N classrooms in about N/25 schools with realistic defects, measure "
        "them with simulated inspectors through the emulated meters (the first classroom over "
        "emu://, the second over a pseudo-terminal, the rest through the emulators' fast "
        "in-process path), analyse, judge and report. Prints only what it computed.",
    )
    p.add_argument("--classrooms", type=whole, default=1000, help="number of classrooms")
    p.add_argument("--seed", type=whole, default=2026, help="random seed of the campaign plan")
    p.add_argument("--out", type=Path, default=Path("demo-out"), help="output folder")
    p.add_argument("--lang", choices=sorted(LANGUAGES), default="zh", help="report language")
    p.add_argument(
        "--no-pty",
        action="store_true",
        help="skip the pseudo-terminal classroom (systems without ptys)",
    )
    p.add_argument("--no-reports", action="store_true", help="stop after the analysis")
    p.add_argument("--pdf", action="store_true", help="also render PDF reports")
    p.add_argument("--jobs", type=whole, default=None, help="worker processes (measuring, reports)")
    p.add_argument(
        "--lab",
        type=Path,
        default=None,
        help="laboratory profile that issues the reports (default: the fictitious demo lab)",
    )
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from luxcheck.demo.runner import run_demo

    whole_at_least_one(args.classrooms, "--classrooms")
    whole_at_least_one(args.jobs, "--jobs")
    output_folder(args.out)
    run_demo(
        args.out,
        n_classrooms=args.classrooms,
        seed=args.seed,
        lang=args.lang,
        use_pty=not args.no_pty,
        reports=not args.no_reports,
        pdf=args.pdf,
        jobs=args.jobs,
        lab_path=args.lab,
    )
    return EXIT_OK
