"""From a judged campaign to report data: the glue between compliance and the reports.

- :func:`report_context` turns a profile into what every report prints: the acceptance policy
  and decision rule (zh/en), the packs with a content version (the SHA-256 of each pack file,
  so the report digest changes when a threshold does), and, per room type, the flicker limit
  curves drawn on the flicker chart: the profile's percent-flicker limits that are functions
  of the flicker frequency and apply to that room type (from the standards data, never a list
  in code).
- :func:`classroom_reports` assembles :class:`luxcheck.report.model.ClassroomReportData` for
  every judged classroom, with the figure inputs the store alone cannot give (chromaticity,
  UGR observer positions, luminaire layout, the desk isolux surface).
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

import numpy as np

from luxcheck.analysis import glare, grids
from luxcheck.analysis.campaign import room_glare
from luxcheck.compliance.judge import JudgedRoom
from luxcheck.compliance.packs import get_profile, load_registry, profile_limits
from luxcheck.compliance.schema import DecisionRule, Limit
from luxcheck.errors import InputError
from luxcheck.journal.store import CampaignStore
from luxcheck.model import ROOM_TYPES, IlluminanceReading
from luxcheck.report.model import (
    ChromaticityPoint,
    ClassroomReportData,
    FigureInputs,
    GridSurface,
    LimitCurve,
    PackRef,
    PolicyStatement,
    ReportContext,
    UgrObserver,
)
from luxcheck.report.reporting import build_classroom_report


def _curve(limit: Limit, label_zh: str, label_en: str) -> LimitCurve:
    function = limit.function
    assert function is not None
    xs = np.asarray(function.x, dtype=float)
    ys = np.asarray(function.y, dtype=float)
    # draw from 1 Hz (log axis) to the last break point, steps as drawn by the data
    keep = xs > 0
    xs = np.concatenate([[1.0], xs[keep]])
    ys = np.concatenate([[float(function(1.0))], ys[keep]])
    return LimitCurve(label_zh, label_en, xs, ys, advisory=limit.obligation != "shall")


def flicker_curves(limits: Iterable[Limit], room_type: str) -> tuple[LimitCurve, ...]:
    """The flicker chart's limit curves for a room of ``room_type``: every given limit on
    ``flicker_percent`` that is a function of ``flicker_frequency_hz`` and applies to that room
    type, in the given (profile) order. Labelled by the pack's printed id, with the clause
    where one pack gives several curves; drawn as advisory unless a shall-requirement."""
    chosen = [
        limit
        for limit in limits
        if limit.metric == "flicker_percent"
        and limit.function is not None
        and limit.function.of == "flicker_frequency_hz"
        and limit.applies_to_room(room_type)
    ]
    per_pack = Counter(limit.standard for limit in chosen)
    curves = []
    for limit in chosen:
        zh, en = f"{limit.standard_id} 波动深度限值", f"{limit.standard_id} limit"
        if per_pack[limit.standard] > 1:
            zh += f"，{limit.clause_zh or limit.clause}"
            en += f", {limit.clause}"
        curves.append(_curve(limit, zh, en))
    return tuple(curves)


@lru_cache(maxsize=16)
def report_context(
    profile_id: str, standards_dir: Path | None = None, decision_rule: str | None = None
) -> ReportContext:
    """What every report of a profile prints about the rules it was judged by (the profile's
    decision rule, or ``decision_rule`` where the inspector overrode it)."""
    profile = get_profile(profile_id, standards_dir)
    registry = load_registry(standards_dir)
    policy = registry.acceptance(profile)
    rule = DecisionRule(decision_rule) if decision_rule else profile.decision  # type: ignore[arg-type]
    statement = PolicyStatement(
        acceptance_policy_zh=policy.describe("zh"),
        acceptance_policy_en=policy.describe("en"),
        decision_rule_zh=rule.describe("zh"),
        decision_rule_en=rule.describe("en"),
    )
    packs = []
    seen = set()
    limits = profile_limits(profile_id, standards_dir)
    for limit in limits:
        std = registry.standard(limit.standard_id)
        if std.slug in seen:
            continue
        seen.add(std.slug)
        version = hashlib.sha256(std.path.read_bytes()).hexdigest()[:16]
        packs.append(PackRef(std.slug, version))
    profile_version = hashlib.sha256(profile.path.read_bytes()).hexdigest()[:16]
    packs.append(PackRef(f"profile:{profile.id}", profile_version))
    curves = {room_type: flicker_curves(limits, room_type) for room_type in ROOM_TYPES}
    return ReportContext(profile.id, statement, tuple(packs), curves)


def _chromaticity(values: dict[str, float | str | None]) -> ChromaticityPoint | None:
    x, y = values.get("chromaticity_x"), values.get("chromaticity_y")
    cct, duv = values.get("cct_K"), values.get("duv")
    if not (isinstance(x, float) and isinstance(y, float) and math.isfinite(x + y)):
        return None
    return ChromaticityPoint(
        x,
        y,
        float(cct) if isinstance(cct, float) else math.nan,
        float(duv) if isinstance(duv, float) else math.nan,
    )


def _desk_surface(store: CampaignStore, judged: JudgedRoom) -> GridSurface | None:
    room = judged.classroom
    plan = grids.point_plan(room, "desk")
    readings = [
        r
        for r in store.readings(room.classroom_id, kind="illuminance")
        if isinstance(r, IlluminanceReading) and r.surface == "desk" and r.lights_on
    ]
    values = grids.values_from_readings(plan, readings)
    if not np.all(np.isfinite(values)) or plan.n_points < 4:
        return None
    xs, ys, grid = grids.isolux_surface(plan, values, 0.25)
    return GridSurface(xs, ys, grid)


def classroom_reports(
    store: CampaignStore,
    judged: Iterable[JudgedRoom],
    *,
    profile_id: str | None = None,
    standards_dir: Path | None = None,
    decision_rule: str | None = None,
) -> Iterator[ClassroomReportData]:
    """Report data of every judged classroom (the campaign's profile unless given)."""
    context = report_context(profile_id or store.campaign.profile, standards_dir, decision_rule)
    for room in judged:
        values, _ = store.metrics(room.classroom.classroom_id)
        layout = (
            glare.luminaire_layout(room.classroom)
            if (
                room.classroom.luminaire_mounting_height_m is not None
                and room.classroom.luminaire_count
            )
            else np.zeros((0, 3))
        )
        # the per-observer UGR of the room (the analysis stores only the worst one); readings
        # the kernel refuses leave the plan without values (the verdict gives the reason)
        try:
            ugr = room_glare(room.classroom, store.readings(room.classroom.classroom_id))
            per_observer = {o.observer.name: o.ugr for o in ugr.per_observer}
        except InputError:
            per_observer = {}
        observers = tuple(
            UgrObserver(o.name, o.x_m, o.y_m, per_observer.get(o.name, math.nan))
            for o in glare.standard_observers(room.classroom)
        )
        figures = FigureInputs(
            desk_surface=_desk_surface(store, room),
            chromaticity=_chromaticity(values),
            flicker_limits=context.flicker_limits.get(room.classroom.room_type, ()),
            ugr_observers=observers,
            luminaires_m=tuple((float(p[0]), float(p[1])) for p in layout),
        )
        yield build_classroom_report(
            store,
            room.classroom.classroom_id,
            list(room.verdicts),
            room.result.status,
            context.policy,
            profile_id=context.profile_id,
            packs=context.packs,
            figures=figures,
        )
