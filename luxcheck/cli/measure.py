"""``luxcheck measure``: the guided field measurement of one classroom.

The inspector is shown the point plans of the room and walked through desk points, board
points, spectra, flicker waveforms, power, luminaire positions and glare luminances. Meters
with a driver are read over their port; quantities without one (power from a power analyser,
heights from a laser distance meter, luminances from a luminance meter) are typed in. Every
reading is committed to the campaign file before the next prompt.

Examples::

    luxcheck measure nj2026.lux --classroom S001-101 --inspector 张明 \\
        --lux-meter /dev/ttyUSB0 --spectrometer /dev/ttyACM0 --flicker-meter /dev/ttyUSB1
    luxcheck measure nj2026.lux --classroom S001-101 --inspector 张明 --resume ...
    luxcheck measure nj2026.lux --classroom S001-101 --inspector 张明 \\
        --lux-meter "emu://t-10a?lux=512" --roles lux --auto      # scripted, no prompts
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from luxcheck.acquire.advice import device_message
from luxcheck.acquire.environment import PROMPTS, ask_environment, record_environment
from luxcheck.acquire.holds import measured_sessions, retest_reason
from luxcheck.acquire.meters import DriverMeter, ManualMeter
from luxcheck.acquire.session import (
    Console,
    InteractiveConsole,
    Role,
    ScriptedConsole,
    classroom_steps,
    run_session,
)
from luxcheck.analysis import grids
from luxcheck.cli.arguments import decimal, positive
from luxcheck.cli.campaign_file import open_campaign
from luxcheck.drivers import DRIVERS, driver_class, models_for
from luxcheck.errors import EXIT_DEVICE, EXIT_OK, DeviceError, InputError
from luxcheck.i18n import LANGUAGES, gettext_for
from luxcheck.journal.store import CampaignStore
from luxcheck.messages import Translate, _n
from luxcheck.model import RETEST_REASONS, MeasurementSession

#: The environmental conditions a scripted session takes from the command line.
ENVIRONMENT_OPTIONS: tuple[tuple[str, str, str], ...] = (
    ("--temperature", "temperature_C", "°C"),
    ("--humidity", "relative_humidity_percent", "%"),
    ("--voltage", "supply_voltage_V", "V"),
    ("--stray-light", "stray_light_lx", "lx"),
    ("--warm-up", "warmup_min", "min"),
)
ALL_ROLES: tuple[Role, ...] = ("lux", "spectrum", "flicker", "power", "height", "luminance")
#: The roles a meter on a port measures: role, URL option, model option, what the meter is.
METERS: tuple[tuple[Role, str, str, str], ...] = (
    ("lux", "--lux-meter", "--lux-model", "illuminance meter"),
    ("spectrum", "--spectrometer", "--spectro-model", "spectroradiometer"),
    ("flicker", "--flicker-meter", "--flicker-model", "waveform sensor"),
)
#: Without a person at the prompt: answers or readings refused this often skip the step.
MAX_TRIES = 3
#: A role as the session names it (its id is the English msgid).
ROLE_NAMES: dict[str, str] = {
    "lux": _n("lux"),
    "spectrum": _n("spectrum"),
    "flicker": _n("flicker"),
    "power": _n("power"),
    "height": _n("height"),
    "luminance": _n("luminance"),
}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``measure`` command."""
    p = sub.add_parser(
        "measure",
        help="guided measurement of one classroom (every reading journalled at once)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("campaign", type=Path, help="campaign file")
    p.add_argument("--classroom", required=True, help="classroom id")
    p.add_argument("--inspector", required=True, help="inspector's name")
    p.add_argument("--session", help="session id (default: <classroom>-<time>)")
    p.add_argument(
        "--resume",
        action="store_true",
        help="continue the classroom's latest session where the store says",
    )
    for role, url_flag, model_flag, what in METERS:
        models = models_for(role)
        p.add_argument(url_flag, metavar="URL", help=f"{what} port or URL")
        p.add_argument(
            model_flag,
            choices=models,
            default=models[0],
            help=f"{what} model: {', '.join(models)} (default {models[0]})",
        )
    p.add_argument(
        "--flicker-seconds",
        type=decimal,
        default=20.0,
        help="record length [s] (PstLM needs >= 20 s)",
    )
    p.add_argument(
        "--instrument",
        action="append",
        default=[],
        metavar="ROLE=ID",
        help="instrument id of a role for the record (e.g. lux=LUX-1)",
    )
    p.add_argument(
        "--roles",
        default=",".join(ALL_ROLES),
        help=f"what to measure, comma-separated from {', '.join(ALL_ROLES)}",
    )
    p.add_argument(
        "--retest-reason",
        metavar="TEXT",
        help="why a classroom already measured is measured again (a re-test): e.g. "
        + ", ".join(f"'{r}'" for r in RETEST_REASONS)
        + " (asked at the prompt when not given; --auto records it as not given)",
    )
    p.add_argument(
        "--take-over",
        action="store_true",
        help="start although another session holds the classroom (only when that laptop or "
        "terminal crashed: two sessions at once on one classroom are refused otherwise)",
    )
    p.add_argument(
        "--auto", action="store_true", help="no prompts: take every reading (scripted runs, tests)"
    )
    p.add_argument(
        "--script", type=Path, help="answers to the prompts, one per line (r, u, s, q or a number)"
    )
    p.add_argument("--timeout", type=decimal, default=5.0, help="meter timeout [s]")
    p.add_argument(
        "--wait-scale",
        type=decimal,
        default=1.0,
        help="factor on the documented settling waits of "
        + ", ".join(m for m, cls in DRIVERS.items() if cls.option("wait_scale"))
        + " (1 for real meters; emulators need none)",
    )
    for flag, field, unit in ENVIRONMENT_OPTIONS:
        p.add_argument(
            flag,
            type=float,
            dest=field,
            metavar="PERCENT" if unit == "%" else unit,
            help=f"environmental condition: {PROMPTS[field]} [{unit.replace('%', '%%')}] "
            "(asked at the start when a person is at the prompt; not recorded if not given)",
        )
    p.add_argument("--lang", choices=sorted(LANGUAGES), default="zh", help="language (default zh)")
    p.add_argument(
        "--verbose", action="store_true", help="add the driver's detail to device errors"
    )
    p.set_defaults(func=_run)


def _dest(flag: str) -> str:
    """Get the attribute argparse stores an option under: ``--lux-meter`` → ``lux_meter``."""
    return flag.removeprefix("--").replace("-", "_")


def _roles(text: str) -> list[Role]:
    roles = [r.strip() for r in text.split(",") if r.strip()]
    bad = [r for r in roles if r not in ALL_ROLES]
    if bad:
        raise InputError(
            f"unknown role(s) {', '.join(bad)}; expected {', '.join(ALL_ROLES)}",
            source="argument --roles",
        )
    return roles  # type: ignore[return-value]


def _run(args: argparse.Namespace) -> int:
    roles = _roles(args.roles)
    positive(args.timeout, "--timeout", "s")
    positive(args.flicker_seconds, "--flicker-seconds", "s")
    if not (math.isfinite(args.wait_scale) and args.wait_scale >= 0):
        raise InputError(
            f"expected a finite factor ≥ 0, got {args.wait_scale!r}", source="argument --wait-scale"
        )
    if not args.classroom.strip():
        raise InputError(
            "expected a classroom id, got an empty text", source="argument --classroom"
        )
    instruments: dict[str, str] = {}
    for item in args.instrument:
        role, _, iid = item.partition("=")
        if role not in ALL_ROLES or not iid:
            raise InputError(f"{item!r}: expected ROLE=ID", source="argument --instrument")
        instruments[role] = iid
    console: Console
    interactive = not (args.auto or args.script)
    if args.script is not None:
        try:
            commands = args.script.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise InputError(
                f"cannot read the script ({exc.strerror})", source=str(args.script)
            ) from exc
        console = ScriptedConsole(commands, auto=args.auto, out=_print)
    elif args.auto:
        console = ScriptedConsole([], auto=True, out=_print)
    else:
        console = InteractiveConsole()

    _ = gettext_for(args.lang)
    with open_campaign(args.campaign) as store:
        room = store.classroom(args.classroom)
        session = _session(store, args, console if interactive else None)
        desk = grids.point_plan(room, "desk")
        board = grids.point_plan(room, "board")
        steps = classroom_steps(room, roles=roles, profile=store.campaign.profile)
        meters: dict[Role, Any] = {}
        opened: list[DriverMeter] = []
        try:
            # the session's settings, each given to the drivers that declare it an option
            offered: dict[str, object] = {"wait_scale": args.wait_scale}
            for role, url_flag, model_flag, _what in METERS:
                url = getattr(args, _dest(url_flag))
                model = getattr(args, _dest(model_flag))
                if role in roles and url:
                    record = {"duration_s": args.flicker_seconds} if role == "flicker" else {}
                    options = driver_class(model).accepted(offered | record)
                    try:
                        meter = DriverMeter(
                            url, model, instruments.get(role), timeout_s=args.timeout, **options
                        )
                    except DeviceError as exc:
                        _error(_, device_message(exc, args.lang, verbose=args.verbose))
                        return EXIT_DEVICE
                    opened.append(meter)
                    meters[role] = meter  # type: ignore[index]
            # typed-in quantities need answers: --auto alone has none to give (they are
            # skipped, "not measured"); from a script, an answer that is no number three
            # times running skips the step
            if not (args.auto and args.script is None):
                for role in ("power", "height", "luminance"):
                    if role in roles:
                        meters[role] = ManualMeter(  # type: ignore[index]
                            console,
                            instruments.get(role),
                            args.lang,
                            max_tries=None if interactive else MAX_TRIES,
                        )
            missing = [r for r in roles if r not in meters]
            if missing:
                console.say(
                    _("no meter for {roles}: those steps are skipped").format(
                        roles=_roles_named(missing, _)
                    )
                )
            typed = [r for r in missing if r in ("power", "height", "luminance")]
            if typed:
                console.say(
                    _("({roles}: typed in, and --auto has no --script to answer)").format(
                        roles=_roles_named(typed, _)
                    )
                )
            console.say(
                _(
                    "{classroom} {name}: desk {desk} points ({rows}×{cols}), board {board} "
                    "points; session {session}"
                ).format(
                    classroom=room.classroom_id,
                    name=room.name,
                    desk=desk.n_points,
                    rows=desk.rows,
                    cols=desk.cols,
                    board=board.n_points,
                    session=session.session_id,
                )
            )
            # the conditions are asked now and recorded with the first reading (an aborted
            # start leaves nothing behind), once per session
            environment = None
            if not any(
                r.session_id == session.session_id for r in store.environments(room.classroom_id)
            ):
                given = {field: getattr(args, field) for _flag, field, _unit in ENVIRONMENT_OPTIONS}
                environment = ask_environment(console, args.lang, given, ask=interactive)
            outcome = run_session(
                store,
                session,
                steps,
                meters,
                console,
                lang=args.lang,
                interactive_reconnect=interactive,
                max_refusals=None if interactive else MAX_TRIES,
                verbose=args.verbose,
                take_over=args.take_over,
                on_start=None
                if environment is None
                else functools.partial(record_environment, store, session, environment),
            )
        finally:
            for meter in opened:
                meter.close()
    done = len(steps) - len(outcome.remaining) - len(outcome.skipped)
    console.say(
        _(
            "session {session}: {done}/{total} steps measured, {skipped} skipped, "
            "{remaining} remaining"
        ).format(
            session=outcome.session_id,
            done=done,
            total=len(steps),
            skipped=len(outcome.skipped),
            remaining=len(outcome.remaining),
        )
    )
    if outcome.device_error:
        _error(
            _,
            _("{error} (the session is saved; resume with --resume)").format(
                error=outcome.device_error
            ),
        )
        return EXIT_DEVICE
    return EXIT_OK


def _print(text: str) -> None:
    print(text, flush=True)


def _error(_: Translate, text: str) -> None:
    """A device error on stderr, in the session's language (the command line's own errors,
    ``luxcheck: error: …``, are English)."""
    print(_("luxcheck: error: {message}").format(message=text), file=sys.stderr)


def _roles_named(roles: Sequence[str], _: Translate) -> str:
    return ", ".join(_(ROLE_NAMES[role]) for role in roles)


def _session(
    store: CampaignStore, args: argparse.Namespace, asker: Console | None
) -> MeasurementSession:
    """The session to run: the classroom's latest (not voided) one with ``--resume``, else a
    new one — a re-test (复测) when the classroom already has readings, with its reason (from
    ``--retest-reason``, asked of a person at the prompt, never asked in a scripted run)."""
    if args.resume:
        voided = store.session_voids()
        sessions = [s for s in store.sessions(args.classroom) if s.session_id not in voided]
        if not sessions:
            raise InputError(
                f"classroom {args.classroom} has no session to resume (none was stored, or "
                "every one is void; see 'luxcheck session list'); start a new one without "
                "--resume",
                source="argument --resume",
            )
        return sessions[-1]
    if args.session is not None:
        named = store.session(args.session)
        if named is not None and named.classroom_id == args.classroom:
            return named  # continuing that session
    earlier = measured_sessions(store, args.classroom)
    reason = (args.retest_reason or "").strip()
    _ = gettext_for(args.lang)
    if earlier:
        first = earlier[0]
        _print(
            _(
                "re-test of classroom {classroom}: first tested {date} (session {session}, "
                "{inspector}); {count} earlier session(s) with readings. For each quantity "
                "measured now, the re-test's readings replace the earlier ones (see 'luxcheck "
                "session list')."
            ).format(
                classroom=args.classroom,
                date=f"{first.started_at:%Y-%m-%d}",
                session=first.session_id,
                inspector=first.inspector,
                count=len(earlier),
            )
        )
        if not reason and asker is not None:
            # the reasons are stored in English (the report translates them)
            options = ", ".join(f"{i} {_(r)}" for i, r in enumerate(RETEST_REASONS, 1))
            reason = retest_reason(
                asker.ask(
                    _("reason for the re-test ({options}, or type it):").format(options=options)
                )
            )
        if not reason:
            _print(_("re-test reason not given (record it with --retest-reason)"))
    elif reason:
        raise InputError(
            f"classroom {args.classroom} has no readings yet: this is its first test, not a "
            "re-test; leave out --retest-reason",
            source="argument --retest-reason",
        )
    now = dt.datetime.now(dt.UTC).astimezone()
    session_id = args.session or f"{args.classroom}-{now:%Y%m%dT%H%M%S}"
    stored = store.session(session_id)
    if stored is not None and stored.classroom_id != args.classroom:
        # its readings would be filed under the session's classroom, on this room's plan
        raise InputError(
            f"session {session_id!r} belongs to classroom {stored.classroom_id!r}, not "
            f"{args.classroom!r}; give a new session id (or --resume for this classroom)",
            source="argument --session",
        )
    return MeasurementSession(
        session_id,
        args.classroom,
        args.inspector,
        now,
        tuple(sorted(set(_known_instruments(store, args)))),
        kind="retest" if earlier else "first",
        retest_reason=reason if earlier else "",
    )


def _known_instruments(store: CampaignStore, args: argparse.Namespace) -> list[str]:
    ids = [item.partition("=")[2] for item in args.instrument]
    for iid in ids:
        if store.instrument(iid) is None:
            raise InputError(
                f"instrument {iid!r} is not in the campaign", source="argument --instrument"
            )
    return ids
