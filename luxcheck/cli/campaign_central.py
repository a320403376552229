"""``luxcheck campaign push FILE URL`` and ``luxcheck campaign pull URL FILE``: the central
PostgreSQL store (:mod:`luxcheck.journal.central`). The URL names the server and database;
credentials come from libpq's environment (``PGPASSWORD``, ``~/.pgpass``, ``PGSERVICEFILE``),
never from the command line."""

from __future__ import annotations

import argparse
from pathlib import Path

from luxcheck.cli.arguments import whole_at_least_one
from luxcheck.cli.campaign_file import open_campaign
from luxcheck.errors import EXIT_OK

_URL_HELP = (
    "postgresql://HOST[:PORT]/DATABASE (or postgresql:///?service=NAME); no password in it: "
    "give it through PGPASSWORD, ~/.pgpass or a service file"
)


def central_commands(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``campaign push`` and ``campaign pull``."""
    push = actions.add_parser(
        "push",
        help="send a campaign file's records to the central PostgreSQL store",
        description="Send every record not yet there to the central store, in committed "
        "batches, then publish them in one transaction. Records already there are not sent "
        "again; a record whose id is taken there by one with other content refuses the whole "
        "push (both versions are shown). After a dropped connection run the same command "
        "again: it resumes. The schema is created or updated by the command.",
    )
    push.add_argument("file", type=Path, help="campaign file")
    push.add_argument("url", help=_URL_HELP)
    push.add_argument(
        "--batch-rows", type=int, default=2000, help="records per committed batch (default 2000)"
    )
    push.set_defaults(func=_push)

    pull = actions.add_parser(
        "pull",
        help="copy a campaign (or some schools) from the central store into a campaign file",
        description="Write the campaign's records (of the given schools only, with --school) "
        "into FILE: a new file, or merged into an existing one with the rules of 'campaign "
        "merge'. Run 'luxcheck analyse FILE' afterwards: metrics are recomputed, not copied.",
    )
    pull.add_argument("url", help=_URL_HELP)
    pull.add_argument("file", type=Path, help="campaign file to write or merge into")
    pull.add_argument("--school", action="append", default=[], help="only this school (repeatable)")
    pull.add_argument(
        "--campaign", default=None, help="campaign id (needed when the store holds several)"
    )
    pull.set_defaults(func=_pull)


def _push(args: argparse.Namespace) -> int:
    from luxcheck.journal.central import check_url, push

    check_url(args.url)
    whole_at_least_one(args.batch_rows, "--batch-rows")
    with open_campaign(args.file) as store:
        report = push(store, args.url, batch_rows=args.batch_rows)
    for line in report.lines():
        print(line)
    return EXIT_OK


def _pull(args: argparse.Namespace) -> int:
    from luxcheck.journal.central import check_url, pull

    check_url(args.url)
    report = pull(args.url, args.file, schools=args.school, campaign_id=args.campaign)
    for line in report.lines():
        print(line)
    print(f"wrote {args.file}; run 'luxcheck analyse {args.file}' to compute its metrics")
    return EXIT_OK
