"""From a judged campaign to report data: the glue between compliance and the reports.

- :func:`report_context` turns a profile into what every report prints: the acceptance policy
  and decision rule (zh/en), the packs with a content version (the SHA-256 of each pack file,
  so the report digest changes when a threshold does), and the flicker limit curves drawn on
  the flicker chart (GB 40070 and IEEE 1789, from the standards data — never from code).
- :func:`classroom_reports` assembles :class:`luxcheck.report_model.ClassroomReportData` for
  every judged classroom, with the figure inputs the store alone cannot give (chromaticity,
  UGR observer positions, luminaire layout, the desk isolux surface).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

import numpy as np

from luxcheck import glare, grids
from luxcheck.analysis import room_glare
from luxcheck.errors import InputError
from luxcheck.judge import JudgedRoom
from luxcheck.model import IlluminanceReading
from luxcheck.report_model import (
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
from luxcheck.reporting import build_classroom_report
from luxcheck.standards import (
    DecisionRule,
    get_limit,
    get_profile,
    load_registry,
    profile_limits,
)
from luxcheck.store import CampaignStore

#: Flicker curves drawn on the flicker chart: limit id → (label zh, label en, advisory).
FLICKER_CURVES = {
    "gb40070.flicker-percent": ("GB 40070-2021 波动深度限值", "GB 40070-2021 limit", False),
    "ieee1789.low-risk": ("IEEE 1789 低风险", "IEEE 1789 low risk", True),
    "ieee1789.no-effect": ("IEEE 1789 无影响", "IEEE 1789 no observable effect", True),
}


def _curve(limit_id: str, standards_dir: Path | None) -> LimitCurve | None:
    limit = get_limit(limit_id, standards_dir)
    if limit.function is None:
        return None
    zh, en, advisory = FLICKER_CURVES[limit_id]
    xs = np.asarray(limit.function.x, dtype=float)
    ys = np.asarray(limit.function.y, dtype=float)
    # draw from 1 Hz (log axis) to the last break point, steps as drawn by the data
    keep = xs > 0
    xs = np.concatenate([[1.0], xs[keep]])
    ys = np.concatenate([[float(limit.function(1.0))], ys[keep]])
    return LimitCurve(zh, en, xs, ys, advisory=advisory)


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
    for limit in profile_limits(profile_id, standards_dir):
        std = registry.standard(limit.standard_id)
        if std.slug in seen:
            continue
        seen.add(std.slug)
        version = hashlib.sha256(std.path.read_bytes()).hexdigest()[:16]
        packs.append(PackRef(std.slug, version))
    profile_version = hashlib.sha256(profile.path.read_bytes()).hexdigest()[:16]
    packs.append(PackRef(f"profile:{profile.id}", profile_version))
    curves = tuple(c for c in (_curve(i, standards_dir) for i in FLICKER_CURVES) if c)
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
            flicker_limits=context.flicker_limits,
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
