"""``luxcheck verify REPORT --campaign FILE``: recompute a report's SHA-256 from the store."""

from __future__ import annotations

import argparse
from pathlib import Path

from luxcheck.cli.campaign_file import open_campaign
from luxcheck.errors import EXIT_CHECK_FAILED, EXIT_OK
from luxcheck.report.provenance import verify_report


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``verify`` command."""
    parser = sub.add_parser(
        "verify",
        help="check a classroom report's SHA-256 against the campaign file",
        description="Recompute the SHA-256 over the classroom's raw readings and the pack "
        "versions the report names; exit 0 if it matches the report, 1 if not.",
    )
    parser.add_argument("report", type=Path, help="classroom report (HTML or PDF)")
    parser.add_argument("--campaign", type=Path, required=True, help="campaign file")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``luxcheck verify``."""
    with open_campaign(args.campaign) as store:
        result = verify_report(args.report, store)
    print(result.message)
    return EXIT_OK if result.ok else EXIT_CHECK_FAILED
