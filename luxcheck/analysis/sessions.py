"""Which session's readings count: the resolution rule for re-tests (复测) and voided sessions.

A classroom may be measured in several sessions: the first test, then re-tests after
rectification (整改), on the client's request or after a suspected error — a re-test may cover
only some quantities (only the desk grid after the luminaires were re-aimed). The rule, stated
in ``docs/sessions.md`` and the README ("How results are decided"):

    For each quantity, the readings of the latest valid session that measured it are used:
    the latest by start time among the classroom's sessions that are not voided and have a
    current reading of that quantity. The readings of that quantity from earlier sessions are
    kept in the file but not used.

A quantity is what one step group of the guided session measures (:func:`quantity`): the desk
grid, the blackboard grid, the spectrum (and the waveform) of the general luminaires or of the
blackboard lamps, the glare luminances, a power circuit, the mounting heights. Within one
session, two readings of the same point are still an error (correct one of them instead).

"First test" values are those the rule gives over the sessions of kind ``first`` alone; a
metric whose value comes from a ``retest`` session is *re-tested*, and the reports print both.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

from luxcheck.analysis.metrics import RoomMetrics
from luxcheck.journal.session_records import MetricSource
from luxcheck.model import (
    AnyReading,
    HeightReading,
    IlluminanceReading,
    LuminanceReading,
    MeasurementSession,
    PowerReading,
    SpectrumReading,
    WaveformReading,
)


def quantity(reading: AnyReading) -> str:
    """The quantity a reading belongs to (the unit the resolution rule picks a session for)."""
    kind = type(reading)
    if kind is IlluminanceReading:  # the commonest, without the isinstance chain
        return f"{reading.surface}-grid"  # type: ignore[union-attr]
    if kind is LuminanceReading:
        return "luminance-board" if reading.luminaire.startswith("B") else "glare"  # type: ignore[union-attr]
    if isinstance(reading, IlluminanceReading):
        return f"{reading.surface}-grid"
    if isinstance(reading, SpectrumReading):
        return f"spectrum-{reading.luminaire or 'general'}"
    if isinstance(reading, WaveformReading):
        return f"flicker-{reading.luminaire or 'general'}"
    if isinstance(reading, LuminanceReading):
        return "luminance-board" if reading.luminaire.startswith("B") else "glare"
    if isinstance(reading, PowerReading):
        return f"power-{reading.circuit}"
    if isinstance(reading, HeightReading):
        return "height-board" if reading.luminaire.startswith("B") else "height-general"
    return reading.kind


@dataclass(frozen=True)
class Resolution:
    """The readings the rule keeps, in journal order, the session each quantity came from
    (quantity → session id), and the sessions the rule looked at, earliest first."""

    readings: tuple[AnyReading, ...]
    source: Mapping[str, str]
    order: tuple[str, ...] = ()

    @property
    def sessions(self) -> list[str]:
        """The sessions that give at least one quantity, earliest first."""
        used = set(self.source.values())
        return [sid for sid in self.order if sid in used]


def resolve(
    readings: Sequence[AnyReading],
    sessions: Sequence[MeasurementSession],
    voided: Collection[str] = (),
    *,
    kinds: Collection[str] = ("first", "retest"),
) -> Resolution:
    """Apply the rule to one classroom's current readings.

    ``sessions`` are the classroom's sessions (any order: they are ordered by start time, then
    id); ``voided`` the ids of withdrawn sessions; ``kinds`` the session kinds taken into
    account (``("first",)`` gives the first test's values).
    """
    ordered = sorted(sessions, key=lambda s: (s.started_at, s.session_id))
    rank = {s.session_id: i for i, s in enumerate(ordered) if s.kind in kinds}
    usable = [r for r in readings if r.session_id in rank and r.session_id not in voided]
    quantities = [quantity(r) for r in usable]
    source: dict[str, str] = {}
    for reading, q in zip(usable, quantities, strict=True):
        best = source.get(q)
        if best is None or rank[reading.session_id] > rank[best]:
            source[q] = reading.session_id
    kept = tuple(r for r, q in zip(usable, quantities, strict=True) if source[q] == r.session_id)
    return Resolution(kept, source, tuple(rank))


Analyse = Callable[[Sequence[AnyReading]], RoomMetrics]


def _same(a: RoomMetrics, b: RoomMetrics, metric_id: str) -> bool:
    x, y = a.values.get(metric_id), b.values.get(metric_id)
    if isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y):
        same_value = True
    else:
        same_value = x == y
    why_a, why_b = a.reasons.get(metric_id), b.reasons.get(metric_id)
    return (
        same_value
        and (why_a is None) == (why_b is None)
        and (why_a is None or why_b is None or why_a.to_json() == why_b.to_json())
    )


def metric_sessions(
    resolution: Resolution, metrics: RoomMetrics, analyse: Analyse
) -> dict[str, str]:
    """The session each metric comes from: with one session in the resolution, that session
    for every metric; with several, the latest (by the rule's order) whose readings change
    the metric when they are left out (``analyse`` runs the room's analysis on a set of
    readings). A metric that no session's readings change is left out (not measured by any)."""
    winners = resolution.sessions
    if len(winners) == 1:
        return dict.fromkeys(metrics.values, winners[0])
    # compared with the same single-room analysis (a batched one may differ in the last bit)
    baseline = analyse(resolution.readings)
    out: dict[str, str] = {}
    for session_id in winners:
        without = analyse([r for r in resolution.readings if r.session_id != session_id])
        for metric_id in metrics.values:
            if not _same(baseline, without, metric_id):
                out[metric_id] = session_id  # a later session overrides an earlier one
    return out


def metric_sources(
    readings: Sequence[AnyReading],
    sessions: Sequence[MeasurementSession],
    voided: Collection[str],
    metrics: RoomMetrics,
    analyse: Analyse,
    final: Resolution | None = None,
) -> dict[str, MetricSource]:
    """Per metric of a classroom (``metrics``, from the rule's readings): the session it comes
    from and, where that is a re-test, the first test's value, reason and session.
    ``final``: :func:`resolve` of the same readings, sessions and voids, when the caller has
    it."""
    final = final if final is not None else resolve(readings, sessions, voided)
    final_sessions = metric_sessions(final, metrics, analyse)
    kinds = {s.session_id: s.kind for s in sessions}
    if not any(kinds.get(sid) == "retest" for sid in final_sessions.values()):
        return {m: MetricSource(sid) for m, sid in final_sessions.items()}
    first = resolve(readings, sessions, voided, kinds=("first",))
    first_metrics = analyse(first.readings)
    first_sessions = metric_sessions(first, first_metrics, analyse) if first.readings else {}
    out: dict[str, MetricSource] = {}
    for metric_id, session_id in final_sessions.items():
        if kinds.get(session_id) != "retest":
            out[metric_id] = MetricSource(session_id)
            continue
        reason = first_metrics.reasons.get(metric_id)
        out[metric_id] = MetricSource(
            session_id,
            True,
            first_metrics.values.get(metric_id),
            None if reason is None else reason.to_json(),
            first_sessions.get(metric_id),
        )
    return out
