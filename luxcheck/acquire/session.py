"""The guided field measurement: walk the inspector through a classroom, journal every reading.

A session is a list of :class:`Step` s (desk points, board points, spectra, flicker waveforms,
power, mounting height) built from the room's point plans. For each step the inspector is
prompted, the meter is read, and the reading is committed to the campaign store *before* the
next prompt. Reading ids are deterministic (``<session>.<step>.<attempt>``), and which steps are
done is read back from the store, so a session that was interrupted anywhere — a crash, kill -9,
an unplugged meter, a flat battery — resumes exactly where the store says, and every reading
acknowledged before the interruption is in the store exactly once.

Commands at a prompt: Enter (or ``r``) takes the reading, ``u`` undoes the last reading (a void
reading supersedes it; the step is taken again), ``s`` skips the step (it stays "not measured"),
``q`` stops (resume later with ``--resume``).

The engine talks to meters through :class:`FieldMeter` (see :mod:`luxcheck.acquire.meters` for the
binding to :mod:`luxcheck.drivers`) and to the inspector through :class:`Console`, so it runs
interactively, from a script, or fully automatically (the demo, the tests).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import numpy as np

from luxcheck.acquire.advice import device_message
from luxcheck.acquire.holds import release_classroom, stored_steps, take_classroom
from luxcheck.errors import DeviceError, InputError
from luxcheck.i18n import gettext_for, shows_source_text
from luxcheck.journal.store import CampaignStore
from luxcheck.messages import Message, Translate, _n
from luxcheck.model import (
    AnyReading,
    Classroom,
    HeightReading,
    IlluminanceReading,
    LuminanceReading,
    MeasurementSession,
    PowerReading,
    SpectrumReading,
    VoidReading,
    WaveformReading,
)

Role = Literal["lux", "spectrum", "flicker", "power", "height", "luminance"]


@dataclass(frozen=True)
class Step:
    """One thing to measure, with what the inspector is shown.

    ``key`` is stable within a classroom (``desk-03``, ``board-1``, ``spectrum-general``,
    ``flicker-board``, ``power-general``, ``height-1``); ``role`` says which meter answers;
    ``title`` is what the inspector is shown, translated when shown.
    """

    key: str
    role: Role
    title: Message
    surface: Literal["desk", "board", "other"] = "desk"
    point: int | None = None
    x_m: float = 0.0
    y_m: float = 0.0
    luminaire: str = ""
    circuit: Literal["general", "board", "total"] = "general"
    observer: str = ""
    target: Literal["luminaire", "background"] = "luminaire"


class StepCommand(Exception):  # noqa: N818 - a control signal, not an error
    """Raised by a meter whose reading the inspector types in, when the inspector answers a
    value prompt with ``s`` (skip the step) or ``q`` (stop the session) instead of a number."""

    def __init__(self, command: Literal["s", "q"]) -> None:
        super().__init__(command)
        self.command = command


class FieldMeter(Protocol):
    """A meter as the guided session uses it: one reading per call, or a DeviceError."""

    instrument_id: str | None

    def read(self, step: Step) -> Mapping[str, Any]:
        """Measure for ``step``; return the reading's fields (e.g. ``illuminance_lx``)."""
        ...

    def reconnect(self) -> None:
        """Try to open the connection again (after a disconnect); raise DeviceError if not."""
        ...


class Console(Protocol):
    """Where prompts go and answers come from."""

    def say(self, text: str) -> None: ...

    def ask(self, prompt: str) -> str: ...


@dataclass
class ScriptedConsole:
    """Answers from a list of commands (``read``/``r``, ``undo``/``u``, ``skip``/``s``,
    ``quit``/``q``); when the list runs out, every further prompt is answered with ``read``
    (``auto=True``) or ``quit``."""

    commands: list[str] = field(default_factory=list)
    auto: bool = True
    out: Callable[[str], None] = print

    def say(self, text: str) -> None:
        self.out(text)

    def ask(self, prompt: str) -> str:
        self.out(prompt)
        if self.commands:
            return self.commands.pop(0)
        return "r" if self.auto else "q"


class InteractiveConsole:
    """The terminal: prompts on stdout, answers from stdin (end of input = quit)."""

    def say(self, text: str) -> None:
        print(text, flush=True)

    def ask(self, prompt: str) -> str:
        try:
            return input(prompt + " ")
        except EOFError:
            return "q"


def plan_steps(
    room: Classroom,
    desk_points: Sequence[tuple[int, float, float, str]],
    board_points: Sequence[tuple[int, float, float, str]],
    *,
    observers: Sequence[str] = (),
    roles: Iterable[Role] = ("lux", "spectrum", "flicker", "power", "height", "luminance"),
    board_spectrum: bool = True,
    luminaire_spectra: Sequence[str] = (),
) -> list[Step]:
    """The steps of a classroom session, in the order an inspector walks them.

    ``desk_points`` / ``board_points`` are ``(index, x_m, y_m, label)`` from the room's point
    plans (:func:`luxcheck.kernels.grids.point_plan`); ``observers`` the glare observer positions
    (:func:`luxcheck.kernels.glare.standard_observers`), at each of which the luminance of every
    general luminaire ``L1…Ln`` and the background luminance are read. Roles without a meter
    are left out. ``board_spectrum`` False leaves out the blackboard lamp's spectrum (a profile
    that limits none of its metrics); ``luminaire_spectra`` names the general luminaires under
    each of which a spectrum is taken for colour consistency (:func:`like_luminaire_sample`).
    """
    wanted = set(roles)
    steps: list[Step] = []
    if "lux" in wanted:
        for index, x, y, label in desk_points:
            steps.append(
                Step(
                    f"desk-{index:02d}",
                    "lux",
                    Message(_n("desk point {label}"), label=label),
                    "desk",
                    index,
                    x,
                    y,
                )
            )
        for index, x, y, label in board_points:
            steps.append(
                Step(
                    f"board-{index:02d}",
                    "lux",
                    Message(_n("blackboard point {label}"), label=label),
                    "board",
                    index,
                    x,
                    y,
                )
            )
    if "spectrum" in wanted:
        steps.append(
            Step(
                "spectrum-general",
                "spectrum",
                Message(_n("spectrum, general luminaire")),
                luminaire="general",
            )
        )
        for label in luminaire_spectra:
            steps.append(
                Step(
                    f"spectrum-{label}",
                    "spectrum",
                    Message(_n("spectrum under general luminaire {luminaire}"), luminaire=label),
                    luminaire=label,
                )
            )
        if room.board_luminaire_count and board_spectrum:
            steps.append(
                Step(
                    "spectrum-board",
                    "spectrum",
                    Message(_n("spectrum, blackboard lamp")),
                    luminaire="board",
                )
            )
    if "flicker" in wanted:
        steps.append(
            Step(
                "flicker-general",
                "flicker",
                Message(_n("flicker waveform, general luminaire")),
                luminaire="general",
            )
        )
        if room.board_luminaire_count:
            steps.append(
                Step(
                    "flicker-board",
                    "flicker",
                    Message(_n("flicker waveform, blackboard lamp")),
                    luminaire="board",
                )
            )
    if "power" in wanted:
        steps.append(
            Step(
                "power-general",
                "power",
                Message(_n("input power, general lighting circuit")),
                circuit="general",
            )
        )
        if room.board_luminaire_count:
            steps.append(
                Step(
                    "power-board",
                    "power",
                    Message(_n("input power, blackboard circuit")),
                    circuit="board",
                )
            )
    if "height" in wanted:
        steps.append(
            Step(
                "height-L1",
                "height",
                Message(_n("luminaire mounting height above the floor")),
                luminaire="L1",
            )
        )
        if room.board_luminaire_count:
            steps.append(
                Step(
                    "height-B1",
                    "height",
                    Message(_n("blackboard lamp height and distance from the board")),
                    luminaire="B1",
                )
            )
    if "luminance" in wanted:
        for observer in observers:
            for i in range(1, room.luminaire_count + 1):
                steps.append(
                    Step(
                        f"glare-{observer}-L{i}",
                        "luminance",
                        Message(
                            _n("observer {observer}: luminance of luminaire {luminaire}"),
                            observer=observer,
                            luminaire=f"L{i}",
                        ),
                        luminaire=f"L{i}",
                        observer=observer,
                    )
                )
            steps.append(
                Step(
                    f"glare-{observer}-bg",
                    "luminance",
                    Message(_n("observer {observer}: background luminance"), observer=observer),
                    observer=observer,
                    target="background",
                )
            )
        if room.board_luminaire_count:
            steps.append(
                Step(
                    "luminance-B1",
                    "luminance",
                    Message(_n("luminance of blackboard lamp {luminaire}"), luminaire="B1"),
                    luminaire="B1",
                )
            )
    return steps


def like_luminaire_sample(room: Classroom) -> tuple[str, ...]:
    """The general luminaires a spectrum is taken under for colour consistency (GB 55016-2021
    §3.3.5, ≤ 5 SDCM between like products): three spread over the layout — the first, the
    middle and the last of ``L1…Ln`` — or all of them when there are three or fewer. The
    standard gives no sampling plan; this one is luxcheck's (docs/standards.md)."""
    n = room.luminaire_count
    picks = sorted({1, (n + 1) // 2, n}) if n > 3 else list(range(1, n + 1))
    return tuple(f"L{i}" for i in picks if i >= 1)


def classroom_steps(
    room: Classroom,
    *,
    roles: Iterable[Role] = ("lux", "spectrum", "flicker", "power", "height", "luminance"),
    profile: str | None = None,
) -> list[Step]:
    """The steps of a classroom's session from its default point plans (GB/T 5700
    centre-point, :func:`luxcheck.kernels.grids.point_plan`) and the standard glare observers
    (:func:`luxcheck.kernels.glare.standard_observers`) — the plans the analysis assumes.

    With the campaign's ``profile``, the blackboard lamp's spectrum is asked for only when the
    profile limits one of its metrics (:func:`luxcheck.analysis.spectral.board_spectrum_needed`:
    its CCT, Ra, R9, K_B,v or risk-group indication), and spectra under a sample of the general
    luminaires (:func:`like_luminaire_sample`) only when it limits colour consistency; without a
    profile, the board spectrum whenever the room has blackboard lamps and no luminaire
    spectra."""
    from luxcheck.analysis.glare import standard_observers
    from luxcheck.analysis.grids import point_plan
    from luxcheck.analysis.spectral import board_spectrum_needed, colour_consistency_needed

    desk = point_plan(room, "desk")
    board = point_plan(room, "board")
    return plan_steps(
        room,
        [(p.index, p.x_m, p.y_m, p.label) for p in desk.points],
        [(p.index, p.x_m, p.y_m, p.label) for p in board.points],
        observers=[o.name for o in standard_observers(room)],
        roles=roles,
        board_spectrum=profile is None or board_spectrum_needed(profile),
        luminaire_spectra=(
            like_luminaire_sample(room)
            if profile is not None and colour_consistency_needed(profile)
            else ()
        ),
    )


@dataclass
class SessionOutcome:
    """What a run of the guided session did."""

    session_id: str
    taken: list[str]
    skipped: list[str]
    remaining: list[str]
    stopped: bool
    device_error: str = ""

    @property
    def complete(self) -> bool:
        return not self.remaining


def step_key(session_id: str, reading_id: str) -> str:
    """The step key of a reading id ``<session>.<step>.<attempt>``."""
    return reading_id[len(session_id) + 1 :].split(".")[0]


def _attempts(store: CampaignStore, session_id: str) -> tuple[dict[str, int], dict[str, str]]:
    """Per step key: how many readings were ever taken, and the current (not voided) one."""
    counts: dict[str, int] = {}
    for reading in store.readings(session_id=session_id, include_superseded=True):
        if reading.kind == "void":
            continue
        key = step_key(session_id, reading.reading_id)
        counts[key] = counts.get(key, 0) + 1
    current = {
        step_key(session_id, r.reading_id): r.reading_id
        for r in store.readings(session_id=session_id)
    }
    return counts, current


def build_reading(
    step: Step,
    reading_id: str,
    session_id: str,
    instrument_id: str | None,
    fields: Mapping[str, Any],
    *,
    taken_at: dt.datetime | None = None,
) -> AnyReading:
    """Build the reading of ``step`` from a meter's fields (time stamp: now unless given)."""
    now = taken_at or dt.datetime.now(dt.UTC)
    common: dict[str, Any] = dict(
        reading_id=reading_id, session_id=session_id, taken_at=now, instrument_id=instrument_id
    )
    if step.role == "lux":
        return IlluminanceReading(
            **common,
            surface=step.surface,
            x_m=step.x_m,
            y_m=step.y_m,
            point=step.point,
            illuminance_lx=fields["illuminance_lx"],
            lights_on=bool(fields.get("lights_on", True)),
        )
    if step.role == "spectrum":
        return SpectrumReading(
            **common,
            wavelength_nm=np.asarray(fields["wavelength_nm"]),
            values=np.asarray(fields["values"]),
            unit=fields.get("unit", "W/(m2 nm)"),
            luminaire=step.luminaire,
        )
    if step.role == "flicker":
        return WaveformReading(
            **common,
            samples=np.asarray(fields["samples"]),
            sample_rate_hz=float(fields["sample_rate_hz"]),
            unit=str(fields.get("unit", "relative")),
            dark_level=float(fields.get("dark_level", 0.0)),
            full_scale=fields.get("full_scale"),
            luminaire=step.luminaire,
        )
    if step.role == "power":
        return PowerReading(**common, circuit=step.circuit, power_w=fields["power_w"])
    if step.role == "luminance":
        return LuminanceReading(
            **common,
            target=step.target,
            observer=step.observer,
            luminaire=step.luminaire,
            luminance_cd_m2=fields["luminance_cd_m2"],
        )
    return HeightReading(
        **common,
        luminaire=step.luminaire,
        height_m=fields["height_m"],
        horizontal_distance_m=fields.get("horizontal_distance_m"),
    )


def _describe(reading: AnyReading, _: Translate) -> str:
    if isinstance(reading, IlluminanceReading):
        return f"{reading.illuminance_lx:.1f} lx"
    if isinstance(reading, SpectrumReading):
        return _("{count} wavelengths").format(count=reading.wavelength_nm.size)
    if isinstance(reading, WaveformReading):
        return _("{count} samples at {rate:g} Hz").format(
            count=reading.samples.size, rate=reading.sample_rate_hz
        )
    if isinstance(reading, PowerReading):
        return f"{reading.power_w:.1f} W"
    if isinstance(reading, HeightReading):
        return f"{reading.height_m:.3f} m"
    if isinstance(reading, LuminanceReading):
        return f"{reading.luminance_cd_m2:.0f} cd/m²"
    return reading.kind


def run_session(
    store: CampaignStore,
    session: MeasurementSession,
    steps: Sequence[Step],
    meters: Mapping[Role, FieldMeter],
    console: Console,
    *,
    lang: str = "zh",
    reconnect_attempts: int = 20,
    reconnect_wait_s: float = 0.5,
    interactive_reconnect: bool = False,
    max_refusals: int | None = 3,
    verbose: bool = False,
    take_over: bool = False,
    on_start: Callable[[], object] | None = None,
) -> SessionOutcome:
    """Run (or resume) a guided session. The session row is created if it is not stored yet.

    Each reading is committed before the next prompt and acknowledged with a line
    ``saved <reading_id> …``. A device error is reported in plain words; on a disconnect the
    session waits for the meter to come back (asking the inspector when interactive), and stops
    cleanly (resumable) if it does not. A reading the model refuses (e.g. out of range) is
    taken again; after ``max_refusals`` refusals of the same step the step is skipped (it stays
    "not measured"). ``None`` asks again until the inspector skips (a person at the prompt).
    Device errors are told in the session's language (the driver's detail with ``verbose``).

    The session row is written with its first reading (in one transaction), so a start that
    is aborted before any reading leaves no empty session behind. While it runs the session
    holds its classroom (:func:`luxcheck.acquire.holds.take_classroom`): a second session of
    the classroom started meanwhile is refused, naming who holds this one (``take_over``
    takes over a hold whose process is known to be gone). A resumed session first tells the
    readings it found stored. ``on_start`` (e.g. recording the environmental conditions asked
    at the start) runs with the first reading, in the same transaction.
    """
    if "." in session.session_id:
        raise InputError("a guided session id must not contain '.'", column="session_id")
    stored = store.session(session.session_id)
    if stored is not None and stored.classroom_id != session.classroom_id:
        raise InputError(
            f"session {session.session_id!r} belongs to classroom {stored.classroom_id!r}, "
            f"not {session.classroom_id!r}",
            column="session_id",
        )
    taken = take_classroom(store, session, take_over=take_over)
    for notice in taken.notices:
        console.say(notice.render(gettext_for(lang)))
    try:
        return _run(
            store,
            session,
            stored is not None,
            steps,
            meters,
            console,
            lang,
            reconnect_attempts,
            reconnect_wait_s,
            interactive_reconnect,
            max_refusals,
            verbose,
            on_start,
        )
    finally:
        release_classroom(store, taken.hold)


def _run(
    store: CampaignStore,
    session: MeasurementSession,
    created: bool,
    steps: Sequence[Step],
    meters: Mapping[Role, FieldMeter],
    console: Console,
    lang: str,
    reconnect_attempts: int,
    reconnect_wait_s: float,
    interactive_reconnect: bool,
    max_refusals: int | None,
    verbose: bool,
    on_start: Callable[[], object] | None,
) -> SessionOutcome:
    _ = gettext_for(lang)
    sid = session.session_id
    counts, current = _attempts(store, sid)
    if current:
        found = [s.key for s in steps if s.key in current]
        latest = store.readings(session_id=sid)[-1]
        console.say(
            _(
                "session {session}: {count} readings already stored ({steps}); the last is "
                "{reading} {value} at {time}"
            ).format(
                session=sid,
                count=len(current),
                steps=stored_steps(found),
                reading=latest.reading_id,
                value=_describe(latest, _),
                time=f"{latest.taken_at.astimezone():%H:%M:%S}",
            )
        )
    taken: list[str] = []
    skipped: list[str] = []
    refusals: dict[str, int] = {}
    history: list[str] = [current[s.key] for s in steps if s.key in current]
    pending = [s for s in steps if s.key not in current]
    total = len(steps)

    def title(step: Step) -> str:
        return step.title.render(_)

    stopped = _("stopped; resume with --resume")

    index = 0
    while index < len(pending):
        step = pending[index]
        done = total - len(pending) + index
        where = f" (x={step.x_m:.2f} m, y={step.y_m:.2f} m)" if step.role == "lux" else ""
        answer = console.ask(
            _("[{number}/{total}] {title}{where} — Enter/r u s q:").format(
                number=done + 1, total=total, title=title(step), where=where
            )
        )
        command = answer.strip().lower()[:1] or "r"
        if command == "q":
            console.say(stopped)
            return SessionOutcome(sid, taken, skipped, [s.key for s in pending[index:]], True)
        if command == "s":
            skipped.append(step.key)
            index += 1
            continue
        if command == "u":
            if not history:
                console.say(_("nothing to undo"))
                continue
            last = history.pop()
            # a reading can be withdrawn once (it is then no longer current): the id is unique
            store.add_reading(
                VoidReading(
                    f"{last}.void", sid, dt.datetime.now(dt.UTC), supersedes=last, note="undo"
                )
            )
            console.say(_("undone {reading}").format(reading=last))
            undone_key = step_key(sid, last)
            undone_step = next(s for s in steps if s.key == undone_key)
            pending.insert(index, undone_step)
            continue
        if command != "r":
            console.say(
                _("unknown command {answer!r}: Enter/r read, u undo, s skip, q quit").format(
                    answer=answer
                )
            )
            continue
        meter = meters.get(step.role)
        if meter is None:
            skipped.append(step.key)
            index += 1
            continue
        try:
            fields = meter.read(step)
        except StepCommand as command_given:
            if command_given.command == "q":
                console.say(stopped)
                return SessionOutcome(sid, taken, skipped, [s.key for s in pending[index:]], True)
            skipped.append(step.key)  # "s": the typed-in quantity is not measured
            index += 1
            continue
        except DeviceError as exc:
            said = device_message(exc, lang, verbose=verbose)
            console.say(_("meter error: {message}").format(message=said))
            if not _wait_for_meter(
                meter,
                console,
                reconnect_attempts,
                reconnect_wait_s,
                interactive_reconnect,
                lang,
                verbose,
            ):
                return SessionOutcome(
                    sid, taken, skipped, [s.key for s in pending[index:]], True, said
                )
            continue  # ask again for the same step
        attempt = counts.get(step.key, 0) + 1
        reading_id = f"{sid}.{step.key}.{attempt}"
        try:
            reading = build_reading(step, reading_id, sid, meter.instrument_id, fields)
        except InputError as exc:
            console.say(_("reading refused: {why}").format(why=_refused(exc, lang, verbose)))
            refusals[step.key] = refusals.get(step.key, 0) + 1
            if max_refusals is not None and refusals[step.key] >= max_refusals:
                console.say(
                    _(
                        "{step}: refused {count} times; step skipped (not measured — check the "
                        "meter, then measure it with --resume)"
                    ).format(step=title(step), count=refusals[step.key])
                )
                skipped.append(step.key)
                index += 1
            continue
        with store.transaction():  # committed and fsynced before the acknowledgement
            if not created:  # the session is stored with its first reading
                store.add_session(session)
                created = True
            if on_start is not None:  # and what was asked at its start
                on_start()
                on_start = None
            store.add_reading(reading)
        counts[step.key] = attempt
        history.append(reading_id)
        taken.append(reading_id)
        console.say(
            _("saved {reading} {value}").format(reading=reading_id, value=_describe(reading, _))
        )
        index += 1
    return SessionOutcome(sid, taken, skipped, [], False)


def _wait_for_meter(
    meter: FieldMeter,
    console: Console,
    attempts: int,
    wait_s: float,
    interactive: bool,
    lang: str,
    verbose: bool,
) -> bool:
    _ = gettext_for(lang)
    for _attempt in range(attempts):
        if interactive:
            answer = console.ask(_("reconnect the meter, then press Enter (q to stop):"))
            if answer.strip().lower().startswith("q"):
                return False
        else:
            time.sleep(wait_s)
        try:
            meter.reconnect()
        except DeviceError as exc:
            said = device_message(exc, lang, verbose=verbose)
            console.say(_("still not connected: {message}").format(message=said))
            continue
        console.say(_("meter reconnected"))
        return True
    console.say(_("meter did not come back; the session is saved — resume with --resume"))
    return False


def _refused(exc: InputError, lang: str, verbose: bool) -> str:
    """Why the model refused a reading, in the session's language: the model's own words (in
    English) where they can be shown as written or were asked for (``verbose``), else what
    they mean for the inspector."""
    if shows_source_text(lang):
        return str(exc)
    _ = gettext_for(lang)
    text = _("the meter gave a value that is not possible here (e.g. outside the possible range)")
    if verbose:
        text = _("{message} [detail: {detail}]").format(message=text, detail=exc)
    return text
