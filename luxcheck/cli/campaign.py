"""``luxcheck campaign init|import|export``: create a campaign file, move data in and out."""

from __future__ import annotations

import argparse
from pathlib import Path

from luxcheck.errors import EXIT_OK
from luxcheck.model import Campaign
from luxcheck.store import CampaignStore


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
    init.set_defaults(func=_init)


def _init(args: argparse.Namespace) -> int:
    campaign = Campaign(args.campaign_id, args.name, args.profile, args.client)
    CampaignStore.create(args.path, campaign).close()
    print(f"created campaign {campaign.campaign_id} in {args.path}")
    return EXIT_OK
