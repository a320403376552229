"""Campaign analysis: every metric of every classroom, from the stored readings, in one pass.

``analyse_campaign(store)`` reads the current readings of all classrooms, computes the metric ids
(:mod:`luxcheck.vocabulary`) with the numpy kernels — batched over classrooms where the kernel
is vectorised (spectra, waveforms) — and writes them back to the store with the reasons of the
metrics that could not be computed. It is incremental: a classroom whose readings and geometry
have not changed since its metrics were stored (same input hash) is skipped.

Conventions (each documented where it is computed):

- Desk and blackboard grids use the room's default point plans
  (:func:`luxcheck.analysis.grids.point_plan`, centre-point method, default spacing) — the
  plans the guided measurement walks. Lights-off readings, where present, are subtracted point
  by point (daylight).
- Spectra: the ``general`` luminaire's spectrum gives the colour metrics; the ``board`` lamp's
  gives its blue-light indication. Waveforms likewise.
- UGR: path (a), measured luminaire luminances per standard observer with the background
  luminance (``target='background'``), ω and p from the room geometry
  (:func:`luxcheck.analysis.glare.room_ugr`).
- Blue-light risk group: an *indication* from K_B,v and the luminaires' measured luminance,
  against the IEC 62471 radiance limits of the standards data (IEC TR 62778 method).
"""

from __future__ import annotations

import hashlib
import math
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from luxcheck.analysis import glare, grids, power
from luxcheck.analysis import sessions as sessions_rule
from luxcheck.analysis.flicker import flicker_metric_dict
from luxcheck.analysis.metrics import RoomMetrics
from luxcheck.analysis.spectral import spectral_part
from luxcheck.errors import InputError
from luxcheck.journal.store import CampaignStore
from luxcheck.kernels.flicker import flicker_metrics
from luxcheck.messages import Message, Word, _n, not_measured
from luxcheck.model import (
    AnyReading,
    Classroom,
    HeightReading,
    IlluminanceReading,
    LuminanceReading,
    MeasurementSession,
    PowerReading,
    SpectrumReading,
    WaveformReading,
)

#: Bumped when the analysis changes, so that stored metrics are recomputed.
ANALYSIS_VERSION = "5"

#: Spacing of the interpolated desk-plane surface stored for the isolux figure [m].
DESK_SURFACE_STEP_M = 0.25


def input_hash(
    classroom: Classroom, reading_ids: Iterable[str], voided_sessions: Iterable[str] = ()
) -> str:
    """A hash of what a classroom's metrics depend on: its geometry, its current readings and
    its withdrawn (voided) sessions.

    Readings are append-only and ids unique, so the set of current reading ids identifies the
    readings' state; sessions are never changed, so with the voided ones it identifies which
    readings the resolution rule (:mod:`luxcheck.analysis.sessions`) keeps. The analysis
    version is included so that a new analysis recomputes.
    """
    digest = hashlib.sha256()
    digest.update(ANALYSIS_VERSION.encode())
    digest.update(repr(classroom).encode())
    for reading_id in sorted(reading_ids):
        digest.update(b"\0" + reading_id.encode())
    for session_id in sorted(voided_sessions):
        digest.update(b"\1" + session_id.encode())
    return digest.hexdigest()


def _luminaire_of(reading: SpectrumReading | WaveformReading) -> str:
    """``general`` or ``board``: which luminaires a spectrum or waveform was taken under."""
    return reading.luminaire or "general"


# --------------------------------------------------------------------------- per-room parts
def grid_part(room: Classroom, readings: Sequence[AnyReading]) -> RoomMetrics:
    """Desk and blackboard grid metrics from the illuminance readings."""
    lux = [r for r in readings if isinstance(r, IlluminanceReading)]
    out = RoomMetrics(room.classroom_id)
    plans: dict[str, grids.PointPlan | None] = {}
    values: dict[str, np.ndarray | None] = {}
    daylight: dict[str, np.ndarray | None] = {}
    for surface in ("desk", "board"):
        on = [r for r in lux if r.surface == surface and r.lights_on]
        off = [r for r in lux if r.surface == surface and not r.lights_on]
        if not on:
            plans[surface] = values[surface] = daylight[surface] = None
            continue
        plan = grids.point_plan(room, surface)  # type: ignore[arg-type]
        plans[surface] = plan
        values[surface] = grids.values_from_readings(plan, on, lights_on=True)
        daylight[surface] = grids.values_from_readings(plan, off, lights_on=False) if off else None
    metrics = grids.grid_metrics(
        plans["desk"],
        values["desk"],
        plans["board"],
        values["board"],
        desk_daylight_lx=daylight["desk"],
        board_daylight_lx=daylight["board"],
    )
    out.add(dict(metrics), metrics.reasons)
    desk_plan, desk_lx = plans["desk"], values["desk"]
    if (
        desk_plan is not None
        and desk_lx is not None
        and desk_plan.n_points >= 4
        and np.all(np.isfinite(desk_lx))
    ):  # the isolux figure's surface, from the lights-on readings
        out.surfaces["desk"] = grids.isolux_surface(desk_plan, desk_lx, DESK_SURFACE_STEP_M)
    return out


def room_glare(room: Classroom, readings: Sequence[AnyReading]) -> glare.RoomUgr:
    """The room's UGR at every observer with luminance readings (path a), or the reason why
    it cannot be computed (``worst_ugr`` NaN, ``reason`` set)."""
    lum = [r for r in readings if isinstance(r, LuminanceReading)]
    # general luminaires are L1…Ln; blackboard lamps (B1…) are not part of the room's UGR
    luminaires = [r for r in lum if r.target == "luminaire" and not r.luminaire.startswith("B")]
    backgrounds: dict[str, LuminanceReading] = {}
    for r in lum:
        if r.target == "background":
            if r.observer in backgrounds:
                raise InputError(
                    f"observer {r.observer!r} has two background readings, "
                    f"{backgrounds[r.observer].reading_id} and {r.reading_id} "
                    "(correct one of them instead)",
                    column="observer",
                )
            backgrounds[r.observer] = r

    def unmeasured(reason: Message) -> glare.RoomUgr:
        return glare.RoomUgr(math.nan, "", (), "path a: luminance readings", not_measured(reason))

    if not luminaires:
        return unmeasured(Message(_n("no luminaire luminance readings")))
    length, width = room.luminaire_luminous_length_m, room.luminaire_luminous_width_m
    if length is None or width is None:
        return unmeasured(
            Message(
                _n(
                    "the luminous size of the luminaires is not given "
                    "(luminaire_luminous_length_m, luminaire_luminous_width_m)"
                )
            )
        )
    n = room.luminaire_count
    per_observer: dict[str, list[float]] = defaultdict(lambda: [math.nan] * n)
    for r in luminaires:
        index = _luminaire_index(r.luminaire, n)
        if index is None:
            return unmeasured(
                Message(
                    _n("reading {reading} names luminaire {luminaire!r}, expected L1…L{n}"),
                    reading=r.reading_id,
                    luminaire=r.luminaire,
                    n=n,
                )
            )
        if not math.isnan(per_observer[r.observer][index]):
            raise InputError(
                f"observer {r.observer!r} has two readings of luminaire {r.luminaire} "
                f"(the second is {r.reading_id}; correct one of them instead)",
                column="luminaire",
            )
        per_observer[r.observer][index] = r.luminance_cd_m2
    missing_bg = sorted(set(per_observer) - set(backgrounds))
    if missing_bg:
        return unmeasured(
            Message(_n("no background luminance for {names}"), names=", ".join(missing_bg))
        )
    known = {o.name: o for o in glare.standard_observers(room)}
    unknown = sorted(set(per_observer) - set(known))
    if unknown:
        return unmeasured(
            Message(_n("unknown observer position(s) {names}"), names=", ".join(unknown))
        )
    measured = glare.MeasuredGlare(
        luminance_cd_m2=dict(per_observer),
        indirect_illuminance_lx={
            name: math.pi * backgrounds[name].luminance_cd_m2 for name in per_observer
        },
        luminous_length_m=length,
        luminous_width_m=width,
    )
    return glare.room_ugr(room, measured, observers=[known[name] for name in per_observer])


def glare_part(room: Classroom, readings: Sequence[AnyReading]) -> RoomMetrics:
    """UGR (worst observer) from luminance readings, path (a); for the glare figure, the UGR
    at every standard observer position (NaN where not computed) and the luminaire layout."""
    out = RoomMetrics(room.classroom_id)
    result = room_glare(room, readings)
    values, reasons = glare.glare_metrics(result)
    out.add(values, reasons)
    ugr = {o.observer.name: o.ugr for o in result.per_observer}
    out.points["ugr_observer"] = [
        (o.name, o.x_m, o.y_m, ugr.get(o.name, math.nan)) for o in glare.standard_observers(room)
    ]
    layout = (
        glare.luminaire_layout(room)
        if room.luminaire_mounting_height_m is not None and room.luminaire_count
        else np.zeros((0, 3))
    )
    out.points["luminaire"] = [
        (f"L{i + 1}", float(p[0]), float(p[1]), math.nan) for i, p in enumerate(layout)
    ]
    return out


def _luminaire_index(name: str, n: int) -> int | None:
    if len(name) >= 2 and name[0] == "L" and name[1:].isdigit():
        index = int(name[1:]) - 1
        if 0 <= index < n:
            return index
    return None


def power_part(room: Classroom, readings: Sequence[AnyReading]) -> RoomMetrics:
    """LPD and room index from the power readings; luminaire height above the desk."""
    out = RoomMetrics(room.classroom_id)
    values, reasons = power.power_metrics(
        room, [r for r in readings if isinstance(r, PowerReading)]
    )
    out.add(values, reasons)
    positions = [r for r in readings if isinstance(r, HeightReading)]
    general = [r.height_m for r in positions if not r.luminaire.startswith("B")]
    if general:
        # the lowest luminaire decides (the limit is a minimum height above the desk)
        out.add({"luminaire_height_above_desk_m": min(general) - room.desk_height_m}, {})
    else:
        out.add(
            {"luminaire_height_above_desk_m": math.nan},
            {
                "luminaire_height_above_desk_m": not_measured(
                    Message(_n("no mounting-height reading"))
                )
            },
        )
    board = [r for r in positions if r.luminaire.startswith("B")]
    board_top = room.board_bottom_m + room.board_height_m
    # every blackboard lamp must lie in the installation range, so the extremes are judged (a
    # mean could sit inside the range with every lamp outside it)
    _extremes(
        out,
        "board_luminaire_height_above_board",
        [r.height_m - board_top for r in board],
        Word(_n("blackboard-lamp height")),
    )
    unmeasured = sorted(r.luminaire for r in board if r.horizontal_distance_m is None)
    if board and unmeasured and len(unmeasured) < len(board):
        # a lamp without its distance is not judged by the others' distances
        names = ("board_luminaire_distance_min_m", "board_luminaire_distance_max_m")
        why = not_measured(
            Message(_n("no horizontal distance for {names}"), names=", ".join(unmeasured))
        )
        out.add(dict.fromkeys(names, math.nan), dict.fromkeys(names, why))
    else:
        _extremes(
            out,
            "board_luminaire_distance",
            [r.horizontal_distance_m for r in board if r.horizontal_distance_m is not None],
            Word(_n("blackboard-lamp distance")),
        )
    return out


def _extremes(out: RoomMetrics, stem: str, values: Sequence[float], missing: Word) -> None:
    """``{stem}_min_m`` and ``{stem}_max_m`` over the lamps, or both not measured (no
    ``missing``)."""
    names = (f"{stem}_min_m", f"{stem}_max_m")
    if values:
        out.add({names[0]: float(min(values)), names[1]: float(max(values))}, {})
    else:
        why = not_measured(Message(_n("no {word}"), word=missing))
        out.add(dict.fromkeys(names, math.nan), dict.fromkeys(names, why))


# --------------------------------------------------------------------------- batched parts
def flicker_part(
    rooms: Sequence[tuple[Classroom, Sequence[AnyReading]]],
) -> dict[str, RoomMetrics]:
    """Flicker metrics of every room, batched over waveforms of the same shape and rate."""
    out = {room.classroom_id: RoomMetrics(room.classroom_id) for room, _ in rooms}
    # one vectorised call per (length, rate, luminaire kind, dark level, full scale)
    groups: dict[tuple[int, float, str, float, float | None], list[tuple[str, WaveformReading]]]
    groups = defaultdict(list)
    for room, readings in rooms:
        waves = [r for r in readings if isinstance(r, WaveformReading)]
        seen: set[str] = set()
        for wave in reversed(waves):  # the latest waveform of each luminaire counts
            lum = _luminaire_of(wave)
            if lum in seen:
                continue
            seen.add(lum)
            key = (wave.samples.size, wave.sample_rate_hz, lum, wave.dark_level, wave.full_scale)
            groups[key].append((room.classroom_id, wave))
    for (_, rate, lum, dark, full), members in groups.items():
        rows = np.empty((len(members), members[0][1].samples.size))
        for i, (_, wave) in enumerate(members):
            rows[i] = wave.samples  # one converting copy, no intermediate arrays
        result = flicker_metrics(rows, rate, dark_level=dark, full_scale=full, pst=(lum != "board"))
        prefix = "board_" if lum == "board" else ""
        for i, (room_id, _) in enumerate(members):
            values, reasons = flicker_metric_dict(result, i, prefix=prefix)
            out[room_id].add(values, reasons)
    for room, _ in rooms:
        metrics = out[room.classroom_id]
        for prefix in ("", "board_"):
            if f"{prefix}flicker_percent" not in metrics.values:
                which = Word(_n("blackboard lamp") if prefix else _n("general luminaire"))
                why = not_measured(Message(_n("no {word} waveform"), word=which))
                for metric_id in _flicker_ids(prefix):
                    metrics.values[metric_id] = math.nan
                    metrics.reasons[metric_id] = why
    return out


def _flicker_ids(prefix: str) -> list[str]:
    from luxcheck.vocabulary import METRICS

    return [
        m
        for m in METRICS
        if m.startswith(f"{prefix}flicker_") and (prefix or not m.startswith("board_"))
    ]


# --------------------------------------------------------------------------- the campaign
SpectralPart = Callable[
    [Sequence[tuple[Classroom, Sequence[AnyReading]]], Mapping[str, RoomMetrics]],
    dict[str, RoomMetrics],
]


RoomPairs = Sequence[tuple[Classroom, Sequence[AnyReading]]]


def analyse_rooms(rooms: RoomPairs) -> dict[str, RoomMetrics]:
    """Compute every metric of the given rooms (pure: no store access).

    Readings the kernels refuse (an :class:`InputError`: a spectrum that does not cover
    380–780 nm, a one-sample waveform, a background luminance of 0, …) make the metrics of that
    part of that room not measured, with the error as the reason; the other rooms of the batch
    and the other parts of the room are analysed as usual.
    """
    results = {room.classroom_id: RoomMetrics(room.classroom_id) for room, _ in rooms}
    for room, readings in rooms:
        for part in (grid_part, glare_part, power_part):
            try:
                metrics = part(room, readings)
            except InputError as exc:
                metrics = _refused(part(room, []), exc)
            results[room.classroom_id].merge(metrics)
    batched: list[Callable[[RoomPairs], dict[str, RoomMetrics]]] = [
        flicker_part,
        lambda pairs: spectral_part(pairs, results),
    ]
    for run in batched:
        for room_id, metrics in _room_by_room_on_refusal(run, rooms).items():
            results[room_id].add(metrics.values, metrics.reasons)
    return results


def _room_by_room_on_refusal(
    run: Callable[[RoomPairs], dict[str, RoomMetrics]], rooms: RoomPairs
) -> dict[str, RoomMetrics]:
    """``run`` over the batch; if it refuses the batch, room by room, so that only the room
    whose readings are refused gets the refusal."""
    try:
        return run(rooms)
    except InputError:
        out: dict[str, RoomMetrics] = {}
        for room, readings in rooms:
            try:
                out.update(run([(room, readings)]))
            except InputError as exc:
                out[room.classroom_id] = _refused(run([(room, [])])[room.classroom_id], exc)
        return out


def _refused(without_readings: RoomMetrics, exc: InputError) -> RoomMetrics:
    """Every metric the part gives (those it gives without readings) not measured, with the
    error as the reason."""
    out = RoomMetrics(without_readings.classroom_id)
    why = not_measured(Message(_n("the analysis refused the readings ({error})"), error=str(exc)))
    out.add(
        dict.fromkeys(without_readings.values, math.nan),
        dict.fromkeys(without_readings.values, why),
    )
    out.points, out.surfaces = without_readings.points, without_readings.surfaces
    return out


def analyse_chunk(
    store: CampaignStore, rooms: Sequence[Classroom]
) -> dict[str, tuple[RoomMetrics, str]]:
    """Load the current readings of ``rooms`` and analyse them: metrics and the input hash of
    the readings actually used (a reading journalled meanwhile is in both or in neither)."""
    by_room = store.readings_by_classroom([room.classroom_id for room in rooms])
    sessions = _sessions_by_room(store)
    voided = set(store.session_voids())
    resolved = {
        room.classroom_id: sessions_rule.resolve(
            by_room.get(room.classroom_id, []), sessions.get(room.classroom_id, []), voided
        )
        for room in rooms
    }
    results = analyse_rooms([(room, resolved[room.classroom_id].readings) for room in rooms])
    out = {}
    for room in rooms:
        room_id = room.classroom_id
        readings = by_room.get(room_id, [])
        room_sessions = sessions.get(room_id, [])

        def analyse(chosen: Sequence[AnyReading], room: Classroom = room) -> RoomMetrics:
            return analyse_rooms([(room, chosen)])[room.classroom_id]

        results[room_id].sources = sessions_rule.metric_sources(
            readings, room_sessions, voided, results[room_id], analyse, resolved[room_id]
        )
        out[room_id] = (
            results[room_id],
            input_hash(
                room,
                (r.reading_id for r in readings),
                (s.session_id for s in room_sessions if s.session_id in voided),
            ),
        )
    return out


def _sessions_by_room(store: CampaignStore) -> dict[str, list[MeasurementSession]]:
    grouped: dict[str, list[MeasurementSession]] = defaultdict(list)
    for session in store.sessions():
        grouped[session.classroom_id].append(session)
    return grouped


def _analyse_chunk_in_worker(
    path: Path, rooms: Sequence[Classroom]
) -> dict[str, tuple[RoomMetrics, str]]:
    """A worker process: its own read-only connection, so chunks load in parallel."""
    reader = CampaignStore.open_reader(path)
    try:
        return analyse_chunk(reader, rooms)
    finally:
        reader.close()


def _share_lazy_imports() -> None:
    """Import the libraries that the kernels import lazily (for the CLI's start-up time) and
    every chunk needs — scipy.signal for PstLM, scipy.interpolate for the isolux surface —
    in this process before it forks its workers, so that they share one import instead of
    each paying for its own (about 0.8 s of CPU per worker with scipy 1.17, most of it spent
    building docstrings). Nothing to share where workers are spawned, not forked."""
    import multiprocessing

    # the context the pool takes (the default one)
    if multiprocessing.get_context().get_start_method() == "fork":
        import scipy.interpolate
        import scipy.signal  # noqa: F401


@dataclass(frozen=True)
class AnalysisSummary:
    """What a campaign analysis did."""

    analysed: int
    unchanged: int
    rooms: int


def analyse_campaign(
    store: CampaignStore,
    *,
    force: bool = False,
    classroom_ids: Iterable[str] | None = None,
    chunk: int = 125,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> AnalysisSummary:
    """Analyse the campaign's classrooms and store their metrics (incrementally).

    Rooms are processed in chunks (``chunk`` rooms per vectorised pass) to bound memory, on
    ``jobs`` processes (default: the machine's cores); each chunk's metrics are written in one
    transaction by this process.
    """
    wanted = set(classroom_ids) if classroom_ids is not None else None
    rooms = [r for r in store.classrooms() if wanted is None or r.classroom_id in wanted]
    ids_by_room = store.current_reading_ids()
    voided_by_room: dict[str, list[str]] = defaultdict(list)
    voids = store.session_voids()
    for session in store.sessions() if voids else ():
        if session.session_id in voids:
            voided_by_room[session.classroom_id].append(session.session_id)
    todo = [
        room
        for room in rooms
        if force
        or store.metrics_hash(room.classroom_id)
        != input_hash(
            room,
            ids_by_room.get(room.classroom_id, []),
            voided_by_room.get(room.classroom_id, ()),
        )
    ]
    chunks = [todo[start : start + chunk] for start in range(0, len(todo), chunk)]
    workers = max(1, min(jobs if jobs is not None else (os.cpu_count() or 1), len(chunks)))
    done = 0

    def write(results: dict[str, tuple[RoomMetrics, str]]) -> None:
        nonlocal done
        with store.transaction():
            for room_id, (metrics, digest) in results.items():
                store.put_metrics(
                    room_id, metrics.values, input_hash=digest, reasons=metrics.stored_reasons()
                )
                store.put_metric_sources(room_id, metrics.sources)
                store.put_figure_data(room_id, metrics.points, metrics.surfaces)
        done += len(results)
        if progress is not None:
            progress(done, len(todo))

    if workers == 1:
        for batch in chunks:
            write(analyse_chunk(store, batch))
    else:
        # each worker loads and analyses whole chunks (readings are read in parallel; the
        # kernels are vectorised within a chunk); this process only writes the metrics
        import concurrent.futures

        _share_lazy_imports()
        with concurrent.futures.ProcessPoolExecutor(workers) as pool:
            futures = [pool.submit(_analyse_chunk_in_worker, store.path, b) for b in chunks]
            for future in futures:
                write(future.result())
    return AnalysisSummary(len(todo), len(rooms) - len(todo), len(rooms))
