"""``luxcheck demo``: a whole campaign from simulated inspectors to the dashboard, no hardware.

1. Plan N synthetic classrooms in about N/25 schools with a realistic share of defects
   (:mod:`luxcheck.demo_plan`).
2. Measure every classroom with a simulated inspector following the guided session
   (:mod:`luxcheck.fieldwork`): the readings come from the meters' value source, the room
   simulation (:mod:`luxcheck.scene`). The first classroom is measured through the real drivers
   against the emulated meters over ``emu://`` (and, where a pseudo-terminal is available,
   the second over a pty); the rest use the emulators' fast in-process path, which applies the
   same display resolution and journals one transaction per classroom.
3. Analyse every classroom in one vectorised pass (:mod:`luxcheck.analysis`), judge it against
   the campaign's profile (:mod:`luxcheck.compliance`) and render the reports.

Everything printed is computed from the campaign file the demo wrote.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from luxcheck import grids
from luxcheck.demo_plan import RoomPlan
from luxcheck.fieldwork import Step, plan_steps
from luxcheck.glare import standard_observers
from luxcheck.model import AnyReading, Instrument, MeasurementSession
from luxcheck.scene import RESOLUTION, Scene, quantise
from luxcheck.store import CampaignStore

#: The instruments of the simulated inspection team (calibration data printed on the reports).
DEMO_INSTRUMENTS: tuple[Instrument, ...] = (
    Instrument(
        "LUX-1", "Konica Minolta T-10A", "10011234", dt.date(2026, 3, 12), 4.0, kind="illuminance"
    ),
    Instrument(
        "SPEC-1", "JETI specbos 1211", "121100457", dt.date(2026, 2, 20), 3.0, kind="spectrum"
    ),
    Instrument(
        "FLK-1",
        "luxcheck waveform sensor (12-bit, 20 kHz)",
        "WS-0042",
        dt.date(2026, 4, 2),
        2.0,
        kind="flicker",
    ),
    Instrument(
        "LUM-1", "Konica Minolta LS-150", "60023311", dt.date(2026, 1, 15), 3.0, kind="luminance"
    ),
    Instrument("PWR-1", "Yokogawa WT310E", "C2T1B3001", dt.date(2026, 5, 8), 0.5, kind="power"),
    Instrument("DIST-1", "Leica DISTO D2", "1433092", dt.date(2026, 6, 1), 0.2, kind="distance"),
)
ROLE_INSTRUMENT = {
    "lux": "LUX-1",
    "spectrum": "SPEC-1",
    "flicker": "FLK-1",
    "luminance": "LUM-1",
    "power": "PWR-1",
    "height": "DIST-1",
}
INSPECTORS = ("张明", "李华", "王芳", "刘强", "陈静", "杨帆")


def room_steps(plan: RoomPlan) -> list[Step]:
    """The guided-session steps of a planned room, minus what its inspector could not measure."""
    room = plan.classroom
    desk = grids.point_plan(room, "desk")
    board = grids.point_plan(room, "board")
    steps = plan_steps(
        room,
        [(p.index, p.x_m, p.y_m, p.label) for p in desk.points],
        [(p.index, p.x_m, p.y_m, p.label) for p in board.points],
        observers=[o.name for o in standard_observers(room)],
    )
    skip = set(plan.unmeasured)
    out = []
    for step in steps:
        if "spectrum" in skip and step.role == "spectrum" and step.luminaire == "general":
            continue
        if "waveform" in skip and step.role == "flicker" and step.luminaire == "general":
            continue
        if "board" in skip and step.role == "lux" and step.surface == "board":
            continue
        out.append(step)
    return out


def session_for(plan: RoomPlan, index: int, start: dt.datetime) -> MeasurementSession:
    """The measurement session of the ``index``-th room of the demo."""
    when = start + dt.timedelta(minutes=40 * index)
    return MeasurementSession(
        session_id=f"{plan.classroom.classroom_id}-V1",
        classroom_id=plan.classroom.classroom_id,
        inspector=INSPECTORS[index % len(INSPECTORS)],
        started_at=when,
        instrument_ids=tuple(i.instrument_id for i in DEMO_INSTRUMENTS),
    )


class SceneMeter:
    """The emulators' fast in-process path: the scene's value at the meters' display
    resolution, without the serial bytes in between."""

    def __init__(self, scene: Scene, role: str) -> None:
        self.scene = scene
        self.instrument_id: str | None = ROLE_INSTRUMENT[role]
        self._glare: dict[str, tuple[list[float], float]] | None = None

    def read(self, step: Step) -> Mapping[str, Any]:
        if step.role == "luminance":
            if step.luminaire.startswith("B"):
                value = self.scene.board_lamp_luminance()
            else:
                if self._glare is None:
                    self._glare = self.scene.glare_luminances()
                lums, background = self._glare[step.observer]
                if step.target == "background":
                    value = background
                else:
                    value = lums[int(step.luminaire[1:]) - 1]
            return {"luminance_cd_m2": quantise(value, RESOLUTION["luminance_cd_m2"])}
        fields = dict(self.scene.value(step))
        for key, step_size in RESOLUTION.items():
            if key in fields and fields[key] is not None:
                fields[key] = quantise(float(fields[key]), step_size)
        return fields

    def reconnect(self) -> None:
        """Nothing to reconnect in-process."""


def fast_readings(plan: RoomPlan, session: MeasurementSession) -> list[AnyReading]:
    """All readings of a room through the emulators' fast path, with the guided session's ids."""
    from luxcheck.fieldwork import build_reading

    scene = Scene(plan)
    meters = {role: SceneMeter(scene, role) for role in ROLE_INSTRUMENT}
    out: list[AnyReading] = []
    for step in room_steps(plan):
        meter = meters[step.role]
        reading_id = f"{session.session_id}.{step.key}.1"
        out.append(
            build_reading(
                step,
                reading_id,
                session.session_id,
                meter.instrument_id,
                meter.read(step),
                taken_at=session.started_at,
            )
        )
    return out


@dataclass(frozen=True)
class MeasureSummary:
    """What the measuring stage of the demo wrote."""

    classrooms: int
    readings: int


def measure_campaign(
    store: CampaignStore,
    plans: list[RoomPlan],
    *,
    start: dt.datetime,
    progress: Callable[[int, int], None] | None = None,
    skip: int = 0,
) -> MeasureSummary:
    """Measure the planned rooms (after the first ``skip``) through the fast path."""
    total = 0
    for index, plan in enumerate(plans):
        if index < skip:
            continue
        session = session_for(plan, index, start)
        readings = fast_readings(plan, session)
        with store.transaction():
            store.add_session(session)
            store.add_readings(readings)
        total += len(readings)
        if progress is not None:
            progress(index + 1, len(plans))
    return MeasureSummary(len(plans) - skip, total)


def prepare_store(path: Path, plans: list[RoomPlan], campaign_name: str) -> CampaignStore:
    """Create the demo campaign file with its schools, classrooms and instruments."""
    from luxcheck.model import Campaign

    store = CampaignStore.create(
        path, Campaign("DEMO-2026", campaign_name, "cn-classroom", "演示:市教育局")
    )
    with store.transaction():
        seen = set()
        for plan in plans:
            if plan.school.school_id not in seen:
                store.add_school(plan.school)
                seen.add(plan.school.school_id)
        for plan in plans:
            store.add_classroom(plan.classroom)
        for instrument in DEMO_INSTRUMENTS:
            store.add_instrument(instrument)
    return store
