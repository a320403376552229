"""From a judged campaign to report data: the glue between compliance and the reports.

Assembly only reads what was stored — readings, the analysis' metrics and figure data (the UGR
at each observer, the luminaire layout, the desk-plane surface) — and never runs a kernel.

- :func:`report_context` turns a profile into what every report prints: the acceptance policy
  and decision rule (zh/en), the packs with a content version (the SHA-256 of each pack file,
  so the report digest changes when a threshold does), and, per room type, the flicker limit
  curves drawn on the flicker chart: the profile's percent-flicker limits that are functions
  of the flicker frequency and apply to that room type (from the standards data, never a list
  in code).
- :func:`build_classroom_report` assembles one classroom's
  :class:`luxcheck.report.model.ClassroomReportData` from the store, its verdicts and result.
- :func:`classroom_reports` does so for every judged classroom, adding the chromaticity point
  and the flicker limit curves of the profile.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from luxcheck.analysis.sessions import resolve
from luxcheck.compliance.engine import room_result
from luxcheck.compliance.judge import JudgedRoom
from luxcheck.compliance.packs import get_profile, load_registry, profile_limits
from luxcheck.compliance.schema import DecisionRule, Limit
from luxcheck.compliance.verdict import Verdict
from luxcheck.journal.session_records import MetricSource, SessionVoid
from luxcheck.journal.store import CampaignStore
from luxcheck.model import (
    ROOM_TYPES,
    AnyReading,
    Campaign,
    IlluminanceReading,
    Instrument,
    MeasurementSession,
    School,
    SpectrumReading,
    WaveformReading,
)
from luxcheck.report.format import as_number
from luxcheck.report.model import (
    ChromaticityPoint,
    ClassroomReportData,
    CriData,
    FigureInputs,
    FlickerPoint,
    GridSurface,
    LimitCurve,
    PackRef,
    PlanePoints,
    PolicyStatement,
    ReportContext,
    ResultSource,
    RetestedResult,
    RetestHistory,
    RoomOutcome,
    SpectrumData,
    StandardRef,
    UgrObserver,
    WaveformExcerpt,
)
from luxcheck.report.provenance import digest

#: Length of the waveform excerpt drawn from a stored record [s] (a few mains periods), and
#: the fewest samples drawn.
WAVEFORM_EXCERPT_S = 0.05
WAVEFORM_EXCERPT_MIN_SAMPLES = 200


@dataclass(frozen=True)
class CampaignRecords:
    """What every classroom report of a campaign reads alike (the campaign, its schools and
    instruments, the withdrawn sessions and the superseded readings), read once for many
    classrooms (:meth:`read`)."""

    campaign: Campaign
    schools: Mapping[str, School]
    instruments: tuple[Instrument, ...]
    voided: Mapping[str, SessionVoid]
    superseded: frozenset[str]

    @classmethod
    def read(cls, store: CampaignStore) -> CampaignRecords:
        """The records as ``store`` holds them now."""
        return cls(
            store.campaign,
            {s.school_id: s for s in store.schools()},
            tuple(store.instruments()),
            store.session_voids(),
            frozenset(store.superseded_ids()),
        )


def build_classroom_report(
    store: CampaignStore,
    classroom_id: str,
    verdicts: Sequence[Verdict],
    room_result: str | RoomOutcome,
    policy: PolicyStatement,
    *,
    profile_id: str,
    packs: Sequence[PackRef],
    figures: FigureInputs | None = None,
    issued_on: dt.date | None = None,
    first_verdicts: Sequence[Verdict] | None = None,
    records: CampaignRecords | None = None,
    stored: tuple[dict[str, float | str | None], dict[str, str]] | None = None,
) -> ClassroomReportData:
    """Assemble a classroom report from the store, the verdicts and the room result.

    Parameters
    ----------
    store
        The campaign.
    classroom_id
        Which classroom.
    verdicts
        From :func:`luxcheck.compliance.engine.evaluate` for this classroom.
    room_result
        The overall result (``'pass' | 'fail' | 'incomplete'`` or a ready
        :class:`RoomOutcome`); checked against the verdicts.
    policy
        The profile's acceptance policy and decision rule texts.
    profile_id, packs
        The profile and the packs (with versions) the verdicts came from.
    figures
        Figure inputs of the caller (chromaticity, flicker limit curves, ...). Parts it leaves
        empty are taken from the store: desk and board points (current lights-on readings), the
        first spectrum and waveform, the CRI bars and the flicker point from the stored
        metrics, and the analysis' figure data (desk-plane surface, UGR at each observer,
        luminaire layout).
    issued_on
        Report date (default: today). Not part of the content key for re-rendering.
    first_verdicts
        For a re-tested classroom, the verdicts of its first test
        (:attr:`luxcheck.compliance.judge.JudgedRoom.first_verdicts`): the report then says
        it is a re-test and shows the re-tested requirements side by side.
    records, stored
        What the caller read from ``store`` already: the campaign's shared records
        (:class:`CampaignRecords`) and the classroom's stored metrics and reasons
        (:meth:`CampaignStore.metrics`); None: read here.

    The sessions and readings are those of the resolution rule
    (:mod:`luxcheck.analysis.sessions`): voided sessions are left out, and each quantity's
    figures show the readings of the session its results come from.
    """
    shared = records if records is not None else CampaignRecords.read(store)
    room = store.classroom(classroom_id)
    school = shared.schools[room.school_id]
    voided = shared.voided
    all_sessions = store.sessions(classroom_id)
    sessions = tuple(s for s in all_sessions if s.session_id not in voided)
    current, raw = store.readings_with_rows(classroom_id, shared.superseded)
    resolved = resolve(current, all_sessions, voided).readings
    wanted = {iid for s in sessions for iid in s.instrument_ids}
    instruments = tuple(i for i in shared.instruments if i.instrument_id in wanted)
    metrics, reasons = stored if stored is not None else store.metrics(classroom_id)
    verdict_tuple = tuple(verdicts)
    outcome = (
        room_result
        if isinstance(room_result, RoomOutcome)
        else RoomOutcome.from_verdicts(room_result, verdict_tuple)
    )
    merged = _merge_figures(_figures_from_store(store, classroom_id, metrics, resolved), figures)
    metric_sources = store.metric_sources(classroom_id)
    by_session: dict[str, list[str]] = {}
    for metric_id, source in sorted(metric_sources.items()):
        by_session.setdefault(source.session_id, []).append(metric_id)
    sources = tuple(
        ResultSource(s, tuple(by_session[s.session_id]))
        for s in sessions
        if s.session_id in by_session
    )
    return ClassroomReportData(
        campaign=shared.campaign,
        school=school,
        classroom=room,
        sessions=sessions,
        instruments=instruments,
        verdicts=verdict_tuple,
        outcome=outcome,
        metrics=metrics,
        reasons=reasons,
        policy=policy,
        profile_id=profile_id,
        packs=tuple(packs),
        digest=digest(raw, packs),
        raw_reading_count=len(raw),
        figures=merged,
        issued_on=issued_on or dt.date.today(),
        sources=sources,
        retest=_retest_history(sessions, metric_sources, verdict_tuple, first_verdicts),
    )


def _retest_history(
    sessions: Sequence[MeasurementSession],
    sources: Mapping[str, MetricSource],
    verdicts: Sequence[Verdict],
    first_verdicts: Sequence[Verdict] | None,
) -> RetestHistory | None:
    """The re-test history of a classroom whose results come partly from a re-test."""
    if first_verdicts is None:
        return None
    used = {source.session_id for source in sources.values()}
    retests = tuple(s for s in sessions if s.kind == "retest" and s.session_id in used)
    firsts = [s for s in sessions if s.kind == "first"] or list(sessions)
    if not retests or not firsts:
        return None
    first_by_requirement = {v.requirement_id: v for v in first_verdicts}
    results = tuple(
        RetestedResult(
            first_by_requirement[v.requirement_id],
            sources[v.metric].first_session_id or "",
            v,
            sources[v.metric].session_id,
        )
        for v in verdicts
        if v.metric in sources
        and sources[v.metric].retested
        and v.requirement_id in first_by_requirement
    )
    return RetestHistory(
        min(s.started_at for s in firsts).date(),
        room_result(first_verdicts).status,
        retests,
        results,
    )


def _figures_from_store(
    store: CampaignStore,
    classroom_id: str,
    metrics: Mapping[str, float | str | None],
    readings: Sequence[AnyReading],
) -> FigureInputs:
    desk: list[tuple[float, float, float]] = []
    board: list[tuple[float, float, float]] = []
    for reading in readings:
        if not isinstance(reading, IlluminanceReading) or not reading.lights_on:
            continue
        target = (
            desk if reading.surface == "desk" else board if reading.surface == "board" else None
        )
        if target is not None:
            target.append((reading.x_m, reading.y_m, reading.illuminance_lx))
    spectrum = None
    spectra = [r for r in readings if isinstance(r, SpectrumReading)]
    if spectra:
        first = spectra[0]
        spectrum = SpectrumData(
            np.asarray(first.wavelength_nm, dtype=float),
            np.asarray(first.values, dtype=float),
            first.unit,
        )
    waveform = None
    waves = [r for r in readings if isinstance(r, WaveformReading)]
    if waves:
        w = waves[0]
        count = max(WAVEFORM_EXCERPT_MIN_SAMPLES, round(WAVEFORM_EXCERPT_S * w.sample_rate_hz))
        excerpt = np.asarray(w.samples[:count], dtype=float) - w.dark_level
        waveform = WaveformExcerpt(excerpt, w.sample_rate_hz, w.duration_s, w.unit)
    cri = None
    ri = [as_number(metrics.get(f"cri_r{i}")) for i in range(1, 15)]
    if any(math.isfinite(v) for v in ri):
        cri = CriData(as_number(metrics.get("cri_ra")), np.array(ri))
    flicker = None
    f_hz = as_number(metrics.get("flicker_frequency_hz"))
    f_pc = as_number(metrics.get("flicker_percent"))
    if math.isfinite(f_hz) and math.isfinite(f_pc):
        flicker = FlickerPoint(f_hz, f_pc)
    surface = store.figure_surface(classroom_id, "desk")
    return FigureInputs(
        desk=_plane(desk),
        desk_surface=GridSurface(*surface) if surface is not None else None,
        board=_plane(board),
        spectrum=spectrum,
        cri=cri,
        waveform=waveform,
        flicker_point=flicker,
        ugr_observers=tuple(
            UgrObserver(label, x, y, ugr)
            for label, x, y, ugr in store.figure_points(classroom_id, "ugr_observer")
        ),
        luminaires_m=tuple((x, y) for _, x, y, _ in store.figure_points(classroom_id, "luminaire")),
    )


def _plane(points: list[tuple[float, float, float]]) -> PlanePoints | None:
    if not points:
        return None
    array = np.asarray(points, dtype=float)
    return PlanePoints(array[:, 0], array[:, 1], array[:, 2])


def _merge_figures(base: FigureInputs, extra: FigureInputs | None) -> FigureInputs:
    if extra is None:
        return base
    changes = {
        f.name: getattr(extra, f.name)
        for f in dataclasses.fields(FigureInputs)
        if getattr(extra, f.name) not in (None, ())
    }
    return dataclasses.replace(base, **changes)


def _curve(limit: Limit, named_by_clause: bool) -> LimitCurve:
    function = limit.function
    assert function is not None
    xs = np.asarray(function.x, dtype=float)
    ys = np.asarray(function.y, dtype=float)
    # draw from 1 Hz (log axis) to the last break point, steps as drawn by the data
    keep = xs > 0
    xs = np.concatenate([[1.0], xs[keep]])
    ys = np.concatenate([[float(function(1.0))], ys[keep]])
    return LimitCurve(
        limit.standard_id,
        xs,
        ys,
        advisory=limit.obligation != "shall",
        clause=limit.clause if named_by_clause else "",
        clause_zh=limit.clause_zh if named_by_clause else "",
    )


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
    return tuple(_curve(limit, per_pack[limit.standard] > 1) for limit in chosen)


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
    statement = PolicyStatement(acceptance_policy=policy.describe(), decision_rule=rule.describe())
    packs = []
    basis = []
    seen = set()
    limits = profile_limits(profile_id, standards_dir)
    for limit in limits:
        std = registry.standard(limit.standard_id)
        if std.slug in seen:
            continue
        seen.add(std.slug)
        version = hashlib.sha256(std.path.read_bytes()).hexdigest()[:16]
        packs.append(PackRef(std.slug, version))
        basis.append(StandardRef(std.id, std.title_zh, std.title))
    profile_version = hashlib.sha256(profile.path.read_bytes()).hexdigest()[:16]
    packs.append(PackRef(f"profile:{profile.id}", profile_version))
    curves = {room_type: flicker_curves(limits, room_type) for room_type in ROOM_TYPES}
    return ReportContext(profile.id, statement, tuple(packs), curves, rule.rule, tuple(basis))


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


def classroom_reports(
    store: CampaignStore,
    judged: Iterable[JudgedRoom],
    context: ReportContext | None = None,
    records: CampaignRecords | None = None,
) -> Iterator[ClassroomReportData]:
    """Report data of every judged classroom, under ``context`` (:func:`report_context`,
    resolved once by the caller from the profile and decision rule the rooms were judged by;
    default: the campaign's profile and its own decision rule); ``records``: the campaign's
    shared records if the caller has them (:meth:`CampaignRecords.read`)."""
    if context is None:
        context = report_context(store.campaign.profile)
    shared = records if records is not None else CampaignRecords.read(store)
    for room in judged:
        values, reasons = store.metrics(room.classroom.classroom_id)
        figures = FigureInputs(
            chromaticity=_chromaticity(values),
            flicker_limits=context.flicker_limits.get(room.classroom.room_type, ()),
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
            first_verdicts=room.first_verdicts,
            records=shared,
            stored=(values, reasons),
        )
