"""Judge a whole campaign: stored metrics → verdicts per classroom → campaign roll-up.

The profile is the campaign's (``Campaign.profile``); each classroom is judged for its room
type with the reasons of its not-measured metrics, and the results are folded into the
campaign roll-up (:func:`luxcheck.compliance.engine.campaign_rollup`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from luxcheck.compliance.engine import (
    CampaignRollup,
    RoomResult,
    campaign_rollup,
    evaluate,
    room_result,
)
from luxcheck.compliance.verdict import Verdict
from luxcheck.journal.store import CampaignStore
from luxcheck.model import Classroom

#: Metrics whose expanded uncertainty follows from an instrument's relative uncertainty
#: (instrument kind → metric ids). Other metrics carry no uncertainty into the guarded rule
#: (their instruments' stated uncertainty is not an uncertainty of the derived quantity).
UNCERTAINTY_FROM = {
    "illuminance": (
        "desk_illuminance_mean_lx",
        "desk_illuminance_min_lx",
        "board_illuminance_mean_lx",
        "board_illuminance_min_lx",
    ),
    "power": ("lpd_w_per_m2",),
}


def measurement_uncertainty(
    store: CampaignStore, classroom_id: str, values: Mapping[str, float | str | None]
) -> dict[str, float]:
    """Expanded uncertainty U (absolute, in the metric's unit) of a classroom's metrics from
    the calibration data of the instruments of all its sessions (U = U_rel × value).

    A classroom measured over several sessions (a revisit without the lux meter, say) keeps
    the uncertainty of the instrument that took the readings; where sessions used different
    instruments of one kind, the largest U_rel is taken, so the guard band is never narrower
    than any instrument's."""
    relative: dict[str, float] = {}
    for session in store.sessions(classroom_id):
        for instrument_id in session.instrument_ids:
            instrument = store.instrument(instrument_id)
            if instrument is not None and instrument.kind in UNCERTAINTY_FROM:
                u_rel = instrument.expanded_uncertainty_percent / 100.0
                relative[instrument.kind] = max(u_rel, relative.get(instrument.kind, 0.0))
    out: dict[str, float] = {}
    for kind, metric_ids in UNCERTAINTY_FROM.items():
        if kind not in relative:
            continue
        for metric_id in metric_ids:
            value = values.get(metric_id)
            if isinstance(value, float):
                out[metric_id] = abs(value) * relative[kind]
    return out


@dataclass(frozen=True)
class JudgedRoom:
    """One classroom with its verdicts and overall result."""

    classroom: Classroom
    verdicts: tuple[Verdict, ...]
    result: RoomResult


#: Metrics whose judged value is declared in the classroom record (the luminaires' blue-light
#: risk group as assessed under IEC 62471 / IEC TR 62778, GB 40070-2021), not derived from the
#: field readings: metric id → the Classroom field.
DECLARED = {
    "blue_light_risk_group": "luminaire_risk_group",
    "board_blue_light_risk_group": "board_luminaire_risk_group",
}


def judge_room(
    store: CampaignStore,
    classroom: Classroom,
    *,
    profile: str | None = None,
    standards_dir: Path | None = None,
    decision_rule: str | None = None,
) -> JudgedRoom:
    """Evaluate one classroom's stored metrics against the profile (default: the campaign's).

    The instruments' expanded uncertainties are passed along; the guarded decision rule (the
    profile's, or ``decision_rule``) uses them. The classroom record gives the luminaires'
    technology and their assessed blue-light risk groups (:data:`DECLARED`).
    """
    values, reasons = store.metrics(classroom.classroom_id)
    verdicts = evaluate(
        values,
        profile or store.campaign.profile,
        classroom.room_type,
        reasons=reasons,
        standards_dir=standards_dir,
        uncertainty=measurement_uncertainty(store, classroom.classroom_id, values),
        decision_rule=decision_rule,
        technology=classroom.luminaire_technology,
        declared={metric: getattr(classroom, field) for metric, field in DECLARED.items()},
    )
    return JudgedRoom(classroom, tuple(verdicts), room_result(verdicts))


def judge_campaign(
    store: CampaignStore,
    *,
    profile: str | None = None,
    standards_dir: Path | None = None,
    classroom_ids: Iterable[str] | None = None,
    decision_rule: str | None = None,
) -> tuple[list[JudgedRoom], CampaignRollup]:
    """Judge every classroom (or the given ones) and roll the results up."""
    wanted = set(classroom_ids) if classroom_ids is not None else None
    judged = [
        judge_room(
            store, room, profile=profile, standards_dir=standards_dir, decision_rule=decision_rule
        )
        for room in store.classrooms()
        if wanted is None or room.classroom_id in wanted
    ]
    rollup = campaign_rollup(
        (j.classroom.school_id, j.classroom.classroom_id, j.result) for j in judged
    )
    return judged, rollup
