"""``luxcheck analyse CAMPAIGN``: compute every metric of every classroom and store them."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from luxcheck.analysis.campaign import analyse_campaign
from luxcheck.cli.arguments import whole, whole_at_least_one
from luxcheck.cli.campaign_file import open_campaign
from luxcheck.errors import EXIT_OK


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``luxcheck analyse CAMPAIGN``."""
    parser.add_argument("campaign", type=Path, help="campaign file")
    parser.add_argument(
        "--force",
        action="store_true",
        help="recompute every classroom (default: only changed ones)",
    )
    parser.add_argument(
        "--classroom",
        action="append",
        default=None,
        metavar="ID",
        help="analyse only this classroom (repeatable)",
    )
    parser.add_argument(
        "--jobs", type=whole, default=None, help="worker processes (default: the machine's cores)"
    )


def run(args: argparse.Namespace) -> int:
    """Analyse the campaign and print what was done."""
    whole_at_least_one(args.jobs, "--jobs")
    start = time.perf_counter()
    with open_campaign(args.campaign) as store:
        summary = analyse_campaign(
            store, force=args.force, classroom_ids=args.classroom, jobs=args.jobs
        )
    print(
        f"analysed {summary.analysed} of {summary.rooms} classrooms "
        f"({summary.unchanged} unchanged since their last analysis) "
        f"in {time.perf_counter() - start:.1f} s"
    )
    return EXIT_OK
