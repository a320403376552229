"""Judge a whole campaign: stored metrics → verdicts per classroom → campaign roll-up.

The profile is the campaign's (``Campaign.profile``); each classroom is judged for its room
type with the reasons of its not-measured metrics, and the results are folded into the
campaign roll-up (:func:`luxcheck.compliance.campaign_rollup`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from luxcheck.compliance import CampaignRollup, RoomResult, campaign_rollup, evaluate, room_result
from luxcheck.model import Classroom
from luxcheck.store import CampaignStore
from luxcheck.verdict import Verdict


@dataclass(frozen=True)
class JudgedRoom:
    """One classroom with its verdicts and overall result."""

    classroom: Classroom
    verdicts: tuple[Verdict, ...]
    result: RoomResult


def judge_room(
    store: CampaignStore,
    classroom: Classroom,
    *,
    profile: str | None = None,
    standards_dir: Path | None = None,
) -> JudgedRoom:
    """Evaluate one classroom's stored metrics against the profile (default: the campaign's)."""
    values, reasons = store.metrics(classroom.classroom_id)
    verdicts = evaluate(
        values,
        profile or store.campaign.profile,
        classroom.room_type,
        reasons=reasons,
        standards_dir=standards_dir,
    )
    return JudgedRoom(classroom, tuple(verdicts), room_result(verdicts))


def judge_campaign(
    store: CampaignStore,
    *,
    profile: str | None = None,
    standards_dir: Path | None = None,
    classroom_ids: Iterable[str] | None = None,
) -> tuple[list[JudgedRoom], CampaignRollup]:
    """Judge every classroom (or the given ones) and roll the results up."""
    wanted = set(classroom_ids) if classroom_ids is not None else None
    judged = [
        judge_room(store, room, profile=profile, standards_dir=standards_dir)
        for room in store.classrooms()
        if wanted is None or room.classroom_id in wanted
    ]
    rollup = campaign_rollup(
        (j.classroom.school_id, j.classroom.classroom_id, j.result) for j in judged
    )
    return judged, rollup
