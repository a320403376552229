"""``luxcheck campaign init|import|export``: create a campaign file, move data in and out."""

from __future__ import annotations

import argparse
import contextlib
import os
from pathlib import Path

from luxcheck.cli.arguments import output_folder
from luxcheck.cli.campaign_central import central_commands
from luxcheck.cli.campaign_file import open_campaign
from luxcheck.errors import EXIT_OK
from luxcheck.journal.exchange import export_folder, import_folder, read_folder
from luxcheck.journal.store import CampaignStore
from luxcheck.model import Campaign


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``campaign`` command."""
    parser = sub.add_parser("campaign", help="create a campaign file; import or export its data")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True

    init = actions.add_parser("init", help="create an empty campaign file")
    init.add_argument("path", type=Path, help="campaign file to create (e.g. 2026-jiangsu.lux)")
    init.add_argument("--id", dest="campaign_id", required=True, help="campaign identifier")
    init.add_argument("--name", required=True, help="campaign name, printed on reports")
    init.add_argument(
        "--profile", default="cn-classroom", help="standards profile the campaign is judged against"
    )
    init.add_argument("--client", default="", help="client (e.g. the education bureau)")
    init.add_argument(
        "--laboratory",
        default="",
        help="id of the laboratory whose file this is (its sessions carry it; the bureau's "
        "dashboard shows and filters by it)",
    )
    init.set_defaults(func=_init)

    imp = actions.add_parser(
        "import",
        help="import a folder of campaign CSV files (all or nothing)",
        description="Import a folder of CSV files (layout: README, 'Campaign files'). The whole "
        "folder is checked first; a malformed file is rejected with its file, line and column "
        "and nothing is written. A missing campaign file is created from campaign.csv.",
    )
    imp.add_argument("folder", type=Path, help="folder with campaign.csv, schools.csv, ...")
    imp.add_argument(
        "--into",
        dest="store",
        type=Path,
        required=True,
        help="campaign file to import into (created if it does not exist)",
    )
    imp.set_defaults(func=_import)

    exp = actions.add_parser("export", help="export a campaign as a folder of CSV files")
    exp.add_argument("store", type=Path, help="campaign file")
    exp.add_argument("--out", type=Path, required=True, help="folder to write (new or empty)")
    exp.set_defaults(func=_export)

    merge = actions.add_parser(
        "merge",
        help="merge field files into one campaign (all or nothing)",
        description="Bring every record (schools, classrooms, instruments, sessions, readings and "
        "every other journalled record) of the FROM files into INTO. Records already there are "
        "not added twice; a record whose id is taken by one with other content is a conflict, "
        "reported with both versions, and then nothing is merged. Run 'luxcheck analyse' "
        "afterwards: metrics are recomputed, not merged.",
    )
    merge.add_argument("into", type=Path, help="campaign file to merge into")
    merge.add_argument("sources", type=Path, nargs="+", metavar="FROM", help="field files")
    merge.set_defaults(func=_merge)
    central_commands(actions)


def _init(args: argparse.Namespace) -> int:
    campaign = Campaign(
        args.campaign_id, args.name, args.profile, args.client, laboratory=args.laboratory
    )
    CampaignStore.create(args.path, campaign).close()
    print(f"created campaign {campaign.campaign_id} in {args.path}")
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    target: Path = args.store
    if target.exists():
        with open_campaign(target) as store:
            plan = import_folder(store, args.folder)
    else:
        # A new campaign file is built beside the target and renamed into place only when the
        # whole import succeeded: a failed import leaves no file behind.
        plan = read_folder(args.folder)
        partial = target.with_name(f".{target.name}.importing-{os.getpid()}")
        try:
            with CampaignStore.create(partial, plan.campaign) as store:
                import_folder(store, args.folder, plan)
            os.replace(partial, target)
        finally:
            for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
                with contextlib.suppress(FileNotFoundError):
                    leftover.unlink()
    added = ", ".join(f"{n} {what}" for what, n in plan.new_counts.items() if n)
    known = ", ".join(f"{n} {what}" for what, n in plan.known_counts.items() if n)
    print(
        f"imported into {target}: {added or 'nothing'} new"
        + (f"; already stored (unchanged): {known}" if known else "")
        + "".join(f"; campaign {name} (was empty) set to {v!r}" for name, v in plan.filled.items())
    )
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    output_folder(args.out)
    with open_campaign(args.store) as store:
        counts = export_folder(store, args.out)
    summary = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())) or "no readings"
    print(f"exported {args.store} to {args.out}: {summary}")
    return EXIT_OK


def _merge(args: argparse.Namespace) -> int:
    from luxcheck.journal.merge import merge_into

    with open_campaign(args.into) as store:
        report = merge_into(store, args.sources)
    for line in report.lines():
        print(line)
    print(f"merged into {args.into}; run 'luxcheck analyse {args.into}' to recompute its metrics")
    return EXIT_OK
