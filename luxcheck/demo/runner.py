"""``luxcheck demo``: a whole campaign from simulated inspectors to the dashboard, no hardware.

1. Plan N synthetic classrooms in about N/25 schools with a realistic share of defects
   (:mod:`luxcheck.demo.plan`).
2. Measure every classroom with a simulated inspector following the guided session
   (:mod:`luxcheck.acquire.session`): the readings come from the meters' value source, the room
   simulation (:mod:`luxcheck.demo.scene`). The first classroom is measured through the real drivers
   against the emulated meters over ``emu://`` (and, where a pseudo-terminal is available,
   the second over a pty); the rest use the emulators' fast in-process path, which applies the
   same display resolution. Its rooms are measured in worker processes (meanwhile the first
   rooms go through the drivers) and journalled by this process in plan order, one
   transaction per chunk of whole rooms: the same campaign file as one room after another.
3. Analyse every classroom in one vectorised pass (:mod:`luxcheck.analysis.campaign`), judge it
   against the campaign's profile (:mod:`luxcheck.compliance.engine`) and render the reports.

Everything printed is computed from the campaign file the demo wrote.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from luxcheck.acquire.session import Step, classroom_steps
from luxcheck.compliance.judge import JudgedRoom
from luxcheck.demo.plan import RoomPlan
from luxcheck.demo.scene import RESOLUTION, Scene, quantise
from luxcheck.errors import InputError
from luxcheck.i18n import LANGUAGES
from luxcheck.journal.reading_rows import ReadingRows, reading_rows
from luxcheck.journal.store import CampaignStore
from luxcheck.lab import LabProfile
from luxcheck.model import (
    RELATIVE_UNIT,
    AnyReading,
    EnvironmentRecord,
    Instrument,
    InstrumentUncertainty,
    MeasurementSession,
)
from luxcheck.report.model import ClassroomReportData

if TYPE_CHECKING:
    from luxcheck.report.render import RenderSummary
    from luxcheck.report.signing import SigningSetup

#: The instruments of the simulated inspection team (calibration data printed on the reports).
DEMO_INSTRUMENTS: tuple[Instrument, ...] = tuple(
    Instrument(
        iid,
        model,
        serial,
        calibrated,
        uncertainty,
        kind=kind,
        name=name,
        # fictitious certificate numbers of a fictitious calibration laboratory
        calibration_certificate=f"JZ{calibrated:%Y}-{index + 1:04d}（演示）",
        calibration_due=calibrated.replace(year=calibrated.year + 1) - dt.timedelta(days=1),
    )
    for index, (iid, name, model, serial, calibrated, uncertainty, kind) in enumerate(
        (
            (
                "LUX-1",
                "照度计",
                "Konica Minolta T-10A",
                "10011234",
                dt.date(2026, 3, 12),
                4.0,
                "illuminance",
            ),
            (
                "SPEC-1",
                "光谱辐射计",
                "JETI specbos 1211",
                "121100457",
                dt.date(2026, 2, 20),
                3.0,
                "spectrum",
            ),
            (
                "FLK-1",
                "频闪测试仪",
                "luxcheck waveform sensor (12-bit, 20 kHz)",
                "WS-0042",
                dt.date(2026, 4, 2),
                2.0,
                "flicker",
            ),
            (
                "LUM-1",
                "亮度计",
                "Konica Minolta LS-150",
                "60023311",
                dt.date(2026, 1, 15),
                3.0,
                "luminance",
            ),
            ("PWR-1", "功率计", "Yokogawa WT310E", "C2T1B3001", dt.date(2026, 5, 8), 0.5, "power"),
            (
                "DIST-1",
                "激光测距仪",
                "Leica DISTO D2",
                "1433092",
                dt.date(2026, 6, 1),
                0.2,
                "distance",
            ),
        )
    )
)
_ILLUMINANCE_IDS = (
    "desk_illuminance_mean_lx",
    "desk_illuminance_min_lx",
    "board_illuminance_mean_lx",
    "board_illuminance_min_lx",
)
_T10A = (
    "Konica Minolta T-10A instruction manual, specifications: accuracy ±2 % ±1 digit of the "
    "displayed value (JIS C 1609-1:2006 general class AA), recalled (R); U = 4 % (k = 2) "
    "from the instrument's calibration record"
)
_SPECBOS = (
    "JETI specbos 1211 specification: chromaticity x, y ±0.002 (recalled, R); U(CCT) and "
    "U(Duv) are the largest changes of Ohno 2013 CCT and Duv for a ±0.002 shift of x and y "
    "between 3300 K and 5300 K on the locus (84 K, 0.0018, rounded up; computed with "
    "luxcheck's kernel)"
)
_WT310E = (
    "Yokogawa WT310E user's manual IM WT310E-02EN §7.3.2: active power ±(0.1 % of reading + "
    "0.05 % of range) at 45-66 Hz (C1); U = 0.5 % of the LPD (k = 2) with the floor area"
)
_LS150 = (
    "Konica Minolta LS-150 specification: luminance accuracy ±2 % ±1 digit (recalled, R); "
    "U(UGR) = 8 lg(1.02²) = 0.14 for a common luminance error, rounded up to 0.2"
)
_SENSOR = "fictitious demo sensor: 12-bit, 20 kHz; stated by its (fictitious) maker"

#: The expanded uncertainties the demo instruments state per quantity (ILAC-G8 guard bands).
#: Ra, R9, SVM, PstLM and the uniformities have none: under the guarded rule they are judged
#: by simple acceptance, and the reports say so.
DEMO_UNCERTAINTIES: tuple[InstrumentUncertainty, ...] = (
    *(InstrumentUncertainty("LUX-1", m, 4.0, RELATIVE_UNIT, 2.0, _T10A) for m in _ILLUMINANCE_IDS),
    InstrumentUncertainty("SPEC-1", "cct_K", 85.0, "K", 2.0, _SPECBOS),
    InstrumentUncertainty("SPEC-1", "duv", 0.0019, "1", 2.0, _SPECBOS),
    InstrumentUncertainty("FLK-1", "flicker_percent", 0.1, "%", 2.0, _SENSOR),
    InstrumentUncertainty("FLK-1", "board_flicker_percent", 0.1, "%", 2.0, _SENSOR),
    InstrumentUncertainty("LUM-1", "ugr", 0.2, "1", 2.0, _LS150),
    InstrumentUncertainty("PWR-1", "lpd_w_per_m2", 0.5, RELATIVE_UNIT, 2.0, _WT310E),
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


#: The profile the demo campaign is judged against.
DEMO_PROFILE = "cn-classroom"


def room_steps(plan: RoomPlan) -> list[Step]:
    """The guided-session steps of a planned room, minus what its inspector could not measure."""
    steps = classroom_steps(plan.classroom, profile=DEMO_PROFILE)
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


def demo_environment(plan: RoomPlan, session: MeasurementSession) -> EnvironmentRecord:
    """The conditions the simulated inspector records (synthetic, from the room's seed): a
    November school day; the supply voltage is left not recorded in one room in eight, as an
    inspector without a voltmeter at hand would."""
    import numpy as np

    rng = np.random.default_rng([plan.seed, 7793])
    voltage = None if plan.seed % 8 == 0 else round(float(rng.normal(224.0, 3.0)), 1)
    return EnvironmentRecord(
        f"{session.session_id}.env.1",
        session.session_id,
        session.started_at,
        temperature_C=round(float(rng.uniform(14.0, 22.0)), 1),
        relative_humidity_percent=round(float(rng.uniform(45.0, 70.0)), 0),
        supply_voltage_V=voltage,
        stray_light_lx=round(float(rng.uniform(0.0, 3.0)), 1),
        warmup_min=float(rng.choice([15.0, 20.0, 30.0])),
        note="演示数据",
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
    from luxcheck.acquire.session import build_reading

    scene = Scene(plan)
    meters = {role: SceneMeter(scene, role) for role in ROLE_INSTRUMENT}
    steps = room_steps(plan)
    fields: list[Mapping[str, Any]] = []
    for _, run in itertools.groupby(steps, key=lambda s: s.role):
        group = list(run)
        if group[0].role == "lux":
            # a run of lux points: the room model evaluated once for all of them, the noise
            # drawn in step order (the values of one scene.value call after another)
            step_lx = RESOLUTION["illuminance_lx"]
            fields += [{"illuminance_lx": quantise(e, step_lx)} for e in scene.illuminances(group)]
        else:
            fields += [meters[step.role].read(step) for step in group]
    return [
        build_reading(
            step,
            f"{session.session_id}.{step.key}.1",
            session.session_id,
            meters[step.role].instrument_id,
            read,
            taken_at=session.started_at,
        )
        for step, read in zip(steps, fields, strict=True)
    ]


@dataclass(frozen=True)
class MeasureSummary:
    """What the measuring stage of the demo wrote."""

    classrooms: int
    readings: int


#: A measured room as the fast path journals it: its session, environment record and readings
#: (as the journal's rows: made in the worker that measured it, cheap to send to the writer).
MeasuredRoom = tuple[MeasurementSession, EnvironmentRecord, ReadingRows]

#: Rooms per task of the measuring workers and per transaction of the journal (a transaction
#: commits, and fsyncs, complete rooms only).
CHUNK_ROOMS = 25


def measure_rooms(
    plans: Sequence[RoomPlan], indices: Sequence[int], start: dt.datetime
) -> list[MeasuredRoom]:
    """The ``indices``-th planned rooms measured through the fast path (pure: the readings
    depend on the plans, the indices and ``start`` only)."""
    out = []
    for index in indices:
        session = session_for(plans[index], index, start)
        environment = demo_environment(plans[index], session)
        out.append((session, environment, reading_rows(fast_readings(plans[index], session))))
    return out


_PLANS: Sequence[RoomPlan] = ()


def _init_measurer(plans: Sequence[RoomPlan]) -> None:
    global _PLANS
    _PLANS = plans


def _measure_task(indices: Sequence[int], start: dt.datetime) -> list[MeasuredRoom]:
    return measure_rooms(_PLANS, indices, start)


#: Chunks a measuring worker may be ahead of the journal, and at most in all (bounds what
#: waits in memory for the journal: about 250 kB a room).
_AHEAD = 4
_MAX_AHEAD = 16


@contextlib.contextmanager
def _measuring(
    plans: Sequence[RoomPlan], chunks: Sequence[Sequence[int]], start: dt.datetime, jobs: int
) -> Iterator[Iterator[list[MeasuredRoom]]]:
    """The chunks' measured rooms, in chunk order. With more than one job and chunk, ``jobs``
    worker processes start measuring on entry, at most :data:`_AHEAD` chunks a worker (and
    :data:`_MAX_AHEAD` in all) ahead of the caller; otherwise each chunk is measured in this
    process when it is asked for."""
    if jobs <= 1 or len(chunks) <= 1:
        yield (measure_rooms(plans, chunk, start) for chunk in chunks)
        return
    import collections
    import concurrent.futures

    from luxcheck.report.gather import worker_context

    with concurrent.futures.ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=worker_context(),
        initializer=_init_measurer,
        initargs=(plans,),
    ) as pool:
        pending: collections.deque[concurrent.futures.Future[list[MeasuredRoom]]]
        pending = collections.deque()
        todo = iter(chunks)

        def submit(count: int) -> None:
            for chunk in itertools.islice(todo, count):
                pending.append(pool.submit(_measure_task, chunk, start))

        def results() -> Iterator[list[MeasuredRoom]]:
            while pending:
                done = pending.popleft().result()
                submit(1)
                yield done

        submit(max(jobs, min(_AHEAD * jobs, _MAX_AHEAD)))
        try:
            yield results()
        finally:
            for future in pending:
                future.cancel()


def measure_campaign(
    store: CampaignStore,
    plans: list[RoomPlan],
    *,
    start: dt.datetime,
    progress: Callable[[int, int], None] | None = None,
    skip: int = 0,
    jobs: int | None = None,
    chunk: int = CHUNK_ROOMS,
    meanwhile: Callable[[], object] | None = None,
) -> MeasureSummary:
    """Measure the planned rooms (after the first ``skip``) through the fast path.

    The rooms are measured in ``jobs`` worker processes (default: one per core), ``chunk``
    rooms a task, and journalled by this process alone, in plan order, one transaction per
    chunk: the campaign file holds the same sessions, environment records and readings, in the
    same order, as a serial run, and a chunk that fails to journal leaves none of its rooms.
    ``meanwhile`` runs in this process once the workers have started and before anything of
    theirs is journalled (the demo takes its first rooms through the drivers then);
    ``progress(rooms done, rooms planned)`` is called after each journalled chunk.
    """
    import os

    workers = jobs if jobs is not None else os.cpu_count() or 1
    indices = list(range(skip, len(plans)))
    chunks = [indices[i : i + chunk] for i in range(0, len(indices), max(chunk, 1))]
    rooms = readings_count = 0
    with _measuring(plans, chunks, start, workers) as measured_chunks:
        if meanwhile is not None:
            meanwhile()
        for measured in measured_chunks:
            with store.transaction():
                for session, environment, readings in measured:
                    store.add_session(session)
                    store.add_environment(environment)
                    store.add_reading_rows(readings)
            rooms += len(measured)
            readings_count += sum(len(readings) for _, _, readings in measured)
            if progress is not None:
                progress(skip + rooms, len(plans))
    return MeasureSummary(rooms, readings_count)


def prepare_store(path: Path, plans: list[RoomPlan], campaign_name: str) -> CampaignStore:
    """Create the demo campaign file with its schools, classrooms and instruments."""
    from luxcheck.model import Campaign
    from luxcheck.vocabulary import metric_bounds

    # the metric ranges, as every command opens a campaign (luxcheck.cli.campaign_file): a
    # computed value outside its possible range is a located problem of its classroom
    store = CampaignStore.create(
        path,
        Campaign("DEMO-2026", campaign_name, DEMO_PROFILE, "演示:市教育局"),
        bounds=metric_bounds,
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
        for stated in DEMO_UNCERTAINTIES:
            store.add_instrument_uncertainty(stated)
    return store


# --------------------------------------------------------------------------- through the drivers
def _lux_sequence(plan: RoomPlan, steps: list[Step]) -> list[float]:
    scene = Scene(plan)
    return [
        quantise(float(scene.value(s)["illuminance_lx"]), RESOLUTION["illuminance_lx"])
        for s in steps
        if s.role == "lux"
    ]


def emulator_settings(plan: RoomPlan, steps: list[Step]) -> dict[str, dict[str, str]]:
    """Emulator options that make the emulated meters see this planned room.

    The T-10A walks the room's lux values in step order (``sequence``); the spectrometer and
    the waveform sensor are set to the room's illuminance and flicker behaviour.
    """
    lux = _lux_sequence(plan, steps)
    desk = [
        v
        for v, s in zip(lux, [s for s in steps if s.role == "lux"], strict=True)
        if s.surface == "desk"
    ]
    mean_lux = sum(desk) / len(desk) if desk else 500.0
    source = plan.source
    percent = source.flicker_percent if source.flicker_frequency_hz else source.flicker_percent / 5
    return {
        "t-10a": {
            "sequence": ",".join(f"{v:g}" for v in _lux_sequence(plan, steps)),
            "time_scale": "0.01",
        },
        "jeti-specbos": {
            "lux": f"{mean_lux:.1f}",
            "blue": "0.55",
            "phosphor_nm": "585",
            "tint_ms": "50",
            "time_scale": "0.01",
        },
        "waveform-stream": {
            "rate": "4000",
            "freq": "100",
            "percent": f"{percent:.3f}",
            "mean": "2400",
            "dark": "40",
            "time_scale": "0.01",
        },
    }


def measure_room_with_drivers(
    store: CampaignStore,
    plan: RoomPlan,
    session: MeasurementSession,
    ports: Mapping[str, str],
    *,
    out: Callable[[str], None],
) -> int:
    """Measure one room through the real drivers: lux, spectrum and flicker from the meters at
    ``ports`` (``emu://`` URLs or pseudo-terminals), the typed-in quantities from the scene.
    Returns the number of readings journalled."""
    from luxcheck.acquire.meters import DriverMeter
    from luxcheck.acquire.session import FieldMeter, ScriptedConsole, run_session

    scene = Scene(plan)
    steps = room_steps(plan)
    meters: dict[str, FieldMeter] = {role: SceneMeter(scene, role) for role in ROLE_INSTRUMENT}
    opened = [
        DriverMeter(ports["t-10a"], "t-10a", "LUX-1", wait_scale=0.0),
        DriverMeter(ports["jeti-specbos"], "jeti-specbos", "SPEC-1"),
        DriverMeter(ports["waveform-stream"], "waveform-stream", "FLK-1", duration_s=20.0),
    ]
    meters["lux"], meters["spectrum"], meters["flicker"] = opened
    try:
        store.add_session(session)
        store.add_environment(demo_environment(plan, session))
        outcome = run_session(
            store,
            session,
            steps,
            meters,  # type: ignore[arg-type]
            ScriptedConsole(out=lambda _: None),
        )
    finally:
        for meter in opened:
            meter.close()
    if outcome.remaining:
        raise RuntimeError(
            f"{plan.classroom.classroom_id}: session stopped with "
            f"{len(outcome.remaining)} steps left ({outcome.device_error})"
        )
    paths = sorted({"emu://" if p.startswith("emu://") else "pty" for p in ports.values()})
    out(
        f"  {plan.classroom.classroom_id}: {len(outcome.taken)} readings through the drivers "
        f"({', '.join(paths)})"
    )
    return len(outcome.taken)


def measure_first_rooms(
    store: CampaignStore, plans: Sequence[RoomPlan], say: Callable[[str], None]
) -> list[int]:
    """Measure the first planned room through the real drivers against the emulated meters
    over ``emu://`` and the second (if given) over pseudo-terminals: ``luxcheck emulate``
    processes, as a field laptop sees a meter on a serial port. Returns the number of readings
    journalled per room."""
    import urllib.parse

    counts = []
    for index, plan in enumerate(plans[:2]):
        settings = emulator_settings(plan, room_steps(plan))
        session = session_for(plan, index, DEMO_START)
        if index == 0:
            ports = {m: f"emu://{m}?{urllib.parse.urlencode(o)}" for m, o in settings.items()}
            counts.append(measure_room_with_drivers(store, plan, session, ports, out=say))
            continue
        pty_ports, procs = _pty_ports(settings)
        try:
            counts.append(measure_room_with_drivers(store, plan, session, pty_ports, out=say))
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(timeout=10)
    return counts


# --------------------------------------------------------------------------- the whole demo
DEMO_CAMPAIGN_ID = "DEMO-2026"
#: Classrooms rendered as PDF by default (``--pdf`` renders every classroom).
PDF_SAMPLE = 6
DEMO_START = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _remove_previous(path: Path) -> None:
    """Remove an earlier demo campaign file (and only a demo campaign: anything else at that
    path is refused, so a user's campaign can never be deleted by the demo)."""
    if not path.exists():
        return
    from luxcheck.errors import InputError

    try:
        with CampaignStore.open(path) as old:
            is_demo = old.campaign.campaign_id == DEMO_CAMPAIGN_ID
    except Exception as exc:  # not a campaign file at all
        raise InputError(f"exists and is not a demo campaign ({exc})", source=str(path)) from exc
    if not is_demo:
        raise InputError(
            "exists and is not a demo campaign; choose another --out", source=str(path)
        )
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _pty_ports(settings: Mapping[str, Mapping[str, str]]) -> tuple[dict[str, str], list[Any]]:
    import re
    import subprocess
    import sys

    procs = []
    ports = {}
    try:
        for model, options in settings.items():
            cmd = [sys.executable, "-m", "luxcheck", "emulate", model]
            for key, value in options.items():
                cmd += ["--set", f"{key}={value}"]
            proc = subprocess.Popen(
                cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )
            procs.append(proc)
            line = proc.stdout.readline() if proc.stdout else ""
            match = re.search(r"(/dev/\S+)", line)
            if not match:
                raise RuntimeError(f"luxcheck emulate {model} did not start: {line.strip()}")
            ports[model] = match.group(1)
    except BaseException:
        for proc in procs:
            proc.kill()
        raise
    return ports, procs


def demo_staff(lab: LabProfile) -> tuple[str, str, str]:
    """Three different people of the laboratory who prepare, review and approve."""
    chosen: list[str] = []
    for role in ("prepare", "review", "approve"):
        person = next(
            (p for p in lab.people if role in p.roles and p.person_id not in chosen), None
        )
        if person is None:
            raise InputError(
                f"the laboratory profile has no one else who may {role} reports (the demo "
                "needs three different people)",
                source=str(lab.path),
            )
        chosen.append(person.person_id)
    return chosen[0], chosen[1], chosen[2]


def issue_reports(
    store: CampaignStore,
    judged: Sequence[JudgedRoom],
    lab_path: Path | None,
    say: Callable[[str], None] = print,
    *,
    jobs: int = 1,
) -> list[ClassroomReportData]:
    """The demo's classroom reports, prepared, reviewed and approved by the laboratory's staff
    (recorded in the campaign file like any sign-off), with their laboratory document."""
    from luxcheck.lab import load_lab_profile
    from luxcheck.report.assemble import report_context
    from luxcheck.report.gather import gather_reports
    from luxcheck.report.issue import sign_off_many, with_documents
    from luxcheck.resources import data_dir

    lab = load_lab_profile(lab_path or data_dir() / "demo-lab.toml")
    context = report_context(store.campaign.profile)

    import time

    clock = time.perf_counter()
    # assembled in ``jobs`` worker processes reading the campaign file
    gathered = gather_reports(store, list(judged), context, lab, jobs=jobs)
    if gathered.unreported:
        room, reason = gathered.unreported[0]
        raise InputError(f"classroom {room} cannot be reported: {reason}", source=str(store.path))
    data = gathered.reports
    staff = demo_staff(lab)
    roles = ("prepare", "review", "approve")
    sign_off_many(
        store, [(r, role, p) for r in data for role, p in zip(roles, staff, strict=True)], lab
    )
    names = ", ".join(lab.person(p).name for p in staff)
    issued = with_documents(store, data, lab, context)  # the sign-offs read back
    say(
        f"    {len(data)} reports prepared, reviewed and approved by {names} ({lab.name}) "
        f"in {time.perf_counter() - clock:.1f} s"
    )
    return issued


@dataclass(frozen=True)
class Rendering:
    """One report run of the demo: its classrooms, output folder and language; a PDF sample
    renders every one of its classrooms as PDF too (and no dashboard PDF: a sample's dashboard
    is no campaign's). ``backgrounds_from``: an earlier run's output folder in the same
    language, whose drawn backgrounds are copied rather than drawn again."""

    reports: Sequence[ClassroomReportData]
    folder: Path
    language: str
    pdf_sample: bool = False
    backgrounds_from: Path | None = None


#: The renderings of :func:`render_side_by_side`, as its forked processes find them.
_RENDERINGS: tuple[Rendering, ...] = ()


def _render(rendering: Rendering, signing: SigningSetup | None, jobs: int) -> RenderSummary:
    from luxcheck.report.charts import ReportFigures
    from luxcheck.report.render import render_campaign

    if rendering.backgrounds_from is not None:
        figures = ReportFigures(rendering.folder, rendering.language)
        figures.share_backgrounds(rendering.backgrounds_from)
    return render_campaign(
        rendering.reports,
        rendering.folder,
        lang=rendering.language,
        pdf=rendering.pdf_sample,
        jobs=jobs,
        signing=signing,
        dashboard_pdf=not rendering.pdf_sample,
    )


def _render_at(task: tuple[int, SigningSetup | None, int]) -> RenderSummary:
    index, signing, jobs = task
    return _render(_RENDERINGS[index], signing, jobs)


def render_side_by_side(
    renderings: Sequence[Rendering], signing: SigningSetup | None, workers: int
) -> list[RenderSummary]:
    """Render each of ``renderings`` (a language's reports, a PDF sample) in a process of its
    own, side by side, with ``workers // len(renderings)`` jobs each (one process after the
    other when ``workers`` is 1 or processes cannot be forked).

    The processes are forked: they find the classrooms in the memory they share with this
    one, so no classroom and no result crosses between processes, and one language's school
    pages, dashboard and exports are written while the other's classrooms are."""
    global _RENDERINGS
    from luxcheck.report.gather import frozen_for_fork, worker_context
    from luxcheck.report.render import preload

    context = worker_context()
    if workers <= 1 or len(renderings) <= 1 or context.get_start_method() != "fork":
        return [_render(r, signing, workers) for r in renderings]
    import concurrent.futures

    preload({r.language for r in renderings}, signing, any(r.pdf_sample for r in renderings))
    each = max(1, workers // len(renderings))
    _RENDERINGS = tuple(renderings)
    try:
        with (
            frozen_for_fork(),
            concurrent.futures.ProcessPoolExecutor(
                max_workers=min(workers, len(renderings)), mp_context=context
            ) as pool,
        ):
            return list(pool.map(_render_at, [(i, signing, each) for i in range(len(renderings))]))
    finally:
        _RENDERINGS = ()


def run_demo(
    out: Path,
    *,
    n_classrooms: int = 1000,
    seed: int = 2026,
    lang: str = "zh",
    use_pty: bool = True,
    reports: bool = True,
    pdf: bool = False,
    jobs: int | None = None,
    say: Callable[[str], None] = print,
    lab_path: Path | None = None,
) -> Path:
    """Run the demo campaign into ``out``; return the campaign file's path. The reports are
    issued by the laboratory of ``lab_path`` (default: the fictitious demo laboratory), whose
    staff prepare, review and approve every classroom report."""
    import time
    from collections import Counter

    from luxcheck.analysis.campaign import analyse_campaign
    from luxcheck.compliance.judge import judge_campaign
    from luxcheck.demo.plan import plan_campaign

    clock = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    path = out / "demo.lux"
    _remove_previous(path)
    plans = plan_campaign(n_classrooms, seed)
    schools = len({p.school.school_id for p in plans})
    say(f"luxcheck demo: {len(plans)} classrooms in {schools} schools (seed {seed}) → {path}")
    store = prepare_store(path, plans, "演示:2026 年中小学教室照明改造验收")
    try:
        say("1/4 measuring (simulated inspectors, emulated meters)")
        skip = 2 if use_pty and len(plans) > 1 else 1
        through_drivers: list[int] = []
        # the fast path's workers measure the other rooms while this process takes the first
        # ones through the drivers (journalled first: the campaign file's order is the plan's)
        measured = measure_campaign(
            store,
            plans,
            start=DEMO_START,
            skip=skip,
            jobs=jobs,
            meanwhile=lambda: through_drivers.extend(measure_first_rooms(store, plans[:skip], say)),
        )
        say(
            f"  {measured.classrooms} classrooms through the emulators' fast path; "
            f"{measured.readings + sum(through_drivers)} readings journalled "
            f"({time.perf_counter() - clock:.1f} s)"
        )
        t = time.perf_counter()
        summary = analyse_campaign(store)
        say(f"2/4 analysed {summary.analysed} classrooms in {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        judged, rollup = judge_campaign(store)
        say(
            f"3/4 judged against profile {store.campaign.profile} "
            f"in {time.perf_counter() - t:.1f} s"
        )
        if reports:
            t = time.perf_counter()
            import os

            from luxcheck.demo.lab_keys import demo_lab_profile
            from luxcheck.lab import load_lab_profile
            from luxcheck.report.render import render_campaign
            from luxcheck.report.signing import SigningSetup

            workers = jobs or min(4, os.cpu_count() or 1)
            data = issue_reports(store, judged, lab_path, say, jobs=workers)
            other = next(code for code in LANGUAGES if code != lang)
            # the laboratory signs its issued reports: the fictitious demo lab with a
            # self-signed key made on first use, or the --lab profile's [signing] key
            lab = load_lab_profile(lab_path) if lab_path else demo_lab_profile(out)
            numbers = {
                r.classroom.classroom_id: r.document.issue.report_number
                for r in data
                if r.document.issue.status == "issued"
            }
            signing = SigningSetup.from_lab(lab, numbers)
            if pdf:  # every classroom as PDF in the report language: all workers on it
                rendered = render_campaign(
                    data, out / "reports", lang=lang, pdf=True, jobs=workers, signing=signing
                )
                render_campaign(
                    data, out / f"reports-{other}", lang=other, jobs=workers, signing=signing
                )
            else:  # the two languages side by side
                rendered, _other = render_side_by_side(
                    [
                        Rendering(data, out / "reports", lang),
                        Rendering(data, out / f"reports-{other}", other),
                    ],
                    signing,
                    workers,
                )
            index: Path | None = rendered.dashboard
            say(
                f"4/4 reports rendered in {time.perf_counter() - t:.1f} s: {rendered.rendered} "
                f"classrooms in {lang}{' with PDF' if rendered.pdf else ''} "
                f"({out / 'reports'}) and in {other} ({out / f'reports-{other}'})"
            )
            import importlib.util

            if not pdf and importlib.util.find_spec("weasyprint") is None:
                say(
                    "    PDF sample skipped: WeasyPrint is not installed "
                    "(pip install 'luxcheck[pdf]')"
                )
            elif not pdf:
                # a PDF sample (every classroom with --pdf): the first school's first
                # classrooms, in both languages
                t = time.perf_counter()
                first_school = data[0].school.school_id
                sample = [d for d in data if d.school.school_id == first_school][:PDF_SAMPLE]
                render_side_by_side(
                    [
                        Rendering(
                            sample,
                            out / f"pdf-sample-{code}",
                            code,
                            pdf_sample=True,
                            backgrounds_from=out
                            / ("reports" if code == lang else f"reports-{code}"),
                        )
                        for code in (lang, other)
                    ],
                    signing,
                    workers,
                )
                say(
                    f"    PDF sample: {len(sample)} classrooms of {first_school} in both "
                    f"languages ({out}/pdf-sample-*) in {time.perf_counter() - t:.1f} s; "
                    "--pdf renders every classroom"
                )
        else:
            index = None
            say("4/4 reports skipped (--no-reports)")
    finally:
        store.close()
    rate = 100.0 * rollup.passed / rollup.rooms if rollup.rooms else 0.0
    say("")
    say(
        f"classrooms: {rollup.rooms}  pass: {rollup.passed} ({rate:.1f} %)  "
        f"fail: {rollup.failed}  incomplete: {rollup.incomplete}"
    )
    causes = Counter(rollup.metric_failures)
    if causes:
        say("top failure causes (classrooms failing a shall-requirement on):")
        from luxcheck.report.format import Formatter

        fmt = Formatter(lang)
        for metric_id, count in causes.most_common(8):
            say(f"  {count:5d}  {fmt.metric_name(metric_id)} ({metric_id})")
    if index is not None:
        say(f"dashboard: {index}")
        say(
            f"reports signed by the fictitious demo lab ({out / 'lab'}); check one with: "
            f"luxcheck verify REPORT --lab {out / 'lab' / 'lab.toml'} [--campaign {path}]"
        )
    say(f"campaign file: {path}  ({time.perf_counter() - clock:.1f} s in all)")
    return path
