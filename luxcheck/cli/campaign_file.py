"""Opening a campaign file from the command line: one path for every command.

:meth:`~luxcheck.journal.store.CampaignStore.open` checks the file (refusing a damaged one with
exit 2, nothing written); the metric ranges of the vocabulary are passed along so that a
computed value outside its possible range becomes a located problem of its classroom
(not measured, with the reason) instead of stopping the whole campaign.
"""

from __future__ import annotations

from pathlib import Path

from luxcheck.journal.store import CampaignStore
from luxcheck.vocabulary import metric_bounds


def open_campaign(path: str | Path) -> CampaignStore:
    """Open (and check) a campaign file for a command."""
    return CampaignStore.open(path, bounds=metric_bounds)
