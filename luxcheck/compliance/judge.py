"""Judge a whole campaign: stored metrics → verdicts per classroom → campaign roll-up.

The profile is the campaign's (``Campaign.profile``); each classroom is judged for its room
type with the reasons of its not-measured metrics, and the results are folded into the
campaign roll-up (:func:`luxcheck.compliance.engine.campaign_rollup`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
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
from luxcheck.errors import InputError
from luxcheck.journal.store import CampaignStore
from luxcheck.model import (
    RELATIVE_UNIT,
    Classroom,
    Instrument,
    InstrumentUncertainty,
    MeasurementSession,
)
from luxcheck.vocabulary import METRICS

#: Metrics whose expanded uncertainty follows from an instrument's calibrated relative
#: uncertainty (instrument kind → metric ids) when the instrument states none for them. Other
#: metrics get a guard band only from a stated uncertainty (``instrument_uncertainty``).
UNCERTAINTY_FROM = {
    "illuminance": (
        "desk_illuminance_mean_lx",
        "desk_illuminance_min_lx",
        "board_illuminance_mean_lx",
        "board_illuminance_min_lx",
    ),
    "power": ("lpd_w_per_m2",),
}


@dataclass(frozen=True)
class InstrumentRecords:
    """What judging reads alike for every classroom, read once for a campaign (:meth:`read`):
    the instruments, the uncertainty each states per metric (the one in use), the sessions
    of each classroom (by start time) and the withdrawn sessions."""

    instruments: Mapping[str, Instrument]
    stated: Mapping[str, tuple[InstrumentUncertainty, ...]]
    sessions: Mapping[str, tuple[MeasurementSession, ...]]
    voided: Collection[str]
    #: The classrooms with a re-tested metric (None: not read; each classroom's sources are).
    retested: Collection[str] | None = None

    @classmethod
    def read(cls, store: CampaignStore) -> InstrumentRecords:
        """The records as ``store`` holds them now."""
        stated: dict[str, list[InstrumentUncertainty]] = {}
        for row in store.instrument_uncertainties():  # by instrument, then metric
            stated.setdefault(row.instrument_id, []).append(row)
        sessions: dict[str, list[MeasurementSession]] = {}
        for session in store.sessions():  # by start time, as for one classroom
            sessions.setdefault(session.classroom_id, []).append(session)
        return cls(
            {i.instrument_id: i for i in store.instruments()},
            {iid: tuple(rows) for iid, rows in stated.items()},
            {room: tuple(rows) for room, rows in sessions.items()},
            frozenset(store.session_voids()),
            frozenset(store.retested_classrooms()),
        )

    @classmethod
    def of_classroom(cls, store: CampaignStore, classroom_id: str) -> InstrumentRecords:
        """The records one classroom needs (its sessions and their instruments)."""
        sessions = tuple(store.sessions(classroom_id))
        ids = dict.fromkeys(iid for s in sessions for iid in s.instrument_ids)
        found = {iid: store.instrument(iid) for iid in ids}
        return cls(
            {iid: i for iid, i in found.items() if i is not None},
            {iid: tuple(store.instrument_uncertainties(iid)) for iid in ids},
            {classroom_id: sessions},
            frozenset(store.session_voids()),
        )


def measurement_uncertainty(
    store: CampaignStore,
    classroom_id: str,
    values: Mapping[str, float | str | None],
    records: InstrumentRecords | None = None,
) -> dict[str, float]:
    """Expanded uncertainty U (absolute, in the metric's unit) of a classroom's metrics from
    the instruments of all its sessions.

    Each instrument's stated uncertainty per metric (``instrument_uncertainty``: an absolute U
    in the metric's unit, or a relative one in % of the value) comes first; an illuminance or
    power instrument without a row for one of its metrics (:data:`UNCERTAINTY_FROM`) gives its
    calibration's relative uncertainty (U = U_rel × value). A classroom measured over several
    sessions (a revisit without the lux meter, say) keeps the uncertainty of the instrument
    that took the readings; where sessions used different instruments, the largest U is
    taken, so the guard band is never narrower than any instrument's. A metric no instrument
    states an uncertainty for is absent: the engine judges it by simple acceptance and says so.

    Raises :class:`~luxcheck.errors.InputError` for a stated uncertainty of an unknown or text
    metric, or in a unit that is neither the metric's nor ``% of value``. ``records``: the
    campaign's (:meth:`InstrumentRecords.read`) when the caller judges many classrooms.
    """
    out: dict[str, float] = {}
    records = records or InstrumentRecords.of_classroom(store, classroom_id)

    def widen(metric_id: str, u: float) -> None:
        out[metric_id] = max(u, out.get(metric_id, 0.0))

    for instrument_id in _session_instruments(records, classroom_id):
        instrument = records.instruments.get(instrument_id)
        if instrument is None:
            continue
        stated = {u.metric_id: u for u in records.stated.get(instrument_id, ())}
        for metric_id, row in stated.items():
            _check_stated(store, row)
            value = values.get(metric_id)
            if isinstance(value, float):
                widen(metric_id, row.absolute(value))
        for metric_id in UNCERTAINTY_FROM.get(instrument.kind, ()):
            value = values.get(metric_id)
            if metric_id not in stated and isinstance(value, float):
                widen(metric_id, abs(value) * (instrument.expanded_uncertainty_percent / 100.0))
    return out


def _session_instruments(records: InstrumentRecords, classroom_id: str) -> list[str]:
    seen: dict[str, None] = {}
    voided = records.voided  # a withdrawn session's readings are not used
    for session in records.sessions.get(classroom_id, ()):
        if session.session_id not in voided:
            seen.update(dict.fromkeys(session.instrument_ids))
    return list(seen)


def _check_stated(store: CampaignStore, row: InstrumentUncertainty) -> None:
    info = METRICS.get(row.metric_id)
    where = f"instrument {row.instrument_id}, uncertainty of {row.metric_id!r}"
    if info is None or info.kind != "number":
        raise InputError(
            f"{where}: not a numeric metric id (luxcheck.vocabulary)",
            source=str(store.path),
            column="metric_id",
        )
    if row.unit not in (info.unit, RELATIVE_UNIT):
        raise InputError(
            f"{where}: unit {row.unit!r}, expected {info.unit!r} (absolute) or {RELATIVE_UNIT!r}",
            source=str(store.path),
            column="unit",
        )


@dataclass(frozen=True)
class JudgedRoom:
    """One classroom with its verdicts and overall result."""

    classroom: Classroom
    verdicts: tuple[Verdict, ...]
    result: RoomResult
    #: For a re-tested classroom (复测): the verdicts and result of its first test, from the
    #: first test's values of the re-tested metrics; None for a classroom not re-tested.
    first_verdicts: tuple[Verdict, ...] | None = None
    first_result: RoomResult | None = None


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
    records: InstrumentRecords | None = None,
) -> JudgedRoom:
    """Evaluate one classroom's stored metrics against the profile (default: the campaign's).

    The instruments' expanded uncertainties are passed along; the guarded decision rule (the
    profile's, or ``decision_rule``) uses them. The classroom record gives the luminaires'
    technology and their assessed blue-light risk groups (:data:`DECLARED`). ``records``:
    the campaign's (:meth:`InstrumentRecords.read`) when the caller judges many classrooms.
    """
    values, reasons = store.metrics(classroom.classroom_id)
    records = records or InstrumentRecords.of_classroom(store, classroom.classroom_id)
    profile = profile or store.campaign.profile

    def judge(
        values: Mapping[str, float | str | None], reasons: Mapping[str, str]
    ) -> list[Verdict]:
        return evaluate(
            values,
            profile,
            classroom.room_type,
            reasons=reasons,
            standards_dir=standards_dir,
            uncertainty=measurement_uncertainty(store, classroom.classroom_id, values, records),
            decision_rule=decision_rule,
            technology=classroom.luminaire_technology,
            declared={metric: getattr(classroom, field) for metric, field in DECLARED.items()},
        )

    verdicts = judge(values, reasons)
    room_id = classroom.classroom_id
    retested = (
        {m: source for m, source in store.metric_sources(room_id).items() if source.retested}
        if records.retested is None or room_id in records.retested
        else {}
    )
    if not retested:
        return JudgedRoom(classroom, tuple(verdicts), room_result(verdicts))
    # the first test: the same metrics, with the first test's value of each re-tested one
    first_values = dict(values) | {m: s.first_value for m, s in retested.items()}
    first_reasons = {m: r for m, r in reasons.items() if m not in retested}
    first_reasons |= {m: s.first_reason for m, s in retested.items() if s.first_reason}
    first = judge(first_values, first_reasons)
    return JudgedRoom(
        classroom, tuple(verdicts), room_result(verdicts), tuple(first), room_result(first)
    )


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
    records = InstrumentRecords.read(store)
    profile = profile or store.campaign.profile
    judged = [
        judge_room(
            store,
            room,
            profile=profile,
            standards_dir=standards_dir,
            decision_rule=decision_rule,
            records=records,
        )
        for room in store.classrooms()
        if wanted is None or room.classroom_id in wanted
    ]
    rollup = campaign_rollup(
        (j.classroom.school_id, j.classroom.classroom_id, j.result) for j in judged
    )
    return judged, rollup
